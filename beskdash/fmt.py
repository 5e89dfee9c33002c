"""Danish number, percentage, period and date formatting for everything users read, and the
small wording helpers sentences share (`a, b og c`, a label inside a sentence)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from beskdash import taxonomy
from beskdash.periods import MONTHS_DA, label_da


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


def value(v: float | None, measure: str, decimals: int | None = None) -> str:
    """A value formatted as its measure's role deserves: shares with %, durations with their unit,
    a plan's printed change signed with its unit, counts whole. `decimals` None: one decimal for
    shares, durations and changes, and for a count only where it has decimals."""
    role = taxonomy.role(measure) if measure in taxonomy.measure_keys() | taxonomy.change_keys() else None
    if taxonomy.is_share(measure):
        return percent(v, 1 if decimals is None else decimals)
    if role == "duration":
        return f"{number(v, 1 if decimals is None else decimals)} {taxonomy.measure(measure).unit_da}"
    if role == "change":
        return f"{signed(v, 1 if decimals is None else decimals)} {taxonomy.get().changes[measure].unit_da}"
    if decimals is not None:
        return number(v, decimals)
    if v is not None and not (isinstance(v, float) and math.isnan(v)) and not float(v).is_integer():
        return number(v, 1)
    return number(v, 0)


def join_da(words: Iterable[str]) -> str:
    """`a`, `a og b`, `a, b og c`; nothing for no words."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " og " + words[-1]


def lower_first(s: str) -> str:
    """A label inside a sentence: `Kontanthjælp` → `kontanthjælp`; `SU-modtagere` keeps its capitals."""
    return s if len(s) > 1 and s[1].isupper() else s[:1].lower() + s[1:]


def date_da(d: str | dt.date) -> str:
    """`2019-01-01` (or the date) → `1. januar 2019`."""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d.strip())
    return f"{d.day}. {MONTHS_DA[d.month - 1]} {d.year}"
