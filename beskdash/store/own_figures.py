"""Writes of the municipality's own figures and the jobcenter's assessments (`goal_figures`).

One row per (plan, goal, period); each write is a recorded import, and `goal_figure_changes` holds what it
replaced, so `Store.undo` restores it exactly (`undo_goal_figures`), as for observations.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

from beskdash.store.records import Batch, Diff, ImportResult, SourceMeta, UndoError
from beskdash.store.statements import fault, scalar, text_array


class OwnFigureWrites:
    """Mixed into `Store`; needs its `cursor()` and `apply_batches()`."""

    def cursor(self) -> duckdb.DuckDBPyConnection:
        raise NotImplementedError  # provided by Store

    def apply_batches(self, batches: list[Batch], *, username: str,
                      _fail_after_observations: bool = False) -> list[ImportResult]:
        raise NotImplementedError  # provided by Store

    def diff_goal_figures(self, frame: pd.DataFrame) -> Diff:
        """What writing these goal figures would do, without writing (rows: key, old and new value,
        assessment and note, change)."""
        cur = self.cursor()
        try:
            return diff_goal_figures(cur, frame)
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
        diff = diff_goal_figures(cur, b.frame)
        if diff.is_noop:
            cur.execute("DROP TABLE IF EXISTS _gchg")
            return ImportResult(None, diff)
        import_id = scalar(cur, "SELECT nextval('import_ids')")
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
        fault("after-observations")
        cur.execute("DROP TABLE IF EXISTS _gchg")
        return ImportResult(import_id, diff)


def diff_goal_figures(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> Diff:
    """Stage the goal figures that would change in the cursor's temp table `_gchg`, and count them."""
    incoming = pa.table({
        "plan": text_array(frame["plan"]), "goal_id": text_array(frame["goal_id"]),
        "period": text_array(frame["period"]),
        "value": pa.array(pd.to_numeric(frame["value"]).astype("float64").to_numpy(), type=pa.float64(),
                          from_pandas=True),
        "assessment": text_array(frame["assessment"]), "note": text_array(frame["note"]),
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


def undo_goal_figures(cur: duckdb.DuckDBPyConnection, import_id: int) -> int:
    """Inside `Store.undo`'s transaction: restore the goal figures import `import_id` replaced."""
    later = scalar(
        cur,
        """
        SELECT count(*) FROM goal_figure_changes c JOIN goal_figures g USING (plan, goal_id, period)
        WHERE c.import_id = ? AND g.import_id <> ?
        """,
        [import_id, import_id],
    )
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
    return int(scalar(cur, "SELECT count(*) FROM goal_figure_changes WHERE import_id = ?", [import_id]))
