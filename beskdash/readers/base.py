"""What every reader shares: the upload it is handed, the result it returns, and the registry.

A source format is one module that registers a `Reader`:

    register(Reader("egne-tal-csv", "egne tal (CSV)", sniff=_sniff, read=_read))

`sniff(upload)` says from the content (never the name alone) whether the file is this format;
`read(upload, table)` returns a `ReadResult` (tidy frame, problems, source). `refuse(upload)` may
name why a file that looks like the format cannot be read (a StatBank extract separated by commas).
`beskdash.readers.registry` imports every format module; `imports.detect` asks the registry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from beskdash.store import SourceMeta
from beskdash.validate import Problem

HEAD_BYTES = 64 * 1024  # what sniffing may look at: enough for title lines and a header


@dataclass
class ReadResult:
    frame: pd.DataFrame  # tidy: area_code, benefit, measure, period, value, source, ref, note, line
    problems: list[Problem]
    source: SourceMeta | None
    fmt: str
    skipped: dict[str, int] = field(default_factory=dict)  # label → rows skipped (non-areas)
    columns: dict[str, str] = field(default_factory=lambda: {"period": "TID", "value": "INDHOLD"})  # for messages
    sources: dict[str, SourceMeta] = field(default_factory=dict)  # when rows carry several sources
    # Own figures and assessments (`readers.own_figures`): keyed on plan, goal and period, not a tidy frame.
    goal_figures: pd.DataFrame | None = None


class Upload:
    """A file as handed to the readers: its name and bytes, and views of its head computed once."""

    def __init__(self, name: str, raw: bytes):
        self.name = name
        self.raw = raw

    @cached_property
    def head(self) -> bytes:
        """The first HEAD_BYTES, without a UTF-8 byte-order mark."""
        return self.raw[:HEAD_BYTES + 3].removeprefix(b"\xef\xbb\xbf")[:HEAD_BYTES]

    @cached_property
    def text(self) -> str:
        """The head as text (UTF-8, else Windows-1252), leading whitespace removed."""
        try:
            t = self.head.decode("utf-8")
        except UnicodeDecodeError as e:  # a character cut at the end of the head, or Windows-1252
            t = self.head[:e.start].decode("utf-8") if e.start > len(self.head) - 4 else self.head.decode(
                "cp1252", errors="replace")
        return t.lstrip("\ufeff").lstrip()

    @cached_property
    def first_line(self) -> str:
        return self.text.split("\n", 1)[0].rstrip("\r")

    @property
    def kind(self) -> str:
        """"zip" (an .xlsx is one), "json" or "text" (CSV): each sniff looks only at its own kind."""
        return "zip" if self.is_zip else "json" if self.is_json else "text"

    @property
    def is_zip(self) -> bool:
        return self.raw.startswith(b"PK\x03\x04")

    @property
    def is_json(self) -> bool:
        return not self.is_zip and self.text.startswith(("{", "["))

    @cached_property
    def doc(self) -> Any:
        """The whole file parsed as JSON (raises json.JSONDecodeError); parsed once for sniffing and reading."""
        raw = self.raw.removeprefix(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        return json.loads(text)


@dataclass(frozen=True)
class Reader:
    format: str  # the name recorded in the import history unless `read` names a variant
    label: str  # Danish, for the preview and the history
    sniff: Callable[[Upload], bool]
    read: Callable[[Upload, str | None], ReadResult]  # (upload, table id when the caller knows it)
    priority: int = 50  # lower is asked first: a specific format before a lenient one
    refuse: Callable[[Upload], str | None] | None = None  # why a near miss cannot be read (Danish)
    variants: dict[str, str] = field(default_factory=dict)  # format names `read` records → Danish label


_READERS: list[Reader] = []


def register(reader: Reader) -> Reader:
    """Called by each format module at import; a format name is registered once."""
    if any(r.format == reader.format for r in _READERS):
        raise ValueError(f"reader format {reader.format!r} is registered twice")
    _READERS.append(reader)
    _READERS.sort(key=lambda r: r.priority)
    return reader


def registered() -> list[Reader]:
    """Every registered reader, in the order they are asked."""
    return list(_READERS)


def labels() -> dict[str, str]:
    """Format name (and each variant) → Danish label."""
    out: dict[str, str] = {}
    for r in _READERS:
        out[r.format] = r.label
        out.update(r.variants)
    return out


def fail(file_name: str, why: str, fmt: str) -> ReadResult:
    """A result that refuses the whole file."""
    return ReadResult(empty(), [Problem(file_name, None, None, None, why)], None, fmt)


def empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["area_code", "benefit", "measure", "period", "value", "source", "ref", "note",
                                 "line"])
