"""A copy of the database taken while the app runs opens with all its data: `Store.snapshot`
(COPY FROM DATABASE) in the app's own process, also while an import is being written; the
`snapshot` command does the same when the app is stopped, and says so in Danish when it is not."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from beskdash import imports
from beskdash.paths import ROOT
from beskdash.store import Store
from tests.conftest import run_cli
from tests.fault.conftest import copy_db, sql, state
from tests.lib.test_imports import changed_auk01

pytestmark = [pytest.mark.fault, pytest.mark.timeout(180)]


@pytest.fixture
def app_store(db_copy: Path, monkeypatch: pytest.MonkeyPatch):
    """The app running on `db_copy` (a page has been served), and its one connection."""
    monkeypatch.setenv("BESKDASH_DB", str(db_copy))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    from beskdash import ui

    return ui._store(str(db_copy))


def _import(store: Store, name: str, raw: bytes) -> None:
    preview = imports.preview_files(store, [(name, raw)])
    assert preview.ok, preview.message()
    imports.apply_preview(store, preview, "anna")


def test_a_snapshot_taken_while_the_app_runs_has_what_is_still_only_in_the_wal(app_store: Store, db_copy: Path,
                                                                                tmp_path: Path) -> None:
    _import(app_store, "AUK01_rettet.csv", changed_auk01())  # committed: in the WAL until a checkpoint
    live = app_store.count_observations()
    wal = db_copy.with_name(db_copy.name + ".wal")
    if wal.exists() and wal.stat().st_size:
        # what a plain file copy would have missed
        naive = shutil.copy(db_copy, tmp_path / "filkopi.duckdb")
        with Store(naive, read_only=True) as s:
            assert s.count_observations() < live
    out = app_store.snapshot(tmp_path / "kopi" / "beskdash.duckdb")
    assert not out.with_name(out.name + ".tmp").exists()
    assert state(out) == state_of(app_store)
    with Store(out) as copy:  # opens, writable, with every row, the history and the sequence
        assert copy.count_observations() == live
        assert copy.imports()["file_name"].iloc[0] == "AUK01_rettet.csv"
        assert sql(copy, "SELECT value FROM observations WHERE area_code = '201' AND period = '2026Q1' "
                          "AND benefit = 'kontanthjaelp-nettoledige'")["value"].tolist() == [31.0]
        # the copy goes on as a database of its own: a new import gets the next id, and undo works
        next_id = int(app_store.imports()["id"].max()) + 1
        preview = imports.preview_files(copy, [("ny.csv", changed_auk01().replace(b";2026Q1;31", b";2026Q2;40"))])
        assert imports.apply_preview(copy, preview, "anna")[0].import_id == next_id
        assert imports.undo(copy, next_id) == 1


def state_of(store: Store):
    """The app's state, read through its own connection (a second one would be refused in this process)."""
    path = store.path.with_name("_state.duckdb")
    store.snapshot(path)
    return state(path)


def test_a_snapshot_during_an_import_holds_all_of_it_or_none(app_store: Store, big_csv: Path, tmp_path: Path) -> None:
    before = state_of(app_store)
    preview = imports.preview_files(app_store, [(big_csv.name, big_csv.read_bytes())])
    writer = threading.Thread(target=imports.apply_preview, args=(app_store, preview, "anna"))
    writer.start()
    snaps = []
    while writer.is_alive() and len(snaps) < 3:
        snaps.append(app_store.snapshot(tmp_path / f"kopi-{len(snaps)}.duckdb"))
    writer.join(120)
    after = state_of(app_store)
    assert after != before and snaps
    for s in snaps:
        assert state(s) in (before, after)


def test_the_snapshot_command(built_db: Path, db_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "kopi.duckdb"
    with Store(db_copy):  # the app holds the file: the command says so and writes nothing
        busy = run_cli("snapshot", str(out), db=db_copy)
    assert busy.returncode == 1 and "er i brug af en anden proces" in busy.stderr and "Traceback" not in busy.stderr
    assert not out.exists()
    done = run_cli("snapshot", str(out), db=db_copy)
    assert done.returncode == 0, done.stderr
    assert "Kopien er skrevet" in done.stderr and state(out) == state(copy_db(built_db, tmp_path / "ref.duckdb"))
    again = run_cli("snapshot", str(out), db=db_copy)
    assert again.returncode == 1 and "findes allerede" in again.stderr
    same = run_cli("snapshot", str(db_copy), "--force", db=db_copy)
    assert same.returncode == 1 and "oven i databasen selv" in same.stderr
