"""Registries fail loudly: a page file or a command module that a registry names but that does not exist
stops the start with a Danish message naming it, instead of a page or command silently vanishing."""

from __future__ import annotations

from pathlib import Path

import pytest

from beskdash import __main__ as cli_main
from beskdash import pages_registry
from beskdash.pages_registry import PAGES, MissingPage, PageSpec, check_files
from beskdash.paths import ROOT

TYPO = PageSpec("pages/overbik.py", "Overblik", "overbik", ":material/home:")


def test_every_page_of_the_registry_has_its_file() -> None:
    check_files()  # raises on the shipped registry if a file is missing
    assert all((ROOT / p.file).is_file() for p in PAGES)


def test_a_page_whose_file_is_missing_stops_the_check_naming_the_file() -> None:
    with pytest.raises(MissingPage, match=r"Sidefilen pages/overbik\.py står i beskdash/pages_registry\.py"):
        check_files([*PAGES, TYPO])


def test_several_missing_pages_are_all_named(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "overblik.py").write_text("")
    with pytest.raises(MissingPage) as e:
        check_files(PAGES[:3], root=tmp_path)
    assert str(e.value).startswith(f"Sidefilerne {PAGES[1].file} og {PAGES[2].file} står i")


def test_the_app_does_not_start_with_a_page_file_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(pages_registry, "PAGES", [*PAGES, TYPO])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert at.exception  # stopped: the log gets the traceback, the navigation is never built
    assert [e.value for e in at.error] == [
        "Sidefilen pages/overbik.py står i beskdash/pages_registry.py, men findes ikke. "
        "Ret stien i PAGES, eller læg filen tilbage."]


def test_a_command_module_that_is_missing_stops_the_cli_naming_it(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli_main, "COMMANDS", ["core", "rapprt"])
    assert cli_main.main(["build", "--help"]) == 1
    err = capsys.readouterr().err
    assert "beskdash/commands/rapprt.py står i COMMANDS" in err and "findes ikke" in err
