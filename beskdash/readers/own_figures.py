"""The municipality's own figures and the jobcenter's assessments → an own-figures frame.

Two spellings of one table: the template's sheet `Egne tal` (.xlsx, `python -m beskdash template`) and a
CSV with the same columns (`;`, UTF-8 or Windows-1252, Danish numbers `12,5`; `titel` and `enhed` may be
left out, and a file without a header row is read in the template's column order). Rows with neither a
value, an assessment nor a note are skipped: a template comes back with the rows not yet known empty.

Every row is checked against the plans (the goal must take an own figure or an assessment for that
period, `template.goal_periods`; a figure, unlike an assessment, not for a period that has not begun,
`validate.future_period`), and every problem names file, row and column. A workbook goes through
`xlsx.check` and `xlsx.sheets`, the guarded path of every spreadsheet reader. The frame is keyed on
(plan, goal_id, period), not on a plan version, so entered figures survive a new version of the plan.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from contextlib import closing
from dataclasses import dataclass, field

import pandas as pd

from beskdash import numbers, periods, plan_versions, template
from beskdash.plans import Plan
from beskdash.readers import delimited, xlsx
from beskdash.readers.base import Reader, ReadResult, Upload, empty, register
from beskdash.store import SourceMeta
from beskdash.validate import Problem, future_period

FORMAT = "egne-tal"
FORMAT_XLSX = "egne-tal-xlsx"
FORMAT_CSV = "egne-tal-csv"
LABELS = {FORMAT_XLSX: "egne tal og vurderinger (Excel-skabelon)", FORMAT_CSV: "egne tal og vurderinger (CSV)"}
FRAME_COLUMNS = ["plan", "goal_id", "period", "value", "assessment", "note", "line"]
SOURCE_PREFIX = "egne:"  # the import history's source key: egne:<plan>


@dataclass
class OwnFigures:
    frame: pd.DataFrame  # FRAME_COLUMNS: one row per (plan, goal_id, period) that carries something
    problems: list[Problem]
    fmt: str
    skipped: int = 0  # empty template rows
    plans: list[str] = field(default_factory=list)  # the plans the rows belong to, in file order


# --- sniffing ------------------------------------------------------------------------------------

def _norm(cells: list[str]) -> list[str]:
    return [str(c or "").strip().lstrip("\ufeff").lower() for c in cells]


# beskdash's own export of the figures adds who entered them; read back, those columns are ignored.
PROVENANCE_COLUMNS = ["indtastet_af", "indtastet", "fil", "import"]


def is_header(cells: list[str]) -> bool:
    """A header of the template's columns (the descriptive `titel` and `enhed` optional)."""
    cols = _norm(cells)
    while cols and cols[-1] == "":
        cols.pop()
    allowed = set(template.COLUMNS) | set(PROVENANCE_COLUMNS)
    return set(template.REQUIRED_COLUMNS) <= set(cols) <= allowed and len(set(cols)) == len(cols)


def sniff_csv(first_line: str, plan_ids: set[str] | None = None) -> bool:
    """The first line of a `;`-separated own-figures file: its header, or (without one) a first
    row that starts with a known plan id and has the template's 6 or 8 fields."""
    cells = first_line.rstrip("\r\n").split(";")
    if is_header(cells):
        return True
    ids = plan_ids if plan_ids is not None else set(_plans())
    return len(cells) in (len(template.REQUIRED_COLUMNS), len(template.COLUMNS)) and cells[0].strip() in ids


def sniff_xlsx(raw: bytes) -> bool:
    """An .xlsx with a sheet named like the template's (without opening the whole workbook)."""
    try:  # a hostile zip (encrypted, a bomb, a damaged member) is no template: only the head is read
        with zipfile.ZipFile(io.BytesIO(raw)) as z, z.open("xl/workbook.xml") as f:
            wb = f.read(256 * 1024).decode("utf-8", errors="replace")
    except Exception:  # zipfile raises many kinds (BadZipFile, KeyError, RuntimeError, zlib.error, …)
        return False
    return f'name="{template.SHEET}"' in wb


# --- reading -------------------------------------------------------------------------------------

def read(raw: bytes, file_name: str, plans: dict[str, Plan] | None = None) -> OwnFigures:
    """Either spelling (told apart by content) → frame and every problem at once."""
    if raw.startswith(b"PK\x03\x04"):
        return read_xlsx(raw, file_name, plans)
    return read_csv(raw, file_name, plans)


def read_csv(raw: bytes, file_name: str, plans: dict[str, Plan] | None = None) -> OwnFigures:
    text, _enc = delimited.decode(raw)
    lines = text.lstrip("\ufeff").splitlines()
    records = list(csv.reader(lines, delimiter=";"))
    while records and not any(c.strip() for c in records[-1]):
        records.pop()
    if not records:
        return OwnFigures(_empty(), [Problem(file_name, None, None, None, "er tom")], FORMAT_CSV)
    if is_header(records[0]):
        header, body, first = _norm(records[0]), records[1:], 2
    else:
        n = len(records[0])
        header = list(template.COLUMNS if n == len(template.COLUMNS) else template.REQUIRED_COLUMNS)
        body, first = records, 1
    while header and header[-1] == "":
        header.pop()
    problems: list[Problem] = []
    cells: list[tuple[int, dict[str, object]]] = []
    for i, rec in enumerate(body, start=first):
        if not any(c.strip() for c in rec):
            continue
        if len(rec) < len(header) or any(c.strip() for c in rec[len(header):]):
            problems.append(Problem(file_name, i, None, ";".join(rec)[:80],
                                    f"har {len(rec)} felter, men overskriften har {len(header)} — "
                                    "er filen skilt med semikolon (;)?"))
            continue
        cells.append((i, dict(zip(header, rec))))
    return _check(file_name, FORMAT_CSV, cells, problems, plans, text_numbers=True)


def read_xlsx(raw: bytes, file_name: str, plans: dict[str, Plan] | None = None) -> OwnFigures:
    """The template's sheet, through the guarded workbook path every spreadsheet reader shares:
    `xlsx.check` (zip directory: unpacked size, ratio, rows, encryption) first, then streamed rows."""
    def fail(why: str, line: int | None = None) -> OwnFigures:
        return OwnFigures(_empty(), [Problem(file_name, line, None, None, why)], FORMAT_XLSX)

    refused = xlsx.check(raw)
    if refused:
        return fail(refused)
    cells: list[tuple[int, dict[str, object]]] = []
    try:
        with closing(xlsx.sheets(raw)) as books:  # closing: the workbook is closed however we leave
            sheet = next((rows for title, rows in books if title == template.SHEET), None)
            if sheet is None:
                return fail(f"har intet ark '{template.SHEET}' — brug skabelonen fra python -m beskdash template")
            head = next(sheet, None)
            if head is None or not is_header([str(c or "") for c in head]):
                return fail(f"arket '{template.SHEET}' skal have overskriften {' | '.join(template.COLUMNS)}", 1)
            header = _norm([str(c or "") for c in head])
            for i, rec in enumerate(sheet, start=2):
                if all(c is None or str(c).strip() == "" for c in rec):
                    continue
                cells.append((i, {h: v for h, v in zip(header, rec) if h}))
    except Exception as e:  # openpyxl raises many types for a damaged file
        return fail(f"kan ikke læses som Excel-fil ({type(e).__name__})")
    return _check(file_name, FORMAT_XLSX, cells, [], plans, text_numbers=False)


def _check(file_name: str, fmt: str, cells: list[tuple[int, dict[str, object]]], problems: list[Problem],
           plans: dict[str, Plan] | None, text_numbers: bool) -> OwnFigures:
    plans = plans if plans is not None else _plans()
    out: list[tuple] = []
    skipped = 0
    seen: dict[tuple[str, str, str], int] = {}
    used_plans: list[str] = []

    def bad(line: int, column: str, value: object, why: str) -> None:
        problems.append(Problem(file_name, line, column, None if value is None else str(value), why))

    for line, row in cells:
        plan_id, goal_id = _text(row.get("plan")), _text(row.get("mål"))
        raw_value, raw_assessment, note = row.get("værdi"), _text(row.get("vurdering")), _text(row.get("note"))
        has_value = not (raw_value is None or str(raw_value).strip() == "")
        if not has_value and not raw_assessment and not note:
            skipped += 1  # a template row not filled in (yet)
            continue
        plan = plans.get(plan_id)
        if plan is None:
            bad(line, "plan", plan_id, f"er ikke en kendt plan (kendte: {', '.join(sorted(plans))})")
            continue
        goal = next((g for g in plan.goals if g.id == goal_id), None)
        if goal is None:
            bad(line, "mål", goal_id, f"er ikke et mål i planen {plan_id}")
            continue
        kind = template.evidence_kind(goal)
        if kind == template.SERIES:
            bad(line, "mål", goal_id, "følges af en dataserie i beskdash og tager ikke egne tal — importér "
                                      "serien (fx fra jobindsats.dk) i stedet")
            continue
        allowed = [p for p, _ in template.goal_periods(plan, goal)]
        try:
            period = periods.parse_period(_text(row.get("periode")))
        except periods.PeriodError as e:
            bad(line, "periode", None, str(e))
            continue
        future = future_period(period) if kind == template.OWN and has_value else None
        if future:  # validate's rule for every observed figure; an assessment is a judgement, not one
            bad(line, "periode", period, future)
            continue
        if period not in allowed:
            bad(line, "periode", period, f"er ikke en periode, målet {goal_id} tager — brug "
                                         f"{' eller '.join(allowed)}")
            continue
        ok = True
        value = None
        if kind == template.ASSESSMENT:
            if has_value:
                bad(line, "værdi", raw_value, "er et tal, men målet er kvalitativt — skriv en vurdering "
                                              f"({', '.join(template.ASSESSMENTS)}) og en note i stedet")
                ok = False
            if raw_assessment and raw_assessment.lower() not in template.ASSESSMENTS:
                bad(line, "vurdering", raw_assessment, f"skal være {', '.join(template.ASSESSMENTS[:-1])} "
                                                       f"eller {template.ASSESSMENTS[-1]}")
                ok = False
            elif not raw_assessment and ok:
                bad(line, "vurdering", None, "mangler — et kvalitativt mål vurderes med nået, på vej eller "
                                             "ikke på vej (noten alene er ingen vurdering)")
                ok = False
        else:
            if raw_assessment:
                bad(line, "vurdering", raw_assessment, f"er en vurdering, men målet måles i {template.unit(goal)} "
                                                       "— skriv tallet i kolonnen værdi")
                ok = False
            if not has_value:
                if ok:
                    bad(line, "værdi", None, f"mangler — skriv tallet i {template.unit(goal)}")
                ok = False
            else:
                value = _number(raw_value, text_numbers)
                if value is None:
                    bad(line, "værdi", raw_value, "er ikke et tal — skriv fx 12 eller 12,5 (komma som decimaltegn)")
                    ok = False
                elif template.is_share(goal) and not 0 <= value <= 100:
                    bad(line, "værdi", raw_value, "er en andel uden for 0–100 — skriv andelen i procent "
                                                  "(57 betyder 57 %)")
                    ok = False
                elif value < 0 and not template.is_share(goal):
                    bad(line, "værdi", raw_value, "er negativ — et antal kan ikke være under 0")
                    ok = False
        key = (plan_id, goal_id, period)
        if key in seen:
            bad(line, "periode", period, f"gentager målet {goal_id} for samme periode (se række {seen[key]})")
            continue
        seen[key] = line
        if not ok:
            continue
        if plan_id not in used_plans:
            used_plans.append(plan_id)
        out.append((plan_id, goal_id, period, value, raw_assessment.lower() or None, note or None, line))
    frame = pd.DataFrame(out, columns=FRAME_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    if not out and not problems:
        problems.append(Problem(file_name, None, None, None, "har ingen udfyldte rækker — skriv en værdi eller "
                                                             "en vurdering i mindst én række"))
    return OwnFigures(frame, problems, fmt, skipped, used_plans)


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # a period typed as the number 2022
    return str(v).strip()


def _number(v: object, text_numbers: bool) -> float | None:
    """A cell's number: Excel's own numbers as they are; text as Danish (`12,5`, `1.234`), a trailing
    `%` allowed. `12.5` is refused rather than guessed (in Danish, '.' groups thousands)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float) and not text_numbers:
        return None if math.isnan(v) else float(v)
    s = str(v).strip().removesuffix("%").strip()
    try:
        return numbers.parse_da(s)
    except ValueError:
        return None


def _plans() -> dict[str, Plan]:
    return plan_versions.current()  # the plans as the engine reads them (goals.plans)


# --- registration --------------------------------------------------------------------------------

def _sniff(u: Upload) -> bool:
    if u.kind == "zip":
        return sniff_xlsx(u.raw)
    return u.kind == "text" and sniff_csv(u.first_line)


def _read(u: Upload, table: str | None) -> ReadResult:
    res = read(u.raw, u.name)
    sources = {f"{SOURCE_PREFIX}{p}": SourceMeta(f"{SOURCE_PREFIX}{p}", f"Egne tal og vurderinger ({p})",
                                                  kind="own-figures") for p in res.plans}
    frame = res.frame if not res.problems else res.frame.iloc[0:0]
    return ReadResult(empty(), res.problems, None, res.fmt, sources=sources, goal_figures=frame)


READER = register(Reader(FORMAT, "egne tal og vurderinger", sniff=_sniff, read=_read, priority=20,
                         variants=LABELS))


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=FRAME_COLUMNS)
