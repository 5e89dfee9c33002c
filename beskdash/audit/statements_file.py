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

from beskdash import periods, taxonomy
from beskdash.audit.common import CHANGE_MEASURES
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

