"""memo: the shared result cache behind ui.cached/ui.derived."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from beskdash import memo


@dataclass(frozen=True)
class View:
    frame: pd.DataFrame
    notes: tuple[str, ...]


def test_a_hit_is_the_same_object_and_computes_nothing() -> None:
    m = memo.Memo(max_entries=4)
    calls: list[int] = []
    first, ran = m.get_or_compute(("a", 1), lambda: calls.append(1) or pd.DataFrame({"v": [1.0]}))
    again, ran_again = m.get_or_compute(("a", 1), lambda: calls.append(1) or pd.DataFrame({"v": [2.0]}))
    assert (ran, ran_again, len(calls)) == (True, False, 1)
    assert again is first


def test_the_least_recently_used_entry_goes_first() -> None:
    m = memo.Memo(max_entries=2)
    m.get_or_compute("a", lambda: 1)
    m.get_or_compute("b", lambda: 2)
    m.get_or_compute("a", lambda: 0)  # a is used again, so b is the oldest
    m.get_or_compute("c", lambda: 3)
    assert m.get_or_compute("a", lambda: -1) == (1, False)
    assert m.get_or_compute("b", lambda: 20) == (20, True)


def test_freeze_makes_lists_and_dicts_keys_and_refuses_frames() -> None:
    assert memo.freeze((["173", "159"], {"b": 1, "a": [2]})) == memo.freeze((["173", "159"], {"a": [2], "b": 1}))
    assert memo.freeze(["173"]) != memo.freeze(["159"])
    with pytest.raises(TypeError, match="cache-nøgle"):
        memo.freeze((pd.DataFrame({"v": [1]}),))
    with pytest.raises(TypeError):
        memo.freeze(bytearray(b"x"))
    # a value that is already a key is its own key; a list is the tuple of the same items
    view = ("sammenligning", ("201", "223"))
    assert memo.freeze(view) is view
    assert memo.freeze(["sammenligning", ["201", "223"]]) == view


def test_with_the_check_a_changed_value_is_named_and_reading_it_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(memo.CHECK_ENV, "1")
    m = memo.Memo(max_entries=4)
    view, _ = m.get_or_compute("view", lambda: View(pd.DataFrame({"area_code": ["173", "159"], "v": [1.0, 2.0]}),
                                                    ("note",)))
    view.frame[view.frame["area_code"] == "173"]  # reading fills pandas' own caches: not a change
    view.frame.set_index("area_code").loc["159"]
    assert m.get_or_compute("view", lambda: None)[0] is view
    view.frame.loc[0, "v"] = 99.0  # a caller writing into the shared frame
    with pytest.raises(memo.CachedValueChanged, match="'view'"):
        m.get_or_compute("view", lambda: None)
