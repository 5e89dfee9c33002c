"""Employment plans as data: the schema of `plans/*.yaml`, loading and checks.

A plan file is validated by pydantic; every violation is reported in Danish with
file and path (``alleroed-2022.yaml: goals[3].target.value: mangler``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from beskdash import taxonomy, yamlfile
from beskdash.paths import DATA_DIR, PLANS_DIR
from beskdash.periods import PeriodError, parse_period


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Ref(_Strict):
    """Where in a seed a fact was printed."""

    file: str | None = None  # defaults to the plan's seed file
    section: str
    quote: str | None = None  # the words as printed (OCR spelling kept for 003)


class Series(_Strict):
    """A series in the store: one area, one benefit or a sum of benefits, one measure."""

    area: str
    benefits: list[str] = Field(min_length=1)
    measure: str
    source: str | None = None  # restrict to one source key (e.g. ``dst:AUK01``)


class NamedIndicator(_Strict):
    """An indicator the data model holds no series for (yet)."""

    name: str
    unit: str
    source: str | None = None  # where the plan says the figure comes from (e.g. "jobindsats.dk")


class Indicator(_Strict):
    series: Series | None = None
    named: NamedIndicator | None = None

    @model_validator(mode="after")
    def _one(self) -> Indicator:
        if (self.series is None) == (self.named is None):
            raise ValueError("angiv enten series eller named")
        return self


class Baseline(_Strict):
    value: float | None = None  # None: the plan names the baseline period but prints no figure
    period: str
    ref: Ref | None = None

    _p = field_validator("period")(lambda v: _period(v))


class Target(_Strict):
    type: Literal["absolute", "relative", "direction"]
    value: float | None = None  # absolute: the target value
    change_pct: float | None = None  # relative: e.g. -10 for "10 pct. under baseline"
    deadline: str
    tolerance: float | None = Field(default=None, ge=0)
    strict: bool = False  # "under 8,0 procent": the target value itself does not meet it
    ref: Ref | None = None

    _p = field_validator("deadline")(lambda v: _period(v))

    @model_validator(mode="after")
    def _complete(self) -> Target:
        # "<field>: <why>" is reported at that field's path (see _split_field).
        if self.type == "absolute" and self.value is None:
            raise ValueError("value: mangler (et absolut mål skal have en værdi)")
        if self.type == "relative" and self.change_pct is None:
            raise ValueError("change_pct: mangler (et relativt mål skal have en ændring i pct.)")
        if self.type == "direction" and (self.value is not None or self.change_pct is not None):
            raise ValueError("type: et retningsmål har hverken value eller change_pct")
        return self


class Goal(_Strict):
    id: str
    focus_area: str | None = None
    title: str
    kind: Literal["target", "indicator", "qualitative"]
    direction: Literal["decrease", "increase"] | None = None
    indicator: Indicator | None = None
    baseline: Baseline | None = None
    target: Target | None = None
    # The plan says a target exists but does not publish it (Rudersdal 2021): where it says so.
    unpublished_target: Ref | None = None
    note: str | None = None
    ref: Ref

    @model_validator(mode="after")
    def _consistent(self) -> Goal:
        if self.kind == "target":
            if self.target is None:
                raise ValueError("target: mangler (et mål af typen target skal have et target)")
            if self.direction is None:
                raise ValueError("direction: mangler (et mål af typen target skal have en retning)")
            if self.indicator is None:
                raise ValueError("indicator: mangler (et mål af typen target skal have en indikator)")
            if self.target.type == "relative" and self.baseline is None:
                raise ValueError("baseline: mangler (et relativt mål kræver en baseline)")
        if self.kind == "indicator":
            if self.indicator is None:
                raise ValueError("indicator: mangler (et mål af typen indicator skal have en indikator)")
            if self.target is not None:
                raise ValueError("target: en indikator uden mål har intet target (brug kind: target)")
        if self.kind == "qualitative" and (self.target is not None or self.baseline is not None):
            raise ValueError("kind: et kvalitativt mål har hverken baseline eller target")
        if self.unpublished_target is not None and self.target is not None:
            raise ValueError("unpublished_target: kun for mål, hvis target ikke er offentliggjort")
        return self


class FocusArea(_Strict):
    id: str
    title: str
    minister_goals: list[str] = []
    local: bool = False
    ref: Ref


class Plan(_Strict):
    # Lower-case words joined by hyphens: the id names a file in plans/ and a key in the store.
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    municipality: str  # area code
    year: int
    title: str
    publisher: str
    seed_file: str
    benchmark_areas: list[str] = []
    benchmark_ref: Ref | None = None
    note: str | None = None
    focus_areas: list[FocusArea]
    goals: list[Goal]

    @model_validator(mode="after")
    def _references(self) -> Plan:
        ids = [f.id for f in self.focus_areas]
        for i, g in enumerate(self.goals):
            if g.focus_area is not None and g.focus_area not in ids:
                raise ValueError(f"goals[{i}].focus_area: ukendt fokusområde '{g.focus_area}'")
        goal_ids = [g.id for g in self.goals]
        dup = {i for i in goal_ids if goal_ids.count(i) > 1}
        if dup:
            raise ValueError(f"goals: mål-id brugt flere gange: {', '.join(sorted(dup))}")
        return self


def _period(v: str) -> str:
    try:
        return parse_period(str(v))
    except PeriodError as e:
        raise ValueError(str(e)) from None




# --- Loading and checks -------------------------------------------------------------------

_DANISH = {
    "missing": "mangler",
    "extra_forbidden": "ukendt felt",
    "string_type": "skal være tekst",
    "int_type": "skal være et heltal",
    "int_parsing": "skal være et heltal",
    "float_type": "skal være et tal",
    "float_parsing": "skal være et tal",
    "list_type": "skal være en liste",
    "literal_error": "ugyldig værdi",
    "too_short": "må ikke være tom",
    "model_type": "skal være en struktur (nøgle: værdi)",
    "string_pattern_mismatch": "må kun indeholde små bogstaver a-z, cifre og bindestreger (fx alleroed-2027)",
    "bool_type": "skal være true eller false",
    "bool_parsing": "skal være true eller false",
    "dict_type": "skal være en struktur (nøgle: værdi)",
}


class PlanError(Exception):
    """A plan file that does not follow the schema; ``problems`` are Danish lines."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(err: ErrorDetails) -> str:
    if err["type"] == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    word = _DANISH.get(err["type"], err["msg"])
    if err["type"] == "literal_error":
        allowed = err.get("ctx", {}).get("expected", "")
        return f"{word} {err.get('input')!r} (tilladt: {allowed})"
    if err["type"] == "greater_than_equal":
        return f"skal være mindst {err.get('ctx', {}).get('ge')}"
    return word


_FIELD_PREFIX = re.compile(r"^([A-Za-z_][\w.\[\]]*): (.+)$", re.S)


def _split_field(path: str, message: str) -> tuple[str, str]:
    """A model check's "value: mangler …" belongs at `<path>.value`, where the user looks."""
    m = _FIELD_PREFIX.match(message)
    if not m:
        return path, message
    field, rest = m.groups()
    if not path:
        return field, rest
    return (path + field if field.startswith("[") else f"{path}.{field}"), rest


def validation_problems(e: ValidationError, name: str) -> list[str]:
    """A pydantic error as Danish lines `file: path: why` (also used for data/plan_statements.yaml)."""
    problems = []
    for err in e.errors():
        path = _loc(tuple(p for p in err["loc"] if not str(p).startswith("function-")))
        msg = _message(err)
        if err["type"] == "value_error":
            path, msg = _split_field(path, msg)
        problems.append(f"{name}: {path}: {msg}" if path else f"{name}: {msg}")
    return problems


def yaml_problem(e: yaml.YAMLError, name: str) -> str:
    """A YAML syntax error as one Danish line with the file and, where known, the line."""
    mark = getattr(e, "problem_mark", None)
    where = f" linje {mark.line + 1}:" if mark else ""
    return f"{name}:{where} ugyldig YAML ({getattr(e, 'problem', e)})"


def validate_plan(data: object, name: str) -> Plan:
    try:
        return Plan.model_validate(data)
    except ValidationError as e:
        raise PlanError(validation_problems(e, name)) from None


def load_plan_file(path: Path) -> Plan:
    try:
        data = yamlfile.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise PlanError([yaml_problem(e, path.name)]) from None
    plan = validate_plan(data, path.name)
    if plan.id != path.stem:
        raise PlanError([f"{path.name}: id: '{plan.id}' skal svare til filnavnet '{path.stem}'"])
    return plan


def _read_plans(plans_dir: Path) -> tuple[dict[str, Plan], list[str]]:
    """Each plan file read and checked once: the valid plans by id, and every problem of the others."""
    plans: dict[str, Plan] = {}
    problems: list[str] = []
    for path in sorted(plans_dir.glob("*.yaml")):
        try:
            plan = load_plan_file(path)
        except PlanError as e:
            problems.extend(e.problems)
            continue
        problems.extend(_check_keys(plan, path.name, taxonomy))
        plans[path.stem] = plan
    return plans, problems


def check_plans(plans_dir: Path = PLANS_DIR) -> list[str]:
    """All problems in all plan files, including references to unknown keys."""
    return _read_plans(plans_dir)[1]


def _check_keys(plan: Plan, name: str, taxonomy) -> list[str]:
    out = []
    areas = taxonomy.area_codes()
    goals_vocab = {g["key"] for g in minister_goals()}
    if plan.municipality not in areas:
        out.append(f"{name}: municipality: ukendt områdekode '{plan.municipality}'")
    for i, a in enumerate(plan.benchmark_areas):
        if a not in areas:
            out.append(f"{name}: benchmark_areas[{i}]: ukendt områdekode '{a}'")
    for i, f in enumerate(plan.focus_areas):
        for j, m in enumerate(f.minister_goals):
            if m not in goals_vocab:
                out.append(f"{name}: focus_areas[{i}].minister_goals[{j}]: ukendt ministermål '{m}'")
    for i, g in enumerate(plan.goals):
        s = g.indicator.series if g.indicator else None
        if s is None:
            continue
        if s.area not in areas:
            out.append(f"{name}: goals[{i}].indicator.series.area: ukendt områdekode '{s.area}'")
        for j, b in enumerate(s.benefits):
            if b not in taxonomy.benefit_keys():
                out.append(f"{name}: goals[{i}].indicator.series.benefits[{j}]: ukendt ydelse '{b}'")
        if s.measure not in taxonomy.measure_keys():
            out.append(f"{name}: goals[{i}].indicator.series.measure: ukendt mål '{s.measure}'")
        # A sum must not count anyone twice (a total with its part, a group with its subgroup).
        for a, b in taxonomy.overlaps(s.benefits):
            out.append(f"{name}: goals[{i}].indicator.series.benefits: '{a}' indeholder '{b}' og må ikke lægges "
                       "sammen med den")
    return out


@lru_cache(maxsize=1)
def minister_goals() -> list[dict]:
    """The shared vocabulary of the national beskæftigelsespolitiske mål."""
    return yamlfile.safe_load((DATA_DIR / "minister_goals.yaml").read_text(encoding="utf-8"))["goals"]


def load_plans(plans_dir: Path = PLANS_DIR) -> dict[str, Plan]:
    """Every plan, by id. Raises PlanError listing all problems if any file is invalid."""
    plans, problems = _read_plans(plans_dir)  # once: parsing the YAML is most of a page's first run
    if problems:
        raise PlanError(problems)
    return plans


# --- Plans as text (the store keeps each version's YAML) -----------------------------------

def parse_plan_text(text: str, name: str) -> Plan:
    """A plan from YAML text, checked like `plans check` checks a file (schema and taxonomy keys);
    raises PlanError with every problem as `name: path: why`."""
    try:
        data = yamlfile.safe_load(text)
    except yaml.YAMLError as e:
        raise PlanError([yaml_problem(e, name)]) from None
    plan = validate_plan(data, name)
    problems = _check_keys(plan, name, taxonomy)
    if problems:
        raise PlanError(problems)
    return plan


def plan_yaml(plan: Plan) -> str:
    """A plan as YAML in the field order of the schema, without empty optional fields."""
    data = plan.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def json_schema() -> dict:
    """The JSON Schema of a plan file, for editors (yaml-language-server) and `plans schema`."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "beskdash beskæftigelsesplan"
    return schema
