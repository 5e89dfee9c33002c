"""The plan form of Planer as data: which fields a plan has, with their choices from the taxonomy,
and how the form's values become plan data again, checked by the same schema as `plans add`.

The page only draws `fields()` and hands the values back to `apply()`; every choice of area, benefit,
measure and minister goal is an option list here, never free text.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from beskdash import taxonomy
from beskdash.plan_versions import problems_by_field
from beskdash.plans import Plan, PlanError, minister_goals, parse_plan_text

KINDS = {"target": "mål med tal eller retning", "indicator": "indikator (følges uden mål)",
         "qualitative": "kvalitativt mål"}
DIRECTIONS = {"": "(ingen)", "decrease": "skal ned", "increase": "skal op"}
INDICATORS = {"": "(ingen)", "series": "dataserie i beskdash", "named": "eget tal (ingen dataserie endnu)"}
TARGETS = {"": "(intet mål)", "absolute": "en værdi", "relative": "ændring i pct. fra baseline",
           "direction": "kun en retning"}


@dataclass(frozen=True)
class Field:
    path: str  # the YAML path the schema's messages name, e.g. goals[3].target.value
    label: str
    widget: str  # text | int | select | multiselect
    value: Any
    group: str  # the form section: "Planen", "Fokusområde rm1", "Mål rm1-x"
    options: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # option → Danish label


def _areas() -> dict[str, str]:
    return {a.code: a.name_da for a in taxonomy.get().areas.values()}


def _number_text(v: float | None) -> str:
    if v is None:
        return ""
    return (str(int(v)) if float(v).is_integer() else str(v)).replace(".", ",")


def fields(data: dict) -> list[Field]:
    """Every field of the form for a plan's data (`Plan.model_dump(mode="json")`)."""
    areas = _areas()
    kommuner = {a.code: a.name_da for a in taxonomy.kommuner()}
    benefits = {k: taxonomy.benefit_label(k) for k in sorted(taxonomy.benefit_keys())}
    measures = {k: taxonomy.measure_label(k) for k in sorted(taxonomy.measure_keys())}
    mgoals = {g["key"]: g.get("da", g["key"]) for g in minister_goals()}
    out = [
        Field("title", "Titel", "text", data["title"], "Planen"),
        Field("year", "År", "int", data["year"], "Planen"),
        Field("municipality", "Kommune", "select", data["municipality"], "Planen", list(kommuner), kommuner),
        Field("benchmark_areas", "Sammenlignes med", "multiselect", list(data.get("benchmark_areas") or []),
              "Planen", list(areas), areas),
    ]
    fa_ids = [f["id"] for f in data["focus_areas"]]
    for i, fa in enumerate(data["focus_areas"]):
        g = f"Fokusområde {fa['id']}"
        out += [Field(f"focus_areas[{i}].title", "Titel", "text", fa["title"], g),
                Field(f"focus_areas[{i}].minister_goals", "Ministermål", "multiselect",
                      list(fa.get("minister_goals") or []), g, list(mgoals), mgoals)]
    for i, goal in enumerate(data["goals"]):
        g, p = f"Mål {goal['id']}", f"goals[{i}]"
        ind = goal.get("indicator") or {}
        series, named = ind.get("series") or {}, ind.get("named") or {}
        base, tgt = goal.get("baseline") or {}, goal.get("target") or {}
        out += [
            Field(f"{p}.title", "Titel", "text", goal["title"], g),
            Field(f"{p}.focus_area", "Fokusområde", "select", goal.get("focus_area") or "", g, ["", *fa_ids],
                  {"": "(intet)", **{f: f for f in fa_ids}}),
            Field(f"{p}.kind", "Type", "select", goal["kind"], g, list(KINDS), KINDS),
            Field(f"{p}.direction", "Retning", "select", goal.get("direction") or "", g, list(DIRECTIONS),
                  DIRECTIONS),
            Field(f"{p}.indicator", "Indikator", "select", "series" if series else "named" if named else "", g,
                  list(INDICATORS), INDICATORS),
            Field(f"{p}.indicator.series.area", "Område", "select", series.get("area", ""), g, ["", *areas],
                  {"": "(vælg)", **areas}),
            Field(f"{p}.indicator.series.benefits", "Ydelser", "multiselect", list(series.get("benefits") or []),
                  g, list(benefits), benefits),
            Field(f"{p}.indicator.series.measure", "Mål for ydelsen", "select", series.get("measure", ""), g,
                  ["", *measures], {"": "(vælg)", **measures}),
            Field(f"{p}.indicator.named.name", "Eget tal: navn", "text", named.get("name", ""), g),
            Field(f"{p}.indicator.named.unit", "Eget tal: enhed", "text", named.get("unit", ""), g),
            Field(f"{p}.baseline.value", "Baseline: værdi", "text", _number_text(base.get("value")), g),
            Field(f"{p}.baseline.period", "Baseline: periode", "text", base.get("period", ""), g),
            Field(f"{p}.target.type", "Mål: type", "select", tgt.get("type", ""), g, list(TARGETS), TARGETS),
            Field(f"{p}.target.value", "Mål: værdi", "text", _number_text(tgt.get("value")), g),
            Field(f"{p}.target.change_pct", "Mål: ændring i pct.", "text", _number_text(tgt.get("change_pct")), g),
            Field(f"{p}.target.deadline", "Mål: frist", "text", tgt.get("deadline", ""), g),
        ]
    return out


_NUMBER = re.compile(r"^-?\d+(\.\d{3})*(,\d+)?$|^-?\d+(\.\d+)?$")


def _number(text: Any) -> Any:
    """Danish `12,5` or `1.234` as a number; anything else is passed on for the schema to refuse."""
    s = str(text).strip()
    if s == "":
        return None
    if _NUMBER.match(s):
        return float(s.replace(".", "").replace(",", ".")) if "," in s or s.count(".") > 1 else float(s)
    return s


def apply(data: dict, values: dict[str, Any]) -> dict:
    """The plan data with the form's `values` (by field path); fields not in `values` keep their value,
    and what the form does not show (references, notes, tolerances) is kept as it was."""
    out = copy.deepcopy(data)

    def v(path: str, default: Any) -> Any:
        return values.get(path, default)

    out["title"] = v("title", out["title"])
    out["year"] = v("year", out["year"])
    out["municipality"] = v("municipality", out["municipality"])
    out["benchmark_areas"] = list(v("benchmark_areas", out.get("benchmark_areas") or []))
    for i, fa in enumerate(out["focus_areas"]):
        fa["title"] = v(f"focus_areas[{i}].title", fa["title"])
        fa["minister_goals"] = list(v(f"focus_areas[{i}].minister_goals", fa.get("minister_goals") or []))
    for i, goal in enumerate(out["goals"]):
        p = f"goals[{i}]"
        old = fields_of_goal(data["goals"][i])
        goal["title"] = v(f"{p}.title", goal["title"])
        goal["focus_area"] = v(f"{p}.focus_area", goal.get("focus_area") or "") or None
        goal["kind"] = v(f"{p}.kind", goal["kind"])
        goal["direction"] = v(f"{p}.direction", goal.get("direction") or "") or None
        ind_kind = v(f"{p}.indicator", old["indicator"])
        ind = data["goals"][i].get("indicator") or {}
        if ind_kind == "series":
            s = dict(ind.get("series") or {})
            s["area"] = v(f"{p}.indicator.series.area", s.get("area", ""))
            s["benefits"] = list(v(f"{p}.indicator.series.benefits", s.get("benefits") or []))
            s["measure"] = v(f"{p}.indicator.series.measure", s.get("measure", ""))
            goal["indicator"] = {"series": s}
        elif ind_kind == "named":
            n = dict(ind.get("named") or {})
            n["name"] = v(f"{p}.indicator.named.name", n.get("name", ""))
            n["unit"] = v(f"{p}.indicator.named.unit", n.get("unit", ""))
            goal["indicator"] = {"named": n}
        else:
            goal["indicator"] = None
        base = dict(data["goals"][i].get("baseline") or {})
        bval = _number(v(f"{p}.baseline.value", _number_text(base.get("value"))))
        bper = str(v(f"{p}.baseline.period", base.get("period", ""))).strip()
        goal["baseline"] = ({**base, "value": bval, "period": bper} if bval is not None or bper else None)
        tgt = dict(data["goals"][i].get("target") or {})
        ttype = v(f"{p}.target.type", tgt.get("type", ""))
        if ttype:
            tgt["type"] = ttype
            tgt["value"] = _number(v(f"{p}.target.value", _number_text(tgt.get("value"))))
            tgt["change_pct"] = _number(v(f"{p}.target.change_pct", _number_text(tgt.get("change_pct"))))
            tgt["deadline"] = str(v(f"{p}.target.deadline", tgt.get("deadline", ""))).strip()
            goal["target"] = tgt
        else:
            goal["target"] = None
    return _without_none(out)


def fields_of_goal(goal: dict) -> dict[str, str]:
    ind = goal.get("indicator") or {}
    return {"indicator": "series" if ind.get("series") else "named" if ind.get("named") else ""}


def _without_none(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _without_none(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [_without_none(v) for v in x]
    return x


def check(data: dict) -> tuple[Plan | None, dict[str, list[str]]]:
    """The plan, or the schema's and the taxonomy's messages by field path (as `plans add` reports them)."""
    name = f"{data.get('id', 'plan')}.yaml"
    try:
        return parse_plan_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), name), {}
    except PlanError as e:
        return None, problems_by_field(e.problems, name)


def place(problems: dict[str, list[str]], paths: list[str]) -> dict[str, list[str]]:
    """Each message beside the field whose path is the longest prefix of the message's path
    (`goals[3].indicator.series.benefits[2]` beside the benefits); the rest under "" (the whole plan)."""
    out: dict[str, list[str]] = {}
    for p, ms in problems.items():
        owners = [f for f in paths if p == f or p.startswith((f + "[", f + "."))]
        out.setdefault(max(owners, key=len) if owners else "", []).extend(ms)
    return out
