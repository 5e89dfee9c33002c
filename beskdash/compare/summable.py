"""What may be summed into one group: no area twice, no area with an area inside it, and only
areas whose kommuner the data name (so nobody is counted twice)."""

from __future__ import annotations

from collections.abc import Sequence

from beskdash import taxonomy
from beskdash.compare.errors import CompareError
from beskdash.fmt import join_da


def _kommuner_in(code: str) -> frozenset[str] | None:
    """The kommuner an area covers; None where the data do not say (RAR, jobindsats areas)."""
    a = taxonomy.area(code)
    if a.kind == "kommune":
        return frozenset({code})
    m = taxonomy.members(code)
    return frozenset(m) if m else None


def summable_problem(members: Sequence[str]) -> str | None:
    """Why `members` cannot be summed into one group (Danish), or None."""
    dup = sorted({c for c in members if list(members).count(c) > 1})
    if dup:
        return f"{join_da([taxonomy.area_name(c) for c in dup])} er med flere gange"
    covers = {c: _kommuner_in(c) for c in members}
    if len(members) > 1:
        for c, cov in covers.items():
            if cov is None:
                return (f"{taxonomy.area_name(c)} kan ikke lægges sammen med andre områder: data siger ikke, "
                        "hvilke kommuner det dækker, så nogen kunne blive talt to gange")
    for i, a in enumerate(members):
        for b in members[i + 1:]:
            ca, cb = covers[a], covers[b]
            if ca and cb and ca & cb:
                outer, inner = (a, b) if len(ca) >= len(cb) else (b, a)
                return (f"{taxonomy.area_name(outer)} indeholder {taxonomy.area_name(inner)}; de kan ikke lægges "
                        "sammen uden at tælle nogen to gange")
    return None


def check_areas(codes: Sequence[str]) -> None:
    unknown = [c for c in codes if c not in taxonomy.area_codes()]
    if unknown:
        hints = []
        for u in unknown:
            guess = taxonomy.closest_area(u)
            hints.append(f"'{u}'" + (f" (mente du {guess}?)" if guess else ""))
        raise CompareError(f"ukendt område: {', '.join(hints)}")
