"""`python -m beskdash cite PLAN GOAL_ID`: where a goal is printed, with the passage, and the imports
behind its figures."""

from __future__ import annotations

import argparse
import sys

from beskdash import goals, provenance
from beskdash.cli import CliError, add_db
from beskdash.paths import db_path
from beskdash.store import Store


def cmd_cite(args: argparse.Namespace) -> None:
    known = goals.plans()
    if args.plan not in known:
        raise CliError(f"Ukendt plan '{args.plan}'. Kendte planer: {', '.join(known)}")
    ids = [g.id for g in known[args.plan].goals]
    if args.goal not in ids:
        raise CliError(f"Planen {args.plan} har intet mål '{args.goal}'. Målene er: {', '.join(ids)}")
    lines = provenance.describe(provenance.for_goal(args.plan, args.goal))
    path = db_path(args.db)
    if path.exists():  # the figures shown for the goal: their sources' licences and imports
        with Store(path, read_only=True) as store:
            r = next(r for r in goals.evaluate_plan(store, args.plan) if r.goal_id == args.goal)
            for d in provenance.data_sources(store, list(r.sources)):
                lines += provenance.describe_data(d)
    sys.stdout.write("\n".join(lines) + "\n")


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("cite", help="hvor et mål står i planen: udgiver, afsnit, linjer og uddrag")
    c.add_argument("plan", help="planens id, fx ltk-2021")
    c.add_argument("goal", help="målets id, fx overordnet-offentlig-forsoergelse")
    add_db(c)
    c.set_defaults(func=cmd_cite)
