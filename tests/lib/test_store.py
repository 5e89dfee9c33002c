"""The store: all-or-nothing writes, exact undo, and a clear message for a second writer."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from beskdash import exports
from beskdash.paths import ROOT
from beskdash.store import Batch, SourceMeta, Store, StoreBusy, UndoError
from tests.conftest import needs_dst

SRC = SourceMeta("dst:AUK01", "Statistikbanken AUK01", "Danmarks Statistik", "CC BY 4.0")


def _frame(rows: list[tuple[str, str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame([{"area_code": a, "benefit": "kontanthjaelp-nettoledige", "measure": "fuldtidspersoner",
                          "period": p, "value": v, "source": "dst:AUK01"} for a, p, v in rows])


def _export(store: Store) -> str:
    return exports.observations_csv(store.observations())


@needs_dst
def test_apply_diff_and_undo_restore_exactly(store: Store) -> None:
    before = _export(store)
    res = store.apply(_frame([("201", "2019Q4", 25.0), ("201", "2026Q1", 20.0), ("223", "2019Q4", None)]),
                      SRC, username="anna", file_name="nyt.csv", sha256="x", fmt="test")
    d = res.diff
    assert (d.new, d.changed, d.unchanged) == (1, 2, 0)
    changed = d.rows.set_index(["area_code", "period"])
    assert changed.loc[("201", "2019Q4"), "old_value"] == 24 and changed.loc[("201", "2019Q4"), "new_value"] == 25
    assert _export(store) != before
    hist = store.imports().iloc[0]
    assert hist["username"] == "anna" and hist["n_new"] == 1 and hist["n_changed"] == 2
    # the same file again changes nothing and records nothing
    again = store.apply(_frame([("201", "2019Q4", 25.0), ("201", "2026Q1", 20.0), ("223", "2019Q4", None)]),
                        SRC, username="anna", file_name="nyt.csv", sha256="x", fmt="test")
    assert again.import_id is None and again.diff.unchanged == 3
    assert store.undo(res.import_id) == 3
    assert _export(store) == before
    with pytest.raises(UndoError, match="allerede fortrudt"):
        store.undo(res.import_id)


def test_undo_refuses_when_a_later_import_changed_the_rows(store: Store) -> None:
    first = store.apply(_frame([("201", "2026Q1", 20.0)]), SRC, username="a", file_name="1.csv", sha256=None,
                        fmt="test")
    store.apply(_frame([("201", "2026Q1", 21.0)]), SRC, username="a", file_name="2.csv", sha256=None, fmt="test")
    with pytest.raises(UndoError, match="Fortryd den senere import først"):
        store.undo(first.import_id)


def test_failure_mid_transaction_rolls_back_everything(store: Store) -> None:
    before = _export(store)
    n_imports = len(store.imports())
    batches = [Batch(_frame([("201", "2026Q1", 20.0)]), SRC, "a.csv", None, "test"),
               Batch(_frame([("223", "2026Q1", 21.0)]), SRC, "b.csv", None, "test")]
    with pytest.raises(RuntimeError, match="simuleret fejl"):
        store.apply_batches(batches, username="a", _fail_after_observations=True)
    assert _export(store) == before
    assert len(store.imports()) == n_imports
    # and the connection is usable afterwards (ROLLBACK, not a dangling failed transaction)
    ok = store.apply_batches(batches, username="a")
    assert [r.diff.new for r in ok] == [1, 1]


def test_second_writer_gets_a_danish_message(db_copy: Path) -> None:
    with Store(db_copy):
        code = textwrap.dedent(f"""
            from beskdash.store import Store, StoreBusy
            try:
                Store({str(db_copy)!r})
            except StoreBusy as e:
                print(e)
        """)
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "er i brug af en anden proces" in out.stdout, out.stderr


def test_busy_is_raised_in_process_too(db_copy: Path) -> None:
    with Store(db_copy), pytest.raises(StoreBusy):
        # a read-only connection with a different configuration in the same process is refused
        Store(db_copy, read_only=True)


@needs_dst
def test_read_queries_are_deterministic(ro_store: Store) -> None:
    a = ro_store.observations(areas=["201", "223"], sources=["dst:AUK01"], period_from="2019Q1",
                              period_to="2019Q4")
    assert list(a["period"].unique()) == ["2019Q1", "2019Q2", "2019Q3", "2019Q4"]
    assert list(a["area_code"].unique()) == ["201", "223"]
    assert a.equals(ro_store.observations(areas=["223", "201"], sources=["dst:AUK01"], period_from="2019K1",
                                          period_to="2019Q4"))


def test_named_reads_for_imports_and_counts(store: Store) -> None:
    n = store.count_observations()
    assert n == len(store.observations())
    assert store.import_user(1) == "build" and store.import_user(10_000) is None
    res = store.apply(_frame([("201", "2026Q1", 20.0)]), SRC, username="anna", file_name="nyt.csv",
                      sha256="abc", fmt="test")
    assert store.count_observations() == n + 1
    assert store.active_imports_with_sha("abc") == [res.import_id] and store.import_user(res.import_id) == "anna"
    store.undo(res.import_id)
    assert store.active_imports_with_sha("abc") == []
