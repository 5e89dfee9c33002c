"""Excel workbooks (.xlsx), opened at a bounded cost: shared by every reader of spreadsheets.

An .xlsx is a zip of XML. Before anything is parsed, `check` reads the zip directory and refuses a
workbook that is encrypted, unpacks beyond UNPACK_MULTIPLE × the upload limit, compresses like a zip
bomb, or whose sheets hold more rows than Excel allows (counted by streaming each sheet's XML through
the decompressor, never holding it). `sheets` then streams rows with openpyxl's read-only mode.
"""

from __future__ import annotations

import io
import re
import tomllib
import zipfile
from collections.abc import Generator, Iterator
from typing import Any

from beskdash import fmt
from beskdash.paths import ROOT

MAX_ROWS = 1_048_576  # Excel's own limit per sheet
MAX_COLUMNS = 1_000  # far beyond any table beskdash reads (Excel allows 16.384): the CSV limit too
UNPACK_MULTIPLE = 4  # a workbook may unpack to this many times the upload limit, all entries together
MAX_RATIO = 200  # compression ratio above which an entry (of over 1 MB unpacked) is taken for a zip bomb
CHUNK = 1 << 20


def upload_limit_mb() -> int:
    """Streamlit's `server.maxUploadSize` (MB) from .streamlit/config.toml; Streamlit's default 200 without it."""
    path = ROOT / ".streamlit" / "config.toml"
    conf = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return int(conf.get("server", {}).get("maxUploadSize", 200))


MAX_UNPACKED = UNPACK_MULTIPLE * upload_limit_mb() * 1024 * 1024

_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ROW_NUMBER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\sr=\"(\d+)\"")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\sref=\"[A-Z]*\d*:?([A-Z]*)(\d*)\"")


def is_encrypted_ooxml(raw: bytes) -> bool:
    """A password-protected .xlsx is not a zip but an OLE container holding `EncryptedPackage`."""
    return raw.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in raw


def check(raw: bytes) -> str | None:
    """Why the workbook may not be opened (Danish), or None; costs the zip directory and one streamed pass."""
    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
        infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        return "er en ødelagt zip-/Excel-fil — hent den igen"
    limit_mb = MAX_UNPACKED // (1024 * 1024)
    if any(i.flag_bits & 0x1 for i in infos):
        return "er krypteret (beskyttet med adgangskode) — gem den uden adgangskode, og upload den igen"
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        return (f"pakker ud til {fmt.number(total / 1024 / 1024, decimals=0)} MB — mere end grænsen på "
                f"{fmt.number(limit_mb)} MB ({UNPACK_MULTIPLE} gange uploadgrænsen); gem kun tabellen, "
                "eller gem den som CSV")
    for i in infos:
        if i.file_size > CHUNK and i.file_size > MAX_RATIO * max(1, i.compress_size):
            return (f"er pakket {fmt.number(i.file_size / max(1, i.compress_size), decimals=0)} gange sammen "
                    f"({i.filename}) — sådan ser en zip-bombe ud, ikke et regneark")
    for n, info in enumerate(i for i in infos if re.fullmatch(r"xl/worksheets/[^/]+\.xml", i.filename)):
        why = _check_sheet(z, info)
        if why:
            return f"har i ark nr. {n + 1} {why}"
    return None


def _check_sheet(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    too_many = (f"mere end {fmt.number(MAX_ROWS)} rækker, som er det største antal, Excel tillader — "
                "filen er ikke et udtræk, beskdash kan læse")
    rows = highest = 0
    tail = b""
    first = True
    try:
        with z.open(info) as f:
            while chunk := f.read(CHUNK):
                buf = tail + chunk
                if first:
                    first = False
                    d = _DIMENSION.search(buf[:4096])
                    if d and d.group(2) and int(d.group(2)) > MAX_ROWS:
                        return too_many
                    if d and d.group(1) and _column_number(d.group(1).decode()) > MAX_COLUMNS:
                        return f"mere end {fmt.number(MAX_COLUMNS)} kolonner — gem kun tabellen"
                cut = buf.rfind(b"<")
                body, tail = (buf[:cut], buf[cut:]) if cut > 0 else (buf, b"")
                rows += len(_ROW.findall(body))
                nums = _ROW_NUMBER.findall(body)
                if nums:
                    highest = max(highest, max(int(x) for x in nums))
                if rows > MAX_ROWS or highest > MAX_ROWS:
                    return too_many
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as e:  # a damaged or encrypted entry
        return f"en ødelagt del ({type(e).__name__}) — hent filen igen"
    return None


def _column_number(letters: str) -> int:
    n = 0
    for c in letters:
        n = n * 26 + ord(c) - 64
    return n


def sheets(raw: bytes) -> Generator[tuple[str, Iterator[tuple[Any, ...]]], None, None]:
    """(sheet title, its rows as tuples of cell values, from row 1) for each sheet; call `check` first.

    Empty cells and empty strings are None, as pandas read them. Rows are cut at MAX_COLUMNS (a sheet
    whose dimension is wider was refused by `check`; without a dimension openpyxl pads nothing).
    """
    import openpyxl  # deferred: a heavy library only spreadsheet uploads need; every page imports this module

    wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            yield ws.title, _rows(ws)
    finally:
        wb.close()


def _rows(ws: Any) -> Iterator[tuple[Any, ...]]:
    for row in ws.iter_rows(min_row=1, values_only=True):
        yield tuple(None if v == "" else v for v in row[:MAX_COLUMNS])
