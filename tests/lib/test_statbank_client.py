"""The StatBank client against the shape of StatBank's real answers (../shared/data/dst/api-recordings/).

Elimination: tableinfo marks variables `elimination: true`, and StatBank answers with their total
when they are left out of the request. STRAF42's OVERTRÆD total is labelled "Nature of the offence,
total", which no list of total labels foresees, so the client leaves such variables out instead of
looking for the total. The synthetic answers here are built in the recordings' shape (never copies);
the recordings themselves are read from ../shared where present.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from beskdash.fetch import statbank
from beskdash.fetch.http import FetchError, HttpSettings
from beskdash.readers import statbank as reader
from tests.conftest import RECORDINGS, needs_recordings

FAST = HttpSettings(timeout=2.0, attempts=1, backoff=0.0)


def _var(vid: str, text: str, values: list[tuple[str, str]], elimination: bool = True, time: bool = False) -> dict:
    return {"id": vid, "text": text, "elimination": elimination, "time": time,
            "values": [{"id": c, "text": t} for c, t in values]}


def straf_like() -> dict:
    """A tableinfo in STRAF42's shape: every variable but time may be eliminated, odd total labels."""
    return {"id": "STRAF42", "text": "Decisions, total", "unit": "Number", "suppressedDataValue": "0",
            "updated": "2025-03-25T08:00:00", "active": True, "variables": [
                _var("HERKOMST1", "national origin", [("00", "Total"), ("80", "Danish citizens")]),
                _var("OVERTRÆD", "type of offence", [("TOT", "Nature of the offence, total"),
                                                     ("1", "Criminal code, total")]),
                _var("KØN", "sex", [("TOT", "Total"), ("M", "Men"), ("K", "Women")]),
                _var("Tid", "time", [("2022", "2022"), ("2023", "2023")], elimination=False, time=True)]}


def auk01_like() -> dict:
    return {"id": "AUK01", "text": "Persons receiving public benefits", "unit": "Number",
            "updated": "2025-06-18T08:00:00", "active": True, "variables": [
                _var("OMRÅDE", "region", [("000", "All Denmark"), ("201", "Allerød")]),
                _var("YDELSESTYPE", "type of benefits", [("TOT", "Total"),
                                                         ("NETKH", "Net unemployed recipients of social assistance")]),
                _var("KØN", "sex", [("TOT", "Total"), ("M", "Men"), ("K", "Women")]),
                _var("ALDER", "age", [("TOT", "Age, total"), ("16-19", "16-19 years")]),
                _var("Tid", "time", [("2019K4", "2019Q4"), ("2020K1", "2020Q1")], elimination=False, time=True)]}


def test_eliminable_variables_are_left_out_whatever_their_total_is_called() -> None:
    info = statbank.parse_tableinfo(json.dumps(straf_like()).encode(), "STRAF42", "test")
    assert [v.elimination for v in info.variables] == [True, True, True, False]
    body, _notes = statbank.query(info, None, None, "en")
    assert body["variables"] == [{"code": "Tid", "values": ["2022", "2023"]}]


def test_a_variable_that_cannot_be_left_out_is_asked_at_its_total_or_refused() -> None:
    doc = straf_like()
    doc["variables"][1]["elimination"] = False  # OVERTRÆD must be given: its ", total" value is the total
    doc["variables"][2]["elimination"] = False
    body, _ = statbank.query(statbank.parse_tableinfo(json.dumps(doc).encode(), "STRAF42", "t"), None, None, "en")
    assert {v["code"]: v["values"] for v in body["variables"]} == {"OVERTRÆD": ["TOT"], "KØN": ["TOT"],
                                                                    "Tid": ["2022", "2023"]}
    doc["variables"][2]["values"] = [{"id": "M", "text": "Men"}, {"id": "K", "text": "Women"}]
    with pytest.raises(FetchError, match="dimensionen KØN kan ikke udelades og har ingen total"):
        statbank.query(statbank.parse_tableinfo(json.dumps(doc).encode(), "STRAF42", "t"), None, None, "en")


def test_auk01_benefit_total_is_never_fetched_and_sex_age_are_left_out() -> None:
    info = statbank.parse_tableinfo(json.dumps(auk01_like()).encode(), "AUK01", "t")
    body, _ = statbank.query(info, ["201"], None, "en")
    assert {v["code"]: v["values"] for v in body["variables"]} == {
        "OMRÅDE": ["201"], "YDELSESTYPE": ["NETKH"], "Tid": ["2019K4", "2020K1"]}


@needs_recordings
def test_real_straf42_tableinfo_parses_and_needs_no_total_label() -> None:
    for lang in ("en", "da"):
        raw = (RECORDINGS / f"tableinfo_STRAF42_{lang}.json").read_bytes()
        info = statbank.parse_tableinfo(raw, "STRAF42", "optagelse")
        assert info.time_var.id == "Tid" and all(v.elimination for v in info.variables if not v.time)
        body, _ = statbank.query(info, None, "2023", lang)
        assert [v["code"] for v in body["variables"]] == ["Tid"]  # OVERTRÆD et al. left out: StatBank sums them


@needs_recordings
def test_real_csv_answer_shape_is_what_the_reader_expects() -> None:
    raw = (RECORDINGS / "data_STRAF42.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert raw.decode("utf-8-sig").splitlines()[0] == "HERKOMST1;TID;INDHOLD"  # left-out variables: no column
    assert reader.looks_like_statbank(raw.decode("utf-8-sig"))


def test_reader_takes_an_answer_without_the_left_out_columns() -> None:
    row = "Allerød;Net unemployed recipients of social assistance;2019Q4;24"
    text = f"\ufeffOMRÅDE;YDELSESTYPE;TID;INDHOLD\r\n{row}\r\n"
    r = reader.read(text.encode(), "AUK01.csv")
    assert r.problems == []
    assert r.frame[["area_code", "period", "value"]].values.tolist() == [["201", "2019Q4", 24.0]]


class _Handler(BaseHTTPRequestHandler):
    requests: list[tuple[str, str, dict | None]] = []  # noqa: RUF012 (reset per test by the fixture)

    def log_message(self, *_a: object) -> None:
        pass

    def _send(self, body: bytes, ctype: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.requests.append(("GET", self.path, None))
        self._send(json.dumps(straf_like(), ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append(("POST", self.path, body))
        # As StatBank answers: the left-out variables have no column, BOM, `;`, CRLF.
        self._send("\ufeffTID;INDHOLD\r\n2022;231000\r\n2023;233454\r\n".encode(), "text/csv; charset=utf-8")


@pytest.fixture
def local_statbank() -> Iterator[str]:
    _Handler.requests = []
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_fetch_of_a_straf42_like_table_sends_only_time(local_statbank: str) -> None:
    f = statbank.fetch_table("STRAF42", areas=None, from_period="2022", url=local_statbank, settings=FAST)
    (m1, p1, _), (m2, p2, body) = _Handler.requests
    assert (m1, p1.split("?")[0], m2, p2) == ("GET", "/v1/tableinfo/STRAF42", "POST", "/v1/data/STRAF42/CSV")
    assert body == {"table": "STRAF42", "format": "CSV", "lang": "en", "variables": [
        {"code": "Tid", "values": ["2022", "2023"]}]}
    assert f.data.decode("utf-8-sig").splitlines() == ["TID;INDHOLD", "2022;231000", "2023;233454"]
