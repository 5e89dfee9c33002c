"""Planer: the five plans side by side: minister goals, measurable targets, comparable indicators,
and what changed from one year's plan to the next."""

import streamlit as st

from beskdash import goals, plans_compare, ui

st.title("Planer")
st.write(
    "Kommunernes beskæftigelsesplaner ved siden af hinanden: hvilke af ministerens mål de svarer på, hvor mange "
    "mål der kan måles, hvor kommunerne følger det samme, og hvad der er ændret fra det ene års plan til det næste. "
    "Alt er hentet fra planerne selv."
)
plans = plans_compare.ordered(goals.plans())
sources = plans_compare.plan_sources(plans)

st.header("Ministerens mål i planerne")
st.write("✓: mindst ét af planens fokusområder svarer på ministermålet. Sidste række tæller de fokusområder, "
         "kommunen selv har valgt.")
matrix = plans_compare.minister_goal_matrix(plans)
ui.table(plans_compare.matrix_display(matrix, plans), alt="Ministermål (rækker) og planer (kolonner)")
with st.expander("Hvilke fokusområder svarer på hvilket ministermål"):
    ui.table(plans_compare.matrix_details(matrix), alt="Fokusområder pr. ministermål og plan")
ui.source_footer(sources)

st.header("Målbare mål")
st.write("Et målbart mål har et tal og en frist: en værdi, der skal nås, eller en ændring i procent fra et "
         "udgangspunkt. 'Kun en retning' er mål som 'færre på offentlig forsørgelse' uden tal.")
ui.table(plans_compare.counts_display(plans_compare.target_counts(plans)), alt="Antal mål pr. plan efter type")
ui.source_footer(sources)

st.header("Sammenlignelige indikatorer")
themes = {t.key: t for t in plans_compare.themes()}
theme_key = st.selectbox("Tema", list(themes), format_func=lambda k: themes[k].da, key="planer_tema",
                         index=list(themes).index(ui.url_get("tema", next(iter(themes)), allowed=list(themes))))
theme_rows = plans_compare.theme_table(themes[theme_key], plans)
st.write(plans_compare.theme_note(theme_rows))
ui.table(plans_compare.theme_display(theme_rows), alt=f"Planernes mål for {themes[theme_key].da.lower()}")
ui.source_footer(plans_compare.plan_sources(theme_rows.get("plan", [])))

st.header("Fra det ene års plan til det næste")
pairs = plans_compare.pair_choices(plans)
if not pairs:
    st.info("Der er ikke to planer fra samme kommune i to år efter hinanden.")
    ui.url_set(tema=theme_key)
    st.stop()
pair = st.selectbox("Planer", list(pairs), format_func=pairs.get, key="planer_par",
                    index=list(pairs).index(ui.url_get("par", next(iter(pairs)), allowed=list(pairs))))
ui.url_set(tema=theme_key, par=pair)
diff = plans_compare.compare_pair(plans, pair)
st.write(plans_compare.diff_summary(diff))
fa_table, goal_table = plans_compare.diff_display(diff)
st.subheader("Fokusområder")
ui.table(fa_table, alt="Fokusområder før og nu")
st.subheader("Mål og opfølgningspunkter")
ui.table(goal_table, alt="Mål og opfølgningspunkter før og nu")
ui.source_footer(plans_compare.plan_sources([diff.old, diff.new]))
