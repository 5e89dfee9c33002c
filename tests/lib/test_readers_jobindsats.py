"""jobindsats.dk files: CSV and Excel downloads and saved API responses (v2, v3) read alike."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest

from beskdash import imports
from beskdash.readers import jobindsats
from beskdash.validate import check_tidy

COLS = ["area_code", "benefit", "measure", "period", "value", "source"]
MEASURES = ["Antal personer", "Antal fuldtidspersoner", "Fuldtidspersoner i pct. af befolkningen 16-66 år"]
ROWS = [  # Område, Periode, Køn, Alder, and the three measures as jobindsats writes them
    ("Lyngby-Taarbæk", "2024M01", "I alt", "Alder i alt", "1.234", "856", "2,4"),
    ("Hele landet", "2024M01", "I alt", "Alder i alt", "123.456", "98.765", "3,1"),
    ("Allerød", "2024Q1", "Køn i alt", "I alt", "512", "300,5", "2,2"),
    ("Gladsaxe", "2024QMAT01", "I alt", "I alt", "1.001", "700", "2,0"),
    ("Rudersdal", "2023", "I alt", "I alt", "950", "612", "1,9"),
]


def _csv(rows=ROWS, title: str = "Y01A02: A-dagpenge", sep: str = ";", encoding: str = "cp1252") -> bytes:
    lines = [title, "Kilde: Jobindsats.dk", ""] if title else []
    lines.append(sep.join(["Område", "Periode", "Køn", "Alder", *MEASURES]))
    lines += [sep.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _frame(r) -> pd.DataFrame:
    return r.frame[COLS].sort_values(COLS[:4]).reset_index(drop=True)


def test_csv_download_danish_numbers_and_table_id_from_the_title() -> None:
    r = jobindsats.read_csv(_csv(), "download.csv")
    assert r.problems == [] and r.fmt == "jobindsats-csv"
    assert r.source.key == "jobindsats:Y01A02" and "Jobindsats" in r.source.title
    f = r.frame
    assert set(f["benefit"]) == {"a-dagpenge"}
    assert set(f["measure"]) == {"personer", "fuldtidspersoner", "pct-befolkning"}
    one = f[(f.area_code == "173") & (f.period == "2024M01")].set_index("measure")["value"]
    # `1.234` in a Danish file is one thousand two hundred and thirty-four; `2,4` a decimal
    assert one["personer"] == 1234 and one["fuldtidspersoner"] == 856 and one["pct-befolkning"] == 2.4
    assert f[(f.area_code == "000") & (f.measure == "fuldtidspersoner")]["value"].iloc[0] == 98765
    assert f[(f.area_code == "201") & (f.measure == "fuldtidspersoner")]["value"].iloc[0] == 300.5
    # every period spelling, and the moving annual total kept apart from the quarter
    assert set(f["period"]) == {"2024M01", "2024Q1", "2024QMAT01", "2023"}
    assert check_tidy(f, "download.csv") == []


def test_quarter_spellings_and_table_id_from_the_caller() -> None:
    rows = [("Allerød", "2024Q01", "I alt", "I alt", "1", "2", "0,1")]
    r = jobindsats.read_csv(_csv(rows, title="", sep="\t"), "x.csv", table="y36a02")
    assert r.problems == []
    assert set(r.frame["period"]) == {"2024Q1"} and set(r.frame["benefit"]) == {"kontanthjaelp"}
    assert r.source.key == "jobindsats:Y36A02"


@pytest.mark.parametrize("tid,benefit", [
    ("Y01A02", "a-dagpenge"), ("Y36A02", "kontanthjaelp"), ("Y38A02", "uddannelseshjaelp"),
    ("Y35A02", "selvforsoergelse"), ("Y07A02", "sygedagpenge"), ("Y08A02", "fleksjob"),
    ("Y09A02", "ledighedsydelse"), ("Y10A02", "foertidspension"), ("Y11A02", "ressourceforloeb"),
    ("Y12A02", "jobafklaringsforloeb"), ("Y04A02", "revalidering"), ("PTVA02", "offentlig-forsoergelse-i-alt"),
])
def test_every_table_id_names_its_benefit(tid: str, benefit: str) -> None:
    r = jobindsats.read_csv(_csv(ROWS[:1], title=f"{tid}: tabel"), "t.csv")
    assert r.problems == [] and set(r.frame["benefit"]) == {benefit}


def test_benefit_from_a_label_column() -> None:
    raw = "Område;Periode;Ydelse;Antal fuldtidspersoner\nAllerød;2024M02;Sygedagpenge;123\n".encode()
    r = jobindsats.read_csv(raw, "uden-tabel.csv")
    assert r.problems == [] and r.frame["benefit"].tolist() == ["sygedagpenge"]


def _xlsx(rows=ROWS, numbers_as_numbers: bool = True) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Y01A02: A-dagpenge"])
    ws.append([])
    ws.append(["Område", "Periode", "Køn", "Alder", *MEASURES])
    for r in rows:
        vals = list(r[:4])
        for v in r[4:]:
            vals.append(float(v.replace(".", "").replace(",", ".")) if numbers_as_numbers else v)
        ws.append(vals)
    ws.append([])
    ws.append(["Kilde: Jobindsats.dk, Styrelsen for Arbejdsmarked og Rekruttering"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("numbers_as_numbers", [True, False])
def test_excel_reads_like_the_csv(numbers_as_numbers: bool) -> None:
    raw = _xlsx(numbers_as_numbers=numbers_as_numbers)
    assert imports.detect(raw).kind == "jobindsats-xlsx"
    x = jobindsats.read_excel(raw, "download.xlsx")
    assert x.problems == [] and x.fmt == "jobindsats-xlsx"
    pd.testing.assert_frame_equal(_frame(x), _frame(jobindsats.read_csv(_csv(), "download.csv")))


def _v2() -> list:
    variables = [{"Name": n, "Label": lab} for n, lab in
                 [("area", "Område"), ("period", "Periode"), ("_kon", "Køn"), ("_alder", "Alder"),
                  ("y01a02_ant", MEASURES[0]), ("y01a02_ful", MEASURES[1]), ("y01a02_pct", MEASURES[2])]]
    return [{"TableID": "y01a02", "Variables": variables, "Data": [list(r) for r in ROWS]}]


def _v3() -> dict:
    rows = [[*r[:4], *[float(v.replace(".", "").replace(",", ".")) for v in r[4:]]] for r in ROWS]
    return {"table": "y01a02", "columns": ["Område", "Periode", "Køn", "Alder", *MEASURES], "rows": rows}


def test_saved_api_responses_v2_and_v3_read_like_the_csv() -> None:
    want = _frame(jobindsats.read_csv(_csv(), "download.csv"))
    for doc, fmt in ((_v2(), "jobindsats-api-v2"), (_v3(), "jobindsats-api-v3")):
        raw = json.dumps(doc, ensure_ascii=False).encode()
        d = imports.detect(raw)
        assert d.kind == "jobindsats-api"
        r = jobindsats.read_api(d.doc, "svar.json")
        assert r.problems == [] and r.fmt == fmt
        pd.testing.assert_frame_equal(_frame(r), want)


def test_y30r21_benchmark_has_measures_of_its_own() -> None:
    prefix = "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: "
    doc = {"table": "Y30R21", "columns": [
        "Område", "Periode", "Ydelsesgrupper", prefix + "Forventet antal", prefix + "Faktisk antal",
        prefix + "Forskel mellem forventet og faktisk antal",
        "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Forventet andel (pct.)",
        "Placering på benchmarkranglisten"],
        "rows": [["Lyngby-Taarbæk", "2024QMAT02", "Ydelsesgrupper i alt", "4.000", "4.100", "-100", "12,5", "3"],
                 ["Lyngby-Taarbæk", "2024QMAT02", "A-dagpenge mv.", 1000, 900, 100, 3.5, 7]]}
    r = jobindsats.read_api(doc, "y30r21.json")
    assert r.problems == [] and r.source.key == "jobindsats:Y30R21"
    f = r.frame.set_index(["benefit", "measure"])["value"]
    assert f[("offentlig-forsoergelse-i-alt", "forventet-fuldtidspersoner")] == 4000
    assert f[("offentlig-forsoergelse-i-alt", "forskel-fuldtidspersoner")] == -100  # a difference may be negative
    assert f[("a-dagpenge", "forventet-andel")] == 3.5
    assert f[("a-dagpenge", "placering-benchmark")] == 7
    assert set(r.frame["period"]) == {"2024QMAT02"}
    assert "fuldtidspersoner" not in set(r.frame["measure"])  # never mixed with the counts
    assert check_tidy(r.frame, "y30r21.json") == []


def test_problems_name_line_column_and_value() -> None:
    rows = [("Lyngby", "2024M01", "I alt", "I alt", "1", "2", "0,5"),
            ("Allerød", "2024M01", "Mænd", "I alt", "1", "2", "0,5"),
            ("Allerød", "2024M13", "I alt", "I alt", "1", "2", "0,5"),
            ("Gladsaxe", "2024M01", "I alt", "I alt", "1.5", "2", "0,5")]
    r = jobindsats.read_csv(_csv(rows), "fejl.csv")
    msgs = [p.message() for p in r.problems]
    assert msgs[0] == ("fejl.csv, linje 5, kolonne Område: 'Lyngby' er ikke en kendt kommune eller et kendt "
                       "område — mente du 'Lyngby-Taarbæk'?")
    assert msgs[1].startswith("fejl.csv, linje 6, kolonne Køn: 'Mænd' er ikke en total")
    assert msgs[2].startswith("fejl.csv, linje 7, kolonne Periode: '2024M13' er ikke en gyldig periode")
    # `1.5` is not a Danish number (that would be 1,5 or 1.500): never guessed
    assert msgs[3] == "fejl.csv, linje 8, kolonne Antal personer: '1.5' er ikke et tal"
    assert len(msgs) == 4 and r.frame.empty  # every row had a problem


def test_unknown_table_and_no_benefit_are_refused() -> None:
    r = jobindsats.read_csv(_csv(ROWS[:1], title="Y99A99: noget andet"), "y99.csv")
    assert [p.message() for p in r.problems] == [
        "y99.csv: 'Y99A99' er ikke en jobindsats-tabel, beskdash kender — kendte tabeller: PTVA02, Y01A02, Y04A02, "
        "Y07A02, Y08A02, Y09A02, Y10A02, Y11A02, Y12A02, Y30R21, Y35A02, Y36A02, Y38A02, Y60A02"]
    r = jobindsats.read_csv(_csv(ROWS[:1], title=""), "ingen.csv")
    assert r.problems[0].why.startswith("kan ikke se, hvilken ydelse tallene gælder")
