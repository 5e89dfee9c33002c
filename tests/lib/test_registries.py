"""Registries fail loudly: a page file or a command module that a registry names but that does not exist
stops the start with a Danish message naming it, instead of a page or command silently vanishing."""

from __future__ import annotations

import subprocess
import sys
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
    monkeypatch.setattr(cli_main, "COMMANDS", {"core": ("build", "export"), "rapprt": ("report",)})
    assert cli_main.main(["build", "--help"]) == 1  # checked even when only `build`'s module is loaded
    err = capsys.readouterr().err
    assert "beskdash/commands/rapprt.py står i COMMANDS" in err and "findes ikke" in err


def test_a_command_module_registering_other_commands_than_listed_stops_the_cli(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli_main, "COMMANDS", {"core": ("build", "eksport")})
    assert cli_main.main(["--help"]) == 1
    assert capsys.readouterr().err == ("Fejl: beskdash/commands/core.py registrerer build og export, men COMMANDS "
                                       "(beskdash/commands/__init__.py) siger build og eksport.\n")


def test_help_lists_every_command_of_every_module(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        cli_main.main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    listed = [n for names in cli_main.COMMANDS.values() for n in names]
    assert len(listed) > 10 and all(f"\n    {n} " in out for n in listed)


def test_a_command_loads_only_its_own_module() -> None:
    # `serve` starts the server before the page's imports; the report's Altair and the fetchers' HTTP
    # stack must not come first. A fresh interpreter, since this test run has imported everything.
    code = ("import sys; from beskdash.__main__ import parser; p = parser('serve'); "
            "print(sorted(p._subparsers._group_actions[0].choices)); "
            "print(sorted(m for m in sys.modules if m.startswith('beskdash.commands.') or m in "
            "('altair', 'requests', 'openpyxl', 'beskdash.report', 'beskdash.fetch')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["['serve']", "['beskdash.commands.serve']"]
