"""`template --plan ID --output FILE.xlsx`: the own-figures template an analyst fills in and imports."""

from __future__ import annotations

import argparse
from pathlib import Path

from beskdash.cli import CliError


def cmd_template(args: argparse.Namespace) -> None:
    from beskdash import template
    from beskdash.plans import load_plans

    plans = load_plans()
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
    t.set_defaults(func=cmd_template)
