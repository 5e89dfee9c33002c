"""Core commands: build, export (the `plans` commands are in commands/plans.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from beskdash import exports
from beskdash.build import build
from beskdash.cli import add_db, open_store
from beskdash.paths import DATA_DIR, PLANS_DIR, db_path
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
    if args.own_figures:
        with open_store(args, read_only=True) as store:
            figs = store.goal_figures(args.plan)
        sys.stdout.write(exports.goal_figures_json(figs) if args.format == "json" else exports.goal_figures_csv(figs))
        return
    with open_store(args, read_only=True) as store:
        df = store.observations(
            areas=[args.area] if args.area else None,
            benefits=[args.benefit] if args.benefit else None,
            sources=[args.source] if args.source else None,
        )
    out = exports.observations_json(df) if args.format == "json" else exports.observations_csv(df)
    sys.stdout.write(out)


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
    e.add_argument("--own-figures", action="store_true",
                   help="egne tal og vurderinger med hvem, hvornår og fra hvilken fil (CSV med ; og komma)")
    e.add_argument("--plan", help="med --own-figures: kun én plan")
    e.set_defaults(func=cmd_export)
