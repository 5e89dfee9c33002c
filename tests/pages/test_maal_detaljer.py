"""Mål i detaljer with AppTest on the database built from the shipped data."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import OpenApp


@pytest.fixture
def page(open_app: OpenApp) -> AppTest:
    return open_app("pages/maal_detaljer.py")


def test_one_goal_with_series_target_deadline_projection_rule_and_source(page: AppTest) -> None:
    page.query_params["plan"] = "alleroed-2022"
    page.query_params["maal"] = "rm3-ledige-over-1-aar"
    at = page.run()
    assert not at.exception, at.exception
    assert at.header[0].value.startswith("Antallet af forsikrede ledige som har mere end 1 års ledighed")
    md = [m.value for m in at.markdown]
    assert any("✖ ikke på vej" in m and "93,8 personer" in m for m in md)
    assert "37 personer (231,2 %) over målet på 16." in md
    chart = at.get("vega_lite_chart")[0].proto
    spec = json.loads(chart.spec)
    assert spec["title"]["subtitle"] == "personer, Allerød"
    assert chart.alt == ("Diagram over 3 værdier, senest 53 personer (juli 2021); mål ≤ 16 personer; "
                         "frist december 2022; fremskrevet til fristen: 93,8 personer.")
    # the rule in words, the numbers with their source, the plan's own words and where they stand
    assert any(m.startswith("Målet er nået, når værdien er ≤ 16 personer (senest december 2022).") for m in md)
    table = at.dataframe[0].value
    assert list(table["Periode"]) == ["juli 2021", "december 2020", "december 2019"]
    assert list(table["Værdi"]) == ["53 personer", "53 personer", "16 personer"]
    captions = [c.value for c in at.caption]
    assert "Kilde: Allerød Kommune: Beskæftigelsesplan 2022. Periode: december 2019 – juli 2021." in captions
    assert "Planens ordlyd: 003_98bc0b3f99bc6ce2.txt, afsnit «Resultatmål for indsatsen i 2022»" in captions
    assert md[-1].startswith("> Antallet af forsikrede ledige som har mere end 1 ars ledighed")  # as printed (OCR)


def test_missing_data_names_the_extract(page: AppTest) -> None:
    page.query_params["plan"] = "alleroed-2022"
    page.query_params["maal"] = "rm4-sygedagpenge-helaarspersoner"
    at = page.run()
    assert not at.exception
    assert any("? kan ikke vurderes" in m.value and "mangler data efter 2019" in m.value for m in at.markdown)
    assert at.info[0].value == ("Data, der ville gøre målet vurderbart: jobindsats.dk Y07A02 sygedagpenge, "
                                "fuldtidspersoner, Allerød, månedlig 2020–2022")
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert any(layer.get("mark", {}).get("type") == "rule" for layer in spec["layer"])  # target and deadline


def test_qualitative_goal_is_text_only_and_the_choice_goes_to_the_url(page: AppTest) -> None:
    page.query_params["plan"] = "gladsaxe-2022"
    page.query_params["maal"] = "lige-muligheder-sagsbehandlerskift"
    at = page.run()
    assert not at.exception
    assert not at.get("vega_lite_chart")
    assert "Kvalitativt mål – der er intet tal at måle afstanden på." in [m.value for m in at.markdown]
    at.selectbox[1].set_value("erhvervsby-virksomhedsrettet-aktivering").run()
    assert at.query_params["maal"] == "erhvervsby-virksomhedsrettet-aktivering"
    assert at.query_params["plan"] == "gladsaxe-2022"
    assert "3,1 %" in at.caption[0].value


def test_unknown_goal_in_the_url_opens_the_plans_first_goal(page: AppTest) -> None:
    page.query_params["plan"] = "ltk-2022"
    page.query_params["maal"] = "findes-ikke"
    at = page.run()
    assert not at.exception
    assert at.query_params["maal"] == "fa1-ledighed-ydelseskategorier"
    assert at.header[0].value == "Opfølgning på udvikling i ledigheden fordelt på ydelseskategorier"


def test_the_goal_opens_with_a_plain_summary(page: AppTest) -> None:
    page.query_params["plan"] = "alleroed-2022"
    page.query_params["maal"] = "rm3-ledige-over-1-aar"
    at = page.run()
    assert not at.exception
    assert at.markdown[0].value.replace("\\", "") == (
        "**Forsikrede ledige med over 1 års ledighed: 53 personer i juli 2021, 37 over målet på 16. Udviklingen går "
        "den forkerte vej, og målet nås ikke i december 2022 med den nuværende takt.**")
    table = at.dataframe[0].value
    assert "53 personer" in list(table["Værdi"]) and "juli 2021" in list(table["Periode"])
