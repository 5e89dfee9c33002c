"""Rangliste: all kommuner for one ydelse, measure and period — rank, value, change and third,
with the four municipalities highlighted. Every selection lives in the URL."""

import streamlit as st

from beskdash import compare, exports, fmt, taxonomy, ui, widgets
from beskdash.charts import compare as charts
from beskdash.text import compare as say

WIDGETS = {"ydelse": "rank_ydelse", "maal": "rank_maal", "enhed": "rank_enhed", "periode": "rank_periode"}

st.title("Rangliste")
st.write("Alle 98 kommuner for én ydelse og én periode, fra den bedste til den dårligste placering, delt i "
         "tredjedele. Antal sættes i forhold til befolkningen, så store og små kommuner kan sammenlignes.")

url, held = ui.url_and_widgets(WIDGETS)  # what the user has just chosen overrides the URL
view = ui.cached(compare.resolve_ranking)(url | held)
if view is None:
    st.info("Der er ingen ydelse med tal for de fleste kommuner endnu.")
    st.stop()
ui.url_set(**view.params())
ui.hold_widgets(WIDGETS, view.params(), held)

opts = ui.cached(compare.ranking_options)()
c1, c2, c3, c4 = st.columns(4)
c1.selectbox("Ydelse", ui.derived(compare.benefit_options, opts, key="rangliste"), format_func=taxonomy.benefit_label,
             key=WIDGETS["ydelse"])
c2.selectbox("Mål", ui.derived(compare.measure_options, opts, view.benefit, key=("rangliste", view.benefit)),
             format_func=taxonomy.measure_label, key=WIDGETS["maal"])
c3.radio("Enhed", compare.scale_options(view.measure), format_func=lambda s: compare.scale_label(s, view.measure),
         key=WIDGETS["enhed"])
c4.selectbox("Periode", list(reversed(ui.cached(compare.ranking_periods)(view.benefit, view.measure))),
             format_func=fmt.period, key=WIDGETS["periode"])

try:
    ranking = ui.cached(compare.ranking_for)(view)
except compare.CompareError as e:
    st.error(f"Ranglisten kan ikke vises: {e}.")
    st.stop()

st.markdown(f"**{ui.derived(say.ranking_lead, ranking, key=view)}**")
sentences = ui.derived(say.ranking_sentences, ranking, ui.MUNICIPALITIES, key=view)
for sentence in sentences:
    st.markdown(f"- {sentence}")
ui.chart(charts.ranking_chart, ranking, ui.MUNICIPALITIES, key=view, alt=" ".join(sentences))
for line in (ranking.denominator, *ranking.notes):
    if line:
        st.caption(line)
ui.table(ui.derived(compare.ranking_display, ranking, key=view),
         alt=f"Rangliste: {taxonomy.benefit_label(view.benefit)}, {fmt.period(view.period)}")
ui.source_footer(list(ranking.sources), [ranking.previous, ranking.period])

widgets.export_buttons(lambda: exports.ranking_document(ui.store(), ranking),
                  lambda: charts.ranking_chart(ranking, ui.MUNICIPALITIES), view,
                  f"rangliste-{view.benefit}-{view.measure}-{view.scale}-{view.period}", "rank",
                  lambda: compare.ranking_permalink(view, st.context.url),
                  "Linket åbner præcis denne rangliste. Kopiér det med knappen i feltet.")
