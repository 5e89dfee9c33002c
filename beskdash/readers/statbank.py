"""StatBank (Danmarks Statistik) CSV exports → tidy frame.

Handles the English and the Danish export alike: `;`-separated, UTF-8 with BOM or
Windows-1252, quarters `2019Q4`/`2019K4`, months `2019M12`, `..` for suppressed values.
Extra dimensions (KØN, ALDER, CIVILSTAND, …) are accepted only at their total.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from beskdash import numbers, periods, taxonomy
from beskdash.readers import delimited
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
    columns: dict[str, str] = field(default_factory=lambda: {"period": "TID", "value": "INDHOLD"})  # for messages
    sources: dict[str, SourceMeta] = field(default_factory=dict)  # when rows carry several sources


def decode(raw: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), else Windows-1252."""
    return delimited.decode(raw)


def looks_like_statbank(text: str) -> bool:
    first = text.split("\n", 1)[0].strip().lstrip("\ufeff").upper()
    cols = [c.strip() for c in first.split(";")]
    return bool(cols) and cols[-1] in VALUE_COLS and any(c in TIME_COLS for c in cols) and len(cols) >= 3


def read(raw: bytes, file_name: str, table: str | None = None) -> ReadResult:
    """Parse a StatBank CSV export. `table` overrides detection (the fetcher knows it).

    Vectorised: the file is split by Arrow and every label, period and number is looked up
    once per distinct value, so a million-row extract reads in about a second.
    """
    data, _enc = delimited.to_utf8(raw)
    data = delimited.strip_trailing_blank_lines(data)
    if not data or data.isspace():
        return ReadResult(_empty(), [Problem(file_name, None, None, None, "er tom")], None, "statbank-csv")
    d = delimited.load(data, file_name, ";")
    raw_header = d.header
    header = [c.upper() for c in raw_header]
    try:
        i_area = next(i for i, c in enumerate(header) if c in AREA_COLS)
        i_time = next(i for i, c in enumerate(header) if c in TIME_COLS)
        i_val = next(i for i, c in enumerate(header) if c in VALUE_COLS)
    except StopIteration:
        return ReadResult(_empty(), [Problem(file_name, 1, None, ";".join(raw_header)[:80],
                          "er ikke en StatBank-overskrift (forventer OMRÅDE, TID og INDHOLD)")],
                          None, "statbank-csv")
    i_ben = next((i for i, c in enumerate(header) if c in BENEFIT_COLS), None)
    extra = [i for i in range(len(header)) if i not in {i_area, i_time, i_val, i_ben}]
    sample = [[c[j].as_py() for c in d.columns] for j in range(min(49, d.n_rows))]
    danish = _is_danish(sample, i_area, i_time, extra)
    n = d.n_rows
    found: list[tuple[int, int, Problem]] = []  # (line, column order, problem)
    more = 0

    def report(mask: np.ndarray, order: int, make) -> None:
        nonlocal more
        idx, total = delimited.rows_where(mask)
        more += total - len(idx)
        for i in idx:
            found.append((int(d.lines[i]), order, make(int(i))))

    bad = np.zeros(n, dtype=bool)
    for order, i in enumerate(extra):
        codes, uniq = delimited.encode(d.columns[i])
        not_total = delimited.flags([u.strip().casefold() not in TOTAL_LABELS for u in uniq], codes)
        report(not_total, order, lambda r, i=i, codes=codes, uniq=uniq: Problem(
            file_name, int(d.lines[r]), raw_header[i], uniq[codes[r]],
            "er ikke en total — kun 'I alt'/'Total' kan indlæses for denne dimension"))
        bad |= not_total

    codes, uniq = delimited.encode(d.columns[i_area])
    labels = [u.strip() for u in uniq]
    area_codes = [taxonomy.area_code_for(lab) for lab in labels]
    skip_u = [c is None and taxonomy.is_not_area(lab) for c, lab in zip(area_codes, labels)]
    skip = delimited.flags(skip_u, codes)
    unknown = delimited.flags([c is None and not s for c, s in zip(area_codes, skip_u)], codes)
    hints: dict[int, str | None] = {}

    def area_problem(r: int) -> Problem:
        u = int(codes[r])
        if u not in hints:
            hints[u] = taxonomy.closest_area(labels[u])
        hint = hints[u]
        why = "er ikke en kendt kommune eller et kendt område" + (f" — mente du '{hint}'?" if hint else "")
        return Problem(file_name, int(d.lines[r]), raw_header[i_area], labels[u], why)

    report(unknown, 100, area_problem)
    bad |= unknown
    area = delimited.take(area_codes, codes)
    skipped: dict[str, int] = {}
    if skip.any():
        counts = np.bincount(codes[skip], minlength=len(uniq))
        skipped = {labels[u]: int(c) for u, c in enumerate(counts) if c}

    if i_ben is not None:
        bcodes, buniq = delimited.encode(d.columns[i_ben])
        bkeys = [taxonomy.benefit_key_for(u) for u in buniq]
        unknown_b = delimited.flags([k is None for k in bkeys], bcodes) & ~skip
        report(unknown_b, 200, lambda r: Problem(file_name, int(d.lines[r]), raw_header[i_ben],
                                                 buniq[bcodes[r]], "er ikke en kendt ydelsestype"))
        bad |= unknown_b
        benefit = delimited.take(bkeys, bcodes)
    else:
        benefit = pa.repeat("befolkning", n)

    pcodes, puniq = delimited.encode(d.columns[i_time])
    parsed, errors = periods.parse_each(puniq)
    bad_p = delimited.flags([e is not None for e in errors], pcodes) & ~skip
    report(bad_p, 300, lambda r: Problem(file_name, int(d.lines[r]), raw_header[i_time], None,
                                         errors[pcodes[r]]))
    bad |= bad_p
    period = delimited.take(parsed, pcodes)
    kept_periods = np.unique(pcodes[~bad & ~skip]) if n else []
    period_kinds = {periods.kind(parsed[u]) for u in kept_periods if parsed[u] is not None}

    vals, bad_v, _sup = numbers.parse_column(d.columns[i_val], "da" if danish else "en")
    bad_v &= ~skip
    val_col = d.columns[i_val]
    report(bad_v, 400, lambda r: Problem(file_name, int(d.lines[r]), raw_header[i_val],
                                         val_col[r].as_py().strip(), "er ikke et tal"))
    bad |= bad_v

    problems = list(d.problems)
    if found or more:
        problems.extend(delimited.limit_problems(found, file_name, more))
    keep = ~bad & ~skip
    name = table.upper() if table else _detect_table(i_ben is not None, period_kinds)
    measure = "personer" if i_ben is None else "fuldtidspersoner"
    source_key = f"dst:{name}"
    mask = pa.array(keep)
    kept = int(keep.sum())
    frame = pa.table({
        "area_code": area.filter(mask),
        "benefit": benefit.filter(mask),
        "measure": pa.repeat(measure, kept),
        "period": period.filter(mask),
        "value": pa.array(vals[keep], pa.float64()),
        "source": pa.repeat(source_key, kept),
    }).to_pandas()
    frame["ref"] = None
    frame["note"] = None
    frame["line"] = d.lines[keep]
    source = SourceMeta(
        key=source_key,
        title=f"Statistikbanken {name}" + (" (fuldtidsmodtagere af offentlige ydelser)" if i_ben is not None
                                          else " (befolkningen den 1. i perioden)"),
        publisher="Danmarks Statistik",
        licence=LICENCE,
        origin=f"www.statistikbanken.dk/{name}",
    )
    if kept == 0 and not problems:
        problems.append(Problem(file_name, None, None, None, "indeholder ingen rækker med data"))
    return ReadResult(frame, problems, source, "statbank-csv-da" if danish else "statbank-csv-en", skipped,
                      {"area_code": raw_header[i_area], "period": raw_header[i_time], "value": raw_header[i_val]})


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
