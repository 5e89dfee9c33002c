"""Reading a monthly series for a target: the figure of the target's own period, and a projection
that removes the season. Pure functions on a goal's points (period, kind, value), used by the goal engine.

- A year's figure is the source's own yearly figure where it has one, else the mean of the year's twelve
  months when all are present (helårspersoner are the year's mean of monthly fuldtidspersoner); never one
  month. A quarter's figure likewise: the source's, else the mean of its three months.
- A projection never reads the season as a trend: with 24 months or more, a straight line through the last
  `TREND_POINTS` values of the 12-month moving average (which holds every season once); with 13–23 months,
  the change from the same months a year earlier. A monthly deadline adds back that month's seasonal
  deviation (its mean distance from its year's mean in the complete years).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from beskdash import periods

TREND_POINTS = 8  # values of the moving average the line goes through (and year-on-year pairs averaged)
MOVING_AVERAGE, YEAR_ON_YEAR = "12-måneders glidende gennemsnit", "ændring fra samme måneder året før"


# The points with a value, by period: (position, kind, value), the first point of each period. Built once
# per goal (`by_period`), so each year's or quarter's figure is a few look-ups, not a filter of a frame.
ByPeriod = dict[str, tuple[int, str, float]]


def by_period(points: Iterable[tuple[str, str, float]]) -> ByPeriod:
    """(period, kind, value) triples, in the points' order, as `ByPeriod` (values that are NaN or None left out)."""
    out: ByPeriod = {}
    for i, (p, k, v) in enumerate(points):
        if v is not None and v == v and p not in out:
            out[p] = (i, k, v)
    return out


def _by_period(points: pd.DataFrame) -> ByPeriod:
    return by_period(zip(points["period"].tolist(), points["kind"].tolist(), points["value"].tolist()))


def _mean(values: list[float]) -> float:
    """As pandas' Series.mean (numpy's pairwise sum over the count), to the last bit."""
    return float(np.asarray(values, dtype="float64").sum() / len(values))


def period_value(points: pd.DataFrame, period: str) -> tuple[float | None, str | None]:
    """The value of a year or quarter (or month) and how it was found: 'kilde' (the source's own figure
    for that period), 'gennemsnit af 12 måneder' or (a year of quarterly values) 'gennemsnit af 4 kvartaler'.
    None when the source has none and a part is missing."""
    return value_of(_by_period(points), period)


def value_of(valid: ByPeriod, period: str) -> tuple[float | None, str | None]:
    """`period_value` on the points `by_period` holds."""
    own = valid.get(period)
    if own is not None:
        return float(own[2]), "kilde"
    kind = periods.kind(period)
    if kind not in ("year", "quarter"):
        return None, None
    end = periods.end_month(period)
    parts = [("month", 12 if kind == "year" else 3, "måneder")]
    if kind == "year":
        parts.append(("quarter", 4, "kvartaler"))
    for part_kind, n, word in parts:
        step = 1 if part_kind == "month" else 3
        wanted = {periods.from_ordinal(periods.ordinal(periods.from_ordinal(end - i * step, "month"))
                                       // (1 if part_kind == "month" else 3), part_kind) for i in range(n)}
        found = sorted(valid[w] for w in wanted if w in valid and valid[w][1] == part_kind)
        if len(found) == n:  # in the points' order, as the mean of a frame's column adds them
            return _mean([v for _, _, v in found]), f"gennemsnit af {n} {word}"
    return None, None


def count_parts(points: pd.DataFrame, period: str) -> tuple[int, int]:
    """How many of a year's (or quarter's) months have a value, of how many; a year of quarterly values
    counts quarters: for 'N af 12 måneder'."""
    return parts_of(_by_period(points), period)


def parts_of(valid: ByPeriod, period: str) -> tuple[int, int]:
    """`count_parts` on the points `by_period` holds."""
    end = periods.end_month(period)
    year = periods.kind(period) == "year"
    months = {periods.from_ordinal(end - i, "month") for i in range(12 if year else 3)}
    n = sum(1 for m in months if m in valid)
    if n or not year:
        return n, 12 if year else 3
    quarters = {f"{periods.year(period)}Q{q}" for q in range(1, 5)}
    return sum(1 for q in quarters if q in valid), 4


def complete_periods(points: pd.DataFrame, kind: str) -> list[tuple[str, float, str]]:
    """Every year (or quarter) with a figure (the source's or a complete mean of months), oldest first:
    (period, value, how)."""
    return complete_of(_by_period(points), kind)


def complete_of(valid: ByPeriod, kind: str) -> list[tuple[str, float, str]]:
    """`complete_periods` on the points `by_period` holds."""
    candidates = {p for p, (_, k, _) in valid.items() if k == kind}
    for p, (_, k, _) in valid.items():
        if k in ("month", "quarter"):
            y, q = periods.year(p), (periods.end_month(p) % 12) // 3 + 1
            candidates.add(str(y) if kind == "year" else f"{y}Q{q}")
    out = []
    for p in sorted(candidates, key=periods.sort_key):
        v, how = value_of(valid, p)
        if v is not None:
            out.append((p, v, how or ""))
    return out


@dataclass(frozen=True)
class SeasonalProjection:
    """A projection of a monthly (or quarterly) series to a deadline with the season removed."""

    method: str  # MOVING_AVERAGE or YEAR_ON_YEAR
    kind: str  # the periodicity of the values used: month or quarter
    first_period: str  # the first period the method used
    last_period: str  # the newest period used
    n_points: int  # moving-average values on the line, or pairs of periods a year apart
    slope_per_year: float  # the underlying change per year
    level_at_last: float  # the underlying level (the 12-month or 4-quarter mean) ending in last_period
    deadline_value: float  # the projected figure of the deadline's own period

    @property
    def slope(self) -> float:  # per period of `kind`, like the engine's straight-line projection
        return self.slope_per_year / _PER_YEAR[self.kind]

    def at(self, period: str) -> float:
        """The underlying level (season removed) ending in `period`, on the projected line."""
        months = periods.end_month(period) - periods.end_month(self.last_period)
        return self.level_at_last + self.slope_per_year * months / 12


_PER_YEAR = {"month": 12, "quarter": 4}


def _series(points: pd.DataFrame, kind: str) -> pd.Series:
    m = points[(points["kind"] == kind)].dropna(subset=["value"])
    s = pd.Series(m["value"].to_numpy(dtype=float), index=[periods.ordinal(p) for p in m["period"]])
    return s.sort_index()


def _seasonal_offset(s: pd.Series, position: int, per_year: int) -> float:
    """The mean distance of the period at `position` in its year (0-based) from its year's mean, over the
    complete years of `s`."""
    diffs = []
    for y in sorted({o // per_year for o in s.index}):
        year = s[(s.index >= y * per_year) & (s.index < (y + 1) * per_year)]
        if len(year) == per_year:
            diffs.append(float(year[y * per_year + position] - year.mean()))
    return sum(diffs) / len(diffs) if diffs else 0.0


def project(points: pd.DataFrame, deadline: str, kind: str = "month") -> SeasonalProjection | None:
    """The deadline period's figure projected from the values of `kind` (month or quarter), season removed;
    None with fewer than a year and one period of consecutive values at the end."""
    per_year = _PER_YEAR[kind]
    s = _series(points, kind)
    if s.empty:
        return None
    idx = list(s.index)  # the newest unbroken run
    start = len(idx) - 1
    while start > 0 and idx[start - 1] == idx[start] - 1:
        start -= 1
    s = s.iloc[start:]
    if len(s) < per_year + 1:
        return None
    last = int(s.index[-1])
    if len(s) >= 2 * per_year:
        ma = s.rolling(per_year).mean().dropna().tail(TREND_POINTS)
        xs, ys = [float(x) for x in ma.index], [float(v) for v in ma]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        method, first, n = MOVING_AVERAGE, int(ma.index[0]) - per_year + 1, len(ma)
        level, per_year_change = my + slope * (last - mx), slope * per_year
    else:
        pairs = [(t, s[t] - s[t - per_year]) for t in s.index if t - per_year in s.index][-TREND_POINTS:]
        per_year_change = sum(d for _, d in pairs) / len(pairs)
        level = float(s.iloc[-per_year:].mean())
        method, first, n = YEAR_ON_YEAR, int(pairs[0][0]) - per_year, len(pairs)
    if kind == "quarter" and method == MOVING_AVERAGE:
        method = "4-kvartalers glidende gennemsnit"
    proj = SeasonalProjection(method, kind, periods.from_ordinal(first, kind), periods.from_ordinal(last, kind), n,
                              per_year_change, level, math.nan)
    d_kind = periods.kind(deadline)
    if d_kind == "year":
        value = proj.at(deadline)  # the trailing year's mean ending in December is the year's mean
    else:
        # the deadline's own months (or quarter): the underlying level plus each one's season
        step = 12 // per_year
        d_end = periods.end_month(deadline)
        n_own = 1 if d_kind == kind or d_kind == "month" else (3 if kind == "month" else 1)
        ends = [d_end - i * step for i in range(n_own)]
        value = sum(proj.at(periods.from_ordinal(e, "month"))
                    + _seasonal_offset(s, (e // step) % per_year, per_year) for e in ends) / len(ends)
    if math.isnan(value):
        return None
    return SeasonalProjection(proj.method, kind, proj.first_period, proj.last_period, n, per_year_change, level,
                              value)
