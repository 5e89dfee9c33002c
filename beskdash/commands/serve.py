"""`serve`: start the dashboard (what `make run` calls).

Streamlit treats a `pages/` folder beside the main script as a v1 multipage app until
the first run of app.py calls st.navigation; a visitor whose first request after start
is a deep link (/rangliste) would get the folder's file names as navigation and a page
run without app.py. Our pages/ holds st.Page scripts for st.navigation only, so we
switch the v1 behaviour off before the server starts. (Streamlit is pinned in
requirements.txt; tests/browser checks a deep link on a fresh server.)
"""

from __future__ import annotations

import argparse
import sys

from beskdash.paths import ROOT


def cmd_serve(args: argparse.Namespace) -> None:
    # deferred: the other commands start without loading streamlit
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *args.extra]
    cli.main()


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("serve", help="start dashboardet (Streamlit); ekstra argumenter gives videre til streamlit run")
    s.set_defaults(func=cmd_serve)
