"""Parts against totals (`dele-mod-total`): a total against the sum of its parts in the same table
(taxonomy `total_of`), and a subgroup never larger than the group it is `part_of`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from beskdash import fmt, taxonomy
from beskdash.audit.common import (
    _EPS,
    ADDITIVE,
    FEJL,
    INFO,
    LEVELS,
    Check,
    _diff_text,
    _half,
    _subject,
    _tol,
)
from beskdash.audit.plan_figures import Figure, rows


def check_parts(fig: pd.DataFrame) -> list[Check]:
    """Totals against the sum of their parts, and subgroups against their group, table by table."""
    tax = taxonomy.get()
    out: list[Check] = []
    groups: dict[tuple, dict[str, Figure]] = {}
    for r in rows(fig[fig["measure"].isin(ADDITIVE)]):
        where = (r.plan, r.seed_file, r.table, r.area_code, r.measure, r.period, r.base_period)
        groups.setdefault(where, {}).setdefault(r.benefit, r)
    for (plan, seed_file, table, area, measure, period, base), by in sorted(groups.items(), key=lambda kv: kv[0]):
        base = base or None
        for key, total in by.items():
            ben = tax.benefits.get(key)
            if ben is None or not ben.total_of:
                continue
            present = [p for p in ben.total_of if p in by]
            if not present:
                continue
            subject = _subject(area, key, measure, period, base)
            s = sum(by[p].value for p in present)
            h = _half(total.decimals) + sum(_half(by[p].decimals) for p in present)
            dec = max(total.decimals, *(by[p].decimals for p in present))
            listing = "; ".join(f"{taxonomy.benefit_label(p)} {by[p].printed}" for p in present)
            common: dict[str, Any] = dict(
                check="dele-mod-total", plan=plan, seed_file=seed_file, table=table, subject=subject,
                printed=total.printed, area_code=area, benefit=key, measure=measure, period=period,
                printed_value=total.value, data_value=round(s, 6), details=f"Delene: {listing}.")
            if len(present) < len(ben.total_of):
                if s > total.value + h + _EPS:
                    out.append(Check(severity=FEJL, data_says=f"De {len(present)} dele, tabellen har, er "
                                     f"tilsammen {fmt.value(s, measure, dec)}",
                                     explanation=f"Delene alene er større end totalen, også med afrunding "
                                     f"(±{_tol(h)}).", **common))
                continue
            d = total.value - s
            says = f"Summen af de {len(present)} dele er {fmt.value(s, measure, dec)}"
            if abs(d) <= _EPS:
                out.append(Check(severity=None, data_says=says, explanation="Totalen er præcis summen af delene.",
                                 **common))
            elif abs(d) <= h + _EPS:
                out.append(Check(severity=INFO, data_says=says, explanation=(
                    f"Forskel {_diff_text(d, measure, dec)}. Hvert af de {len(present) + 1} tal er afrundet for "
                    f"sig, så afrunding alene kan give op til ±{_tol(h)}: forskellen skyldes sandsynligvis "
                    "afrunding, ikke en fejl."), **common))
            else:
                out.append(Check(severity=FEJL, data_says=says, explanation=(
                    f"Forskel {_diff_text(d, measure, dec)}, mere end afrunding kan forklare (højst ±{_tol(h)}): "
                    "totalen og delene passer ikke sammen."), **common))
        if measure not in LEVELS:
            continue  # a subgroup's change may well exceed its group's
        for key, part in by.items():
            ben = tax.benefits.get(key)
            group = ben.part_of if ben else None
            parent = by.get(group) if group else None
            if group is None or parent is None:
                continue
            h = _half(part.decimals) + _half(parent.decimals)
            ok = part.value <= parent.value + h + _EPS
            out.append(Check(
                check="dele-mod-total", severity=None if ok else FEJL, plan=plan, seed_file=seed_file, table=table,
                subject=_subject(area, key, measure, period, base), printed=part.printed,
                data_says=f"{taxonomy.benefit_label(group)}: {parent.printed}",
                explanation=("En delgruppe er ikke større end gruppen, den er en del af." if ok else
                             "Delgruppen er større end gruppen, den er en del af; et af tallene er forkert."),
                area_code=area, benefit=key, measure=measure, period=period, printed_value=part.value,
                data_value=parent.value))
    return out

