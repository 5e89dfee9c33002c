"""Danish number, percentage and period formatting for everything users read."""

from __future__ import annotations

import math

from beskdash import taxonomy
from beskdash.periods import label_da


def number(v: float | None, decimals: int | None = 0, missing: str = "–") -> str:
    """`1.234`, `1.234,5`; decimals=None keeps what the value has (up to 2)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return missing
    if decimals is None:
        f = float(v)
        decimals = 0 if f.is_integer() else min(2, len(repr(f).split(".")[1].rstrip("0")) or 0)
    s = f"{float(v):,.{decimals}f}"
    s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    negative = s.startswith("-") and s.strip("-0,.") != ""  # no "−0,0"
    return ("−" if negative else "") + s.lstrip("-")


def percent(v: float | None, decimals: int = 1, missing: str = "–") -> str:
    """`12,6 %` (Danish: space before the sign)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return missing
    return f"{number(v, decimals)} %"


def pct_points(v: float | None, decimals: int = 1) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    sign = "+" if v > 0 else ""
    return f"{sign}{number(v, decimals)} procentpoint"


def signed(v: float | None, decimals: int = 0) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return ("+" if v > 0 else "") + number(v, decimals)


def period(p: str | None, short: bool = False) -> str:
    return "–" if not p else label_da(p, short=short)


def value(v: float | None, measure: str) -> str:
    """A value formatted as its measure's role deserves: shares with one decimal and %, durations
    with their unit, counts whole."""
    if taxonomy.is_share(measure):
        return percent(v)
    if measure in taxonomy.measure_keys() and taxonomy.role(measure) == "duration":
        return f"{number(v, 1)} {taxonomy.measure(measure).unit_da}"
    if v is not None and not (isinstance(v, float) and math.isnan(v)) and not float(v).is_integer():
        return number(v, 1)
    return number(v, 0)
