"""Fetching from Statistics Denmark and jobindsats.dk: an import whose file comes from an API.

A fetch gets bytes from an API (`statbank`, `jobindsats`, over `http`), then hands them to
`beskdash.imports` exactly as an uploaded file: the same readers, validation, preview, one
transaction and import history. What to fetch (areas, tables, periods) is data/fetch.yaml;
the base URLs can be pointed elsewhere with BESKDASH_DST_URL and BESKDASH_JOBINDSATS_URL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import pandas as pd

from beskdash import imports, taxonomy, yamlfile
from beskdash.paths import DATA_DIR

# jobindsats.dk's newest month is provisional; its rows carry this note (see `is_provisional`).
PROVISIONAL_NOTE = "foreløbige tal"
URL_ENV = {"dst": "BESKDASH_DST_URL", "jobindsats": "BESKDASH_JOBINDSATS_URL"}


class Progress(Protocol):
    """Told what is happening: a Danish line, and how much of the whole fetch is done (0–1)."""

    def __call__(self, message: str, fraction: float) -> None: ...


def table_progress(progress: Progress | None, i: int, n: int) -> Progress | None:
    """Progress of step `i` of `n` (a table of several), reported as progress of the whole."""
    if progress is None:
        return None
    return lambda message, fraction: progress(message, (i + fraction) / n)


@dataclass(frozen=True)
class Fetched:
    """One API answer, ready for the importer."""

    name: str  # what the import history records as the file name: the address it came from
    data: bytes
    table: str
    api: str  # "dst", "jobindsats-v2", "jobindsats-v3"
    notes: tuple[str, ...] = ()  # Danish remarks for the user (newest period, what was skipped)
    newest: str | None = None  # the newest period the source has
    provisional: str | None = None  # a period whose figures the source calls provisional


@lru_cache(maxsize=1)
def config() -> dict[str, Any]:
    return yamlfile.safe_load((DATA_DIR / "fetch.yaml").read_text(encoding="utf-8"))


def table_label(api: str, table: str) -> str:
    """`AUK01 – fuldtidsmodtagere af offentlige ydelser`, `Y07A02 – Sygedagpenge`: for choosing tables."""
    if api == "dst":
        title = (config()["dst"]["tables"].get(table.upper()) or {}).get("title")
    else:
        key = taxonomy.benefit_key_for(table.upper())
        title = taxonomy.benefit_label(key) if key else None
    return f"{table.upper()} – {title}" if title else table.upper()


def area_names(api: str) -> list[str]:
    """The configured areas' Danish names, in the configured order."""
    return [taxonomy.area_name(str(a)) for a in config()[api]["areas"]]


def base_url(api: str) -> str:
    """The API's base URL: the environment variable beats data/fetch.yaml."""
    return (os.environ.get(URL_ENV[api]) or config()[api]["url"]).rstrip("/")


@dataclass
class FetchPreview:
    """What the fetched answers would change: one importer preview holding every answer as a file."""

    fetched: list[Fetched]
    preview: Any  # beskdash.imports.Preview

    @property
    def ok(self) -> bool:
        return bool(self.preview.ok)

    @property
    def problems(self) -> list:
        return list(self.preview.problems)

    def notes(self) -> list[str]:
        return [f"{f.table.upper()}: {n}" for f in self.fetched for n in f.notes]

    def message(self) -> str:
        return str(self.preview.message())


def preview(store: Any, fetched: list[Fetched]) -> FetchPreview:
    """Hand every answer to the importer as a file (its table known), without writing.

    The answers' previews are joined into one, so confirming writes them all in one
    transaction (each still its own import in the history) or, on any failure, none.
    """
    parts = [imports.preview_files(store, [(f.name, f.data)], table=f.table) for f in fetched]
    for f, part in zip(fetched, parts):
        for fp in part.files:
            if f.provisional:
                mark_provisional(fp.frame, f.provisional)
    joined = imports.Preview([fp for p in parts for fp in p.files], [pr for p in parts for pr in p.problems],
                             parts[0].version if parts else store.version())
    return FetchPreview(fetched, joined)


def apply(store: Any, fp: FetchPreview, username: str) -> list[Any]:
    """Write what `preview` found, in one transaction; raises ValidationFailed while problems stand."""
    return imports.apply_preview(store, fp.preview, username)


def result_message(fp: FetchPreview, results: list[Any]) -> str:
    return str(imports.result_message(fp.preview, results))


def mark_provisional(frame: pd.DataFrame, period: str) -> None:
    """Note the rows of a provisional period (in place): the note is stored with the figures."""
    if len(frame) and "period" in frame:
        frame.loc[frame["period"] == period, "note"] = PROVISIONAL_NOTE


def is_provisional(obs: pd.DataFrame) -> pd.Series:
    """Which observations are provisional: marked so when fetched, and still their series' newest period.

    A month keeps its mark in the store after newer months arrive (an unchanged value is not
    rewritten), so the mark counts only while no newer period exists for the same series.
    """
    if obs.empty:
        return pd.Series(False, index=obs.index, dtype=bool)
    newest = obs.groupby(["area_code", "benefit", "measure", "source"])["period_end"].transform("max")
    return (obs["note"] == PROVISIONAL_NOTE) & (obs["period_end"] == newest)
