"""What the store's writes take and return (SourceMeta, Batch, Diff, ImportResult), and the errors they raise,
each with its Danish message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa


class StoreBusy(RuntimeError):
    """Another process holds the database file; the message is Danish."""


class ReadOnlyStore(RuntimeError):
    """A write on a read-only store (a replica's snapshot, or a CLI read); the message is Danish."""


READ_ONLY_MESSAGE = ("Databasen er åbnet skrivebeskyttet (fx en læsekopi på en replika), så intet kan ændres her. "
                     "Importer, fortryd og ret tal i analytikernes udgave af dashboardet.")


class ImportBusy(StoreBusy):
    """Another import (or undo) is being written; the message is Danish. Raised at once, never waited for."""


IMPORT_BUSY = ("En anden import er i gang og skrives til databasen lige nu. Vent, til den er færdig, og se "
               "forhåndsvisningen igen, før du bekræfter.")


class UndoError(RuntimeError):
    """An import that cannot be undone (already undone, or changed since); Danish message."""


@dataclass(frozen=True)
class SourceMeta:
    key: str
    title: str
    publisher: str | None = None
    licence: str | None = None
    origin: str | None = None
    kind: str = "import"  # "shipped" (rebuilt by `build`) or "import"


@dataclass(frozen=True)
class Staged:
    """What comparing a file's rows with the store found, kept so that applying them while the store is unchanged
    need not compare them again: the rows the store already holds, by position, and those a rebuild removes."""

    version: int  # the store's data version read before the comparison
    replace_source: str | None
    incoming: pa.Table  # the prepared rows (store columns, period kind and end)
    held: pa.Table  # _row (into incoming), old_value, old_ref, old_note, old_import_id, change (changed/unchanged)
    removed: pa.Table | None  # the store's rows a rebuild of `replace_source` removes, in the columns of a change


@dataclass(frozen=True)
class Diff:
    new: int
    changed: int
    unchanged: int
    removed: int
    # Arrow (or how to make it) until asked for: a big import never needs it
    _rows: pd.DataFrame | pa.Table | Callable[[], pa.Table] = field(repr=False)
    staged: Staged | None = field(default=None, repr=False, compare=False)  # observations only

    @property
    def rows(self) -> pd.DataFrame:
        """The new, changed and removed rows: key, old_value, new_value, change."""
        if callable(self._rows):
            object.__setattr__(self, "_rows", self._rows())
        if isinstance(self._rows, pa.Table):
            object.__setattr__(self, "_rows", self._rows.to_pandas())
        assert isinstance(self._rows, pd.DataFrame)
        return self._rows

    @property
    def is_noop(self) -> bool:
        return self.new == 0 and self.changed == 0 and self.removed == 0


@dataclass(frozen=True)
class Batch:
    """One file's rows to write, with what the import history records of it."""

    frame: pd.DataFrame
    source: SourceMeta
    file_name: str
    sha256: str | None
    fmt: str
    replace_source: bool = False
    published_changes: pd.DataFrame | None = None
    own_figures: bool = False  # `frame` holds goal figures (GOAL_FIGURE_COLUMNS), not observations
    diff: Diff | None = None  # the preview's comparison, applied as it is while the store has not changed since


@dataclass(frozen=True)
class ImportResult:
    import_id: int | None  # None when nothing changed (nothing is recorded)
    diff: Diff


class PlanVersionStale(RuntimeError):
    """The plan changed between preview and save; Danish message."""
