"""Peer groups (data/peer_groups.yaml): each plan's municipality with the areas it compares itself
with, and the aggregates (a region, Hele landet) summed from their kommuner.

The plans come from the one plan loader (`plan_versions.current`: shipped files and analysts' stored
versions), so a group follows its plan's current benchmark, and a plan the file does not name (one an
analyst added) that names benchmark areas is a group of its own, keyed by its id. Loaded once per plan
version (`plan_versions.version_key`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock

from beskdash import plan_versions, taxonomy, yamlfile
from beskdash.compare.errors import CompareError
from beskdash.compare.summable import check_areas, summable_problem
from beskdash.fmt import join_da
from beskdash.paths import DATA_DIR
from beskdash.plans import Plan
from beskdash.store import Store

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


def _load_groups(path: Path, plans: Mapping[str, Plan], removed: frozenset[str] = frozenset()
                 ) -> tuple[dict[str, PeerGroup], dict[str, Group]]:
    """The file's groups over `plans` (by id), then a group for each plan it does not name that has
    benchmark areas. A group of a plan in `removed` (a shipped plan an analyst removed) is left out."""
    name = path.name
    data = yamlfile.safe_load(path.read_text(encoding="utf-8")) or {}
    known = taxonomy.area_codes()
    groups: dict[str, PeerGroup] = {}
    for i, g in enumerate(data.get("peer_groups", [])):
        where = f"{name}: peer_groups[{i}]"
        ref_section = ref_quote = seed_file = None
        if g.get("plan"):
            if g["plan"] in removed:
                continue
            plan = plans.get(g["plan"])
            if plan is None:
                raise CompareError(f"{where}.plan: planen '{g['plan']}' findes ikke (hverken i plans/ eller i "
                                   "databasen)")
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
    named = {g.plan for g in groups.values()}
    for plan in plans.values():
        if plan.id in named or not plan.benchmark_areas or plan.id in groups:
            continue
        ref = plan.benchmark_ref
        label = (f"{taxonomy.area_name(plan.municipality)} mod "
                 f"{join_da([taxonomy.area_name(a) for a in plan.benchmark_areas])} ({plan.title})")
        # the view the file chose for the municipality's own group, if it has one
        same: Mapping[str, str] = next((g.view for g in groups.values() if g.focus == plan.municipality), {})
        groups[plan.id] = PeerGroup(plan.id, label, plan.municipality, tuple(plan.benchmark_areas), plan.id,
                                    ref.section if ref else None, ref.quote if ref else None,
                                    (ref.file if ref else None) or plan.seed_file, None, same)
    aggregates: dict[str, Group] = {}
    for i, a in enumerate(data.get("aggregates", [])):
        code = str(a["members_of"])
        if code not in known or not taxonomy.members(code):
            raise CompareError(f"{name}: aggregates[{i}].members_of: '{code}' er ikke en region, landsdel eller "
                               "hele landet")
        aggregates[a["key"]] = Group(a["key"], a["da"], tuple(taxonomy.members(code)))
    return groups, aggregates


_CACHE: dict[tuple[str, str], tuple[dict[str, PeerGroup], dict[str, Group]]] = {}
_LOCK = Lock()


def _groups(store: Store | None = None) -> tuple[dict[str, PeerGroup], dict[str, Group]]:
    """The groups over the current plans of `store` (default: the process's, as the plan loader's)."""
    store = store if store is not None else plan_versions.default_store()
    key = (str(PEER_GROUPS_FILE), plan_versions.version_key(store))
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    plans = plan_versions.current(store)
    loaded = _load_groups(PEER_GROUPS_FILE, plans, frozenset(plan_versions.shipped()) - set(plans))
    with _LOCK:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = loaded
    return loaded


def peer_groups(store: Store | None = None) -> list[PeerGroup]:
    return list(_groups(store)[0].values())


def aggregates() -> list[Group]:
    return list(_groups()[1].values())


def aggregate(key: str) -> Group:
    aggs = _groups()[1]
    if key not in aggs:
        raise CompareError(f"ukendt gruppe '{key}' (kendte: {', '.join(aggs)})")
    return aggs[key]


def resolve_group(name: str, areas: Sequence[str], store: Store | None = None) -> Group:
    """`--group NAME`: a peer group (its benchmark areas summed), an aggregate, `NAME=201,223`,
    or else a name for the given areas summed (a user-picked set)."""
    if "=" in name:
        label, codes = name.split("=", 1)
        members = [c.strip() for c in codes.split(",") if c.strip()]
        check_areas(members)
        return Group(taxonomy.slug(label) or "egen", label.strip(), tuple(members))
    groups, aggs = _groups(store)
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
