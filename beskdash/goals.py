"""The target engine: every goal of a plan judged against the observations by one rule.

The rule, stated once (``text.goals.rule_text`` says it in Danish). The engine decides and counts; it
writes no Danish: each result carries a `Status`, a `Reason` code and the numbers behind it, and
`beskdash.text.goals` words them (``say.reason(r)``, ``say.target_of(r)``, ``say.missing_hint(r)``).


1. Qualitative goals, and indicators the plan sets no target for, are not judged.
2. Baseline: the figure the plan prints; where the plan names only the period, the value the
   data hold for that period; a direction-only target without a baseline is measured against
   the last value before the plan year.
3. Target: an absolute value; a relative change resolved against the baseline; or, for a
   direction only, the baseline itself, which must be beaten.
4. Latest: the newest period after the baseline (without one: after the year before the plan)
   in which every benefit of the series has a value. Sums add numerators, never shares. No such
   period is ``kan ikke vurderes: mangler data efter <periode>``: missing data is never a pass.
5. ``nået`` when the latest value meets the target: at or below for a decrease, at or above for
   an increase (strictly below/above for "under …" and for a direction), within the tolerance.
6. Not met and the deadline reached: ``ikke på vej``.
7. Otherwise the trend decides, projected to the deadline: meeting the target there is ``på vej``,
   else ``ikke på vej``. Monthly and quarterly values are projected with the season removed
   (``beskdash.season``: the 12-month or 4-quarter moving average, or the change from the same
   periods a year earlier), never across a known series break; yearly values by a least-squares line
   through the last ``TREND_POINTS`` (at least ``MIN_TREND_POINTS``). Too few: ``kan ikke vurderes``.

The target's own type of period decides what is compared: a target for a year is judged on that
year's figure (the source's own, else the mean of all its months or quarters, never one month), a
quarterly target on quarters, a monthly one on months; at the deadline, on the deadline's own period.

A goal without a data series is judged on the municipality's own figures by the same rule; a
qualitative goal shows the jobcenter's own assessment (``Reason.ASSESSED``), never a computed result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import starmap
from typing import Any

import pandas as pd

from beskdash import evidence, periods, plan_versions, season, taxonomy, template
from beskdash.evidence import Entered
from beskdash.needs import SeriesBreak, breaks_for
from beskdash.plans import FocusArea, Goal, Plan, PlanError, minister_goals
from beskdash.points import (
    ObsIndex,
    Point,
    index_observations,
    is_na,
    judged_points,
    judged_rows,
    series_points,
    series_rows,
    to_frame,
)
from beskdash.status import Status
from beskdash.store import Store
from beskdash.taxonomy import NUMERATOR_MEASURE, SHARE_DENOMINATORS

TREND_POINTS = 8
MIN_TREND_POINTS = 3
_EPS = 1e-9

_BY_WORD = {s.word: s for s in Status}  # an entered assessment (`på vej`) as its Status


class Reason(StrEnum):
    """Why a goal has its status: the rule's branch that decided (``text.goals.reason`` words it)."""

    QUALITATIVE = "qualitative"  # no number to judge
    NO_TARGET = "no-target"  # an indicator without a (published) target; `latest` where the data have one
    NO_SERIES = "no-series"  # the named indicator is no data series yet
    MISSING_AFTER = "missing-after"  # no complete value after `after` (see `suppressed`, `incomplete`)
    MISSING_BASELINE = "missing-baseline"  # the level a relative/direction target is reckoned from is missing
    MET = "met"  # the latest value meets the target
    DEADLINE_PASSED = "deadline-passed"  # not met, and the deadline is reached
    TOO_FEW_POINTS = "too-few-points"  # `trend_values` values of `series_kind`, fewer than MIN_TREND_POINTS
    PROJECTED_MET = "projected-met"  # the projection meets the target at the deadline
    PROJECTED_NOT_MET = "projected-not-met"  # the projection misses it
    ASSESSED = "assessed"  # a qualitative goal: the jobcenter's own assessment (`entered`), not computed
    INCOMPLETE_PERIOD = "incomplete-period"  # a yearly/quarterly target, no complete period, no projection


@dataclass(frozen=True)
class Projection:
    """A least-squares line through the last points of one periodicity, read at the deadline."""

    kind: str  # periodicity of the points: month, quarter, year
    n_points: int
    first_period: str
    last_period: str
    slope: float  # per period of `kind`
    intercept: float  # value at ordinal 0 of `kind`
    deadline_value: float

    def at(self, period: str) -> float:
        return self.intercept + self.slope * _ordinal_at(periods.end_month(period), self.kind)


@dataclass(frozen=True)
class GoalResult:
    plan: str
    goal_id: str
    title: str
    kind: str  # target, indicator, qualitative
    focus_area: str | None
    direction: str | None  # decrease, increase
    unit: str
    measure: str | None  # the measure key of a series goal
    baseline: float | None
    baseline_period: str | None
    baseline_from: str | None  # "plan" or the source key of the data value
    target: float | None  # the resolved target value (None for a direction only)
    target_type: str | None  # absolute, relative, direction
    deadline: str | None
    latest: float | None
    latest_period: str | None
    latest_source: str | None
    reference: float | None  # what the latest value is measured against (target, or baseline)
    gap: float | None  # latest − reference
    gap_pct: float | None  # gap in % of the reference
    status: Status
    reason: Reason
    goal: Goal = field(repr=False, compare=False)  # the plan's goal, for wording its target and extract
    municipality: str = ""  # the plan's municipality and year (the missing extract's area and years)
    plan_year: int = 0
    projection: Projection | season.SeasonalProjection | None = None  # a straight line, or with the season removed
    series_kind: str | None = None
    after: str | None = None  # the period after which data count
    suppressed: int = 0  # periods after `after` without a number because the source suppresses a part
    incomplete: int = 0  # periods after `after` where a part of the sum is absent
    needs_baseline: bool = False  # the target is reckoned from a baseline the data lack
    trend_values: int = 0  # values of `series_kind` (for TOO_FEW_POINTS)
    needs_extract: bool = False  # a data extract would let the engine judge the goal
    sources: tuple[str, ...] = ()  # source keys of every figure shown
    ref_section: str = ""
    ref_quote: str | None = None
    seed_file: str = ""
    evidence: str = ""  # template.SERIES, OWN or ASSESSMENT: what kind of evidence follows the goal
    entered: tuple[Entered, ...] = ()  # the own figures or the assessment the result rests on
    latest_how: str | None = None  # how the latest figure was found: 'kilde', 'gennemsnit af 12 måneder', …
    parts: tuple[int, int] = (0, 0)  # INCOMPLETE_PERIOD: (months or quarters with a value, of how many)
    series_break: SeriesBreak | None = None  # a known break inside the judged span (never projected across)
    # The template rows that would fill an own-figures or assessment goal (found with the plan at hand, so a
    # stored plan version is read from the same store as the goal).
    template_rows: tuple[template.TemplateRow, ...] = ()


# --- Plans ---------------------------------------------------------------------------------

def plans(store: Store | None = None) -> dict[str, Plan]:
    """Every plan by id: shipped and analysts' stored versions, through one loader (plan_versions)."""
    return plan_versions.current(store)


def plans_problem() -> str | None:
    """None when every plan file is valid; else the Danish problems, one a line (for the pages)."""
    try:
        plans()
    except PlanError as e:
        return "\n".join(e.problems)
    return None


def plans_version() -> str:
    """Changes when a plan file or a stored plan version changes: part of the cache key of the pages' goal queries."""
    return plan_versions.version_key()


def unit_of(goal: Goal) -> str:
    """The unit a goal is measured in: the series' measure, or the named indicator's unit."""
    ind = goal.indicator
    if ind is None:
        return ""
    if ind.series is not None:
        return taxonomy.measure(ind.series.measure).unit_da
    assert ind.named is not None  # plans.Indicator holds a series or a named indicator
    return "%" if ind.named.unit.strip().lower() in ("pct.", "pct", "%", "procent") else ind.named.unit


# --- Series --------------------------------------------------------------------------------

def _ordinal_at(end_month: int, kind: str) -> int:
    """The ordinal in periodicity `kind` of the period ending in month `end_month`."""
    if kind == "month":
        return end_month
    if kind in ("quarter", "mat"):
        return end_month // 3
    return end_month // 12


def project(points: pd.DataFrame, deadline: str) -> Projection | None:
    """Least squares over the last TREND_POINTS valid points (one periodicity), read at the deadline."""
    pts = points.dropna(subset=["value"]).tail(TREND_POINTS)
    if len(pts) < MIN_TREND_POINTS:
        return None
    kind = pts["kind"].iloc[0]
    xs = [float(periods.ordinal(p)) for p in pts["period"]]
    ys = [float(v) for v in pts["value"]]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    intercept = my - slope * mx
    at = intercept + slope * _ordinal_at(periods.end_month(deadline), kind)
    return Projection(kind, len(pts), pts["period"].iloc[0], pts["period"].iloc[-1], slope, intercept, at)


def project_seasonal(points: pd.DataFrame, deadline: str, brk: SeriesBreak | None,
                     yearly_kind: str) -> season.SeasonalProjection | Projection | None:
    """The deadline's figure projected without reading the season as a trend: monthly values, else quarterly
    (season removed, see `beskdash.season`), else yearly (straight line); only values after a series break."""
    pts = points.dropna(subset=["value"])
    if brk is not None:
        pts = pts[pts["end"] >= periods.end_month(brk.period)]
    for kind in ("month", "quarter"):
        if (pts["kind"] == kind).any():
            p = season.project(pts, deadline, kind)
            if p is not None:
                return p
    yearly = pts[pts["kind"] == yearly_kind]
    return project(yearly, deadline) if len(yearly) else None


def _meets(value: float, reference: float, direction: str | None, strict: bool, tolerance: float) -> bool:
    if direction == "decrease":
        return value < reference + tolerance - _EPS if strict else value <= reference + tolerance + _EPS
    return value > reference - tolerance + _EPS if strict else value >= reference - tolerance - _EPS


def _choose_kind(valid_after: list[Point], deadline_kind: str | None) -> str:
    """The periodicity to judge by: the one with the newest value; ties go to the deadline's, then
    to the one with more values (then to the first by name)."""
    newest: dict[str, int] = {}
    count: dict[str, int] = {}
    for r in valid_after:
        newest[r.kind] = max(newest.get(r.kind, r.end), r.end)
        count[r.kind] = count.get(r.kind, 0) + 1
    return max(sorted(newest), key=lambda k: (newest[k], k == deadline_kind, count[k]))


# --- The engine ----------------------------------------------------------------------------

def evaluate(plan: Plan, goal: Goal, obs: pd.DataFrame | ObsIndex, figures: pd.DataFrame | None = None
             ) -> GoalResult:
    """One goal judged against `obs` (tidy observations, or their `index_observations`; only the goal's series
    is used) and, for a goal without a series, `figures` (the own figures and assessments, `Store.goal_figures`)."""
    return _evaluate(plan, goal, obs if isinstance(obs, dict) else index_observations(obs), figures,
                     template.rows_for(plan, goal.id))


def _evaluate(plan: Plan, goal: Goal, index: ObsIndex, figures: pd.DataFrame | None,
              template_rows: list[template.TemplateRow]) -> GoalResult:
    unit = unit_of(goal)
    kind_of_evidence = template.evidence_kind(goal)
    s = goal.indicator.series if goal.indicator else None
    measure = s.measure if s else None
    t = goal.target
    base: dict[str, Any] = dict(
        plan=plan.id, goal_id=goal.id, title=goal.title, kind=goal.kind, focus_area=goal.focus_area,
        direction=goal.direction, unit=unit, measure=measure, target_type=t.type if t else None,
        deadline=t.deadline if t else None, ref_section=goal.ref.section, ref_quote=goal.ref.quote,
        seed_file=goal.ref.file or plan.seed_file, goal=goal, municipality=plan.municipality, plan_year=plan.year,
        evidence=kind_of_evidence,
        template_rows=() if kind_of_evidence == template.SERIES else tuple(template_rows),
    )
    plan_source = f"plan:{plan.id}"
    printed = goal.baseline is not None and goal.baseline.value is not None
    baseline = goal.baseline.value if goal.baseline is not None else None  # None unless printed
    baseline_period = goal.baseline.period if goal.baseline else None
    baseline_from = "plan" if printed else None
    sources: list[str] = [plan_source]

    if kind_of_evidence == template.ASSESSMENT:
        none: dict[str, Any] = dict(baseline=None, baseline_period=None, baseline_from=None, target=None,
                                    latest=None, latest_period=None, latest_source=None, reference=None, gap=None,
                                    gap_pct=None)
        a = evidence.assessment(figures, plan.id, goal.id) if figures is not None else None
        if a is not None and a.assessment:
            return GoalResult(**base, **none, status=_BY_WORD[a.assessment], reason=Reason.ASSESSED,
                              sources=(*sources, evidence.source_key(plan.id)), entered=(a,))
        return GoalResult(**base, **none, status=Status.KAN_IKKE, reason=Reason.QUALITATIVE, sources=tuple(sources))

    entered: tuple[Entered, ...] = ()
    if kind_of_evidence == template.OWN:
        entered = tuple(evidence.entries(figures, plan.id, goal.id)) if figures is not None else ()
        rows = list(starmap(Point, evidence.point_rows(entered, plan.id)))
    else:
        rows = series_rows(goal, index)
    valid = [r for r in rows if not is_na(r.value)]
    values = season.by_period((r.period, r.kind, r.value) for r in rows)
    deadline_kind = periods.kind(t.deadline) if t else None
    # The target's own type of period: a year's (or quarter's) figure, never one month of it.
    judged = judged_rows(valid, values, deadline_kind) if deadline_kind in ("year", "quarter") else None
    # The baseline the plan names without a figure, taken from the data for that very period.
    if baseline is None and baseline_period is not None:
        v, _how = season.value_of(values, baseline_period)
        if v is not None:
            used = [r for r in valid if r.end <= periods.end_month(baseline_period)]
            baseline, baseline_from = v, (used[-1].sources[0] if used else None)
    # A direction without a baseline: the last value before the plan year (a whole year for a yearly target).
    if baseline_period is None and t is not None and t.type == "direction" and valid:
        before = [r for r in (judged or valid) if r.end < plan.year * 12]
        if before:
            prior = before[-1]
            baseline, baseline_period, baseline_from = float(prior.value), prior.period, prior.sources[0]
    after = baseline_period or str(plan.year - 1)
    after_end = periods.end_month(after)
    if baseline_from and baseline_from != "plan":
        sources.append(baseline_from)

    # The target value.
    target = reference = None
    if t is not None:
        if t.type == "absolute":
            target = reference = t.value
        elif t.type == "relative" and baseline is not None and t.change_pct is not None:
            target = reference = baseline * (1 + t.change_pct / 100)
        elif t.type == "direction":
            reference = baseline

    later = [r for r in valid if r.end > after_end]
    gaps = [r for r in rows if r.end > after_end and is_na(r.value)]
    suppressed = sum(1 for r in gaps if r.suppressed)
    incomplete = sum(1 for r in gaps if r.incomplete and not r.suppressed)
    needs_baseline = baseline is None and t is not None and t.type != "absolute"
    latest = latest_period = latest_source = latest_how = None
    parts = (0, 0)
    if judged is not None and later:
        # A yearly (quarterly) target: only whole periods count; at the deadline, the deadline's own.
        kind = deadline_kind
        pool = [j for j in judged if j.end > after_end]
        at_deadline = [j for j in pool if t is not None and j.period == t.deadline]
        last = at_deadline[-1] if at_deadline else (pool[-1] if pool else None)
        if last is not None:
            latest, latest_period, latest_source = float(last.value), str(last.period), last.sources[0]
            latest_how = str(last.how)
            sources.extend(last.sources)
        else:
            newest = later[-1]
            period = str(periods.year(newest.period)) if kind == "year" else (
                f"{periods.year(newest.period)}Q{(int(newest.end) % 12) // 3 + 1}")
            parts = season.parts_of(values, period)
            sources.extend(newest.sources)
    else:
        kind = _choose_kind(later, deadline_kind) if later else None
        if kind is not None:
            last = [r for r in later if r.kind == kind][-1]
            latest, latest_period, latest_source = float(last.value), str(last.period), last.sources[0]
            sources.extend(last.sources)
    brks = breaks_for(list(s.benefits), after) if s is not None else []
    brk = brks[-1] if brks else None
    gap = gap_pct = None
    if latest is not None and reference is not None:
        gap = latest - reference
        gap_pct = gap / reference * 100 if reference else None

    common: dict[str, Any] = dict(
        **base, baseline=baseline, baseline_period=baseline_period, baseline_from=baseline_from,
        target=target, latest=latest, latest_period=latest_period,
        latest_source=latest_source, reference=reference, gap=gap, gap_pct=gap_pct,
        series_kind=kind, after=after, suppressed=suppressed, incomplete=incomplete,
        needs_baseline=needs_baseline, sources=tuple(dict.fromkeys(sources)), entered=entered,
        latest_how=latest_how, parts=parts, series_break=brk)

    def result(status: Status, reason: Reason, projection: Projection | season.SeasonalProjection | None = None,
               missing: bool = False, trend_values: int = 0) -> GoalResult:
        return GoalResult(**common, status=status, reason=reason, projection=projection, needs_extract=missing,
                          trend_values=trend_values)

    if s is None and not valid:
        if t is None:
            return result(Status.KAN_IKKE, Reason.NO_TARGET, missing=True)
        return result(Status.KAN_IKKE, Reason.NO_SERIES, missing=True)
    if t is None:
        return result(Status.KAN_IKKE, Reason.NO_TARGET, missing=latest is None)
    if (latest is None or latest_period is None) and not parts[0]:
        return result(Status.KAN_IKKE, Reason.MISSING_AFTER, missing=True)
    if reference is None:  # a relative target, or a direction, whose baseline the data lack
        return result(Status.KAN_IKKE, Reason.MISSING_BASELINE, missing=True)

    tol = t.tolerance or 0.0
    strict = t.strict or t.type == "direction"
    deadline_end = periods.end_month(t.deadline)
    if latest is not None and latest_period is not None:
        if _meets(latest, reference, goal.direction, strict, tol):
            return result(Status.NAAET, Reason.MET)
        if after_end >= deadline_end or periods.end_month(latest_period) >= deadline_end:
            return result(Status.IKKE_PAA_VEJ, Reason.DEADLINE_PASSED)
    proj: Projection | season.SeasonalProjection | None
    points = to_frame(rows)
    if kind in ("year", "mat") and judged is None:
        proj = project(points[points["kind"] == kind], t.deadline)
    else:
        proj = project_seasonal(points, t.deadline, brk, kind or "year")
    if proj is None:
        if latest is None:
            return result(Status.KAN_IKKE, Reason.INCOMPLETE_PERIOD)
        n = sum(1 for r in valid if r.kind == kind)
        return result(Status.KAN_IKKE, Reason.TOO_FEW_POINTS, trend_values=n)
    if _meets(proj.deadline_value, reference, goal.direction, strict, tol):
        return result(Status.PAA_VEJ, Reason.PROJECTED_MET, projection=proj)
    return result(Status.IKKE_PAA_VEJ, Reason.PROJECTED_NOT_MET, projection=proj)


# --- Reading the store ---------------------------------------------------------------------

def observations_for(store: Store, plan: Plan, until: str | None = None) -> pd.DataFrame:
    """Every observation any series goal of `plan` needs, in one query; with `until`, only those of
    periods ending by then (the report for a past quarter judges with what was known then)."""
    areas, benefits, measures = set(), set(), set()
    for g in plan.goals:
        s = g.indicator.series if g.indicator else None
        if s is None:
            continue
        areas.add(s.area)
        benefits.update(s.benefits)
        measures.add(s.measure)
        if len(s.benefits) > 1 and s.measure in SHARE_DENOMINATORS:
            benefits.add(SHARE_DENOMINATORS[s.measure][0])
            measures.update({NUMERATOR_MEASURE, SHARE_DENOMINATORS[s.measure][1]})
    if not areas:
        return pd.DataFrame(columns=["area_code", "benefit", "measure", "period", "value", "source",
                                     "period_kind", "period_end"])
    return store.observations(areas=sorted(areas), benefits=sorted(benefits), measures=sorted(measures),
                              period_to=until)


def evaluate_plan(store: Store, plan_id: str, plans_version: str = "", until: str | None = None,
                  entered_before: dt.datetime | None = None) -> list[GoalResult]:
    """Every goal of one plan, in the plan's order, with data up to `until` (default: all).
    (`plans_version` only keys the pages' cache.)"""
    plan = plans(store)[plan_id]
    index = index_observations(observations_for(store, plan, until))
    figures = figures_for(store, plan_id, until, entered_before)
    # Each goal's own figures and template rows, split once for the plan.
    by_goal = dict(tuple(figures.groupby("goal_id", sort=False))) if not figures.empty else {}
    none = figures.iloc[0:0]
    rows_by_goal: dict[str, list[template.TemplateRow]] = {}
    for r in template.rows(plan):
        rows_by_goal.setdefault(r.goal_id, []).append(r)
    return [_evaluate(plan, g, index, by_goal.get(g.id, none), rows_by_goal.get(g.id, []))
            for g in plan.goals]


def figures_for(store: Store, plan_id: str, until: str | None = None,
                entered_before: dt.datetime | None = None) -> pd.DataFrame:
    """The plan's own figures and assessments; with `until`, only those of periods ending by then; with
    `entered_before`, only those entered before then (as a report made then saw them)."""
    figs = store.goal_figures(plan_id)
    if entered_before is not None and not figs.empty:
        figs = figs[figs["imported_at"] < pd.Timestamp(entered_before)]
    if until is None or figs.empty:
        return figs
    end = periods.end_month(periods.parse_period(until))
    return figs[[periods.end_month(p) <= end for p in figs["period"]]]


def evaluate_all(store: Store, plan_id: str | None = None) -> list[GoalResult]:
    ids = [plan_id] if plan_id else list(plans(store))
    return [r for pid in ids for r in evaluate_plan(store, pid)]


@dataclass(frozen=True)
class GoalDetail:
    result: GoalResult
    points: pd.DataFrame  # the series in the judged periodicity: period, kind, end, value, sources
    other_points: pd.DataFrame = field(default_factory=pd.DataFrame)  # values of other periodicities
    area: str = ""  # the series' area, or the plan's municipality
    source_titles: dict[str, str] = field(default_factory=dict)  # source key → title, for tables


def goal_detail(store: Store, plan_id: str, goal_id: str, plans_version: str = "",
                until: str | None = None) -> GoalDetail:
    """One goal's result with its series, with data up to `until` (default: all).
    (`plans_version` only keys the pages' cache.)"""
    plan = plans(store)[plan_id]
    goal = next(g for g in plan.goals if g.id == goal_id)
    obs = observations_for(store, plan, until)
    figures = figures_for(store, plan_id, until)
    res = evaluate(plan, goal, obs, figures)
    pts = series_points(goal, obs) if res.evidence == template.SERIES else evidence.points(figures, plan_id, goal_id)
    s = goal.indicator.series if goal.indicator else None
    area = s.area if s else plan.municipality
    src = store.sources()
    titles = dict(zip(src["key"], src["title"]))
    if res.series_kind in ("year", "quarter") and not (pts["kind"] == res.series_kind).any() and len(pts):
        # a yearly target judged on means of months: the years as judged, the months beside them
        judged = judged_points(pts, res.series_kind).drop(columns="how")
        return GoalDetail(res, judged, pts.reset_index(drop=True), area, titles)
    if res.series_kind:
        return GoalDetail(res, pts[pts["kind"] == res.series_kind].reset_index(drop=True),
                          pts[pts["kind"] != res.series_kind].reset_index(drop=True), area, titles)
    return GoalDetail(res, pts, pd.DataFrame(columns=pts.columns), area, titles)


# --- Views for the pages -----------------------------------------------------------------------

NO_FOCUS = "uden"  # the filter value for goals outside the plan's focus areas


def focus_options(plan: Plan) -> list[tuple[str, str]]:
    """(id, title) of the focus areas the plan's goals belong to, in plan order."""
    used = {g.focus_area for g in plan.goals}
    out = [(f.id, f.title) for f in plan.focus_areas if f.id in used]
    if None in used:
        out.append((NO_FOCUS, "Planens overordnede mål"))
    return out


def grouped(plan: Plan, results: list[GoalResult], focus: list[str] | None = None,
            statuses: list[Status] | None = None) -> list[tuple[FocusArea | None, list[GoalResult]]]:
    """The results filtered by focus area ids and statuses, grouped by focus area in plan order
    (goals without a focus area first, under None)."""
    keep = [r for r in results
            if (not focus or (r.focus_area or NO_FOCUS) in focus) and (not statuses or r.status in statuses)]
    groups: list[tuple[FocusArea | None, list[GoalResult]]] = []
    loose = [r for r in keep if r.focus_area is None]
    if loose:
        groups.append((None, loose))
    for f in plan.focus_areas:
        rs = [r for r in keep if r.focus_area == f.id]
        if rs:
            groups.append((f, rs))
    return groups


def minister_goal_titles(focus: FocusArea) -> list[str]:
    names = {g["key"]: g["da"] for g in minister_goals()}
    return [names[k] for k in focus.minister_goals if k in names]
