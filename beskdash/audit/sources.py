"""Other sources against the plans (`kilde-mod-plan`): every other source's value for a key a plan printed.
Both stay in the store as they are; a difference is reported with both sides."""

from __future__ import annotations

import math

from beskdash import fmt
from beskdash.audit.common import (
    _EPS,
    ADVARSEL,
    INFO,
    PLAN_PREFIX,
    REVISION_SHARE,
    Check,
    _half,
    _subject,
    _value_decimals,
)
from beskdash.store import Store


def check_other_sources(store: Store) -> list[Check]:
    """Every other source's value for a key a plan printed; both stay in the store as they are."""
    df = store.other_source_values()
    if df.empty:
        return []
    titles = store.sources().set_index("key")["title"].to_dict()
    out: list[Check] = []
    for r in df.itertuples(index=False):
        dp = _value_decimals(r.plan_value, r.measure)
        h = _half(dp) + (_half(_value_decimals(r.other_value, r.measure)) if r.other_source.startswith(PLAN_PREFIX)
                         else 0)
        d = r.other_value - r.plan_value
        rel = abs(d) / abs(r.plan_value) if r.plan_value else math.inf
        if abs(d) <= h + _EPS:
            sev, why = None, "Kilderne er enige (med afrunding)."
        elif rel <= REVISION_SHARE:
            sev, why = INFO, (f"Lille forskel ({fmt.percent(rel * 100)}), typisk en senere efterregulering af "
                              "tallene.")
        else:
            sev, why = ADVARSEL, f"Kilderne er uenige med {fmt.percent(rel * 100)}; tjek hvilket tal, der citeres."
        seed_file, _, table = str(r.plan_ref or "").partition(" § ")
        other = titles.get(r.other_source, r.other_source)
        out.append(Check(
            check="kilde-mod-plan", severity=sev, plan=r.plan_source.removeprefix(PLAN_PREFIX), seed_file=seed_file,
            table=table, subject=_subject(r.area_code, r.benefit, r.measure, r.period),
            printed=fmt.value(r.plan_value, r.measure, dp),
            data_says=f"{other} ({r.other_source}): "
                      f"{fmt.value(r.other_value, r.measure, _value_decimals(r.other_value, r.measure))}",
            explanation=why + " Begge tal står uændret i databasen, hver med sin kilde.",
            area_code=r.area_code, benefit=r.benefit, measure=r.measure, period=r.period,
            printed_value=float(r.plan_value), data_value=float(r.other_value), other_source=r.other_source))
    return out

