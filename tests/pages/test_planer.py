"""Planer with AppTest: the five plans side by side."""


import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import OpenApp


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
                                            "Fra det ene års plan til det næste"]
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
