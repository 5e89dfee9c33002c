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

from beskdash.paths import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    def __init__(self, db: Path, extra_env: dict[str, str] | None = None, port: int | None = None):
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ARTIFACTS / f"streamlit-{self.port}.log"
        ARTIFACTS.mkdir(exist_ok=True)
        env = {**os.environ, "BESKDASH_DB": str(db), **(extra_env or {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "beskdash", "serve", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit startede ikke: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


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


def wait_for_app(pg: object, timeout: float = 30_000) -> None:
    """Streamlit renders after the websocket run: wait until no element is 'running'."""
    pg.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    pg.wait_for_timeout(300)


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
