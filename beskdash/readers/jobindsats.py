"""jobindsats.dk → tidy frame: downloads as CSV or Excel, and saved API responses (v2 and v3).

A jobindsats table has one row per area and period, with dimensions such as Køn, Alder and
Herkomst (accepted only at their total) and one column per measure ("Antal personer",
"Antal fuldtidspersoner", "Fuldtidspersoner i pct. af …"). The benefit comes from the table
id (Y01A02 → a-dagpenge, via the taxonomy's labels) or from a benefit column. Y30R21, STAR's
benchmark of expected versus actual fuldtidspersoner, maps to measures of its own.

Numbers are read as jobindsats writes them, the Danish way (`1.234` is one thousand two
hundred and thirty-four, `12,6` a decimal); JSON numbers are taken as they are.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from beskdash import numbers, taxonomy
from beskdash.readers import delimited, xlsx
from beskdash.readers.base import Reader, ReadResult, Upload, empty, fail, register
from beskdash.store import SourceMeta
from beskdash.validate import Collector, Problem, parse_observed

BENCHMARK_TABLE = "Y30R21"
PUBLISHER = "Styrelsen for Arbejdsmarked og Rekruttering (STAR), jobindsats.dk"
LICENCE = "Fri brug med kildeangivelse: Jobindsats.dk"
ATTRIBUTION = "Kilde: Jobindsats.dk (STAR)"

# A table id as jobindsats writes it: Y01A02, y36a02, PTVA02, Y30R21.
TABLE_ID = re.compile(r"\b([A-Z]{1,4}\d{0,2}[A-Z]\d{2}|PTVA\d{2})\b", re.IGNORECASE)
AREA_COLS = {"område", "omraade", "area", "kommune", "geografi", "jobcenter"}
PERIOD_COLS = {"periode", "period", "tid", "time"}
BENEFIT_COLS = {"ydelse", "ydelser", "ydelsestype", "ydelsesgruppe", "ydelsesgrupper", "ygrp"}
# Values of a dimension that mean "everyone" (otherwise the row is one group of several).
TOTALS = {"i alt", "total", "alle", "begge køn", "alle aldre", "alle personer", "personer i alt"}


@dataclass
class _Table:
    """A table as read from any of the formats, before mapping: header and per-column cells."""

    header: list[str]
    columns: list[Any]  # pyarrow string arrays (CSV) or lists of cells (Excel, JSON)
    lines: np.ndarray  # where each row was, for the messages
    fmt: str
    hint_text: str = ""  # title lines, metadata: where a table id may be written


STRICT_ID = re.compile(r"\b([A-Z]\d{2}[A-Z]\d{2}|PTVA\d{2})\b", re.IGNORECASE)


def known_tables() -> list[str]:
    """The table ids the taxonomy maps to a benefit (Y01A02, …), and Y30R21."""
    ids = {lab.upper() for b in taxonomy.get().benefits.values() for lab in b.labels if STRICT_ID.fullmatch(lab)}
    return sorted(ids | {BENCHMARK_TABLE})


def is_total_label(value: str) -> bool:
    v = str(value).strip().casefold()
    return v in TOTALS or v.endswith(" i alt")


def find_table_id(*texts: str) -> str | None:
    for text in texts:
        for m in TABLE_ID.finditer(text or ""):
            tid = m.group(1).upper()
            if tid == BENCHMARK_TABLE or taxonomy.benefit_key_for(tid) is not None:
                return tid
    return None


def _role(name: str) -> str | None:
    n = str(name).strip().casefold()
    if n in AREA_COLS:
        return "area"
    if n in PERIOD_COLS:
        return "period"
    if n in BENEFIT_COLS:
        return "benefit"
    return None


def measure_for(column: str) -> str | None:
    """The measure a column holds: its label, or the part after "…: " (Y30R21's grouped labels)."""
    key = taxonomy.measure_key_for(column)
    if key is None and ":" in column:
        key = taxonomy.measure_key_for(column.rsplit(":", 1)[1])
    return key


def header_row(lines: list[list[str]]) -> int | None:
    """The first row naming both an area and a period column (title lines may come first)."""
    for i, cells in enumerate(lines):
        roles = {_role(c) for c in cells}
        if "area" in roles and "period" in roles:
            return i
    return None


# --- the formats -------------------------------------------------------------------------------

def sniff_csv(data: bytes) -> tuple[str, int] | None:
    """(delimiter, header line) of a jobindsats CSV, or None if no header is found."""
    head = delimited.head_lines(data, 30)
    for delim in (";", "\t", ","):
        rows = [next(csv.reader([line], delimiter=delim), []) for line in head]
        i = header_row(rows)
        if i is not None:
            return delim, i
    return None


def read_csv(raw: bytes, file_name: str, table: str | None = None) -> ReadResult:
    data, refused = delimited.prepare(raw, file_name)
    if refused:
        return ReadResult(empty(), [refused], None, "jobindsats-csv")
    found = sniff_csv(data)
    if found is None:
        return fail(file_name, "kan ikke finde overskriften — forventer kolonner som Område og Periode",
                     "jobindsats-csv")
    delim, hrow = found
    d = delimited.load(data, file_name, delim, hrow)
    hint = "\n".join(delimited.head_lines(data, hrow))
    t = _Table(d.header, d.columns, d.lines, "jobindsats-csv", hint)
    return _map(t, file_name, table, d.problems, text_values=True)


def read_excel(raw: bytes, file_name: str, table: str | None = None) -> ReadResult:
    """An .xlsx download: checked for its unpacked size and rows first, then streamed (openpyxl read-only)."""
    refused = xlsx.check(raw)
    if refused:
        return fail(file_name, refused, "jobindsats-xlsx")
    try:
        for sheet, rows in xlsx.sheets(raw):
            head = [r for _, r in zip(range(30), rows)]
            hrow = header_row([[_cell_text(v) for v in r] for r in head])
            if hrow is None:
                continue
            return _excel_table(head, rows, hrow, sheet, file_name, table)
    except Exception as e:  # openpyxl raises many kinds for a damaged workbook
        return fail(file_name, f"kan ikke læses som Excel-regneark ({type(e).__name__}: {str(e)[:120]})",
                    "jobindsats-xlsx")
    return fail(file_name, "kan ikke finde overskriften i regnearket — forventer kolonner som Område og Periode",
                "jobindsats-xlsx")


def _excel_table(head: list[tuple[Any, ...]], rest: Iterator[tuple[Any, ...]], hrow: int, sheet: str, file_name: str,
                 table: str | None) -> ReadResult:
    """The table below the header row `hrow`: empty rows dropped, notes below the table ("Kilde: …") cut."""
    header = [_cell_text(v).strip() for v in head[hrow]]
    keep = [j for j, h in enumerate(header) if h]
    cells: list[list[Any]] = [[] for _ in keep]
    lines: list[int] = []
    for n, r in enumerate(_chain(head[hrow + 1:], rest), start=hrow + 2):
        filled = [v for v in r if v is not None]
        if not filled:
            continue  # empty rows under the table (and between notes)
        # Notes below the table have text in the first column only: stop at them.
        if len(filled) == 1 and r[0] is not None and len(header) > 2:
            break
        for k, j in enumerate(keep):
            cells[k].append(r[j] if j < len(r) else None)
        lines.append(n)
    hint = " ".join(" ".join(_cell_text(v) for v in r) for r in head[:hrow]) + f" {sheet}"
    t = _Table([header[j] for j in keep], cells, np.asarray(lines, dtype=np.int64), "jobindsats-xlsx", hint)
    return _map(t, file_name, table, [], text_values=False)


def _chain(first: list[tuple[Any, ...]], rest: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    yield from first
    yield from rest


def read_api(doc: Any, file_name: str, table: str | None = None) -> ReadResult:
    """A saved API response: v2 (a list holding `Variables` and `Data`) or v3 (`columns` and `rows`)."""
    if isinstance(doc, list):
        fmt = "jobindsats-api-v2"
        parts = [p for p in doc if isinstance(p, dict)]
        if not parts or any("Variables" not in p or "Data" not in p for p in parts):
            return fail(file_name, "ligner et svar fra jobindsats' API v2, men mangler 'Variables' eller 'Data'", fmt)
        header = [str(v.get("Label") or v.get("Name") or "") if isinstance(v, dict) else str(v)
                  for v in parts[0]["Variables"]]
        rows = [r for p in parts for r in p["Data"]]
        hint = " ".join(str(p.get(k, "")) for p in parts for k in ("TableID", "Table", "TableId", "Id", "Name"))
    else:
        fmt = "jobindsats-api-v3"
        cols, rows = doc.get("columns"), doc.get("rows")
        if not isinstance(cols, list) or not isinstance(rows, list):
            return fail(file_name, "ligner et svar fra jobindsats' API v3, men mangler 'columns' eller 'rows'", fmt)
        header = [str(c.get("label") or c.get("name") or c.get("id") or "") if isinstance(c, dict) else str(c)
                  for c in cols]
        hint = " ".join(str(doc.get(k, "")) for k in ("table", "tableId", "table_id", "measurement", "id", "name"))
    problems: list[Problem] = []
    good: list[list[Any]] = []
    lines: list[int] = []
    for i, r in enumerate(rows, start=1):
        if not isinstance(r, list) or len(r) != len(header):
            n = len(r) if isinstance(r, list) else 0
            problems.append(Problem(file_name, i, None, json.dumps(r, ensure_ascii=False)[:80],
                                    f"har {n} værdier, men der er {len(header)} kolonner"))
            continue
        good.append(r)
        lines.append(i)
    if header_row([header]) is None:
        return fail(file_name, f"har ikke både en område- og en periodekolonne (kolonner: {', '.join(header)})", fmt)
    cols_cells = [[r[j] for r in good] for j in range(len(header))]
    t = _Table(header, cols_cells, np.asarray(lines, dtype=np.int64), fmt, hint)
    return _map(t, file_name, table, problems, text_values=False)


# --- mapping to the tidy frame ------------------------------------------------------------------

def _map(t: _Table, file_name: str, table: str | None, problems: list[Problem], text_values: bool) -> ReadResult:
    tid = (table.upper() if table else None) or find_table_id(t.hint_text) or find_table_id(file_name)
    roles = [_role(h) for h in t.header]
    i_area = roles.index("area")
    i_period = roles.index("period")
    i_ben = roles.index("benefit") if "benefit" in roles else None
    measures: list[tuple[int, str]] = []
    dims: list[int] = []
    c = Collector(file_name, t.lines)
    unknown_measure = False
    for j, (h, role) in enumerate(zip(t.header, roles)):
        if role is not None:
            continue
        m = measure_for(h)
        if m is not None:
            measures.append((j, m))
        elif _mostly_numbers(t.columns[j]):
            c.add("er ikke et kendt mål — kendte mål er fx 'Antal personer', 'Antal fuldtidspersoner' og "
                  "'Fuldtidspersoner i pct. af befolkningen 16-66 år'", column=h, order=j)
            unknown_measure = True
        else:
            dims.append(j)
    if not measures and not unknown_measure:
        c.add("har ingen kolonne med et kendt mål (fx 'Antal fuldtidspersoner')")

    if tid is not None and tid != BENCHMARK_TABLE and taxonomy.benefit_key_for(tid) is None:
        c.add("er ikke en kendt jobindsats-tabel", value=tid)
    elif tid is None and i_ben is None:
        other = [m.group(1).upper() for m in STRICT_ID.finditer(f"{t.hint_text} {file_name}")]
        if other:
            c.add("er ikke en jobindsats-tabel, beskdash kender — kendte tabeller: " + ", ".join(known_tables()),
                  value=other[0])
            tid = ""
    table_benefit = taxonomy.benefit_key_for(tid) if tid and tid != BENCHMARK_TABLE else None
    if tid == BENCHMARK_TABLE:
        table_benefit = "offentlig-forsoergelse-i-alt"  # Y30R21 without a group column: all benefits
    if i_ben is None and table_benefit is None and tid != "":
        c.add("kan ikke se, hvilken ydelse tallene gælder — filen nævner ingen jobindsats-tabel (fx Y01A02) og "
              "har ingen ydelseskolonne")
    n = len(t.lines)

    bad = np.zeros(n, dtype=bool)
    for order, j in enumerate(dims):
        codes, uniq = delimited.encode(_text_column(t.columns[j]))
        not_total = delimited.flags([not is_total_label(u) for u in uniq], codes)
        bad |= c.rows(not_total, 10 + order, t.header[j], "er ikke en total — kun 'I alt' kan indlæses for denne "
                      "dimension", delimited.label_of(uniq, codes))

    codes, uniq = delimited.encode(_text_column(t.columns[i_area]))
    labels = [u.strip() for u in uniq]
    area_codes = [taxonomy.area_code_for(lab) for lab in labels]
    skip_u = [a is None and taxonomy.is_not_area(lab) for a, lab in zip(area_codes, labels)]
    skip = delimited.flags(skip_u, codes)
    unknown = delimited.flags([a is None and not s for a, s in zip(area_codes, skip_u)], codes)
    hints = {u: taxonomy.closest_area(labels[u]) for u in range(len(labels)) if area_codes[u] is None}
    bad |= c.rows(unknown, 100, t.header[i_area], lambda r: "er ikke en kendt kommune eller et kendt område"
                  + (f" — mente du '{hints[codes[r]]}'?" if hints.get(codes[r]) else ""), lambda r: labels[codes[r]])
    area = delimited.take(area_codes, codes)
    skipped: dict[str, int] = {}
    if skip.any():
        counts = np.bincount(codes[skip], minlength=len(uniq))
        skipped = {labels[u]: int(k) for u, k in enumerate(counts) if k}

    if i_ben is not None:
        bcodes, buniq = delimited.encode(_text_column(t.columns[i_ben]))
        bkeys = [taxonomy.benefit_key_for(u) for u in buniq]
        unknown_b = delimited.flags([k is None for k in bkeys], bcodes) & ~skip
        bad |= c.rows(unknown_b, 200, t.header[i_ben], "er ikke en kendt ydelse", lambda r: buniq[bcodes[r]])
        benefit = delimited.take(bkeys, bcodes)
    else:
        benefit = pa.repeat(table_benefit, n) if table_benefit else pa.nulls(n, pa.string())

    pcodes, puniq = delimited.encode(_text_column(t.columns[i_period]))
    parsed, errors = parse_observed(puniq)
    bad_p = delimited.flags([e is not None for e in errors], pcodes) & ~skip
    bad |= c.rows(bad_p, 300, t.header[i_period], lambda r: errors[pcodes[r]] or "")
    period = delimited.take(parsed, pcodes)

    tid = tid or None
    source_key = f"jobindsats:{tid}" if tid else "jobindsats"
    parts = []
    for order, (j, mkey) in enumerate(measures):
        vals, bad_v = _values(t.columns[j], text_values)
        bad_v &= ~skip
        col = t.columns[j]
        bad |= c.rows(bad_v, 400 + order, t.header[j], "er ikke et tal", _cell_of(col))
        parts.append((mkey, t.header[j], vals))

    problems = c.problems(problems)
    keep = ~bad & ~skip
    mask = pa.array(keep)
    kept = int(keep.sum())
    base = pa.table({"area_code": area.filter(mask), "benefit": benefit.filter(mask),
                     "period": period.filter(mask)}).to_pandas() if n else None
    frames = []
    for mkey, col, vals in parts:
        if base is None:
            break
        f = base.copy()
        f.insert(2, "measure", mkey)
        f["value"] = vals[keep]
        f["source"] = source_key
        f["ref"] = None
        f["note"] = None
        f["line"] = t.lines[keep]
        f["value_column"] = col
        frames.append(f)
    frame = pd.concat(frames, ignore_index=True) if frames else empty()
    if kept == 0 and not problems:
        problems.append(Problem(file_name, None, None, None, "indeholder ingen rækker med data"))
    label = taxonomy.benefit_label(table_benefit) if table_benefit and tid != BENCHMARK_TABLE else None
    title = f"Jobindsats {tid}" if tid else "Jobindsats"
    if tid == BENCHMARK_TABLE:
        title += " (STAR's benchmark: forventet og faktisk antal på offentlig forsørgelse)"
    elif label:
        title += f" ({label}, fuldtidspersoner)"
    source = SourceMeta(source_key, title, PUBLISHER, LICENCE,
                        f"jobindsats.dk, tabel {tid}" if tid else "jobindsats.dk")
    return ReadResult(frame, problems, source, t.fmt, skipped,
                      {"area_code": t.header[i_area], "period": t.header[i_period]})


def _cell_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _cell_of(col: Any) -> Callable[[int], str]:
    """A measure column's cell as written, for the messages."""
    return lambda r: _cell_text(col[r]).strip()


def _text_column(col: Any) -> pa.Array:
    if isinstance(col, pa.Array | pa.ChunkedArray):
        return col
    return pa.array([_cell_text(v) for v in col], pa.string())


def _values(col: Any, text_values: bool) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of one measure column and the mask of cells that are not numbers."""
    if isinstance(col, pa.Array | pa.ChunkedArray):
        vals, bad, _sup = numbers.parse_column(col, "da")
        return vals, bad
    out = np.full(len(col), np.nan)
    bad = np.zeros(len(col), dtype=bool)
    for i, v in enumerate(col):
        if v is None or isinstance(v, bool):
            bad[i] = isinstance(v, bool)
            continue
        if isinstance(v, int | float | np.integer | np.floating):
            if np.isnan(v):
                continue
            if not np.isfinite(v):
                bad[i] = True
                continue
            out[i] = float(v)
            continue
        s = str(v).strip()
        if s in numbers.SUPPRESSED:
            continue
        try:
            out[i] = numbers.parse_da(s)
        except ValueError:
            bad[i] = True
    return out, bad


def _mostly_numbers(col: Any) -> bool:
    sample = col[:50] if not isinstance(col, pa.Array | pa.ChunkedArray) else col.slice(0, 50).to_pylist()
    vals = [v for v in sample if v is not None and str(v).strip() not in numbers.SUPPRESSED]
    if not vals:
        return False
    ok = 0
    for v in vals:
        if isinstance(v, int | float) and not isinstance(v, bool):
            ok += 1
            continue
        try:
            numbers.parse_da(str(v))
            ok += 1
        except ValueError:
            pass
    return ok * 2 >= len(vals)


def _sniff_api(u: Upload) -> bool:
    if u.kind != "json":
        return False
    doc = u.doc
    return (isinstance(doc, list) and bool(doc) and isinstance(doc[0], dict) and "Variables" in doc[0]) or (
        isinstance(doc, dict) and ("columns" in doc or "rows" in doc))


def _sniff_csv(u: Upload) -> bool:
    return u.kind == "text" and sniff_csv(u.text.encode("utf-8")) is not None


READERS = (
    register(Reader("jobindsats-xlsx", "jobindsats.dk-download (Excel)",
                    sniff=lambda u: u.kind == "zip" and "xl/workbook.xml" in _zip_names(u.raw),
                    read=lambda u, table: read_excel(u.raw, u.name, table), priority=40)),
    register(Reader("jobindsats-api", "gemt svar fra jobindsats' API (JSON)", sniff=_sniff_api,
                    read=lambda u, table: read_api(u.doc, u.name, table), priority=40,
                    variants={"jobindsats-api-v2": "gemt svar fra jobindsats' API v2 (JSON)",
                              "jobindsats-api-v3": "gemt svar fra jobindsats' API v3 (JSON)"})),
    register(Reader("jobindsats-csv", "jobindsats.dk-download (CSV)", sniff=_sniff_csv,
                    read=lambda u, table: read_csv(u.raw, u.name, table), priority=60)),
)


def _zip_names(raw: bytes) -> list[str]:
    try:
        return zipfile.ZipFile(io.BytesIO(raw)).namelist()
    except (zipfile.BadZipFile, ValueError):
        return []
