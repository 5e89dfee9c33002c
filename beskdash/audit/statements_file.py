"""The statements file, data/plan_statements.yaml: figures printed in the plans' running text, each with the
plan, section and exact quote, and one or more claims the audit checks against the tables and the plan.

The YAML and schema errors are worded by beskdash.plans (`yaml_problem`, `validation_problems`), so a plan
file and the statements file report a problem alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from beskdash import periods, taxonomy, yamlfile
from beskdash.paths import DATA_DIR
from beskdash.plans import validation_problems, yaml_problem

STATEMENTS_FILE = DATA_DIR / "plan_statements.yaml"

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


class Level(_Strict):
    """A level a forecast prints: `1.030 ultimo 2020`."""

    printed: str
    value: float
    period: str


class Change(_Strict):
    """A change in per cent a forecast prints, from `base_period` to `period`: `et fald på 21 pct.` is −21."""

    printed: str
    value: float
    base_period: str
    period: str


class ForecastClaim(_Strict):
    """Someone else's forecast quoted in the text (`by`: STAR, Finansministeriet) of `what` in `area`.
    With a base, a change and a result, the three are checked against each other; with less, nothing can be."""

    kind: Literal["forecast"]
    printed: str
    by: str
    what: str  # in Danish, as the reader should see it: "ledige", "arbejdsstyrken"
    area: str
    base: Level | None = None
    change: Change | None = None
    result: Level | None = None


class StatedClaim(_Strict):
    """A figure printed only in the running text, with nothing in the plan's tables to check it against:
    `senest ved 8. ledighedsuge`, `ca. to tredjedele` (2/3), `2,5-3 gange` (a range: two values)."""

    kind: Literal["stated"]
    printed: str
    values: list[float] = Field(min_length=1, max_length=2)
    unit: str  # in Danish, what the figure counts: "ledighedsuge", "andel af de forsikrede ledige"


Claim = Annotated[
    ValueClaim | DifferenceClaim | RatioClaim | ChangePeriodClaim | PeriodsMentionedClaim | DefinitionClaim
    | SumClaim | PlanYearClaim | NumberingClaim | ForecastClaim | StatedClaim,
    Field(discriminator="kind"),
]


class Statement(_Strict):
    id: str
    plan: str
    section: str
    quote: str
    claims: list[Claim] = Field(min_length=1)
    goal: str | None = None  # the goal (or focus area) of the plan the statement belongs with, by id


class _StatementsFile(_Strict):
    statements: list[Statement]


class StatementsError(Exception):
    """data/plan_statements.yaml does not follow its schema; `problems` are Danish lines."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def load_statements(path: Path = STATEMENTS_FILE, plan_ids: set[str] | None = None,
                    goal_ids: dict[str, set[str]] | None = None) -> list[Statement]:
    """The statements, validated (schema, keys, periods; with `goal_ids`, plan → ids of its goals and focus
    areas, each statement's goal too); StatementsError lists every problem."""
    name = path.name
    try:
        data = yamlfile.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise StatementsError([yaml_problem(e, name)]) from None
    try:
        parsed = _StatementsFile.model_validate(data)
    except ValidationError as e:
        raise StatementsError(validation_problems(e, name)) from None
    problems = _check_keys(parsed.statements, name, plan_ids, goal_ids)
    if problems:
        raise StatementsError(problems)
    return parsed.statements


def _claim_periods(c: object) -> list[str]:
    found = [getattr(c, "period", None), *getattr(c, "periods", [])]
    if isinstance(c, ForecastClaim):
        found += [lv.period for lv in (c.base, c.result) if lv] + ([c.change.base_period, c.change.period]
                                                                   if c.change else [])
    return [p for p in found if p is not None]


def _forecast_problems(c: ForecastClaim, where: str) -> list[str]:
    """A base, change and result must line up: base at the change's start, result at its end."""
    out = []
    if c.base and c.change and c.base.period != c.change.base_period:
        out.append(f"{where}: base.period '{c.base.period}' er ikke change.base_period '{c.change.base_period}'")
    if c.result and c.change and c.result.period != c.change.period:
        out.append(f"{where}: result.period '{c.result.period}' er ikke change.period '{c.change.period}'")
    if not (c.base or c.change or c.result):
        out.append(f"{where}: en prognose skal have mindst én af base, change og result")
    return out


def _check_keys(statements: list[Statement], name: str, plan_ids: set[str] | None,
                goal_ids: dict[str, set[str]] | None = None) -> list[str]:
    tax = taxonomy.get()
    measures = set(tax.measures) | taxonomy.change_keys()
    out: list[str] = []
    ids = [s.id for s in statements]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        out.append(f"{name}: statements: id '{dup}' bruges flere gange")
    for i, s in enumerate(statements):
        where = f"{name}: statements[{i}]"
        if plan_ids is not None and s.plan not in plan_ids:
            out.append(f"{where}.plan: ukendt plan '{s.plan}'")
        if s.goal is not None and goal_ids is not None and s.goal not in goal_ids.get(s.plan, set()):
            out.append(f"{where}.goal: planen '{s.plan}' har intet mål eller fokusområde '{s.goal}'")
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
            if isinstance(c, ForecastClaim):
                out.extend(_forecast_problems(c, cw))
            for p in _claim_periods(c):
                try:
                    periods.parse_period(p)
                except periods.PeriodError as e:
                    out.append(f"{cw}: {e}")
    return out

