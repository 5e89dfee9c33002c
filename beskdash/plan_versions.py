"""Plans as versioned data: the shipped plans in `plans/` are the defaults, analysts' versions in the store
override them (same id) or add to them (new id).

Every saved version is kept with who, when, what changed and its whole YAML; undo goes back one version,
and undoing the first stored version of a plan brings back the shipped file or, for a plan that only
lives in the store, removes it. The goal engine loads plans only through `current()`, so shipped and
stored plans are judged alike. Goals' own figures and assessments are keyed on (plan id, goal id), never
on a version, so they stay attached when a plan changes, and a goal removed in a new version keeps them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import yaml

from beskdash import taxonomy
from beskdash.paths import PLANS_DIR
from beskdash.plans import Plan, PlanError, load_plans, parse_plan_text, plan_yaml
from beskdash.store import Store
from beskdash.store.core import open_stores

# --- Which store holds the analysts' plans -------------------------------------------------

_provider: Callable[[], Store | None] | None = None
_run_memo: Callable[[], dict[str, Any] | None] | None = None


def use_store(provider: Callable[[], Store | None],
              run_memo: Callable[[], dict[str, Any] | None] | None = None) -> None:
    """Name the function that gives this process's store (the app: `ui.store` in a page run), and
    optionally one that gives the current page run's memo, so the plan files are looked at once a run."""
    global _provider, _run_memo
    _provider = provider
    _run_memo = run_memo


def default_store() -> Store | None:
    """The store callers that name none load plans from: the app's page-run store, else the newest
    store open in this process (a CLI command's), else none (shipped plans only)."""
    if _provider is not None and (s := _provider()) is not None:
        return s
    stores = open_stores()
    return stores[-1] if stores else None


# --- Loading -----------------------------------------------------------------------------

_CACHE: dict[tuple, dict[str, Plan]] = {}
_LOCK = threading.Lock()


def _shipped_signature() -> tuple:
    """The shipped plan files (name, mtime) that `load_plans` reads (its glob "*.yaml"): one value per page
    run, and the directory looked at most once every SIGNATURE_SECONDS per process. Nothing in beskdash
    writes these files (analysts' plans are stored versions); an edit or a deployment shows within a
    second, and a page run no longer lists and stats them every time (~0,1 ms of a 2 ms rerun)."""
    run = _run_memo() if _run_memo is not None else None
    if run is not None and (seen := run.get(_SIGNATURE_KEY)) is not None:
        return tuple(seen)
    global _LISTED
    now = time.monotonic()
    listed = _LISTED
    if listed is not None and now - listed[0] < SIGNATURE_SECONDS:
        signature = listed[1]
    else:
        with os.scandir(PLANS_DIR) as entries:
            signature = tuple(sorted((e.name, e.stat().st_mtime_ns) for e in entries if e.name.endswith(".yaml")))
        _LISTED = (now, signature)
    if run is not None:
        run[_SIGNATURE_KEY] = signature
    return signature


SIGNATURE_SECONDS = 1.0
_LISTED: tuple[float, tuple] | None = None  # (monotonic time, signature) of the last listing


_SIGNATURE_KEY = "plans:shipped"  # in a page run's memo (ui), beside its data versions


def _key(store: Store | None) -> tuple:
    if store is None:
        return (_shipped_signature(), None, 0)
    return (_shipped_signature(), str(store.path), store.plan_data_version())


def version_key(store: Store | None = None) -> str:
    """Changes when a shipped file or a stored version changes: part of the pages' cache keys."""
    return str(hash(_key(store if store is not None else default_store())))


def shipped() -> dict[str, Plan]:
    key = (_shipped_signature(), None, 0)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = load_plans()
        return _CACHE[key]


def current(store: Store | None = None) -> dict[str, Plan]:
    """Every plan by id: the shipped ones, with each stored plan's current version over its shipped
    default; re-read only when a file or a stored version changes. Raises PlanError listing all problems."""
    store = store if store is not None else default_store()
    key = _key(store)
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    plans = dict(shipped())
    if store is not None:
        problems = []
        for row in store.current_plan_versions().itertuples():
            if row.yaml is None:
                plans.pop(row.plan_id, None)
                continue
            try:
                plans[row.plan_id] = parse_plan_text(row.yaml, f"{row.plan_id} (version {row.version} i databasen)")
            except PlanError as e:
                problems.extend(e.problems)
        if problems:
            raise PlanError(problems)
    merged = {pid: plans[pid] for pid in sorted(plans)}
    with _LOCK:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = merged
    return merged


def current_version(store: Store, plan_id: str) -> int:
    """The number of the plan's current stored version; 0 when it has none (shipped or absent)."""
    cur = store.current_plan_versions()
    row = cur[cur["plan_id"] == plan_id]
    return int(row["version"].iloc[0]) if len(row) else 0


# --- Preview: what a plan file would change ------------------------------------------------

def is_measurable(goal: Any) -> bool:
    """A number and a deadline (as Planer counts them): an absolute or relative target."""
    return goal.kind == "target" and goal.target is not None and goal.target.type in ("absolute", "relative")


@dataclass(frozen=True)
class PlanPreview:
    plan: Plan
    text: str  # the YAML that is stored
    before: Plan | None  # the current plan of the same id (stored or shipped), or None
    before_version: int  # its stored version number (0: the shipped plan, or none)
    changes: list[str] = field(default_factory=list)

    @property
    def is_noop(self) -> bool:
        return self.before is not None and self.before == self.plan

    @property
    def summary(self) -> str:
        """What changed, in one line, for the history."""
        if self.before is None:
            return f"ny plan med {len(self.plan.goals)} mål"
        head = "; ".join(self.changes[:3])
        return head + (f" (og {len(self.changes) - 3} ændringer mere)" if len(self.changes) > 3 else "")

    def lines(self) -> list[str]:
        """The preview in Danish: the plan, its focus areas and goals, its benchmark, and the diff."""
        p = self.plan
        out = [f"Plan {p.id}: {taxonomy.area_name(p.municipality)}, {p.title} ({p.year})"]
        bench = ", ".join(taxonomy.area_name(a) for a in p.benchmark_areas) or "ingen"
        out.append(f"Sammenlignes med: {bench}")
        out.append(f"Fokusområder ({len(p.focus_areas)}):")
        for fa in p.focus_areas:
            mg = f" (ministermål: {', '.join(fa.minister_goals)})" if fa.minister_goals else ""
            out.append(f"  {fa.id}: {fa.title}{mg}")
        measurable = sum(1 for g in p.goals if is_measurable(g))
        out.append(f"Mål ({len(p.goals)}, heraf {measurable} målbare med tal og frist):")
        for g in p.goals:
            kind = "målbart" if is_measurable(g) else {"target": "retning", "indicator": "indikator",
                                                        "qualitative": "kvalitativt"}[g.kind]
            out.append(f"  {g.id} [{kind}]: {g.title}")
        if self.before is None:
            out.append("Ændringer: ny plan (der findes ingen plan med dette id).")
        elif self.is_noop:
            out.append("Ændringer: ingen ændringer.")
        else:
            base = f"version {self.before_version}" if self.before_version else "den leverede plan"
            out.append(f"Ændringer mod {base}:")
            out.extend(f"  {c}" for c in self.changes)
        return out


def preview_text(store: Store, text: str, name: str) -> PlanPreview:
    """Validate a plan file's text and compare it with the current plan of its id; PlanError when refused."""
    plan = parse_plan_text(text, name)
    return _preview(store, plan, text)


def preview_plan(store: Store, plan: Plan) -> PlanPreview:
    """The same for a plan built in the form (stored as YAML in the schema's field order)."""
    return _preview(store, plan, plan_yaml(plan))


def _preview(store: Store, plan: Plan, text: str) -> PlanPreview:
    before = current(store).get(plan.id)
    changes = diff(before, plan) if before is not None else []
    return PlanPreview(plan, text, before, current_version(store, plan.id), changes)


def _flat(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{path}.{k}" if path else k))
        return out
    return {path: value}


def _show(v: Any) -> str:
    if v is None:
        return "(intet)"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, str) and len(v) > 60:
        return repr(v[:57] + "…")
    return repr(v) if isinstance(v, str) else str(v)


def _field_changes(old: dict, new: dict, prefix: str = "") -> list[str]:
    a, b = _flat(old), _flat(new)
    return [f"{prefix}{k}: {_show(a.get(k))} → {_show(b.get(k))}" for k in sorted(a.keys() | b.keys())
            if a.get(k) != b.get(k)]


def diff(old: Plan, new: Plan) -> list[str]:
    """What differs from `old` to `new`, one Danish line a change; goals and focus areas matched by id."""
    o, n = old.model_dump(mode="json"), new.model_dump(mode="json")
    out = _field_changes({k: v for k, v in o.items() if k not in ("focus_areas", "goals")},
                         {k: v for k, v in n.items() if k not in ("focus_areas", "goals")})
    for key, word in (("focus_areas", "fokusområde"), ("goals", "mål")):
        before = {x["id"]: x for x in o[key]}
        after = {x["id"]: x for x in n[key]}
        for xid, x in after.items():
            if xid not in before:
                out.append(f"nyt {word} {xid}: {_show(x['title'])}")
            else:
                out.extend(_field_changes(before[xid], x, f"{word} {xid}: "))
        out.extend(f"{word} {xid} fjernet" for xid in before if xid not in after)
        if [i for i in before if i in after] != [i for i in after if i in before]:
            out.append(f"rækkefølgen af {'fokusområderne' if key == 'focus_areas' else 'målene'} er ændret")
    return out


# --- Writes ----------------------------------------------------------------------------------

def save(store: Store, preview: PlanPreview, username: str) -> int | None:
    """Store the previewed plan as a new version; None (nothing written) when it changes nothing.
    Raises PlanVersionStale when the plan was changed since the preview."""
    if preview.is_noop:
        return None
    return store.add_plan_version(preview.plan.id, preview.text, username=username, summary=preview.summary,
                                  expected_current=preview.before_version)


def remove(store: Store, plan_id: str, username: str) -> int:
    """Remove a plan (shipped or stored) as one undoable version."""
    if plan_id not in current(store):
        raise PlanError([f"Planen {plan_id} findes ikke."])
    return store.add_plan_version(plan_id, None, username=username, summary="plan fjernet",
                                  expected_current=current_version(store, plan_id))


def undo(store: Store, plan_id: str, username: str) -> str:
    """Go back one version; the Danish sentence says where the plan now stands."""
    undone = store.undo_plan_version(plan_id, username=username)
    now = current_version(store, plan_id)
    if now:
        return f"Version {undone} af {plan_id} er fortrudt; planen er nu version {now}."
    if plan_id in shipped():
        return f"Version {undone} af {plan_id} er fortrudt; planen er nu den leverede fra plans/{plan_id}.yaml."
    return f"Version {undone} af {plan_id} er fortrudt; planen findes ikke længere (den fandtes kun i databasen)."


def copy_plan(plan: Plan, new_id: str, year: int | None = None, title: str | None = None) -> Plan:
    """A new plan from an existing one ("kopiér Allerød 2022 som Allerød 2027"), validated by the schema."""
    data = plan.model_dump(mode="json", exclude_none=True)
    data["id"] = new_id
    if year is not None:
        if title is None and str(plan.year) in plan.title:
            title = plan.title.replace(str(plan.year), str(year))
        data["year"] = year
    if title is not None:
        data["title"] = title
    return parse_plan_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), f"{new_id}.yaml")


# --- Reads for the CLI and Planer ------------------------------------------------------------

def export_yaml(store: Store | None, plan_id: str) -> str:
    """The current version's YAML as stored (comments kept), or the shipped file."""
    if store is not None:
        cur = store.current_plan_versions()
        row = cur[cur["plan_id"] == plan_id]
        if len(row):
            text = row["yaml"].iloc[0]
            if text is None:
                raise PlanError([f"Planen {plan_id} er fjernet (fortryd med `plans undo {plan_id}`)."])
            return str(text)
    path = PLANS_DIR / f"{plan_id}.yaml"
    if not path.exists():
        raise PlanError([f"Planen {plan_id} findes ikke."])
    return path.read_text(encoding="utf-8")


def listing(store: Store | None) -> pd.DataFrame:
    """Every plan: id, municipality, year, version, author and date ("leveret" for a shipped default)."""
    cur = store.current_plan_versions() if store is not None else pd.DataFrame(columns=["plan_id"])
    stored = {r.plan_id: r for r in cur.itertuples()}
    rows = []
    for pid, p in current(store).items():
        r = stored.get(pid)
        rows.append({
            "id": pid, "kommune": taxonomy.area_name(p.municipality), "år": p.year,
            "version": str(r.version) if r is not None else "leveret",
            "af": r.username if r is not None else "–",
            "dato": r.saved_at.strftime("%d.%m.%Y %H:%M") if r is not None else "–",
        })
    return pd.DataFrame(rows, columns=["id", "kommune", "år", "version", "af", "dato"])


def history(store: Store | None, plan_id: str) -> pd.DataFrame:
    """A plan's versions, newest first, ending with the shipped default when there is one."""
    df = store.plan_versions(plan_id) if store is not None else pd.DataFrame()
    rows = []
    for r in df.iloc[::-1].itertuples() if len(df) else []:
        rows.append({
            "version": str(r.version), "dato": r.saved_at.strftime("%d.%m.%Y %H:%M"), "af": r.username,
            "ændring": r.summary,
            "fortrudt": (f"{r.undone_at.strftime('%d.%m.%Y %H:%M')} af {r.undone_by}"
                         if pd.notna(r.undone_at) else ""),
        })
    if plan_id in shipped():
        rows.append({"version": "leveret", "dato": "–", "af": "–", "ændring": f"plans/{plan_id}.yaml",
                     "fortrudt": ""})
    if not rows:
        raise PlanError([f"Planen {plan_id} findes ikke."])
    return pd.DataFrame(rows, columns=["version", "dato", "af", "ændring", "fortrudt"])


def problems_by_field(problems: list[str], name: str) -> dict[str, list[str]]:
    """`name: goals[3].target.value: why` lines by their path ("" for the whole plan), for the form."""
    out: dict[str, list[str]] = {}
    for line in problems:
        rest = line.removeprefix(f"{name}: ")
        path, sep, why = rest.partition(": ")
        if not sep or " " in path:
            path, why = "", rest
        out.setdefault(path, []).append(why)
    return out


def undoable(store: Store) -> list[str]:
    """The plans with a stored version to go back from."""
    return store.current_plan_versions()["plan_id"].tolist()


def draft_of(plan: Plan) -> dict:
    """A plan as the data the form edits."""
    return plan.model_dump(mode="json", exclude_none=True)
