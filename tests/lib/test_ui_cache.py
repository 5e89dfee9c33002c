"""ui.cached: the key holds the function, the database and its data version."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

SCRIPT = '''
import streamlit as st
from beskdash import ui

def first(store, code):
    return "first:" + code

def second(store, code):
    return "second:" + code

st.write(ui.cached(first)("173"))
st.write(ui.cached(second)("173"))
st.write(str(ui.cached(lambda store: store.version())()))
'''


def test_two_functions_with_the_same_arguments_do_not_share_a_cache_entry(
        db_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BESKDASH_DB", str(db_copy))
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not at.exception
    assert [m.value for m in at.markdown][:2] == ["first:173", "second:173"]


COUNTED = '''
import streamlit as st
from beskdash import ui

def one(store, code):
    return "one:" + code

def two(store, code):
    return "two:" + code

st.write(ui.cached(one)("173"))
st.write(ui.cached(two)("173"))
st.write(ui.cached(one)("159"))
st.write("version " + str(ui.data_version(ui.store())))
'''


def test_a_warm_run_reads_the_data_version_once_and_the_next_run_reads_it_again(
        db_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from beskdash.store import Store

    monkeypatch.setenv("BESKDASH_DB", str(db_copy))
    reads: list[int] = []
    bump = {"by": 0}
    real = Store.version

    def counted(self: Store) -> int:
        v = real(self) + bump["by"]
        reads.append(v)
        return v

    monkeypatch.setattr(Store, "version", counted)
    at = AppTest.from_string(COUNTED, default_timeout=60).run()
    assert not at.exception
    first = reads[0]
    assert [m.value for m in at.markdown] == ["one:173", "two:173", "one:159", f"version {first}"]
    reads.clear()
    at.run()  # warm: three cache hits and the page's own look share one read
    assert reads == [first]
    bump["by"] = 1000  # the data changed between runs (an import in another process)
    reads.clear()
    at.run()
    assert not at.exception
    assert at.markdown[-1].value == f"version {first + 1000}"  # never the previous run's version
    assert reads[0] == first + 1000
