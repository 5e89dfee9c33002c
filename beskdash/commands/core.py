"""Core commands: build, export, plans check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from beskdash import exports, plans_compare
from beskdash.build import build
from beskdash.cli import CliError, add_db, open_store
from beskdash.paths import DATA_DIR, PLANS_DIR, db_path
from beskdash.plans import check_plans, load_plans
from beskdash.sources import fill_dst


def cmd_build(args: argparse.Namespace) -> None:
    data_dir = Path(args.data_dir) if args.data_dir else DATA_DIR
    plans_dir = Path(args.plans_dir) if args.plans_dir else PLANS_DIR
    if args.fill_dst:  # `make build`: data/dst/ from ../shared or StatBank first (beskdash.sources)
        for line in fill_dst(data_dir / "dst"):
            print(line, file=sys.stderr)
    with open_store(args) as store:
        report = build(store, data_dir, plans_dir)
    for line in report.lines():
        print(line, file=sys.stderr)
    print(f"Databasen er bygget: {db_path(args.db)}", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> None:
    with open_store(args, read_only=True) as store:
        df = store.observations(
            areas=[args.area] if args.area else None,
            benefits=[args.benefit] if args.benefit else None,
            sources=[args.source] if args.source else None,
        )
    out = exports.observations_json(df) if args.format == "json" else exports.observations_csv(df)
    sys.stdout.write(out)


def cmd_plans_check(args: argparse.Namespace) -> None:
    plans_dir = Path(args.plans_dir) if args.plans_dir else PLANS_DIR
    problems = check_plans(plans_dir)
    if not problems:  # the Planer page's themes must name goals that exist (checked on valid plans only)
        problems = plans_compare.check_themes(load_plans(plans_dir), plans_compare.THEMES_FILE)
    if problems:
        raise CliError("\n".join(problems))
    print("Alle planer er gyldige.")


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("build", help="byg databasen fra data/ og plans/")
    add_db(b)
    b.add_argument("--data-dir", help="en anden datamappe end data/ (fx til test)")
    b.add_argument("--plans-dir", help="en anden planmappe end plans/")
    b.add_argument("--fill-dst", action="store_true",
                   help="fyld først data/dst/ fra ../shared/data/dst/ eller Statistikbanken, hvis mappen er tom")
    b.set_defaults(func=cmd_build)

    e = sub.add_parser("export", help="skriv observationerne til stdout")
    add_db(e)
    e.add_argument("--format", choices=["csv", "json"], default="csv")
    e.add_argument("--area", help="områdekode, fx 173")
    e.add_argument("--benefit", help="ydelsesnøgle, fx a-dagpenge")
    e.add_argument("--source", help="kildenøgle, fx dst:AUK01 eller plan:ltk-2021")
    e.set_defaults(func=cmd_export)

    pl = sub.add_parser("plans", help="planerne i plans/")
    plsub = pl.add_subparsers(dest="plans_command", required=True)
    pc = plsub.add_parser("check", help="kontrollér planfilerne mod skemaet og Planer-sidens temaer")
    pc.add_argument("--plans-dir", help="en anden planmappe end plans/")
    pc.set_defaults(func=cmd_plans_check)
