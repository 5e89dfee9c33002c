"""What is missing for the goals that cannot be judged now: for each, the series or template rows that would
fill it (`beskdash.needs` says what a goal needs; the engine says which goals cannot be judged).

Above both the engine and its wording: `python -m beskdash missing`, `fetch --plan` and the page Hent data
use it.
"""

from __future__ import annotations

from beskdash import goals, needs
from beskdash.needs import GoalNeed
from beskdash.status import Status
from beskdash.store import Store
from beskdash.text import goals as say


def missing(store: Store, plan_id: str | None = None) -> list[GoalNeed]:
    """Every goal that cannot be judged now, with what would fill it (plan order)."""
    plans = goals.plans()
    ids = [plan_id] if plan_id else list(plans)
    obs = store.series_sources()
    known: dict[tuple[str, str], list[str]] = {}
    for b, m, src in zip(obs["benefit"], obs["measure"], obs["source"]):
        known.setdefault((b, m), []).append(src)
    out = []
    for pid in ids:
        plan = plans[pid]
        by_id = {g.id: g for g in plan.goals}
        for r in goals.evaluate_plan(store, pid):
            if r.status is Status.KAN_IKKE:
                out.append(needs.goal_need(plan, by_id[r.goal_id], str(r.status), say.reason(r), known))
    return out
