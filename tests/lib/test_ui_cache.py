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
