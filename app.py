"""beskdash: entry point. Builds the navigation (which pages a role sees) and nothing else."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from beskdash import ui
from beskdash.pages_registry import PAGES

# An emoji favicon is drawn locally; a Material icon here would be fetched from fonts.gstatic.com.
st.set_page_config(page_title="beskdash – beskæftigelsesplaner", page_icon="📊", layout="wide")

HERE = Path(__file__).parent
pages = [
    st.Page(str(HERE / p.file), title=p.title, icon=p.icon, url_path=p.url_path, default=p.default)
    for p in PAGES
    if (HERE / p.file).exists() and p.visible()
]
with ui.page_run():  # on a replica: a bounded number of runs at a time, each on one snapshot
    st.navigation(pages).run()
