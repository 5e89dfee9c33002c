"""A local stand-in for api.statbank.dk and api.jobindsats.dk, on 127.0.0.1, for the fetch tests.

Nothing here touches the internet. The StatBank side replays the real extracts in
../shared/data/dst/: `tableinfo` lists the codes found in the extract (area codes from
data/areas/, which are Statistics Denmark's; the landsdele and non-areas, whose StatBank codes the
extracts do not show, get stand-in codes), and a data request answers with the extract's own
lines for the requested codes, byte for byte. The jobindsats side answers v2 and v3 requests with
bodies built from the Rudersdal 2021 plan's appendix figures (data/plan_figures/rudersdal-2021.csv),
which are jobindsats.dk figures for Rudersdal, RAR Hovedstaden and Østdanmark.

Failure modes are chosen by a path prefix, so a test picks one by the base URL it hands the
fetcher: `{url}/s/<scenario>`. They apply to the data requests (metadata answers normally),
except `expired-key`, which answers every jobindsats request like a wrong or expired key:
  expired-key      `{"Forkert nøgle eller nøglen er udløbet.": ""}` (HTTP 200, as jobindsats does)
  429-then-200     HTTP 429 with Retry-After: 0 once, then the real answer
  500x3            HTTP 500 three times, then the real answer
  truncated        a Content-Length larger than the body, then the connection closes
  cut-short        the body cut off in the middle (of a CSV line), with a matching Content-Length
  html             HTTP 200 with an HTML page instead of CSV/JSON
  slow             waits `SLOW_SECONDS` before answering
  404              HTTP 404 for every request
  2nd-<scenario>   the first data request answered normally, the later ones by <scenario>
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from beskdash import periods, taxonomy
from beskdash.paths import DATA_DIR, ROOT

SHARED_DST = ROOT.parent / "shared" / "data" / "dst"
DST_FILES = {
    "AUK01": "AUK01_en_2007Q1-2025Q4.csv",
    "FOLK1A": "FOLK1A_en_population_Q1.csv",
    "FOLK1AM": "FOLK1AM_en_2021M10-2026M02.csv",
}
TABLE_TEXT = {
    "AUK01": "Full-time recipients of public benefits (net) by region, type of benefit, sex and age",
    "FOLK1A": "Population on the 1st day of the quarter by region, sex, age and marital status",
    "FOLK1AM": "Population on the 1st day of the month by region, sex and age",
}
# Codes of the non-area dimensions' labels as StatBank writes them; the extracts hold only the
# totals, so Men/Women are listed (as in the real table) but have no lines to replay.
DIM_CODES = {
    "KØN": {"Total": "TOT", "Men": "M", "Women": "K"},
    "ALDER": {"Age, total": "TOT"},
    "CIVILSTAND": {"Total": "TOT"},
    "YDELSESTYPE": {"Net unemployed recipients of social assistance": "NETKH"},
}
EXPIRED = {"Forkert nøgle eller nøglen er udløbet.": ""}
SLOW_SECONDS = 3.0

# jobindsats.dk: the benefit tables of the Rudersdal appendix, and how jobindsats names things.
JI_TABLES = {
    "y01a02": "a-dagpenge", "y36a02": "kontanthjaelp", "y38a02": "uddannelseshjaelp",
    "y35a02": "selvforsoergelse", "y07a02": "sygedagpenge", "y08a02": "fleksjob",
    "y11a02": "ressourceforloeb", "ptva02": "offentlig-forsoergelse-i-alt",
}
JI_MEASURES = {
    "fuldtidspersoner": ("antal_fuldtid", "Antal fuldtidspersoner"),
    "pct-arbejdsstyrke": ("pct_arbst", "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år"),
}


class _Table:
    """One StatBank extract: its header, lines and the codes of every dimension's labels."""

    def __init__(self, name: str, path: Path):
        raw = path.read_bytes()
        self.bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        lines = text.splitlines()
        self.header_line = lines[0]
        self.header = lines[0].split(";")
        self.lines = lines[1:]
        self.rows = list(csv.reader(io.StringIO("\n".join(self.lines)), delimiter=";"))
        self.name = name
        self.codes: dict[str, dict[str, str]] = {}  # column → label → code
        for i, col in enumerate(self.header[:-1]):
            labels = list(dict.fromkeys(r[i] for r in self.rows))
            if col == "OMRÅDE":
                self.codes[col] = {lab: _area_code(lab) for lab in labels}
            elif col == "TID":
                self.codes[col] = {lab: lab.replace("Q", "K") for lab in labels}
            else:
                known = DIM_CODES.get(col, {})
                self.codes[col] = {**known, **{lab: known.get(lab, lab.upper()) for lab in labels}}

    def tableinfo(self) -> dict:
        variables = []
        for col, mapping in self.codes.items():
            is_time = col == "TID"
            variables.append({
                "id": "Tid" if is_time else col,
                "text": "time" if is_time else col.lower(),
                "elimination": not is_time,
                "time": is_time,
                "values": [{"id": code, "text": lab} for lab, code in mapping.items()],
            })
        return {"id": self.name, "text": TABLE_TEXT[self.name], "unit": "number",
                "updated": "2026-02-11T08:00:00", "active": True, "variables": variables}

    def data(self, variables: list[dict]) -> bytes | None:
        """The extract's lines for the requested codes; None when a requested code has no lines."""
        wanted: dict[int, set[str] | None] = {}
        for v in variables:
            col = "TID" if v["code"].upper() == "TID" else v["code"]
            i = self.header.index(col)
            vals = v["values"]
            if vals == ["*"]:
                wanted[i] = None
                continue
            labels = {lab for lab, code in self.codes[col].items() if code in vals}
            present = {r[i] for r in self.rows}
            if labels - present or len(labels) != len(vals):
                return None
            wanted[i] = labels
        keep = [line for line, r in zip(self.lines, self.rows)
                if all(w is None or r[i] in w for i, w in wanted.items())]
        body = "\r\n".join([self.header_line, *keep]) + "\r\n"
        return (b"\xef\xbb\xbf" if self.bom else b"") + body.encode("utf-8")


def _area_code(label: str) -> str:
    code = taxonomy.area_code_for(label)
    if code is not None and taxonomy.area(code).kind != "landsdel":
        return code
    return "X-" + taxonomy.slug(label)  # stand-in: the extracts do not show these codes


def _rudersdal_figures() -> dict[str, list[tuple[str, str, str, float]]]:
    """Table → (area label, period, measure, value) from the Rudersdal appendix."""
    out: dict[str, list[tuple[str, str, str, float]]] = defaultdict(list)
    by_benefit = {b: t for t, b in JI_TABLES.items()}
    with open(DATA_DIR / "plan_figures" / "rudersdal-2021.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["role"] != "observation" or r["benefit"] not in by_benefit or r["measure"] not in JI_MEASURES:
                continue
            out[by_benefit[r["benefit"]]].append(
                (taxonomy.area_name(r["area_code"]), r["period"], r["measure"], float(r["value"])))
    return out


class FakeApis:
    """Start with `start()` (returns the base URL), stop with `stop()`; see the module docstring."""

    def __init__(self, api_key: str = "test-noegle-7Hq2"):
        self.api_key = api_key
        self.tables = {name: _Table(name, SHARED_DST / f) for name, f in DST_FILES.items()}
        self.figures = _rudersdal_figures()
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request, in order
        self.hits: Counter[str] = Counter()  # data requests per scenario
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> str:
        apis = self

        class Handler(_Handler):
            fake = apis

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.hits.clear()

    # --- jobindsats bodies ----------------------------------------------------------------

    def ji_periods(self, table: str) -> list[str]:
        return sorted({p for _a, p, _m, _v in self.figures[table]}, key=periods.sort_key)

    def ji_v2_meta(self, table: str) -> list[dict]:
        return [{"TableID": table, "Name": f"{taxonomy.benefit_label(JI_TABLES[table])} (stand-in)",
                 "Period": self.ji_periods(table),
                 "Dimensions": [{"ID": "area", "Name": "Område"}, {"ID": "period", "Name": "Periode"}],
                 "Measurements": [{"ID": JI_MEASURES[m][0], "Name": JI_MEASURES[m][1]}
                                  for m in self.ji_measures(table)]}]

    def ji_measures(self, table: str) -> list[str]:
        """The measures the appendix prints for every area and period of the table (jobindsats has no
        holes; a measure printed for one year only is left out rather than sent as null)."""
        cells: dict[tuple[str, str], set[str]] = defaultdict(set)
        for area, period, measure, _v in self.figures[table]:
            cells[(area, period)].add(measure)
        return [m for m in JI_MEASURES if all(m in ms for ms in cells.values())]

    def _ji_rows(self, table: str, period_set: set[str] | None, areas: set[str] | None) -> list[list]:
        cells: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
        for area, period, measure, value in self.figures[table]:
            if (period_set is None or period in period_set) and (areas is None or area in areas):
                cells[(area, period)][measure] = value
        ms = self.ji_measures(table)
        return [[area, period, *[_ji_number(cells[(area, period)][m]) for m in ms]]
                for (area, period) in sorted(cells, key=lambda k: (k[0], periods.sort_key(k[1])))]

    def ji_v2_data(self, table: str, body: dict) -> list[dict]:
        area = body.get("area", "*")
        areas = None if area in ("*", ["*"]) else set(area if isinstance(area, list) else [area])
        period_set = set(body.get("period") or self.ji_periods(table))
        variables = [{"Name": "area", "Label": "Område", "Type": "Dimension"},
                     {"Name": "period", "Label": "Periode", "Type": "Dimension"},
                     *[{"Name": JI_MEASURES[m][0], "Label": JI_MEASURES[m][1], "Type": "Measurement"}
                       for m in self.ji_measures(table)]]
        return [{"TableID": table, "Variables": variables, "Data": self._ji_rows(table, period_set, areas)}]

    def ji_v3_data(self, table: str, query: dict[str, list[str]]) -> dict:
        ps = self.ji_periods(table)
        for key, vals in query.items():
            if key.startswith("period.") and vals and vals[0].startswith("latest:"):
                ps = ps[-int(vals[0].split(":")[1]):]
        columns = ["Område", "Periode", *[JI_MEASURES[m][1] for m in self.ji_measures(table)]]
        return {"table": table, "columns": columns, "rows": self._ji_rows(table, set(ps), None)}


def _ji_number(v: float | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


class _Handler(BaseHTTPRequestHandler):
    fake: FakeApis
    protocol_version = "HTTP/1.0"

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    # --- plumbing -------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None,
              length: int | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def _json(self, obj: object, status: int = 200) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _route(self, method: str) -> None:
        f = self.fake
        u = urlsplit(self.path)
        path = u.path
        with f._lock:
            f.requests.append((method, path))
        scenario = None
        if path.startswith("/s/"):
            _, _, scenario, path = path.split("/", 3)
            path = "/" + path
        body = b""
        if method == "POST":
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        is_data = "/data/" in path
        is_ji = path.startswith(("/v2/", "/v3/"))
        if scenario == "404":
            return self._send(404, b'{"message": "Not found"}', "application/json")
        if scenario == "expired-key" and is_ji:
            return self._json(EXPIRED)
        if is_ji and not self._key_ok(path):
            return self._json(EXPIRED)
        if is_data and scenario:
            with f._lock:
                f.hits[scenario] += 1
                n = f.hits[scenario]
            if scenario.startswith("2nd-"):  # the first data request is answered normally
                scenario, n = (scenario[4:] if n >= 2 else None), n - 1
            if scenario == "429-then-200" and n == 1:
                return self._send(429, b'{"message": "Too many requests"}', "application/json", {"Retry-After": "0"})
            if scenario == "500x3" and n <= 3:
                return self._send(500, b"Internal Server Error", "text/plain")
            if scenario == "html":
                page = b"<!DOCTYPE html><html><head><title>Vedligeholdelse</title></head><body>Nede</body></html>"
                return self._send(200, page, "text/html; charset=utf-8")
            if scenario == "slow":
                time.sleep(SLOW_SECONDS)
        try:
            status, payload, ctype = self._answer(method, path, u.query, body)
        except (KeyError, ValueError, json.JSONDecodeError) as e:
            return self._send(400, json.dumps({"message": f"Bad request: {e}"}).encode(), "application/json")
        if is_data and scenario == "truncated":
            return self._send(status, payload[: len(payload) // 2], ctype, length=len(payload))
        if is_data and scenario == "cut-short":
            cut = payload[: len(payload) // 2]
            cut = cut[: cut.rfind(b";")]  # stop in the middle of a line
            return self._send(status, cut, ctype)
        self._send(status, payload, ctype)

    def _key_ok(self, path: str) -> bool:
        auth = self.headers.get("Authorization", "")
        expected = f"Bearer {self.fake.api_key}" if path.startswith("/v3/") else self.fake.api_key
        return auth == expected

    def _answer(self, method: str, path: str, query: str, body: bytes) -> tuple[int, bytes, str]:
        f = self.fake
        parts = [p for p in path.split("/") if p]
        js = "application/json; charset=utf-8"
        if parts[:2] == ["v1", "tableinfo"] and len(parts) == 3:
            table = f.tables.get(parts[2].upper())
            if table is None:
                return 400, json.dumps({"errorTypeCode": "TABLE-NOTFOUND",
                                        "message": f"Tabellen \"{parts[2]}\" blev ikke fundet"}).encode(), js
            return 200, json.dumps(table.tableinfo(), ensure_ascii=False).encode("utf-8"), js
        if parts[:2] == ["v1", "data"] and len(parts) == 4 and method == "POST":
            req = json.loads(body)
            table = f.tables.get(parts[2].upper())
            if table is None or req.get("format", parts[3]).upper() != "CSV" or req.get("lang", "en") != "en":
                return 400, b'{"message": "Denne erstatning kan kun tabellerne i data/dst/ som CSV, lang=en"}', js
            data = table.data(req["variables"])
            if data is None:
                return 400, b'{"message": "En af de valgte koder har ingen data i udtraekket"}', js
            return 200, data, "text/csv; charset=utf-8"
        if parts[:2] == ["v2", "tables"] and len(parts) >= 3 and parts[2] in f.figures:
            return 200, json.dumps(f.ji_v2_meta(parts[2]), ensure_ascii=False).encode("utf-8"), js
        if parts[:2] == ["v2", "data"] and len(parts) >= 3 and parts[2] in f.figures and method == "POST":
            out = f.ji_v2_data(parts[2], json.loads(body or b"{}"))
            return 200, json.dumps(out, ensure_ascii=False).encode("utf-8"), js
        if parts[:2] == ["v3", "data"] and len(parts) == 3 and parts[2] in f.figures:
            out = f.ji_v3_data(parts[2], parse_qs(query))
            return 200, json.dumps(out, ensure_ascii=False).encode("utf-8"), js
        return 404, b'{"message": "Not found"}', js


if __name__ == "__main__":  # for trying the CLI by hand: python -m tests.fetch_server
    apis = FakeApis()
    print(apis.start(), "nøgle:", apis.api_key, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        apis.stop()
