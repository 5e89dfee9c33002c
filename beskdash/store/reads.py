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

    def _query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Private on purpose: callers outside the store use a named read (tests/lib/test_architecture.py)."""
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def _rows(self, sql: str, params: list | None = None) -> list[tuple]:
        """`_query` as plain tuples, for a read whose caller works row by row."""
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).fetchall()
        finally:
            cur.close()

    def version(self) -> int:
        """Changes whenever data changes (an import, an undo, a plan version saved or undone): part of every
        cached query's key. One statement, one row, no DataFrame: a page run reads it at least once."""
        cur = self.cursor()
        try:
            try:
                row = cur.execute("SELECT (SELECT coalesce(max(id), 0) * 2 + count(undone_at) FROM imports)"
                                  " + (SELECT coalesce(max(id), 0) * 2 + count(undone_at) FROM plan_versions)"
                                  ).fetchone()
            except duckdb.CatalogException:  # a read-only database built before plan versions existed
                row = cur.execute("SELECT coalesce(max(id), 0) * 2 + count(undone_at) FROM imports").fetchone()
        finally:
            cur.close()
        return int(row[0]) if row else 0

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
        where: list[str] = []
        params: list[object] = []
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
        return self._query(sql, params)

    def best_value_rows(self, areas: list[str], benefits: list[str], measure: str, source: str | None,
                        ranks: list[tuple[str, int]], default_rank: int) -> list[tuple[str, str, str, float, str, str]]:
        """One non-empty value per area, benefit and period of `measure`: the one of the best-ranked source
        (`ranks`: source-key prefix → rank, lower first; others `default_rank`; then by source key), in the
        order that source's rows come in `observations()` (rank, source, area, benefit, period). `areas` and
        `benefits` must not be empty.

        Rows as tuples (area_code, period, period_kind, value, source, benefit): the comparison looks them up
        one by one, and a frame it would take apart again costs more than the query."""
        where = [f"area_code IN ({', '.join('?' * len(areas))})", f"benefit IN ({', '.join('?' * len(benefits))})",
                 "measure = ?", "value IS NOT NULL"]
        params: list[object] = [*areas, *benefits, measure]
        if source:
            where.append("source = ?")
            params.append(source)
        rank = "CASE " + " ".join("WHEN starts_with(source, ?) THEN ?" for _ in ranks) + " ELSE ? END"
        rank_params: list[object] = [*(x for prefix_rank in ranks for x in prefix_rank), default_rank]
        sql = f"""
            SELECT area_code, period, period_kind, value, source, benefit
            FROM (SELECT *, {rank} AS _rank FROM observations WHERE {" AND ".join(where)})
            QUALIFY row_number() OVER (PARTITION BY area_code, benefit, period ORDER BY _rank, source) = 1
            ORDER BY _rank, source, area_code, benefit, period_end, period_kind
        """
        return self._rows(sql, [*rank_params, *params])

    def sources(self) -> pd.DataFrame:
        return self._query("SELECT * FROM sources ORDER BY key")

    def imports(self) -> pd.DataFrame:
        return self._query("SELECT * FROM imports ORDER BY id DESC")

    def published_changes(self, plan: str | None = None) -> pd.DataFrame:
        if plan:
            return self._query("SELECT * FROM published_changes WHERE plan = ? ORDER BY ALL", [plan])
        return self._query("SELECT * FROM published_changes ORDER BY ALL")

    def latest_per_benefit(self, area_code: str, national_code: str) -> pd.DataFrame:
        """One row per (benefit, measure, source): the newest non-empty value for `area_code`, and
        `national_code`'s value for the same benefit, measure, period and source (NULL where it has none).

        Columns: benefit, measure, period, value, national_value, source, source_title, ref, note; unordered.
        """
        return self._query(
            """
            WITH latest AS (
                SELECT *, row_number() OVER (PARTITION BY benefit, measure, source
                                             ORDER BY period_end DESC, period_kind) AS rn
                FROM observations WHERE area_code = ? AND value IS NOT NULL
            )
            SELECT l.benefit, l.measure, l.period, l.value, n.value AS national_value, l.source,
                   s.title AS source_title, l.ref, l.note
            FROM latest l
            LEFT JOIN observations n ON n.area_code = ? AND n.benefit = l.benefit
                 AND n.measure = l.measure AND n.period = l.period AND n.source = l.source
            JOIN sources s ON s.key = l.source
            WHERE l.rn = 1
            """,
            [area_code, national_code],
        )

    def active_imports_with_sha(self, sha256: str) -> list[int]:
        """Ids of the imports not undone that read a file with this SHA-256, newest first."""
        df = self._query("SELECT id FROM imports WHERE sha256 = ? AND undone_at IS NULL ORDER BY id DESC", [sha256])
        return [int(i) for i in df["id"]]

    def import_user(self, import_id: int) -> str | None:
        """Who made import `import_id` (`build` for the shipped database); None if there is no such import."""
        df = self._query("SELECT username FROM imports WHERE id = ?", [import_id])
        return str(df["username"].iloc[0]) if len(df) and df["username"].iloc[0] is not None else None

    def count_observations(self) -> int:
        df = self._query("SELECT count(*) AS n FROM observations")
        return int(df["n"].iloc[0])

    # --- comparison ---

    def coverage(self, areas: list[str] | None = None) -> pd.DataFrame:
        """What can be compared: one row per benefit, measure, period kind and period, with how many
        of `areas` (or of all areas) have a value. Population counts (befolkning × personer) are the
        comparison's denominators and are not listed.

        Columns: benefit, measure, period_kind, period, period_end, n_areas.
        """
        where, params = ["value IS NOT NULL", "NOT (benefit = 'befolkning' AND measure = 'personer')"], []
        if areas:
            where.append(f"area_code IN ({', '.join('?' * len(areas))})")
            params.extend(areas)
        return self._query(
            f"""
            SELECT benefit, measure, period_kind, period, any_value(period_end) AS period_end,
                   count(DISTINCT area_code) AS n_areas
            FROM observations WHERE {" AND ".join(where)}
            GROUP BY benefit, measure, period_kind, period
            ORDER BY benefit, measure, period_kind, period_end
            """,
            params,
        )

    # --- audit ---

    def other_source_values(self) -> pd.DataFrame:
        """Each plan figure beside every other source's value for the same area, benefit, measure and period
        (another plan only once per pair): what the audit's `kilde-mod-plan` compares."""
        return self._query(
            """
            SELECT p.area_code, p.benefit, p.measure, p.period, p.source AS plan_source, p.value AS plan_value,
                   p.ref AS plan_ref, o.source AS other_source, o.value AS other_value
            FROM observations p JOIN observations o
              ON o.area_code = p.area_code AND o.benefit = p.benefit AND o.measure = p.measure
             AND o.period = p.period AND o.source <> p.source
            WHERE p.source LIKE 'plan:%' AND (o.source NOT LIKE 'plan:%' OR o.source > p.source)
              AND p.value IS NOT NULL AND o.value IS NOT NULL
            ORDER BY ALL
            """
        )

    # --- audit log ---

    def events_version(self) -> int:
        """Grows with every event logged (a login too, which changes no data and so not `version()`)."""
        cur = self.cursor()
        try:
            row = cur.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()
        finally:
            cur.close()
        return int(row[0]) if row else 0

    def events(self, username: str | None = None, actions: list[str] | None = None,
               limit: int | None = None) -> pd.DataFrame:
        """The audit log, newest first: id, happened_at, username, action, detail, import_id."""
        where: list[str] = []
        params: list[object] = []
        if username:
            where.append("username = ?")
            params.append(username)
        if actions:
            where.append(f"action IN ({', '.join('?' * len(actions))})")
            params.extend(actions)
        sql = ("SELECT id, happened_at, username, action, detail, import_id FROM events"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC"
               + (f" LIMIT {int(limit)}" if limit else ""))
        return self._query(sql, params)

    def series_sources(self) -> pd.DataFrame:
        """Which sources hold each (benefit, measure): benefit, measure, source, one row per distinct triple."""
        return self._query("SELECT DISTINCT benefit, measure, source FROM observations ORDER BY ALL")

    # --- plan versions ---

    def plan_data_version(self) -> int:
        """Grows with every saved or undone plan version (0 without any): part of `version()`."""
        cur = self.cursor()
        try:
            row = cur.execute("SELECT coalesce(max(id), 0) * 2 + count(undone_at) FROM plan_versions").fetchone()
        except duckdb.CatalogException:  # a read-only database built before plan versions existed
            return 0
        finally:
            cur.close()
        return int(row[0]) if row else 0

    def plan_versions(self, plan_id: str | None = None) -> pd.DataFrame:
        """Every stored version (of one plan), oldest first: plan_id, version, saved_at, username,
        summary, yaml (None: removed), undone_at, undone_by."""
        where = "WHERE plan_id = ?" if plan_id else ""
        try:
            return self._query(f"SELECT * EXCLUDE (id) FROM plan_versions {where} ORDER BY plan_id, version",
                              [plan_id] if plan_id else [])
        except duckdb.CatalogException:
            return pd.DataFrame(columns=["plan_id", "version", "saved_at", "username", "summary", "yaml",
                                         "undone_at", "undone_by"])

    def current_plan_versions(self) -> pd.DataFrame:
        """The newest version not undone of every stored plan: plan_id, version, saved_at, username, summary, yaml."""
        try:
            return self._query(
                "SELECT plan_id, version, saved_at, username, summary, yaml FROM plan_versions "
                "WHERE undone_at IS NULL QUALIFY version = max(version) OVER (PARTITION BY plan_id) ORDER BY plan_id"
            )
        except duckdb.CatalogException:
            return pd.DataFrame(columns=["plan_id", "version", "saved_at", "username", "summary", "yaml"])

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
            return self._query(sql.format(where="WHERE g.plan = ?"), [plan])
        return self._query(sql.format(where=""))

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
        return self._query(
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
        df = self._query("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?", [name])
        return bool(df["n"].iloc[0])
