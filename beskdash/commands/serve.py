"""`serve`: start the dashboard (what `make run` calls); `serve --replica DIR` starts a read replica.

Streamlit treats a `pages/` folder beside the main script as a v1 multipage app until
the first run of app.py calls st.navigation; a visitor whose first request after start
is a deep link (/rangliste) would get the folder's file names as navigation and a page
run without app.py. Our pages/ holds st.Page scripts for st.navigation only, so we
switch the v1 behaviour off before the server starts. (Streamlit is pinned in
requirements.txt; tests/browser checks a deep link on a fresh server.)

A replica serves the current snapshot of a publish directory read-only (`beskdash.store.publish`),
switching to a newer one between page runs; analysts' pages are not served there. The writer is the
ordinary `serve` with `BESKDASH_PUBLISH_DIR` set and its own base path (`--server.baseUrlPath analytiker`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from beskdash.cli import CliError
from beskdash.paths import ROOT
from beskdash.store import publish


def cmd_serve(args: argparse.Namespace) -> None:
    # deferred: the other commands start without loading streamlit
    from streamlit import delta_generator
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    if args.replica:
        d = Path(args.replica)
        if publish.current(d) is None:
            raise CliError(f"{d} har ingen udgivet læsekopi endnu. Start analytikernes udgave med "
                           f"{publish.PUBLISH_ENV}={d} (den udgiver, når den åbner databasen), eller kør "
                           "`build` eller en import med den sat.")
        os.environ[publish.REPLICA_ENV] = str(d.resolve())
        os.environ.pop(publish.PUBLISH_ENV, None)  # a replica never publishes (nor writes)
    PagesManager.uses_pages_directory = False
    # The first element a process draws makes Streamlit check once whether it runs in a REPL, to warn
    # "use streamlit run"; under `serve` it never does, and the check (inspect.stack(), which reads the
    # source of every frame and scans every loaded module) held the first page's heading ~100 ms.
    delta_generator._use_warning_has_been_displayed = True
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *args.extra]
    cli.main()


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("serve", help="start dashboardet (Streamlit); ekstra argumenter gives videre til streamlit run")
    s.add_argument("--replica", metavar="MAPPE",
                   help="kør som læse-replika af den nyeste læsekopi i MAPPE (udgivet af analytikernes udgave)")
    s.set_defaults(func=cmd_serve)
