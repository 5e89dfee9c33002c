"""The store's named reads: every SELECT the rest of beskdash needs, by name (datasette's `Database` is the model).

Nothing outside `beskdash/store/` writes SQL. A read replica or a later move of the system of record then
changes this package and nothing else. Each read opens its own cursor (a DuckDB connection is not thread-safe).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from beskdash import periods


class Reads:
    """Mixed into `Store`; needs only its `cursor()`."""

    def cursor(self) -> duckdb.DuckDBPyConnection:  # provided by Store
        raise NotImplementedError

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def version(self) -> int:
        """Changes whenever data changes: part of every cached query's key."""
        df = self.query("SELECT coalesce(max(id), 0) * 2 + count(undone_at) AS v FROM imports")
        return int(df["v"].iloc[0])

    def observations(
        self,
        areas: list[str] | None = None,
        benefits: list[str] | None = None,
        measures: list[str] | None = None,
        sources: list[str] | None = None,
        period_from: str | None = None,
        period_to: str | None = None,
        period_kind: str | None = None,
    ) -> pd.DataFrame:
        """Observations with area names, in a deterministic order."""
        where, params = [], []
        for col, vals in (("o.area_code", areas), ("o.benefit", benefits), ("o.measure", measures),
                          ("o.source", sources)):
            if vals:
                where.append(f"{col} IN ({', '.join('?' * len(vals))})")
                params.extend(vals)
        if period_from:
            where.append("o.period_end >= ?")
            params.append(periods.end_month(periods.parse_period(period_from)))
        if period_to:
            where.append("o.period_end <= ?")
            params.append(periods.end_month(periods.parse_period(period_to)))
        if period_kind:
            where.append("o.period_kind = ?")
            params.append(period_kind)
        sql = f"""
            SELECT o.area_code, a.name_da AS area_name, o.benefit, o.measure, o.period, o.value,
                   o.source, o.period_kind, o.period_end, o.ref, o.note, o.import_id
            FROM observations o JOIN areas a ON a.code = o.area_code
            {"WHERE " + " AND ".join(where) if where else ""}
            ORDER BY o.source, o.area_code, o.benefit, o.measure, o.period_end, o.period_kind
        """
        return self.query(sql, params)

    def sources(self) -> pd.DataFrame:
        return self.query("SELECT * FROM sources ORDER BY key")

    def imports(self) -> pd.DataFrame:
        return self.query("SELECT * FROM imports ORDER BY id DESC")

    def published_changes(self, plan: str | None = None) -> pd.DataFrame:
        if plan:
            return self.query("SELECT * FROM published_changes WHERE plan = ? ORDER BY ALL", [plan])
        return self.query("SELECT * FROM published_changes ORDER BY ALL")

    # --- own figures ---

    def goal_figures(self, plan: str | None = None) -> pd.DataFrame:
        """The own figures and assessments in force, with their provenance (who, when, which file)."""
        if not self._has_table("goal_figures"):  # a database written before own figures, opened read-only
            return pd.DataFrame(columns=["plan", "goal_id", "period", "value", "assessment", "note", "import_id",
                                         "username", "imported_at", "file_name", "sha256", "format"])
        sql = """
            SELECT g.plan, g.goal_id, g.period, g.value, g.assessment, g.note, g.import_id,
                   i.username, i.imported_at, i.file_name, i.sha256, i.format
            FROM goal_figures g JOIN imports i ON i.id = g.import_id
            {where} ORDER BY g.plan, g.goal_id, g.period
        """
        if plan:
            return self.query(sql.format(where="WHERE g.plan = ?"), [plan])
        return self.query(sql.format(where=""))

    def goal_figure_history(self, plan: str | None = None, goal_id: str | None = None) -> pd.DataFrame:
        """Every change to the own figures, newest first: what each import set, and what it replaced."""
        if not self._has_table("goal_figure_changes"):
            return pd.DataFrame(columns=["import_id", "plan", "goal_id", "period", "change", "old_value",
                                         "new_value", "old_assessment", "new_assessment", "old_note", "new_note",
                                         "username", "imported_at", "file_name", "undone_at"])
        where, params = [], []
        for col, v in (("c.plan", plan), ("c.goal_id", goal_id)):
            if v:
                where.append(f"{col} = ?")
                params.append(v)
        return self.query(
            f"""
            SELECT c.import_id, c.plan, c.goal_id, c.period, c.change, c.old_value, c.new_value,
                   c.old_assessment, c.new_assessment, c.old_note, c.new_note,
                   i.username, i.imported_at, i.file_name, i.undone_at
            FROM goal_figure_changes c JOIN imports i ON i.id = c.import_id
            {"WHERE " + " AND ".join(where) if where else ""}
            ORDER BY c.import_id DESC, c.plan, c.goal_id, c.period
            """,
            params,
        )

    def _has_table(self, name: str) -> bool:
        df = self.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?", [name])
        return bool(df["n"].iloc[0])
