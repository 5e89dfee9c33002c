"""Comparison charts: lines over time with the plan's own municipality emphasised, and the
ranking of all kommuner as a dot plot with the four municipalities highlighted."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from beskdash import compare, fmt, periods, taxonomy
from beskdash.charts import EMPHASIS, MUTED, PALETTE, finish

THIRD_COLOURS = {"bedste": "#009E73", "midterste": "#56B4E9", "dårligste": "#D55E00"}  # Okabe–Ito
FEW_PERIODS = 12  # up to this many periods the x axis names each one; beyond, years on a time axis


def _axis_format(comp: compare.Comparison) -> str:
    """d3 format for the value axis (the Danish locale supplies `.` and `,`)."""
    if comp.view == "index":
        return ",.0f"
    if comp.view == "yoy" or comp.is_share or comp.scale == "per1000":
        return ",.2~f"
    return ",.0f" if taxonomy.is_count(comp.measure) else ",.1~f"


def series_colours(comp: compare.Comparison) -> dict[str, str]:
    """Series name → colour: the emphasised series in the emphasis colour, the others from the palette."""
    others = [c for c in PALETTE if c != EMPHASIS]
    out, i = {}, 0
    for sid in comp.series_order:
        if sid in comp.focus:
            out[comp.labels[sid]] = EMPHASIS
        else:
            out[comp.labels[sid]] = others[i % len(others)]
            i += 1
    return out


def line_data(comp: compare.Comparison) -> pd.DataFrame:
    f = comp.frame
    return pd.DataFrame({
        "Område": f["area_name"],
        "Periode": f["period_label"],
        "dato": [periods.first_day(p) for p in f["period"]],
        "value": f["value"].astype("float64"),
        "Værdi": [comp.format(v) for v in f["value"]],
        "Befolkning pr.": [fmt.date_da(d) if isinstance(d, str) and "," not in d else (d or "")
                           for d in f["population_date"]],
        "fremhævet": ["ja" if s in comp.focus else "nej" for s in f["series"]],
        "slags": ["gruppe" if g else "område" for g in f["is_group"]],
    })


def line_chart(comp: compare.Comparison) -> alt.TopLevelMixin:
    """The series over time; the focus municipality thick, summed groups dashed, gaps left open."""
    data = line_data(comp)
    colours = series_colours(comp)
    if len(comp.periods) <= FEW_PERIODS:
        labels = [fmt.period(p) for p in comp.periods]
        x = alt.X("Periode:O", sort=labels, title=None, axis=alt.Axis(labelAngle=0, labelLimit=120))
    else:
        x = alt.X("dato:T", title=None, axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True))
    y = alt.Y("value:Q", title=comp.unit, axis=alt.Axis(format=_axis_format(comp)),
              scale=alt.Scale(zero=comp.view == "level"))
    colour = alt.Color("Område:N", scale=alt.Scale(domain=list(colours), range=list(colours.values())),
                       legend=alt.Legend(title=None, orient="top", columns=4))
    tooltip = [alt.Tooltip("Område:N"), alt.Tooltip("Periode:N"), alt.Tooltip("Værdi:N", title=comp.unit)]
    if comp.denominator:
        tooltip.append(alt.Tooltip("Befolkning pr.:N", title="Befolkningstal pr."))
    if len(comp.periods) == 1:
        return finish(_bars(comp, data, colours, tooltip), title=compare.title(comp), subtitle=compare.subtitle(comp))
    base = alt.Chart(data).encode(x=x, y=y, color=colour)
    lines = base.mark_line(invalid="break-paths-filter-domains").encode(
        strokeWidth=alt.StrokeWidth("fremhævet:N", scale=alt.Scale(domain=["ja", "nej"], range=[4, 1.8]),
                                    legend=None),
        strokeDash=alt.StrokeDash("slags:N", scale=alt.Scale(domain=["område", "gruppe"], range=[[1, 0], [6, 3]]),
                                  legend=None),
    )
    points = base.mark_point(filled=True, opacity=1).encode(
        size=alt.Size("fremhævet:N", scale=alt.Scale(domain=["ja", "nej"],
                                                      range=[90, 40] if len(comp.periods) <= FEW_PERIODS
                                                      else [30, 12]), legend=None),
        tooltip=tooltip,
    ).transform_filter("isValid(datum.value)")
    chart = alt.layer(lines, points).properties(height=380)
    return finish(chart, compare.title(comp), compare.subtitle(comp))


def _bars(comp: compare.Comparison, data: pd.DataFrame, colours: dict[str, str], tooltip: list) -> alt.TopLevelMixin:
    """One period only: bars side by side say more than a line without a second point."""
    x = alt.X("value:Q", title=comp.unit, axis=alt.Axis(format=_axis_format(comp)))
    y = alt.Y("Område:N", sort=list(colours), title=None)
    base = alt.Chart(data).transform_filter("isValid(datum.value)").encode(x=x, y=y)
    bars = base.mark_bar().encode(
        color=alt.Color("Område:N", scale=alt.Scale(domain=list(colours), range=list(colours.values())), legend=None),
        tooltip=tooltip,
    )
    labels = base.mark_text(align="left", dx=4, fontWeight=alt.ExprRef(
        "datum['fremhævet'] == 'ja' ? 'bold' : 'normal'")).encode(text="Værdi:N")
    return alt.layer(bars, labels).properties(height=max(120, 44 * len(colours)))


def ranking_data(r: compare.Ranking, highlight: Sequence[str]) -> pd.DataFrame:
    f = r.frame.dropna(subset=["value"])
    return pd.DataFrame({
        "Kommune": f["area_name"],
        "value": f["value"].astype("float64"),
        "Værdi": [r.format(v) for v in f["value"]],
        "Ændring": [r.format_change(v) for v in f["change"]],
        "Placering": [int(x) for x in f["rank"]],
        "Tredjedel": f["third"],
        "fremhævet": ["ja" if c in highlight else "nej" for c in f["area_code"]],
    })


def ranking_chart(r: compare.Ranking, highlight: Sequence[str]) -> alt.TopLevelMixin:
    """All kommuner sorted by rank (1 at the top), coloured by third; `highlight` bold, large and named."""
    data = ranking_data(r, highlight)
    order = list(data["Kommune"])
    names = [taxonomy.area_name(c) for c in highlight]
    bold = alt.ExprRef(f"indexof({names!r}, datum.value) >= 0 ? 'bold' : 'normal'")
    y = alt.Y("Kommune:N", sort=order, title=None,
              axis=alt.Axis(labelFontSize=10, labelFontWeight=bold, labelLimit=160, labelOverlap=False))
    x = alt.X("value:Q", title=r.unit, axis=alt.Axis(format=",.2~f" if r.scale != "raw" else ",.0f", orient="top"))
    tooltip = [alt.Tooltip("Kommune:N"), alt.Tooltip("Placering:Q"), alt.Tooltip("Værdi:N", title=r.unit),
               alt.Tooltip("Ændring:N", title=f"Ændring siden {fmt.period(r.previous)}"),
               alt.Tooltip("Tredjedel:N")]
    base = alt.Chart(data).encode(x=x, y=y)
    dots = base.mark_point(filled=True, opacity=1).encode(
        color=alt.Color("Tredjedel:N", scale=alt.Scale(domain=list(THIRD_COLOURS), range=list(THIRD_COLOURS.values())),
                        legend=alt.Legend(title="Tredjedel", orient="top")),
        size=alt.Size("fremhævet:N", scale=alt.Scale(domain=["ja", "nej"], range=[180, 45]), legend=None),
        stroke=alt.Stroke("fremhævet:N", scale=alt.Scale(domain=["ja", "nej"], range=["#000000", MUTED]),
                          legend=None),
        tooltip=tooltip,
    )
    labels = base.transform_filter("datum['fremhævet'] == 'ja'").mark_text(
        align="left", dx=10, fontWeight="bold", fontSize=11).encode(text="Værdi:N")
    chart = alt.layer(dots, labels).properties(height=max(200, 14 * len(data)))
    what = "lavest" if r.lower_is_better else "højest"
    return finish(chart, f"{taxonomy.benefit_label(r.benefit)}: alle kommuner, {fmt.period(r.period)}",
                  f"{r.unit}, {fmt.period(r.period)}. Nr. 1 har den {what}e værdi.")
