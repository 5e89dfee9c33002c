"""Overblik: the latest figure per ydelse for each of the four municipalities, beside Hele landet."""

import streamlit as st

from beskdash import compare, overview, provenance, ui, widgets

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

area_tables = ui.cached(overview.area_tables)
tabs = st.tabs([ui.area_label(c) for c in ui.MUNICIPALITIES])
for tab, code in zip(tabs, ui.MUNICIPALITIES):
    with tab:
        tables = area_tables(code)
        if not tables:
            st.info("Der er endnu ingen tal for denne kommune.")
        for t in tables:
            st.subheader(t.title)
            ui.table(t.table, alt=f"{t.title}: {ui.area_label(code)}")
            st.caption(t.note)
            ui.source_footer([t.source], list(t.periods))
            widgets.source_expander(*ui.cached(provenance.for_figures)(t.source, code))
