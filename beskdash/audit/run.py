"""Running the audit: every check family on the store's plan figures, the statements file and the plans,
and the result as one frame for the page and the CLI."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from beskdash import goals, plans_compare
from beskdash.audit.changes import check_changes
from beskdash.audit.claims import check_statements
from beskdash.audit.common import SEVERITIES, AuditResult, Check
from beskdash.audit.parts import check_parts
from beskdash.audit.plan_figures import figures
from beskdash.audit.shares import check_shares
from beskdash.audit.sources import check_other_sources
from beskdash.audit.statements_file import STATEMENTS_FILE, load_statements
from beskdash.plans import Plan
from beskdash.store import Store


def run(store: Store, statements_path: Path = STATEMENTS_FILE, plans: dict[str, Plan] | None = None) -> AuditResult:
    """Every check on the store's plan figures, the statements file and the plans."""
    plans = plans if plans is not None else goals.plans()
    fig = figures(store)
    goal_ids = {pid: {g.id for g in p.goals} | {f.id for f in p.focus_areas} for pid, p in plans.items()}
    statements = load_statements(statements_path, set(plans), goal_ids)
    checks = [*check_parts(fig), *check_shares(fig), *check_changes(fig),
              *check_statements(fig, statements, plans), *check_other_sources(store)]
    rank = {s: i for i, s in enumerate((*SEVERITIES, None))}
    checks.sort(key=lambda c: (rank[c.severity], c.plan, c.seed_file, c.table, c.check, c.subject))
    return AuditResult(checks)


def files_version() -> str:
    """Changes when a plan or the statements file changes: part of the page's cache key."""
    return f"{goals.plans_version()}-{STATEMENTS_FILE.stat().st_mtime_ns}"


def checks_frame(store: Store, version: str = "") -> pd.DataFrame:
    """All checks (severity None: agrees) as a frame, findings first: for the page and the CLI.

    `version` is not used here; the page passes `files_version()` so its cache follows the files."""
    result = run(store)
    labels = {pid: plans_compare.plan_label(p) for pid, p in goals.plans().items()}
    df = pd.DataFrame([asdict(c) for c in result.checks], columns=list(Check.__dataclass_fields__))
    df["plan_label"] = df["plan"].map(lambda p: labels.get(p, p))
    return df


def plan_ids() -> list[str]:
    return sorted(goals.plans())
