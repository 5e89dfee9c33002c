"""What the fault tests share: a million-row StatBank file (made once per session from the real
AUK01 extract's areas by bench/synth.py), and a fingerprint of a database's whole state."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from beskdash import exports
from beskdash.paths import ROOT
from beskdash.store import Store
from tests.browser.conftest import AppServer

BIG_ROWS = 1_000_000


def _synth():
    spec = importlib.util.spec_from_file_location("bench_synth", ROOT / "bench" / "synth.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


synth = _synth()


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1.000.000-row StatBank export (all AUK01 areas × 13 ydelser × months from 1960)."""
    if not synth.AUK01.exists():
        pytest.skip(f"needs the real StatBank extract {synth.AUK01.name} for its area labels "
                    "(absent: ../shared is not beside this checkout)")
    path = tmp_path_factory.mktemp("big") / "AUK01_stor.csv"
    n = synth.statbank_csv(BIG_ROWS, path)
    assert n >= BIG_ROWS
    return path


@dataclass(frozen=True)
class State:
    """A database's content: every observation column (a hash over all rows) and the import history."""

    n_observations: int
    observations: int  # order-independent hash of every row, all columns
    imports: tuple  # (id, user, file, format, source, n_new, n_changed, n_unchanged, undone?) per import
    n_changes: int  # rows of import_changes (what undo would restore)


def sql(store: Store, statement: str) -> pd.DataFrame:
    """A reference read straight through DuckDB (beskdash itself reads only through the store's named reads)."""
    cur = store.cursor()
    try:
        return cur.execute(statement).df()
    finally:
        cur.close()


def state(db: Path) -> State:
    """Opens the database as the app would (a WAL left by a crash is replayed here) and reads its state."""
    with Store(db) as s:
        n, h = sql(s, "SELECT count(*) AS n, coalesce(bit_xor(hash(area_code, benefit, measure, period, source, "
                    "value, period_kind, period_end, ref, note, import_id)), 0) AS h FROM observations").iloc[0]
        imp = sql(s, "SELECT id, username, file_name, format, source, n_new, n_changed, n_unchanged, "
                   "undone_at IS NOT NULL AS undone FROM imports ORDER BY id")
        changes = sql(s, "SELECT count(*) AS n FROM import_changes")["n"].iloc[0]
    return State(int(n), int(h), tuple(tuple(r) for r in imp.itertuples(index=False)), int(changes))


def export_csv(db: Path) -> str:
    """The export a user gets (`python -m beskdash export`), for databases small enough to compare whole."""
    with Store(db, read_only=True) as s:
        return exports.observations_csv(s.observations())


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def copy_db(src: Path, dst: Path) -> Path:
    shutil.copy(src, dst)
    return dst


# --- Streamlit's agent API (HTTP sessions without a browser; turned on only for test servers) ---------

def interact(server: AppServer, body: dict) -> dict:
    """One agent-API request: `{}` opens a session and runs the default page; `{"session_id": …}` reruns it."""
    req = urllib.request.Request(server.url + "/_stcore/agent/interact", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def nodes(tree: dict, kind: str) -> Iterator[dict]:
    if tree.get("type") == kind:
        yield tree
    for c in tree.get("children", []):
        yield from nodes(c, kind)


def figures(snapshot: dict) -> str:
    """Every table a page shows, as a reader sees it."""
    out = []
    for t in nodes(snapshot["tree"], "table"):
        assert t["data"]["complete"], "tabellen blev ikke sendt hel"
        out.append(json.dumps(t["data"]["preview"]["rows"], ensure_ascii=False))
    return "\n".join(out)
