"""`missing [--plan ID] [--format table|json]`: what would let each goal that cannot be judged be judged."""

from __future__ import annotations

import argparse
import json
import sys

from beskdash import followup, goals
from beskdash.cli import CliError, add_db, open_store


def cmd_missing(args: argparse.Namespace) -> None:
    known = list(goals.plans())
    if args.plan and args.plan not in known:
        raise CliError(f"Ukendt plan '{args.plan}'. Kendte planer: {', '.join(known)}")
    with open_store(args, read_only=True) as store:
        found = followup.missing(store, args.plan)
    if args.format == "json":
        json.dump([n.as_dict() for n in found], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if not found:
        print("Alle mål kan vurderes.")
        return
    for n in found:
        print(f"{n.plan} {n.goal_id}: {n.reason}")
        for line in n.lines():
            print(f"  mangler: {line}")


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("missing", help="hvad der mangler, for at hvert mål kan vurderes (serie eller skabelonrække)")
    add_db(m)
    m.add_argument("--plan", help="kun én plan, fx alleroed-2022")
    m.add_argument("--format", choices=["table", "json"], default="table")
    m.set_defaults(func=cmd_missing)
