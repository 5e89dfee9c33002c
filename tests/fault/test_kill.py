"""kill -9 of `python -m beskdash import` in the middle of a million-row import: the database opens,
and holds either everything it held before or the whole import — never part of it. The same for a
crash between the observations and the import history (BESKDASH_FAULT hooks in beskdash.store)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from beskdash.paths import ROOT
from beskdash.store import FAULT_ENV
from tests.conftest import run_cli
from tests.fault.conftest import BIG_ROWS, State, copy_db, export_csv, sha, state

pytestmark = [pytest.mark.fault, pytest.mark.timeout(240)]

PREVIEW_DONE = "nye: "  # the CLI prints the preview (`  nye: 1.000.155, ændrede: 0, …`) before it writes


def _start_import(db: Path, big: Path, fault: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop(FAULT_ENV, None)
    if fault:
        env[FAULT_ENV] = fault
    return subprocess.Popen([sys.executable, "-m", "beskdash", "import", str(big), "--user", "anna", "--db", str(db)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_preview(proc: subprocess.Popen) -> float:
    """Read the CLI's output until the preview is printed (the write starts next); returns that moment."""
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    for line in proc.stdout:
        if PREVIEW_DONE in line:
            return time.monotonic()
        assert time.monotonic() < deadline, "importen nåede aldrig forhåndsvisningen"
    raise AssertionError(f"importen stoppede før forhåndsvisningen: {proc.stderr.read() if proc.stderr else ''}")


@pytest.fixture(scope="module")
def before_and_after(built_db: Path, big_csv: Path, tmp_path_factory: pytest.TempPathFactory
                     ) -> tuple[State, State, str, float]:
    """The state before the import, after the whole import, the export before, and how long the write took
    (from the printed preview to the end of the process: apply, commit, checkpoint on close)."""
    d = tmp_path_factory.mktemp("kill-after")
    db = copy_db(built_db, d / "after.duckdb")
    ref = copy_db(built_db, d / "before.duckdb")  # (built_db itself may be open read-only in this process)
    before = state(ref)
    proc = _start_import(db, big_csv)
    started = _wait_for_preview(proc)
    _out, err = proc.communicate(timeout=180)
    write_seconds = time.monotonic() - started
    assert proc.returncode == 0, err
    after = state(db)
    assert after.n_observations == before.n_observations + BIG_ROWS + 155  # synth rounds up to whole months
    assert len(after.imports) == len(before.imports) + 1
    return before, after, sha(export_csv(ref)), write_seconds


def _assert_before_or_after(db: Path, before: State, after: State, before_export: str) -> str:
    got = state(db)  # the database opens (a WAL left behind is replayed or discarded)
    assert got in (before, after), (
        f"databasen er hverken som før eller efter importen: {got.n_observations} observationer, "
        f"{len(got.imports)} importer (før {before.n_observations}/{len(before.imports)}, "
        f"efter {after.n_observations}/{len(after.imports)})")
    if got == before:
        assert sha(export_csv(db)) == before_export
        return "before"
    return "after"


@pytest.mark.parametrize("fraction", [0.1, 0.4, 0.7])
def test_kill_9_in_the_middle_of_a_million_row_import(fraction: float, built_db: Path, big_csv: Path, tmp_path: Path,
                                                      before_and_after) -> None:
    before, after, before_export, write_seconds = before_and_after
    db = copy_db(built_db, tmp_path / "killed.duckdb")
    proc = _start_import(db, big_csv)
    _wait_for_preview(proc)
    time.sleep(write_seconds * fraction)
    with contextlib.suppress(ProcessLookupError):  # already gone: then the assertion below says so
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "importen var færdig, før den blev dræbt — den blev ikke ramt midt i"
    print(f"dræbt {write_seconds * fraction:.1f} s inde i skrivningen: databasen er som",
          _assert_before_or_after(db, before, after, before_export))
    # and the database takes the import afterwards, whole
    r = run_cli("import", str(big_csv), "--user", "anna", db=db) if state(db) == before else None
    if r is not None:
        assert r.returncode == 0, r.stderr
        assert state(db).n_observations == after.n_observations


@pytest.mark.parametrize(("point", "expected"), [
    ("kill-after-observations", "before"),  # rows written, import history not committed with them
    ("kill-before-commit", "before"),
    ("kill-after-commit", "after"),
])
def test_a_crash_between_the_observations_and_the_import_history(point: str, expected: str, built_db: Path,
                                                                  big_csv: Path, tmp_path: Path,
                                                                  before_and_after) -> None:
    before, after, before_export, _ = before_and_after
    db = copy_db(built_db, tmp_path / "crashed.duckdb")
    proc = _start_import(db, big_csv, fault=point)
    _out, err = proc.communicate(timeout=180)
    assert proc.returncode == -signal.SIGKILL, f"krogen {point} slog ikke til: {err[-500:]}"
    assert _assert_before_or_after(db, before, after, before_export) == expected
