"""Sammenligning with AppTest on the shipped data: URL state both ways, exports equal to the table,
and the plans' benchmark views one click from the start page."""

import csv
import io
import json
from urllib.parse import parse_qsl

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests.conftest import needs_dst
from tests.pages.conftest import OpenApp, run_with

PAGE = "pages/sammenligning.py"

# The rankings and comparisons are of StatBank's AUK01 series, read from ../shared.
pytestmark = needs_dst



def _sentence(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**")).strip("*")


def _table(at: AppTest) -> pd.DataFrame:
    return at.table[0].value


def test_opens_allerods_comparison_by_default(open_app: OpenApp) -> None:
    at = run_with(open_app(PAGE))
    assert at.title[0].value == "Sammenligning"
    assert at.query_params["gruppe"] == "alleroed" and at.query_params["omr"] == "201,223,240"
    assert _sentence(at) == ("Allerød havde 30 nettoledige kontanthjælpsmodtagere i 4.\u00a0kvt. 2025, "
                             "færre end Egedal (55), men flere end Hørsholm (21).")
    t = _table(at)
    assert list(t.columns) == ["Periode", "Allerød", "Hørsholm", "Egedal"] and len(t) == 76
    row = t[t["Periode"] == "4.\u00a0kvt. 2019"].iloc[0]
    assert (row["Allerød"], row["Hørsholm"], row["Egedal"]) == ("24", "33", "72")
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Kilde: Danmarks Statistik, Statistikbanken AUK01") and "CC BY 4.0" in c for c in captions)
    assert any("Hgrsholm og Egedal" in c for c in captions)  # the plan's own words (OCR spelling kept)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    assert spec["title"]["text"] == "Nettoledige kontanthjælpsmodtagere: Allerød, Hørsholm og Egedal"
    assert spec["config"]["locale"]["number"]["decimal"] == ","  # Danish numbers on the axes
    lines = spec["layer"][0]["encoding"]
    assert lines["strokeWidth"]["scale"] == {"domain": ["ja", "nej"], "range": [4, 1.8]}  # Allerød emphasised
    assert lines["y"]["title"] == "Fuldtidspersoner"


def test_a_selection_goes_to_the_url_and_the_url_restores_it(open_app: OpenApp) -> None:
    at = run_with(open_app(PAGE))
    at.radio(key="cmp_enhed").set_value("per1000").run()
    at.radio(key="cmp_visning").set_value("index").run()
    at.selectbox(key="cmp_basis").set_value("2019Q4").run()
    at.select_slider[0].set_value(("2019Q1", "2020Q4")).run()
    at.checkbox(key="cmp_samlet").check().run()
    assert not at.exception, at.exception
    params = dict(at.query_params)
    assert params == {"gruppe": "alleroed", "omr": "201,223,240", "fokus": "201", "samlet": "1",
                      "ydelse": "kontanthjaelp-nettoledige", "maal": "fuldtidspersoner", "frekvens": "quarter",
                      "enhed": "per1000", "visning": "index", "basis": "2019Q4", "fra": "2019Q1", "til": "2020Q4"}
    table, sentence = _table(at), _sentence(at)
    assert list(table.columns) == ["Periode", "Allerød", "Hørsholm", "Egedal", "Hørsholm og Egedal samlet",
                                   "Befolkningstal pr."]
    assert list(table.loc[table["Periode"] == "4.\u00a0kvt. 2019"].iloc[0])[1:5] == ["100,0"] * 4
    assert sentence.startswith("Allerød lå på indeks")

    again = run_with(open_app(PAGE), **params)  # the copied link, opened by someone else
    assert again.radio(key="cmp_enhed").value == "per1000" and again.radio(key="cmp_visning").value == "index"
    assert again.selectbox(key="cmp_basis").value == "2019Q4" and again.checkbox(key="cmp_samlet").value
    assert again.select_slider[0].value == ("2019Q1", "2020Q4")
    assert _table(again).equals(table) and _sentence(again) == sentence
    assert dict(again.query_params) == params


def test_exports_equal_the_table(open_app: OpenApp, downloads: dict[str, bytes]) -> None:
    at = run_with(open_app(PAGE), gruppe="alleroed", enhed="per1000", fra="2019Q1", til="2019Q4")
    table = _table(at)
    csv_name = next(n for n in downloads if n.endswith(".csv"))
    xlsx_name = next(n for n in downloads if n.endswith(".xlsx"))
    assert csv_name == "sammenligning-kontanthjaelp-nettoledige-201-223-240-2019Q1-2019Q4.csv"
    data = downloads[csv_name]
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[2], rows[3:7]
    assert header == list(table.columns)
    ws = load_workbook(io.BytesIO(downloads[xlsx_name])).active
    xrows = [[c.value for c in r] for r in ws.iter_rows(min_row=4, max_row=7)]
    for i, screen in table.iterrows():
        assert body[i][0] == screen["Periode"] == xrows[i][0]
        for j, col in enumerate(["Allerød", "Hørsholm", "Egedal"], start=1):
            exact = float(body[i][j].replace(",", "."))
            assert f"{exact:.2f}".replace(".", ",") == screen[col]  # the screen rounds what the file holds
            assert xrows[i][j] == pytest.approx(exact, rel=1e-14)
    notes = [r[0] for r in rows[8:]]
    assert any("Statistikbanken AUK01" in n and "CC BY 4.0" in n for n in notes)
    assert any(n.startswith("Nævner: befolkningen i alt") and "1. januar 2019" in n for n in notes)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["CSV (Excel)", "Excel (XLSX)", "Diagram (PNG)", "Diagram (SVG)"]


def test_choosing_a_peer_group_brings_its_areas_and_measure(open_app: OpenApp) -> None:
    at = run_with(open_app(PAGE))
    at.selectbox(key="cmp_gruppe").set_value("rudersdal").run()
    assert not at.exception, at.exception
    assert at.query_params["omr"] == "230,rar-hovedstaden,oestdanmark"
    assert at.query_params["maal"] == "pct-arbejdsstyrke"
    assert _sentence(at) == ("Rudersdal havde 1,0 % af arbejdsstyrken 16-66 år på kontanthjælp i juni 2020, "
                             "en lavere andel end RAR Hovedstaden (2,6 %) og Østdanmark (2,6 %).")
    # Changing the areas by hand makes it one's own selection
    at.multiselect(key="cmp_omr").set_value(["230", "173"]).run()
    assert at.query_params["gruppe"] == "egne" and at.query_params["omr"] == "230,173"


def test_a_hand_edited_link_never_crashes(open_app: OpenApp) -> None:
    at = run_with(open_app(PAGE), gruppe="findes-ikke", omr="999,201", ydelse="<script>", enhed="per1000",
                  visning="index", basis="1800Q1", fra="banan", til="2019Q4")
    assert at.query_params["omr"] == "201" and at.query_params["til"] == "2019Q4"
    assert at.query_params["basis"] == "2007Q1"
    assert _sentence(at).startswith("Allerød lå på indeks")


def test_benchmark_views_are_one_click_from_the_start_page(open_app: OpenApp) -> None:
    at = open_app().run()
    assert not at.exception, at.exception
    links = {p.proto.label: p.proto for p in at.get("page_link")}
    assert {"Allerød mod Hørsholm og Egedal", "Rudersdal mod RAR Hovedstaden og Østdanmark"} <= set(links)
    link = links["Rudersdal mod RAR Hovedstaden og Østdanmark"]
    assert link.page == "sammenligning"
    for k, v in parse_qsl(link.query_string):  # what the click puts in the URL
        at.query_params[k] = v
    at.switch_page("pages/sammenligning.py").run()
    assert not at.exception, at.exception
    assert _sentence(at).startswith("Rudersdal havde 1,0 % af arbejdsstyrken 16-66 år på kontanthjælp")


def test_the_development_over_the_range_shown_follows_the_sentence(open_app: OpenApp) -> None:
    at = run_with(open_app(PAGE), gruppe="alleroed", fra="2023K1")
    t = _table(at)
    assert (t["Allerød"].iloc[0], t["Allerød"].iloc[-1]) == ("38", "30")
    texts = [m.value for m in at.markdown]
    said = texts.index(f"**{_sentence(at)}**")
    assert texts[said + 1] == "Fra 1.\u00a0kvt. 2023 til 4.\u00a0kvt. 2025 faldt tallet for Allerød fra 38 til 30."
