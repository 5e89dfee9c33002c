"""StatBank (Danmarks Statistik) CSV exports → tidy frame.

Handles the English and the Danish export alike: `;`-separated, UTF-8 with BOM or
Windows-1252, quarters `2019Q4`/`2019K4`, months `2019M12`, `..` for suppressed values.
Extra dimensions (KØN, ALDER, CIVILSTAND, …) are accepted only at their total.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from beskdash import numbers, periods, taxonomy
from beskdash.readers import delimited
from beskdash.readers.base import Reader, ReadResult, Upload, empty, register
from beskdash.store import SourceMeta
from beskdash.validate import Collector, Problem, parse_observed

TOTAL_LABELS = {"total", "i alt", "alder i alt", "age, total", "køn i alt", "begge køn", "civilstand i alt"}
AREA_COLS = {"OMRÅDE", "OMRADE", "REGION", "KOMK", "OMR"}
BENEFIT_COLS = {"YDELSESTYPE", "YDELSE"}
TIME_COLS = {"TID", "TIME"}
VALUE_COLS = {"INDHOLD", "CONTENT"}
LICENCE = "CC BY 4.0"
ATTRIBUTION = "Kilde: Danmarks Statistik, CC BY 4.0"


def looks_like_statbank(text: str) -> bool:
    first = text.split("\n", 1)[0].strip().lstrip("\ufeff").upper()
    cols = [c.strip() for c in first.split(";")]
    return bool(cols) and cols[-1] in VALUE_COLS and any(c in TIME_COLS for c in cols) and len(cols) >= 3


def read(raw: bytes, file_name: str, table: str | None = None) -> ReadResult:
    """Parse a StatBank CSV export. `table` overrides detection (the fetcher knows it).

    Vectorised: the file is split by Arrow and every label, period and number is looked up
    once per distinct value, so a million-row extract reads in about a second.
    """
    data, refused = delimited.prepare(raw, file_name)
    if refused:
        return ReadResult(empty(), [refused], None, "statbank-csv")
    if not data or data.isspace():
        return ReadResult(empty(), [Problem(file_name, None, None, None, "er tom")], None, "statbank-csv")
    d = delimited.load(data, file_name, ";")
    raw_header = d.header
    header = [c.upper() for c in raw_header]
    try:
        i_area = next(i for i, c in enumerate(header) if c in AREA_COLS)
        i_time = next(i for i, c in enumerate(header) if c in TIME_COLS)
        i_val = next(i for i, c in enumerate(header) if c in VALUE_COLS)
    except StopIteration:
        return ReadResult(empty(), [Problem(file_name, 1, None, ";".join(raw_header)[:80],
                          "er ikke en StatBank-overskrift (forventer OMRÅDE, TID og INDHOLD)")],
                          None, "statbank-csv")
    i_ben = next((i for i, c in enumerate(header) if c in BENEFIT_COLS), None)
    extra = [i for i in range(len(header)) if i not in {i_area, i_time, i_val, i_ben}]
    sample = [[c[j].as_py() for c in d.columns] for j in range(min(49, d.n_rows))]
    danish = _is_danish(sample, i_area, i_time, extra)
    n = d.n_rows
    c = Collector(file_name, d.lines)
    bad = np.zeros(n, dtype=bool)
    for order, i in enumerate(extra):
        codes, uniq = delimited.encode(d.columns[i])
        not_total = delimited.flags([u.strip().casefold() not in TOTAL_LABELS for u in uniq], codes)
        bad |= c.rows(not_total, order, raw_header[i],
                      "er ikke en total — kun 'I alt'/'Total' kan indlæses for denne dimension",
                      delimited.label_of(uniq, codes))

    codes, uniq = delimited.encode(d.columns[i_area])
    labels = [u.strip() for u in uniq]
    area_codes = [taxonomy.area_code_for(lab) for lab in labels]
    skip_u = [c is None and taxonomy.is_not_area(lab) for c, lab in zip(area_codes, labels)]
    skip = delimited.flags(skip_u, codes)
    unknown = delimited.flags([c is None and not s for c, s in zip(area_codes, skip_u)], codes)
    hints: dict[int, str | None] = {}

    def area_why(r: int) -> str:
        u = int(codes[r])
        if u not in hints:
            hints[u] = taxonomy.closest_area(labels[u])
        hint = hints[u]
        return "er ikke en kendt kommune eller et kendt område" + (f" — mente du '{hint}'?" if hint else "")

    bad |= c.rows(unknown, 100, raw_header[i_area], area_why, lambda r: labels[codes[r]])
    area = delimited.take(area_codes, codes)
    skipped: dict[str, int] = {}
    if skip.any():
        counts = np.bincount(codes[skip], minlength=len(uniq))
        skipped = {labels[u]: int(c) for u, c in enumerate(counts) if c}

    if i_ben is not None:
        bcodes, buniq = delimited.encode(d.columns[i_ben])
        bkeys = [taxonomy.benefit_key_for(u) for u in buniq]
        unknown_b = delimited.flags([k is None for k in bkeys], bcodes) & ~skip
        bad |= c.rows(unknown_b, 200, raw_header[i_ben], "er ikke en kendt ydelsestype", lambda r: buniq[bcodes[r]])
        benefit = delimited.take(bkeys, bcodes)
    else:
        benefit = pa.repeat("befolkning", n)

    pcodes, puniq = delimited.encode(d.columns[i_time])
    parsed, errors = parse_observed(puniq)
    bad_p = delimited.flags([e is not None for e in errors], pcodes) & ~skip
    bad |= c.rows(bad_p, 300, raw_header[i_time], lambda r: errors[pcodes[r]] or "")
    period = delimited.take(parsed, pcodes)
    kept_periods: list[int] = np.unique(pcodes[~bad & ~skip]).tolist() if n else []
    period_kinds = {periods.kind(p) for u in kept_periods if (p := parsed[u]) is not None}

    vals, bad_v, _sup = numbers.parse_column(d.columns[i_val], "da" if danish else "en")
    bad_v &= ~skip
    val_col = d.columns[i_val]
    bad |= c.rows(bad_v, 400, raw_header[i_val], "er ikke et tal", lambda r: val_col[r].as_py().strip())

    problems = c.problems(d.problems)
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


def _refuse(u: Upload) -> str | None:
    """A StatBank header separated by another character than `;`."""
    up = u.first_line.upper()
    if u.kind != "text" or not (any(c in up for c in VALUE_COLS) and any(c in up for c in TIME_COLS)):
        return None
    sep = "komma" if "," in u.first_line else "tabulator" if "\t" in u.first_line else "et andet tegn end semikolon"
    return (f"ligner et StatBank-udtræk, men er skilt med {sep} — StatBank-udtræk skal være semikolonseparerede "
            "(;); eksportér igen som CSV (semikolonsepareret)")


READER = register(Reader(
    "statbank-csv", "StatBank-udtræk (CSV)",
    sniff=lambda u: u.kind == "text" and looks_like_statbank(u.first_line),
    read=lambda u, table: read(u.raw, u.name, table),
    priority=30, refuse=_refuse,
    variants={"statbank-csv-en": "StatBank-udtræk (CSV, engelske etiketter)",
              "statbank-csv-da": "StatBank-udtræk (CSV, danske etiketter)"},
))
