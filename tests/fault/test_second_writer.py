"""A second process that writes while the app holds the database gets a clear Danish message, and
nothing is damaged: the app goes on serving the same figures, and the file opens afterwards as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import AppServer
from tests.conftest import run_cli
from tests.fault.conftest import copy_db, export_csv, figures, interact, state
from tests.lib.test_imports import changed_auk01

pytestmark = [pytest.mark.fault, pytest.mark.timeout(120)]


def test_a_second_writer_while_the_app_runs(built_db: Path, tmp_path: Path) -> None:
    db = copy_db(built_db, tmp_path / "beskdash.duckdb")
    before, before_export = state(db), export_csv(db)
    f = tmp_path / "AUK01_rettet.csv"
    f.write_bytes(changed_auk01())
    server = AppServer(db, extra_env={"STREAMLIT_SERVER_ENABLE_AGENT_API": "true"})
    try:
        first = interact(server, {})  # a reader opens the app: the app now holds the file
        assert first["status"] == "ready"
        for args in (("import", str(f), "--user", "anna"), ("imports", "undo", "1"), ("build",),
                     ("import", str(f), "--dry-run")):
            r = run_cli(*args, db=db)
            assert r.returncode == 1, (args, r.stdout, r.stderr)
            assert "er i brug af en anden proces" in r.stderr and "Prøv igen, når den er færdig" in r.stderr, args
            assert "Traceback" not in r.stderr
        again = interact(server, {"session_id": first["session_id"]})
        assert again["status"] == "ready" and figures(again) == figures(first)
    finally:
        server.stop()
    assert state(db) == before and export_csv(db) == before_export
    # and with the app stopped the same import goes through
    r = run_cli("import", str(f), "--user", "anna", db=db)
    assert r.returncode == 0, r.stderr
    assert state(db) != before
