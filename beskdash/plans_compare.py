"""The plans side by side: which minister goals each answers, how many targets can be measured,
where municipalities follow the same thing (with their baselines), and what changed from one
year's plan to the next.

Everything comes from plans/*.yaml (and data/comparable_indicators.yaml for the themes); the
wording of units, values and targets is borrowed from `beskdash.text.goals`, so a target reads
the same here as on Målopfølgning.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from beskdash import fmt, goals, taxonomy, yamlfile
from beskdash.paths import DATA_DIR
from beskdash.plans import Goal, Plan, minister_goals
from beskdash.text import goals as say

THEMES_FILE = DATA_DIR / "comparable_indicators.yaml"
MATCH = 0.85  # title similarity from which two goals of successive plans count as the same goal
NEW, DROPPED, CHANGED, SAME = "ny", "udgået", "ændret", "uændret"
STATUSES = (NEW, DROPPED, CHANGED, SAME)
STATUS_LABELS = {NEW: "➕ ny", DROPPED: "➖ udgået", CHANGED: "✎ ændret", SAME: "= uændret"}


# --- Plans -----------------------------------------------------------------------------------

def ordered(plans: dict[str, Plan]) -> dict[str, Plan]:
    """The plans by municipality name, then year (the order every table here lists them in)."""
    return dict(sorted(plans.items(), key=lambda kv: (taxonomy.area_name(kv[1].municipality), kv[1].year)))


def _numbered(n: int, title: str) -> str:
    """`nr. 5: …`, not `5. …`, which a Markdown table cell would turn into a numbered list."""
    return f"nr. {n}: {title}"


def plan_label(plan: Plan) -> str:
    """`Lyngby-Taarbæk 2021`."""
    return f"{taxonomy.area_name(plan.municipality)} {plan.year}"


# --- Minister goals × plans -------------------------------------------------------------------

def minister_goal_matrix(plans: dict[str, Plan]) -> pd.DataFrame:
    """One row per plan and minister goal: the plan's focus areas that answer it (empty: none)."""
    rows = []
    for pid, plan in plans.items():
        for g in minister_goals():
            fas = [(i, f) for i, f in enumerate(plan.focus_areas, start=1) if g["key"] in f.minister_goals]
            rows.append((pid, plan_label(plan), g["key"], g["da"], [_numbered(i, f.title) for i, f in fas], bool(fas)))
    return pd.DataFrame(rows, columns=["plan", "plan_label", "goal", "goal_da", "focus_areas", "answered"])


def own_focus_areas(plans: dict[str, Plan]) -> dict[str, list[str]]:
    """Per plan: the focus areas the municipality chose itself (answering no minister goal)."""
    return {pid: [f.title for f in p.focus_areas if not f.minister_goals] for pid, p in plans.items()}


def matrix_display(long: pd.DataFrame, plans: dict[str, Plan]) -> pd.DataFrame:
    """Minister goals down, plans across: ✓ where a focus area answers the goal, – where none does;
    a last row counts the municipality's own focus areas."""
    labels = [plan_label(p) for p in plans.values()]
    wide = long.pivot(index="goal_da", columns="plan_label", values="answered")
    order = [g["da"] for g in minister_goals()]
    wide = wide.reindex(index=order, columns=labels).map(lambda v: "✓" if v else "–")
    wide.columns.name = None
    own = own_focus_areas(plans)
    wide.loc["Egne fokusområder (uden ministermål)"] = [str(len(own[pid])) for pid in plans]
    return wide.rename_axis("Ministermål").reset_index()


def matrix_details(long: pd.DataFrame) -> pd.DataFrame:
    """Which focus area answers which minister goal, as the plans word them."""
    d = long[long["answered"]]
    return pd.DataFrame({"Plan": d["plan_label"], "Ministermål": d["goal_da"],
                         "Fokusområde(r) i planen": d["focus_areas"].map("; ".join)})


# --- Measurable targets ---------------------------------------------------------------------------

def target_counts(plans: dict[str, Plan]) -> pd.DataFrame:
    """Per plan: goals in all, measurable targets (a number and a deadline), those beskdash can
    follow with data, direction-only targets, unpublished targets, indicators and qualitative goals."""
    rows = []
    for pid, p in plans.items():
        gs = p.goals
        targets = [g for g in gs if g.kind == "target" and g.target is not None]
        measurable = [g for g in targets if g.target and g.target.type in ("absolute", "relative")]
        rows.append({
            "plan": pid, "plan_label": plan_label(p), "goals": len(gs), "measurable": len(measurable),
            "measurable_with_data": sum(1 for g in measurable if g.indicator and g.indicator.series),
            "direction_only": sum(1 for g in targets if g.target and g.target.type == "direction"),
            # getattr: older plan schemas had no unpublished_target
            "unpublished": sum(1 for g in gs if getattr(g, "unpublished_target", None) is not None),
            "indicators": sum(1 for g in gs if g.kind == "indicator"),
            "qualitative": sum(1 for g in gs if g.kind == "qualitative"),
        })
    return pd.DataFrame(rows)


def counts_display(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Plan": df["plan_label"],
        "Mål og opfølgningspunkter": df["goals"],
        "Målbare mål (tal og frist)": df["measurable"],
        "heraf med data i beskdash": df["measurable_with_data"],
        "Kun en retning": df["direction_only"],
        "Mål ikke offentliggjort": df["unpublished"],
        "Indikatorer uden mål": df["indicators"],
        "Kvalitative": df["qualitative"],
    })


# --- Comparable indicators -------------------------------------------------------------------------

@dataclass(frozen=True)
class Theme:
    key: str
    da: str
    goals: tuple[tuple[str, str], ...]  # (plan id, goal id)


def themes(path: Path = THEMES_FILE) -> list[Theme]:
    return list(_themes(path, path.stat().st_mtime_ns))


@functools.lru_cache(maxsize=4)
def _themes(path: Path, mtime_ns: int) -> tuple[Theme, ...]:
    """Parsed once per version of the file (`mtime_ns` is only the cache key): Planer reads it on every rerun."""
    data = yamlfile.safe_load(path.read_text(encoding="utf-8"))
    return tuple(Theme(t["key"], t["da"], tuple(tuple(ref.split("/", 1)) for ref in t["goals"]))
                 for t in data["themes"])


def check_themes(plans: dict[str, Plan], path: Path = THEMES_FILE) -> list[str]:
    """Every goal a theme names must exist in its plan (Danish problems, empty when all do)."""
    out = []
    for t in themes(path):
        for pid, gid in t.goals:
            if pid not in plans:
                out.append(f"{path.name}: tema {t.key}: ukendt plan '{pid}'")
            elif not any(g.id == gid for g in plans[pid].goals):
                out.append(f"{path.name}: tema {t.key}: planen {pid} har intet mål '{gid}'")
    return out


def indicator_text(goal: Goal) -> str:
    """What the goal is measured by: `A-dagpenge + Kontanthjælp (Fuldtidspersoner)`, or the named indicator."""
    ind = goal.indicator
    if ind is None:
        return "–"
    if ind.series is not None:
        s = ind.series
        benefits = " + ".join(taxonomy.benefit_label(b) for b in s.benefits)
        return f"{benefits} ({taxonomy.measure_label(s.measure).lower()})"
    assert ind.named is not None  # plans.Indicator holds a series or a named indicator
    return f"{ind.named.name} ({ind.named.unit})"


def baseline_text(goal: Goal) -> str:
    b = goal.baseline
    if b is None:
        return "ingen"
    if b.value is None:
        return f"intet tal trykt ({fmt.period(b.period)})"
    return f"{say.value(b.value, goals.unit_of(goal))} ({fmt.period(b.period)})"


def target_text(goal: Goal) -> str:
    """The target as on Målopfølgning (`≤ 288 fuldtidspersoner i 2022`), from the plan alone."""
    t = goal.target
    base = goal.baseline.value if goal.baseline else None
    value = t.value if t is not None and t.type == "absolute" else None
    text = say.target_text(goal, value, base, goals.unit_of(goal))
    return f"{text} {say.deadline_text(t.deadline)}".strip() if t is not None else text


def theme_table(theme: Theme, plans: dict[str, Plan]) -> pd.DataFrame:
    """The theme's goals side by side: plan, goal, indicator, baseline, target, where printed."""
    rows = []
    for pid, gid in theme.goals:
        plan = plans.get(pid)
        goal = next((g for g in plan.goals if g.id == gid), None) if plan else None
        if plan is None or goal is None:
            continue
        b = goal.baseline
        rows.append({
            "plan": pid, "plan_label": plan_label(plan), "goal_id": gid, "title": goal.title,
            "kind": say.KIND_LABELS[goal.kind], "indicator": indicator_text(goal), "unit": goals.unit_of(goal),
            "baseline_value": b.value if b else None, "baseline_period": b.period if b else None,
            "baseline": baseline_text(goal), "target": target_text(goal),
            "ref": f"{goal.ref.file or plan.seed_file} · {goal.ref.section}",
        })
    return pd.DataFrame(rows)


def theme_display(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Plan": df["plan_label"], "Mål eller opfølgning": df["title"], "Type": df["kind"],
                         "Indikator": df["indicator"], "Baseline": df["baseline"], "Mål": df["target"],
                         "Kilde i planen": df["ref"]})


def theme_note(df: pd.DataFrame) -> str:
    """One or two Danish sentences on how comparable the theme's goals are, from the table itself."""
    if df.empty:
        return "Ingen af planerne har mål for dette tema."
    n_plans = df["plan"].nunique()
    units = sorted({u for u in df["unit"] if u})
    with_base = int(df["baseline_value"].notna().sum())
    text = (f"{n_plans} {'plan følger' if n_plans == 1 else 'planer følger'} temaet med {len(df)} "
            f"{'mål' if len(df) == 1 else 'mål og indikatorer'}; {with_base} har en trykt baseline.")
    if len(units) > 1:
        text += f" De måles i forskellige enheder ({', '.join(units)}), så tallene kan ikke sammenlignes direkte."
    return text


# --- One year's plan against the next ---------------------------------------------------------------

def successive_pairs(plans: dict[str, Plan]) -> list[tuple[str, str]]:
    """(older, newer) plan ids of the same municipality in consecutive years."""
    out = []
    by_year = {(p.municipality, p.year): pid for pid, p in plans.items()}
    for (mun, year), pid in sorted(by_year.items()):
        nxt = by_year.get((mun, year + 1))
        if nxt:
            out.append((pid, nxt))
    return out


def _norm(title: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\wæøå ]+", " ", title.lower())).strip()


def _similarity(a: str, b: str) -> float:
    na, nb = _norm(a), _norm(b)
    score = difflib.SequenceMatcher(None, na, nb).ratio()
    if na and nb and (na.startswith(nb) or nb.startswith(na)):
        score = max(score, 0.9)  # one split into parts ("…: uddannelsesparate")
    return score


def _match(old: list, new: list, title) -> dict[int, int]:
    """new index → old index for the best-matching old item with similarity ≥ MATCH."""
    out = {}
    for j, n in enumerate(new):
        scores = [(_similarity(title(o), title(n)), i) for i, o in enumerate(old)]
        best = max(scores, default=(0.0, -1))
        if best[0] >= MATCH:
            out[j] = best[1]
    return out


@dataclass(frozen=True)
class PlanDiff:
    old: str
    new: str
    focus_areas: pd.DataFrame  # status, old_no, old_title, new_no, new_title, changes
    goals: pd.DataFrame  # status, old_focus, new_focus, old_title, new_title, changes

    def counts(self) -> dict[str, dict[str, int]]:
        return {name: {s: int((df["status"] == s).sum()) for s in STATUSES}
                for name, df in (("focus_areas", self.focus_areas), ("goals", self.goals))}


def compare(old: Plan, new: Plan) -> PlanDiff:
    """What was added, dropped or changed from `old` to `new`: focus areas and goals, matched by title."""
    fa_match = _match(old.focus_areas, new.focus_areas, lambda f: f.title)
    fa_rows: list[tuple[str, int | None, str | None, int | None, str | None, str]] = []
    fa_new_of_old: dict[str, str] = {}
    for j, f in enumerate(new.focus_areas):
        i = fa_match.get(j)
        if i is None:
            fa_rows.append((NEW, None, None, j + 1, f.title, ""))
            continue
        o = old.focus_areas[i]
        fa_new_of_old[o.id] = f.id
        changes = []
        if i != j:
            changes.append(f"nr. {i + 1} → nr. {j + 1}")
        if _norm(o.title) != _norm(f.title):
            changes.append("ny formulering")
        if sorted(o.minister_goals) != sorted(f.minister_goals):
            changes.append(f"ministermål: {_goals_text(o.minister_goals)} → {_goals_text(f.minister_goals)}")
        fa_rows.append((CHANGED if changes else SAME, i + 1, o.title, j + 1, f.title, "; ".join(changes)))
    matched_old = set(fa_match.values())
    for i, o in enumerate(old.focus_areas):
        if i not in matched_old:
            fa_rows.append((DROPPED, i + 1, o.title, None, None, ""))

    fa_no = {**{f.id: (k, f.title) for k, f in enumerate(old.focus_areas, start=1)}}
    new_fa_no = {f.id: (k, f.title) for k, f in enumerate(new.focus_areas, start=1)}
    g_match = _match(old.goals, new.goals, lambda g: g.title)
    splits = {i: sum(1 for v in g_match.values() if v == i) for i in set(g_match.values())}
    g_rows: list[tuple[str, str | None, str | None, str | None, str | None, str]] = []
    for j, g in enumerate(new.goals):
        i = g_match.get(j)
        if i is None:
            g_rows.append((NEW, None, _fa_text(new_fa_no, g.focus_area), None, g.title, ""))
            continue
        og = old.goals[i]
        changes = _goal_changes(og, g, fa_new_of_old, old, new)
        if splits[i] > 1:
            changes.insert(0, f"delt i {splits[i]} punkter")
        g_rows.append((CHANGED if changes else SAME, _fa_text(fa_no, og.focus_area), _fa_text(new_fa_no, g.focus_area),
                       og.title, g.title, "; ".join(changes)))
    matched = set(g_match.values())
    for i, og in enumerate(old.goals):
        if i not in matched:
            g_rows.append((DROPPED, _fa_text(fa_no, og.focus_area), None, og.title, None, ""))
    order = {s: k for k, s in enumerate(STATUSES)}
    fa = pd.DataFrame(fa_rows, columns=["status", "old_no", "old_title", "new_no", "new_title", "changes"])
    gl = pd.DataFrame(g_rows, columns=["status", "old_focus", "new_focus", "old_title", "new_title", "changes"])
    fa = fa.sort_values("status", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    gl = gl.sort_values("status", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    return PlanDiff(old.id, new.id, fa, gl)


def _goals_text(keys: list[str]) -> str:
    names = {g["key"]: g["da"] for g in minister_goals()}
    return ", ".join(names.get(k, k) for k in keys) or "ingen"


def _fa_text(numbers: dict[str, tuple[int, str]], fa_id: str | None) -> str | None:
    if fa_id is None or fa_id not in numbers:
        return "(uden fokusområde)"
    k, title = numbers[fa_id]
    return _numbered(k, title)


def _goal_changes(o: Goal, g: Goal, fa_new_of_old: dict[str, str], old: Plan, new: Plan) -> list[str]:
    out = []
    if _norm(o.title) != _norm(g.title):
        out.append("ny formulering")
    if o.kind != g.kind:
        out.append(f"type: {say.KIND_LABELS[o.kind]} → {say.KIND_LABELS[g.kind]}")
    if fa_new_of_old.get(o.focus_area or "") != g.focus_area and (o.focus_area or g.focus_area):
        out.append("andet fokusområde")
    if _indicator_key(o) != _indicator_key(g):
        out.append(f"indikator: {indicator_text(o)} → {indicator_text(g)}")
    if _source(g) and _source(g) != _source(o):
        out.append(f"kilde angivet: {_source(g)}")
    if (o.target or g.target) and target_text(o) != target_text(g):
        out.append(f"mål: {target_text(o)} → {target_text(g)}")
    if baseline_text(o) != baseline_text(g):
        out.append(f"baseline: {baseline_text(o)} → {baseline_text(g)}")
    return out


def _indicator_key(goal: Goal) -> tuple:
    """What identifies an indicator across plans: a series' keys; for a named indicator only its
    unit, since the name is the transcriber's paraphrase (the title says what the plan printed)."""
    ind = goal.indicator
    if ind is None:
        return ()
    if ind.series is not None:
        s = ind.series
        return ("series", s.area, tuple(s.benefits), s.measure)
    assert ind.named is not None  # plans.Indicator holds a series or a named indicator
    return ("named", ind.named.unit)


def _source(goal: Goal) -> str | None:
    """Where the plan says a named indicator's figure comes from (getattr: older schemas lack it)."""
    ind = goal.indicator
    return getattr(ind.named, "source", None) if ind is not None and ind.named is not None else None


def diff_display(diff: PlanDiff) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The focus areas' and the goals' rows as Danish columns."""
    fa, gl = diff.focus_areas, diff.goals
    f = pd.DataFrame({"Ændring": fa["status"].map(STATUS_LABELS),
                      "Før": [_numbered(int(n), t) if t else "–" for n, t in zip(fa["old_no"], fa["old_title"])],
                      "Nu": [_numbered(int(n), t) if t else "–" for n, t in zip(fa["new_no"], fa["new_title"])],
                      "Hvad er ændret": fa["changes"]})
    g = pd.DataFrame({"Ændring": gl["status"].map(STATUS_LABELS),
                      "Fokusområde før": gl["old_focus"].fillna("–"), "Fokusområde nu": gl["new_focus"].fillna("–"),
                      "Før": gl["old_title"].fillna("–"), "Nu": gl["new_title"].fillna("–"),
                      "Hvad er ændret": gl["changes"]})
    return f, g


def pair_choices(plans: dict[str, Plan]) -> dict[str, str]:
    """For a picker: `ltk-2021>ltk-2022` → `Lyngby-Taarbæk 2021 → Lyngby-Taarbæk 2022`."""
    return {f"{a}>{b}": f"{plan_label(plans[a])} → {plan_label(plans[b])}" for a, b in successive_pairs(plans)}


def compare_pair(plans: dict[str, Plan], pair: str) -> PlanDiff:
    old, new = pair.split(">", 1)
    return compare(plans[old], plans[new])


# --- The Planer page's finished parts (each cached whole by the page, per plans version) -----------------

def overview_tables(plans: dict[str, Plan]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Minister goals × plans, which focus areas answer which minister goal, and the target counts."""
    matrix = minister_goal_matrix(plans)
    return matrix_display(matrix, plans), matrix_details(matrix), counts_display(target_counts(plans))


def theme_view(theme: Theme, plans: dict[str, Plan]) -> tuple[str, pd.DataFrame, list[str]]:
    """A theme's note, its table as shown, and the source keys of the plans in it."""
    rows = theme_table(theme, plans)
    return theme_note(rows), theme_display(rows), plan_sources(rows.get("plan", []))


def pair_view(plans: dict[str, Plan], pair: str) -> tuple[str, pd.DataFrame, pd.DataFrame, list[str]]:
    """One year's plan against the next: the summary, the focus areas' and goals' tables, the source keys."""
    diff = compare_pair(plans, pair)
    fa_table, goal_table = diff_display(diff)
    return diff_summary(diff), fa_table, goal_table, plan_sources([diff.old, diff.new])


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def diff_summary(diff: PlanDiff) -> str:
    """Two Danish sentences counting what was added, dropped and changed."""
    c = diff.counts()
    fa, gl = c["focus_areas"], c["goals"]
    kept = fa[CHANGED] + fa[SAME]
    text = (f"Fokusområder: {_n(kept, 'går igen', 'går igen')}, {_n(fa[NEW], 'ny', 'nye')} og "
            f"{_n(fa[DROPPED], 'udgået', 'udgåede')}; {_n(fa[CHANGED], 'er ændret', 'er ændret')} "
            "(nummer, formulering eller ministermål). ")
    text += (f"Mål og opfølgningspunkter: {_n(gl[NEW], 'nyt', 'nye')}, {_n(gl[DROPPED], 'udgået', 'udgåede')}, "
             f"{_n(gl[CHANGED], 'ændret', 'ændrede')} og {_n(gl[SAME], 'uændret', 'uændrede')}.")
    return text


def plan_sources(plan_ids) -> list[str]:
    """The store's source keys of the plans (for the source footer)."""
    return [f"plan:{pid}" for pid in dict.fromkeys(plan_ids)]
