"""beskdash: entry point. Builds the navigation (which pages a role sees) and nothing else."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from beskdash import ui
from beskdash.pages_registry import PAGES, MissingPage, check_files

# An emoji favicon is drawn locally; a Material icon here would be fetched from fonts.gstatic.com.
st.set_page_config(page_title="beskdash – beskæftigelsesplaner", page_icon="📊", layout="wide")

HERE = Path(__file__).parent
with ui.page_run():  # on a replica: a bounded number of runs at a time, each on one snapshot
    try:
        pages = ui.navigation_pages(PAGES, HERE, check=check_files)
    except MissingPage as e:
        # A registry entry without its file stops the app here. Error details are hidden from users
        # (.streamlit/config.toml), so the file's name is shown in Danish too; it is no secret.
        st.error(str(e))
        raise
    st.navigation(pages).run()
