"""`audit`: the published figures checked against their own numbers (see beskdash.audit)."""

from __future__ import annotations

import argparse
import sys

from beskdash import audit
from beskdash.cli import CliError, add_db, open_store


def cmd_audit(args: argparse.Namespace) -> None:
    with open_store(args, read_only=True) as store:
        try:
            df = audit.checks_frame(store)
        except audit.StatementsError as e:
            raise CliError(str(e)) from None
    if args.plan:
        known_plans = audit.plan_ids()
        if args.plan not in known_plans:
            known = ", ".join(known_plans)
            raise CliError(f"Ukendt plan '{args.plan}' — vælg en af: {known}")
        df = df[df["plan"] == args.plan]
    if args.format == "json":
        sys.stdout.write(audit.format_json(df, findings_only=not args.all) + "\n")
    else:
        sys.stdout.write(audit.format_text(df, findings_only=not args.all))


def register(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser(
        "audit", help="kontrollér planernes offentliggjorte tal mod deres egne tal",
        description="Kontrollerer hver transskriberet tabel (dele mod total, andele mod antal, ændringer mod "
                    "antal), udsagn i planernes tekst mod tabellerne, og andre kilder mod planernes tal. "
                    "Intet tal rettes; en forskel vises med begge sider. Forskelle, afrunding kan forklare, er info.",
    )
    add_db(a)
    a.add_argument("--format", choices=["table", "json"], default="table",
                   help="table: læsbar tekst (standard); json: maskinlæsbar")
    a.add_argument("--plan", help="kun én plan, fx rudersdal-2021")
    a.add_argument("--all", action="store_true", help="vis også kontroller, der passer")
    a.set_defaults(func=cmd_audit)
