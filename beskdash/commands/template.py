"""`template --plan ID --output FILE.xlsx`: the own-figures template an analyst fills in and imports."""

from __future__ import annotations

import argparse
from pathlib import Path

from beskdash import goals, template
from beskdash.cli import CliError, add_db, open_store
from beskdash.paths import db_path


def cmd_template(args: argparse.Namespace) -> None:
    # Shipped plans and analysts' stored versions alike; without a database, the shipped ones.
    if db_path(args.db).exists():
        with open_store(args, read_only=True) as store:
            plans = goals.plans(store)
    else:
        plans = goals.plans()
    if args.plan not in plans:
        raise CliError(f"Planen '{args.plan}' findes ikke. Kendte planer: {', '.join(plans)}")
    plan = plans[args.plan]
    out = Path(args.output)
    out.write_bytes(template.workbook(plan))
    rows = template.rows(plan)
    n_goals = len({r.goal_id for r in rows})
    print(f"Skabelonen er skrevet til {out}: {len(rows)} rækker for {n_goals} mål uden dataserie "
          f"({plan.publisher}: {plan.title}).")


def register(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("template", help="skabelon (.xlsx) til egne tal og vurderinger for en plan")
    t.add_argument("--plan", required=True, help="planens id, fx alleroed-2022")
    t.add_argument("--output", "-o", required=True, metavar="FIL", help="filen, der skrives (.xlsx)")
    add_db(t)
    t.set_defaults(func=cmd_template)
