"""The only owner of the DuckDB file: the tables (`schema`), connection, transactions and the writes of
observations (`core`), own figures (`own_figures`) and plan versions (`plan_versions`), every read by name
(`reads`), and snapshots for replicas (`publish`). No SQL is written outside this package."""

from beskdash.store.core import SnapshotStore, Store
from beskdash.store.records import (
    READ_ONLY_MESSAGE,
    Batch,
    Diff,
    ImportBusy,
    ImportResult,
    PlanVersionStale,
    ReadOnlyStore,
    SourceMeta,
    StoreBusy,
    UndoError,
)
from beskdash.store.schema import KEY, TIDY
from beskdash.store.statements import FAULT_ENV

__all__ = ["FAULT_ENV", "KEY", "READ_ONLY_MESSAGE", "TIDY", "Batch", "Diff", "ImportBusy", "ImportResult",
           "PlanVersionStale", "ReadOnlyStore", "SnapshotStore", "SourceMeta", "Store", "StoreBusy", "UndoError"]
