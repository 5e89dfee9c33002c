"""The audit log as analysts read it: who did what, when, in Danish, and as a file for download.

The events themselves are written by the store (imports, undos: in the change's own transaction) and by
`ui` (logins, failed logins, logouts); this module only shows them.
"""

from __future__ import annotations

import pandas as pd

from beskdash.exports import Document
from beskdash.store import Store

SHOWN = 200  # rows on the page; the download has them all

ACTIONS = {
    "login": "Login",
    "login-fejl": "Mislykket login",
    "logout": "Log ud",
    "import": "Import",
    "undo": "Fortrudt import",
    "own-figure": "Egne tal",
    "plan": "Planversion",
}


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def table(store: Store, username: str | None = None, actions: list[str] | None = None) -> pd.DataFrame:
    """The log, newest first, with Danish column names and dates as Danes write them."""
    df = store.events(username=username, actions=actions)
    return pd.DataFrame({
        "Tidspunkt": [t.strftime("%d.%m.%Y %H:%M:%S") for t in df["happened_at"]],
        "Bruger": df["username"].astype(str),
        "Handling": [action_label(a) for a in df["action"]],
        "Detaljer": df["detail"].astype(str),
        "Import": ["" if pd.isna(i) else str(int(i)) for i in df["import_id"]],
    })


def users(store: Store, log_version: int | None = None) -> list[str]:
    """Everyone in the log. `log_version` (`store.events_version()`) only keys a cache: a login changes it."""
    return sorted(set(store.events()["username"].astype(str)))


def document(store: Store, username: str | None = None, actions: list[str] | None = None,
             log_version: int | None = None) -> Document:
    """The log as a download (CSV for Danish Excel or XLSX through `exports`). `log_version` as in `users`."""
    who = f" for {username}" if username else ""
    return Document(f"beskdash logbog{who}", table(store, username, actions),
                    ("Logbogen registrerer logins, mislykkede logins, importer, fortrydelser, egne tal og "
                     "planversioner med bruger og tidspunkt.",))
