"""Printed changes against counts (`aendring-mod-antal`): a change in per cent against the counts it is
computed from, a change in percentage points against the shares."""

from __future__ import annotations

from typing import Any

import pandas as pd

from beskdash import fmt
from beskdash.audit.common import (
    _EPS,
    FEJL,
    IMPLIED_SHARES,
    Check,
    _half,
    _subject,
)
from beskdash.audit.plan_figures import _change_from_counts, _Index, rows


def check_changes(fig: pd.DataFrame) -> list[Check]:
    """Printed changes in per cent against the counts; in percentage points against the shares."""
    out: list[Check] = []
    ix = _Index(fig)
    for r in rows(fig[fig["role"] == "change"]):
        h = _half(r.decimals)
        common: dict[str, Any] = dict(
            check="aendring-mod-antal", plan=r.plan, seed_file=r.seed_file, table=r.table,
            subject=_subject(r.area_code, r.benefit, r.measure, r.period, r.base_period), printed=r.printed,
            area_code=r.area_code, benefit=r.benefit, measure=r.measure, period=r.period, printed_value=r.value)
        if r.measure == "aendring-pct":
            got = _change_from_counts(ix, r)
            if got is None:
                continue
            computed, lo, hi, old, new = got
            says = (f"Antallene {old.printed} ({fmt.period(old.period)}) og {new.printed} ({fmt.period(new.period)}) "
                    f"giver {fmt.signed(computed, 1)} %")
        else:
            for m in IMPLIED_SHARES:
                a = ix.exact.get(("observation", r.plan, r.area_code, r.benefit, m, r.base_period))
                b = ix.exact.get(("observation", r.plan, r.area_code, r.benefit, m, r.period))
                if a is not None and b is not None:
                    break
            else:
                continue  # no share of one kind for both periods: nothing to check against
            computed = b.value - a.value
            lo, hi = computed - _half(a.decimals) - _half(b.decimals), computed + _half(a.decimals) + _half(b.decimals)
            says = f"Andelene {a.printed} og {b.printed} giver {fmt.signed(computed, 1)} procentpoint"
        ok = lo - h - _EPS <= r.value <= hi + h + _EPS
        out.append(Check(severity=None if ok else FEJL, data_says=says, data_value=round(computed, 6), explanation=(
            "Passer, når ændringen er afrundet som trykt." if ok else
            f"Afrundet som trykt burde ændringen være {fmt.value(computed, r.measure, r.decimals)}; "
            "den trykte ændring passer ikke med tallene, den er regnet af."), **common))
    return out

