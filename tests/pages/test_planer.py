"""Planer with AppTest: the five plans side by side, their versions, and an analyst's edit."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import ANALYST_SECRETS, OpenApp, login


@pytest.fixture
def app(open_app: OpenApp) -> AppTest:
    return open_app(page="pages/planer.py")


def _table(at: AppTest, column: str):
    return next(t.value for t in at.table if column in t.value.columns)


def test_plans_side_by_side(app: AppTest) -> None:
    at = app.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Planer"
    assert [h.value for h in at.header] == ["Ministerens mål i planerne", "Målbare mål", "Sammenlignelige indikatorer",
                                            "Fra det ene års plan til det næste", "Planernes versioner"]
    matrix = _table(at, "Ministermål")
    assert list(matrix.columns)[1:] == ["Allerød 2022", "Gladsaxe 2022", "Lyngby-Taarbæk 2021",
                                        "Lyngby-Taarbæk 2022", "Rudersdal 2021"]
    assert matrix.iloc[-1].tolist() == ["Egne fokusområder (uden ministermål)", "2", "0", "3", "3", "5"]
    counts = _table(at, "Målbare mål (tal og frist)").set_index("Plan")
    assert counts.loc["Lyngby-Taarbæk 2022", "Målbare mål (tal og frist)"] == 5
    # The first theme (langtidsledighed) with its baselines side by side
    theme = _table(at, "Baseline").set_index("Plan")
    assert theme.loc["Allerød 2022", "Baseline"] == "16 personer (december 2019)"
    assert theme.loc["Gladsaxe 2022", "Baseline"] == "8,1 % (2021)"
    # Lyngby-Taarbæk 2021 → 2022
    assert any(m.value.startswith("Fokusområder: 8 går igen") for m in at.markdown)
    fa = _table(at, "Hvad er ændret")
    assert "nr. 5 → nr. 1" in set(fa["Hvad er ændret"])
    goals = _table(at, "Fokusområde nu")
    assert goals["Hvad er ændret"].str.contains("type: indikator → kvalitativt mål").any()
    captions = " ".join(c.value for c in at.caption)
    assert "Kilde: " in captions and "Lyngby-Taarbæk Kommune" in captions


def test_theme_from_the_url_and_back(app: AppTest) -> None:
    app.query_params["tema"] = "sygedagpenge"
    at = app.run()
    assert not at.exception, at.exception
    theme = _table(at, "Baseline")
    assert "288 fuldtidspersoner (2019)" in set(theme["Baseline"])
    at.selectbox(key="planer_tema").set_value("unge").run()
    theme = _table(at, "Baseline")
    assert "< 8 % i 2022" in set(theme["Mål"])
    assert at.query_params["tema"] == "unge" and at.query_params["par"] == "ltk-2021>ltk-2022"


# --- Versions and editing ------------------------------------------------------------------

def _analyst(open_app: OpenApp) -> AppTest:
    at = open_app(secrets=ANALYST_SECRETS)
    at.default_timeout = 120
    return login(at)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_a_reader_sees_versions_and_history_but_no_editing_controls(app: AppTest) -> None:
    at = app.run()
    assert "Planernes versioner" in [h.value for h in at.header]
    versions = _table(at, "version").set_index("id")
    assert set(versions["version"]) == {"leveret"}
    assert "Redigér planer" not in [h.value for h in at.header]
    labels = {b.label for b in at.button}
    assert not labels & {"Kopiér som ny plan", "Redigér planen", "Gem som ny version", "Fortryd seneste version"}


def test_an_analyst_copies_edits_saves_sees_the_status_and_undoes(open_app: OpenApp, db: Path) -> None:
    from beskdash import ui

    at = _analyst(open_app)
    at.switch_page("pages/planer.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="planer_kilde").set_value("alleroed-2022")
    at.text_input(key="planer_ny_id").input("alleroed-2027")
    at.number_input(key="planer_nyt_aar").set_value(2027)
    _button(at, "Kopiér som ny plan").click().run()
    assert not at.exception, at.exception
    assert any(s.value == "Redigér alleroed-2027" for s in at.subheader)
    target = next(t for t in at.text_input if t.key.endswith(":goals[6].target.value"))
    assert target.value == "16"
    target.input("ti").run()  # the schema's message beside the field, and no save
    assert any(e.value == "Mål: værdi: skal være et tal" for e in at.error)
    assert all(b.label != "Gem som ny version" for b in at.button)
    next(t for t in at.text_input if t.key.endswith(":goals[6].target.value")).input("100").run()
    assert not [e.value for e in at.error]
    _button(at, "Gem som ny version").click().run()
    assert not at.exception, at.exception
    assert any(s.value == "Gemt som version 1 af alleroed-2027." for s in at.success)
    assert "alleroed-2027" in set(ui._store(str(db)).current_plan_versions()["plan_id"])

    at.query_params["plan"] = "alleroed-2027"
    at.switch_page("pages/maalopfoelgning.py").run()
    assert not at.exception, at.exception
    assert at.header[0].value == "Allerød: Beskæftigelsesplan 2027"
    assert at.markdown[0].value == "14 mål: 1 nået, 0 på vej, 0 ikke på vej, 13 kan ikke vurderes."

    at.switch_page("pages/planer.py").run()
    at.selectbox(key="planer_fortryd_plan").set_value("alleroed-2027")
    _button(at, "Fortryd seneste version").click().run()
    assert any("findes ikke længere" in s.value for s in at.success)
    assert len(ui._store(str(db)).current_plan_versions()) == 0
