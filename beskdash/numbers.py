"""Parsing numbers as each source writes them; nothing is silently coerced."""

from __future__ import annotations

import re

_DA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_EN = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
SUPPRESSED = {"..", ".", "-", ""}


def parse_da(text: str) -> float:
    """`1.234,5` → 1234.5. Raises ValueError for anything else."""
    s = str(text).strip().replace("\u2212", "-").replace("\xa0", "").replace(" ", "")
    if not _DA.match(s):
        raise ValueError(s)
    return float(s.replace(".", "").replace(",", "."))


def parse_en(text: str) -> float:
    """`1,234.5` or `1234.5` → 1234.5. Raises ValueError for anything else."""
    s = str(text).strip().replace("\u2212", "-").replace("\xa0", "").replace(" ", "")
    if not _EN.match(s):
        raise ValueError(s)
    return float(s.replace(",", ""))


def parse_plain(text: str) -> float:
    """A machine number (`1234`, `-0.5`, `2.4e3`): our own files."""
    return float(str(text).strip())
