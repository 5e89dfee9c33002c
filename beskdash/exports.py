"""Files for download and for the CLI: observations as CSV or JSON, deterministic; comparisons as
machine CSV/JSON, as CSV for Danish Excel and XLSX, and charts as PNG and SVG, each carrying its
source and licence."""

from __future__ import annotations

import csv
import io
import json
import math
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from beskdash import compare, fmt, taxonomy
from beskdash.periods import sort_key

if TYPE_CHECKING:
    from beskdash.store import Store

EXPORT_COLUMNS = ["area_code", "area_name", "benefit", "measure", "period", "value", "source"]


def machine_number(v: float | None) -> str:
    """`856`, `2.4`, '' for missing: shortest exact text, no float noise."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def _ordered(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["source", "area_code", "benefit", "measure", "period_end", "period"],
                          kind="stable")[EXPORT_COLUMNS]


def observations_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(EXPORT_COLUMNS)
    for row in _ordered(df).itertuples(index=False):
        w.writerow([*row[:5], machine_number(row[5]), row[6]])
    return buf.getvalue()


def observations_json(df: pd.DataFrame) -> str:
    records = []
    for row in _ordered(df).itertuples(index=False):
        v = row[5]
        value = None if v is None or (isinstance(v, float) and math.isnan(v)) else (
            int(v) if float(v).is_integer() else float(v))
        records.append(dict(zip(EXPORT_COLUMNS, [*row[:5], value, row[6]])))
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


# --- Comparisons: machine CSV/JSON for the CLI ---------------------------------------------------

COMPARISON_COLUMNS = ["area_code", "area_name", "period", "value", "source"]
DENOMINATOR_COLUMNS = ["numerator", "population", "population_date", "population_source"]


def _comparison_rows(comp: Any) -> tuple[list[str], list[list[Any]]]:
    """`beskdash.compare.Comparison` → header and rows: the four columns the issue names, the source,
    the stated denominator when the values are per capita, and why a value is missing."""
    cols = [*COMPARISON_COLUMNS, *(DENOMINATOR_COLUMNS if comp.denominator else []), "gap"]
    f = comp.frame
    return cols, [[r[c] for c in cols] for r in f.to_dict("records")]


def _json_value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float | int) and not isinstance(v, bool):
        return int(v) if float(v).is_integer() else float(v)
    return v


def comparison_csv(comp: Any) -> str:
    cols, rows = _comparison_rows(comp)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for row in rows:
        w.writerow([machine_number(v) if isinstance(v, float | int) else ("" if v is None else v) for v in row])
    return buf.getvalue()


def comparison_json(comp: Any) -> str:
    cols, rows = _comparison_rows(comp)
    return json.dumps([dict(zip(cols, map(_json_value, row))) for row in rows], ensure_ascii=False, indent=1) + "\n"


# --- Files for people: Danish Excel CSV, XLSX, chart PNG/SVG ------------------------------------

@dataclass(frozen=True)
class Document:
    """What is on screen, for download: a title, the table (numbers as numbers), and the notes every
    file carries (source and licence, period, denominator, missing values)."""

    title: str
    table: pd.DataFrame
    notes: tuple[str, ...]


# A cell Excel would run as a formula (or DDE) if it began with one of these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(s: str) -> str:
    """Text that Excel shows as text: a leading formula character is neutralised by an apostrophe."""
    return "'" + s if s.startswith(_FORMULA_START) else s


def da_number(v: float) -> str:
    """The exact value with a decimal comma and no thousands separator, as Danish Excel reads it."""
    s = machine_number(v)
    if "e" in s:  # repr's scientific notation is not read by Excel as a number
        s = f"{float(v):.15f}".rstrip("0").rstrip(".")
    return s.replace(".", ",")


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def source_lines(store: Store, source_keys: list[str], periods: list[str] | None = None) -> list[str]:
    """`Kilde: …` with publisher and licence per source, and the data's period, as every export says it."""
    src = store.sources().set_index("key")
    parts = []
    for k in dict.fromkeys(source_keys):
        if k not in src.index:
            parts.append(k)
            continue
        r = src.loc[k]
        title = str(r["title"])
        pub = r["publisher"] if isinstance(r["publisher"], str) and r["publisher"] not in title else None
        lic = f" (licens: {r['licence']})" if isinstance(r["licence"], str) and r["licence"] else ""
        parts.append(f"{pub + ', ' if pub else ''}{title}{lic}")
    lines = ["Kilde: " + "; ".join(parts) + "."] if parts else []
    if periods:
        ps = sorted(set(periods), key=sort_key)
        lines.append(f"Periode: {fmt.period(ps[0])}" + (f" – {fmt.period(ps[-1])}" if len(ps) > 1 else "") + ".")
    return lines


def excel_csv(doc: Document) -> bytes:
    """CSV for Danish Excel: `;`, decimal comma, UTF-8 with BOM; title first, notes under the table."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow([safe_text(doc.title)])
    w.writerow([])
    w.writerow([safe_text(str(c)) for c in doc.table.columns])
    for row in doc.table.itertuples(index=False):
        w.writerow([_excel_cell(v) for v in row])
    w.writerow([])
    for note in doc.notes:
        w.writerow([safe_text(note)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _excel_cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    if _is_number(v):
        return da_number(v)
    return safe_text(str(v))


def xlsx(doc: Document) -> bytes:
    """The same as `excel_csv` as an Excel workbook: numbers are numbers, text is never a formula."""
    # deferred: openpyxl is loaded only when a workbook is asked for
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    wb.properties.title = doc.title
    wb.properties.description = " ".join(doc.notes)
    wb.properties.creator = "beskdash"
    ws.cell(1, 1, safe_text(doc.title)).font = Font(bold=True, size=12)
    header_row = 3
    for j, c in enumerate(doc.table.columns, start=1):
        ws.cell(header_row, j, safe_text(str(c))).font = Font(bold=True)
        ws.column_dimensions[ws.cell(header_row, j).column_letter].width = max(12, min(40, len(str(c)) + 2))
    for i, row in enumerate(doc.table.itertuples(index=False), start=header_row + 1):
        for j, v in enumerate(row, start=1):
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                continue
            if _is_number(v):
                cell = ws.cell(i, j, float(v))
                cell.number_format = "#,##0" if float(v).is_integer() else "#,##0.0###"
            else:
                ws.cell(i, j, safe_text(str(v)))
    r = header_row + len(doc.table) + 2
    for note in doc.notes:
        ws.cell(r, 1, safe_text(note))
        r += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _with_footer(chart: Any, notes: tuple[str, ...], width: int = 720) -> dict:
    """The chart's Vega-Lite spec with the notes (source, licence, period) printed under it."""
    spec = chart.to_dict()
    top = {k: spec.pop(k) for k in ("$schema", "config", "datasets") if k in spec}
    if not isinstance(spec.get("width"), int | float):
        spec["width"] = width - 120
    lines = [part for note in notes for part in textwrap.wrap(note, 110)]
    footer = {
        "data": {"values": [{"i": i, "t": t} for i, t in enumerate(lines)]},
        "mark": {"type": "text", "align": "left", "baseline": "top", "fontSize": 10, "color": "#333333"},
        "encoding": {"text": {"field": "t", "type": "nominal"},
                     "y": {"field": "i", "type": "ordinal", "axis": None},
                     "x": {"value": 0}},
        "width": spec["width"], "height": 14 * max(1, len(lines)),
    }
    config = dict(top.get("config", {}))
    config["view"] = {**config.get("view", {}), "stroke": None}
    return {**top, "config": config, "background": "white", "vconcat": [spec, footer], "spacing": 16}


def chart_svg(chart: Any, notes: tuple[str, ...]) -> str:
    import vl_convert as vlc  # deferred: the Vega renderer is heavy and only exports need it

    return vlc.vegalite_to_svg(_with_footer(chart, notes))


def chart_png(chart: Any, notes: tuple[str, ...], scale: float = 2) -> bytes:
    import vl_convert as vlc  # deferred: the Vega renderer is heavy and only exports need it

    return vlc.vegalite_to_png(_with_footer(chart, notes), scale=scale)


def comparison_document(store: Store, comp: Any) -> Document:
    """The Sammenligning view as a document: the chart's title, the table under it, its notes."""
    notes = [*source_lines(store, list(comp.sources), list(comp.periods))]
    if comp.denominator:
        notes.append(comp.denominator)
    notes.extend(comp.notes)
    notes.extend(compare.gaps(comp))
    return Document(compare.title(comp) + f" ({comp.unit})", compare.wide_table(comp), tuple(notes))


def ranking_document(store: Store, r: Any) -> Document:
    notes = [*source_lines(store, list(r.sources), [r.previous, r.period])]
    if r.denominator:
        notes.append(r.denominator)
    notes.extend(r.notes)
    notes.append("Placering 1 er " + ("lavest." if r.lower_is_better else "højest."))
    title = (f"{taxonomy.benefit_label(r.benefit)}: alle kommuner, {fmt.period(r.period)} ({r.unit})")
    return Document(title, compare.ranking_table(r), tuple(notes))


# --- Own figures and assessments, with provenance -------------------------------------------------

OWN_FIGURE_COLUMNS = ["plan", "mål", "periode", "værdi", "vurdering", "note", "indtastet_af", "indtastet", "fil",
                      "import"]


def goal_figures_csv(df: pd.DataFrame) -> str:
    """`Store.goal_figures()` as the own-figures CSV (`;`, Danish numbers) with who entered each figure, when
    (ISO time), from which file and in which import; importing the file again changes nothing."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(OWN_FIGURE_COLUMNS)
    for r in df.sort_values(["plan", "goal_id", "period"], kind="stable").itertuples(index=False):
        value = "" if pd.isna(r.value) else machine_number(r.value).replace(".", ",")
        w.writerow([r.plan, r.goal_id, r.period, value, "" if pd.isna(r.assessment) else r.assessment,
                    "" if pd.isna(r.note) else r.note, r.username, pd.Timestamp(r.imported_at).isoformat(),
                    r.file_name, int(r.import_id)])
    return buf.getvalue()


def goal_figures_json(df: pd.DataFrame) -> str:
    records = [{"plan": r.plan, "goal_id": r.goal_id, "period": r.period,
                "value": None if pd.isna(r.value) else _json_value(r.value),
                "assessment": None if pd.isna(r.assessment) else r.assessment,
                "note": None if pd.isna(r.note) else r.note, "entered_by": r.username,
                "entered_at": pd.Timestamp(r.imported_at).isoformat(), "file_name": r.file_name,
                "import_id": int(r.import_id)}
               for r in df.sort_values(["plan", "goal_id", "period"], kind="stable").itertuples(index=False)]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
