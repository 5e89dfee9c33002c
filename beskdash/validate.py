"""Problems as data: file, row, column, value and why, with Danish messages.

Readers and validation collect every problem in one pass; nothing is written while any
error stands.
"""

from __future__ import annotations

from dataclasses import dataclass


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


def format_problems(problems: list[Problem], limit: int = 50) -> str:
    lines = [p.message() for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"… og {len(problems) - limit} problemer mere")
    return "\n".join(lines)


def check_tidy(frame, file: str, columns: dict[str, str] | None = None) -> list[Problem]:
    """Checks every reader's tidy frame shares: duplicate keys, negative counts, shares > 100.

    `frame` carries a `line` column (the source line of each row); `columns` maps tidy
    column names to the file's own column names for the messages.
    """
    from beskdash import taxonomy

    columns = columns or {}
    out: list[Problem] = []
    key = ["area_code", "benefit", "measure", "period", "source"]
    dup = frame[frame.duplicated(key, keep="first")]
    for _, r in dup.iterrows():
        first = frame[(frame[key] == r[key]).all(axis=1)]["line"].iloc[0]
        out.append(Problem(file, int(r["line"]), columns.get("period", "period"), r["period"],
                           f"gentager en række for samme område, ydelse og periode (se linje {first})"))
    shares = {m.key for m in taxonomy.get().measures.values() if m.share}
    vals = frame["value"]
    neg = frame[(vals < 0) & ~frame["measure"].isin(["aendring-pct", "aendring-pct-point"])]
    for _, r in neg.iterrows():
        out.append(Problem(file, int(r["line"]), columns.get("value", "value"), _num(r["value"]),
                           "er negativ — et antal eller en andel kan ikke være under 0"))
    over = frame[frame["measure"].isin(shares) & (vals > 100)]
    for _, r in over.iterrows():
        out.append(Problem(file, int(r["line"]), columns.get("value", "value"), _num(r["value"]),
                           "er en andel over 100 %"))
    return out


def _num(v: float) -> str:
    from beskdash.fmt import number

    return number(v, decimals=None)
