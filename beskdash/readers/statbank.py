"""StatBank (Danmarks Statistik) CSV exports → tidy frame.

Handles the English and the Danish export alike: `;`-separated, UTF-8 with BOM or
Windows-1252, quarters `2019Q4`/`2019K4`, months `2019M12`, `..` for suppressed values.
Extra dimensions (KØN, ALDER, CIVILSTAND, …) are accepted only at their total.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import pandas as pd

from beskdash import numbers, periods, taxonomy
from beskdash.store import SourceMeta
from beskdash.validate import Problem

TOTAL_LABELS = {"total", "i alt", "alder i alt", "age, total", "køn i alt", "begge køn", "civilstand i alt"}
AREA_COLS = {"OMRÅDE", "OMRADE", "REGION", "KOMK", "OMR"}
BENEFIT_COLS = {"YDELSESTYPE", "YDELSE"}
TIME_COLS = {"TID", "TIME"}
VALUE_COLS = {"INDHOLD", "CONTENT"}
LICENCE = "CC BY 4.0"
ATTRIBUTION = "Kilde: Danmarks Statistik, CC BY 4.0"


@dataclass
class ReadResult:
    frame: pd.DataFrame  # tidy: area_code, benefit, measure, period, value, source, ref, note, line
    problems: list[Problem]
    source: SourceMeta | None
    fmt: str
    skipped: dict[str, int] = field(default_factory=dict)  # label → rows skipped (non-areas)


def decode(raw: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252"), "cp1252"


def looks_like_statbank(text: str) -> bool:
    first = text.split("\n", 1)[0].strip().lstrip("\ufeff").upper()
    cols = [c.strip() for c in first.split(";")]
    return bool(cols) and cols[-1] in VALUE_COLS and any(c in TIME_COLS for c in cols) and len(cols) >= 3


def read(raw: bytes, file_name: str, table: str | None = None) -> ReadResult:
    """Parse a StatBank CSV export. `table` overrides detection (the fetcher knows it)."""
    text, _enc = decode(raw)
    problems: list[Problem] = []
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        return ReadResult(_empty(), [Problem(file_name, None, None, None, "er tom")], None, "statbank-csv")
    header = [c.strip().upper() for c in rows[0]]
    try:
        i_area = next(i for i, c in enumerate(header) if c in AREA_COLS)
        i_time = next(i for i, c in enumerate(header) if c in TIME_COLS)
        i_val = next(i for i, c in enumerate(header) if c in VALUE_COLS)
    except StopIteration:
        return ReadResult(_empty(), [Problem(file_name, 1, None, ";".join(rows[0])[:80],
                          "er ikke en StatBank-overskrift (forventer OMRÅDE, TID og INDHOLD)")],
                          None, "statbank-csv")
    i_ben = next((i for i, c in enumerate(header) if c in BENEFIT_COLS), None)
    extra = [i for i in range(len(header)) if i not in {i_area, i_time, i_val, i_ben}]
    danish = _is_danish(rows[1:50], i_area, i_time, extra)
    parse_value = numbers.parse_da if danish else numbers.parse_en

    out: list[tuple] = []
    skipped: dict[str, int] = {}
    period_kinds: set[str] = set()
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            why = (f"har {len(row)} felter, men overskriften har {len(header)} "
                   "— er filen afkortet eller skilt med et andet tegn end semikolon?")
            problems.append(Problem(file_name, n, None, ";".join(row)[:80], why))
            continue
        bad = False
        for i in extra:
            if row[i].strip().casefold() not in TOTAL_LABELS:
                problems.append(Problem(file_name, n, rows[0][i].strip(), row[i],
                                        "er ikke en total — kun 'I alt'/'Total' kan indlæses for denne dimension"))
                bad = True
        label = row[i_area].strip()
        code = taxonomy.area_code_for(label)
        if code is None:
            if taxonomy.is_not_area(label):
                skipped[label] = skipped.get(label, 0) + 1
                continue
            hint = taxonomy.closest_area(label)
            why = "er ikke en kendt kommune eller et kendt område" + (f" — mente du '{hint}'?" if hint else "")
            problems.append(Problem(file_name, n, rows[0][i_area].strip(), label, why))
            bad = True
        if i_ben is not None:
            ben = taxonomy.benefit_key_for(row[i_ben])
            if ben is None:
                problems.append(Problem(file_name, n, rows[0][i_ben].strip(), row[i_ben],
                                        "er ikke en kendt ydelsestype"))
                bad = True
        else:
            ben = "befolkning"
        try:
            period = periods.parse_period(row[i_time])
            period_kinds.add(periods.kind(period))
        except periods.PeriodError as e:
            problems.append(Problem(file_name, n, rows[0][i_time].strip(), None, str(e)))
            bad = True
        raw_v = row[i_val].strip()
        value: float | None
        if raw_v in numbers.SUPPRESSED:
            value = None
        else:
            try:
                value = parse_value(raw_v)
            except ValueError:
                problems.append(Problem(file_name, n, rows[0][i_val].strip(), raw_v, "er ikke et tal"))
                bad = True
        if not bad:
            out.append((code, ben, period, value, n))

    frame = pd.DataFrame(out, columns=["area_code", "benefit", "period", "value", "line"])
    name = table or _detect_table(i_ben is not None, period_kinds)
    measure = "personer" if i_ben is None else "fuldtidspersoner"
    frame.insert(2, "measure", measure)
    frame["source"] = f"dst:{name}"
    frame["ref"] = None
    frame["note"] = None
    frame["value"] = frame["value"].astype("float64")
    source = SourceMeta(
        key=f"dst:{name}",
        title=f"Statistikbanken {name}" + (" (fuldtidsmodtagere af offentlige ydelser)" if i_ben is not None
                                          else " (befolkningen den 1. i perioden)"),
        publisher="Danmarks Statistik",
        licence=LICENCE,
        origin=f"www.statistikbanken.dk/{name}",
    )
    if not out and not problems:
        problems.append(Problem(file_name, None, None, None, "indeholder ingen rækker med data"))
    return ReadResult(frame, problems, source, "statbank-csv-da" if danish else "statbank-csv-en", skipped)


def _is_danish(sample: list[list[str]], i_area: int, i_time: int, extra: list[int]) -> bool:
    for row in sample:
        if len(row) <= max(i_area, i_time):
            continue
        if "K" in row[i_time].upper() and "Q" not in row[i_time].upper():
            return True
        if row[i_area].strip() in ("Hele landet", "København"):
            return True
        if any(i < len(row) and row[i].strip().casefold() in ("i alt", "alder i alt") for i in extra):
            return True
    return False


def _detect_table(has_benefit: bool, kinds: set[str]) -> str:
    if has_benefit:
        return "AUK01"
    return "FOLK1AM" if kinds == {"month"} else "FOLK1A"


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["area_code", "benefit", "measure", "period", "value", "source", "ref", "note", "line"])
