"""Who may write, and what hostile input can do: unauthenticated requests never reach upload, fetch
or undo (by navigation, typed URL, query parameter, the upload endpoint or the agent API); passwords
live only as hashes and never in logs; repeated wrong passwords are slowed, then locked out; exports
never hand Excel a formula."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from beskdash import auth, compare, exports
from beskdash.paths import ROOT
from beskdash.store import Store
from tests.browser.conftest import AppServer

pytestmark = [pytest.mark.fault, pytest.mark.timeout(120)]

PASSWORD = "et-rigtig-godt-kodeord"
FAST = 1000  # PBKDF2 iterations for test hashes (stored in the hash; production uses 600.000)
ANALYST_PAGES = ["pages/upload.py", "pages/hent.py", "pages/logbog.py"]
# Query parameters a hopeful reader might try instead of logging in.
HOPEFUL = {"beskdash_user": "anna", "user": "anna", "role": "analyst", "page": "upload", "analyst": "1"}


def _app(db: Path, monkeypatch: pytest.MonkeyPatch, users: dict | None = None) -> AppTest:
    monkeypatch.setenv("BESKDASH_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {"users": users if users is not None else {
        "anna": {"password_hash": auth.hash_password(PASSWORD, iterations=FAST), "role": "analyst"}}}
    return at


def _refused(at: AppTest, page: str) -> None:
    """The page is not in a reader's navigation; reached anyway (a stale link), its gate stops the run."""
    try:
        at.switch_page(page).run()
    except Exception as e:  # not a page of this session's navigation
        assert "Could not find a navigation page" in str(e)
        return
    assert not at.exception
    assert [w.value for w in at.warning] == ["Denne side er kun for analytikere. Log ind for at fortsætte."]
    assert len(at.file_uploader) == 0
    assert not [b for b in at.button if b.label in ("Bekræft import", "Fortryd import", "Hent", "Bekræft og gem")]


def _login(at: AppTest, name: str, password: str) -> AppTest:
    at.switch_page("pages/login.py").run()
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    next(b for b in at.button if b.label == "Log ind").click().run()
    return at


@pytest.mark.parametrize("page", ANALYST_PAGES)
def test_a_reader_never_reaches_upload_fetch_or_undo_even_with_query_parameters(
        page: str, db_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db_copy, monkeypatch)
    for k, v in HOPEFUL.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception and at.title[0].value == "Overblik"
    _refused(at, page)


def test_a_plain_password_in_secrets_never_logs_in(db_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    at = _app(db_copy, monkeypatch, users={
        "bo": {"password": "klartekst-kodeord", "role": "analyst"},
        "anna": {"password_hash": auth.hash_password(PASSWORD, iterations=FAST), "role": "analyst"}})
    with caplog.at_level(logging.INFO):
        at.run()
        _login(at, "bo", "klartekst-kodeord")
    assert not at.exception
    assert [e.value for e in at.error] == [auth.WRONG]
    _refused(at, "pages/upload.py")
    # the operator is told why; the password itself is in no log line
    assert any("bo har ingen gyldig password_hash" in r.getMessage() for r in caplog.records)
    assert not any("klartekst-kodeord" in r.getMessage() for r in caplog.records)


def test_the_repository_holds_no_passwords_and_ignores_the_real_secrets_file() -> None:
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text().splitlines()
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    for name, entry in example.get("auth", {}).get("users", {}).items():
        assert "password" not in entry and auth.is_hash(entry["password_hash"]), name
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "enableXsrfProtection = true" in config
    assert "enableAgentApi" not in config  # Streamlit's agent API stays off (its default)


def test_wrong_passwords_are_slowed_then_locked_and_logged_without_the_password(
        db_copy: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    name = "bent-laast"  # its own name: the wrong-password counts live as long as the app process
    at = _app(db_copy, monkeypatch, users={
        name: {"password_hash": auth.hash_password(PASSWORD, iterations=FAST), "role": "analyst"}})
    at.run()
    took = []
    with caplog.at_level(logging.INFO):
        for i in range(auth.MAX_FAILURES):
            t0 = time.monotonic()
            _login(at, name, f"forkert-{i}")
            took.append(time.monotonic() - t0)
    assert all(e.value.startswith(auth.WRONG) for e in at.error)
    assert "For mange forkerte forsøg" in at.error[0].value
    # each wrong password waits longer than the one before (0,5 s, 1 s, 2 s, 4 s)
    assert took[1] > took[0] + 0.3 and took[2] > took[1] + 0.6 and took[3] > took[2] + 1.5, took
    # now even the right password is refused for a while
    _login(at, name, PASSWORD)
    assert [e.value for e in at.error] == ["For mange forkerte forsøg. Prøv igen om 15 minutter."]
    _refused(at, "pages/upload.py")
    assert not any("forkert-" in r.getMessage() or PASSWORD in r.getMessage() for r in caplog.records)
    assert any(name in r.getMessage() and "låst" in r.getMessage() for r in caplog.records)


def test_an_analyst_who_logs_in_does_reach_upload(db_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate is not simply closed: with the right password the same session gets Upload."""
    at = _app(db_copy, monkeypatch)
    at.run()
    _login(at, "anna", PASSWORD)
    at.switch_page("pages/upload.py").run()
    assert not at.exception and len(at.file_uploader) == 1


# --- over HTTP, against `python -m beskdash serve` --------------------------------------------------

@pytest.fixture(scope="module")
def served(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app as shipped (.streamlit/config.toml), on its own database copy."""
    db = tmp_path_factory.mktemp("security") / "beskdash.duckdb"
    db.write_bytes(built_db.read_bytes())
    s = AppServer(db)
    yield s
    s.stop()


def _http(url: str, method: str = "GET", data: bytes | None = None, headers: dict | None = None
          ) -> tuple[int, str]:
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def test_the_upload_endpoint_refuses_a_request_without_the_session_token(served: AppServer) -> None:
    status, body = _http(served.url + "/_stcore/upload_file/en-session/en-fil", "PUT", b"x" * 100,
                         {"Content-Type": "application/octet-stream"})
    assert status == 403 and "XSRF" in body


def test_the_agent_api_is_off_as_shipped(served: AppServer) -> None:
    """Streamlit can be driven over HTTP by its agent API; beskdash does not turn it on."""
    status, body = _http(served.url + "/_stcore/agent/interact", "POST", b"{}", {"Content-Type": "application/json"})
    assert status >= 400 and "enableAgentApi" in body
    status, body = _http(served.url + "/_stcore/agent/openapi.json")
    assert json.loads(body)["info"]["x-streamlit-agent-api"] != "available"


def test_even_with_the_agent_api_on_an_anonymous_session_never_gets_upload_or_fetch(
        built_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "beskdash.duckdb"
    db.write_bytes(built_db.read_bytes())
    s = AppServer(db, extra_env={"STREAMLIT_SERVER_ENABLE_AGENT_API": "true"})
    try:
        def interact(body: dict) -> tuple[int, dict]:
            status, text = _http(s.url + "/_stcore/agent/interact", "POST", json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
            return status, json.loads(text)

        status, snap = interact({"query_params": {k: [v] for k, v in HOPEFUL.items()}})
        assert status == 200 and snap["status"] == "ready"
        assert {p["url_path"] for p in snap["pages"]} & {"upload", "hent", "logbog"} == set()
        for page in ("upload", "hent", "logbog"):
            status, err = interact({"session_id": snap["session_id"], "page": page})
            assert status == 404 and err["error"]["code"] == "unknown_page", err
        keys = {a.get("key") for a in snap["actions"]}
        assert not any(k and ("upload" in k or "hent" in k) for k in keys)
    finally:
        s.stop()


# --- exports --------------------------------------------------------------------------------------

HOSTILE = ["=HYPERLINK(\"http://x\";\"klik\")", "+45 1234", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1"]


def test_exports_of_a_real_comparison_never_hand_excel_a_formula(ro_store: Store) -> None:
    view = compare.resolve_view(ro_store, {"gruppe": "alleroed"})
    doc = exports.comparison_document(ro_store, compare.comparison_for(ro_store, view))
    table = doc.table.copy()
    table.iloc[0, 0] = HOSTILE[0]
    table.columns = [HOSTILE[1], *table.columns[1:]]
    hostile = dataclasses.replace(doc, title=HOSTILE[4], table=table, notes=(*doc.notes, *HOSTILE[2:]))

    cells = [c for row in csv.reader(io.StringIO(exports.excel_csv(hostile).decode("utf-8-sig")), delimiter=";")
             for c in row]
    assert all(h not in cells for h in HOSTILE)
    assert all(not c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)
    assert all(not c.startswith("-") or c.replace(",", "").lstrip("-").isdigit() for c in cells)  # only numbers
    assert "'" + HOSTILE[0] in cells and "'" + HOSTILE[4] in cells

    wb = openpyxl.load_workbook(io.BytesIO(exports.xlsx(hostile)))
    ws = wb.active
    values = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in values), [c.value for c in values if c.data_type == "f"]
    texts = [c.value for c in values if isinstance(c.value, str)]
    assert "'" + HOSTILE[0] in texts and all(not t.startswith(("=", "+", "-", "@")) for t in texts)
    numbers = [c.value for c in values if isinstance(c.value, int | float)]
    assert numbers, "tallene skal stadig være tal i regnearket"
