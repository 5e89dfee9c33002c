"""Small helpers every write of the store shares: the audit-log row, one-value statements, Arrow text
columns, SQL string literals, and the test-only crash hook."""

from __future__ import annotations

import os
import signal
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

# Test-only crash hook (tests/fault): with BESKDASH_FAULT=kill-<point> the process kills itself with
# SIGKILL at that point of a write, as kill -9 or a power cut would. Points: after-observations (a
# file's rows and history are written, the transaction is open), before-commit, after-commit.
FAULT_ENV = "BESKDASH_FAULT"


def fault(point: str) -> None:
    if os.environ.get(FAULT_ENV) == f"kill-{point}":
        os.kill(os.getpid(), signal.SIGKILL)


def event(cur: duckdb.DuckDBPyConnection, username: str, action: str, detail: str = "",
          import_id: int | None = None) -> None:
    cur.execute("INSERT INTO events (happened_at, username, action, detail, import_id) VALUES (?, ?, ?, ?, ?)",
                [datetime.now(), username, action, detail, import_id])


def text_array(s: pd.Series) -> pa.Array:
    try:
        return pa.array(s, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # mixed objects (e.g. an int code): as text, NULLs kept
        return pa.array([None if pd.isna(v) else str(v) for v in s], type=pa.string())


def scalar(cur: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Any:
    """The one value of a statement that always yields one row (count, nextval, current_database)."""
    row = cur.execute(sql, params or []).fetchone()
    if row is None:  # cannot happen for these statements; a clear error instead of "None is not subscriptable"
        raise RuntimeError(f"ingen række fra: {sql}")
    return row[0]


def sql_text(p: Path) -> str:
    """A path as the body of an SQL string literal (ATTACH takes no parameters)."""
    return str(p).replace("'", "''")
