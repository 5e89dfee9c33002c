"""Delimited text (CSV) → string columns, fast: shared by the StatBank and jobindsats readers.

A well-formed file is parsed by Arrow's multi-threaded CSV reader (a million rows in a
fraction of a second); a file with a malformed row (wrong number of fields, a blank line,
a truncated last line) is re-read with Python's csv module so that every such row is
reported with its line number. Labels are mapped per distinct value, never per row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from beskdash.validate import MAX_PROBLEMS, Problem

# What a CSV file may cost before it is parsed. A StatBank line is under 200 bytes and a jobindsats
# line under 1.000; a table of beskdash never has hundreds of columns.
MAX_LINE_BYTES = 100_000
MAX_COLUMNS = 1_000


@dataclass
class Delimited:
    header: list[str]  # as written (stripped)
    columns: list[pa.Array]  # one string array per header column, rows with the right field count
    lines: np.ndarray  # 1-based line number of each kept row (the header is line header_row + 1)
    problems: list[Problem]

    @property
    def n_rows(self) -> int:
        return len(self.lines)


def decode(raw: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def to_utf8(raw: bytes) -> tuple[bytes, str]:
    """The file as UTF-8 bytes without BOM (re-encoded from Windows-1252 when needed), and the encoding."""
    bom = raw.startswith(b"\xef\xbb\xbf")
    if is_utf8(raw, 3 if bom else 0):  # checked by Arrow, without making a str of the whole file
        return (raw[3:], "utf-8-sig") if bom else (raw, "utf-8")
    text, enc = decode(raw)
    return text.encode("utf-8"), enc


def is_utf8(raw: bytes, start: int = 0) -> bool:
    """Whether raw[start:] is valid UTF-8 (as strict as bytes.decode: no surrogates, no overlong forms)."""
    offsets = pa.py_buffer(np.array([start, len(raw)], dtype=np.int64))
    try:
        pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(raw)]).cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def prepare(raw: bytes, file_name: str) -> tuple[bytes, Problem | None]:
    """The file as UTF-8 without trailing blank lines, and why it is refused before parsing (or None).

    Every CSV reader starts here, so a line longer than MAX_LINE_BYTES or a line of the head with more
    than MAX_COLUMNS fields is refused at the cost of one scan, before Arrow or csv splits anything.
    """
    data = strip_trailing_blank_lines(to_utf8(raw)[0])
    if len(data) > MAX_LINE_BYTES and _may_have_long_line(data):
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
        starts = np.concatenate(([0], ends + 1))
        lengths = np.append(ends, len(data)) - starts
        longest = int(np.argmax(lengths))
        if lengths[longest] > MAX_LINE_BYTES:
            return data, Problem(file_name, longest + 1, None, None,
                                 f"er {int(lengths[longest]):,} byte lang — mere end grænsen på "
                                 f"{MAX_LINE_BYTES:,} byte for en linje; er det en CSV-fil?".replace(",", "."))
    for n, line in enumerate(head_lines(data, 30), start=1):
        fields = max(line.count(c) for c in ";,\t") + 1
        if fields > MAX_COLUMNS:
            return data, Problem(file_name, n, None, None,
                                 f"har {fields:,} kolonner — mere end grænsen på {MAX_COLUMNS:,}".replace(",", "."))
    return data, None


def _may_have_long_line(data: bytes) -> bool:
    """Whether some aligned window of MAX_LINE_BYTES // 2 bytes holds no line break: a line longer than
    MAX_LINE_BYTES always covers one, so a file without such a window is cleared by a few thousand memchr
    calls instead of a pass over every byte."""
    w = MAX_LINE_BYTES // 2
    return any(data.find(b"\n", pos, pos + w) < 0 for pos in range(0, len(data) - w + 1, w))


def strip_trailing_blank_lines(data: bytes) -> bytes:
    """Drop empty (or whitespace-only) lines at the end; the last line's own fields are kept."""
    end = len(data)
    while end:
        start = data.rfind(b"\n", 0, end - 1 if data[end - 1:end] == b"\n" else end) + 1
        if data[start:end].strip():
            break
        end = start
    return data[:end]


def head_lines(data: bytes, n: int) -> list[str]:
    """The first `n` lines as text (to find a header below title lines)."""
    out = []
    pos = 0
    for _ in range(n):
        nl = data.find(b"\n", pos)
        out.append(data[pos: len(data) if nl < 0 else nl].decode("utf-8", errors="replace").rstrip("\r"))
        if nl < 0:
            break
        pos = nl + 1
    return out


def load(data: bytes, file_name: str, delimiter: str = ";", header_row: int = 0) -> Delimited:
    """Split UTF-8 `data` (trailing blank lines stripped) into string columns.

    `header_row` is the 0-based line of the header; lines before it are skipped.
    """
    pos = 0
    for _ in range(header_row):
        nl = data.find(b"\n", pos)
        pos = len(data) if nl < 0 else nl + 1
    nl = data.find(b"\n", pos)
    header_line = data[pos: len(data) if nl < 0 else nl].decode("utf-8", errors="replace").rstrip("\r")
    header = [c.strip() for c in next(csv.reader([header_line], delimiter=delimiter), [])]
    start = len(data) if nl < 0 else nl + 1  # the body is data[start:], never copied on the fast path
    fast = _load_fast(data, start, len(header), delimiter)
    if fast is not None:
        cols, count = fast
        return Delimited(header, cols, np.arange(count, dtype=np.int64) + header_row + 2, [])
    return _load_slow(data[start:].decode("utf-8", errors="replace"), header, file_name, delimiter, header_row)


def _load_fast(data: bytes, start: int, n: int, delimiter: str) -> tuple[list[pa.Array], int] | None:
    if start >= len(data) or (data[start:start + 4096].isspace() and data[start:].isspace()):
        return [pa.array([], pa.string()) for _ in range(n)], 0
    body = np.frombuffer(data, dtype=np.uint8, offset=start)
    breaks = np.flatnonzero(body == 10)  # one pass finds the blank lines and counts the lines
    gap = np.diff(breaks)
    if (data.startswith((b"\n", b"\r\n"), start) or (gap == 1).any()
            or ((gap == 2) & (body[breaks[:-1] + 1] == 13)).any()):
        return None  # a blank line inside: the careful path names it
    invalid = 0

    def on_invalid(_row: object) -> str:
        nonlocal invalid
        invalid += 1
        return "skip"

    names = [f"c{i}" for i in range(n)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(start)),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=True, block_size=1 << 23),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_invalid,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if invalid:
        return None
    # A quoted field spanning lines would shift line numbers: let the careful path count them.
    if data.find(b'"', start) >= 0 and table.num_rows != len(breaks) + (0 if data.endswith(b"\n") else 1):
        return None
    return [table.column(i).combine_chunks() for i in range(n)], table.num_rows


def _load_slow(body: str, header: list[str], file_name: str, delimiter: str, header_row: int) -> Delimited:
    n = len(header)
    rows: list[list[str]] = []
    kept: list[int] = []
    problems: list[Problem] = []
    all_rows = list(csv.reader(io.StringIO(body), delimiter=delimiter))
    last = len(all_rows) - 1
    for i, row in enumerate(all_rows):
        line = header_row + 2 + i
        if len(row) == n:
            rows.append(row)
            kept.append(line)
            continue
        if len(problems) >= MAX_PROBLEMS:
            continue
        if not row:
            why = "er en tom linje midt i filen — slet den, og upload filen igen"
        elif i == last and len(row) < n:
            why = (f"har kun {len(row)} felter, men overskriften har {n} — filen ser ud til at være afkortet "
                   "(sidste linje er ufuldstændig); hent den igen")
        else:
            why = (f"har {len(row)} felter, men overskriften har {n} "
                   "— er filen afkortet eller skilt med et andet tegn end semikolon?")
            if delimiter != ";":
                why = f"har {len(row)} felter, men overskriften har {n}"
        problems.append(Problem(file_name, line, None, delimiter.join(row)[:80], why))
    cols = [pa.array([r[j] for r in rows], pa.string()) for j in range(n)]
    return Delimited(header, cols, np.asarray(kept, dtype=np.int64), problems)


def encode(col: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Per-row codes into the list of distinct values (so labels are looked up once each)."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    enc = pc.dictionary_encode(col)
    return np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64), enc.dictionary.to_pylist()


def take(mapped: list[str | None], codes: np.ndarray) -> pa.Array:
    """The per-row string array of a per-distinct-value mapping."""
    return pc.take(pa.array(mapped, pa.string()), pa.array(codes))


def flags(mapped: list[bool], codes: np.ndarray) -> np.ndarray:
    return np.asarray(mapped, dtype=bool)[codes] if len(codes) else np.zeros(0, dtype=bool)


def label_of(uniq: list[str], codes: np.ndarray) -> Callable[[int], str | None]:
    """Row index → the row's value as written (for a problem's message), from an `encode`d column."""
    return lambda r: uniq[codes[r]]
