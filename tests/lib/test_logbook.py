"""The audit log: data changes log themselves in their own transaction; logins are logged by ui."""

from __future__ import annotations

import pandas as pd
import pytest

from beskdash import logbook
from beskdash.store import SourceMeta, Store

SRC = SourceMeta("test-logbog", "Testkilde", "beskdash-test", "CC BY 4.0", "test", "statbank")


def _frame(value: float) -> pd.DataFrame:
    return pd.DataFrame({"area_code": ["201"], "benefit": ["kontanthjaelp"], "measure": ["fuldtidsmodtagere"],
                         "period": ["2030Q1"], "value": [value], "source": ["test-logbog"],
                         "ref": [None], "note": [None]})


def test_import_and_undo_are_logged_with_user_and_import(store: Store) -> None:
    before = len(store.events())
    r = store.apply(_frame(5), SRC, username="anna", file_name="tal.csv", sha256="ab", fmt="test")
    store.undo(r.import_id, "bo")
    ev = store.events()
    assert len(ev) == before + 2
    undo, imp = ev.iloc[0], ev.iloc[1]
    assert (imp["username"], imp["action"], int(imp["import_id"])) == ("anna", "import", r.import_id)
    assert imp["detail"] == "tal.csv: 1 nye, 0 ændrede, 0 fjernede"
    assert (undo["username"], undo["action"], int(undo["import_id"])) == ("bo", "undo", r.import_id)
    t = logbook.table(store, username="anna")
    assert list(t.columns) == ["Tidspunkt", "Bruger", "Handling", "Detaljer", "Import"]
    assert t.iloc[0]["Handling"] == "Import" and t.iloc[0]["Import"] == str(r.import_id)


def test_a_failed_import_logs_nothing(store: Store) -> None:
    before = len(store.events())
    with pytest.raises(RuntimeError):
        store.apply_batches([], username="anna", _fail_after_observations=True)
    assert len(store.events()) == before


def test_logins_are_logged_and_readers_replicas_log_nothing(store: Store, built_db) -> None:
    store.log_event("anna", "login", "login med brugernavn og adgangskode")
    store.log_event("ukendt", "login-fejl", "Forkert brugernavn eller adgangskode.")
    assert list(store.events(limit=2)["action"]) == ["login-fejl", "login"]
    assert logbook.users(store)[:1] and "anna" in logbook.users(store)
    ro = Store(built_db, read_only=True)
    try:
        ro.log_event("anna", "login")  # no write on a read-only store, and no error
        assert "anna" not in set(ro.events()["username"])
    finally:
        ro.close()
