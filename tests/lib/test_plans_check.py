"""`plans check` also checks the Planer page's themes (data/comparable_indicators.yaml): a theme naming a
goal or plan that does not exist is reported in Danish with exit status 1, like a broken plan file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from beskdash import __main__ as cli_main
from beskdash import plans_compare


def _broken_themes(tmp_path: Path) -> Path:
    data = yaml.safe_load(plans_compare.THEMES_FILE.read_text(encoding="utf-8"))
    data["themes"][0]["goals"] += ["alleroed-2022/rm3-ledige-over-2-aar", "hoersholm-2022/unge"]
    path = tmp_path / "comparable_indicators.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_plans_check_reports_a_theme_naming_a_missing_goal_or_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main.main(["plans", "check"]) == 0  # the shipped themes pass
    assert "Alle planer er gyldige." in capsys.readouterr().out
    monkeypatch.setattr(plans_compare, "THEMES_FILE", _broken_themes(tmp_path))
    assert cli_main.main(["plans", "check"]) == 1
    out = capsys.readouterr()
    key = plans_compare.themes()[0].key
    assert out.err.splitlines() == [
        f"Fejl: comparable_indicators.yaml: tema {key}: planen alleroed-2022 har intet mål 'rm3-ledige-over-2-aar'",
        f"comparable_indicators.yaml: tema {key}: ukendt plan 'hoersholm-2022'",
    ]
    assert "gyldige" not in out.out
