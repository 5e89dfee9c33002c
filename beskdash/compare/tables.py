"""A comparison as tables and titles for screen and export (the text alternative to the chart)."""

from __future__ import annotations

import math

import pandas as pd

from beskdash import fmt, periods, taxonomy
from beskdash.compare.comparison import Comparison
from beskdash.fmt import date_da, join_da


def wide_table(comp: Comparison) -> pd.DataFrame:
    """What the chart shows, as numbers: one row a period, one column a series (the text
    alternative to the chart, and what the exports write)."""
    f = comp.frame
    out = pd.DataFrame({"Periode": [fmt.period(p) for p in comp.periods]})
    for sid in comp.series_order:
        vals = f[f["series"] == sid].set_index("period")["value"]
        out[comp.labels[sid]] = [float(vals.get(p, math.nan)) for p in comp.periods]
    if comp.denominator:
        dates = f.dropna(subset=["population_date"]).groupby("period")["population_date"].agg(
            lambda s: ", ".join(sorted(set(", ".join(s).split(", ")))))
        out["Befolkningstal pr."] = [dates.get(p) for p in comp.periods]
    return out


def display_table(comp: Comparison) -> pd.DataFrame:
    """`wide_table` with Danish number formats."""
    t = wide_table(comp)
    for sid in comp.series_order:
        col = comp.labels[sid]
        t[col] = t[col].map(comp.format)
    if "Befolkningstal pr." in t:
        t["Befolkningstal pr."] = [", ".join(date_da(d.strip()) for d in v.split(",")) if isinstance(v, str) else "–"
                                   for v in t["Befolkningstal pr."]]
    return t


def gaps(comp: Comparison) -> list[str]:
    """Plain sentences on the values that are missing, per series and reason."""
    f = comp.frame[comp.frame["gap"].notna()]
    out = []
    for (name, why), part in f.groupby(["area_name", "gap"], sort=False):
        ps = periods.distinct_sorted(list(part["period"]))
        when = fmt.period(ps[0]) if len(ps) == 1 else f"{len(ps)} perioder ({fmt.period(ps[0])} – {fmt.period(ps[-1])})"
        out.append(f"{name}: {why} – {when}.")
    return out


def title(comp: Comparison) -> str:
    """What and where (the areas; summed groups are named in the legend)."""
    names = [comp.labels[s] for s in comp.series_order if not s.startswith("gruppe:")] or [
        comp.labels[s] for s in comp.series_order]
    where = join_da(names) if len(names) <= 4 else f"{names[0]} og {len(names) - 1} andre områder"
    return f"{comp.benefit_label}: {where}"


def subtitle(comp: Comparison) -> str:
    """Unit and period span (the denominator is stated under the chart, where there is room)."""
    span = (fmt.period(comp.periods[0]) + (f" – {fmt.period(comp.periods[-1])}" if len(comp.periods) > 1 else "")
            if comp.periods else "ingen perioder")
    return f"{comp.unit}, {span}."


def file_stem(comp: Comparison) -> str:
    """`sammenligning-kontanthjaelp-nettoledige-201-223-240-2007Q1-2025Q4`."""
    span = f"{comp.periods[0]}-{comp.periods[-1]}" if comp.periods else ""
    codes = "-".join(taxonomy.slug(s) for s in comp.series_order)
    return "-".join(x for x in ("sammenligning", "-".join(comp.benefits), codes, span) if x)[:150]
