"""The only owner of the DuckDB file: schema, connection, transactions, every write (`core`) and every
read by name (`reads`). No SQL is written outside this package."""

from beskdash.store.core import (
    FAULT_ENV,
    KEY,
    TIDY,
    Batch,
    Diff,
    ImportBusy,
    ImportResult,
    SourceMeta,
    Store,
    StoreBusy,
    UndoError,
)

__all__ = ["FAULT_ENV", "KEY", "TIDY", "Batch", "Diff", "ImportBusy", "ImportResult", "SourceMeta", "Store",
           "StoreBusy", "UndoError"]
