"""The store's handle on the DuckDB file: connection, transactions, the import lock, and the writes of
observations (apply, undo) and the snapshot. Own figures and plan versions are written by the mixins in
`own_figures` and `plan_versions`, reads by `reads`; the tables are `schema`.

DuckDB allows one writing process per file and a connection is not thread-safe, so a
process holds one connection (`Store`) and every call works on its own cursor. Writes run
in one explicit transaction; on any failure we ROLLBACK and re-raise (a COMMIT after a
failed statement would silently roll back).
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from beskdash import periods, taxonomy
from beskdash.store.own_figures import OwnFigureWrites, undo_goal_figures
from beskdash.store.plan_versions import PlanVersionWrites
from beskdash.store.publish import Snapshot, publish_after_commit
from beskdash.store.reads import Reads
from beskdash.store.records import (
    IMPORT_BUSY,
    READ_ONLY_MESSAGE,
    Batch,
    Diff,
    ImportBusy,
    ImportResult,
    ReadOnlyStore,
    SourceMeta,
    Staged,
    StoreBusy,
    UndoError,
)
from beskdash.store.schema import KEY, OWN_FIGURES_SCHEMA, PLAN_VERSIONS_SCHEMA, SCHEMA, TIDY
from beskdash.store.statements import event, fault, scalar, sql_text, text_array
from beskdash.store.versions import forget_versions, remembered_version


def _busy_message(path: Path, err: Exception) -> str:
    return (
        f"Databasen {path} er i brug af en anden proces (fx dashboardet eller en anden import). "
        f"Prøv igen, når den er færdig. ({str(err).splitlines()[0][:200]})"
    )


class Store(Reads, OwnFigureWrites, PlanVersionWrites):
    """One process's handle on one DuckDB file."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._file = os.path.realpath(self.path)  # the key of this file's remembered versions
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
        forget_versions(self._file)  # another process may have changed the file since we last had it open
        _OPEN.append(weakref.ref(self))

    def close(self) -> None:
        self._con.close()
        forget_versions(self._file)
        _OPEN[:] = [r for r in _OPEN if r() not in (None, self)]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- cursors and transactions -------------------------------------------------------

    def version(self) -> int:
        return remembered_version(self._file, "data", super().version)

    def plan_data_version(self) -> int:
        return remembered_version(self._file, "plans", super().plan_data_version)

    def events_version(self) -> int:
        return remembered_version(self._file, "events", super().events_version)

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
                forget_versions(self._file)
        # Committed: replicas get it as a new snapshot (only when BESKDASH_PUBLISH_DIR is set). Outside
        # the write lock, which the snapshot takes itself.
        if publish:
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
            event(cur, username, action, detail)

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
        """What applying `frame` would do, without writing. The Diff keeps what it found, so applying it while
        the store is unchanged (`apply_batches`) need not compare the rows with the store again."""
        version = self.version()  # read first: a write in between makes the Diff look stale, never fresh
        cur = self.cursor()
        try:
            return self._diff(cur, _prepare(frame), replace_source, version)
        finally:
            cur.close()

    def _diff(self, cur: duckdb.DuckDBPyConnection, incoming: pa.Table, replace_source: str | None,
              version: int) -> Diff:
        """Compare the incoming rows with the store, in DuckDB.

        Only the rows the store already holds come back (by position, with what it holds), and with
        `replace_source` the build's rows a rebuild removes; every other row is new. A million-row first
        import thus returns nothing but its count, and nothing round-trips through Python objects.
        """
        cur.register("_incoming", incoming.append_column("_row", pa.array(np.arange(incoming.num_rows))))
        try:
            held = cur.sql(
                """
                SELECT i._row, o.value AS old_value, o.ref AS old_ref, o.note AS old_note,
                       o.import_id AS old_import_id,
                       -- a rebuild never overwrites what an analyst imported later
                       CASE WHEN $1 AND im.username IS DISTINCT FROM 'build' THEN 'unchanged'
                            WHEN o.value IS DISTINCT FROM i.value THEN 'changed'
                            ELSE 'unchanged' END AS change
                FROM _incoming i JOIN observations o USING (area_code, benefit, measure, period, source)
                LEFT JOIN imports im ON im.id = o.import_id
                ORDER BY i._row
                """,
                params=[replace_source is not None],
            ).to_arrow_table()
            removed = None if replace_source is None else cur.sql(
                """
                SELECT o.area_code, o.benefit, o.measure, o.period, o.source, o.value AS old_value,
                       o.ref AS old_ref, o.note AS old_note, o.import_id AS old_import_id,
                       NULL::DOUBLE AS new_value, NULL::VARCHAR AS new_ref, NULL::VARCHAR AS new_note,
                       o.period_kind, o.period_end, 'removed' AS change
                FROM observations o JOIN imports im ON im.id = o.import_id AND im.username = 'build'
                WHERE o.source = $1 AND NOT EXISTS (
                    SELECT 1 FROM _incoming i WHERE i.area_code = o.area_code AND i.benefit = o.benefit
                      AND i.measure = o.measure AND i.period = o.period AND i.source = o.source)
                ORDER BY o.area_code, o.benefit, o.measure, o.period
                """,
                params=[replace_source],
            ).to_arrow_table()
        finally:
            cur.unregister("_incoming")
        return _diff_of(Staged(version, replace_source, incoming, held, removed))

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
            # A file's comparison with the store is applied as the preview made it unless an earlier file of
            # this transaction wrote the same source (the only way two files' keys can meet).
            results: list[ImportResult] = []
            written: set[str] = set()
            for b in batches:
                results.append(self._apply(cur, replace(b, diff=None) if b.source.key in written else b, username))
                written.add(b.source.key)
            for b, r in zip(batches, results):
                if r.import_id is not None:
                    event(cur, username, "import", f"{b.file_name}: {r.diff.new} nye, {r.diff.changed} ændrede, "
                           f"{r.diff.removed} fjernede", r.import_id)
            if _fail_after_observations:  # fault-injection hook for the tests
                raise RuntimeError("simuleret fejl efter observationerne, før importhistorikken er færdig")
            fault("before-commit")
        fault("after-commit")
        return results

    def _apply(self, cur: duckdb.DuckDBPyConnection, b: Batch, username: str) -> ImportResult:
        if b.own_figures:
            return self._apply_goal_figures(cur, b, username)
        prepared = _prepare(b.frame)  # from the frame as it is now: the caller may have annotated it (notes)
        source = b.source
        rebuilt = source.key if b.replace_source else None
        # The preview's comparison still holds while the data version is what it was then: every write of
        # observations is an import or an undo, made under the import lock held here.
        version = self.version() if b.diff is not None else 0
        diff = _reused(b.diff, prepared, rebuilt, version) or self._diff(cur, prepared, rebuilt, version)
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
            return ImportResult(None, diff)
        assert diff.staged is not None
        import_id = scalar(cur, "SELECT nextval('import_ids')")
        cur.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [import_id, datetime.now(), username, b.file_name, b.sha256, b.fmt, source.key,
             diff.new, diff.changed, diff.unchanged, diff.removed],
        )
        changes, new_rows = _changes(diff.staged), _new_rows(diff.staged)
        cur.register("_chg", changes)
        cur.register("_new", new_rows)
        try:
            if changes.num_rows:
                # Remember what each changed or removed key held before, so undo restores it exactly. A new
                # key held nothing: its row carries this import's id, and undo deletes it by that id (a
                # million-row first import is written once, not twice).
                cur.execute(
                    """
                    INSERT INTO import_changes
                    SELECT ?, area_code, benefit, measure, period, source, change,
                           old_value, old_ref, old_note, old_import_id, new_value
                    FROM _chg
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
                cur.execute(
                    """
                    UPDATE observations o SET value = c.new_value, ref = c.new_ref, note = c.new_note,
                           import_id = ?
                    FROM _chg c
                    WHERE c.change = 'changed' AND o.area_code = c.area_code AND o.benefit = c.benefit
                      AND o.measure = c.measure AND o.period = c.period AND o.source = c.source
                    """,
                    [import_id],
                )
            # New keys are absent by construction (compared in this transaction, or under the same data
            # version), so a plain INSERT straight from the prepared Arrow rows.
            if new_rows.num_rows:
                cur.execute(
                    """
                    INSERT INTO observations
                    SELECT area_code, benefit, measure, period, source, value, period_kind, period_end,
                           ref, note, ?
                    FROM _new
                    """,
                    [import_id],
                )
        finally:
            cur.unregister("_chg")
            cur.unregister("_new")
        fault("after-observations")
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
            later = scalar(
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
            n = scalar(cur, "SELECT (SELECT count(*) FROM import_changes WHERE import_id = $1 AND change <> 'new') "
                        "+ (SELECT n_new FROM imports WHERE id = $1)", [import_id])
            n += undo_goal_figures(cur, import_id)
            cur.execute("UPDATE imports SET undone_at = ? WHERE id = ?", [datetime.now(), import_id])
            event(cur, username, "undo", f"import {import_id}: {n} tal gendannet", import_id)
            return int(n)

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
                src = scalar(cur, "SELECT current_database()")
                cur.execute(f"ATTACH '{sql_text(tmp)}' AS _snapshot (READ_WRITE)")
                try:
                    cur.execute(f'COPY FROM DATABASE "{src}" TO _snapshot')
                finally:
                    cur.execute("DETACH _snapshot")
            finally:
                cur.close()
        os.replace(tmp, dst)
        return dst


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


def _prepare(frame: pd.DataFrame) -> pa.Table:
    """Tidy frame → an Arrow table of the store's columns (period kind and sort key derived once).

    Arrow, not object columns: DuckDB scans it without converting a Python object per cell.
    """
    n = len(frame)
    cols: dict[str, pa.Array] = {}
    for col in ("area_code", "benefit", "measure", "period", "source", "ref", "note"):
        cols[col] = text_array(frame[col]) if col in frame else pa.nulls(n, pa.string())
    value = pd.to_numeric(frame["value"]).astype("float64").to_numpy()
    cols["value"] = pa.array(value, type=pa.float64(), from_pandas=True)  # NaN → NULL
    codes, uniq = pd.factorize(frame["period"])
    codes = codes % max(len(uniq), 1)  # as numpy indexing would take a missing period's -1
    kinds = pa.array([periods.kind(p) for p in uniq] or [""], type=pa.string())
    ends = np.array([periods.end_month(p) for p in uniq] or [0], dtype=np.int32)
    cols["period_kind"] = kinds.take(pa.array(codes))  # per distinct period, then taken: no str per row
    cols["period_end"] = pa.array(ends[codes], type=pa.int32())
    return pa.table({c: cols[c] for c in [*TIDY, "period_kind", "period_end"]})


def _diff_of(s: Staged) -> Diff:
    """The counts of a comparison, and its rows (made only when asked for)."""
    changed = int(pc.sum(pc.equal(s.held["change"], "changed")).as_py() or 0)
    new = s.incoming.num_rows - s.held.num_rows
    removed = 0 if s.removed is None else s.removed.num_rows
    return Diff(new, changed, s.incoming.num_rows - new - changed, removed, lambda: _diff_rows(s), s)


def _reused(d: Diff | None, prepared: pa.Table, replace_source: str | None, version: int) -> Diff | None:
    """The preview's comparison applied to the rows as they are now, when it still holds: the store is at the
    version it was compared with and the rows' keys and values are the ones compared (a note added since is
    written, a changed value is compared again)."""
    s = d.staged if d is not None else None
    if (s is None or s.version != version or s.replace_source != replace_source
            or s.incoming.num_rows != prepared.num_rows):
        return None
    figures = [*KEY, "value"]
    if not s.incoming.select(figures).equals(prepared.select(figures)):
        return None
    return _diff_of(Staged(s.version, s.replace_source, prepared, s.held, s.removed))


def _new_rows(s: Staged) -> pa.Table:
    """The incoming rows the store does not hold."""
    if not s.held.num_rows:
        return s.incoming
    keep = np.ones(s.incoming.num_rows, dtype=bool)
    keep[s.held["_row"].to_numpy()] = False
    return s.incoming.filter(pa.array(keep))


def _changes(s: Staged) -> pa.Table:
    """The changed and removed rows, with what the store held and what replaces it (import_changes' columns)."""
    held = s.held.filter(pc.equal(s.held["change"], "changed"))
    new = s.incoming.take(held["_row"])
    out = pa.table({**{k: new[k] for k in KEY},
                    "old_value": held["old_value"], "old_ref": held["old_ref"], "old_note": held["old_note"],
                    "old_import_id": held["old_import_id"], "new_value": new["value"], "new_ref": new["ref"],
                    "new_note": new["note"], "period_kind": new["period_kind"], "period_end": new["period_end"],
                    "change": held["change"]})
    if s.removed is None or not s.removed.num_rows:
        return out
    return pa.concat_tables([out, s.removed.cast(out.schema)])


def _diff_rows(s: Staged) -> pa.Table:
    """The Diff's rows: key, old_value, new_value, change (new, then changed and removed)."""
    cols = [*KEY, "old_value", "new_value", "change"]
    new = _new_rows(s)
    n = new.num_rows
    fresh = pa.table({**{k: new[k] for k in KEY}, "old_value": pa.nulls(n, pa.float64()), "new_value": new["value"],
                      "change": pa.repeat("new", n)})
    return pa.concat_tables([fresh, _changes(s).select(cols)])


def _fix_period_columns(cur: duckdb.DuckDBPyConnection) -> None:
    """Rows restored by undo carry placeholder period columns; derive them."""
    rows = cur.execute("SELECT DISTINCT period FROM observations WHERE period_kind = ''").fetchall()
    for (p,) in rows:
        cur.execute(
            "UPDATE observations SET period_kind = ?, period_end = ? WHERE period = ? AND period_kind = ''",
            [periods.kind(p), periods.end_month(p), p],
        )


class SnapshotStore(Store):
    """A read-only store on one published snapshot (`publish`); like any open file, its version is read once."""

    def __init__(self, snapshot: Snapshot):
        super().__init__(snapshot.path, read_only=True)
        self.snapshot_info = snapshot
