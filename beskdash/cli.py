"""What every CLI command shares: the Danish error type, --db, opening the store."""

from __future__ import annotations

import argparse

from beskdash.paths import db_path
from beskdash.store import Store


class CliError(Exception):
    """A user-facing error: printed in Danish to stderr, exit status 1."""


def add_db(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--db", help="databasefil (standard: $BESKDASH_DB eller data/beskdash.duckdb)")


def open_store(args: argparse.Namespace, read_only: bool = False) -> Store:
    path = db_path(getattr(args, "db", None))
    if read_only and not path.exists():
        raise CliError(f"Databasen {path} findes ikke. Kør først: python -m beskdash build")
    return Store(path, read_only=read_only)
