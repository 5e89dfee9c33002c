"""Peer groups (data/peer_groups.yaml): each plan's municipality with the areas it compares itself
with, and the aggregates (a region, Hele landet) summed from their kommuner."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from beskdash import taxonomy
from beskdash.compare.errors import CompareError
from beskdash.compare.summable import check_areas, summable_problem
from beskdash.fmt import join_da
from beskdash.paths import DATA_DIR, PLANS_DIR
from beskdash.plans import load_plan_file

PEER_GROUPS_FILE = DATA_DIR / "peer_groups.yaml"


@dataclass(frozen=True)
class Group:
    """Areas summed into one series: Σ numerators / Σ denominators."""

    key: str
    label: str
    members: tuple[str, ...]

    @property
    def series_id(self) -> str:
        return f"gruppe:{self.key}"


@dataclass(frozen=True)
class PeerGroup:
    """A plan's municipality and the areas it compares itself with."""

    key: str
    label: str
    focus: str
    benchmark: tuple[str, ...]
    plan: str | None = None
    ref_section: str | None = None
    ref_quote: str | None = None
    seed_file: str | None = None
    note: str | None = None
    view: Mapping[str, str] = field(default_factory=dict)

    @property
    def areas(self) -> tuple[str, ...]:
        return (self.focus, *self.benchmark)


def _load_groups(path: Path, plans_dir: Path) -> tuple[dict[str, PeerGroup], dict[str, Group]]:
    name = path.name
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    known = taxonomy.area_codes()
    groups: dict[str, PeerGroup] = {}
    for i, g in enumerate(data.get("peer_groups", [])):
        where = f"{name}: peer_groups[{i}]"
        ref_section = ref_quote = seed_file = None
        if g.get("plan"):
            plan_path = plans_dir / f"{g['plan']}.yaml"
            if not plan_path.exists():
                raise CompareError(f"{where}.plan: planen '{g['plan']}' findes ikke i {plans_dir.name}/")
            plan = load_plan_file(plan_path)
            focus, benchmark = plan.municipality, list(plan.benchmark_areas)
            seed_file = plan.seed_file
            if plan.benchmark_ref is not None:
                ref_section, ref_quote = plan.benchmark_ref.section, plan.benchmark_ref.quote
                seed_file = plan.benchmark_ref.file or plan.seed_file
        elif g.get("focus"):
            focus, benchmark = str(g["focus"]), []
        else:
            raise CompareError(f"{where}: angiv enten plan eller focus")
        benchmark += [str(c) for c in g.get("also", []) if str(c) not in benchmark]
        for c in (focus, *benchmark):
            if c not in known:
                raise CompareError(f"{where}: ukendt områdekode '{c}'")
        view = {k: str(v) for k, v in (g.get("view") or {}).items()}
        groups[g["key"]] = PeerGroup(g["key"], g["da"], focus, tuple(benchmark), g.get("plan"), ref_section,
                                     ref_quote, seed_file, g.get("note"), view)
    aggregates: dict[str, Group] = {}
    for i, a in enumerate(data.get("aggregates", [])):
        code = str(a["members_of"])
        if code not in known or not taxonomy.members(code):
            raise CompareError(f"{name}: aggregates[{i}].members_of: '{code}' er ikke en region, landsdel eller "
                               "hele landet")
        aggregates[a["key"]] = Group(a["key"], a["da"], tuple(taxonomy.members(code)))
    return groups, aggregates


@lru_cache(maxsize=4)
def _groups_cached(path: str, plans_dir: str) -> tuple[dict[str, PeerGroup], dict[str, Group]]:
    return _load_groups(Path(path), Path(plans_dir))


def peer_groups() -> list[PeerGroup]:
    return list(_groups_cached(str(PEER_GROUPS_FILE), str(PLANS_DIR))[0].values())


def aggregates() -> list[Group]:
    return list(_groups_cached(str(PEER_GROUPS_FILE), str(PLANS_DIR))[1].values())


def aggregate(key: str) -> Group:
    aggs = _groups_cached(str(PEER_GROUPS_FILE), str(PLANS_DIR))[1]
    if key not in aggs:
        raise CompareError(f"ukendt gruppe '{key}' (kendte: {', '.join(aggs)})")
    return aggs[key]


def resolve_group(name: str, areas: Sequence[str]) -> Group:
    """`--group NAME`: a peer group (its benchmark areas summed), an aggregate, `NAME=201,223`,
    or else a name for the given areas summed (a user-picked set)."""
    if "=" in name:
        label, codes = name.split("=", 1)
        members = [c.strip() for c in codes.split(",") if c.strip()]
        check_areas(members)
        return Group(taxonomy.slug(label) or "egen", label.strip(), tuple(members))
    groups, aggs = _groups_cached(str(PEER_GROUPS_FILE), str(PLANS_DIR))
    if name in groups:
        g = groups[name]
        if len(g.benchmark) < 2:
            raise CompareError(f"sammenligningsgruppen '{name}' har kun ét sammenligningsområde")
        problem = summable_problem(list(g.benchmark))
        if problem:
            raise CompareError(f"sammenligningsgruppen '{name}' kan ikke lægges sammen: {problem}")
        return Group(g.key, f"{join_da([taxonomy.area_name(c) for c in g.benchmark])} samlet", g.benchmark)
    if name in aggs:
        return aggs[name]
    if not areas:
        raise CompareError(f"gruppen '{name}' er hverken en kendt gruppe eller en mængde valgte områder")
    return Group(taxonomy.slug(name) or "egen", name, tuple(areas))
