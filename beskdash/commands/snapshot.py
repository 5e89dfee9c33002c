"""`snapshot PATH`: a consistent copy of the database in one file (schema, data, sequences).

DuckDB lets one process hold the file, so this command works when the dashboard is stopped;
the running app takes the same copy in its own process with `Store.snapshot`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from beskdash import fmt
from beskdash.cli import CliError, add_db, open_store


def cmd_snapshot(args: argparse.Namespace) -> None:
    out = Path(args.path)
    if out.exists() and not args.force:
        raise CliError(f"{out} findes allerede — vælg et andet filnavn, eller brug --force for at erstatte den.")
    if out.is_dir():
        raise CliError(f"{out} er en mappe; angiv et filnavn, fx {out / 'beskdash-kopi.duckdb'}")
    with open_store(args, read_only=True) as store:
        try:
            store.snapshot(out)
        except ValueError as e:
            raise CliError(str(e)) from None
        n = store.count_observations()
    print(f"Kopien er skrevet: {out} ({fmt.number(n)} observationer)", file=sys.stderr)


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("snapshot", help="skriv en sammenhængende kopi af databasen til en ny fil",
                       description="Kopierer hele databasen (tabeller, data og tællere) til én ny fil med DuckDB's "
                                   "COPY FROM DATABASE. Filen skrives færdig ved siden af og flyttes først på plads, "
                                   "når den er hel.")
    s.add_argument("path", metavar="FIL", help="den nye databasefil, fx backup/beskdash-2026-03-01.duckdb")
    s.add_argument("--force", action="store_true", help="erstat filen, hvis den findes")
    add_db(s)
    s.set_defaults(func=cmd_snapshot)
