"""The only owner of the DuckDB file: schema, connection, every write, and the read queries.

DuckDB allows one writing process per file and a connection is not thread-safe, so a
process holds one connection (`Store`) and every call works on its own cursor. Writes run
in one explicit transaction; on any failure we ROLLBACK and re-raise (a COMMIT after a
failed statement would silently roll back).
"""

from __future__ import annotations

import fcntl
import os
import signal
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from beskdash import periods, taxonomy
from beskdash.store.reads import Reads

KEY = ["area_code", "benefit", "measure", "period", "source"]
TIDY = [*KEY, "value", "ref", "note"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS areas (
    code VARCHAR PRIMARY KEY, name_da VARCHAR NOT NULL, name_en VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, landsdel VARCHAR, region VARCHAR);
CREATE TABLE IF NOT EXISTS benefits (
    key VARCHAR PRIMARY KEY, label_da VARCHAR NOT NULL, label_en VARCHAR NOT NULL,
    grp VARCHAR NOT NULL, total_of VARCHAR[], part_of VARCHAR);
CREATE TABLE IF NOT EXISTS measures (
    key VARCHAR PRIMARY KEY, label_da VARCHAR NOT NULL, label_en VARCHAR NOT NULL,
    unit_da VARCHAR NOT NULL, share BOOLEAN NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    key VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, publisher VARCHAR, licence VARCHAR,
    origin VARCHAR, kind VARCHAR NOT NULL);
CREATE SEQUENCE IF NOT EXISTS import_ids START 1;
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY, imported_at TIMESTAMP NOT NULL, username VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL, sha256 VARCHAR, format VARCHAR NOT NULL, source VARCHAR NOT NULL,
    n_new INTEGER NOT NULL, n_changed INTEGER NOT NULL, n_unchanged INTEGER NOT NULL,
    n_removed INTEGER NOT NULL DEFAULT 0, undone_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS observations (
    area_code VARCHAR NOT NULL, benefit VARCHAR NOT NULL, measure VARCHAR NOT NULL,
    period VARCHAR NOT NULL, source VARCHAR NOT NULL, value DOUBLE,
    period_kind VARCHAR NOT NULL, period_end INTEGER NOT NULL,
    ref VARCHAR, note VARCHAR, import_id INTEGER NOT NULL,
    PRIMARY KEY (area_code, benefit, measure, period, source));
CREATE TABLE IF NOT EXISTS import_changes (
    import_id INTEGER NOT NULL, area_code VARCHAR NOT NULL, benefit VARCHAR NOT NULL,
    measure VARCHAR NOT NULL, period VARCHAR NOT NULL, source VARCHAR NOT NULL,
    change VARCHAR NOT NULL, old_value DOUBLE, old_ref VARCHAR, old_note VARCHAR,
    old_import_id INTEGER, new_value DOUBLE);
CREATE TABLE IF NOT EXISTS published_changes (
    plan VARCHAR NOT NULL, area_code VARCHAR NOT NULL, benefit VARCHAR NOT NULL,
    measure VARCHAR NOT NULL, period VARCHAR NOT NULL, base_period VARCHAR NOT NULL,
    value DOUBLE NOT NULL, printed VARCHAR NOT NULL, seed_file VARCHAR NOT NULL,
    seed_section VARCHAR NOT NULL, note VARCHAR);
-- The audit log: who did what, when (logins, failed logins, imports, undos, own figures, plan versions).
-- Written in the same transaction as the change it records, so the log never claims what did not happen.
CREATE SEQUENCE IF NOT EXISTS event_ids START 1;
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY DEFAULT nextval('event_ids'), happened_at TIMESTAMP NOT NULL, username VARCHAR NOT NULL,
    action VARCHAR NOT NULL, detail VARCHAR NOT NULL DEFAULT '', import_id INTEGER);
"""

# --- own figures: schema -------------------------------------------------------------------------
# The municipality's own figures and the jobcenter's assessments, one row per (plan, goal, period):
# keyed on the plan id, not a plan version, so what was entered survives a new version of the plan.
# Provenance (who, when, which file, sha256) is the row's import in `imports`; `goal_figure_changes`
# holds what each import replaced, so undo restores it exactly, as for observations.
OWN_FIGURES_SCHEMA = """
CREATE TABLE IF NOT EXISTS goal_figures (
    plan VARCHAR NOT NULL, goal_id VARCHAR NOT NULL, period VARCHAR NOT NULL,
    value DOUBLE, assessment VARCHAR, note VARCHAR, import_id INTEGER NOT NULL,
    PRIMARY KEY (plan, goal_id, period));
CREATE TABLE IF NOT EXISTS goal_figure_changes (
    import_id INTEGER NOT NULL, plan VARCHAR NOT NULL, goal_id VARCHAR NOT NULL, period VARCHAR NOT NULL,
    change VARCHAR NOT NULL, old_value DOUBLE, old_assessment VARCHAR, old_note VARCHAR,
    old_import_id INTEGER, new_value DOUBLE, new_assessment VARCHAR, new_note VARCHAR);
"""
GOAL_FIGURE_KEY = ["plan", "goal_id", "period"]
GOAL_FIGURE_COLUMNS = [*GOAL_FIGURE_KEY, "value", "assessment", "note"]


# Test-only crash hook (tests/fault): with BESKDASH_FAULT=kill-<point> the process kills itself with
# SIGKILL at that point of a write, as kill -9 or a power cut would. Points: after-observations (a
# file's rows and history are written, the transaction is open), before-commit, after-commit.
FAULT_ENV = "BESKDASH_FAULT"


def _fault(point: str) -> None:
    if os.environ.get(FAULT_ENV) == f"kill-{point}":
        os.kill(os.getpid(), signal.SIGKILL)


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


def _busy_message(path: Path, err: Exception) -> str:
    return (
        f"Databasen {path} er i brug af en anden proces (fx dashboardet eller en anden import). "
        f"Prøv igen, når den er færdig. ({str(err).splitlines()[0][:200]})"
    )


class Store(Reads):
    """One process's handle on one DuckDB file."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._write_lock = threading.Lock()
        self._import_lock = threading.RLock()  # one import or undo at a time in this process
        self._import_depth = 0
        self._import_file: int | None = None
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except (duckdb.IOException, duckdb.ConnectionException) as e:
            raise StoreBusy(_busy_message(self.path, e)) from None
        if not read_only:
            self._con.execute(SCHEMA + PLAN_VERSIONS_SCHEMA)
            self._con.execute(OWN_FIGURES_SCHEMA)
            self._sync_taxonomy()
        _OPEN.append(weakref.ref(self))

    def close(self) -> None:
        self._con.close()
        _OPEN[:] = [r for r in _OPEN if r() not in (None, self)]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- cursors and transactions -------------------------------------------------------

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for each call: connections are not thread-safe."""
        return self._con.cursor()

    @contextmanager
    def transaction(self, publish: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction; committed with `publish`, it is published to the replicas when configured."""
        if self.read_only:
            raise ReadOnlyStore(READ_ONLY_MESSAGE)
        with self._write_lock:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
            finally:
                cur.close()
        # Committed: replicas get it as a new snapshot (only when BESKDASH_PUBLISH_DIR is set). Outside
        # the write lock, which the snapshot takes itself.
        if publish:
            from beskdash.store.publish import publish_after_commit

            publish_after_commit(self)

    @contextmanager
    def import_lock(self) -> Iterator[None]:
        """Hold the right to write an import or undo, or raise ImportBusy at once.

        Within a process, a second analyst's confirmation would otherwise queue behind the write lock
        for as long as the first import takes; across processes (the CLI beside a writer that has the
        file open read-only, say) an advisory lock on `<db>.import.lock` does the same. Re-entrant, so
        a caller may check the data version under the lock and then apply.
        """
        if self.read_only:  # a replica refuses before it takes any lock (its lock file would land beside a snapshot)
            raise ReadOnlyStore(READ_ONLY_MESSAGE)
        if not self._import_lock.acquire(blocking=False):
            raise ImportBusy(IMPORT_BUSY)
        try:
            if self._import_depth == 0:
                self._import_file = _lock_file(self.path.with_name(self.path.name + ".import.lock"))
            self._import_depth += 1
            try:
                yield
            finally:
                self._import_depth -= 1
                if self._import_depth == 0 and self._import_file is not None:
                    os.close(self._import_file)  # closing releases the flock
                    self._import_file = None
        finally:
            self._import_lock.release()

    def log_event(self, username: str, action: str, detail: str = "") -> None:
        """Record an action that changes no data (a login, a failed login, a logout) in the audit log.

        A read-only store (a replica) records nothing: its pages need no login.
        """
        if self.read_only:
            return
        with self.transaction(publish=False) as cur:  # a login changes no figures: no new snapshot
            _event(cur, username, action, detail)

    def _sync_taxonomy(self) -> None:
        """Areas, benefits and measures tables mirror data/ (small; replaced each open)."""
        tax = taxonomy.get()
        areas = pd.DataFrame(
            [(a.code, a.name_da, a.name_en, a.kind, a.landsdel, a.region) for a in tax.areas.values()],
            columns=["code", "name_da", "name_en", "kind", "landsdel", "region"],
        )
        benefits = pd.DataFrame(
            [(b.key, b.da, b.en, b.group, list(b.total_of) or None, b.part_of) for b in tax.benefits.values()],
            columns=["key", "label_da", "label_en", "grp", "total_of", "part_of"],
        )
        measures = pd.DataFrame(
            [(m.key, m.da, m.en, m.unit_da, m.share) for m in tax.measures.values()],
            columns=["key", "label_da", "label_en", "unit_da", "share"],
        )
        with self.transaction() as cur:
            for name, df in (("areas", areas), ("benefits", benefits), ("measures", measures)):
                cur.register("_tax", df)
                cur.execute(f"DELETE FROM {name}")
                cur.execute(f"INSERT INTO {name} SELECT * FROM _tax")
                cur.unregister("_tax")

    # --- writes -------------------------------------------------------------------------

    def diff(self, frame: pd.DataFrame, replace_source: str | None = None) -> Diff:
        """What applying `frame` would do, without writing."""
        cur = self.cursor()
        try:
            return self._diff(cur, _prepare(frame), replace_source)
        finally:
            cur.execute("DROP TABLE IF EXISTS _chg")
            cur.close()

    def _diff(self, cur: duckdb.DuckDBPyConnection, incoming: pa.Table, replace_source: str | None) -> Diff:
        """Stage the rows that would change in the cursor's temp table `_chg`, and count them.

        The work stays inside DuckDB (a million-row file never round-trips through Python
        objects); only the new, changed and removed rows come back, as the Diff's frame.
        """
        cur.register("_incoming", incoming)
        try:
            cur.execute(
                """
                CREATE OR REPLACE TEMP TABLE _chg AS
                SELECT * FROM (
                    SELECT i.area_code, i.benefit, i.measure, i.period, i.source,
                           o.value AS old_value, o.ref AS old_ref, o.note AS old_note,
                           o.import_id AS old_import_id, i.value AS new_value, i.ref AS new_ref,
                           i.note AS new_note, i.period_kind, i.period_end,
                           CASE WHEN o.area_code IS NULL THEN 'new'
                                -- a rebuild never overwrites what an analyst imported later
                                WHEN ? AND im.username IS DISTINCT FROM 'build' THEN 'unchanged'
                                WHEN o.value IS DISTINCT FROM i.value THEN 'changed'
                                ELSE 'unchanged' END AS change
                    FROM _incoming i LEFT JOIN observations o USING (area_code, benefit, measure, period, source)
                    LEFT JOIN imports im ON im.id = o.import_id
                ) WHERE change <> 'unchanged'
                UNION ALL
                SELECT o.area_code, o.benefit, o.measure, o.period, o.source, o.value, o.ref, o.note,
                       o.import_id, NULL::DOUBLE, NULL, NULL, o.period_kind, o.period_end, 'removed'
                FROM observations o JOIN imports im ON im.id = o.import_id AND im.username = 'build'
                WHERE ? AND o.source = ? AND NOT EXISTS (
                    SELECT 1 FROM _incoming i WHERE i.area_code = o.area_code AND i.benefit = o.benefit
                      AND i.measure = o.measure AND i.period = o.period AND i.source = o.source)
                """,
                [replace_source is not None, replace_source is not None, replace_source],
            )
        finally:
            cur.unregister("_incoming")
        counts = dict(cur.execute("SELECT change, count(*) FROM _chg GROUP BY change").fetchall())
        rows = cur.sql(
            "SELECT area_code, benefit, measure, period, source, old_value, new_value, change FROM _chg"
        ).to_arrow_table()
        new, changed, removed = (int(counts.get(k, 0)) for k in ("new", "changed", "removed"))
        return Diff(new, changed, incoming.num_rows - new - changed, removed, rows)

    def apply(self, frame: pd.DataFrame, source: SourceMeta, *, username: str, file_name: str,
              sha256: str | None, fmt: str, replace_source: bool = False,
              published_changes: pd.DataFrame | None = None) -> ImportResult:
        """Write `frame` (tidy) as one import in one transaction: all rows or none."""
        batch = Batch(frame, source, file_name, sha256, fmt, replace_source, published_changes)
        return self.apply_batches([batch], username=username)[0]

    def apply_batches(self, batches: list[Batch], *, username: str,
                      _fail_after_observations: bool = False) -> list[ImportResult]:
        """Write several files' frames as one transaction; each file is one recorded import.

        Nothing is recorded for a file that changes nothing. With `replace_source`, rows of
        the same source written by earlier builds and absent from the frame are removed.
        Raises ImportBusy while another import is being written.
        """
        with self.import_lock(), self.transaction() as cur:
            results = [self._apply(cur, b, username) for b in batches]
            for b, r in zip(batches, results):
                if r.import_id is not None:
                    _event(cur, username, "import", f"{b.file_name}: {r.diff.new} nye, {r.diff.changed} ændrede, "
                           f"{r.diff.removed} fjernede", r.import_id)
            if _fail_after_observations:  # fault-injection hook for the tests
                raise RuntimeError("simuleret fejl efter observationerne, før importhistorikken er færdig")
            _fault("before-commit")
        _fault("after-commit")
        return results

    def _apply(self, cur: duckdb.DuckDBPyConnection, b: Batch, username: str) -> ImportResult:
        if b.own_figures:
            return self._apply_goal_figures(cur, b, username)
        prepared = _prepare(b.frame)
        source = b.source
        diff = self._diff(cur, prepared, source.key if b.replace_source else None)
        cur.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
            "title = excluded.title, publisher = excluded.publisher, licence = excluded.licence, "
            "origin = excluded.origin, kind = excluded.kind",
            [source.key, source.title, source.publisher, source.licence, source.origin, source.kind],
        )
        if b.published_changes is not None:
            plan = source.key.removeprefix("plan:")
            cur.execute("DELETE FROM published_changes WHERE plan = ?", [plan])
            cur.register("_pc", b.published_changes.assign(plan=plan))
            cur.execute(
                "INSERT INTO published_changes SELECT plan, area_code, benefit, measure, period, "
                "base_period, value, printed, seed_file, seed_section, note FROM _pc"
            )
            cur.unregister("_pc")
        if diff.is_noop:
            cur.execute("DROP TABLE IF EXISTS _chg")
            return ImportResult(None, diff)
        import_id = _scalar(cur, "SELECT nextval('import_ids')")
        cur.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [import_id, datetime.now(), username, b.file_name, b.sha256, b.fmt, source.key,
             diff.new, diff.changed, diff.unchanged, diff.removed],
        )
        # Remember what each changed or removed key held before, so undo restores it exactly. A new key
        # held nothing: its row carries this import's id, and undo deletes it by that id (a million-row
        # first import is written once, not twice).
        cur.execute(
            """
            INSERT INTO import_changes
            SELECT ?, area_code, benefit, measure, period, source, change,
                   old_value, old_ref, old_note, old_import_id, new_value
            FROM _chg WHERE change <> 'new'
            """,
            [import_id],
        )
        cur.execute(
            """
            DELETE FROM observations o USING _chg c
            WHERE c.change = 'removed' AND o.area_code = c.area_code AND o.benefit = c.benefit
              AND o.measure = c.measure AND o.period = c.period AND o.source = c.source
            """
        )
        # New keys are absent by construction (the diff ran in this transaction, under the write
        # lock), so a plain INSERT; changed keys are updated in place.
        cur.execute(
            """
            INSERT INTO observations
            SELECT area_code, benefit, measure, period, source, new_value, period_kind, period_end,
                   new_ref, new_note, ?
            FROM _chg WHERE change = 'new'
            """,
            [import_id],
        )
        cur.execute(
            """
            UPDATE observations o SET value = c.new_value, ref = c.new_ref, note = c.new_note, import_id = ?
            FROM _chg c
            WHERE c.change = 'changed' AND o.area_code = c.area_code AND o.benefit = c.benefit
              AND o.measure = c.measure AND o.period = c.period AND o.source = c.source
            """,
            [import_id],
        )
        _fault("after-observations")
        cur.execute("DROP TABLE IF EXISTS _chg")
        return ImportResult(import_id, diff)

    def undo(self, import_id: int, username: str = "ukendt") -> int:
        """Restore exactly what import `import_id` replaced; returns rows restored. `username`: who undid it."""
        with self.import_lock(), self.transaction() as cur:
            row = cur.execute("SELECT undone_at FROM imports WHERE id = ?", [import_id]).fetchone()
            if row is None:
                raise UndoError(f"Import {import_id} findes ikke.")
            if row[0] is not None:
                raise UndoError(f"Import {import_id} er allerede fortrudt.")
            # Keys this import wrote that a later import (not undone) has since changed: the recorded
            # ones by their owner now, the new ones (not recorded) by the later import's own record.
            later = _scalar(
                cur,
                """
                SELECT (SELECT count(*) FROM import_changes c JOIN observations o
                          USING (area_code, benefit, measure, period, source)
                        WHERE c.import_id = $1 AND o.import_id <> $1 AND c.change <> 'removed')
                     + (SELECT count(*) FROM import_changes l JOIN imports im ON im.id = l.import_id
                        WHERE l.old_import_id = $1 AND l.change = 'changed' AND im.undone_at IS NULL
                          AND NOT EXISTS (SELECT 1 FROM import_changes c WHERE c.import_id = $1
                            AND c.area_code = l.area_code AND c.benefit = l.benefit AND c.measure = l.measure
                            AND c.period = l.period AND c.source = l.source))
                """,
                [import_id],
            )
            if later:
                raise UndoError(
                    f"Import {import_id} kan ikke fortrydes: {later} af dens tal er siden ændret af en "
                    "senere import. Fortryd den senere import først."
                )
            cur.execute(
                """
                UPDATE observations o SET value = c.old_value, ref = c.old_ref, note = c.old_note,
                       import_id = c.old_import_id
                FROM import_changes c
                WHERE c.import_id = ? AND c.change = 'changed' AND o.area_code = c.area_code
                  AND o.benefit = c.benefit AND o.measure = c.measure AND o.period = c.period
                  AND o.source = c.source
                """,
                [import_id],
            )
            # What still carries this import's id after the changed keys got their old rows back is
            # what it added (nothing later owns one: checked above).
            cur.execute("DELETE FROM observations WHERE import_id = ?", [import_id])
            cur.execute(
                """
                INSERT INTO observations
                SELECT c.area_code, c.benefit, c.measure, c.period, c.source, c.old_value,
                       '', 0, c.old_ref, c.old_note, c.old_import_id
                FROM import_changes c WHERE c.import_id = ? AND c.change = 'removed'
                """,
                [import_id],
            )
            _fix_period_columns(cur)
            # Restored: the recorded keys and the new ones (databases from before kept those as 'new' records).
            n = _scalar(cur, "SELECT (SELECT count(*) FROM import_changes WHERE import_id = $1 AND change <> 'new') "
                        "+ (SELECT n_new FROM imports WHERE id = $1)", [import_id])
            n += _undo_goal_figures(cur, import_id)
            cur.execute("UPDATE imports SET undone_at = ? WHERE id = ?", [datetime.now(), import_id])
            _event(cur, username, "undo", f"import {import_id}: {n} tal gendannet", import_id)
            return int(n)

    # --- plan versions (analysts' plans; beskdash.plan_versions holds the rules) ------------

    def add_plan_version(self, plan_id: str, yaml_text: str | None, *, username: str, summary: str,
                         expected_current: int | None) -> int:
        """Store a new version of `plan_id` (`yaml_text` None: the plan is removed); returns its number.

        `expected_current` is the version number the analyst's preview was made against (0: none stored
        yet); when another version was saved or undone since, nothing is written (PlanVersionStale).
        """
        with self.transaction() as cur:
            current = _current_plan_version(cur, plan_id)
            if expected_current is not None and current != expected_current:
                raise PlanVersionStale(
                    f"Planen {plan_id} er ændret af en anden, siden forhåndsvisningen blev lavet. Intet er gemt; "
                    "se den nye version og prøv igen."
                )
            row = cur.execute("SELECT coalesce(max(version), 0) + 1 FROM plan_versions WHERE plan_id = ?",
                              [plan_id]).fetchone()
            version = int(row[0]) if row else 1
            cur.execute(
                "INSERT INTO plan_versions VALUES (nextval('plan_version_ids'), ?, ?, ?, ?, ?, ?, NULL, NULL)",
                [plan_id, version, datetime.now(), username, summary, yaml_text],
            )
            _event(cur, username, "plan", f"{plan_id} version {version}: "
                   + (summary if yaml_text is not None else "planen er fjernet"))
            return int(version)

    def undo_plan_version(self, plan_id: str, *, username: str) -> int:
        """Mark the current stored version of `plan_id` undone (its row stays in the history);
        returns the version number undone."""
        with self.transaction() as cur:
            current = _current_plan_version(cur, plan_id)
            if not current:
                raise UndoError(f"Planen {plan_id} har ingen gemt version at fortryde.")
            cur.execute("UPDATE plan_versions SET undone_at = ?, undone_by = ? WHERE plan_id = ? AND version = ?",
                        [datetime.now(), username, plan_id, current])
            _event(cur, username, "plan", f"{plan_id} version {current} er fortrudt")
            return current

    # --- own figures: writes ----------------------------------------------------------------

    def diff_goal_figures(self, frame: pd.DataFrame) -> Diff:
        """What writing these goal figures would do, without writing (rows: key, old and new value,
        assessment and note, change)."""
        cur = self.cursor()
        try:
            return _diff_goal_figures(cur, frame)
        finally:
            cur.execute("DROP TABLE IF EXISTS _gchg")
            cur.close()

    def apply_goal_figures(self, frame: pd.DataFrame, plan: str, *, username: str, file_name: str,
                           sha256: str | None, fmt: str) -> ImportResult:
        """One plan's goal figures as one recorded import, in one transaction."""
        meta = SourceMeta(f"egne:{plan}", f"Egne tal og vurderinger ({plan})")
        batch = Batch(frame, meta, file_name, sha256, fmt, own_figures=True)
        return self.apply_batches([batch], username=username)[0]

    def _apply_goal_figures(self, cur: duckdb.DuckDBPyConnection, b: Batch, username: str) -> ImportResult:
        diff = _diff_goal_figures(cur, b.frame)
        if diff.is_noop:
            cur.execute("DROP TABLE IF EXISTS _gchg")
            return ImportResult(None, diff)
        import_id = cur.execute("SELECT nextval('import_ids')").fetchone()[0]
        cur.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL)",
            [import_id, datetime.now(), username, b.file_name, b.sha256, b.fmt, b.source.key,
             diff.new, diff.changed, diff.unchanged],
        )
        cur.execute(
            """
            INSERT INTO goal_figure_changes
            SELECT ?, plan, goal_id, period, change, old_value, old_assessment, old_note, old_import_id,
                   new_value, new_assessment, new_note FROM _gchg
            """,
            [import_id],
        )
        cur.execute(
            """
            INSERT INTO goal_figures
            SELECT plan, goal_id, period, new_value, new_assessment, new_note, ? FROM _gchg WHERE change = 'new'
            """,
            [import_id],
        )
        cur.execute(
            """
            UPDATE goal_figures g SET value = c.new_value, assessment = c.new_assessment, note = c.new_note,
                   import_id = ?
            FROM _gchg c
            WHERE c.change = 'changed' AND g.plan = c.plan AND g.goal_id = c.goal_id AND g.period = c.period
            """,
            [import_id],
        )
        _fault("after-observations")
        cur.execute("DROP TABLE IF EXISTS _gchg")
        return ImportResult(import_id, diff)

    def snapshot(self, path: str | Path) -> Path:
        """A consistent copy of the whole database as a new file, taken while this process goes on serving.

        `COPY FROM DATABASE` reads one transaction's view (never half an import) and writes schema,
        data and sequences to a file attached for the purpose; it is renamed into place only when
        complete. A file copy would miss what is still in the WAL.
        """
        dst = Path(path)
        if dst.resolve() == self.path.resolve():
            raise ValueError("Kopien kan ikke skrives oven i databasen selv — vælg et andet filnavn.")
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(dst.name + ".tmp")
        for p in (tmp, tmp.with_name(tmp.name + ".wal")):
            p.unlink(missing_ok=True)
        with self._write_lock:  # one snapshot at a time; an import waits the few seconds it takes
            cur = self.cursor()
            try:
                src = _scalar(cur, "SELECT current_database()")
                cur.execute(f"ATTACH '{_sql_text(tmp)}' AS _snapshot (READ_WRITE)")
                try:
                    cur.execute(f'COPY FROM DATABASE "{src}" TO _snapshot')
                finally:
                    cur.execute("DETACH _snapshot")
            finally:
                cur.close()
        os.replace(tmp, dst)
        return dst


# --- plan versions ------------------------------------------------------------------------
# Analysts' plans, one row a saved version: who, when, what changed, the whole YAML (NULL: the plan
# was removed). Undo marks a row undone and keeps it, so the history shows every step. `build` never
# touches this table.
PLAN_VERSIONS_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS plan_version_ids START 1;
CREATE TABLE IF NOT EXISTS plan_versions (
    id INTEGER PRIMARY KEY, plan_id VARCHAR NOT NULL, version INTEGER NOT NULL,
    saved_at TIMESTAMP NOT NULL, username VARCHAR NOT NULL, summary VARCHAR NOT NULL, yaml VARCHAR,
    undone_at TIMESTAMP, undone_by VARCHAR, UNIQUE (plan_id, version));
"""


class PlanVersionStale(RuntimeError):
    """The plan changed between preview and save; Danish message."""


def _current_plan_version(cur: duckdb.DuckDBPyConnection, plan_id: str) -> int:
    row = cur.execute("SELECT max(version) FROM plan_versions WHERE plan_id = ? AND undone_at IS NULL",
                      [plan_id]).fetchone()
    return int(row[0] or 0) if row else 0


# The stores open in this process, oldest first: the goal engine loads analysts' plans from the
# newest when a caller names none (beskdash.plan_versions.default_store).
_OPEN: list[weakref.ref[Store]] = []


def open_stores() -> list[Store]:
    return [s for r in _OPEN if (s := r()) is not None]


def _lock_file(path: Path) -> int:
    """An exclusive advisory lock on `path`, taken without waiting; ImportBusy if another process holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise ImportBusy(IMPORT_BUSY) from None
    return fd

def _event(cur: duckdb.DuckDBPyConnection, username: str, action: str, detail: str = "",
           import_id: int | None = None) -> None:
    cur.execute("INSERT INTO events (happened_at, username, action, detail, import_id) VALUES (?, ?, ?, ?, ?)",
                [datetime.now(), username, action, detail, import_id])


def _prepare(frame: pd.DataFrame) -> pa.Table:
    """Tidy frame → an Arrow table of the store's columns (period kind and sort key derived once).

    Arrow, not object columns: DuckDB scans it without converting a Python object per cell.
    """
    n = len(frame)
    cols: dict[str, pa.Array] = {}
    for col in ("area_code", "benefit", "measure", "period", "source", "ref", "note"):
        cols[col] = _text_array(frame[col]) if col in frame else pa.nulls(n, pa.string())
    value = pd.to_numeric(frame["value"]).astype("float64").to_numpy()
    cols["value"] = pa.array(value, type=pa.float64(), from_pandas=True)  # NaN → NULL
    codes, uniq = pd.factorize(frame["period"])
    kinds = np.array([periods.kind(p) for p in uniq] or [""], dtype=object)
    ends = np.array([periods.end_month(p) for p in uniq] or [0], dtype=np.int32)
    cols["period_kind"] = pa.array(kinds[codes], type=pa.string())
    cols["period_end"] = pa.array(ends[codes], type=pa.int32())
    return pa.table({c: cols[c] for c in [*TIDY, "period_kind", "period_end"]})


def _text_array(s: pd.Series) -> pa.Array:
    try:
        return pa.array(s, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # mixed objects (e.g. an int code): as text, NULLs kept
        return pa.array([None if pd.isna(v) else str(v) for v in s], type=pa.string())


def _scalar(cur: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Any:
    """The one value of a statement that always yields one row (count, nextval, current_database)."""
    row = cur.execute(sql, params or []).fetchone()
    if row is None:  # cannot happen for these statements; a clear error instead of "None is not subscriptable"
        raise RuntimeError(f"ingen række fra: {sql}")
    return row[0]


def _sql_text(p: Path) -> str:
    """A path as the body of an SQL string literal (ATTACH takes no parameters)."""
    return str(p).replace("'", "''")


def _fix_period_columns(cur: duckdb.DuckDBPyConnection) -> None:
    """Rows restored by undo carry placeholder period columns; derive them."""
    rows = cur.execute("SELECT DISTINCT period FROM observations WHERE period_kind = ''").fetchall()
    for (p,) in rows:
        cur.execute(
            "UPDATE observations SET period_kind = ?, period_end = ? WHERE period = ? AND period_kind = ''",
            [periods.kind(p), periods.end_month(p), p],
        )


# --- own figures: helpers ------------------------------------------------------------------------

def _diff_goal_figures(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> Diff:
    """Stage the goal figures that would change in the cursor's temp table `_gchg`, and count them."""
    incoming = pa.table({
        "plan": _text_array(frame["plan"]), "goal_id": _text_array(frame["goal_id"]),
        "period": _text_array(frame["period"]),
        "value": pa.array(pd.to_numeric(frame["value"]).astype("float64").to_numpy(), type=pa.float64(),
                          from_pandas=True),
        "assessment": _text_array(frame["assessment"]), "note": _text_array(frame["note"]),
    })
    cur.register("_gin", incoming)
    try:
        cur.execute(
            """
            CREATE OR REPLACE TEMP TABLE _gchg AS
            SELECT * FROM (
                SELECT i.plan, i.goal_id, i.period, g.value AS old_value, g.assessment AS old_assessment,
                       g.note AS old_note, g.import_id AS old_import_id, i.value AS new_value,
                       i.assessment AS new_assessment, i.note AS new_note,
                       CASE WHEN g.plan IS NULL THEN 'new'
                            WHEN g.value IS DISTINCT FROM i.value OR g.assessment IS DISTINCT FROM i.assessment
                                 OR g.note IS DISTINCT FROM i.note THEN 'changed'
                            ELSE 'unchanged' END AS change
                FROM _gin i LEFT JOIN goal_figures g USING (plan, goal_id, period)
            ) WHERE change <> 'unchanged'
            """
        )
    finally:
        cur.unregister("_gin")
    counts = dict(cur.execute("SELECT change, count(*) FROM _gchg GROUP BY change").fetchall())
    rows = cur.execute(
        "SELECT plan, goal_id, period, old_value, new_value, old_assessment, new_assessment, old_note, new_note, "
        "change FROM _gchg ORDER BY plan, goal_id, period"
    ).df()
    new, changed = int(counts.get("new", 0)), int(counts.get("changed", 0))
    return Diff(new, changed, incoming.num_rows - new - changed, 0, rows)


def _undo_goal_figures(cur: duckdb.DuckDBPyConnection, import_id: int) -> int:
    """Inside `Store.undo`'s transaction: restore the goal figures import `import_id` replaced."""
    later = cur.execute(
        """
        SELECT count(*) FROM goal_figure_changes c JOIN goal_figures g USING (plan, goal_id, period)
        WHERE c.import_id = ? AND g.import_id <> ?
        """,
        [import_id, import_id],
    ).fetchone()[0]
    if later:
        raise UndoError(f"Import {import_id} kan ikke fortrydes: {later} af dens egne tal er siden ændret af en "
                        "senere import. Fortryd den senere import først.")
    cur.execute(
        """
        DELETE FROM goal_figures g USING goal_figure_changes c
        WHERE c.import_id = ? AND c.change = 'new' AND g.plan = c.plan AND g.goal_id = c.goal_id
          AND g.period = c.period
        """,
        [import_id],
    )
    cur.execute(
        """
        UPDATE goal_figures g SET value = c.old_value, assessment = c.old_assessment, note = c.old_note,
               import_id = c.old_import_id
        FROM goal_figure_changes c
        WHERE c.import_id = ? AND c.change = 'changed' AND g.plan = c.plan AND g.goal_id = c.goal_id
          AND g.period = c.period
        """,
        [import_id],
    )
    return int(cur.execute("SELECT count(*) FROM goal_figure_changes WHERE import_id = ?", [import_id]).fetchone()[0])
