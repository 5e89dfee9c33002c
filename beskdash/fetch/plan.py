"""`fetch --plan`: exactly the series a plan's unjudgeable goals need (`beskdash.followup.missing`), fetched
from jobindsats.dk and StatBank; and which goals became judgeable afterwards."""

from __future__ import annotations

from typing import Any

from beskdash import followup, goals, needs, periods
from beskdash.fetch import Fetched, Progress, jobindsats, statbank, table_progress
from beskdash.needs import GoalNeed
from beskdash.status import Status
from beskdash.store import Store


def for_plan(store: Store, plan_id: str, *, api: str | None = None, settings: Any = None,
             progress: Progress | None = None) -> tuple[list[Fetched], list[GoalNeed]]:
    """Fetch exactly the series the plan's unjudgeable goals need (`followup.missing`): each jobindsats.dk
    table for the goals' areas and months, each StatBank table for the goals' areas. Returns the answers
    and the needs they answer (goals needing an own figure are left to the template)."""
    found = [n for n in followup.missing(store, plan_id) if n.series]
    plan = needs.fetch_plan(found)
    spans: dict[str, tuple[str, str]] = {}
    for n in found:
        for s in n.series:
            for t in (s.table or "").split("/"):
                lo, hi = spans.get(t.lower(), (s.period_from, s.period_to))
                spans[t.lower()] = (min(lo, s.period_from, key=periods.end_month),
                                    max(hi, s.period_to, key=periods.end_month))
    out: list[Fetched] = []
    ji, dst = sorted(plan[needs.JOBINDSATS]), sorted(plan[needs.DST])
    n_all = max(1, len(ji) + len(dst))
    key = jobindsats.api_key() if ji else None
    for i, t in enumerate(ji):
        out.append(jobindsats.fetch_table(t, api=api, areas=sorted(plan[needs.JOBINDSATS][t]), key=key,
                                          settings=settings, period_range=spans[t],
                                          progress=table_progress(progress, i, n_all)))
    for i, t in enumerate(dst, start=len(ji)):
        out.append(statbank.fetch_table(t, areas=sorted(plan[needs.DST][t]), from_period=spans[t.lower()][0],
                                        settings=settings, progress=table_progress(progress, i, n_all)))
    return out, found


def statuses(store: Store, plan_id: str) -> dict[str, Status]:
    """Goal id → status now: taken before a plan fetch, to say afterwards which goals became judgeable."""
    return {r.goal_id: r.status for r in goals.evaluate_plan(store, plan_id)}


def became_judgeable(store: Store, plan_id: str, before: dict[str, Status]) -> str:
    """`Kan nu vurderes: rm4-sygedagpenge-helaarspersoner (ikke på vej)` or `… ingen`."""
    now = [r for r in goals.evaluate_plan(store, plan_id)
           if before.get(r.goal_id) is Status.KAN_IKKE and r.status is not Status.KAN_IKKE]
    return "Kan nu vurderes: " + (", ".join(f"{r.goal_id} ({r.status})" for r in now) if now else "ingen")
