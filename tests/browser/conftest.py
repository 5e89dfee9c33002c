"""The whole app in a real browser: `streamlit run` on 127.0.0.1 and Debian's chromium via Playwright.

Chromium is installed by `make test` (apt-get); Playwright's own browser downloads do not
work offline, so we launch /usr/bin/chromium. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from beskdash.paths import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str, seconds: float) -> bool:
    """Whether `url` answers 200 within `seconds` (a server just started: poll its health endpoint)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)  # not up yet; the deadline bounds the loop
    return False


class LocalServer:
    """A server process the tests start on 127.0.0.1: its log in test-artifacts/, up when `ready_path` answers."""

    name = "serveren"

    def __init__(self, cmd: list[str], port: int, ready_path: str, seconds: float, cwd: Path,
                 env: dict[str, str] | None = None, log_name: str = "server"):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = ARTIFACTS / f"{log_name}-{port}.log"
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        if not answers(self.url + ready_path, seconds=seconds):
            self.stop()
            raise RuntimeError(f"{self.name} startede ikke: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class AppServer(LocalServer):
    name = "streamlit"

    def __init__(self, db: Path, extra_env: dict[str, str] | None = None, port: int | None = None):
        port = port or _free_port()
        super().__init__(
            [sys.executable, "-m", "beskdash", "serve", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            port, "/_stcore/health", 60, ROOT, {**os.environ, "BESKDASH_DB": str(db), **(extra_env or {})},
            "streamlit")


@pytest.fixture(scope="session")
def app_db(tmp_path_factory: pytest.TempPathFactory, built_db: Path) -> Path:
    dst = tmp_path_factory.mktemp("browser-db") / "beskdash.duckdb"
    shutil.copy(built_db, dst)
    return dst


@pytest.fixture(scope="session")
def app_server(app_db: Path) -> Iterator[AppServer]:
    server = AppServer(app_db)
    yield server
    server.stop()


# One Playwright and one chromium per test process: tests outside this folder (tests/fault) import
# these fixtures too, and Playwright's sync API cannot be started a second time while it runs.
_PLAYWRIGHT: dict[str, object] = {}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "chromium mangler: make test installerer den med apt-get install chromium"
    if not _PLAYWRIGHT:
        manager = sync_playwright()
        pw = manager.__enter__()
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        _PLAYWRIGHT.update(manager=manager, browser=b, users=0)
    _PLAYWRIGHT["users"] += 1
    yield _PLAYWRIGHT["browser"]
    _PLAYWRIGHT["users"] -= 1
    if _PLAYWRIGHT["users"] == 0:
        _PLAYWRIGHT["browser"].close()
        _PLAYWRIGHT["manager"].__exit__(None, None, None)
        _PLAYWRIGHT.clear()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="da-DK")
    pg = context.new_page()
    external: list[str] = []
    # The app must work fully offline: record any request to another host.
    pg.on("request", lambda r: external.append(r.url)
          if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")) else None)
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert external == [], f"siden hentede fra andre værter: {external[:5]}"


# The app after a finished run, in one selector (so one moment, not four checks in a row): Streamlit's
# root says its script has run and is not running ("initial" before the first run), the running
# indicator is gone, the main block is drawn, and no element is left stale (greyed) from an earlier run.
SETTLED = ("[data-testid='stApp'][data-test-script-state='notRunning']"
           ":not(:has([data-testid='stStatusWidget'])):has([data-testid='stMainBlockContainer'])"
           ":not(:has([data-testid='stElementContainer'][data-stale='true']))"
           # widgets whose code Streamlit loads lazily show a skeleton until it has arrived
           ":not(:has([data-testid='stSkeleton']))")


def wait_for_app(pg: object, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished a run (SETTLED). After a click, first wait for what the click
    brings: a rerun that has not started yet looks settled too."""
    expect(pg.locator(SETTLED)).to_have_count(1, timeout=timeout)


# Each chart's drawing as a string (a canvas's pixels, an svg's markup); "" while a chart has none yet.
_CHARTS_NOW = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].map(el => {
    const c = el.querySelector('canvas'), svg = el.querySelector('svg');
    return c && c.width ? c.toDataURL() : svg ? svg.outerHTML : '';
}).join('|')"""


def charts_drawn(pg: object, timeout: float = 30_000) -> None:
    """Wait until every chart on the page is drawn and its drawing holds still: vega draws after
    Streamlit's run (and again when it sizes the chart to the column), so the run being over is not enough."""
    pg.wait_for_function(f"""() => {{
        const now = ({_CHARTS_NOW})();
        const same = now !== '' && !now.split('|').includes('') && now === window.__beskdashCharts;
        window.__beskdashCharts = now;
        return same;
    }}""", polling=250, timeout=timeout)


# --- shared by the browser suite: analysts, error elements, axe-core ------------------------------

ANALYST_PASSWORD = "et-rigtig-godt-kodeord"
# What Streamlit draws for an uncaught exception and for st.error.
ERROR_ELEMENTS = "[data-testid='stException'], [data-testid='stAlertContentError']"
AXE_JS = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"


def analyst_server_for(db: Path, tmp: Path, extra_env: dict[str, str] | None = None) -> AppServer:
    """A server on `db` whose secrets file has one analyst, anna (a test hash: 1.000 iterations)."""
    from beskdash import auth

    secrets = tmp / "secrets.toml"
    line = auth.secrets_line("anna", auth.hash_password(ANALYST_PASSWORD, iterations=1000))
    secrets.write_text(f"[auth.users]\n{line}\n", encoding="utf-8")
    return AppServer(db, extra_env={"STREAMLIT_SECRETS_FILES": str(secrets), **(extra_env or {})})


@pytest.fixture(scope="module")
def analyst_server(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """Its own database copy (analysts write) and an analyst login; one per test module."""
    d = tmp_path_factory.mktemp("analyst-browser")
    db = d / "beskdash.duckdb"
    shutil.copy(built_db, db)
    server = analyst_server_for(db, d)
    yield server
    server.stop()


def login(pg: object, server: AppServer, name: str = "anna", password: str = ANALYST_PASSWORD) -> None:
    pg.goto(server.url + "/login")
    wait_for_app(pg)
    pg.get_by_label("Brugernavn").fill(name)
    pg.get_by_label("Adgangskode").fill(password)
    pg.get_by_role("button", name="Log ind").click()
    pg.get_by_text(f"Du er logget ind som {name}.").wait_for(timeout=30_000)


def go_to(pg: object, title: str) -> None:
    """Follow the sidebar link `title`, as a user does (the session, and a login, are kept)."""
    pg.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title, exact=True).click()
    pg.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
    wait_for_app(pg)


def no_errors(pg: object) -> None:
    errors = pg.locator(ERROR_ELEMENTS)
    assert errors.count() == 0, [errors.nth(i).inner_text()[:300] for i in range(errors.count())]


def upload(pg: object, server: AppServer, file: Path, preview: str = "ændrede: 0", timeout: float = 30_000) -> None:
    """As an analyst does it: log in, open Upload, choose `file`, and wait for its preview (a text in it)."""
    login(pg, server)
    go_to(pg, "Upload")
    pg.locator("input[type='file']").set_input_files(str(file))
    pg.get_by_text(preview, exact=False).wait_for(timeout=timeout)


def confirm_import(pg: object, said: str, timeout: float = 30_000) -> None:
    """Press Bekræft import on the preview shown and wait for the result message (a text in it)."""
    pg.get_by_role("button", name="Bekræft import").click(timeout=timeout)
    pg.get_by_text(said, exact=False).wait_for(timeout=timeout)
