"""Imports on the real AUK01 extract: identical observations from the English and the Danish
export, round trips, exact undo, a corpus of bad files (each with its own Danish message and
the database byte-identical), the CLI, a second writer, and kill -9 in the middle of a write."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from beskdash import exports, imports
from beskdash.paths import ROOT
from beskdash.store import Store
from beskdash.validate import Codes, ValidationFailed
from tests import statbank_fixtures
from tests.conftest import dst_extract, needs_dst, run_cli
from tests.lib.test_statbank_reader import danish_rendering

AUK01 = dst_extract("AUK01_en_2007Q1-2025Q4.csv")
# The real extract where ../shared is beside the checkout; else a synthetic one of the same shape
# (the tests that count the real rows are marked `needs_dst`).
RAW = AUK01.read_bytes() if AUK01.exists() else statbank_fixtures.auk01()
LINES = RAW.decode("utf-8-sig").splitlines()
HEADER = LINES[0]
BEN = "Net unemployed recipients of social assistance"


def export(store: Store) -> str:
    return exports.observations_csv(store.observations())


def statbank(*rows: str, header: str = HEADER, bom: bool = True) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def changed_auk01() -> bytes:
    """The real extract with Allerød's 2019Q4 changed (24 → 25) and a new quarter for Allerød."""
    text = RAW.decode("utf-8-sig")
    old = f"Allerød;{BEN};Total;Age, total;2019Q4;24"
    assert old in text
    text = text.replace(old, old[:-2] + "25") + f"Allerød;{BEN};Total;Age, total;2026Q1;31\r\n"
    return ("\ufeff" + text).encode("utf-8")


# --- the same data, two renderings, one result -------------------------------------------------

@needs_dst
def test_english_and_danish_windows_1252_extracts_import_to_identical_observations(tmp_path: Path) -> None:
    da = danish_rendering(RAW)
    assert da.decode("cp1252").splitlines()[1].split(";")[4] == "2007K1"  # K quarters, Danish labels
    with Store(tmp_path / "en.duckdb") as en_store, Store(tmp_path / "da.duckdb") as da_store:
        p_en = imports.preview_files(en_store, [("AUK01_en.csv", RAW)])
        assert p_en.ok and p_en.diff["AUK01_en.csv"].new == 115 * 76
        imports.apply_preview(en_store, p_en, "anna")
        p_da = imports.preview_files(da_store, [("AUK01_da.csv", da)])
        assert p_da.files[0].fmt == "statbank-csv-da"
        imports.apply_preview(da_store, p_da, "anna")
        assert export(en_store) == export(da_store)
        # the Danish file into the English database: 0 new, 0 changed — and it says so
        again = imports.preview_files(en_store, [("AUK01_da.csv", da)])
        d = again.diff["AUK01_da.csv"]
        assert (d.new, d.changed, d.unchanged) == (0, 0, 115 * 76) and again.is_noop
        assert "Filen ændrer intet" in again.message()
        n_imports = len(en_store.imports())
        results = imports.apply_preview(en_store, again, "anna")
        assert [r.import_id for r in results] == [None] and len(en_store.imports()) == n_imports


@needs_dst
def test_reimporting_the_shipped_file_changes_nothing_and_names_the_earlier_import(store: Store) -> None:
    p = imports.preview_files(store, [("AUK01_en_2007Q1-2025Q4.csv", RAW)])
    assert p.ok and p.is_noop
    f = p.files[0]
    assert f.earlier and f"senest import {f.earlier[0]}" in p.message()
    assert f.skipped == {"Abroad": 76, "Not stated municipality": 76}


@needs_dst
def test_import_records_and_undo_restores_the_export_byte_for_byte(store: Store) -> None:
    before_csv, before_json = export(store), exports.observations_json(store.observations())
    p = imports.preview_files(store, [("AUK01_rettet.csv", changed_auk01())])
    d = p.diff["AUK01_rettet.csv"]
    assert (d.new, d.changed) == (1, 1)
    ch = p.changes()
    assert ch[["Område", "Periode", "Før", "Nu"]].values.tolist() == [["Allerød", "4.\u00a0kvt. 2019", "24", "25"]]
    by_area = p.changes_by_area()
    assert by_area[["Område", "Nye", "Ændrede"]].values.tolist() == [["Allerød", 1, 1]]
    [r] = imports.apply_preview(store, p, "anna")
    rec = store.imports().iloc[0]
    assert rec["id"] == r.import_id and rec["username"] == "anna" and rec["file_name"] == "AUK01_rettet.csv"
    assert rec["sha256"] == p.files[0].sha256 and len(rec["sha256"]) == 64 and rec["format"] == "statbank-csv-en"
    assert (rec["n_new"], rec["n_changed"], rec["n_unchanged"]) == (1, 1, 115 * 76 - 1)
    assert export(store) != before_csv
    assert imports.undo(store, r.import_id) == 2
    assert export(store) == before_csv
    assert exports.observations_json(store.observations()) == before_json
    assert r.import_id not in imports.undo_choices(store)


def test_build_imports_cannot_be_undone_from_the_importer(store: Store) -> None:
    build_id = int(store.imports()["id"].min())
    with pytest.raises(Exception, match="indbyggede database"):
        imports.undo(store, build_id)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_own_export_round_trip_changes_nothing(store: Store, tmp_path: Path, fmt: str) -> None:
    df = store.observations()
    text = exports.observations_csv(df) if fmt == "csv" else exports.observations_json(df)
    p = imports.preview_files(store, [(f"eksport.{fmt}", text.encode())])
    assert p.ok and p.is_noop and p.files[0].fmt == f"beskdash-{fmt}"
    assert sum(d.unchanged for d in p.diff.values()) == len(df)
    # and into an empty database: the same export comes out
    with Store(tmp_path / "tom.duckdb") as fresh:
        imports.apply_preview(fresh, imports.preview_files(fresh, [(f"eksport.{fmt}", text.encode())]), "anna")
        assert export(fresh) == exports.observations_csv(df)


def test_preview_is_refused_when_the_database_changed_since(store: Store) -> None:
    p = imports.preview_files(store, [("AUK01_rettet.csv", changed_auk01())])
    other = imports.preview_files(store, [("ny.csv", statbank(f"Gladsaxe;{BEN};Total;Age, total;2026Q1;90"))])
    imports.apply_preview(store, other, "bo")
    with pytest.raises(imports.PreviewStale, match="Se forhåndsvisningen igen"):
        imports.apply_preview(store, p, "anna")


def test_two_files_holding_the_same_figure_are_refused(store: Store) -> None:
    a = statbank(f"Gladsaxe;{BEN};Total;Age, total;2026Q1;90")
    b = statbank(f"Allerød;{BEN};Total;Age, total;2026Q1;10", f"Gladsaxe;{BEN};Total;Age, total;2026Q1;91")
    before = export(store)
    p = imports.preview_files(store, [("a.csv", a), ("b.csv", b)])
    assert not p.ok
    assert p.problems[0].message() == ("b.csv, linje 3: indeholder 1 tal, som også står i a.csv (fx linje 2) — "
                                       "importér filerne hver for sig")
    same = imports.preview_files(store, [("a.csv", a), ("kopi.csv", a)])
    assert "er den samme fil som a.csv" in same.problems[0].message()
    assert export(store) == before


def test_several_files_are_one_transaction_each_recorded(store: Store) -> None:
    a = statbank(f"Gladsaxe;{BEN};Total;Age, total;2026Q1;90")
    b = statbank(f"Allerød;{BEN};Total;Age, total;2026Q1;10")
    results = imports.apply_preview(store, imports.preview_files(store, [("a.csv", a), ("b.csv", b)]), "anna")
    assert [r.diff.new for r in results] == [1, 1]
    assert store.imports()["file_name"].head(2).tolist() == ["b.csv", "a.csv"]


def _counting_diffs(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Every comparison of rows with the store from now on (its replace_source), in order."""
    calls: list[str | None] = []
    original = Store._diff

    def counted(self, cur, incoming, replace_source, version):
        calls.append(replace_source)
        return original(self, cur, incoming, replace_source, version)

    monkeypatch.setattr(Store, "_diff", counted)
    return calls


def test_apply_writes_the_previews_comparison_and_a_note_added_since(store: Store,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = export(store)
    raw = statbank(f"Gladsaxe;{BEN};Total;Age, total;2026Q1;90", f"Allerød;{BEN};Total;Age, total;2019Q4;25")
    p = imports.preview_files(store, [("rettet.csv", raw)])
    d = p.diff["rettet.csv"]
    assert (d.new, d.changed) == (1, 1)
    p.files[0].frame["note"] = "foreløbig"  # as the fetchers mark a provisional period, after the preview
    calls = _counting_diffs(monkeypatch)
    [r] = imports.apply_preview(store, p, "anna")
    assert calls == []  # the database did not change: the preview's comparison is what is written
    assert (r.diff.new, r.diff.changed, r.diff.unchanged) == (1, 1, 0)
    obs = store.observations(areas=["159", "201"], benefits=["kontanthjaelp-nettoledige"])
    got = obs[obs["import_id"] == r.import_id][["area_code", "period", "value", "note"]]
    assert sorted(got.itertuples(index=False, name=None)) == [("159", "2026Q1", 90.0, "foreløbig"),
                                                              ("201", "2019Q4", 25.0, "foreløbig")]
    assert imports.undo(store, r.import_id) == 2 and export(store) == before


def test_a_value_changed_after_the_preview_is_compared_again(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = statbank(f"Gladsaxe;{BEN};Total;Age, total;2026Q1;90", f"Allerød;{BEN};Total;Age, total;2019Q4;25")
    p = imports.preview_files(store, [("rettet.csv", raw)])
    frame = p.files[0].frame
    frame.loc[frame["period"] == "2019Q4", "value"] = 24.0  # back to what the database holds
    calls = _counting_diffs(monkeypatch)
    [r] = imports.apply_preview(store, p, "anna")
    assert calls == [None]
    assert (r.diff.new, r.diff.changed, r.diff.unchanged) == (1, 0, 1)
    rec = store.imports().iloc[0]
    assert (rec["n_new"], rec["n_changed"]) == (1, 0)


def test_two_fetched_files_of_one_source_are_compared_in_order_in_the_transaction(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two previews joined into one (as the fetchers join their answers): no check across them, so the second
    # file's figure must be compared with the first's, written earlier in the same transaction.
    a = imports.preview_files(store, [("a.csv", statbank(f"Gladsaxe;{BEN};Total;Age, total;2026Q1;90"))])
    b = imports.preview_files(store, [("b.csv", statbank(f"Gladsaxe;{BEN};Total;Age, total;2026Q1;91"))])
    joined = imports.Preview(a.files + b.files, [], a.version)
    calls = _counting_diffs(monkeypatch)
    ra, rb = imports.apply_preview(store, joined, "anna")
    assert calls == [None]  # the first file's comparison holds; the second is made again
    assert (ra.diff.new, rb.diff.new, rb.diff.changed) == (1, 0, 1)
    obs = store.observations(areas=["159"], benefits=["kontanthjaelp-nettoledige"])
    assert obs.loc[obs["period"] == "2026Q1", "value"].tolist() == [91.0]
    assert imports.undo(store, rb.import_id) == 1
    obs = store.observations(areas=["159"], benefits=["kontanthjaelp-nettoledige"])
    assert obs.loc[obs["period"] == "2026Q1", "value"].tolist() == [90.0]


# --- the corpus of bad files ------------------------------------------------------------------

def _zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, data)
    return buf.getvalue()


def _xlsx(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _jobindsats(*rows: str, title: str = "Y01A02: A-dagpenge",
                header: str = "Område;Periode;Køn;Antal fuldtidspersoner;"
                              "Fuldtidspersoner i pct. af befolkningen 16-66 år") -> bytes:
    return "\r\n".join([title, "", header, *rows, ""]).encode("cp1252")


EXPORT_HEADER = ",".join(exports.EXPORT_COLUMNS)
GOOD = LINES[1:6]  # five real rows (All Denmark, 2007Q1–2007Q4 and 2008Q1)
DA_HEADER = "OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD"
DA_ROW = "Allerød;Nettoledige kontanthjælpsmodtagere;I alt;Alder i alt;2019K4;{}"

BAD_FILES: list[tuple[str, bytes, str]] = [
    ("tom.csv", b"", "tom.csv: er tom"),
    ("kun-bom.csv", b"\xef\xbb\xbf\r\n\r\n", "kun-bom.csv: er tom"),
    ("side.csv", b"<!DOCTYPE html>\n<html><head><title>Log ind</title></head><body>Log ind</body></html>",
     "side.csv: er en HTML-side, ikke data"),
    ("billede.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "billede.csv: er en binær fil"),
    ("rapport.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "rapport.csv: er en PDF-fil"),
    ("gammel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "gammel.xls: er i det gamle Excel-format"),
    ("udtraek.zip", _zip("AUK01.csv", RAW[:2000]), "udtraek.zip: er en zip-fil, ikke et Excel-regneark"),
    ("utf16.csv", "\n".join([HEADER, *GOOD]).encode("utf-16"), "utf16.csv: er gemt som UTF-16-tekst"),
    ("afkortet.json", b'{"columns": ["Omr\xc3\xa5de", "Periode"], "rows": [["Aller',
     "afkortet.json: er ikke gyldig JSON"),
    ("andet.json", b'{"navn": "Anna", "alder": 42}', "andet.json: er JSON, men hverken"),
    ("komma.csv", statbank(*[r.replace(";", ",") for r in GOOD], header=HEADER.replace(";", ",")),
     "komma.csv: ligner et StatBank-udtræk, men er skilt med komma"),
    ("tab.csv", statbank(*[r.replace(";", "\t") for r in GOOD], header=HEADER.replace(";", "\t")),
     "tab.csv: ligner et StatBank-udtræk, men er skilt med tabulator"),
    ("ukendt.csv", b"navn,alder\nAnna,42\n", "ukendt.csv: er ikke et kendt format"),
    ("afkortet.csv", statbank(*GOOD, f"Allerød;{BEN};Tot"),
     "afkortet.csv, linje 7: 'Allerød;Net unemployed recipients of social assistance;Tot' har kun 3 felter, men "
     "overskriften har 6 — filen ser ud til at være afkortet"),
    ("blank.csv", statbank(GOOD[0], "", GOOD[1]), "blank.csv, linje 3: er en tom linje midt i filen"),
    ("lyngby.csv", statbank(f"Lyngby;{BEN};Total;Age, total;2019Q4;12"),
     "lyngby.csv, linje 2, kolonne OMRÅDE: 'Lyngby' er ikke en kendt kommune eller et kendt område — mente du "
     "'Lyngby-Taarbæk'?"),
    ("koen.csv", statbank(f"Allerød;{BEN};Men;Age, total;2019Q4;12"),
     "koen.csv, linje 2, kolonne KØN: 'Men' er ikke en total"),
    ("alder.csv", statbank(f"Allerød;{BEN};Total;16-24 years;2019Q4;12"),
     "alder.csv, linje 2, kolonne ALDER: '16-24 years' er ikke en total"),
    ("periode.csv", statbank(f"Allerød;{BEN};Total;Age, total;2019Q5;12"),
     "periode.csv, linje 2, kolonne TID: '2019Q5' er ikke en gyldig periode"),
    ("tolv.csv", statbank(f"Allerød;{BEN};Total;Age, total;2019Q4;tolv"),
     "tolv.csv, linje 2, kolonne INDHOLD: 'tolv' er ikke et tal"),
    ("dansk-decimal.csv", (DA_HEADER + "\r\n" + DA_ROW.format("12.5") + "\r\n").encode("cp1252"),
     "dansk-decimal.csv, linje 2, kolonne INDHOLD: '12.5' er ikke et tal"),
    ("dublet.csv", statbank(GOOD[0], GOOD[1], GOOD[0]),
     "dublet.csv, linje 4, kolonne TID: '2007Q1' gentager en række for samme område, ydelse og periode (se linje 2)"),
    ("negativ.csv", statbank(f"Allerød;{BEN};Total;Age, total;2019Q4;-5"),
     "negativ.csv, linje 2, kolonne INDHOLD: '−5' er negativ"),
    ("ydelse.csv", statbank("Allerød;Pensioners;Total;Age, total;2019Q4;5"),
     "ydelse.csv, linje 2, kolonne YDELSESTYPE: 'Pensioners' er ikke en kendt ydelsestype"),
    ("kun-overskrift.csv", statbank(), "kun-overskrift.csv: indeholder ingen rækker med data"),
    ("overskrift.csv", statbank("Allerød;2019Q4;5", header="KOMMUNE;TID;INDHOLD"),
     "overskrift.csv, linje 1: 'KOMMUNE;TID;INDHOLD' er ikke en StatBank-overskrift"),
    ("andel.csv", _jobindsats("Allerød;2024M01;I alt;120;123,4"),
     "andel.csv, linje 4, kolonne Fuldtidspersoner i pct. af befolkningen 16-66 år: '123,4' er en andel over 100 %"),
    ("ingen-tabel.csv", _jobindsats("Allerød;2024M01;I alt;120;2,4", title="Udtræk fra Jobindsats"),
     "ingen-tabel.csv: kan ikke se, hvilken ydelse tallene gælder"),
    ("y99.csv", _jobindsats("Allerød;2024M01;I alt;120;2,4", title="Y99A99: Noget andet"),
     "y99.csv: 'Y99A99' er ikke en jobindsats-tabel, beskdash kender"),
    ("loentimer.csv", _jobindsats("Allerød;2024M01;I alt;120;2,4;5.000",
                                  header="Område;Periode;Køn;Antal fuldtidspersoner;"
                                         "Fuldtidspersoner i pct. af befolkningen 16-66 år;Antal løntimer"),
     "loentimer.csv, kolonne Antal løntimer: er ikke et kendt mål"),
    ("herkomst.csv", _jobindsats("Allerød;2024M01;Indvandrere;120;2,4",
                                 header="Område;Periode;Herkomst;Antal fuldtidspersoner;"
                                        "Fuldtidspersoner i pct. af befolkningen 16-66 år"),
     "herkomst.csv, linje 4, kolonne Herkomst: 'Indvandrere' er ikke en total"),
    ("qmat.csv", _jobindsats("Allerød;2024QMAT05;I alt;120;2,4"),
     "qmat.csv, linje 4, kolonne Periode: '2024QMAT05' er ikke en gyldig periode"),
    ("engelsk-tal.csv", _jobindsats("Allerød;2024M01;I alt;1,234.5;2,4"),
     "engelsk-tal.csv, linje 4, kolonne Antal fuldtidspersoner: '1,234.5' er ikke et tal"),
    ("mange.xlsx", _xlsx([["Y07A02: Sygedagpenge"], ["Område", "Periode", "Antal fuldtidspersoner"],
                          ["Allerød", "2024M01", "mange"]]),
     "mange.xlsx, linje 3, kolonne Antal fuldtidspersoner: 'mange' er ikke et tal"),
    ("uden-overskrift.xlsx", _xlsx([["Allerød", "2024M01", 12]]),
     "uden-overskrift.xlsx: kan ikke finde overskriften i regnearket"),
    ("v2.json", json.dumps([{"TableID": "y01a02", "Variables": [{"Name": "area", "Label": "Område"}]}]).encode(),
     "v2.json: ligner et svar fra jobindsats' API v2, men mangler 'Variables' eller 'Data'"),
    ("v3.json", json.dumps({"table": "y01a02", "columns": ["Område", "Periode", "Køn", "Antal fuldtidspersoner"],
                            "rows": [["Allerød", "2024M01", 12]]}).encode(),
     "v3.json, linje 1: '[\"Allerød\", \"2024M01\", 12]' har 3 værdier, men der er 4 kolonner"),
    ("eksport-ydelse.csv", f"{EXPORT_HEADER}\n201,Allerød,a-dagpenge-x,fuldtidspersoner,2019Q4,12,dst:AUK01\n"
     .encode(), "eksport-ydelse.csv, linje 2, kolonne benefit: 'a-dagpenge-x' er ikke en kendt ydelsesnøgle"),
    ("eksport-tal.csv", f'{EXPORT_HEADER}\n201,Allerød,a-dagpenge,fuldtidspersoner,2019Q4,"1,5",dst:AUK01\n'
     .encode(), "eksport-tal.csv, linje 2, kolonne value: '1,5' er ikke et tal, som beskdash skriver dem"),
    ("eksport-navn.csv", f"{EXPORT_HEADER}\n201,Gladsaxe,a-dagpenge,fuldtidspersoner,2019Q4,12,dst:AUK01\n"
     .encode(), "eksport-navn.csv, linje 2, kolonne area_name: 'Gladsaxe' passer ikke til områdekoden 201 (Allerød)"),
    ("eksport-kilde.csv", f"{EXPORT_HEADER}\n201,Allerød,a-dagpenge,fuldtidspersoner,2019Q4,12,AUK01\n".encode(),
     "eksport-kilde.csv, linje 2, kolonne source: 'AUK01' er ikke en kildenøgle"),
    ("eksport.json", json.dumps([
        {c: v for c, v in zip(exports.EXPORT_COLUMNS,
                              ["201", "Allerød", "a-dagpenge", "fuldtidspersoner", "2019Q4", 12, "dst:AUK01"])},
        {"area_code": "201", "value": 12}], ensure_ascii=False).encode(),
     "eksport.json, linje 2: 'area_code, value' har ikke netop felterne"),
]


@pytest.fixture(scope="module")
def shared_store(built_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """One copy for the whole corpus: nothing may be written, and each case checks that."""
    path = tmp_path_factory.mktemp("corpus") / "beskdash.duckdb"
    shutil.copy(built_db, path)
    with Store(path) as s:
        yield s, export(s), len(s.imports())


def test_the_corpus_is_large_and_every_message_distinct() -> None:
    assert len(BAD_FILES) >= 30
    assert len({want for _, _, want in BAD_FILES}) == len(BAD_FILES)


@pytest.mark.parametrize("name,raw,want", BAD_FILES, ids=[b[0] for b in BAD_FILES])
@needs_dst
def test_bad_file_gets_its_own_message_and_changes_nothing(shared_store, name: str, raw: bytes, want: str) -> None:
    store, before, n_imports = shared_store
    p = imports.preview_files(store, [(name, raw)])
    messages = [pr.message() for pr in p.problems]
    assert not p.ok
    assert any(m.startswith(want) for m in messages), messages
    with pytest.raises(ValidationFailed):
        imports.apply_preview(store, p, "anna")
    assert export(store) == before and len(store.imports()) == n_imports


def test_all_problems_are_collected_in_one_pass(shared_store) -> None:
    store, before, _ = shared_store
    raw = statbank(f"Lyngby;{BEN};Total;Age, total;2019Q4;12", f"Allerød;{BEN};Men;Age, total;2019Q4;12",
                   f"Allerød;{BEN};Total;Age, total;2019Q9;12", f"Allerød;{BEN};Total;Age, total;2019Q4;tolv",
                   f"Gladsaxe;{BEN};Total;Age, total;2019Q4;-3")
    p = imports.preview_files(store, [("mange-fejl.csv", raw)])
    assert [(pr.row, pr.column) for pr in p.problems] == [(2, "OMRÅDE"), (3, "KØN"), (4, "TID"), (5, "INDHOLD"),
                                                          (6, "INDHOLD")]
    assert export(store) == before


def test_a_total_smaller_than_its_parts_is_flagged(shared_store) -> None:
    store, before, _ = shared_store
    rows = [f"{a};{BEN};Total;Age, total;2026Q1;{v}" for a, v in
            (("All Denmark", 5), ("Copenhagen", 100), ("Aarhus", 50))]
    p = imports.preview_files(store, [("total.csv", statbank(*rows))])
    assert p.ok  # a warning, not a refusal: extracts of a few areas are normal
    assert [w.message() for w in p.warnings] == [
        "total.csv, linje 2, kolonne INDHOLD: '5' er mindre end summen af de 2 kommuner i filen (150) — "
        "Hele landet kan ikke være en total af dem"]
    assert export(store) == before


# --- the command line ---------------------------------------------------------------------------

def _export_file(db: Path) -> str:
    with Store(db, read_only=True) as s:
        return export(s)


def test_cli_refuses_a_bad_file_with_the_danish_list_and_touches_nothing(db_copy: Path, tmp_path: Path) -> None:
    before = _export_file(db_copy)
    bad = tmp_path / "udtraek.csv"
    bad.write_bytes(statbank(f"Lyngby;{BEN};Total;Age, total;2019Q4;12", f"Allerød;{BEN};Total;Age, total;2019Q4;x"))
    r = run_cli("import", str(bad), db=db_copy)
    assert r.returncode == 1
    assert "Fejl i inddata — intet er skrevet til databasen:" in r.stderr
    assert "udtraek.csv, linje 2, kolonne OMRÅDE: 'Lyngby' er ikke en kendt kommune" in r.stderr
    assert "udtraek.csv, linje 3, kolonne INDHOLD: 'x' er ikke et tal" in r.stderr
    assert "Traceback" not in r.stderr
    assert _export_file(db_copy) == before


@needs_dst
def test_cli_dry_run_import_list_and_undo(db_copy: Path, tmp_path: Path) -> None:
    before = _export_file(db_copy)
    f = tmp_path / "AUK01_rettet.csv"
    f.write_bytes(changed_auk01())
    dry = run_cli("import", str(f), "--dry-run", db=db_copy)
    assert dry.returncode == 0 and "nye: 1, ændrede: 1" in dry.stdout and "Prøvekørsel" in dry.stdout
    assert _export_file(db_copy) == before
    done = run_cli("import", str(f), "--user", "anna", db=db_copy)
    assert done.returncode == 0, done.stderr
    import_id = int(done.stdout.split("import ")[-1].split(" ")[0])
    assert _export_file(db_copy) != before
    listed = run_cli("imports", "list", db=db_copy)
    assert "AUK01_rettet.csv" in listed.stdout and "anna" in listed.stdout
    undo = run_cli("imports", "undo", str(import_id), db=db_copy)
    assert undo.returncode == 0 and f"Import {import_id} er fortrudt: 2 tal" in undo.stdout
    assert _export_file(db_copy) == before


def test_a_second_writer_gets_a_clear_message(db_copy: Path, tmp_path: Path) -> None:
    f = tmp_path / "ny.csv"
    f.write_bytes(statbank(f"Gladsaxe;{BEN};Total;Age, total;2026Q1;90"))
    with Store(db_copy):  # the app holds the database
        r = run_cli("import", str(f), db=db_copy)
    assert r.returncode == 1
    assert "er i brug af en anden proces" in r.stderr and "Traceback" not in r.stderr


def test_kill_9_in_the_middle_of_an_import_leaves_the_database_as_it_was(db_copy: Path, tmp_path: Path) -> None:
    with Store(db_copy) as s:
        before, n_imports = export(s), len(s.imports())
    f = tmp_path / "AUK01_rettet.csv"
    f.write_bytes(changed_auk01())
    marker = tmp_path / "inside-transaction"
    code = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from beskdash import imports
        from beskdash.store import Store
        original = Store._apply
        def stalled(self, cur, batch, username):
            result = original(self, cur, batch, username)  # rows written, not committed
            Path({str(marker)!r}).touch()
            time.sleep(120)
            return result
        Store._apply = stalled
        store = Store({str(db_copy)!r})
        preview = imports.preview_files(store, [("AUK01_rettet.csv", Path({str(f)!r}).read_bytes())])
        imports.apply_preview(store, preview, "anna")
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    deadline = time.time() + 120
    while not marker.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.1)
    assert marker.exists(), "the import never reached its transaction"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    with Store(db_copy) as s:
        assert export(s) == before and len(s.imports()) == n_imports


# --- the registry of formats ------------------------------------------------------------------

def test_every_format_is_a_registered_reader_with_its_labels() -> None:
    from beskdash.readers import registry

    assert [r.format for r in registry.formats()] == ["beskdash-csv", "beskdash-json", "egne-tal", "statbank-csv",
                                                      "jobindsats-xlsx", "jobindsats-api", "jobindsats-csv"]
    for fmt in ("statbank-csv-en", "statbank-csv-da", "jobindsats-csv", "jobindsats-xlsx", "jobindsats-api-v2",
                "jobindsats-api-v3", "beskdash-csv", "beskdash-json", "egne-tal-csv",
                "egne-tal-xlsx"):  # what the import history records
        assert imports.FORMAT_LABELS[fmt]


def test_a_new_format_is_one_registered_reader(shared_store, monkeypatch: pytest.MonkeyPatch) -> None:
    from beskdash.readers import base

    monkeypatch.setattr(base, "_READERS", list(base._READERS))
    base.register(base.Reader("ny-kilde", "ny kilde (CSV)", sniff=lambda u: u.first_line == "EGNE TAL",
                              read=lambda u, _t: base.fail(u.name, "er egne tal, læst af den nye læser", "ny-kilde"),
                              priority=5))
    store, before, _ = shared_store
    assert imports.detect(b"EGNE TAL\n1;2\n").kind == "ny-kilde"
    p = imports.preview_files(store, [("egne.csv", b"EGNE TAL\n1;2\n")])
    assert [pr.message() for pr in p.problems] == ["egne.csv: er egne tal, læst af den nye læser"]
    assert imports.detect(RAW).kind == "statbank-csv"  # the others are asked as before
    assert export(store) == before


def test_shared_codes_find_the_same_duplicates_as_pandas_without_overflowing() -> None:
    rng = np.random.default_rng(7)
    # five columns of 50.000 distinct values each: their radix product (~3e23) would overflow int64
    cols = {c: [f"{c}{v}" for v in rng.integers(0, 50_000, 60_000)] for c in "abcde"}
    frame = pd.DataFrame(cols)
    frame = pd.concat([frame, frame.iloc[[3, 17, 17]], frame.assign(e="x").iloc[:2]], ignore_index=True)
    frame.loc[5, "c"] = None  # a missing value is a value of its own, as in pandas
    codes = Codes(frame)
    for compact in (False, True):
        got = pd.Series(codes.combined(list("abcde"), compact=compact)).duplicated(keep="first")
        assert got.tolist() == frame.duplicated(list("abcde"), keep="first").tolist()
    assert int(got.sum()) == 3
    small = codes.combined(list("abcde"))
    assert small.min() >= 0 and small.max() < len(frame)
