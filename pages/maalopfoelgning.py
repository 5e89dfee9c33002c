"""Målopfølgning: every goal of one plan judged against the data, with status, gap and source."""

import streamlit as st

from beskdash import (
    evidence,
    exports,
    goals,
    imports,
    markup,
    pages_registry,
    provenance,
    report,
    taxonomy,
    template,
    ui,
    widgets,
)
from beskdash.charts import goals as goal_charts
from beskdash.status import Status
from beskdash.text import goals as say
from beskdash.text import summaries

st.title("Målopfølgning")

plan_id = widgets.choose_plan(key="maal_plan")
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
st.write(ui.derived(say.summary, results, key=(plan_id, plans_version)))
st.caption("Målene efter status og efter grundlag: en dataserie (StatBank, jobindsats.dk), kommunens egne tal "
           "eller jobcentrets egen vurdering af et kvalitativt mål.")
ui.table(ui.derived(evidence.scorecard, plan, results, key=(plan_id, plans_version)),
         alt="Antal mål efter status og grundlag")
st.markdown(markup.escape_md(ui.derived(summaries.plan_summary, plan, results, key=(plan_id, plans_version))))
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

# Own figures and assessments: the template to fill in, and (analysts) one value typed here. Both go through
# the importer: validation, preview, one recorded import with undo — nothing is written from a widget.
st.caption("Mål uden dataserie følges med kommunens egne tal og jobcentrets vurderinger: hent skabelonen, udfyld "
           "den, og importér den på siden Upload.")
st.download_button("Hent skabelon til egne tal (Excel)", lambda: template.workbook(plan),
                   f"egne-tal-{plan_id}.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="maal_skabelon")
st.download_button("Hent indtastede egne tal og vurderinger (CSV)",
                   lambda: exports.goal_figures_csv(store.goal_figures(plan_id)).encode("utf-8"),
                   f"egne-tal-indtastet-{plan_id}.csv", "text/csv", key="maal_egne_eksport",
                   help="Med hvem der indtastede hvert tal, hvornår og fra hvilken fil.")
if ui.is_analyst():
    widgets.show_done("maal_egne_done")
    own_rows = template.rows(plan)
    if own_rows:
        with st.expander("Indtast eller ret ét tal eller én vurdering"):
            with st.form(f"maal_egne_{plan_id}"):
                row = st.selectbox("Mål og periode", own_rows, key=f"maal_egne_raekke_{plan_id}",
                                   format_func=lambda r: f"{r.goal_id} — {r.period} ({r.unit or 'vurdering'})")
                value = st.text_input("Værdi (i målets enhed, fx 12,5; kun mål med en enhed)")
                assessment = st.selectbox("Vurdering (kun kvalitative mål)", ["", *template.ASSESSMENTS])
                note = st.text_input("Note (hvad tallet eller vurderingen bygger på)")
                sent = st.form_submit_button("Vis ændringen")
            if sent:
                raw = evidence.one_value_csv(plan_id, row.goal_id, row.period, value, assessment, note)
                st.session_state["maal_egne_preview"] = imports.preview_files(store, [("indtastet.csv", raw)])
            pv = st.session_state.get("maal_egne_preview")
            if pv is not None:
                confirmed = widgets.preview_and_confirm(
                    pv, button="Gem tallet",
                    apply=lambda: imports.apply_preview(store, pv, ui.current_user() or "ukendt"),
                    message=lambda results: imports.result_message(pv, results), state_key="maal_egne_preview",
                    done_key="maal_egne_done", noop_text="Tallet er allerede gemt med samme værdi og note.",
                    pages=pages_registry.pages_for(pv), rejected_hint="Ret feltet, og prøv igen.",
                    log_name="beskdash.egne_tal")
                if confirmed:
                    st.rerun()

groups = ui.derived(goals.grouped, plan, results, chosen_focus, [Status.from_slug(s) for s in chosen_status],
                    key=(plan_id, plans_version, chosen_focus, chosen_status))
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
                st.caption(f"Grundlag: {template.EVIDENCE_LABELS[r.evidence]}")
                if prov := say.provenance_line(r):
                    st.caption(markup.escape_md(prov))
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
            widgets.source_expander(ui.derived(provenance.for_goal, plan_id, r.goal_id,
                                               key=(plan_id, plans_version, r.goal_id)),
                               ui.cached(provenance.data_sources)(list(r.sources)))
