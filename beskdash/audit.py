"""Audit of published figures: the plans' tables, printed changes and text against their own numbers.

Every check yields a `Check`; a check with a severity is a finding (fejl, advarsel, info):

- ``dele-mod-total``: parts against their total in the same table (taxonomy ``total_of``), and a
  subgroup never larger than the group it is ``part_of``.
- ``andel-mod-antal``: printed shares against count ÷ population where the table prints both; where
  no population is printed, all shares of one area and year must fit one common denominator.
- ``aendring-mod-antal``: printed percentage changes against the counts they are computed from.
- ``tekst-mod-tabel``: statements in the running text (``data/plan_statements.yaml``) against the
  tables and the plan.
- ``kilde-mod-plan``: other sources in the store against the plans' figures for the same area,
  benefit, measure and period.

Nothing here writes: a difference is reported with both sides and every figure stays as printed.

Tolerance: published numbers are rounded, and a total is rounded independently of its parts, so
each comparison allows the largest difference rounding alone can make: half a unit of the last
printed decimal of every number involved (a total and 12 parts with one decimal: ±0,65).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from beskdash import fmt, goals, periods, taxonomy
from beskdash.goals import SHARE_DENOMINATORS
from beskdash.paths import DATA_DIR
from beskdash.plans import Plan, validation_problems, yaml_problem
from beskdash.store import Store

STATEMENTS_FILE = DATA_DIR / "plan_statements.yaml"
PLAN_PREFIX = "plan:"

FEJL, ADVARSEL, INFO = "fejl", "advarsel", "info"
SEVERITIES = (FEJL, ADVARSEL, INFO)
SEVERITY_ICONS = {FEJL: "⛔", ADVARSEL: "⚠️", INFO: "ℹ️"}
SEVERITY_MEANING = {
    FEJL: "et trykt tal modsiger de tal, det er lavet af, mere end afrunding kan forklare",
    ADVARSEL: "en overskrift eller tekst beskriver rigtige tal forkert, to kilder er uenige, "
              "eller et udsagn kan ikke kontrolleres",
    INFO: "en forskel, afrunding kan forklare, eller en definition eller anmærkning, læseren bør kende",
}
CHECKS = {
    "dele-mod-total": "Dele mod total",
    "andel-mod-antal": "Andel mod antal",
    "aendring-mod-antal": "Ændring mod antal",
    "tekst-mod-tabel": "Tekst mod tabel",
    "kilde-mod-plan": "Anden kilde mod plan",
}
METHOD_DA = [
    "Hver transskriberet tabel i planerne kontrolleres mod sine egne tal: delene mod totalen, andelene mod "
    "antal og befolkning, de trykte procentvise ændringer mod antallene, og udsagn i teksten mod tabellerne.",
    "Tal fra andre kilder (fx jobindsats.dk) sammenlignes med planernes tal for samme område, ydelse, mål og "
    "periode. En forskel vises med begge kilder; intet tal bliver rettet eller overskrevet.",
    "Offentliggjorte tal er afrundede, og en total afrundes for sig, uafhængigt af delene. Derfor tillades den "
    "største forskel, afrunding alene kan give: en halv enhed på sidste trykte decimal for hvert tal, der indgår "
    "(en total og 12 dele med én decimal: ±0,65). En forskel inden for den grænse er info, ikke fejl.",
    *(f"{s.capitalize()}: {m}." for s, m in SEVERITY_MEANING.items()),
]

CHANGE_MEASURES = {"aendring-pct": "ændring i pct.", "aendring-pct-point": "ændring i procentpoint"}
COUNT_MEASURES = ("fuldtidspersoner", "personer")
# Measures whose values add up across benefits in one table (same unit, same denominator).
ADDITIVE = {"fuldtidspersoner", "personer", "pct-befolkning", "pct-arbejdsstyrke", "aendring-pct-point"}
LEVELS = {"fuldtidspersoner", "personer", "pct-befolkning", "pct-arbejdsstyrke"}
IMPLIED_SHARES = ("pct-befolkning", "pct-arbejdsstyrke")
REVISION_SHARE = 0.02  # another source within 2 % of a plan's figure: a typical later revision
_EPS = 1e-9


# --- Results -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """One comparison. `severity` None: the numbers agree (within the rounding tolerance)."""

    check: str  # a key of CHECKS
    severity: str | None
    plan: str
    seed_file: str
    table: str  # the table or section heading as printed
    subject: str  # area · benefit · measure · period, in Danish
    printed: str  # what was printed
    data_says: str  # what the data says
    explanation: str
    quote: str | None = None
    details: str | None = None  # the numbers behind it (e.g. every part of a total), for a closer look
    area_code: str | None = None
    benefit: str | None = None
    measure: str | None = None
    period: str | None = None
    printed_value: float | None = None
    data_value: float | None = None
    other_source: str | None = None  # kilde-mod-plan: the source compared with the plan


@dataclass(frozen=True)
class AuditResult:
    checks: list[Check]

    @property
    def findings(self) -> list[Check]:
        return [c for c in self.checks if c.severity]

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for c in self.checks if c.severity == s) for s in SEVERITIES}


# --- Statements in the text (data/plan_statements.yaml) --------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Figure(_Strict):
    printed: str
    area: str
    benefit: str
    measure: str
    period: str


class ValueClaim(_Figure):
    kind: Literal["value"]
    value: float


class DifferenceClaim(_Figure):
    kind: Literal["difference"]
    other: str  # value = figure(other) − figure(area)
    value: float


class RatioClaim(_Figure):
    kind: Literal["ratio"]
    other: str  # value = figure(area) ÷ figure(other)
    value: float


class ChangePeriodClaim(_Strict):
    kind: Literal["change_period"]
    printed: str
    base_year: int
    year: int
    table: str


class PeriodsMentionedClaim(_Strict):
    kind: Literal["periods_mentioned"]
    printed: str
    periods: list[str] = Field(min_length=1)
    table: str


class DefinitionClaim(_Strict):
    kind: Literal["definition"]
    printed: str
    benefit: str
    includes: list[str]
    also: list[str] = []


class SumClaim(_Strict):
    kind: Literal["sum"]
    printed: str
    area: str
    period: str
    parts: list[str] = Field(min_length=1)
    parts_measure: str
    total: str
    total_measure: str
    remark: str | None = None


class PlanYearClaim(_Strict):
    kind: Literal["plan_year"]
    printed: str
    years: list[int] = Field(min_length=1)


class NumberingClaim(_Strict):
    kind: Literal["numbering"]
    printed: str
    number: int
    focus_area: str


Claim = Annotated[
    ValueClaim | DifferenceClaim | RatioClaim | ChangePeriodClaim | PeriodsMentionedClaim | DefinitionClaim
    | SumClaim | PlanYearClaim | NumberingClaim,
    Field(discriminator="kind"),
]


class Statement(_Strict):
    id: str
    plan: str
    section: str
    quote: str
    claims: list[Claim] = Field(min_length=1)


class _StatementsFile(_Strict):
    statements: list[Statement]


class StatementsError(Exception):
    """data/plan_statements.yaml does not follow its schema; `problems` are Danish lines."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def load_statements(path: Path = STATEMENTS_FILE, plan_ids: set[str] | None = None) -> list[Statement]:
    """The statements, validated (schema, keys, periods); StatementsError lists every problem."""
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise StatementsError([yaml_problem(e, name)]) from None
    try:
        parsed = _StatementsFile.model_validate(data)
    except ValidationError as e:
        raise StatementsError(validation_problems(e, name)) from None
    problems = _check_keys(parsed.statements, name, plan_ids)
    if problems:
        raise StatementsError(problems)
    return parsed.statements


def _check_keys(statements: list[Statement], name: str, plan_ids: set[str] | None) -> list[str]:
    tax = taxonomy.get()
    measures = set(tax.measures) | set(CHANGE_MEASURES)
    out: list[str] = []
    ids = [s.id for s in statements]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        out.append(f"{name}: statements: id '{dup}' bruges flere gange")
    for i, s in enumerate(statements):
        where = f"{name}: statements[{i}]"
        if plan_ids is not None and s.plan not in plan_ids:
            out.append(f"{where}.plan: ukendt plan '{s.plan}'")
        for j, c in enumerate(s.claims):
            cw = f"{where}.claims[{j}]"
            for field in ("area", "other"):
                v = getattr(c, field, None)
                if v is not None and v not in tax.areas:
                    out.append(f"{cw}.{field}: ukendt områdekode '{v}'")
            bens = [getattr(c, "benefit", None), getattr(c, "total", None),
                    *getattr(c, "parts", []), *getattr(c, "includes", [])]
            out.extend(f"{cw}: ukendt ydelse '{b}'" for b in bens if b is not None and b not in tax.benefits)
            for field in ("measure", "parts_measure", "total_measure"):
                v = getattr(c, field, None)
                if v is not None and v not in measures:
                    out.append(f"{cw}.{field}: ukendt mål '{v}'")
            for p in [getattr(c, "period", None), *getattr(c, "periods", [])]:
                if p is None:
                    continue
                try:
                    periods.parse_period(p)
                except periods.PeriodError as e:
                    out.append(f"{cw}: {e}")
    return out


# --- The plans' figures ----------------------------------------------------------------------

FIGURE_COLUMNS = ["plan", "role", "area_code", "benefit", "measure", "period", "base_period", "value",
                  "printed", "decimals", "seed_file", "table"]


def figures(store: Store) -> pd.DataFrame:
    """Every figure the plans printed, from the store: observations of the `plan:` sources and the
    published changes. The store keeps values, not print, so an observation's `printed` is its
    value in the plan's notation (shares and weeks with one decimal, counts whole)."""
    rows = []
    keys = [k for k in store.sources()["key"] if k.startswith(PLAN_PREFIX)]
    obs = store.observations(sources=keys) if keys else pd.DataFrame()
    for r in obs.itertuples(index=False):
        if r.value is None or pd.isna(r.value):
            continue
        seed_file, _, table = str(r.ref or "").partition(" § ")
        dec = _value_decimals(r.value, r.measure)
        rows.append((r.source.removeprefix(PLAN_PREFIX), "observation", r.area_code, r.benefit, r.measure,
                     r.period, "", float(r.value), _show(r.value, r.measure, dec), dec, seed_file, table))
    for r in store.published_changes().itertuples(index=False):
        rows.append((r.plan, "change", r.area_code, r.benefit, r.measure, r.period, r.base_period,
                     float(r.value), r.printed, _printed_decimals(r.printed), r.seed_file, r.seed_section))
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def _printed_decimals(text: str) -> int:
    """Decimals of the first number in a printed text: `11,8` → 1, `1.043` → 0, `13%` → 0."""
    m = re.search(r"\d(?:[\d.]*\d)?(?:,(\d+))?", str(text))
    return len(m.group(1) or "") if m else 0


def _value_decimals(value: float, measure: str) -> int:
    base = 1 if measure in IMPLIED_SHARES or measure in ("pct", "uger") else 0
    s = repr(float(value))
    actual = 0 if "e" in s or s.endswith(".0") else len(s.split(".")[1])
    return max(base, min(actual, 3))


def _half(decimals: int) -> float:
    return 0.5 * 10 ** -decimals


def _show(v: float, measure: str, decimals: int) -> str:
    if measure == "aendring-pct":
        return f"{fmt.signed(v, decimals)} %"
    if measure == "aendring-pct-point":
        return f"{fmt.signed(v, decimals)} procentpoint"
    if measure in taxonomy.get().measures and taxonomy.measure(measure).share:
        return fmt.percent(v, decimals)
    if measure == "uger":
        return f"{fmt.number(v, decimals)} uger"
    return fmt.number(v, decimals)


def _unit(measure: str) -> str:
    """The unit of a difference between two values of `measure`."""
    if measure in CHANGE_MEASURES or (measure in taxonomy.get().measures and taxonomy.measure(measure).share):
        return "procentpoint"
    return taxonomy.measure(measure).unit_da if measure in taxonomy.get().measures else ""


def _measure_label(measure: str) -> str:
    return CHANGE_MEASURES.get(measure) or taxonomy.measure_label(measure)


def _subject(area: str, benefit: str, measure: str, period: str, base: str | None = None) -> str:
    when = f"{fmt.period(base)} → {fmt.period(period)}" if base else fmt.period(period)
    return " · ".join([taxonomy.area_name(area), taxonomy.benefit_label(benefit), _measure_label(measure), when])


def _tol(h: float) -> str:
    return fmt.number(h, None)


def _diff_text(d: float, measure: str, decimals: int) -> str:
    return f"{fmt.number(abs(d), decimals)} {_unit(measure)}".strip()


def _join(items: list[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def _periods_text(ps: list[str]) -> str:
    return _join([fmt.period(p) for p in sorted(set(ps), key=periods.sort_key)])


# --- Parts against totals ---------------------------------------------------------------------

def check_parts(fig: pd.DataFrame) -> list[Check]:
    """Totals against the sum of their parts, and subgroups against their group, table by table."""
    tax = taxonomy.get()
    out: list[Check] = []
    groups: dict[tuple, dict] = {}
    for r in fig[fig["measure"].isin(ADDITIVE)].itertuples(index=False):
        key = (r.plan, r.seed_file, r.table, r.area_code, r.measure, r.period, r.base_period)
        groups.setdefault(key, {}).setdefault(r.benefit, r)
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
            common = dict(check="dele-mod-total", plan=plan, seed_file=seed_file, table=table, subject=subject,
                          printed=total.printed, area_code=area, benefit=key, measure=measure, period=period,
                          printed_value=total.value, data_value=round(s, 6), details=f"Delene: {listing}.")
            if len(present) < len(ben.total_of):
                if s > total.value + h + _EPS:
                    out.append(Check(severity=FEJL, data_says=f"De {len(present)} dele, tabellen har, er "
                                     f"tilsammen {_show(s, measure, dec)}",
                                     explanation=f"Delene alene er større end totalen, også med afrunding "
                                     f"(±{_tol(h)}).", **common))
                continue
            d = total.value - s
            says = f"Summen af de {len(present)} dele er {_show(s, measure, dec)}"
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
            parent = by.get(ben.part_of) if ben and ben.part_of else None
            if parent is None:
                continue
            h = _half(part.decimals) + _half(parent.decimals)
            ok = part.value <= parent.value + h + _EPS
            out.append(Check(
                check="dele-mod-total", severity=None if ok else FEJL, plan=plan, seed_file=seed_file, table=table,
                subject=_subject(area, key, measure, period, base), printed=part.printed,
                data_says=f"{taxonomy.benefit_label(ben.part_of)}: {parent.printed}",
                explanation=("En delgruppe er ikke større end gruppen, den er en del af." if ok else
                             "Delgruppen er større end gruppen, den er en del af; et af tallene er forkert."),
                area_code=area, benefit=key, measure=measure, period=period, printed_value=part.value,
                data_value=parent.value))
    return out


# --- Shares against counts and population -----------------------------------------------------

class _Index:
    """The figures frame with the lookups the checks make many times (plain dicts, not frame scans)."""

    def __init__(self, fig: pd.DataFrame):
        self.frame = fig
        self.counts: dict[tuple, list] = {}
        self.exact: dict[tuple, object] = {}
        for r in fig.itertuples(index=False):
            self.exact.setdefault((r.role, r.plan, r.area_code, r.benefit, r.measure, r.period), r)
            if r.role == "observation" and r.measure in COUNT_MEASURES:
                self.counts.setdefault((r.plan, r.area_code, r.benefit, r.period), []).append(r)

    def count(self, plan: str, area: str, benefit: str, period: str, table: str | None = None):
        """The count (fuldtidspersoner, else personer) of a benefit, preferring the same table."""
        rows = self.counts.get((plan, area, benefit, period))
        if not rows:
            return None
        return min(rows, key=lambda r: (r.table != table, COUNT_MEASURES.index(r.measure)))

    def figure(self, plan: str, area: str, benefit: str, measure: str, period: str):
        role = "change" if measure in CHANGE_MEASURES else "observation"
        return self.exact.get((role, plan, area, benefit, measure, periods.parse_period(period)))


def check_shares(fig: pd.DataFrame) -> list[Check]:
    """Each printed share against count ÷ population; without a population, a common denominator."""
    out: list[Check] = []
    ix = _Index(fig)
    obs = fig[fig["role"] == "observation"]
    implied: dict[tuple, list] = {}
    for r in obs[obs["measure"].isin(IMPLIED_SHARES)].itertuples(index=False):
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


def _common_denominator(plan: str, area: str, measure: str, members: list) -> list[Check]:
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
    common = dict(check="andel-mod-antal", plan=plan, seed_file=first.seed_file, table="; ".join(tables),
                  subject=subj, printed=listing, area_code=area, measure=measure)
    if lo <= hi + _EPS:
        return [Check(severity=None, data_says=f"Alle {len(spans)} andele passer med {den} på "
                      f"{fmt.number(lo)}–{fmt.number(hi)}",
                      explanation=f"Antal ÷ andel giver samme {den} for alle tabellerne.", **common)]
    odd = []
    for i, (r, _c, _lo, _hi) in enumerate(spans):
        rest = [s for j, s in enumerate(spans) if j != i]
        if max(s[2] for s in rest) <= min(s[3] for s in rest) + _EPS:
            odd.append(taxonomy.benefit_label(r.benefit))
    who = f" Uden {_join(odd)} passer resten sammen." if len(odd) == 1 else ""
    ranges = "; ".join(f"{taxonomy.benefit_label(r.benefit)} {fmt.number(a)}–{fmt.number(b)}" for r, _c, a, b in spans)
    return [Check(severity=ADVARSEL, data_says=f"Antal ÷ andel giver forskellige {den}: {ranges}",
                  explanation=f"Andelene kan ikke alle være regnet af samme {den}, heller ikke med afrunding.{who}",
                  **common)]


# --- Printed changes against counts ------------------------------------------------------------

def _change_from_counts(ix: _Index, r) -> tuple[float, float, float, object, object] | None:
    """(computed, low, high, old, new): the change in % the counts give, with rounding bounds."""
    new = ix.count(r.plan, r.area_code, r.benefit, r.period, r.table)
    old = ix.count(r.plan, r.area_code, r.benefit, r.base_period, r.table)
    if new is None or old is None or old.value <= _half(old.decimals):
        return None
    hn, ho = _half(new.decimals), _half(old.decimals)
    computed = (new.value / old.value - 1) * 100
    return computed, ((new.value - hn) / (old.value + ho) - 1) * 100, ((new.value + hn) / (old.value - ho) - 1) * 100, \
        old, new


def check_changes(fig: pd.DataFrame) -> list[Check]:
    """Printed changes in per cent against the counts; in percentage points against the shares."""
    out: list[Check] = []
    ix = _Index(fig)
    for r in fig[fig["role"] == "change"].itertuples(index=False):
        h = _half(r.decimals)
        common = dict(check="aendring-mod-antal", plan=r.plan, seed_file=r.seed_file, table=r.table,
                      subject=_subject(r.area_code, r.benefit, r.measure, r.period, r.base_period), printed=r.printed,
                      area_code=r.area_code, benefit=r.benefit, measure=r.measure, period=r.period,
                      printed_value=r.value)
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
            f"Afrundet som trykt burde ændringen være {_show(computed, r.measure, r.decimals)}; "
            "den trykte ændring passer ikke med tallene, den er regnet af."), **common))
    return out


# --- Statements in the text against the tables --------------------------------------------------

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
                                  + (f" (antallene giver {_join(counts)})" if counts else ""),
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
                                  f"Overskriften nævner {_join([str(y) for y in c.years])}, ikke planens år "
                                  f"{plan.year}; læst alene siger den, at målene gælder et andet år."),
                     **base)
    return _numbering_claim(c, plan, base)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


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
    spans = _join([f"{fmt.period(b)} med {fmt.period(p)}" for b, p in pairs])
    computed = []
    for r in ch.itertuples(index=False):
        got = _change_from_counts(ix, r)
        if got is not None:
            computed.append((r, got[0], got[1] - _half(r.decimals) <= r.value <= got[2] + _half(r.decimals)))
    says = f"Tabellens ændringer sammenligner {spans}"
    if computed:
        says += (f"; antallene giver {_join([f'{fmt.signed(v, 1)} %' for _, v, _ in computed])}, som passer med de "
                 f"trykte {_join([r.printed for r, _, _ in computed])}" if all(m for *_, m in computed) else "")
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
        says.append(f"Taksonomiens '{ben.da}' omfatter også {_join([taxonomy.benefit_label(k) for k in missing])}")
    if extra:
        says.append(f"taksonomien regner {_join([taxonomy.benefit_label(k) for k in extra])} uden for totalen")
    if c.also:
        says.append(f"fodnoten nævner desuden {_join(c.also)}, som taksonomien ikke har egne nøgler for")
    same = not (missing or extra or c.also)
    return Check(severity=None if same else INFO, subject=f"Definition af {ben.da.lower()}", printed=c.printed,
                 data_says="; ".join(says) if says else f"Samme ydelser som taksonomiens '{ben.da}'",
                 explanation=("Definitionen svarer til taksonomiens." if same else
                              "Totalen dækker ikke det samme som taksonomiens og andre planers total; sammenlign "
                              "den kun med forsigtighed."), benefit=c.benefit, **base)


def _sum_claim(ix: _Index, st: Statement, c: SumClaim, base: dict) -> Check:
    period = periods.parse_period(c.period)
    parts = [ix.figure(st.plan, c.area, p, c.parts_measure, period) for p in c.parts]
    total = ix.figure(st.plan, c.area, c.total, c.total_measure, period)
    subject = _subject(c.area, c.total, c.total_measure, period)
    if total is None or any(p is None for p in parts):
        return _unresolved(base, c.printed, subject)
    s = sum(p.value for p in parts)
    h = _half(total.decimals) + sum(_half(p.decimals) for p in parts)
    d = total.value - s
    labels = _join([taxonomy.benefit_label(p) for p in c.parts])
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
    m = None
    if fa is not None:
        m = re.search(r"([A-Za-zæøåÆØÅ]+)\s+(\d+)\s*:", f"{fa.ref.quote or ''} {fa.ref.section}")
    if m is None:
        return _unresolved(base, c.printed, c.focus_area)
    number = int(m.group(2))
    ok = number == c.number
    return Check(severity=None if ok else INFO, subject=f"Nummerering: {fa.title}", printed=c.printed,
                 data_says=f"Målets eget afsnit kalder det '{m.group(1)} {number}' ({fa.ref.section})",
                 explanation=("Nummeret passer." if ok else
                              f"Samme mål har to numre i planen ({c.number} og {number}); henvis til det med "
                              "titlen, ikke nummeret."), **base)


# --- Other sources against the plans' figures ----------------------------------------------------

def check_other_sources(store: Store) -> list[Check]:
    """Every other source's value for a key a plan printed; both stay in the store as they are."""
    df = store.query(
        """
        SELECT p.area_code, p.benefit, p.measure, p.period, p.source AS plan_source, p.value AS plan_value,
               p.ref AS plan_ref, o.source AS other_source, o.value AS other_value
        FROM observations p JOIN observations o
          ON o.area_code = p.area_code AND o.benefit = p.benefit AND o.measure = p.measure
         AND o.period = p.period AND o.source <> p.source
        WHERE p.source LIKE 'plan:%' AND (o.source NOT LIKE 'plan:%' OR o.source > p.source)
          AND p.value IS NOT NULL AND o.value IS NOT NULL
        ORDER BY ALL
        """
    )
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
            printed=_show(r.plan_value, r.measure, dp),
            data_says=f"{other} ({r.other_source}): "
                      f"{_show(r.other_value, r.measure, _value_decimals(r.other_value, r.measure))}",
            explanation=why + " Begge tal står uændret i databasen, hver med sin kilde.",
            area_code=r.area_code, benefit=r.benefit, measure=r.measure, period=r.period,
            printed_value=float(r.plan_value), data_value=float(r.other_value), other_source=r.other_source))
    return out


# --- Running it --------------------------------------------------------------------------------

def run(store: Store, statements_path: Path = STATEMENTS_FILE, plans: dict[str, Plan] | None = None) -> AuditResult:
    """Every check on the store's plan figures, the statements file and the plans."""
    plans = plans if plans is not None else goals.plans()
    fig = figures(store)
    statements = load_statements(statements_path, set(plans))
    checks = [*check_parts(fig), *check_shares(fig), *check_changes(fig),
              *check_statements(fig, statements, plans), *check_other_sources(store)]
    rank = {s: i for i, s in enumerate((*SEVERITIES, None))}
    checks.sort(key=lambda c: (rank[c.severity], c.plan, c.seed_file, c.table, c.check, c.subject))
    return AuditResult(checks)


FRAME_COLUMNS = [f for f in Check.__dataclass_fields__] + ["plan_label"]


def files_version() -> str:
    """Changes when a plan or the statements file changes: part of the page's cache key."""
    return f"{goals.plans_version()}-{STATEMENTS_FILE.stat().st_mtime_ns}"


def checks_frame(store: Store, version: str = "") -> pd.DataFrame:
    """All checks (severity None: agrees) as a frame, findings first: for the page and the CLI.

    `version` is not used here; the page passes `files_version()` so its cache follows the files."""
    from beskdash import plans_compare

    result = run(store)
    labels = {pid: plans_compare.plan_label(p) for pid, p in goals.plans().items()}
    df = pd.DataFrame([asdict(c) for c in result.checks], columns=list(Check.__dataclass_fields__))
    df["plan_label"] = df["plan"].map(lambda p: labels.get(p, p))
    return df


def summary(df: pd.DataFrame) -> dict[str, int]:
    """Number of checks and of findings per severity."""
    counts = {s: int((df["severity"] == s).sum()) for s in SEVERITIES}
    found = sum(counts.values())
    return {"kontroller": len(df), "fund": found, "passer": len(df) - found, **counts}


def summary_text(s: dict[str, int]) -> str:
    """`76 kontroller, 10 fund (1 fejl, 2 advarsler, 7 info)`."""
    adv = "advarsel" if s[ADVARSEL] == 1 else "advarsler"
    kontrol = "kontrol" if s["kontroller"] == 1 else "kontroller"
    return (f"{s['kontroller']} {kontrol}, {s['fund']} fund ({s[FEJL]} fejl, {s[ADVARSEL]} {adv}, "
            f"{s[INFO]} info)")


def plan_ids() -> list[str]:
    return sorted(goals.plans())


def severity_label(severity: str | None) -> str:
    # a frame holds "no severity" as NaN
    return f"{SEVERITY_ICONS[severity]} {severity}" if severity in SEVERITY_ICONS else "✓ passer"


def _filter(df: pd.DataFrame, severities: list[str] | None, plan: str | None, show: str) -> pd.DataFrame:
    if show == "findings":
        df = df[df["severity"].notna()]
    elif show == "agreeing":
        df = df[df["severity"].isna()]
    if severities:
        df = df[df["severity"].isin(severities)]
    if plan:
        df = df[df["plan"] == plan]
    return df


def display(df: pd.DataFrame, severities: list[str] | None = None, plan: str | None = None,
            show: Literal["findings", "agreeing", "all"] = "findings") -> pd.DataFrame:
    """The checks as Danish columns for a table: the findings (or the checks that agree, or all),
    filtered by severity and plan."""
    df = _filter(df, severities, plan, show)
    return pd.DataFrame({
        "Alvor": df["severity"].map(severity_label),
        "Kontrol": df["check"].map(CHECKS),
        "Plan": df["plan_label"],
        "Kilde": df["seed_file"] + " · " + df["table"],
        "Hvad": df["subject"],
        "Trykt": df["printed"],
        "Data siger": df["data_says"],
        "Forklaring": df["explanation"],
        "Citat": df["quote"].fillna(""),
        "Detaljer": df["details"].fillna(""),
    })


def plan_choices(df: pd.DataFrame) -> dict[str, str]:
    """For a picker: "" (every plan) first, then the plans that have checks, by label."""
    labels = dict(zip(df["plan"], df["plan_label"]))
    return {"": "Alle planer", **dict(sorted(labels.items(), key=lambda kv: kv[1]))}


def source_keys(df: pd.DataFrame, severities: list[str] | None = None, plan: str | None = None,
                show: Literal["findings", "agreeing", "all"] = "findings") -> list[str]:
    """The store's source keys behind the checks shown (the plans, and other sources compared)."""
    df = _filter(df, severities, plan, show)
    keys = [PLAN_PREFIX + p for p in sorted(set(df["plan"]))]
    return keys + sorted(set(df["other_source"].dropna()))


def format_text(df: pd.DataFrame, findings_only: bool = True) -> str:
    """The audit as plain text for the terminal: a summary line, then one block per finding."""
    s = summary(df)
    lines = [f"Kontrol af offentliggjorte tal: {summary_text(s)}.", ""]
    rows = df[df["severity"].notna()] if findings_only else df
    for r in rows.itertuples(index=False):
        word = r.severity if r.severity in SEVERITY_ICONS else "passer"
        lines.append(f"[{word.upper()}] {r.plan_label} · {r.seed_file} · {r.table}")
        lines.append(f"  {r.subject}")
        lines.append(f"  Trykt:      {r.printed}")
        lines.append(f"  Data siger: {r.data_says}")
        lines.append(f"  {r.explanation}")
        if isinstance(r.details, str) and r.details:
            lines.append(f"  {r.details}")
        if isinstance(r.quote, str) and r.quote:
            lines.append(f"  Citat: »{r.quote}«")
        lines.append("")
    return "\n".join(lines)


def format_json(df: pd.DataFrame, findings_only: bool = True) -> str:
    rows = df[df["severity"].notna()] if findings_only else df
    records = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()}
               for rec in rows.to_dict(orient="records")]
    return json.dumps({"summary": summary(df), "checks": records}, ensure_ascii=False, indent=2)
