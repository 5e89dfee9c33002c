"""Shared fixtures: a database built from the shipped data/, once per session, and copies."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from beskdash.build import build
from beskdash.paths import ROOT
from beskdash.store import Store

SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from data/ and plans/ (read it; copy it before writing)."""
    path = tmp_path_factory.mktemp("db") / "beskdash.duckdb"
    with Store(path) as store:
        build(store)
    return path


@pytest.fixture
def db_copy(built_db: Path, tmp_path: Path) -> Path:
    """A private writable copy of the built database."""
    dst = tmp_path / "beskdash.duckdb"
    shutil.copy(built_db, dst)
    return dst


@pytest.fixture
def store(db_copy: Path):
    with Store(db_copy) as s:
        yield s


@pytest.fixture(scope="session")
def ro_store(built_db: Path):
    """Read-only handle on the session database, for tests that only read."""
    s = Store(built_db, read_only=True)
    yield s
    s.close()


def run_cli(*args: str, db: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m beskdash …` in a subprocess, as a user runs it."""
    import os

    e = {**os.environ, **(env or {})}
    cmd = [sys.executable, "-m", "beskdash", *args]
    if db is not None:
        cmd += ["--db", str(db)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=e, timeout=300)
