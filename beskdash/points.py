"""A goal's points: its series read from the observations (or its own figures), one row per period, as plain
rows the engine judges without a pandas step each, and as a frame for the pages and projections.

The observations of a whole plan are indexed once (`index_observations`), so each goal's series is a look-up,
not a filter of the frame; the rows are `Point`s in `evidence.POINT_COLUMNS` order.
"""

from __future__ import annotations

import math
from itertools import starmap
from typing import Any, NamedTuple

import pandas as pd

from beskdash import evidence, periods, season, taxonomy
from beskdash.plans import Goal
from beskdash.taxonomy import NUMERATOR_MEASURE, SHARE_DENOMINATORS


class Point(NamedTuple):
    """One row of a goal's points (evidence.POINT_COLUMNS), with `how` for a judged year or quarter."""

    period: str
    kind: str
    end: int
    value: float
    sources: tuple[str, ...]
    suppressed: bool
    incomplete: bool
    how: str = ""


# The observations by (area, benefit, measure), each row (period, kind, end, value, source): made once per
# plan, so each goal's series is a look-up instead of a filter of the whole frame.
ObsIndex = dict[tuple[str, str, str], list[tuple[str, str, int, float, str]]]


def index_observations(obs: pd.DataFrame) -> ObsIndex:
    """`ObsIndex` of tidy observations (with or without their period_kind and period_end columns)."""
    out: ObsIndex = {}
    if obs.empty:
        return out
    per = obs["period"].tolist()
    if "period_kind" in obs and "period_end" in obs:
        kinds, ends = obs["period_kind"].tolist(), obs["period_end"].tolist()
    else:
        uniq = set(per)
        kind_of, end_of = {p: periods.kind(p) for p in uniq}, {p: periods.end_month(p) for p in uniq}
        kinds, ends = [kind_of[p] for p in per], [end_of[p] for p in per]
    for a, b, m, p, k, e, v, src in zip(obs["area_code"].tolist(), obs["benefit"].tolist(), obs["measure"].tolist(),
                                        per, kinds, ends, obs["value"].tolist(), obs["source"].tolist()):
        out.setdefault((a, b, m), []).append((p, k, int(e), v, src))
    return out


def series_points(goal: Goal, obs: pd.DataFrame | ObsIndex) -> pd.DataFrame:
    """The goal's series, one row per period: period, kind, end, value, sources (tuple), and why a
    value is NaN: `suppressed` (a part is in the source without a number) or `incomplete` (a part
    of the sum is absent). Empty for goals without a series. `obs`: tidy observations, or their index."""
    return to_frame(series_rows(goal, obs if isinstance(obs, dict) else index_observations(obs)))


def to_frame(rows: list[Point]) -> pd.DataFrame:
    """Points as the frame `series_points` returns."""
    return pd.DataFrame([r[:7] for r in rows], columns=evidence.POINT_COLUMNS)


def series_rows(goal: Goal, index: ObsIndex) -> list[Point]:
    """`series_points` as rows."""
    s = goal.indicator.series if goal.indicator else None
    if s is None or not index:
        return []
    share_sum = len(s.benefits) > 1 and taxonomy.is_share(s.measure)
    if share_sum:
        if s.measure not in SHARE_DENOMINATORS:
            return []
        den_b, den_m = SHARE_DENOMINATORS[s.measure]
        wanted = {(b, NUMERATOR_MEASURE) for b in s.benefits} | {(den_b, den_m)}
    else:
        wanted = {(b, s.measure) for b in s.benefits}
    # One value per (benefit, measure, period): registers before transcribed plan figures, then by source key.
    best: dict[tuple[str, str, str], tuple[tuple[bool, str], tuple[str, str, int, float, str]]] = {}
    for b, m in wanted:
        for row in index.get((s.area, b, m), ()):
            src = row[4]
            if s.source and src != s.source:
                continue
            rank, key = (src.startswith("plan:"), src), (b, m, row[0])
            if key not in best or rank < best[key][0]:
                best[key] = (rank, row)
    if not best:
        return []
    by_period: dict[str, tuple[str, int, dict[tuple[str, str], Any], set[str]]] = {}
    for (b, m, period), (_, (_, kind, end, v, src)) in best.items():
        if period not in by_period:
            by_period[period] = (kind, end, {}, set())
        by_period[period][2][(b, m)] = v
        by_period[period][3].add(src)
    rows = []
    for period in sorted(by_period, key=periods.sort_key):
        kind, end, vals, srcs = by_period[period]
        incomplete = any(k not in vals for k in wanted)
        suppressed = any(k in vals and pd.isna(vals[k]) for k in wanted)
        complete = not incomplete and not suppressed
        value = math.nan
        if complete and share_sum:
            den = vals[(den_b, den_m)]
            if den:
                value = sum(vals[(b, NUMERATOR_MEASURE)] for b in s.benefits) / den * 100
        elif complete:
            value = sum(vals[(b, s.measure)] for b in s.benefits)
        rows.append(Point(period, kind, end, value, tuple(sorted(srcs)), suppressed, incomplete))
    return rows


def of_frame(points: pd.DataFrame) -> list[Point]:
    """The points as plain rows: the engine reads a goal's few hundred points without a pandas step each."""
    return list(starmap(Point, zip(*(points[c].tolist() for c in evidence.POINT_COLUMNS))))


def judged_rows(valid: list[Point], values: season.ByPeriod, kind: str) -> list[Point]:
    """The series in the target's own period type (year or quarter): the source's own figures, else the means
    of complete months (or quarters); `how` says which. Empty when no such period is complete."""
    at_end: dict[int, set[str]] = {}
    for r in valid:
        at_end.setdefault(r.end, set()).update(r.sources)
    rows = []
    for period, value, how in season.complete_of(values, kind):
        end = periods.end_month(period)
        srcs = set().union(*(at_end.get(m, ()) for m in range(end - (11 if kind == "year" else 2), end + 1)))
        rows.append(Point(period, kind, end, value, tuple(sorted(srcs)), False, False, how))
    return rows


def judged_points(points: pd.DataFrame, kind: str) -> pd.DataFrame:
    """`judged_rows` of a points frame, as a frame with a `how` column."""
    rows = of_frame(points)
    values = season.by_period((r.period, r.kind, r.value) for r in rows)
    return pd.DataFrame(judged_rows([r for r in rows if not is_na(r.value)], values, kind),
                        columns=[*evidence.POINT_COLUMNS, "how"])


def is_na(v: float | None) -> bool:
    """No number: None or NaN (a point's value is a plain float)."""
    return v is None or v != v
