"""Hostile and impossible input: every file of the bad-input corpus is refused with a Danish message
naming file, line and column where there is one, the database is unchanged, and each costs at most
10 s and 500 MB — spreadsheets that unpack too far and periods in the future among them.

The corpus is the 41 files of tests/lib/test_imports.py plus files made here (no binaries committed).
All are previewed in one subprocess, timed per file; its peak resident memory (ru_maxrss), taken
over the whole corpus, bounds every file's. The subprocess is the import path a user meets.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from beskdash import exports, goals, imports, template
from beskdash.paths import ROOT
from beskdash.readers import delimited, xlsx
from beskdash.store import ImportBusy, Store
from beskdash.validate import future_period
from tests.conftest import needs_dst
from tests.lib.test_imports import BAD_FILES, BEN, EXPORT_HEADER, HEADER, _jobindsats, _xlsx, statbank

pytestmark = [pytest.mark.fault, pytest.mark.timeout(300)]

MAX_SECONDS = 10.0
MAX_MB = 500
TODAY = date.today()
_Q = (TODAY.month - 1) // 3 + 1
NEXT_QUARTER = f"{TODAY.year}Q{_Q + 1}" if _Q < 4 else f"{TODAY.year + 1}Q1"
LONG_EXPORT = f"201,Allerød,a-dagpenge,fuldtidspersoner,2019Q4,12,dst:AUK01,{'9' * 150_000}"


def _sheet_xml(rows: str, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
            f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{rows}</sheetData>'
            "</worksheet>").encode()


def _with_sheet(sheet: bytes, compression: int = zipfile.ZIP_DEFLATED, extra: dict[str, bytes] | None = None) -> bytes:
    """A real workbook whose first sheet's XML is replaced by `sheet`."""
    src = zipfile.ZipFile(io.BytesIO(_xlsx([["Område", "Periode", "Antal fuldtidspersoner"]])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for info in src.infolist():
            data = sheet if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            z.writestr(info.filename, data, compress_type=compression, compresslevel=1)
        for name, data in (extra or {}).items():
            z.writestr(name, data, compress_type=compression, compresslevel=1)
    return buf.getvalue()


def _patch_central(raw: bytes, name: str, *, flags: int | None = None, size: int | None = None) -> bytes:
    """Rewrite the zip directory's entry for `name`: its flag bits (encryption) or declared unpacked size."""
    out = bytearray(raw)
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        n_len = struct.unpack_from("<H", out, pos + 28)[0]
        if bytes(out[pos + 46: pos + 46 + n_len]).decode() == name:
            if flags is not None:
                struct.pack_into("<H", out, pos + 8, flags)
            if size is not None:
                struct.pack_into("<I", out, pos + 24, size)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def _rows_xml(n: int) -> str:
    return "".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(1, n + 1))


def _xlsx_rows(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _own_template(sheet: bytes | None = None, extra: dict[str, bytes] | None = None,
                  fill: list[tuple[str, str, object]] | None = None) -> bytes:
    """The own-figures template for alleroed-2022 (what `python -m beskdash template` hands out): its sheet
    `Egne tal` replaced by `sheet`, entries added, or rows of (goal, period, value) filled in."""
    raw = template.workbook(goals.plans()["alleroed-2022"])
    if fill:
        wb = openpyxl.load_workbook(io.BytesIO(raw))
        for goal_id, period, value in fill:
            wb[template.SHEET].append(["alleroed-2022", goal_id, "", "", period, value])
        buf = io.BytesIO()
        wb.save(buf)
        raw = buf.getvalue()
    src = zipfile.ZipFile(io.BytesIO(raw))
    assert src.read("xl/worksheets/sheet1.xml").count(b"<row") > 1  # sheet1 is `Egne tal`, the first sheet
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = sheet if sheet is not None and info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            z.writestr(info.filename, data, compresslevel=1)
        for name, data in (extra or {}).items():
            z.writestr(name, data, compresslevel=1)
    return out.getvalue()


def _v3(period: str) -> bytes:
    return json.dumps({"table": "y01a02", "columns": ["Område", "Periode", "Antal fuldtidspersoner"],
                       "rows": [["Allerød", period, 12]]}).encode()


def _corpus_new() -> list[tuple[str, bytes, str]]:
    limit = xlsx.MAX_UNPACKED
    ok_sheet = _sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>Område</t></is></c></row>')
    encrypted_ole = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptionInfo".encode("utf-16-le")
                     + bytes(50) + "EncryptedPackage".encode("utf-16-le") + bytes(1000))
    far = f"{TODAY.year + 44}Q1"
    own_line = len(template.rows(goals.plans()["alleroed-2022"])) + 2  # the row appended below the template's
    return [
        # spreadsheets that cost too much before a cell is read
        ("raekker.xlsx", _with_sheet(_sheet_xml(_rows_xml(xlsx.MAX_ROWS + 10))),
         "raekker.xlsx: har i ark nr. 1 mere end 1.048.576 rækker"),
        ("raekke-nummer.xlsx", _with_sheet(_sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'
                                                      '<row r="5000000"><c r="A5000000"><v>1</v></c></row>')),
         "raekke-nummer.xlsx: har i ark nr. 1 mere end 1.048.576 rækker"),
        ("dimension.xlsx", _with_sheet(_sheet_xml("", dimension="A1:C2000000")),
         "dimension.xlsx: har i ark nr. 1 mere end 1.048.576 rækker"),
        ("bred.xlsx", _with_sheet(_sheet_xml("", dimension="A1:XFD10")),
         "bred.xlsx: har i ark nr. 1 mere end 1.000 kolonner"),
        ("udpakket.xlsx", _patch_central(_with_sheet(ok_sheet, extra={"xl/media/big.bin": b"x" * 1000}),
                                         "xl/media/big.bin", size=limit + 1),
         "udpakket.xlsx: pakker ud til"),
        ("zipbombe.xlsx", _with_sheet(ok_sheet, extra={"xl/media/zeros.bin": bytes(150 * 1024 * 1024)}),
         "zipbombe.xlsx: er pakket"),
        ("krypteret.xlsx", encrypted_ole, "krypteret.xlsx: er et krypteret Excel-regneark"),
        ("krypteret-zip.xlsx", _patch_central(_xlsx([["Område", "Periode"]]), "xl/workbook.xml", flags=1),
         "krypteret-zip.xlsx: er krypteret (beskyttet med adgangskode)"),
        ("ikke-zip.xlsx", bytes(range(256)) * 8, "ikke-zip.xlsx: hedder .xlsx, men er ikke et Excel-regneark"),
        ("afkortet.xlsx", _xlsx([["Område", "Periode"]])[:300], "afkortet.xlsx: er en ødelagt zip-/Excel-fil"),
        ("skrald.xlsx", _with_sheet(b"<worksheet><sheetData><row><c><v>1</v></row>"),
         "skrald.xlsx: kan ikke læses som Excel-regneark"),
        # CSV that would cost too much to split
        ("lang-linje.csv", statbank(f"Allerød;{BEN};Total;Age, total;2019Q4;12", "x" * 200_000),
         "lang-linje.csv, linje 3: er 200.001 byte lang — mere end grænsen på 100.000 byte"),
        ("kolonner.csv", statbank(header="X;" * 5000 + HEADER), "kolonner.csv, linje 1: har 5.006 kolonner"),
        ("kolonner-jobindsats.csv", _jobindsats("Allerød;2024M01;I alt;120;2,4",
                                                header="Område;Periode" + ";Køn" * 3000),
         "kolonner-jobindsats.csv, linje 3: har 3.002 kolonner"),
        ("lang-eksport.csv", f"{EXPORT_HEADER}\n{LONG_EXPORT}\n".encode(),
         "lang-eksport.csv, linje 2: er " + f"{len(LONG_EXPORT.encode()):,} byte lang".replace(",", ".")),
        # observations of periods that have not begun
        ("fremtid.csv", statbank(f"Allerød;{BEN};Total;Age, total;{far};12"),
         f"fremtid.csv, linje 2, kolonne TID: '{far}' ligger efter dags dato"),
        ("naeste-kvartal.csv", statbank(f"Allerød;{BEN};Total;Age, total;{NEXT_QUARTER};12"),
         f"naeste-kvartal.csv, linje 2, kolonne TID: '{NEXT_QUARTER}' ligger efter dags dato"),
        ("fremtid-jobindsats.csv", _jobindsats("Allerød;2099M01;I alt;120;2,4"),
         "fremtid-jobindsats.csv, linje 4, kolonne Periode: '2099M01' ligger efter dags dato"),
        ("fremtid-mat.csv", _jobindsats(f"Allerød;{TODAY.year + 2}QMAT01;I alt;120;2,4"),
         f"fremtid-mat.csv, linje 4, kolonne Periode: '{TODAY.year + 2}QMAT01' ligger efter dags dato"),
        ("fremtid-eksport.csv", f"{EXPORT_HEADER}\n201,Allerød,a-dagpenge,fuldtidspersoner,{TODAY.year + 5},12,"
                                "dst:AUK01\n".encode(),
         f"fremtid-eksport.csv, linje 2, kolonne period: '{TODAY.year + 5}' ligger efter dags dato"),
        ("fremtid.xlsx", _xlsx_rows([["Y07A02: Sygedagpenge"], ["Område", "Periode", "Antal fuldtidspersoner"],
                                     ["Allerød", "2098M06", 12]]),
         "fremtid.xlsx, linje 3, kolonne Periode: '2098M06' ligger efter dags dato"),
        ("fremtid-v3.json", _v3("2097Q2"),
         "fremtid-v3.json, linje 1, kolonne Periode: '2097Q2' ligger efter dags dato"),
        # the own-figures template: sniffed by its sheet's name, then through the same guarded workbook path
        ("egne-tal-alleroed-2022.xlsx", _own_template(extra={"xl/media/zeros.bin": bytes(150 * 1024 * 1024)}),
         "egne-tal-alleroed-2022.xlsx: er pakket"),
        ("egne-tal-raekker.xlsx", _own_template(_sheet_xml(_rows_xml(xlsx.MAX_ROWS + 10))),
         "egne-tal-raekker.xlsx: har i ark nr. 1 mere end 1.048.576 rækker"),
        ("egne-tal-fremtid.xlsx", _own_template(fill=[("rm1-virksomhedsbesoeg", f"{TODAY.year + 1}", 120)]),
         f"egne-tal-fremtid.xlsx, linje {own_line}, kolonne periode: '{TODAY.year + 1}' ligger efter dags dato"),
        ("egne-tal-ukendt-maal.xlsx", _own_template(fill=[("rm9-findes-ikke", "2022", 120)]),
         f"egne-tal-ukendt-maal.xlsx, linje {own_line}, kolonne mål: 'rm9-findes-ikke' er ikke et mål i planen "
         "alleroed-2022"),
    ]


CORPUS = BAD_FILES + _corpus_new()

WORKER = textwrap.dedent("""
    import hashlib, json, resource, sys, time
    from pathlib import Path
    from beskdash import exports, goals, imports, template
    from beskdash.store import ImportBusy, Store
    from beskdash.validate import ValidationFailed

    db, folder, out = sys.argv[1:4]
    names = json.loads(Path(folder, "names.json").read_text())
    results = {}
    with Store(db) as store:
        def state():
            return hashlib.sha256(exports.observations_csv(store.observations()).encode()).hexdigest(), \\
                len(store.imports())
        before = state()
        for i, name in enumerate(names):
            raw = Path(folder, f"{i:03d}").read_bytes()
            t0 = time.perf_counter()
            p = imports.preview_files(store, [(name, raw)])
            try:
                imports.apply_preview(store, p, "anna")
                refused = False
            except ValidationFailed:
                refused = True
            seconds = time.perf_counter() - t0
            results[name] = {"ok": p.ok, "refused": refused, "seconds": seconds,
                             "messages": [pr.message() for pr in p.problems],
                             "unchanged": state() == before,
                             "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    Path(out).write_text(json.dumps(results, ensure_ascii=False))
""")


@pytest.fixture(scope="module")
def outcomes(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    d = tmp_path_factory.mktemp("bad-inputs")
    db = d / "beskdash.duckdb"
    shutil.copy(built_db, db)
    folder = d / "files"
    folder.mkdir()
    for i, (_name, raw, _want) in enumerate(CORPUS):
        (folder / f"{i:03d}").write_bytes(raw)
    (folder / "names.json").write_text(json.dumps([n for n, _, _ in CORPUS], ensure_ascii=False))
    out = d / "results.json"
    r = subprocess.run([sys.executable, "-c", WORKER, str(db), str(folder), str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=280)
    assert r.returncode == 0, r.stderr
    return json.loads(out.read_text())


def test_the_corpus_has_sixty_files_with_distinct_names_and_messages() -> None:
    assert len(CORPUS) >= 60
    assert len({n for n, _, _ in CORPUS}) == len(CORPUS)
    assert len({w for _, _, w in CORPUS}) == len(CORPUS)


# dublet.csv repeats rows of the real AUK01 extract (../shared)
@pytest.mark.parametrize("name,want", [pytest.param(n, w, id=n, marks=needs_dst if n == "dublet.csv" else ())
                                       for n, _, w in CORPUS])
def test_bad_file_is_refused_cheaply_and_changes_nothing(outcomes: dict, name: str, want: str) -> None:
    o = outcomes[name]
    assert not o["ok"] and o["refused"]
    assert any(m.startswith(want) for m in o["messages"]), o["messages"]
    assert o["unchanged"]
    assert o["seconds"] <= MAX_SECONDS, f"{name} took {o['seconds']:.1f} s"
    assert o["peak_mb"] <= MAX_MB, f"peak {o['peak_mb']:.0f} MB by {name}"
    print(f"{name}: {o['seconds']:.2f} s, peak so far {o['peak_mb']:.0f} MB")


def test_spreadsheets_that_unpack_too_far_and_future_periods_are_refused_in_seconds(outcomes: dict) -> None:
    for name in ("raekker.xlsx", "raekke-nummer.xlsx", "udpakket.xlsx", "zipbombe.xlsx", "fremtid.csv",
                 "fremtid.xlsx", "naeste-kvartal.csv", "egne-tal-alleroed-2022.xlsx", "egne-tal-raekker.xlsx"):
        assert outcomes[name]["seconds"] < 5, (name, outcomes[name]["seconds"])


# --- the period rule -----------------------------------------------------------------------------

def test_a_period_is_refused_only_once_it_has_not_begun() -> None:
    today = date(2026, 12, 1)
    assert future_period("2026Q4", today) is None  # begun: a provisional figure may exist
    assert future_period("2026M12", today) is None
    assert future_period("2026", today) is None  # FOLK1A counts the population on the 1st of the period
    assert future_period("2027QMAT03", today) is None  # the moving year to 3rd quarter 2027 began in October 2026
    assert future_period("2027QMAT04", today) is not None
    assert future_period("2027M01", today) is not None
    assert future_period("2027Q1", today) is not None
    assert future_period("2027", today) is not None


def test_the_current_quarter_is_accepted(store: Store) -> None:
    q = f"{TODAY.year}Q{(TODAY.month - 1) // 3 + 1}"
    p = imports.preview_files(store, [("nu.csv", statbank(f"Gladsaxe;{BEN};Total;Age, total;{q};90"))])
    assert p.ok, p.message()


def test_limits_are_stated_against_the_upload_limit() -> None:
    assert xlsx.upload_limit_mb() == 50  # .streamlit/config.toml
    assert xlsx.MAX_UNPACKED == xlsx.UNPACK_MULTIPLE * 50 * 1024 * 1024
    assert delimited.MAX_COLUMNS == xlsx.MAX_COLUMNS


# --- one import at a time, and exactly what was previewed -----------------------------------------

def _export(store: Store) -> str:
    return exports.observations_csv(store.observations())


def _stall_apply(monkeypatch: pytest.MonkeyPatch, inside: threading.Event, release: threading.Event) -> None:
    original = Store._apply

    def stalled(self, cur, batch, username):  # rows written, transaction open, until released
        result = original(self, cur, batch, username)
        inside.set()
        release.wait(30)
        return result

    monkeypatch.setattr(Store, "_apply", stalled)


def test_a_second_confirmation_during_an_import_is_refused_at_once(store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    first = imports.preview_files(store, [("a.csv", statbank(f"Gladsaxe;{BEN};Total;Age, total;2026Q1;90"))])
    second = imports.preview_files(store, [("b.csv", statbank(f"Allerød;{BEN};Total;Age, total;2026Q1;31"))])
    inside, release = threading.Event(), threading.Event()
    _stall_apply(monkeypatch, inside, release)
    done: list[object] = []
    t = threading.Thread(target=lambda: done.append(imports.apply_preview(store, first, "anna")))
    t.start()
    try:
        assert inside.wait(30)
        t0 = time.perf_counter()
        with pytest.raises(imports.ImportInProgress, match="En anden import er i gang"):
            imports.apply_preview(store, second, "bo")
        assert time.perf_counter() - t0 < 2  # refused, not queued behind the first
        with pytest.raises(ImportBusy):  # an undo waits for no import either
            store.undo(1)
    finally:
        release.set()
        t.join(30)
    assert done and not t.is_alive()
    # the first import is written, and the second analyst's preview is now stale
    with pytest.raises(imports.PreviewStale, match="ændret, siden forhåndsvisningen"):
        imports.apply_preview(store, second, "bo")
    assert store.imports()["file_name"].iloc[0] == "a.csv"


def test_another_process_holding_the_import_lock_refuses_at_once(store: Store) -> None:
    p = imports.preview_files(store, [("a.csv", statbank(f"Gladsaxe;{BEN};Total;Age, total;2026Q1;90"))])
    before = _export(store)
    lock = store.path.with_name(store.path.name + ".import.lock")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, os, sys, time
        fd = os.open({str(lock)!r}, os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX)
        print("held", flush=True)
        sys.stdin.readline()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(imports.ImportInProgress, match="En anden import er i gang"):
            imports.apply_preview(store, p, "anna")
        assert _export(store) == before
    finally:
        holder.communicate("\n", timeout=30)
    assert imports.apply_preview(store, p, "anna")[0].import_id is not None


def test_two_analysts_confirming_at_once_get_what_they_previewed_or_a_refusal(store: Store) -> None:
    """Both previews are taken against the same data; they race to confirm. One is written exactly as
    previewed; the other is refused (busy, or changed since its preview), never applied on top unseen."""
    rows = {"anna": f"Gladsaxe;{BEN};Total;Age, total;2026Q1;90", "bo": f"Gladsaxe;{BEN};Total;Age, total;2026Q1;95"}
    previews = {u: imports.preview_files(store, [(f"{u}.csv", statbank(r))]) for u, r in rows.items()}
    assert previews["anna"].version == previews["bo"].version
    go = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def confirm(user: str) -> None:
        go.wait()
        try:
            imports.apply_preview(store, previews[user], user)
            outcome[user] = "written"
        except imports.PreviewStale as e:  # ImportInProgress is one
            outcome[user] = type(e).__name__

    threads = [threading.Thread(target=confirm, args=(u,)) for u in rows]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcome.values()).count("written") == 1, outcome
    winner = next(u for u, o in outcome.items() if o == "written")
    written = store.imports()[store.imports()["username"].isin(rows)]
    assert written["username"].tolist() == [winner]
    obs = store.observations(period_from="2026Q1", period_to="2026Q1")
    mine = obs[obs["import_id"] == written["id"].iloc[0]]
    assert mine["value"].tolist() == previews[winner].diff[f"{winner}.csv"].rows["new_value"].tolist()
    assert mine["value"].tolist() == [95.0 if winner == "bo" else 90.0]
