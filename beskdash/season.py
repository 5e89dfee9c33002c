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
from dataclasses import dataclass

import pandas as pd

from beskdash import periods

TREND_POINTS = 8  # values of the moving average the line goes through
MIN_MONTHS_MA = 24  # enough for 13 moving-average values
MIN_MONTHS_YOY = 13  # one month with its month a year earlier
MOVING_AVERAGE, YEAR_ON_YEAR = "12-måneders glidende gennemsnit", "ændring fra samme måneder året før"


def period_value(points: pd.DataFrame, period: str) -> tuple[float | None, str | None]:
    """The value of a year or quarter (or month) and how it was found: 'kilde' (the source's own figure
    for that period) or 'gennemsnit af N måneder'. None when the source has none and a month is missing."""
    valid = points.dropna(subset=["value"])
    own = valid[valid["period"] == period]
    if not own.empty:
        return float(own["value"].iloc[0]), "kilde"
    kind = periods.kind(period)
    if kind not in ("year", "quarter"):
        return None, None
    end = periods.end_month(period)
    n = 12 if kind == "year" else 3
    months = {periods.from_ordinal(end - i, "month") for i in range(n)}
    m = valid[valid["period"].isin(months)]
    if len(m) < n:
        return None, None
    return float(m["value"].mean()), f"gennemsnit af {n} måneder"


def complete_periods(points: pd.DataFrame, kind: str) -> list[tuple[str, float, str]]:
    """Every year (or quarter) with a figure (the source's or a complete mean of months), oldest first:
    (period, value, how)."""
    valid = points.dropna(subset=["value"])
    candidates = set(valid.loc[valid["kind"] == kind, "period"])
    for p in valid.loc[valid["kind"] == "month", "period"]:
        y, m = periods.year(p), int(p[5:])
        candidates.add(str(y) if kind == "year" else f"{y}Q{(m - 1) // 3 + 1}")
    out = []
    for p in sorted(candidates, key=periods.sort_key):
        v, how = period_value(points, p)
        if v is not None:
            out.append((p, v, how or ""))
    return out


@dataclass(frozen=True)
class SeasonalProjection:
    """A projection of a monthly series to a deadline with the season removed."""

    method: str  # MOVING_AVERAGE or YEAR_ON_YEAR
    first_period: str  # the first month the method used
    last_period: str  # the newest month used
    n_points: int  # moving-average values on the line, or month pairs compared
    slope_per_year: float  # the underlying change per year
    deadline_value: float  # the projected figure of the deadline's own period
    kind: str = "month"

    @property
    def slope(self) -> float:  # per month, like the engine's straight-line projection
        return self.slope_per_year / 12


def _monthly(points: pd.DataFrame) -> pd.Series:
    m = points[(points["kind"] == "month")].dropna(subset=["value"])
    s = pd.Series(m["value"].to_numpy(dtype=float), index=[periods.ordinal(p) for p in m["period"]])
    return s.sort_index()


def _seasonal_offset(s: pd.Series, month: int) -> float:
    """The mean distance of calendar month `month` (1–12) from its year's mean, over complete years."""
    diffs = []
    for y in sorted({o // 12 for o in s.index}):
        year = s[(s.index >= y * 12) & (s.index < y * 12 + 12)]
        if len(year) == 12:
            diffs.append(float(year[y * 12 + month - 1] - year.mean()))
    return sum(diffs) / len(diffs) if diffs else 0.0


def project(points: pd.DataFrame, deadline: str) -> SeasonalProjection | None:
    """The deadline period's figure projected from the monthly values, season removed; None with fewer
    than MIN_MONTHS_YOY consecutive months at the end."""
    s = _monthly(points)
    if s.empty:
        return None
    # the newest unbroken run of months
    idx = list(s.index)
    start = len(idx) - 1
    while start > 0 and idx[start - 1] == idx[start] - 1:
        start -= 1
    s = s.iloc[start:]
    if len(s) < MIN_MONTHS_YOY:
        return None
    last = int(s.index[-1])
    kind = periods.kind(deadline)
    d_end = periods.end_month(deadline)
    if len(s) >= MIN_MONTHS_MA:
        ma = s.rolling(12).mean().dropna().tail(TREND_POINTS)
        xs, ys = [float(x) for x in ma.index], [float(v) for v in ma]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        level = lambda t: my + slope * (t - mx)  # noqa: E731 - the trailing mean ending in month t
        method, first, n = MOVING_AVERAGE, int(ma.index[0]) - 11, len(ma)
        per_year = slope * 12
    else:
        pairs = [(t, s[t] - s[t - 12]) for t in s.index if t - 12 in s.index][-TREND_POINTS:]
        per_year = sum(d for _, d in pairs) / len(pairs)
        base = float(s.iloc[-12:].mean()) if len(s) >= 12 else float(s.mean())
        level = lambda t: base + per_year * (t - last) / 12  # noqa: E731
        method, first, n = YEAR_ON_YEAR, int(pairs[0][0]) - 12, len(pairs)
    if kind == "year":
        value = level(d_end)  # the trailing 12-month mean ending in December is the year's mean
    elif kind == "quarter":
        value = sum(level(d_end - i) + _seasonal_offset(s, (d_end - i) % 12 + 1) for i in range(3)) / 3
    else:
        value = level(d_end) + _seasonal_offset(s, d_end % 12 + 1)
    if math.isnan(value):
        return None
    return SeasonalProjection(method, periods.from_ordinal(first, "month"), periods.from_ordinal(last, "month"),
                              n, per_year, value)
