"""Målopfølgning: every goal of one plan judged against the data, with status, gap and source."""

import streamlit as st

from beskdash import goals, markup, report, taxonomy, ui
from beskdash.charts import goals as goal_charts
from beskdash.status import Status
from beskdash.text import goals as say

st.title("Målopfølgning")

plan_id = ui.choose_plan(key="maal_plan")
plan = goals.plans()[plan_id]
plans_version = goals.plans_version()
results = ui.cached(goals.evaluate_plan)(plan_id, plans_version)

focus = dict(goals.focus_options(plan))
slugs = [s.slug for s in Status]
left, right = st.columns(2)
chosen_focus = left.multiselect("Fokusområde", list(focus), format_func=focus.get, key=f"maal_fokus_{plan_id}",
                                default=ui.url_get_list("fokus", [], allowed=list(focus)),
                                placeholder="Alle fokusområder")
chosen_status = right.multiselect("Status", slugs, format_func=lambda slug: Status.from_slug(slug).word,
                                  key=f"maal_status_{plan_id}", placeholder="Alle statusser",
                                  default=ui.url_get_list("status", [], allowed=slugs))
ui.url_set(plan=plan_id, fokus=chosen_focus, status=chosen_status)

st.header(say.plan_label(plan))
st.write(say.summary(results))
st.markdown(markup.escape_md(say.plan_summary(plan, results)))
if plan.benchmark_areas:
    st.write("Planen sammenligner udviklingen med "
             + " og ".join(taxonomy.area_name(a) for a in plan.benchmark_areas) + ".")
with st.expander("Sådan vurderes målene"):
    for paragraph in say.rule_text():
        st.write(paragraph)
    st.write(say.BULLET_LEGEND)

# The committee report of this plan; made when a button is clicked (a PDF takes a few seconds).
store = ui.store()
st.caption("Rapport til udvalget (ledelsesinformation): forside, alle mål med status, diagrammer pr. fokusområde, "
           "planens sammenligning, kilder og hvordan status afgøres.")
r1, r2 = st.columns(2)
r1.download_button("Hent rapport (HTML)", lambda: report.render(store, plan_id, "html"),
                   report.file_name(plan_id, None, "html"), "text/html", key="maal_rapport_html")
r2.download_button("Hent rapport (PDF)", lambda: report.render(store, plan_id, "pdf"),
                   report.file_name(plan_id, None, "pdf"), "application/pdf", key="maal_rapport_pdf")

groups = goals.grouped(plan, results, chosen_focus, [Status.from_slug(s) for s in chosen_status])
if not groups:
    st.info("Ingen mål passer til de valgte filtre.")
for focus_area, rows in groups:
    st.subheader(focus_area.title if focus_area else "Planens overordnede mål")
    if focus_area is not None and focus_area.minister_goals:
        st.caption("Ministermål: " + "; ".join(goals.minister_goal_titles(focus_area)))
    for r in rows:
        with st.container(border=True):
            text_col, chart_col = st.columns([3, 2])
            with text_col:
                st.markdown(f"**{markup.escape_md(r.title)}**")
                st.markdown(markup.status_html(r), unsafe_allow_html=True)
                st.write(say.gap_sentence(r))
                if hint := say.missing_hint(r):
                    st.info(f"Data, der ville gøre målet vurderbart: {hint}")
                st.markdown(markup.detail_link_html(r), unsafe_allow_html=True)
            with chart_col:
                if not ui.chart(goal_charts.bullet, r, key=(plan_id, plans_version, r.goal_id), alt=say.chart_alt(r)):
                    st.caption("Intet tal at vise.")
            line = say.measured_line(r)
            if line:
                st.caption(line)
            ui.source_footer(list(r.sources), [p for p in (r.baseline_period, r.latest_period) if p])
            st.caption(say.seed_reference(r))
