"""Overblik: the latest figure per ydelse for each of the four municipalities, beside Hele landet."""

import streamlit as st

from beskdash import compare, overview, ui

st.title("Overblik")
st.write(
    "De nyeste tal pr. ydelse for de fire kommuner ved siden af hele landet. "
    "Fuldtidspersoner er den samlede tid på ydelsen omregnet til hele personer; "
    "andelene er fuldtidspersoner i procent af befolkningen eller arbejdsstyrken (16-66 år), "
    "som kilden har offentliggjort dem."
)

st.subheader("Sammenligninger fra planerne")
for label, params in compare.benchmark_links():
    st.page_link("pages/sammenligning.py", label=label, icon=":material/show_chart:", query_params=params)

latest = ui.cached(overview.latest_by_benefit)
tabs = st.tabs([ui.area_label(c) for c in ui.MUNICIPALITIES])
for tab, code in zip(tabs, ui.MUNICIPALITIES):
    with tab:
        df = latest(code)
        if df.empty:
            st.info("Der er endnu ingen tal for denne kommune.")
            continue
        for source, part in overview.by_source(df):
            st.subheader(part["source_title"].iloc[0])
            ui.table(overview.display_table(part), alt=f"{part['source_title'].iloc[0]}: {ui.area_label(code)}")
            st.caption(overview.measures_note(part))
            ui.source_footer([source], list(part["period"]))
