"""Goal charts: the bullet chart of one goal's row, and one goal's time series with baseline,
target line, deadline and projection. Numbers come from the target engine; nothing is computed here
beyond placing them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import pandas as pd

from beskdash import fmt, periods, taxonomy
from beskdash.charts import EMPHASIS, PALETTE, finish
from beskdash.text import goals as say

if TYPE_CHECKING:
    from beskdash.goals import GoalDetail, GoalResult

TARGET_COLOUR = "#000000"
BASELINE_COLOUR = "#555555"  # darker than MUTED: a mark must stand out on the light range bar
PROJECTION_COLOUR = PALETTE[1]
RANGE_COLOUR = "#EEEEEE"
NUMBER_FORMAT = ",~f"  # Danish separators from the locale; no trailing zeros (288, not 288,000000)


def _date(period: str) -> str:
    """A period placed at its last month (values are read at the end of their period)."""
    em = periods.end_month(period)
    return f"{em // 12}-{em % 12 + 1:02d}-01"


def _marks(r: GoalResult) -> pd.DataFrame:
    rows = []
    if r.baseline is not None:
        rows.append(("Udgangspunkt", r.baseline, r.baseline_period))
    if r.latest is not None:
        rows.append(("Seneste", r.latest, r.latest_period))
    if r.reference is not None:
        rows.append((say.reference_label(r), r.reference, r.deadline))
    df = pd.DataFrame(rows, columns=["marker", "value", "period"])
    df["is_reference"] = r.reference is not None and df.index == len(df) - 1
    df["label"] = [say.value(v, r.unit) for v in df["value"]]
    df["period_label"] = [fmt.period(p) for p in df["period"]]
    return df


def bullet(r: GoalResult) -> alt.TopLevelMixin | None:
    """Latest value as a bar in the status colour, the target as a black tick, the baseline as a
    grey diamond, on a light range. None when the goal has no number at all."""
    df = _marks(r)
    if df.empty:
        return None
    lo = min(0.0, float(df["value"].min()))
    hi = float(df["value"].max()) * 1.15 or 1.0
    scale = alt.Scale(domain=[lo, hi], nice=True)
    tooltip = [alt.Tooltip("marker:N", title="Markør"), alt.Tooltip("label:N", title="Værdi"),
               alt.Tooltip("period_label:N", title="Periode")]
    df["zero"] = lo
    base = alt.Chart(df)
    x_title = r.unit if r.unit != "%" else "procent"
    layers = [
        alt.Chart(pd.DataFrame({"lo": [lo], "hi": [hi]})).mark_bar(color=RANGE_COLOUR, height=26)
        .encode(x=alt.X("lo:Q", scale=scale, title=x_title, axis=alt.Axis(format=NUMBER_FORMAT)), x2="hi:Q"),
    ]
    if r.latest is not None:
        layers.append(base.transform_filter(alt.datum.marker == "Seneste")
                      .mark_bar(color=r.status.colour, height=12)
                      .encode(x=alt.X("zero:Q", scale=scale), x2="value:Q", tooltip=tooltip))
    if r.reference is not None:
        layers.append(base.transform_filter(alt.datum.is_reference)
                      .mark_tick(color=TARGET_COLOUR, thickness=3, size=30)
                      .encode(x=alt.X("value:Q", scale=scale), tooltip=tooltip))
    if r.baseline is not None:
        layers.append(base.transform_filter(alt.datum.marker == "Udgangspunkt")
                      .mark_point(shape="diamond", filled=True, color=BASELINE_COLOUR, size=110, opacity=1)
                      .encode(x=alt.X("value:Q", scale=scale), tooltip=tooltip))
    chart = alt.layer(*layers).properties(height=46, width="container")
    return finish(chart, "")


BREAK_COLOUR = "#CC79A7"  # Okabe–Ito reddish purple: a series break, distinct from the status colours


def series(detail: GoalDetail) -> alt.TopLevelMixin:
    """The goal's values over time, with the baseline, the target line, the deadline and the trend
    projected to the deadline (dashed)."""
    r = detail.result
    pts = detail.points.dropna(subset=["value"])
    data = pd.DataFrame({
        "date": [_date(p) for p in pts["period"]],
        "value": pts["value"].astype(float).tolist(),
        "label": [say.value(v, r.unit) for v in pts["value"]],
        "period_label": [fmt.period(p) for p in pts["period"]],
        "series": "Værdi",
    })
    tooltip = [alt.Tooltip("period_label:N", title="Periode"), alt.Tooltip("label:N", title="Værdi")]
    y = alt.Y("value:Q", title=r.unit if r.unit != "%" else "procent", scale=alt.Scale(zero=False, nice=True),
              axis=alt.Axis(format=NUMBER_FORMAT))
    x = alt.X("date:T", title="Periode")
    layers: list[alt.Chart] = []
    if not data.empty:
        layers.append(alt.Chart(data).mark_line(point=True, color=EMPHASIS).encode(x=x, y=y, tooltip=tooltip))
    if r.baseline is not None and r.baseline_period:
        b = pd.DataFrame({"date": [_date(r.baseline_period)], "value": [r.baseline],
                          "label": [say.value(r.baseline, r.unit)], "period_label": [fmt.period(r.baseline_period)],
                          "text": ["Udgangspunkt"]})
        point = alt.Chart(b).mark_point(shape="diamond", filled=True, size=140, color=BASELINE_COLOUR, opacity=1)
        layers.append(point.encode(x=x, y=y, tooltip=tooltip))
        layers.append(alt.Chart(b).mark_text(dy=-14, color=BASELINE_COLOUR).encode(x=x, y=y, text="text:N"))
    if r.reference is not None:
        label = (f"Mål: {say.target_of(r)}" if r.target is not None
                 else f"{say.reference_label(r)} {say.value(r.reference, r.unit)}")
        t = pd.DataFrame({"value": [r.reference], "text": [label]})
        layers.append(alt.Chart(t).mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=2).encode(y=y))
        # At the right end, clear of the baseline's label at the left.
        layers.append(alt.Chart(t).mark_text(align="right", dy=-8, color=TARGET_COLOUR, x="width")
                      .encode(y=y, text="text:N"))
    if r.deadline:
        d = pd.DataFrame({"date": [_date(r.deadline)], "text": [f"Frist: {fmt.period(r.deadline)}"]})
        layers.append(alt.Chart(d).mark_rule(color=BASELINE_COLOUR, strokeWidth=1.5).encode(x=x))
        layers.append(alt.Chart(d).mark_text(align="right", dx=-4, y=-8, color=BASELINE_COLOUR)
                      .encode(x=x, text="text:N"))
    if r.series_break is not None:  # a known break: the series before and after are not comparable
        brk = pd.DataFrame({"date": [_date(r.series_break.period)],
                            "text": [f"Databrud: {fmt.period(r.series_break.period)}"]})
        layers.append(alt.Chart(brk).mark_rule(color=BREAK_COLOUR, strokeDash=[2, 2], strokeWidth=2).encode(x=x))
        layers.append(alt.Chart(brk).mark_text(align="left", dx=4, y=8, color=BREAK_COLOUR).encode(x=x, text="text:N"))
    p = r.projection
    if p is not None and r.deadline:
        line = pd.DataFrame({
            "date": [_date(p.first_period), _date(r.deadline)],
            "value": [p.at(p.first_period), p.deadline_value],
            "label": [say.value(p.at(p.first_period), r.unit), say.value(p.deadline_value, r.unit)],
            "period_label": [fmt.period(p.first_period), f"{fmt.period(r.deadline)} (fremskrevet)"],
        })
        layers.append(alt.Chart(line).mark_line(color=PROJECTION_COLOUR, strokeDash=[4, 3], strokeWidth=2,
                                                point=alt.OverlayMarkDef(color=PROJECTION_COLOUR))
                      .encode(x=x, y=y, tooltip=tooltip))
    if not layers:
        layers.append(alt.Chart(pd.DataFrame({"date": [], "value": []})).mark_point().encode(x=x, y=y))
    area = taxonomy.area_name(detail.area) if detail.area else ""
    subtitle = ", ".join(s for s in (r.unit if r.unit != "%" else "procent", area) if s)
    chart = alt.layer(*layers).properties(height=320, width="container")
    return finish(chart, _short(r.title), subtitle)


def _short(title: str, n: int = 90) -> str:
    return title if len(title) <= n else title[: n - 1].rstrip() + "…"
