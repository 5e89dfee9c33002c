"""Exports of what is on screen: CSV for Danish Excel, XLSX, chart PNG/SVG — each with source and licence."""

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from beskdash import compare, exports
from beskdash.charts import compare as charts
from beskdash.store import Store
from tests.conftest import needs_dst

NL = "kontanthjaelp-nettoledige"
FTP = "fuldtidspersoner"


def read_excel_csv(data: bytes) -> tuple[list[str], pd.DataFrame, list[str]]:
    """Title row, the table, the note rows — as Danish Excel would read the file."""
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, or Excel guesses the encoding
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    blank = [i for i, r in enumerate(rows) if not r]
    assert blank[0] == 1
    header, body = rows[2], rows[3:blank[1]]
    return rows[0], pd.DataFrame(body, columns=header), [r[0] for r in rows[blank[1] + 1:]]


def da_float(s: str) -> float:
    return float("nan") if s == "" else float(s.replace(",", "."))


def read_xlsx(data: bytes) -> tuple[str, pd.DataFrame, list[str], object]:
    ws = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header_at = 2
    end = next(i for i in range(header_at + 1, len(rows)) if all(v is None for v in rows[i]))
    table = pd.DataFrame(rows[header_at + 1:end], columns=rows[header_at])
    return rows[0][0], table, [r[0] for r in rows[end + 1:] if r[0]], ws


@pytest.fixture(scope="module")
def per_capita(ro_store: Store) -> compare.Comparison:
    g = compare.resolve_group("alleroed", ["201", "223", "240"])
    return compare.series(ro_store, ["201", "223", "240"], NL, FTP, "2019Q1", "2019Q4", scale="per1000", groups=[g])


@needs_dst
def test_excel_csv_values_equal_the_table(ro_store: Store, per_capita: compare.Comparison) -> None:
    doc = exports.comparison_document(ro_store, per_capita)
    title, table, notes = read_excel_csv(exports.excel_csv(doc))
    assert title[0] == "Nettoledige kontanthjælpsmodtagere: Allerød, Hørsholm og Egedal (Fuldtidspersoner pr. 1.000 " \
                       "indbyggere)"
    want = compare.wide_table(per_capita)
    assert list(table.columns) == list(want.columns)
    assert list(table["Periode"]) == list(want["Periode"])
    for col in ["Allerød", "Hørsholm", "Egedal", "Hørsholm og Egedal samlet"]:
        assert [da_float(v) for v in table[col]] == list(want[col])  # exact, not rounded
    assert table["Allerød"].iloc[-1].startswith("0,9358")  # decimal comma, no thousands separator
    assert any(n.startswith("Kilde: Danmarks Statistik, Statistikbanken AUK01") and "licens: CC BY 4.0" in n
               for n in notes)
    assert any("FOLK1A" in n for n in notes) and any(n.startswith("Nævner:") for n in notes)
    assert "Periode: 1.\u00a0kvt. 2019 – 4.\u00a0kvt. 2019." in notes


def test_excel_never_runs_a_cell_as_a_formula() -> None:
    doc = exports.Document("=HYPERLINK(\"http://x\")", pd.DataFrame({
        "Område": ["=1+1", "+45 12", "-Allerød", "@SUM(A1)", "Allerød"], "Værdi": [1.5, -12.5, 1234, 0.0, None],
    }), ("Kilde: test",))
    title, table, _ = read_excel_csv(exports.excel_csv(doc))
    assert title[0] == "'=HYPERLINK(\"http://x\")"
    assert list(table["Område"]) == ["'=1+1", "'+45 12", "'-Allerød", "'@SUM(A1)", "Allerød"]
    assert list(table["Værdi"]) == ["1,5", "-12,5", "1234", "0", ""]  # numbers stay numbers, negative too
    xtitle, xt, _, ws = read_xlsx(exports.xlsx(doc))
    assert xtitle == "'=HYPERLINK(\"http://x\")"
    assert list(xt["Område"]) == ["'=1+1", "'+45 12", "'-Allerød", "'@SUM(A1)", "Allerød"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert list(xt["Værdi"])[:4] == [1.5, -12.5, 1234, 0]


@needs_dst
def test_xlsx_values_equal_the_table(ro_store: Store, per_capita: compare.Comparison) -> None:
    doc = exports.comparison_document(ro_store, per_capita)
    title, table, notes, ws = read_xlsx(exports.xlsx(doc))
    want = compare.wide_table(per_capita)
    assert title == doc.title and list(table.columns) == list(want.columns)
    for col in ["Allerød", "Hørsholm og Egedal samlet"]:
        assert list(table[col]) == pytest.approx(list(want[col]), rel=1e-14)  # Excel keeps 15 digits
    assert list(table["Befolkningstal pr."]) == ["2019-01-01"] * 4
    assert notes == list(doc.notes)
    assert ws.parent.properties.creator == "beskdash" and "CC BY 4.0" in ws.parent.properties.description


@needs_dst
def test_ranking_export_values_equal_the_table(ro_store: Store) -> None:
    r = compare.ranking(ro_store, NL, FTP, "2019Q4", scale="raw")
    doc = exports.ranking_document(ro_store, r)
    _, table, notes = read_excel_csv(exports.excel_csv(doc))
    want = compare.ranking_table(r)
    assert len(table) == 98
    assert [da_float(v) for v in table["Værdi 4.\u00a0kvt. 2019"]] == list(want["Værdi 4.\u00a0kvt. 2019"])
    assert table.loc[table["Kommune"] == "Allerød", "Værdi 4.\u00a0kvt. 2019"].iloc[0] == "24"
    assert list(table["Tredjedel"]) == list(want["Tredjedel"])
    assert any("Antal afhænger af kommunens størrelse" in n for n in notes)


@needs_dst
def test_charts_as_svg_and_png_carry_source_and_licence(ro_store: Store, per_capita: compare.Comparison) -> None:
    doc = exports.comparison_document(ro_store, per_capita)
    chart = charts.line_chart(per_capita)
    svg = exports.chart_svg(chart, doc.notes)
    assert svg.startswith("<svg") and "Statistikbanken AUK01" in svg and "CC BY 4.0" in svg
    assert "Nettoledige kontanthjælpsmodtagere: Allerød" in svg  # the title: what and where
    assert "Fuldtidspersoner pr. 1.000 indbyggere" in svg  # the unit on the axis
    assert "1,5" in svg  # Danish decimal comma on the axis
    assert "1. kvt. 2019" in svg.replace("\u00a0", " ").replace("&#160;", " ")
    png = exports.chart_png(chart, doc.notes, scale=1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


@needs_dst
def test_ranking_chart_highlights_the_four(ro_store: Store) -> None:
    r = compare.ranking(ro_store, NL, FTP, "2019Q4")
    data = charts.ranking_data(r, ["173", "159", "201", "230"])
    assert len(data) == 98 and (data["fremhævet"] == "ja").sum() == 4
    svg = exports.chart_svg(charts.ranking_chart(r, ["173", "159", "201", "230"]), ("Kilde: test",))
    assert "Allerød" in svg and "0,94" in svg and "Tredjedel" in svg


@needs_dst
def test_comparison_csv_for_the_cli_is_machine_readable(ro_store: Store) -> None:
    comp = compare.series(ro_store, ["201", "rar-hovedstaden"], NL, FTP, "2019Q4", "2019Q4")
    out = exports.comparison_csv(comp).splitlines()
    assert out == ["area_code,area_name,period,value,source,gap", "201,Allerød,2019Q4,24,dst:AUK01,",
                   "rar-hovedstaden,RAR Hovedstaden,2019Q4,,,ingen tal"]
