"""Rangliste with AppTest on the shipped data: all 98 kommuner, the four highlighted, URL state both
ways, and exports equal to the table."""

import csv
import io
import json

from tests.conftest import needs_dst
from tests.pages.conftest import OpenApp, run_with

PAGE = "pages/rangliste.py"

# The rankings and comparisons are of StatBank's AUK01 series, read from ../shared.
pytestmark = needs_dst



def test_ranks_all_kommuner_with_the_four_highlighted(open_app: OpenApp) -> None:
    at = run_with(open_app(PAGE))
    assert dict(at.query_params) == {"ydelse": "kontanthjaelp-nettoledige", "maal": "fuldtidspersoner",
                                     "enhed": "per1000", "periode": "2025Q4"}
    t = at.table[0].value
    assert len(t) == 98 and list(t["Placering"])[:3] == ["1", "2", "3"]
    assert list(t.columns) == ["Placering", "Kommune", "Værdi 4.\u00a0kvt. 2025", "Værdi 4.\u00a0kvt. 2024",
                               "Ændring", "Tredjedel"]
    allerod = t[t["Kommune"] == "Allerød"].iloc[0]
    assert (allerod["Værdi 4.\u00a0kvt. 2025"], allerod["Tredjedel"]) == ("1,13", "bedste")
    said = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert said[2] == (f"- Allerød var nr. {allerod['Placering']} af 98 kommuner i 4.\u00a0kvt. 2025 "
                       "(1,13 fuldtidspersoner pr. 1.000 indbyggere), i den bedste tredjedel.")
    assert [s.split(" var nr.")[0] for s in said] == ["- Lyngby-Taarbæk", "- Gladsaxe", "- Allerød", "- Rudersdal"]
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["title"]["text"] == "Nettoledige kontanthjælpsmodtagere: alle kommuner, 4.\u00a0kvt. 2025"
    bold = spec["layer"][0]["encoding"]["y"]["axis"]["labelFontWeight"]["expr"]
    assert bold.startswith("indexof(['Lyngby-Taarbæk', 'Gladsaxe', 'Allerød', 'Rudersdal'], datum.value)")
    captions = [c.value for c in at.caption]
    assert "Nævner: befolkningen i alt (alle aldre) den 1. oktober 2025 (Danmarks Statistik, FOLK1AM)." in captions
    assert any("Statistikbanken AUK01" in c and "CC BY 4.0" in c for c in captions)


def test_a_selection_goes_to_the_url_and_the_url_restores_it(open_app: OpenApp) -> None:
    at = run_with(open_app(PAGE))
    at.selectbox(key="rank_periode").set_value("2019Q4").run()
    at.radio(key="rank_enhed").set_value("raw").run()
    params = dict(at.query_params)
    assert params["periode"] == "2019Q4" and params["enhed"] == "raw"
    table = at.table[0].value
    assert table.iloc[0]["Kommune"] == "Læsø" and table.iloc[-1]["Kommune"] == "København"
    assert any("Antal afhænger af kommunens størrelse" in c.value for c in at.caption)
    again = run_with(open_app(PAGE), **params)
    assert again.table[0].value.equals(table)
    assert again.selectbox(key="rank_periode").value == "2019Q4" and again.radio(key="rank_enhed").value == "raw"


def test_exports_equal_the_table(open_app: OpenApp, downloads: dict[str, bytes]) -> None:
    at = run_with(open_app(PAGE), periode="2019Q4")
    table = at.table[0].value
    name = "rangliste-kontanthjaelp-nettoledige-fuldtidspersoner-per1000-2019Q4.csv"
    rows = list(csv.reader(io.StringIO(downloads[name].decode("utf-8-sig")), delimiter=";"))
    header, body = rows[2], rows[3:101]
    assert header == list(table.columns)
    for (_, screen), row in zip(table.iterrows(), body):
        assert row[1] == screen["Kommune"] and row[5] == screen["Tredjedel"]
        assert f"{float(row[0].replace(',', '.')):.0f}" == screen["Placering"]
        assert f"{float(row[2].replace(',', '.')):.2f}".replace(".", ",") == screen["Værdi 4.\u00a0kvt. 2019"]
    assert any("CC BY 4.0" in r[0] for r in rows[102:] if r)
    assert "rangliste-kontanthjaelp-nettoledige-fuldtidspersoner-per1000-2019Q4.xlsx" in downloads


def test_a_hand_edited_link_never_crashes(open_app: OpenApp) -> None:
    at = run_with(open_app(PAGE), ydelse="findes-ikke", maal="uger", enhed="per1000", periode="2099Q1")
    assert dict(at.query_params) == {"ydelse": "kontanthjaelp-nettoledige", "maal": "fuldtidspersoner",
                                     "enhed": "per1000", "periode": "2025Q4"}


def test_the_ranking_opens_with_first_and_last(open_app: OpenApp) -> None:
    at = run_with(open_app(PAGE))
    t = at.table[0].value
    col = "Værdi 4.\u00a0kvt. 2025"
    first, last = t.iloc[0], t.iloc[-1]
    assert (first["Kommune"], first[col], last["Kommune"], last[col]) == ("Samsø", "0,28", "Nordfyns", "3,36")
    assert at.markdown[1].value == ("**98 kommuner har tal for 4.\u00a0kvt. 2025. Nr. 1 med den laveste værdi er "
                                    "Samsø (0,28); sidst er Nordfyns (3,36).**")
