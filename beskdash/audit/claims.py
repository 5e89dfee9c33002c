"""Statements in the running text against the tables and the plan (`tekst-mod-tabel`): each claim of
data/plan_statements.yaml checked against the plan's figures in the store."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from beskdash import fmt, periods, taxonomy
from beskdash.audit.common import (
    _EPS,
    ADVARSEL,
    FEJL,
    INFO,
    Check,
    _flat,
    _half,
    _periods_text,
    _printed_decimals,
    _subject,
    _unit,
)
from beskdash.audit.plan_figures import _change_from_counts, _Index
from beskdash.audit.statements_file import (
    Change,
    ChangePeriodClaim,
    DefinitionClaim,
    DifferenceClaim,
    ForecastClaim,
    NumberingClaim,
    PeriodsMentionedClaim,
    PlanYearClaim,
    RatioClaim,
    StatedClaim,
    Statement,
    SumClaim,
    ValueClaim,
)
from beskdash.fmt import join_da
from beskdash.plans import Plan


def check_statements(fig: pd.DataFrame, statements: list[Statement], plans: dict[str, Plan]) -> list[Check]:
    out: list[Check] = []
    ix = _Index(fig)
    for st in statements:
        plan = plans.get(st.plan)
        seed_file = plan.seed_file if plan else ""
        base = dict(check="tekst-mod-tabel", plan=st.plan, seed_file=seed_file, table=st.section,
                    quote=re.sub(r"\s+", " ", st.quote).strip())
        values = []
        for c in st.claims:
            if isinstance(c, ValueClaim):
                values.append(_value_claim(ix, st, c, base))
            else:
                out.append(_claim(ix, st, c, plan, base))
        out.extend(_merge_swaps(values, base))
    return out


def _unresolved(base: dict, printed: str, what: str) -> Check:
    return Check(severity=ADVARSEL, subject=what, printed=printed,
                 data_says="Tallet findes ikke blandt planens tal i databasen",
                 explanation="Udsagnet kan ikke kontrolleres. Byg databasen (python -m beskdash build), eller ret "
                             "henvisningen i data/plan_statements.yaml.", **base)


def _value_claim(ix: _Index, st: Statement, c: ValueClaim, base: dict) -> tuple:
    """(claim, the table's figure or None, the check, the change the counts give or None)."""
    period = periods.parse_period(c.period)
    subject = _subject(c.area, c.benefit, c.measure, period)
    row = ix.figure(st.plan, c.area, c.benefit, c.measure, period)
    h_text = _half(_printed_decimals(c.printed))
    computed = _change_from_counts(ix, row) if row is not None and c.measure == "aendring-pct" else None
    if row is None:
        return c, None, _unresolved(base, c.printed, subject), None
    says = f"Tabellen: {row.printed}"
    if computed is not None:
        says += f" (antallene giver {fmt.signed(computed[0], 1)} %)"
    ok = abs(c.value - row.value) <= max(h_text, _half(row.decimals)) + _EPS
    check = Check(severity=None if ok else FEJL, subject=subject, printed=c.printed, data_says=says,
                  explanation="Teksten gengiver tabellens tal." if ok else "Teksten siger noget andet end tabellen.",
                  area_code=c.area, benefit=c.benefit, measure=c.measure, period=period, printed_value=c.value,
                  data_value=row.value, **base)
    return c, row, check, computed[0] if computed else None


def _merge_swaps(values: list[tuple], base: dict) -> list[Check]:
    """Two figures of one sentence that each match the other's table value are reported once, as swapped."""
    out, used = [], set()
    for i, (ci, ri, chk_i, comp_i) in enumerate(values):
        if i in used:
            continue
        if chk_i.severity == FEJL:
            for j in range(i + 1, len(values)):
                cj, rj, chk_j, comp_j = values[j]
                if j in used or chk_j.severity != FEJL or rj is None or ri is None:
                    continue
                same = (ci.benefit, ci.measure, ci.period) == (cj.benefit, cj.measure, cj.period)
                tol = max(_half(ri.decimals), _half(rj.decimals)) + _EPS
                if same and abs(ci.value - rj.value) <= tol and abs(cj.value - ri.value) <= tol:
                    used.update({i, j})
                    a, b = taxonomy.area_name(ci.area), taxonomy.area_name(cj.area)
                    counts = [f"{fmt.signed(v, 1)} %" for v in (comp_i, comp_j) if v is not None]
                    out.append(Check(
                        severity=FEJL, subject=_subject(ci.area, ci.benefit, ci.measure, chk_i.period).replace(
                            taxonomy.area_name(ci.area), f"{a} og {b}", 1),
                        printed=f"{a} {ci.printed}, {b} {cj.printed}",
                        data_says=f"Tabellen: {a} {ri.printed}, {b} {rj.printed}"
                                  + (f" (antallene giver {join_da(counts)})" if counts else ""),
                        explanation=f"Teksten har byttet om på tallene for {a} og {b}.",
                        benefit=ci.benefit, measure=ci.measure, period=chk_i.period, printed_value=ci.value,
                        data_value=ri.value, **base))
                    break
        if i not in used:
            out.append(chk_i)
    return out


def _claim(ix: _Index, st: Statement, c, plan: Plan | None, base: dict) -> Check:
    fig = ix.frame
    if isinstance(c, DifferenceClaim | RatioClaim):
        return _pair_claim(ix, st, c, base)
    if isinstance(c, ChangePeriodClaim):
        return _change_period_claim(ix, st, c, base)
    if isinstance(c, PeriodsMentionedClaim):
        shown = fig[(fig["plan"] == st.plan) & (fig["table"] == _flat(c.table))]
        if shown.empty:
            return _unresolved(base, c.printed, _flat(c.table))
        mentioned = [periods.parse_period(p) for p in c.periods]
        has = sorted(set(shown["period"]) | set(shown.loc[shown["base_period"] != "", "base_period"]),
                     key=periods.sort_key)
        hit = [p for p in mentioned if p in has]
        return Check(severity=None if hit else INFO, subject=f"Perioder nævnt i teksten: {_periods_text(mentioned)}",
                     printed=c.printed, data_says=f"Tabellen viser {_periods_text(has)}",
                     explanation=("Teksten taler om perioder, tabellen viser." if hit else
                                  "Teksten taler om perioder, tabellen ikke viser; tallene i tabellen er ikke "
                                  "berørt af den, og den ser ud til at stamme fra en anden udgave af tabellen."),
                     **base)
    if isinstance(c, DefinitionClaim):
        return _definition_claim(c, base)
    if isinstance(c, SumClaim):
        return _sum_claim(ix, st, c, base)
    if isinstance(c, PlanYearClaim):
        if plan is None:
            return _unresolved(base, c.printed, st.plan)
        ok = plan.year in c.years
        return Check(severity=None if ok else ADVARSEL, subject=f"Planens år: {plan.year}", printed=c.printed,
                     data_says=f"Planen gælder {plan.year}, og målene under overskriften er målene for {plan.year}",
                     explanation=("Overskriften passer med planens år." if ok else
                                  f"Overskriften nævner {join_da([str(y) for y in c.years])}, ikke planens år "
                                  f"{plan.year}; læst alene siger den, at målene gælder et andet år."),
                     **base)
    if isinstance(c, ForecastClaim):
        return _forecast_claim(st, c, plan, base)
    if isinstance(c, StatedClaim):
        return _stated_claim(st, c, plan, base)
    return _numbering_claim(c, plan, base)


def _pair_claim(ix: _Index, st: Statement, c: DifferenceClaim | RatioClaim, base: dict) -> Check:
    period = periods.parse_period(c.period)
    a = ix.figure(st.plan, c.area, c.benefit, c.measure, period)
    b = ix.figure(st.plan, c.other, c.benefit, c.measure, period)
    name_a, name_b = taxonomy.area_name(c.area), taxonomy.area_name(c.other)
    subject = _subject(c.area, c.benefit, c.measure, period).replace(name_a, f"{name_a} og {name_b}", 1)
    if a is None or b is None:
        return _unresolved(base, c.printed, subject)
    ha, hb, ht = _half(a.decimals), _half(b.decimals), _half(_printed_decimals(c.printed))
    if isinstance(c, DifferenceClaim):
        value = b.value - a.value
        lo, hi = value - ha - hb, value + ha + hb
        gap = fmt.number(value, max(a.decimals, b.decimals))
        says = f"Tabellen: {name_b} {b.printed}, {name_a} {a.printed}: forskel {gap} {_unit(c.measure)}"
    else:
        if b.value - hb <= 0:
            return _unresolved(base, c.printed, subject)
        value = a.value / b.value
        lo, hi = (a.value - ha) / (b.value + hb), (a.value + ha) / (b.value - hb)
        says = f"Tabellen: {name_a} {a.printed}, {name_b} {b.printed}: forholdet er {fmt.number(value, 2)}"
    ok = lo - ht - _EPS <= c.value <= hi + ht + _EPS
    return Check(severity=None if ok else FEJL, subject=subject, printed=c.printed, data_says=says,
                 explanation=("Teksten passer med tabellen (med afrunding)." if ok else
                              "Teksten passer ikke med tabellen, heller ikke med afrunding."),
                 area_code=c.area, benefit=c.benefit, measure=c.measure, period=period, printed_value=c.value,
                 data_value=round(value, 6), **base)


def _change_period_claim(ix: _Index, st: Statement, c: ChangePeriodClaim, base: dict) -> Check:
    fig = ix.frame
    ch = fig[(fig["role"] == "change") & (fig["plan"] == st.plan) & (fig["table"] == _flat(c.table))]
    if ch.empty:
        return _unresolved(base, c.printed, _flat(c.table))
    pairs = sorted(set(zip(ch["base_period"], ch["period"])))
    ok = all((periods.year(b), periods.year(p)) == (c.base_year, c.year) for b, p in pairs)
    spans = join_da([f"{fmt.period(b)} med {fmt.period(p)}" for b, p in pairs])
    computed = []
    for r in ch.itertuples(index=False):
        got = _change_from_counts(ix, r)
        if got is not None:
            computed.append((r, got[0], got[1] - _half(r.decimals) <= r.value <= got[2] + _half(r.decimals)))
    says = f"Tabellens ændringer sammenligner {spans}"
    if computed:
        says += (f"; antallene giver {join_da([f'{fmt.signed(v, 1)} %' for _, v, _ in computed])}, som passer med de "
                 f"trykte {join_da([r.printed for r, _, _ in computed])}" if all(m for *_, m in computed) else "")
    b0, p0 = pairs[0]
    return Check(severity=None if ok else ADVARSEL, subject=f"Periode for ændringerne: {fmt.period(b0)} → "
                 f"{fmt.period(p0)}", printed=c.printed, data_says=says,
                 explanation=("Overskriften passer med tabellens perioder." if ok else
                              f"Overskriften angiver {c.base_year}-{c.year}, men tallene er ændringen "
                              f"{periods.year(b0)}-{periods.year(p0)}: overskriftens årstal er forkerte, tallene "
                              "passer."), period=p0, **base)


def _definition_claim(c: DefinitionClaim, base: dict) -> Check:
    ben = taxonomy.benefit(c.benefit)
    missing = [k for k in ben.total_of if k not in c.includes]
    extra = [k for k in c.includes if k not in ben.total_of]
    says = []
    if missing:
        says.append(f"Taksonomiens '{ben.da}' omfatter også {join_da([taxonomy.benefit_label(k) for k in missing])}")
    if extra:
        says.append(f"taksonomien regner {join_da([taxonomy.benefit_label(k) for k in extra])} uden for totalen")
    if c.also:
        says.append(f"fodnoten nævner desuden {join_da(c.also)}, som taksonomien ikke har egne nøgler for")
    same = not (missing or extra or c.also)
    return Check(severity=None if same else INFO, subject=f"Definition af {ben.da.lower()}", printed=c.printed,
                 data_says="; ".join(says) if says else f"Samme ydelser som taksonomiens '{ben.da}'",
                 explanation=("Definitionen svarer til taksonomiens." if same else
                              "Totalen dækker ikke det samme som taksonomiens og andre planers total; sammenlign "
                              "den kun med forsigtighed."), benefit=c.benefit, **base)


def _sum_claim(ix: _Index, st: Statement, c: SumClaim, base: dict) -> Check:
    period = periods.parse_period(c.period)
    found = [ix.figure(st.plan, c.area, p, c.parts_measure, period) for p in c.parts]
    parts = [p for p in found if p is not None]
    total = ix.figure(st.plan, c.area, c.total, c.total_measure, period)
    subject = _subject(c.area, c.total, c.total_measure, period)
    if total is None or len(parts) < len(found):
        return _unresolved(base, c.printed, subject)
    s = sum(p.value for p in parts)
    h = _half(total.decimals) + sum(_half(p.decimals) for p in parts)
    d = total.value - s
    labels = join_da([taxonomy.benefit_label(p) for p in c.parts])
    differs = abs(d) > h + _EPS
    explanation = (f"Forskel {fmt.number(abs(d))} ({fmt.percent(abs(d) / total.value * 100)} af {total.printed}); "
                   "teksten siger selv, at tallene kan afvige." if differs else "Summen passer med totalen.")
    if c.remark:
        explanation += " " + c.remark
    return Check(severity=INFO if differs or c.remark else None, subject=subject, printed=c.printed,
                 data_says=f"Summen af {labels} er {fmt.number(s)}; {taxonomy.benefit_label(c.total)}: {total.printed}",
                 explanation=explanation, area_code=c.area, benefit=c.total, measure=c.total_measure, period=period,
                 printed_value=total.value, data_value=s, **base)


def _numbering_claim(c: NumberingClaim, plan: Plan | None, base: dict) -> Check:
    fa = next((f for f in plan.focus_areas if f.id == c.focus_area), None) if plan else None
    m = re.search(r"([A-Za-zæøåÆØÅ]+)\s+(\d+)\s*:", f"{fa.ref.quote or ''} {fa.ref.section}") if fa else None
    if fa is None or m is None:
        return _unresolved(base, c.printed, c.focus_area)
    number = int(m.group(2))
    ok = number == c.number
    return Check(severity=None if ok else INFO, subject=f"Nummerering: {fa.title}", printed=c.printed,
                 data_says=f"Målets eget afsnit kalder det '{m.group(1)} {number}' ({fa.ref.section})",
                 explanation=("Nummeret passer." if ok else
                              f"Samme mål har to numre i planen ({c.number} og {number}); henvis til det med "
                              "titlen, ikke nummeret."), **base)



def _belongs_to(st: Statement, plan: Plan | None) -> str:
    """`; hører til målet »…«` for a statement that names its goal (or focus area)."""
    if not st.goal or plan is None:
        return ""
    goal = next((g.title for g in plan.goals if g.id == st.goal), None)
    if goal is not None:
        return f"; hører til målet »{goal}«"
    area = next((f.title for f in plan.focus_areas if f.id == st.goal), st.goal)
    return f"; hører til fokusområdet »{area}«"


def _pct(v: float) -> str:
    return f"{fmt.signed(v, 1)} %"


def _forecast_claim(st: Statement, c: ForecastClaim, plan: Plan | None, base: dict) -> Check:
    """A quoted forecast: base × (1 + change) against the printed result, each number allowed its rounding."""
    ends = ([c.change.base_period, c.change.period] if c.change else
            [lv.period for lv in (c.base, c.result) if lv is not None])
    span = " → ".join(fmt.period(p) for p in dict.fromkeys(ends))
    subject = f"{taxonomy.area_name(c.area)} · {c.what} · prognose fra {c.by} · {span}"
    common: dict[str, Any] = dict(subject=subject, printed=c.printed, area_code=c.area, **base)
    b, ch, r = c.base, c.change, c.result
    if b is not None and ch is not None and r is not None and b.value > 0:
        hb, hc, hr = (_half(_printed_decimals(x.printed)) for x in (b, ch, r))
        computed = b.value * (1 + ch.value / 100)
        lo, hi = (b.value - hb) * (1 + (ch.value - hc) / 100), (b.value + hb) * (1 + (ch.value + hc) / 100)
        implied = (r.value / b.value - 1) * 100
        says = (f"{b.printed} med {ch.printed} giver {fmt.number(computed, 1)}; omvendt er {b.printed} → "
                f"{r.printed} en ændring på {_pct(implied)}")
        d = r.value - computed
        if abs(d) <= hr + _EPS:
            sev, why = None, "Prognosens tal hænger sammen."
        elif lo - hr - _EPS <= r.value <= hi + hr + _EPS:
            sev, why = INFO, (f"Forskel {fmt.number(abs(d), 1)}. Hvert af de tre tal er afrundet for sig, og med "
                              f"afrunding giver {b.printed} og {ch.printed} mellem {fmt.number(lo, 1)} og "
                              f"{fmt.number(hi, 1)}: forskellen kan afrunding forklare, tallene hænger sammen.")
        else:
            sev, why = ADVARSEL, (f"Forskel {fmt.number(abs(d), 1)}, mere end afrunding kan forklare (med afrunding "
                                  f"{fmt.number(lo, 1)}–{fmt.number(hi, 1)}): et af prognosens tal er gengivet "
                                  "forkert, eller de stammer fra hver sin udgave af prognosen.")
        return Check(severity=sev, data_says=says + _belongs_to(st, plan), explanation=why, period=r.period,
                     printed_value=r.value, data_value=round(computed, 6), **common)
    given = [x for x in (b, ch, r) if x is not None]
    says = "Teksten giver kun " + join_da([f"{x.printed} ({_pct(x.value)})" if isinstance(x, Change) else x.printed
                                         for x in given])
    if b is not None and r is not None and ch is None and b.value > 0:
        says += f" (en ændring på {_pct((r.value / b.value - 1) * 100)})"
    return Check(severity=INFO, data_says=says + _belongs_to(st, plan),
                 explanation=(f"Prognosen fra {c.by} står kun i teksten, og planen har ingen tal for {c.what} at "
                              "holde den op imod: den kan ikke kontrolleres her. Den er gengivet som trykt."),
                 printed_value=given[-1].value if given else None, **common)


def _stated_claim(st: Statement, c: StatedClaim, plan: Plan | None, base: dict) -> Check:
    """A figure of the running text only: reported so the reader knows it is there, and that it is unchecked."""
    shown = "–".join(fmt.number(v, None) for v in c.values)
    return Check(severity=INFO, subject=f"Tal i teksten · {c.unit}", printed=c.printed,
                 data_says=f"Læst som {shown}{_belongs_to(st, plan)}",
                 explanation="Tallet står kun i teksten; planens tabeller og mål har intet tal at holde det op imod, "
                             "så det kan ikke kontrolleres. Det er gengivet som trykt.",
                 printed_value=c.values[0], **base)
