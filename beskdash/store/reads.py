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
        return int(df["v"].iloc[0]) + self.plan_data_version()

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

    # --- plan versions ---

    def plan_data_version(self) -> int:
        """Grows with every saved or undone plan version (0 without any): part of `version()`."""
        try:
            df = self.query("SELECT coalesce(max(id), 0) * 2 + count(undone_at) AS v FROM plan_versions")
        except duckdb.CatalogException:  # a read-only database built before plan versions existed
            return 0
        return int(df["v"].iloc[0])

    def plan_versions(self, plan_id: str | None = None) -> pd.DataFrame:
        """Every stored version (of one plan), oldest first: plan_id, version, saved_at, username,
        summary, yaml (None: removed), undone_at, undone_by."""
        where = "WHERE plan_id = ?" if plan_id else ""
        try:
            return self.query(f"SELECT * EXCLUDE (id) FROM plan_versions {where} ORDER BY plan_id, version",
                              [plan_id] if plan_id else [])
        except duckdb.CatalogException:
            return pd.DataFrame(columns=["plan_id", "version", "saved_at", "username", "summary", "yaml",
                                         "undone_at", "undone_by"])

    def current_plan_versions(self) -> pd.DataFrame:
        """The newest version not undone of every stored plan: plan_id, version, saved_at, username, summary, yaml."""
        try:
            return self.query(
                "SELECT plan_id, version, saved_at, username, summary, yaml FROM plan_versions "
                "WHERE undone_at IS NULL QUALIFY version = max(version) OVER (PARTITION BY plan_id) ORDER BY plan_id"
            )
        except duckdb.CatalogException:
            return pd.DataFrame(columns=["plan_id", "version", "saved_at", "username", "summary", "yaml"])
