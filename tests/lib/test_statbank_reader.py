"""The StatBank reader on the real extracts in ../shared, on synthetic ones of the same shape, and on
a Danish rendering of the same data."""

import hashlib
import subprocess

import pandas as pd
import pytest

from beskdash.paths import ROOT
from beskdash.readers import delimited, statbank
from tests import statbank_fixtures
from tests.conftest import SHARED, dst_extract, needs_dst

AUK01 = dst_extract("AUK01_en_2007Q1-2025Q4.csv")
FOLK1AM = dst_extract("FOLK1AM_en_2021M10-2026M02.csv")
FOLK1A = dst_extract("FOLK1A_en_population_Q1.csv")

DA_AREAS = {"All Denmark": "Hele landet", "Copenhagen": "København", "Abroad": "Udlandet",
            "Not stated municipality": "Uoplyst kommune"}


def danish_rendering(raw: bytes) -> bytes:
    """The same extract as StatBank's Danish export writes it: Danish labels, 2019K4, Windows-1252."""
    text = raw.decode("utf-8-sig")
    out = []
    for line in text.splitlines():
        f = line.split(";")
        if f[0] != "OMRÅDE":
            f[0] = DA_AREAS.get(f[0], f[0]).replace("Province ", "Landsdel ")
            f[1] = "Nettoledige kontanthjælpsmodtagere"
            f[2] = "I alt"
            f[3] = "Alder i alt"
            f[4] = f[4].replace("Q", "K")
        out.append(";".join(f))
    return ("\r\n".join(out) + "\r\n").encode("cp1252")


def test_repository_holds_no_copy_of_shared_data() -> None:
    """The extracts came from a third-party repository: no tracked file may equal one in ../shared/data/ or
    ../shared/seeds/."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    files = [ROOT / p.decode() for p in tracked.split(b"\0") if p]
    sha = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}
    assert not list(ROOT.glob("data/dst/*.csv")) or "data/dst/*.csv" in (ROOT / ".gitignore").read_text()
    # Everything in ../shared/data/ (the extracts, the API recordings, the area list) and ../shared/seeds/
    folders = [SHARED / "data", SHARED / "seeds"]
    if not any(d.is_dir() for d in folders):
        pytest.skip(f"needs {SHARED}/data and {SHARED}/seeds to compare against (absent)")
    shared = {hashlib.sha256(f.read_bytes()).hexdigest(): f for d in folders if d.is_dir()
              for f in d.rglob("*") if f.is_file()}
    assert len(shared) > 5
    assert [str(shared[h]) for h in sha & set(shared)] == []


def test_synthetic_auk01_english_and_danish() -> None:
    raw = statbank_fixtures.auk01()
    r = statbank.read(raw, "AUK01.csv")
    assert r.problems == [] and r.fmt == "statbank-csv-en" and r.source.key == "dst:AUK01"
    assert r.frame["area_code"].nunique() == 6 and len(r.frame) == 6 * 8
    assert r.skipped == {"Abroad": 8, "Not stated municipality": 8}
    assert set(r.frame["benefit"]) == {"kontanthjaelp-nettoledige"} and set(r.frame["measure"]) == {"fuldtidspersoner"}
    assert r.frame[(r.frame.area_code == "201") & (r.frame.period == "2019Q4")]["value"].iloc[0] == 24
    da = statbank.read(danish_rendering(raw), "da.csv")
    assert da.problems == [] and da.fmt == "statbank-csv-da"
    cols = ["area_code", "benefit", "measure", "period", "value", "source"]
    pd.testing.assert_frame_equal(r.frame[cols].reset_index(drop=True), da.frame[cols].reset_index(drop=True))


def test_synthetic_population_table() -> None:
    r = statbank.read(statbank_fixtures.folk1a(), "FOLK1A.csv")
    assert r.problems == [] and r.source.key == "dst:FOLK1A"
    assert set(r.frame["benefit"]) == {"befolkning"} and set(r.frame["measure"]) == {"personer"}


@needs_dst
def test_auk01_english() -> None:
    r = statbank.read(AUK01.read_bytes(), AUK01.name)
    assert r.problems == []
    assert r.fmt == "statbank-csv-en"
    assert r.source.key == "dst:AUK01" and r.source.licence == "CC BY 4.0"
    f = r.frame
    # 98 kommuner + 5 regions + 11 landsdele + Hele landet, 2007Q1–2025Q4 (76 quarters)
    assert f["area_code"].nunique() == 115
    assert f["period"].nunique() == 76 and f["period"].min() == "2007Q1" and f["period"].max() == "2025Q4"
    assert len(f) == 115 * 76
    assert r.skipped == {"Abroad": 76, "Not stated municipality": 76}
    assert set(f["benefit"]) == {"kontanthjaelp-nettoledige"} and set(f["measure"]) == {"fuldtidspersoner"}
    first = f[(f.area_code == "000") & (f.period == "2007Q1")]["value"].iloc[0]
    assert first == 19206


@needs_dst
def test_danish_cp1252_rendering_reads_identically() -> None:
    en = statbank.read(AUK01.read_bytes(), "en.csv")
    da = statbank.read(danish_rendering(AUK01.read_bytes()), "da.csv")
    assert da.problems == []
    assert da.fmt == "statbank-csv-da"
    cols = ["area_code", "benefit", "measure", "period", "value", "source"]
    pd.testing.assert_frame_equal(en.frame[cols].reset_index(drop=True), da.frame[cols].reset_index(drop=True))


@needs_dst
def test_population_tables() -> None:
    m = statbank.read(FOLK1AM.read_bytes(), FOLK1AM.name)
    q = statbank.read(FOLK1A.read_bytes(), FOLK1A.name)
    assert m.problems == [] and q.problems == []
    assert m.source.key == "dst:FOLK1AM" and q.source.key == "dst:FOLK1A"
    assert set(m.frame["benefit"]) == {"befolkning"} and set(m.frame["measure"]) == {"personer"}
    v = m.frame[(m.frame.area_code == "000") & (m.frame.period == "2021M10")]["value"].iloc[0]
    assert v == 5867412


def test_suppressed_values_are_null() -> None:
    raw = ("OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD\n"
           "Allerød;Nettoledige kontanthjælpsmodtagere;I alt;Alder i alt;2019K4;..\n")
    r = statbank.read(raw.encode("utf-8"), "x.csv")
    assert r.problems == []
    assert r.frame["value"].isna().all() and r.frame["area_code"].iloc[0] == "201"


def test_problems_name_file_row_and_column() -> None:
    raw = (
        "OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD\n"
        "Lyngby;Nettoledige kontanthjælpsmodtagere;I alt;Alder i alt;2019K4;12\n"
        "Allerød;Nettoledige kontanthjælpsmodtagere;Mænd;Alder i alt;2019K4;12\n"
        "Allerød;Nettoledige kontanthjælpsmodtagere;I alt;Alder i alt;2019K9;12\n"
        "Allerød;Nettoledige kontanthjælpsmodtagere;I alt;Alder i alt;2019K3;tolv\n"
    )
    r = statbank.read(raw.encode("utf-8"), "udtraek.csv")
    msgs = [p.message() for p in r.problems]
    assert msgs[0] == ("udtraek.csv, linje 2, kolonne OMRÅDE: 'Lyngby' er ikke en kendt kommune eller et kendt "
                       "område — mente du 'Lyngby-Taarbæk'?")
    assert "linje 3, kolonne KØN: 'Mænd' er ikke en total" in msgs[1]
    assert "linje 4, kolonne TID" in msgs[2] and "2019K9" in msgs[2]
    assert msgs[3] == "udtraek.csv, linje 5, kolonne INDHOLD: 'tolv' er ikke et tal"


@pytest.mark.parametrize("extra", [0, 1])
@pytest.mark.parametrize("offset", [0, 12_345, 49_999, 50_001])
def test_a_line_just_over_the_limit_is_found_wherever_it_lies(offset: int, extra: int) -> None:
    limit = delimited.MAX_LINE_BYTES
    head = b"x" * (offset - 1) + b"\n" if offset else b""
    line = b"y" * (limit + extra)
    data = head + line + b"\n" + b"z;1\n" * 40_000
    _, problem = delimited.prepare(data, "f.csv")
    if extra:
        assert problem is not None and problem.row == (2 if offset else 1)
        assert problem.why.startswith(f"er {limit + 1:,} byte lang".replace(",", "."))
    else:
        assert problem is None


def test_blank_lines_are_found_by_the_fast_path_check() -> None:
    for body in (b"a;1\n\nb;2\n", b"a;1\r\n\r\nb;2\r\n", b"\na;1\n", b"\r\na;1\n"):
        d = delimited.load(b"A;B\n" + body, "f.csv", ";")
        assert any("tom linje" in p.why for p in d.problems), body
    d = delimited.load(b"A;B\na;1\r\nb;2\r\n", "f.csv", ";")
    assert d.problems == [] and d.n_rows == 2 and d.lines.tolist() == [2, 3]
