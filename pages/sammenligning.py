"""Sammenligning: areas or a plan's peer group over time for one ydelse and measure, normalised.

Every selection lives in the URL: the page is the same view for anyone opening the same link.
"""

import streamlit as st

from beskdash import compare, exports, fmt, taxonomy, ui, widgets
from beskdash.charts import compare as charts
from beskdash.text import compare as say

# URL parameter → widget key. The widgets only propose values; compare.resolve_view decides.
WIDGETS = {"gruppe": "cmp_gruppe", "omr": "cmp_omr", "fokus": "cmp_fokus", "samlet": "cmp_samlet",
           "grupper": "cmp_grupper", "ydelse": "cmp_ydelse", "maal": "cmp_maal", "frekvens": "cmp_frekvens",
           "enhed": "cmp_enhed", "visning": "cmp_visning", "basis": "cmp_basis"}


def _as_param(v: object) -> str | None:
    """A widget's value as the URL writes it (lists comma-joined, the checkbox as "1" or nothing)."""
    if isinstance(v, list):
        return ",".join(v)
    if isinstance(v, bool):
        return "1" if v else None
    return None if v is None else str(v)


def _group_changed() -> None:
    # A new peer group brings its own areas, focus, ydelse and measure.
    for k in ("omr", "fokus", "ydelse", "maal", "frekvens", "enhed", "visning", "basis"):
        st.session_state[WIDGETS[k]] = None


def _areas_changed() -> None:
    st.session_state[WIDGETS["gruppe"]] = compare.OWN


st.title("Sammenligning")
st.write("Udviklingen for en ydelse i planernes sammenligningsområder eller i områder, du selv vælger. "
         "Vælg pr. 1.000 indbyggere, andel af befolkningen eller indeks for at sammenligne områder af forskellig "
         "størrelse.")

# The URL's values, overridden by whatever the user has just chosen in a widget (the period range is
# written to the URL by its slider).
url, held = ui.url_and_widgets(WIDGETS, ["fra", "til"])
view = ui.cached(compare.resolve_view)(url | {k: _as_param(v) for k, v in held.items()})
ui.url_set(**view.params())
ui.hold_widgets(WIDGETS, view.values(), held)
avail = ui.cached(compare.available)(list(view.areas))
ps = ui.derived(compare.period_options, avail, view.benefit, view.measure, view.kind, key=view)

peer_groups = compare.peer_groups()
groups = {g.key: g.label for g in peer_groups} | {compare.OWN: "Egne valg"}
c1, c2 = st.columns([2, 3])
c1.selectbox("Sammenligning", list(groups), format_func=groups.get, key=WIDGETS["gruppe"], on_change=_group_changed)
areas = taxonomy.area_names()
c2.multiselect("Områder", list(areas), format_func=areas.get, key=WIDGETS["omr"], on_change=_areas_changed,
               placeholder="Vælg områder")
c3, c4, c5 = st.columns([2, 2, 3])
c3.selectbox("Fremhævet område", list(view.areas), format_func=areas.get, key=WIDGETS["fokus"])
c4.checkbox("Samlet serie", key=WIDGETS["samlet"],
            help="De øvrige områder lagt sammen som én serie: Σ tællere / Σ nævnere – aldrig et gennemsnit af "
                 "andele.")
aggs = {a.key: a.label for a in compare.aggregates()}
c5.multiselect("Sum af kommuner", list(aggs), format_func=aggs.get, key=WIDGETS["grupper"],
               placeholder="Fx Region Hovedstaden")
if avail.empty:
    st.warning("Der er ingen tal for de valgte områder. Vælg andre områder eller en af planernes sammenligninger.")
    st.stop()
c6, c7, c8 = st.columns(3)
c6.selectbox("Ydelse", ui.derived(compare.benefit_options, avail, key=view), format_func=taxonomy.benefit_label,
             key=WIDGETS["ydelse"])
c7.selectbox("Mål", ui.derived(compare.measure_options, avail, view.benefit, key=view),
             format_func=taxonomy.measure_label, key=WIDGETS["maal"])
kinds = ui.derived(compare.kind_options, avail, view.benefit, view.measure, key=view)
if len(kinds) > 1:
    c8.selectbox("Periodetype", kinds, format_func=compare.KIND_LABELS.get, key=WIDGETS["frekvens"])
c9, c10, c11 = st.columns(3)
c9.radio("Enhed", compare.scale_options(view.measure), format_func=lambda s: compare.scale_label(s, view.measure),
         key=WIDGETS["enhed"])
c10.radio("Visning", list(compare.VIEWS), format_func=compare.VIEWS.get, key=WIDGETS["visning"])
if view.view == "index":
    c11.selectbox("Basisperiode (= 100)", ps, format_func=fmt.period, key=WIDGETS["basis"])
if len(ps) > 1:
    # No key: a new view brings its own range; a moved slider goes to the URL, and the URL decides.
    chosen = st.select_slider("Periode", options=ps, value=(view.period_from, view.period_to), format_func=fmt.period)
    if tuple(chosen) != (view.period_from, view.period_to):
        ui.url_set(fra=chosen[0], til=chosen[1])
        st.rerun()

if view.together_problem():
    st.info(f"Områderne kan ikke vises samlet: {view.together_problem()}.")
group = next((g for g in peer_groups if g.key == view.group), None)
if group is not None and group.ref_quote:
    st.caption(f"Planen: »{group.ref_quote}« ({group.plan}, afsnit »{group.ref_section}«)")
if group is not None and group.note:
    st.caption(group.note)

try:
    comp = ui.cached(compare.comparison_for)(view)
except compare.CompareError as e:
    st.error(f"Sammenligningen kan ikke vises: {e}.")
    st.stop()

sentence = ui.derived(say.sentence, comp, key=view)
st.markdown(f"**{sentence}**")
development = ui.derived(say.development_sentence, comp, key=view)
if development:
    st.write(development)
ui.chart(charts.line_chart, comp, key=view, alt=sentence)
for line in (comp.denominator, *comp.notes):
    if line:
        st.caption(line)
ui.table(ui.derived(compare.display_table, comp, key=view), alt=f"Tallene bag diagrammet: {compare.title(comp)}")
for gap in ui.derived(compare.gaps, comp, key=view):
    st.caption(f"Mangler: {gap}")
ui.source_footer(list(comp.sources), list(comp.periods))

widgets.export_buttons(lambda: exports.comparison_document(ui.store(), comp), lambda: charts.line_chart(comp), view,
                  compare.file_stem(comp), "cmp",
                  lambda: compare.permalink(view, st.context.url),
                  "Linket åbner præcis denne visning. Kopiér det med knappen i feltet.")
