"""`python -m beskdash goals`: every goal of the plans, judged by the target engine."""

from __future__ import annotations

import argparse
import json
import sys

from beskdash import goals
from beskdash.cli import CliError, add_db, open_store
from beskdash.text import goals as say


def cmd_goals(args: argparse.Namespace) -> None:
    known = list(goals.plans())
    if args.plan and args.plan not in known:
        raise CliError(f"Ukendt plan '{args.plan}'. Kendte planer: {', '.join(known)}")
    with open_store(args, read_only=True) as store:
        results = goals.evaluate_all(store, args.plan)
    if args.format == "json":
        json.dump([say.result_row(r) for r in results], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    sys.stdout.write(say.text_table(results))


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("goals", help="alle planernes mål med udgangspunkt, mål, seneste værdi og status")
    add_db(g)
    g.add_argument("--plan", help="kun én plan, fx alleroed-2022")
    g.add_argument("--format", choices=["table", "json"], default="table")
    g.set_defaults(func=cmd_goals)
