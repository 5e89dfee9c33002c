"""Where the project's files live; the database path is overridable."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
PLANS_DIR = ROOT / "plans"
DEFAULT_DB = DATA_DIR / "beskdash.duckdb"


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """`--db` beats `BESKDASH_DB` beats `data/beskdash.duckdb`."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("BESKDASH_DB")
    return Path(env) if env else DEFAULT_DB
