"""The database's tables, as the SQL that creates them (run on every writable open; all IF NOT EXISTS)."""

from __future__ import annotations

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
