"""The data version is read once per open file and forgotten at each commit of this process
(beskdash.store.versions): every write changes what readers see, and a warm read sends no query."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from beskdash import plan_versions
from beskdash.paths import PLANS_DIR, ROOT
from beskdash.store import SourceMeta, Store
from beskdash.store.reads import Reads
from beskdash.store.versions import forget_versions, remembered_version

SRC = SourceMeta("dst:AUK01", "Statistikbanken AUK01")


def _frame(value: float) -> pd.DataFrame:
    return pd.DataFrame([{"area_code": "201", "benefit": "kontanthjaelp-nettoledige", "measure": "fuldtidspersoner",
                          "period": "2026Q1", "value": value, "source": "dst:AUK01"}])


def _apply(store: Store, value: float) -> int:
    res = store.apply(_frame(value), SRC, username="anna", file_name="nyt.csv", sha256=None, fmt="test")
    return int(res.import_id)


def test_a_warm_read_sends_no_query_and_every_write_and_undo_changes_the_version(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    queries: list[str] = []
    real = Reads.version
    monkeypatch.setattr(Reads, "version", lambda self: queries.append("data") or real(self))
    first = store.version()
    assert store.version() == first and queries == ["data"]  # the second read came from memory
    import_id = _apply(store, 31.0)
    after_import = store.version()
    assert after_import != first and queries == ["data", "data"]
    store.undo(import_id, "anna")
    assert store.version() not in (first, after_import)


def test_a_second_handle_in_the_process_sees_the_first_ones_commit(db_copy: Path) -> None:
    with Store(db_copy) as a, Store(db_copy) as b:
        before = b.version()
        _apply(a, 32.0)
        assert b.version() != before


def test_a_plan_version_saved_or_undone_changes_the_plan_version(store: Store) -> None:
    before = store.plan_data_version()
    text = (PLANS_DIR / "ltk-2022.yaml").read_text(encoding="utf-8").replace("title: ", "title: Revideret ", 1)
    plan_versions.save(store, plan_versions.preview_text(store, text, "ltk-2022.yaml"), "anna")
    saved = store.plan_data_version()
    assert saved != before
    plan_versions.undo(store, "ltk-2022", "anna")
    assert store.plan_data_version() not in (before, saved)


def test_a_reopened_file_is_read_again_after_another_process_wrote_it(db_copy: Path) -> None:
    with Store(db_copy) as s:
        before = s.version()
    writer = textwrap.dedent(f"""
        import pandas as pd
        from beskdash.store import SourceMeta, Store
        with Store({str(db_copy)!r}) as s:
            s.apply(pd.DataFrame([{{"area_code": "201", "benefit": "kontanthjaelp-nettoledige",
                                    "measure": "fuldtidspersoner", "period": "2026Q1", "value": 33.0,
                                    "source": "dst:AUK01"}}]),
                    SourceMeta("dst:AUK01", "Statistikbanken AUK01"), username="bo", file_name="x.csv",
                    sha256=None, fmt="test")
    """)
    subprocess.run([sys.executable, "-c", writer], cwd=ROOT, check=True)
    with Store(db_copy, read_only=True) as s:
        assert s.version() != before


def test_a_read_that_a_commit_overtook_is_not_kept() -> None:
    reads: list[int] = []

    def overtaken() -> int:  # a commit forgets the file's versions while this read is under way
        reads.append(1)
        forget_versions("/nowhere/overtaken.duckdb")
        return 7

    assert remembered_version("/nowhere/overtaken.duckdb", "data", overtaken) == 7
    assert remembered_version("/nowhere/overtaken.duckdb", "data", lambda: 8) == 8  # read again, not the stale 7
    assert remembered_version("/nowhere/overtaken.duckdb", "data", lambda: 9) == 8
    forget_versions("/nowhere/overtaken.duckdb")


def test_a_logged_event_changes_the_log_version_and_not_the_data_version(store: Store) -> None:
    data, log = store.version(), store.events_version()
    store.log_event("anna", "login")
    assert store.events_version() != log
    assert store.version() == data  # a login changes no figure: the pages' caches stay warm
