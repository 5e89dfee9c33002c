"""Shares against counts (`andel-mod-antal`): a printed share against count ÷ population where the table prints
both; where no population is printed, all shares of one area and year must fit one common denominator."""

from __future__ import annotations

from typing import Any

import pandas as pd

from beskdash import fmt, periods, taxonomy
from beskdash.audit.common import (
    _EPS,
    ADVARSEL,
    FEJL,
    IMPLIED_SHARES,
    Check,
    _half,
    _measure_label,
    _periods_text,
    _subject,
)
from beskdash.audit.plan_figures import Figure, _Index, rows
from beskdash.taxonomy import SHARE_DENOMINATORS


def check_shares(fig: pd.DataFrame) -> list[Check]:
    """Each printed share against count ÷ population; without a population, a common denominator."""
    out: list[Check] = []
    ix = _Index(fig)
    obs = fig[fig["role"] == "observation"]
    implied: dict[tuple, list[tuple[Figure, Figure]]] = {}
    for r in rows(obs[obs["measure"].isin(IMPLIED_SHARES)]):
        count = ix.count(r.plan, r.area_code, r.benefit, r.period, r.table)
        if count is None:
            continue
        den_b, den_m = SHARE_DENOMINATORS.get(r.measure, (None, None))
        p = ix.exact.get(("observation", r.plan, r.area_code, den_b, den_m, r.period))
        if p is None:
            implied.setdefault((r.plan, r.area_code, r.measure, periods.year(r.period)), []).append((r, count))
            continue
        hc, hp, hs = _half(count.decimals), _half(p.decimals), _half(r.decimals)
        lo, hi = (count.value - hc) / (p.value + hp) * 100, (count.value + hc) / (p.value - hp) * 100
        computed = count.value / p.value * 100
        ok = lo - hs - _EPS <= r.value <= hi + hs + _EPS
        out.append(Check(
            check="andel-mod-antal", severity=None if ok else FEJL, plan=r.plan, seed_file=r.seed_file,
            table=r.table, subject=_subject(r.area_code, r.benefit, r.measure, r.period), printed=r.printed,
            data_says=f"{count.printed} af {p.printed} er {fmt.percent(computed, 2)}",
            explanation=("Passer, når andelen er afrundet som trykt." if ok else
                         f"Afrundet til {r.decimals} decimal burde andelen være {fmt.percent(computed, r.decimals)}."),
            area_code=r.area_code, benefit=r.benefit, measure=r.measure, period=r.period,
            printed_value=r.value, data_value=round(computed, 6)))
    for (plan, area, measure, _year), members in sorted(implied.items(), key=lambda kv: kv[0]):
        out.extend(_common_denominator(plan, area, measure, members))
    return out


def _common_denominator(plan: str, area: str, measure: str, members: list[tuple[Figure, Figure]]) -> list[Check]:
    """All shares of one area, measure and year must imply one denominator (e.g. the labour force)."""
    spans = []
    for r, count in members:
        h = _half(r.decimals)
        if r.value - h <= 0:
            continue  # "0,0 %" bounds nothing
        hc = _half(count.decimals)
        spans.append((r, count, (count.value - hc) / (r.value + h) * 100, (count.value + hc) / (r.value - h) * 100))
    if len(spans) < 2:
        return []
    lo, hi = max(s[2] for s in spans), min(s[3] for s in spans)
    den = "befolkningen" if measure == "pct-befolkning" else "arbejdsstyrken"
    tables = sorted({s[0].table for s in spans})
    first = spans[0][0]
    subj = " · ".join([taxonomy.area_name(area), _measure_label(measure), _periods_text([s[0].period for s in spans])])
    listing = "; ".join(f"{taxonomy.benefit_label(r.benefit)} {c.printed} = {r.printed}" for r, c, _, _ in spans)
    common: dict[str, Any] = dict(check="andel-mod-antal", plan=plan, seed_file=first.seed_file,
                                  table="; ".join(tables), subject=subj, printed=listing, area_code=area,
                                  measure=measure)
    if lo <= hi + _EPS:
        return [Check(severity=None, data_says=f"Alle {len(spans)} andele passer med {den} på "
                      f"{fmt.number(lo)}–{fmt.number(hi)}",
                      explanation=f"Antal ÷ andel giver samme {den} for alle tabellerne.", **common)]
    odd = []
    for i, (r, _c, _lo, _hi) in enumerate(spans):
        rest = [s for j, s in enumerate(spans) if j != i]
        if max(s[2] for s in rest) <= min(s[3] for s in rest) + _EPS:
            odd.append(taxonomy.benefit_label(r.benefit))
    who = f" Uden {fmt.join_da(odd)} passer resten sammen." if len(odd) == 1 else ""
    ranges = "; ".join(f"{taxonomy.benefit_label(r.benefit)} {fmt.number(a)}–{fmt.number(b)}" for r, _c, a, b in spans)
    return [Check(severity=ADVARSEL, data_says=f"Antal ÷ andel giver forskellige {den}: {ranges}",
                  explanation=f"Andelene kan ikke alle være regnet af samme {den}, heller ikke med afrunding.{who}",
                  **common)]

