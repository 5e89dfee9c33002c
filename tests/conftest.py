"""Shared fixtures: a database built from the shipped data/, once per session, and copies.

The StatBank extracts are not in the repository: the session database reads them straight from
../shared/data/dst/ when that folder is beside the checkout (never from a filled data/dst/, so every
run sees the same data). Tests that need ../shared carry one of the `needs_*` marks below and skip
with one line naming what is missing (`pytest -rs` lists them); their logic is also tested on small
fixtures the tests write themselves.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from beskdash.build import build
from beskdash.memo import CHECK_ENV
from beskdash.paths import ROOT
from beskdash.store import Store
from tests.fetch_server import FakeApis

# Every cached value is fingerprinted and checked at each hit (beskdash.memo): a page or library function
# that changes a shared cached frame in place fails the test that shows it. Servers the tests start inherit it.
os.environ.setdefault(CHECK_ENV, "1")

SHARED = ROOT.parent / "shared"
SHARED_DST = SHARED / "data" / "dst"
RECORDINGS = SHARED_DST / "api-recordings"
SEEDS = SHARED / "seeds"


def _needs(path: Path, what: str) -> pytest.MarkDecorator:
    present = path.is_dir() and any(path.iterdir())
    why = f"needs {what} in {path} (absent: ../shared is not beside this checkout)"
    return pytest.mark.skipif(not present, reason=why)


needs_dst = _needs(SHARED_DST, "the real StatBank extracts")
needs_recordings = _needs(RECORDINGS, "the recorded StatBank API answers")
needs_seeds = _needs(SEEDS, "the plans' seed texts")


def dst_extract(name: str) -> Path:
    """A real extract in ../shared/data/dst/ (use in tests marked `needs_dst`)."""
    return SHARED_DST / name


@pytest.fixture(scope="session", autouse=True)
def _no_connection_left_open() -> Iterator[None]:
    """At the end of the run, close every DuckDB connection still open, so the interpreter's exit finds
    none (duckdb's bindings otherwise print "nanobind: leaked …"). The app's connection lives in
    Streamlit's cache_resource (ui._store, one per database an AppTest opened): clearing it drops the
    cache's hold, and each store left after that (the cache's, a test's never closed) is closed here."""
    yield
    import streamlit as st

    st.cache_resource.clear()
    gc.collect()
    for obj in gc.get_objects():
        if isinstance(obj, Store):
            obj.close()
    gc.collect()


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from data/, plans/ and ../shared/data/dst/ if present (read it; copy it before writing)."""
    path = tmp_path_factory.mktemp("db") / "beskdash.duckdb"
    with Store(path) as store:
        build(store, dst_dir=SHARED_DST)  # an absent folder holds no extracts: plans' figures only
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


API_KEY = "test-noegle-7Hq2"  # the jobindsats.dk key the stand-in APIs accept


@pytest.fixture(scope="module")
def apis() -> Iterator[FakeApis]:
    """The stand-in StatBank and jobindsats.dk APIs (tests/fetch_server.py) on 127.0.0.1, one per test module."""
    if not (SHARED_DST.is_dir() and any(SHARED_DST.iterdir())):
        pytest.skip(f"needs the real StatBank extracts in {SHARED_DST} (absent: ../shared is not beside this checkout)")
    a = FakeApis(api_key=API_KEY)
    a.start()
    yield a
    a.stop()


@pytest.fixture
def fake_apis(apis: FakeApis, monkeypatch: pytest.MonkeyPatch) -> FakeApis:
    """`apis` with its request log cleared, and the fetchers' base URLs and key (env) pointed at it."""
    apis.reset()
    monkeypatch.setenv("BESKDASH_DST_URL", apis.url)
    monkeypatch.setenv("BESKDASH_JOBINDSATS_URL", apis.url)
    monkeypatch.setenv("JOBINDSATS_API_KEY", API_KEY)
    return apis


def run_cli(*args: str, db: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m beskdash …` in a subprocess, as a user runs it."""
    import os

    e = {**os.environ, **(env or {})}
    cmd = [sys.executable, "-m", "beskdash", *args]
    if db is not None:
        cmd += ["--db", str(db)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=e, timeout=300)


_NO_SHARED = (f"{SHARED} is not beside this checkout: the tests that need the StatBank extracts, the plans' seed "
              "texts or StatBank's recorded API answers are skipped (pytest -rs names each)")


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [] if SHARED.is_dir() else [_NO_SHARED]


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not SHARED.is_dir():
        terminalreporter.write_line(_NO_SHARED)
