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


def parse_column(values, style: str):
    """`parse_da`/`parse_en` for a whole column at once (pyarrow compute, no per-row Python).

    `values` is a pyarrow string array. Returns (numbers, bad, suppressed): float64 numpy
    array (NaN where suppressed or bad), and boolean masks for the values that do not parse
    and the suppressed ones (`..`, `-`, empty).
    """
    # deferred: the scalar parsers above stay importable without numpy/pyarrow
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(values, pa.Array | pa.ChunkedArray):
        values = pa.array(values, type=pa.string())
    pattern = (_DA if style == "da" else _EN).pattern
    s = pc.utf8_trim_whitespace(pc.fill_null(values, ""))
    suppressed = pc.is_in(s, value_set=pa.array(sorted(SUPPRESSED)))
    ok = pc.match_substring_regex(s, pattern)
    if not pc.all(pc.or_(ok, suppressed)).as_py():  # only then: minus signs and spaces as parse_da strips them
        for a, b in (("\u2212", "-"), ("\xa0", ""), (" ", "")):
            s = pc.replace_substring(s, a, b)
        ok = pc.match_substring_regex(s, pattern)
    if style == "da":
        s = pc.replace_substring(pc.replace_substring(s, ".", ""), ",", ".")
    else:
        s = pc.replace_substring(s, ",", "")
    all_ok = pc.all(ok).as_py() is not False
    nums = pc.cast(s if all_ok else pc.if_else(ok, s, pa.scalar(None, pa.string())), pa.float64())
    ok_np = np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool)
    sup_np = np.asarray(suppressed.to_numpy(zero_copy_only=False), dtype=bool)
    out = np.asarray(pc.fill_null(nums, float("nan")).to_numpy(zero_copy_only=False), dtype="float64")
    return out, ~ok_np & ~sup_np, sup_np
