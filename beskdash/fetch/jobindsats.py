"""jobindsats.dk (STAR) API, v2 and v3, for the benefit tables in data/fetch.yaml.

v2: `GET {url}/v2/tables/{table}/json/` gives the table's periods; `POST {url}/v2/data/{table}/json`
with `Authorization: <key>` and `{"area": "*", "period": [...]}` gives a list holding `Variables`
and `Data`. v3: `GET {url}/v3/data/{table}?format=json&period.M=latest:14&…` with
`Authorization: Bearer <key>` gives `{"columns": [...], "rows": [...]}`. Both are kept to the
configured areas and handed to the importer as saved API answers, which its jobindsats reader reads.

The key comes from JOBINDSATS_API_KEY or .streamlit/secrets.toml and is never put in a message,
a log or the import history. A wrong or expired key is answered with a body like
`{"Forkert nøgle eller nøglen er udløbet.": ""}`: we say so in Danish and stop. The newest month
jobindsats.dk publishes is provisional (foreløbige tal); `Fetched.provisional` names it and the
importer's rows for it carry `beskdash.fetch.PROVISIONAL_NOTE`.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

from beskdash import periods, taxonomy
from beskdash.fetch import Fetched, Progress, base_url, config, table_progress
from beskdash.fetch.http import FetchError, HttpSettings, looks_like_html, redact, request, session, where
from beskdash.paths import ROOT
from beskdash.readers import jobindsats as reader

KEY_ENV = "JOBINDSATS_API_KEY"
SECRETS_FILES = (ROOT / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml")
KEY_REFUSED = ("jobindsats.dk afviste API-nøglen: forkert nøgle, eller nøglen er udløbet. Hent en ny nøgle "
               f"på jobindsats.dk, og sæt den i miljøvariablen {KEY_ENV} eller i .streamlit/secrets.toml "
               f"({KEY_ENV} = \"…\"). Intet er hentet eller skrevet til databasen.")


def api_key(secrets_files: tuple[Path, ...] = SECRETS_FILES) -> str:
    """The key: the environment beats .streamlit/secrets.toml (the project's, then the user's)."""
    key = os.environ.get(KEY_ENV, "").strip()
    if key:
        return _checked(key, f"miljøvariablen {KEY_ENV}")
    for path in secrets_files:
        if not path.is_file():
            continue
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            # Never quote the file: it holds passwords and keys.
            raise FetchError(f"{path} er ikke gyldig TOML, så API-nøglen til jobindsats.dk kan ikke læses.") from None
        key = str(doc.get(KEY_ENV) or "").strip()
        if key:
            return _checked(key, str(path))
    raise FetchError(f"Der er ingen API-nøgle til jobindsats.dk. Sæt miljøvariablen {KEY_ENV}, eller skriv "
                     f"{KEY_ENV} = \"…\" i .streamlit/secrets.toml. En nøgle bestilles på jobindsats.dk.")


def _checked(key: str, where_from: str) -> str:
    """A key goes in an HTTP header, which takes only printable ASCII: say so rather than fail later."""
    if not key.isascii() or not key.isprintable() or any(c.isspace() for c in key):
        raise FetchError(f"API-nøglen til jobindsats.dk i {where_from} indeholder tegn, der ikke kan sendes "
                         "(fx mellemrum, linjeskift eller æøå). Er den kopieret rigtigt?")
    return key


def _json(r: Any, url: str, what: str, key: str) -> Any:
    """The answer as JSON, after the checks every jobindsats answer gets."""
    if r.status_code in (401, 403):
        raise FetchError(KEY_REFUSED)
    if "html" in r.headers.get("Content-Type", "").lower() or looks_like_html(r.content):
        raise FetchError(f"{what}: {where(url)} svarede med en HTML-side i stedet for JSON — er adressen rigtig "
                         "(BESKDASH_JOBINDSATS_URL), eller er jobindsats.dk nede? Intet er skrevet til databasen.")
    try:
        doc = json.loads(r.content)
    except ValueError:
        raise FetchError(f"{what}: svaret fra {where(url)} er ikke gyldig JSON (afkortet eller i et andet format). "
                         "Intet er skrevet til databasen.") from None
    if isinstance(doc, dict) and any("nøgle" in str(k).casefold() for k in doc):
        raise FetchError(KEY_REFUSED)
    if isinstance(doc, dict) and isinstance(doc.get("Message") or doc.get("message"), str) and len(doc) <= 2:
        raise FetchError(redact(f"{what}: jobindsats.dk svarede: {doc.get('Message') or doc.get('message')}", key))
    return doc


def newest_periods(available: list[str], kind: str, n: int) -> list[str]:
    """The newest `n` periods of a kind (M months, Q quarters) in jobindsats' own spelling, oldest first."""
    want = {"M": "month", "Q": "quarter"}[kind.upper()]
    parsed = {}
    for p in available:
        try:
            c = periods.parse_period(str(p))
        except periods.PeriodError:
            continue
        if periods.kind(c) == want:
            parsed[str(p)] = c
    return sorted(parsed, key=lambda p: periods.sort_key(parsed[p]))[-n:]


def keep_rows(doc: Any, codes: set[str]) -> tuple[Any, int]:
    """The answer with only the rows beskdash imports: the configured areas, other dimensions at their total.

    jobindsats answers `area: *` with every area, and a dimension left unfiltered with each of its
    groups; the importer accepts groups only at their total ("I alt"). Returns the answer and how
    many rows were left out. Columns are recognised by the jobindsats reader's own rules; an answer
    of a shape we do not know is returned whole, and the reader says what is wrong with it.
    """
    if isinstance(doc, list):
        out, left_out = [], 0
        for part in doc:
            if isinstance(part, dict) and isinstance(part.get("Variables"), list) \
                    and isinstance(part.get("Data"), list):
                labels = [str(v.get("Label") or v.get("Name") or "") if isinstance(v, dict) else str(v)
                          for v in part["Variables"]]
                rows = _keep(labels, part["Data"], codes)
                left_out += len(part["Data"]) - len(rows)
                part = {**part, "Data": rows}
            out.append(part)
        return out, left_out
    if isinstance(doc, dict) and isinstance(doc.get("columns"), list) and isinstance(doc.get("rows"), list):
        labels = [str(c.get("label") or c.get("name") or c.get("id") or "") if isinstance(c, dict) else str(c)
                  for c in doc["columns"]]
        rows = _keep(labels, doc["rows"], codes)
        return {**doc, "rows": rows}, len(doc["rows"]) - len(rows)
    return doc, 0


def _keep(labels: list[str], rows: list, codes: set[str]) -> list:
    names = [lab.strip().casefold() for lab in labels]
    i_area = next((j for j, n in enumerate(names) if n in reader.AREA_COLS), None)
    dims = [j for j, n in enumerate(names) if j != i_area and n not in reader.PERIOD_COLS
            and n not in reader.BENEFIT_COLS and reader.measure_for(labels[j]) is None]

    def wanted(r: Any) -> bool:
        if not isinstance(r, list) or len(r) != len(labels):
            return True  # the reader reports it, with its line
        if i_area is not None and taxonomy.area_code_for(str(r[i_area])) not in codes:
            return False
        return all(not isinstance(r[j], str) or reader.is_total_label(r[j]) for j in dims)

    return [r for r in rows if wanted(r)]


def _periods_in(doc: Any) -> list[str]:
    """Canonical periods present in a v2 or v3 answer, oldest first."""
    found: set[str] = set()
    parts = doc if isinstance(doc, list) else [doc]
    for part in parts:
        if not isinstance(part, dict):
            continue
        cols, rows = (part.get("Variables"), part.get("Data")) if "Variables" in part else \
            (part.get("columns"), part.get("rows"))
        if not isinstance(cols, list) or not isinstance(rows, list):
            continue
        names = [str(c.get("Label") or c.get("label") or c.get("Name") or c.get("name") or "") if isinstance(c, dict)
                 else str(c) for c in cols]
        i = next((j for j, n in enumerate(names) if n.strip().casefold() in reader.PERIOD_COLS), None)
        for r in rows if i is not None else []:
            try:
                found.add(periods.parse_period(str(r[i])))
            except (periods.PeriodError, IndexError, TypeError, KeyError):
                continue
    return sorted(found, key=periods.sort_key)


def fetch_table(table: str, *, api: str | None = None, areas: list[str] | None = None, n_periods: int | None = None,
                key: str | None = None, url: str | None = None, settings: HttpSettings | None = None,
                progress: Progress | None = None, period_range: tuple[str, str] | None = None) -> Fetched:
    cfg = config()["jobindsats"]
    table = table.lower()
    tcfg = cfg["tables"].get(table) or {}
    api = (api or cfg.get("api", "v2")).lower()
    if api not in ("v2", "v3"):
        raise FetchError(f"Ukendt jobindsats-API '{api}' — brug v2 eller v3.")
    kind = str(tcfg.get("period", "M")).upper()
    n = int(n_periods or cfg.get("periods", 14))
    codes = set(areas if areas is not None else [str(a) for a in cfg["areas"]])
    key = key or api_key()
    url = (url or base_url("jobindsats")).rstrip("/")
    settings = settings or HttpSettings.from_config(config().get("http"))
    what = f"jobindsats.dk, tabel {table.upper()}"
    with session(settings) as s:
        if api == "v2":
            meta_url = f"{url}/v2/tables/{table}/json/"
            if progress:
                progress(f"Henter perioderne for {table.upper()} fra {where(url)} …", 0.0)
            r = request(s, "GET", meta_url, settings, what=what, secret=key, headers={"Authorization": key})
            meta = _json(r, meta_url, what, key)
            available = _v2_periods(meta)
            chosen = newest_periods(available, kind, len(available) if period_range else n)
            if period_range:  # a plan's goals need exactly these months (`fetch --plan`)
                lo, hi = (periods.end_month(p) for p in period_range)
                chosen = [p for p in chosen if lo <= periods.end_month(periods.parse_period(p)) <= hi]
            if not chosen:
                raise FetchError(f"{what}: tabellen har ingen {'måneder' if kind == 'M' else 'kvartaler'} "
                                 "at hente (ifølge dens metadata).")
            data_url = f"{url}/v2/data/{table}/json"
            body = {"area": "*", "period": chosen, **(tcfg.get("filters") or {})}
            if progress:
                progress(f"Henter {table.upper()} ({len(chosen)} perioder) …", 0.3)
            r = request(s, "POST", data_url, settings, what=what, secret=key, json=body,
                        headers={"Authorization": key})
        else:
            data_url = f"{url}/v3/data/{table}"
            params = {"format": "json", f"period.{kind}": f"latest:{n}",
                      **((cfg.get("v3") or {}).get("params") or {}), **(tcfg.get("v3") or {})}
            if progress:
                progress(f"Henter {table.upper()} fra {where(url)} (v3, {n} nyeste perioder) …", 0.0)
            r = request(s, "GET", data_url, settings, what=what, secret=key, params=params,
                        headers={"Authorization": f"Bearer {key}"})
        doc = _json(r, data_url, what, key)
    doc, left_out = keep_rows(doc, codes)
    found = _periods_in(doc)
    newest = found[-1] if found else None
    notes = []
    if newest:
        notes.append(f"Nyeste periode hos jobindsats.dk: {periods.label_da(newest)}"
                     + (" (foreløbige tal)." if periods.kind(newest) == "month" else "."))
    if left_out:
        notes.append(f"{left_out} rækker for andre områder end de valgte eller for undergrupper (fx køn eller alder "
                     "uden 'I alt') er sprunget over.")
    provisional = newest if newest and periods.kind(newest) == "month" else None
    data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    return Fetched(name=where(data_url), data=data, table=table, api=f"jobindsats-{api}", notes=tuple(notes),
                   newest=newest, provisional=provisional)


def _v2_periods(meta: Any) -> list[str]:
    parts = meta if isinstance(meta, list) else [meta]
    out: list[str] = []
    for part in parts:
        if isinstance(part, dict):
            ps = part.get("Period") or part.get("Periods") or part.get("period") or []
            out.extend(str(p) for p in ps)
    return out


def fetch(tables: list[str] | None = None, *, api: str | None = None, settings: HttpSettings | None = None,
          progress: Progress | None = None) -> list[Fetched]:
    """Every configured (or named) table; the key is read once and checked by the first request."""
    cfg = config()["jobindsats"]
    names = [t.lower() for t in (tables or list(cfg["tables"]))]
    unknown = [t for t in names if t not in cfg["tables"]]
    if unknown:
        raise FetchError(f"Ukendt jobindsats-tabel: {', '.join(unknown)}. Tabellerne står i data/fetch.yaml: "
                         f"{', '.join(cfg['tables'])}.")
    key = api_key()
    return [fetch_table(t, api=api, key=key, settings=settings, progress=table_progress(progress, i, len(names)))
            for i, t in enumerate(names)]

