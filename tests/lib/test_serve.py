"""`serve` switches off Streamlit's once-per-process "are we in a REPL?" check before the first page. The
switch is a private flag of Streamlit's; this fails when a Streamlit upgrade stops reading it, instead of
the saving silently vanishing."""

from __future__ import annotations

import argparse

import pytest
from streamlit import delta_generator, env_util
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from beskdash.commands import serve


def test_the_flag_still_decides_whether_streamlit_inspects_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(env_util, "is_repl", lambda: calls.append(1) or False)
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", True)
    delta_generator._maybe_print_use_warning()
    assert calls == []
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    delta_generator._maybe_print_use_warning()
    assert calls == [1]  # the check the flag skips is really the stack inspection


def test_serve_sets_the_flag_before_streamlit_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    seen: list[bool] = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(delta_generator._use_warning_has_been_displayed))
    monkeypatch.setattr(serve.sys, "argv", ["x"])  # restored after, as is what cmd_serve sets next
    monkeypatch.setattr(PagesManager, "uses_pages_directory", PagesManager.uses_pages_directory)
    serve.cmd_serve(argparse.Namespace(replica=None, extra=[]))
    assert seen == [True]
