"""`missing` names what each unjudgeable goal needs; `fetch --plan` fetches exactly those series."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from beskdash.__main__ import main
from tests.fetch_server import FakeApis


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_missing_names_y07a02_for_the_sygedagpenge_goal(built_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, "missing", "--plan", "alleroed-2022", "--format", "json", "--db", str(built_db))
    assert code == 0, err
    by_id = {n["goal_id"]: n for n in json.loads(out)}
    syg = by_id["rm4-sygedagpenge-helaarspersoner"]["series"]
    assert [(s["source"], s["table"], s["area"], s["benefit"], s["measure"], s["frequency"]) for s in syg] == [
        ("jobindsats", "Y07A02", "201", "sygedagpenge", "fuldtidspersoner", "month")]
    assert (syg[0]["period_from"], syg[0]["period_to"]) == ("2020M01", "2022M12")
    # an own-figures goal names its template row
    rows = by_id["rm1-virksomhedsbesoeg"]["template_rows"]
    assert [(r["sheet"], r["row"], r["period"]) for r in rows] == [("Egne tal", 3, "2022")]


def test_fetch_plan_dry_run_requests_exactly_the_needed_series(fake_apis: FakeApis, db_copy: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    apis = fake_apis  # the shared stand-in APIs (tests/conftest.py), env pointed at them
    code, _out, err = _cli(capsys, "fetch", "--plan", "alleroed-2022", "--dry-run", "--db", str(db_copy))
    tables = ["y01a02", "y07a02", "y36a02", "y38a02"]  # a-dagpenge + kontanthjælp + uddannelseshjælp; sygedagpenge
    assert apis.requests == [r for t in tables for r in (("GET", f"/v2/tables/{t}/json/"),
                                                         ("POST", f"/v2/data/{t}/json"))]
    # the stand-in serves the Rudersdal appendix only: it has no Allerød rows, and the importer says so
    assert code == 1 and "/v2/data/y07a02/json: indeholder ingen rækker med data" in err
