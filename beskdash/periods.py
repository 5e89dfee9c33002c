"""Periods: every spelling parsed in one place into `2019`, `2019Q4` or `2019M12`.

Accepted: `2019`, `2019Q4`, `2019K4`, `2019Q04`, `Q2 2020`, `2019M12`, `2019M1`,
Danish month names (`december 2019`, `dec. 2019`, `juni 2019`), `2024QMAT01`
(jobindsats' moving annual total, kept distinct as `2024QMAT01`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

MONTHS_DA = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]
MONTHS_DA_SHORT = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."]
_MONTH_LOOKUP: dict[str, int] = {}
for _i, _m in enumerate(MONTHS_DA, start=1):
    _MONTH_LOOKUP[_m] = _i
    _MONTH_LOOKUP[_m[:3]] = _i
_MONTH_LOOKUP["sept"] = 9
for _i, _m in enumerate(["january", "february", "march", "april", "may", "june", "july",
                         "august", "september", "october", "november", "december"], start=1):
    _MONTH_LOOKUP.setdefault(_m, _i)
    _MONTH_LOOKUP.setdefault(_m[:3], _i)


class PeriodError(ValueError):
    """A period spelling that is not understood; the message is Danish."""


_YEAR = r"(19[5-9]\d|20\d\d)"
_PATTERNS = [
    (re.compile(rf"^{_YEAR}$"), lambda m: m.group(1)),
    (re.compile(rf"^{_YEAR}\s*[QK]0?([1-4])$"), lambda m: f"{m.group(1)}Q{m.group(2)}"),
    (re.compile(rf"^[QK]([1-4])\s+{_YEAR}$"), lambda m: f"{m.group(2)}Q{m.group(1)}"),
    (re.compile(rf"^([1-4])\.\s*(?:kvt\.?|kvartal)\s+{_YEAR}$"), lambda m: f"{m.group(2)}Q{m.group(1)}"),
    (re.compile(rf"^{_YEAR}\s*M(0?[1-9]|1[0-2])$"), lambda m: f"{m.group(1)}M{int(m.group(2)):02d}"),
    (re.compile(rf"^{_YEAR}\s*QMAT0?([1-4])$"), lambda m: f"{m.group(1)}QMAT0{m.group(2)}"),
    (re.compile(rf"^{_YEAR}-(0[1-9]|1[0-2])(?:-\d\d)?$"), lambda m: f"{m.group(1)}M{m.group(2)}"),
]
_MONTH_NAME = re.compile(rf"^([a-zæøå]+)\.?\s+{_YEAR}$")


@lru_cache(maxsize=4096)
def parse_period(text: str) -> str:
    """Canonical period string, or PeriodError with a Danish message."""
    raw = str(text)
    s = raw.strip().upper()
    for pattern, build in _PATTERNS:
        m = pattern.match(s)
        if m:
            return build(m)
    m = _MONTH_NAME.match(raw.strip().lower())
    if m and m.group(1) in _MONTH_LOOKUP:
        return f"{m.group(2)}M{_MONTH_LOOKUP[m.group(1)]:02d}"
    raise PeriodError(
        f"'{raw}' er ikke en gyldig periode — brug fx 2019, 2019K4, 2019Q4, 2019M12 eller 'december 2019'"
    )


@lru_cache(maxsize=8192)
def kind(period: str) -> str:
    """'year', 'quarter', 'month' or 'mat' for a canonical period."""
    if "QMAT" in period:
        return "mat"
    if "Q" in period:
        return "quarter"
    if "M" in period:
        return "month"
    return "year"


def year(period: str) -> int:
    return int(period[:4])


def ordinal(period: str) -> int:
    """A number that increases by one per step of the period's own frequency."""
    y = year(period)
    k = kind(period)
    if k == "month":
        return y * 12 + int(period[5:]) - 1
    if k in ("quarter", "mat"):
        return y * 4 + int(period[-1]) - 1
    return y


def from_ordinal(n: int, k: str) -> str:
    if k == "month":
        return f"{n // 12}M{n % 12 + 1:02d}"
    if k == "quarter":
        return f"{n // 4}Q{n % 4 + 1}"
    if k == "mat":
        return f"{n // 4}QMAT0{n % 4 + 1}"
    return str(n)


@lru_cache(maxsize=8192)
def end_month(period: str) -> int:
    """The period's last month as `year*12 + month-1`, to compare periods of any kind."""
    y = year(period)
    k = kind(period)
    if k == "month":
        return ordinal(period)
    if k in ("quarter", "mat"):
        return y * 12 + int(period[-1]) * 3 - 1
    return y * 12 + 11


_MONTHS_IN = {"month": 1, "quarter": 3, "mat": 12, "year": 12}
_STEPS_PER_YEAR = {"month": 12, "quarter": 4, "mat": 4, "year": 1}


def start_month(period: str) -> int:
    """The period's first month in `end_month`'s numbering (a moving annual total spans 12 months)."""
    return end_month(period) - _MONTHS_IN[kind(period)] + 1


def year_before(period: str) -> str:
    """The same period a year earlier, of the same kind (`2019Q4` → `2018Q4`)."""
    k = kind(period)
    return from_ordinal(ordinal(period) - _STEPS_PER_YEAR[k], k)


def first_day(period: str) -> str:
    """ISO date of the period's first day (`2019Q1` → `2019-01-01`)."""
    m = start_month(period)
    return f"{m // 12}-{m % 12 + 1:02d}-01"


@lru_cache(maxsize=8192)
def sort_key(period: str) -> tuple[int, int]:
    return (end_month(period), {"month": 0, "quarter": 1, "mat": 2, "year": 3}[kind(period)])


def distinct_sorted(ps: Iterable[str]) -> list[str]:
    """Canonical periods, each once, in time order."""
    return sorted(set(ps), key=sort_key)


def in_range(period: str, period_from: str | None, period_to: str | None) -> bool:
    """Whether `period` ends within [period_from, period_to] (any spelling; None = open)."""
    e = end_month(period)
    if period_from and e < end_month(parse_period(period_from)):
        return False
    return not (period_to and e > end_month(parse_period(period_to)))


def within(ps: Iterable[str], period_from: str | None, period_to: str | None) -> list[bool]:
    """`in_range` for many periods, the bounds parsed once."""
    lo = end_month(parse_period(period_from)) if period_from else None
    hi = end_month(parse_period(period_to)) if period_to else None
    return [(lo is None or e >= lo) and (hi is None or e <= hi) for e in map(end_month, ps)]


@lru_cache(maxsize=8192)
def label_da(period: str, short: bool = False) -> str:
    """How a Dane writes it: `2019`, `4. kvt. 2019` (no-break space), `december 2019` (short: `dec. 2019`)."""
    k = kind(period)
    if k == "year":
        return period
    # A no-break space after "4.": typographically right, and a table cell starting with
    # "4. " would otherwise be rendered as a Markdown list item.
    if k == "quarter":
        return f"{period[-1]}.\u00a0kvt. {period[:4]}"
    if k == "mat":
        return f"år til {period[-1]}.\u00a0kvt. {period[:4]}"
    m = int(period[5:])
    name = MONTHS_DA_SHORT[m - 1] if short else MONTHS_DA[m - 1]
    return f"{name} {period[:4]}"


def parse_each(values: list[str]) -> tuple[list[str | None], list[str | None]]:
    """Parse distinct spellings at once: (canonical or None, Danish error or None) per value.

    Readers encode a column to its distinct values and call this once, so a million rows
    cost one parse per distinct period.
    """
    parsed: list[str | None] = []
    errors: list[str | None] = []
    for v in values:
        try:
            parsed.append(parse_period(v))
            errors.append(None)
        except PeriodError as e:
            parsed.append(None)
            errors.append(str(e))
    return parsed, errors
