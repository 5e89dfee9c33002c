"""Mål i detaljer: one goal's series with baseline, target, deadline and projection, the rule and the source."""

import streamlit as st

from beskdash import goals, markup, provenance, ui, widgets
from beskdash.charts import goals as goal_charts
from beskdash.text import goals as say
from beskdash.text import summaries

st.title("Mål i detaljer")

plan_id = widgets.choose_plan(key="detalje_plan")
plan = goals.plans()[plan_id]
titles = {g.id: g.title for g in plan.goals}
goal_ids = list(titles)
goal_id = st.selectbox("Mål", goal_ids, index=goal_ids.index(ui.url_get("maal", goal_ids[0], allowed=goal_ids)),
                       format_func=lambda i: say.short_title(titles[i]), key=f"detalje_maal_{plan_id}")
ui.url_set(plan=plan_id, maal=goal_id)

detail = ui.cached(goals.goal_detail)(plan_id, goal_id, goals.plans_version())
r = detail.result

st.header(r.title)
st.markdown(f"**{markup.escape_md(summaries.summary_for(plan, r))}**")
st.markdown(markup.status_html(r), unsafe_allow_html=True)
st.write(say.gap_sentence(r))
line = say.measured_line(r)
if line:
    st.caption(line)

if r.kind != "qualitative":
    ui.chart(goal_charts.series, detail, key=(plan_id, goal_id, goals.plans_version()), alt=say.series_alt(detail))
    st.caption(say.SERIES_LEGEND)
if hint := say.missing_hint(r):
    st.info(f"Data, der ville gøre målet vurderbart: {hint}")

st.subheader("Reglen")
st.write(say.goal_rule(r))
with st.expander("Den fælles regel for alle mål"):
    for paragraph in say.rule_text():
        st.write(paragraph)

table = say.points_table(detail)
if not table.empty:
    st.subheader("Tallene")
    ui.dataframe(table)
ui.source_footer(list(r.sources), [p for p in (r.baseline_period, r.latest_period) if p])
widgets.source_expander(provenance.for_goal(plan_id, goal_id), ui.cached(provenance.data_sources)(list(r.sources)))

st.subheader("Planens ordlyd")
st.caption(say.seed_reference(r))
if r.ref_quote:
    st.markdown("> " + markup.escape_md(r.ref_quote))
