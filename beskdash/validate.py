"""Problems as data: file, row, column, value and why, with Danish messages.

Readers and validation collect every problem in one pass; nothing is written while any
error stands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from beskdash import periods, taxonomy
from beskdash.fmt import number

# More problems than this per file are summarised: nobody reads a million messages.
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # 1-based line in the file (the header is line 1); None for the whole file
    column: str | None
    value: str | None
    why: str

    def message(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"linje {self.row}")
        if self.column:
            where.append(f"kolonne {self.column}")
        head = ", ".join(where)
        if self.value is not None and self.value != "":
            return f"{head}: '{_short(self.value)}' {self.why}"
        return f"{head}: {self.why}"


def _short(value: str, n: int = 60) -> str:
    v = str(value).replace("\n", " ")
    return v if len(v) <= n else v[: n - 1] + "…"


class ValidationFailed(Exception):
    """Raised with every problem found; str() is the Danish list."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.message() for p in problems))


class Collector:
    """One file's problems, found vectorised by every reader alike: sorted by line (then by the
    column's order in the checks), cut at MAX_PROBLEMS with a count of the rest.

    `lines[i]` is the file's line of row i, so a check hands in a mask over rows, not line numbers.
    """

    def __init__(self, file: str, lines: np.ndarray | None = None):
        self.file = file
        self.lines = np.asarray([] if lines is None else lines, dtype=np.int64)
        self._found: list[tuple[int, int, Problem]] = []
        self._more = 0

    def add(self, why: str, *, row: int | None = None, column: str | None = None, value: str | None = None,
            order: int = 0) -> None:
        """One problem; without a row it is about the whole file (or a column) and sorts first."""
        self._found.append((row or 1, order, Problem(self.file, row, column, value, why)))

    def rows(self, mask: np.ndarray, order: int, column: str | Callable[[int], str | None] | None,
             why: str | Callable[[int], str], value: Callable[[int], str | None] | None = None) -> np.ndarray:
        """A problem for each row where `mask` is set (the first MAX_PROBLEMS + 1 only); returns `mask`.

        `column`, `why` and `value` may be functions of the row index, called only for reported rows.
        """
        idx = np.flatnonzero(mask)
        self._more += max(0, len(idx) - MAX_PROBLEMS - 1)
        for i in idx[:MAX_PROBLEMS + 1]:
            r = int(i)
            self._found.append((int(self.lines[r]), order, Problem(
                self.file, int(self.lines[r]), column(r) if callable(column) else column,
                None if value is None else value(r), why(r) if callable(why) else why)))
        return mask

    def problems(self, before: Iterable[Problem] = ()) -> list[Problem]:
        """`before` (problems found while splitting the file) and then the collected ones, limited."""
        out = list(before)
        if not self._found and not self._more:
            return out
        found = sorted(self._found, key=lambda t: (t[0], t[1]))
        out.extend(p for _, _, p in found[:MAX_PROBLEMS])
        rest = len(found) - min(len(found), MAX_PROBLEMS) + self._more
        if rest > 0:
            out.append(Problem(self.file, None, None, None,
                               f"… og {rest:,} problemer mere af samme slags (rettes de første, forsvinder de ofte)"
                               .replace(",", ".")))
        return out


# --- observation periods -------------------------------------------------------------------------

def future_period(period: str, today: date | None = None) -> str | None:
    """Why an observed figure cannot be for `period` (canonical), or None.

    The rule, for every reader: a period that has not yet begun cannot have been observed. The
    current month, quarter or year is allowed — StatBank counts the population on the first day of
    a period, and the newest month or quarter may be published provisionally before it is over.
    Plans' targets are not observations and may lie in any future.
    """
    t = today or date.today()
    start = periods.year(period) * 12 + _start_month(period)
    if start <= t.year * 12 + t.month - 1:
        return None
    return (f"ligger efter dags dato ({t.day}.{t.month}.{t.year}) — et tal kan ikke beskrive en periode, "
            "der ikke er begyndt endnu")


def _start_month(period: str) -> int:
    """The period's first month within its year, 0-based."""
    k = periods.kind(period)
    if k == "month":
        return int(period[5:]) - 1
    if k == "quarter":
        return (int(period[-1]) - 1) * 3
    if k == "mat":  # a moving year ending with the quarter: it began a year before
        return (int(period[-1]) - 1) * 3 - 9
    return 0


def parse_observed(values: list[str], today: date | None = None) -> tuple[list[str | None], list[str | None]]:
    """`periods.parse_each` for observations: a period that has not begun is an error too."""
    parsed, errors = periods.parse_each(values)
    for i, p in enumerate(parsed):
        if p is not None:
            why = future_period(p, today)
            if why is not None:
                parsed[i], errors[i] = None, f"'{values[i]}' {why}"
    return parsed, errors


def format_problems(problems: list[Problem], limit: int = 50) -> str:
    lines = [p.message() for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"… og {len(problems) - limit} problemer mere")
    return "\n".join(lines)


class Codes:
    """A frame's columns as integer codes into their distinct values, each factorized once and shared by the
    checks (a million-row file's labels are hashed once per column, not once per check)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._of: dict[str, tuple[np.ndarray, pd.Index]] = {}

    def of(self, col: str) -> tuple[np.ndarray, pd.Index]:
        """Per-row codes (-1 for a missing value) and the distinct values, in order of first appearance."""
        if col not in self._of:
            codes, uniq = pd.factorize(self.frame[col])
            self._of[col] = (np.asarray(codes, dtype=np.int64), uniq)
        return self._of[col]

    def combined(self, cols: list[str], compact: bool = True) -> np.ndarray:
        """One integer per distinct combination of `cols`; with `compact`, below the number of rows."""
        code = np.zeros(len(self.frame), dtype=np.int64)
        radix = 1  # the codes so far lie below this
        for c in cols:
            cc, uniq = self.of(c)
            width = len(uniq) + 1  # a missing value (-1) is a value of its own
            if radix * width >= 1 << 62:  # would overflow: compact first
                code, radix = _compact(code)
            code = code * width + (cc + 1)
            radix *= width
        return code if not compact or radix <= max(len(code), 1) else _compact(code)[0]


def _compact(code: np.ndarray) -> tuple[np.ndarray, int]:
    c, uniq = pd.factorize(code)
    return np.asarray(c, dtype=np.int64), max(len(uniq), 1)


def check_tidy(frame, file: str, columns: dict[str, str] | None = None, limit: int = 200,
               codes: Codes | None = None) -> list[Problem]:
    """Checks every reader's tidy frame shares: duplicate keys, negative counts, shares > 100.

    `frame` carries a `line` column (the source line of each row) and may carry
    `value_column` (the file's column each value came from, when a file has several);
    `columns` maps tidy column names to the file's own column names for the messages.
    Vectorised, and at most `limit` problems of each kind (then a count of the rest). `codes`: the
    frame's, when check_totals gets them too.
    """
    columns = columns or {}
    out: list[Problem] = []
    key = ["area_code", "benefit", "measure", "period", "source"]
    codes = codes or Codes(frame)
    dup_mask = pd.Series(codes.combined(key, compact=False), index=frame.index).duplicated(keep="first")
    if dup_mask.any():
        first_line = frame.groupby(key, sort=False)["line"].transform("first")
        dup = frame[dup_mask]
        for line, period, first in zip(dup["line"][:limit], dup["period"][:limit], first_line[dup_mask][:limit]):
            out.append(Problem(file, int(line), columns.get("period", "period"), period,
                               f"gentager en række for samme område, ydelse og periode (se linje {first})"))
        _rest(out, file, len(dup) - limit, "gentagne rækker")
    keys = taxonomy.measure_keys() | taxonomy.change_keys()  # plan figures carry the plans' printed changes
    shares = {k for k in keys if taxonomy.is_share(k)}
    signed = {k for k in keys if taxonomy.is_signed(k)}
    vals = frame["value"]
    value_cols = frame.get("value_column")
    for mask, why, what in (
        ((vals < 0) & ~frame["measure"].isin(signed), "er negativ — et antal eller en andel kan ikke være under 0",
         "negative tal"),
        (frame["measure"].isin(shares) & (vals > 100), "er en andel over 100 %", "andele over 100 %"),
    ):
        bad = frame[mask]
        cols = value_cols[mask] if value_cols is not None else [columns.get("value", "value")] * min(len(bad), limit)
        for line, v, col in zip(bad["line"][:limit], bad["value"][:limit], cols):
            out.append(Problem(file, int(line), col, _num(v), why))
        _rest(out, file, len(bad) - limit, what)
    return out


def _rest(out: list[Problem], file: str, n: int, what: str) -> None:
    if n > 0:
        out.append(Problem(file, None, None, None, f"… og {n} {what} mere"))


def _num(v: float) -> str:
    return number(v, decimals=None)


def check_totals(frame, file: str, columns: dict[str, str] | None = None, limit: int = 200,
                 codes: Codes | None = None) -> list[Problem]:
    """Figures that cannot be totals of their parts: counts only (not shares, ranks or differences).

    An area total (Hele landet, a region, a landsdel) smaller than the sum of its kommuner in
    the same file, or a benefit total smaller than one of its parts, for the same measure and
    period. Each member's rounding is allowed for (half a unit per member). Vectorised over
    integer codes (one pass per level of areas), so a million-row file takes a moment.

    Every count of persons is checked, STAR's benchmark counts too (`taxonomy.is_any_count`): a
    benchmark count adds up over kommuner like a register count, although the comparison keeps it
    apart (it is not set against the population or summed into peer groups).
    """
    columns = columns or {}
    tax = taxonomy.get()
    counts = {k for k in tax.measures if taxonomy.is_any_count(k)}
    mask = frame["measure"].isin(counts) & frame["value"].notna()
    f = frame if mask.all() else frame[mask]  # a file of counts only is not copied
    if f.empty:
        return []
    fc = codes if codes is not None and f is frame else Codes(f)
    value = f["value"].to_numpy(dtype="float64")
    line = f["line"].to_numpy()
    area_c, area_idx = fc.of("area_code")
    area_u = list(area_idx)
    rest_c = fc.combined(["benefit", "measure", "period", "source"])
    n_rest = int(rest_c.max()) + 1
    index = {a: i for i, a in enumerate(area_u)}
    bad_rows: list[np.ndarray] = []
    bad_info: list[tuple[str, np.ndarray, np.ndarray]] = []  # per level: (level, sums, n) looked up per row
    for level in ("land", "region", "landsdel"):
        def parent(code: str, level: str = level) -> int:
            a = tax.areas.get(code)
            if a is None or a.kind != "kommune":
                return -1
            p = {"land": "000", "region": a.region, "landsdel": a.landsdel}[level]
            return index.get(p, -1)

        parents = np.asarray([parent(a) for a in area_u], dtype=np.int64)
        par = parents[area_c]
        m = par >= 0
        if not m.any():
            continue
        key = par[m] * n_rest + rest_c[m]
        own = area_c * n_rest + rest_c  # each row as a total: its own key
        space = len(area_u) * n_rest
        if space <= 20_000_000:  # dense: no sorting
            sums = np.bincount(key, weights=value[m], minlength=space)
            n = np.bincount(key, minlength=space)
            row_sums, row_n = sums[own], n[own]
            hit = row_n > 0
        else:
            uk, inv = np.unique(key, return_inverse=True)
            sums, n = np.bincount(inv, weights=value[m]), np.bincount(inv)
            pos = np.clip(np.searchsorted(uk, own), 0, len(uk) - 1)
            hit = uk[pos] == own
            row_sums, row_n = np.where(hit, sums[pos], 0.0), np.where(hit, n[pos], 0)
        rows = np.flatnonzero(hit & (value + 0.5 * row_n < row_sums))
        bad_rows.append(rows)
        bad_info.append((level, row_sums, row_n))
    found: list[tuple[int, str]] = []
    for rows, (_level, row_sums, row_n) in zip(bad_rows, bad_info):
        found.extend((int(i), f"er mindre end summen af de {row_n[i]} kommuner i filen ({_num(row_sums[i])}) "
                              f"— {taxonomy.area_name(area_u[area_c[i]])} kan ikke være en total af dem")
                     for i in rows[:limit])
    n_bad = sum(len(r) for r in bad_rows)
    ben_c, ben_u = fc.of("benefit")
    ben_idx = {b: i for i, b in enumerate(ben_u)}
    pairs = {(b.key, p) for b in tax.benefits.values() for p in b.total_of}
    pairs |= {(b.part_of, b.key) for b in tax.benefits.values() if b.part_of}
    pairs = {(t, p) for t, p in pairs if t in ben_idx and p in ben_idx}
    if pairs:
        where = fc.combined(["area_code", "measure", "period", "source"])
        k = int(where.max()) + 1
        for total, part in sorted(pairs):
            is_part = ben_c == ben_idx[part]
            part_val = np.full(k, np.nan)
            part_val[where[is_part]] = value[is_part]
            part_line = np.zeros(k, dtype=np.int64)
            part_line[where[is_part]] = line[is_part]
            totals = np.flatnonzero(ben_c == ben_idx[total])  # only the total's rows are looked up
            rows = totals[value[totals] + 0.5 < part_val[where[totals]]]
            n_bad += len(rows)
            found.extend((int(i), f"er mindre end delen '{taxonomy.benefit_label(part)}' ({_num(part_val[where[i]])}, "
                                  f"linje {part_line[where[i]]}) — en total kan ikke være mindre end en af sine dele")
                         for i in rows[:limit])
    found.sort(key=lambda t: line[t[0]])
    col = columns.get("value", "value")
    out = [Problem(file, int(line[i]), col, _num(value[i]), why) for i, why in found[:limit]]
    _rest(out, file, n_bad - len(out), "totaler mindre end deres dele")
    return out
