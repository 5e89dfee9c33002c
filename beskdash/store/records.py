"""What the store's writes take and return (SourceMeta, Batch, Diff, ImportResult), and the errors they raise,
each with its Danish message."""

from __future__ import annotations

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
class Diff:
    new: int
    changed: int
    unchanged: int
    removed: int
    _rows: pd.DataFrame | pa.Table = field(repr=False)  # Arrow until asked for: a big import never needs it

    @property
    def rows(self) -> pd.DataFrame:
        """The new, changed and removed rows: key, old_value, new_value, change."""
        if isinstance(self._rows, pa.Table):
            object.__setattr__(self, "_rows", self._rows.to_pandas())
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


@dataclass(frozen=True)
class ImportResult:
    import_id: int | None  # None when nothing changed (nothing is recorded)
    diff: Diff


class PlanVersionStale(RuntimeError):
    """The plan changed between preview and save; Danish message."""
