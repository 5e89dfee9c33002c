"""Statistics Denmark's StatBank API (no key): table metadata, then the data as CSV.

`GET {url}/v1/tableinfo/{TABLE}` tells which codes exist (areas, benefit types, periods) and which
variables may be left out (`elimination: true`: StatBank then answers with their total); from those
we build the `POST {url}/v1/data/{TABLE}/CSV` body. The CSV is the same `;`-separated export as a
download from statistikbanken.dk, so it goes through the same StatBank reader and import as an uploaded file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from beskdash import periods, taxonomy
from beskdash.fetch import Fetched, Progress, base_url, config, table_progress
from beskdash.fetch.http import FetchError, HttpSettings, looks_like_html, request, session, where
from beskdash.readers.statbank import TOTAL_LABELS

AREA_VARS = {"OMRÅDE", "OMRADE", "REGION", "KOMK"}
BENEFIT_VARS = {"YDELSESTYPE", "YDELSE"}


@dataclass(frozen=True)
class Variable:
    id: str
    text: str
    time: bool
    values: tuple[tuple[str, str], ...]  # (code, label)
    elimination: bool = False  # may be left out of a request; StatBank then sums it to its total


@dataclass(frozen=True)
class TableInfo:
    id: str
    text: str
    updated: str | None
    variables: tuple[Variable, ...]

    @property
    def time_var(self) -> Variable:
        return next(v for v in self.variables if v.time)

    def periods(self) -> dict[str, str]:
        """Canonical period → the table's own time code (`2019Q4` → `2019K4`)."""
        out = {}
        for code, _text in self.time_var.values:
            try:
                out[periods.parse_period(code)] = code
            except periods.PeriodError:
                continue
        return out

    def newest(self) -> str | None:
        ps = self.periods()
        return max(ps, key=periods.sort_key) if ps else None


def parse_tableinfo(body: bytes, table: str, addr: str) -> TableInfo:
    try:
        doc = json.loads(body)
        variables = tuple(
            Variable(str(v["id"]), str(v.get("text", v["id"])), bool(v.get("time", False)),
                     tuple((str(x["id"]), str(x["text"])) for x in v["values"]), bool(v.get("elimination", False)))
            for v in doc["variables"]
        )
    except (ValueError, KeyError, TypeError):
        raise FetchError(f"Tabellen {table}: metadata fra {addr} kunne ikke læses (ikke StatBanks "
                         "tableinfo-format eller afkortet). Intet er skrevet til databasen.") from None
    if not any(v.time for v in variables):
        raise FetchError(f"Tabellen {table}: metadata fra {addr} har ingen tidsvariabel.")
    return TableInfo(str(doc.get("id", table)), str(doc.get("text", "")), doc.get("updated"), variables)


def query(info: TableInfo, areas: list[str] | None, from_period: str | None, lang: str) -> tuple[dict, list[str]]:
    """The data request body for the configured areas and periods, and remarks for the user.

    Areas are requested by their code (beskdash uses StatBank's codes); benefit types only those
    the taxonomy knows (the others are named in the remarks, so a new type is a data change in
    data/taxonomy.yaml, not a failed fetch), never the benefit variable's own total (it would be
    taken for jobindsats' offentligt forsørgede i alt); every other dimension at its total: left out
    when tableinfo marks it `elimination`, as StatBank then sums it itself, else its value labelled
    as a total.
    """
    notes: list[str] = []
    variables: list[dict[str, Any]] = []
    for var in info.variables:
        name = var.id.upper()
        if var.time:
            values = _time_codes(info, from_period)
        elif name in AREA_VARS:
            values = _area_codes(info, var, areas, notes)
        elif name in BENEFIT_VARS:
            types = [(c, t) for c, t in var.values if not _is_total(t)]
            values = [c for c, t in types if taxonomy.benefit_key_for(t) is not None]
            unknown = [t for c, t in types if taxonomy.benefit_key_for(t) is None]
            if unknown:
                notes.append(f"{len(unknown)} ydelsestype(r) i {info.id} hentes ikke, fordi taksonomien ikke "
                             f"kender dem (tilføj dem i data/taxonomy.yaml): {', '.join(unknown)}")
            if not values:
                raise FetchError(f"Tabellen {info.id}: ingen af dens ydelsestyper findes i taksonomien "
                                 "(data/taxonomy.yaml) — intet at hente.")
        elif var.elimination:
            continue  # left out: StatBank answers with the total ("Nature of the offence, total" and all)
        else:
            total = [c for c, t in var.values if _is_total(t)]
            if not total:
                raise FetchError(f"Tabellen {info.id}: dimensionen {var.id} kan ikke udelades og har ingen total "
                                 "('I alt'/'Total'), og beskdash kan kun indlæse den ved totalen.")
            values = total[:1]
        variables.append({"code": var.id, "values": values})
    return {"table": info.id, "format": "CSV", "lang": lang, "variables": variables}, notes


def _is_total(label: str) -> bool:
    """'Total', 'I alt', 'Age, total', 'Køn i alt' …: how StatBank labels a variable's total."""
    t = label.strip().casefold()
    return t in TOTAL_LABELS or t.endswith((", total", " i alt"))


def _time_codes(info: TableInfo, from_period: str | None) -> list[str]:
    ps = info.periods()
    if from_period:
        start = periods.start_month(periods.parse_period(from_period))
        ps = {p: c for p, c in ps.items() if periods.end_month(p) >= start}
    if not ps:
        newest = info.newest()
        first = periods.label_da(periods.parse_period(from_period)) if from_period else "begyndelsen"
        raise FetchError(f"Tabellen {info.id} har ingen perioder fra {first} og frem "
                         f"(den nyeste er {periods.label_da(newest) if newest else 'ukendt'}).")
    return [ps[p] for p in sorted(ps, key=periods.sort_key)]


def _area_codes(info: TableInfo, var: Variable, areas: list[str] | None, notes: list[str]) -> list[str]:
    if areas is None:
        return ["*"]
    known = {c for c, _t in var.values}
    missing = [a for a in areas if a not in known]
    if missing:
        notes.append(f"{info.id} har ikke områderne {', '.join(taxonomy.area_name(a) for a in missing)}; "
                     "de springes over.")
    codes = [a for a in areas if a in known]
    if not codes:
        raise FetchError(f"Tabellen {info.id} har ingen af de valgte områder.")
    return codes


def fetch_table(table: str, *, areas: list[str] | None = None, from_period: str | None = None,
                lang: str | None = None, url: str | None = None, settings: HttpSettings | None = None,
                progress: Progress | None = None) -> Fetched:
    """Fetch one table's CSV (metadata first). `areas=None` means every area."""
    cfg = config()["dst"]
    table = table.upper()
    tcfg = cfg["tables"].get(table, {})
    lang = lang or cfg.get("lang", "en")
    url = (url or base_url("dst")).rstrip("/")
    settings = settings or HttpSettings.from_config(config().get("http"))
    from_period = from_period or (str(tcfg["from"]) if tcfg.get("from") else None)
    if from_period:
        try:
            periods.parse_period(from_period)
        except periods.PeriodError as e:
            raise FetchError(f"Første periode: {e}") from None
    what = f"Danmarks Statistik, tabel {table}"
    with session(settings) as s:
        if progress:
            progress(f"Henter metadata for {table} fra {where(url)} …", 0.0)
        info_url = f"{url}/v1/tableinfo/{table}"
        r = request(s, "GET", info_url, settings, what=what, params={"lang": lang, "format": "JSON"})
        _not_html(r.content, r.headers.get("Content-Type", ""), info_url, what, "JSON")
        info = parse_tableinfo(r.content, table, where(info_url))
        body, notes = query(info, areas, from_period, lang)
        if progress:
            n = next(len(v["values"]) for v in body["variables"] if v["code"] == info.time_var.id)
            progress(f"Henter data for {table} ({n} perioder) …", 0.3)
        data_url = f"{url}/v1/data/{table}/CSV"
        r = request(s, "POST", data_url, settings, what=what, json=body)
        if r.status_code in (401, 403):
            raise FetchError(f"{what}: {where(data_url)} afviste forespørgslen (HTTP {r.status_code}).")
        _not_html(r.content, r.headers.get("Content-Type", ""), data_url, what, "CSV")
        if not r.content.strip():
            raise FetchError(f"{what}: {where(data_url)} svarede med et tomt svar. Intet er skrevet til databasen.")
    newest = info.newest()
    if newest:
        notes.insert(0, f"Nyeste periode hos Danmarks Statistik: {periods.label_da(newest)}.")
    return Fetched(name=where(data_url), data=r.content, table=table, api="dst", notes=tuple(notes), newest=newest)


def _not_html(body: bytes, content_type: str, url: str, what: str, expected: str) -> None:
    if "html" in content_type.lower() or looks_like_html(body):
        raise FetchError(f"{what}: {where(url)} svarede med en HTML-side i stedet for {expected} — er adressen "
                         "rigtig (BESKDASH_DST_URL), eller er Statistikbanken nede? Intet er skrevet til databasen.")


def fetch(tables: list[str] | None = None, *, areas: list[str] | Literal[True] | None = True,
          from_period: str | None = None, settings: HttpSettings | None = None,
          progress: Progress | None = None) -> list[Fetched]:
    """Fetch each configured (or named) table; `areas=True` means the configured areas, None all."""
    cfg = config()["dst"]
    names = [t.upper() for t in (tables or list(cfg["tables"]))]
    chosen = [str(a) for a in cfg["areas"]] if areas is True else areas
    return [fetch_table(t, areas=chosen, from_period=from_period, settings=settings,
                        progress=table_progress(progress, i, len(names))) for i, t in enumerate(names)]
