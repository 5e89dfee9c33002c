"""Writes of analysts' plan versions (`plan_versions` table; `beskdash.plan_versions` holds the rules).

A saved version is one row; undo marks it undone and keeps it, so the history shows every step.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime

import duckdb

from beskdash.store.records import PlanVersionStale, UndoError
from beskdash.store.statements import event


class PlanVersionWrites:
    """Mixed into `Store`; needs only its `transaction()`."""

    def transaction(self, publish: bool = True) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        raise NotImplementedError  # provided by Store

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
            event(cur, username, "plan", f"{plan_id} version {version}: "
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
            event(cur, username, "plan", f"{plan_id} version {current} er fortrudt")
            return current


def _current_plan_version(cur: duckdb.DuckDBPyConnection, plan_id: str) -> int:
    row = cur.execute("SELECT max(version) FROM plan_versions WHERE plan_id = ? AND undone_at IS NULL",
                      [plan_id]).fetchone()
    return int(row[0] or 0) if row else 0
