"""beskdash's own export (`python -m beskdash export`, CSV or JSON) → tidy frame.

The round trip is exact: exporting, then importing the file, changes nothing. The file
carries keys, not labels (`area_code`, `benefit`, `measure`, `source`) and machine numbers
(`1234.5`, empty for a missing value), so nothing is guessed; `area_name` must agree with
the code (a hand-edited file that moved a figure to another area is caught).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from beskdash import taxonomy
from beskdash.exports import EXPORT_COLUMNS
from beskdash.readers import delimited
from beskdash.readers.base import Reader, ReadResult, Upload, empty, fail, register
from beskdash.store import SourceMeta
from beskdash.validate import Collector, Problem, parse_observed

MACHINE_NUMBER = r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$"
SOURCE_KEY = re.compile(r"^[a-z]+:[A-Za-z0-9._-]+$")


def is_export_header(first_line: str) -> bool:
    return [c.strip() for c in first_line.strip().lstrip("\ufeff").split(",")] == EXPORT_COLUMNS


def is_export_json(doc: Any) -> bool:
    return (isinstance(doc, list) and bool(doc) and isinstance(doc[0], dict)
            and set(doc[0]) == set(EXPORT_COLUMNS))


def read_csv(raw: bytes, file_name: str) -> ReadResult:
    data, refused = delimited.prepare(raw, file_name)
    if refused:
        return ReadResult(empty(), [refused], None, "beskdash-csv")
    d = delimited.load(data, file_name, ",")
    if d.header != EXPORT_COLUMNS:
        return fail(file_name, f"har ikke beskdash' eksportkolonner ({','.join(EXPORT_COLUMNS)})", "beskdash-csv")
    cols = dict(zip(d.header, d.columns))
    value_text = pc.utf8_trim_whitespace(cols["value"])
    blank = np.asarray(pc.equal(value_text, "").to_numpy(zero_copy_only=False), dtype=bool)
    ok = np.asarray(pc.match_substring_regex(value_text, MACHINE_NUMBER).to_numpy(zero_copy_only=False), dtype=bool)
    nums = pc.cast(pc.if_else(pa.array(ok), value_text, pa.scalar(None, pa.string())), pa.float64())
    values = np.asarray(pc.fill_null(nums, float("nan")).to_numpy(zero_copy_only=False), dtype="float64")
    return _check(file_name, "beskdash-csv", cols, values, ~ok & ~blank, d.lines, list(d.problems))


def read_json(doc: Any, file_name: str) -> ReadResult:
    problems: list[Problem] = []
    good: list[dict] = []
    lines: list[int] = []
    for i, rec in enumerate(doc, start=1):
        if not isinstance(rec, dict) or set(rec) != set(EXPORT_COLUMNS):
            keys = ", ".join(sorted(rec)) if isinstance(rec, dict) else type(rec).__name__
            problems.append(Problem(file_name, i, None, keys[:80],
                                    f"har ikke netop felterne {', '.join(EXPORT_COLUMNS)}"))
            continue
        good.append(rec)
        lines.append(i)
    cols = {c: pa.array(["" if r[c] is None else str(r[c]) for r in good], pa.string())
            for c in EXPORT_COLUMNS if c != "value"}
    values = np.full(len(good), np.nan)
    bad = np.zeros(len(good), dtype=bool)
    raw_values = []
    for i, r in enumerate(good):
        v = r["value"]
        raw_values.append("" if v is None else str(v))
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
            bad[i] = True
        else:
            values[i] = float(v)
    cols["value"] = pa.array(raw_values, pa.string())
    return _check(file_name, "beskdash-json", cols, values, bad, np.asarray(lines, dtype=np.int64), problems)


def _check(file_name: str, fmt: str, cols: dict[str, pa.Array], values: np.ndarray, bad_value: np.ndarray,
           lines: np.ndarray, problems: list[Problem]) -> ReadResult:
    tax = taxonomy.get()
    n = len(lines)
    c = Collector(file_name, lines)
    bad = np.zeros(n, dtype=bool)
    acodes, auniq = delimited.encode(cols["area_code"])
    unknown = delimited.flags([u not in tax.areas for u in auniq], acodes)
    bad |= c.rows(unknown, 0, "area_code", "er ikke en kendt områdekode", lambda r: auniq[acodes[r]])
    ncodes, nuniq = delimited.encode(cols["area_name"])
    pair_codes = acodes * (len(nuniq) + 1) + ncodes
    wrong_name = np.zeros(n, dtype=bool)
    for pc_ in np.unique(pair_codes):
        a, nm = auniq[pc_ // (len(nuniq) + 1)], nuniq[pc_ % (len(nuniq) + 1)]
        if a in tax.areas and tax.areas[a].name_da != nm:
            wrong_name |= pair_codes == pc_
    bad |= c.rows(wrong_name, 1, "area_name",
                  lambda r: f"passer ikke til områdekoden {auniq[acodes[r]]} ({tax.areas[auniq[acodes[r]]].name_da})",
                  lambda r: nuniq[ncodes[r]])
    known_keys: tuple[tuple[str, set[str], str], ...] = (("benefit", set(tax.benefits), "ydelsesnøgle"),
                                                          ("measure", set(tax.measures), "målnøgle"))
    for order, (col, known, what) in enumerate(known_keys, start=2):
        codes, uniq = delimited.encode(cols[col])
        unknown = delimited.flags([u not in known for u in uniq], codes)
        bad |= c.rows(unknown, order, col, f"er ikke en kendt {what} i taxonomy.yaml",
                      delimited.label_of(uniq, codes))
    pcodes, puniq = delimited.encode(cols["period"])
    parsed, errors = parse_observed(puniq)
    bad_p = delimited.flags([e is not None for e in errors], pcodes)
    bad |= c.rows(bad_p, 4, "period", lambda r: errors[pcodes[r]] or "")
    value_text = cols["value"]
    bad |= c.rows(bad_value, 5, "value", "er ikke et tal, som beskdash skriver dem (fx 1234 eller 12.5)",
                  lambda r: value_text[r].as_py())
    scodes, suniq = delimited.encode(cols["source"])
    bad_s = delimited.flags([not SOURCE_KEY.match(u) for u in suniq], scodes)
    bad |= c.rows(bad_s, 6, "source", "er ikke en kildenøgle som dst:AUK01 eller jobindsats:Y01A02",
                  lambda r: suniq[scodes[r]])
    problems = c.problems(problems)
    keep = pa.array(~bad)
    frame = pa.table({
        "area_code": cols["area_code"].filter(keep),
        "benefit": cols["benefit"].filter(keep),
        "measure": cols["measure"].filter(keep),
        "period": delimited.take(parsed, pcodes).filter(keep),
        "value": pa.array(values[~bad], pa.float64()),
        "source": cols["source"].filter(keep),
    }).to_pandas() if n else empty()
    frame["ref"] = None
    frame["note"] = None
    frame["line"] = lines[~bad] if n else []
    sources = {k: _source_meta(k) for k in suniq if SOURCE_KEY.match(k)}
    if n == 0 and not problems:
        problems.append(Problem(file_name, None, None, None, "indeholder ingen rækker med data"))
    first = next(iter(sources.values()), None)
    return ReadResult(frame, problems, first, fmt, {}, {"period": "period", "value": "value"}, sources)


def _source_meta(key: str) -> SourceMeta:
    """What an export says of a source it carries (the store keeps its own if it knows the key)."""
    kind, _, name = key.partition(":")
    title = {"dst": f"Statistikbanken {name}", "jobindsats": f"Jobindsats {name}"}.get(kind, key)
    return SourceMeta(key, title, origin="beskdash-eksport")


def _sniff_json(u: Upload) -> bool:
    return u.kind == "json" and is_export_json(u.doc)


READERS = (
    register(Reader("beskdash-csv", "beskdash' egen eksport (CSV)",
                    sniff=lambda u: u.kind == "text" and is_export_header(u.first_line),
                    read=lambda u, _table: read_csv(u.raw, u.name), priority=10)),
    register(Reader("beskdash-json", "beskdash' egen eksport (JSON)", sniff=_sniff_json,
                    read=lambda u, _table: read_json(u.doc, u.name), priority=10)),
)
