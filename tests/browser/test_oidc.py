"""Login through a real OpenID Connect provider (npm oidc-provider on 127.0.0.1), in chromium.

The provider has two accounts: anna, in the group beskdash-analytikere, and rolf, who is not. Streamlit does
the protocol (st.login/st.user/st.logout); beskdash decides the role from the `groups` claim.
"""

from __future__ import annotations

import base64
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from beskdash.paths import ROOT
from tests.browser.conftest import (
    ARTIFACTS,
    AppServer,
    LocalServer,
    _free_port,
    go_to,
    no_errors,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

NODE_MODULES = ROOT / "tests" / "browser" / "node_modules"
PROVIDER_JS = ROOT / "tests" / "browser" / "oidc_provider.mjs"
CLIENT_ID, CLIENT_SECRET = "beskdash", "test-hemmelighed-for-klienten"
COOKIE_SECRET = "en-lang-tilfaeldig-cookie-hemmelighed-kun-til-test"


class Provider(LocalServer):
    name = "oidc-provider"

    def __init__(self, redirect_uri: str):
        port = _free_port()
        super().__init__(["node", str(PROVIDER_JS), str(port), redirect_uri, CLIENT_ID, CLIENT_SECRET],
                         port, "/.well-known/openid-configuration", 30, PROVIDER_JS.parent, log_name="oidc-provider")


@pytest.fixture(scope="module")
def oidc(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, Provider, Path]]:
    assert (NODE_MODULES / "oidc-provider").is_dir(), "oidc-provider mangler: make test installerer den med npm"
    d = tmp_path_factory.mktemp("oidc")
    db = d / "beskdash.duckdb"
    shutil.copy(built_db, db)
    app_port = _free_port()
    provider = Provider(f"http://127.0.0.1:{app_port}/oauth2callback")
    secrets = d / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        f'client_id = "{CLIENT_ID}"\nclient_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n'
        # oidc-provider knows prompt=login/consent, not Streamlit's default select_account (Entra knows both).
        'client_kwargs = { scope = "openid profile email groups", prompt = "login" }\n'
        'analyst_claim = "groups"\nanalyst_value = "beskdash-analytikere"\n', encoding="utf-8")
    try:
        server = AppServer(db, extra_env={"STREAMLIT_SECRETS_FILES": str(secrets)}, port=app_port)
    except Exception:
        provider.stop()
        raise
    yield server, provider, db
    server.stop()
    provider.stop()


@pytest.fixture
def page(browser, oidc, request: pytest.FixtureRequest) -> Iterator[object]:
    """Like the suite's page, but the test provider's own pages ask Google for a font: those requests are
    refused here, and only what the app's pages ask of other hosts fails the test."""
    server = oidc[0]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="da-DK")
    pg = context.new_page()
    external: list[str] = []

    def guard(route) -> None:
        req = route.request
        if req.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()
            return
        if req.frame.url.startswith(server.url):
            external.append(req.url)
        route.abort()

    context.route("**/*", guard)
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert external == [], f"appens sider hentede fra andre værter: {external[:5]}"


def _provider_login(pg, server: AppServer, account: str) -> None:
    """Through the provider's own forms: sign in, then allow the client (consent). A provider that still has
    a session from earlier skips its forms, as a real one does."""
    pg.goto(server.url + "/login")
    wait_for_app(pg)
    pg.get_by_role("button", name="Log ind med kommunens login").click()
    signed_in = pg.get_by_text("Du er logget ind som")
    login_field = pg.locator("input[name='login']")
    login_field.or_(signed_in).first.wait_for(timeout=30_000)
    if login_field.count():
        login_field.fill(account)
        pg.locator("input[name='password']").fill("hvad-som-helst")
        pg.locator("button[type='submit']").click()
        consent = pg.locator("button[type='submit']", has_text="Continue")
        back = pg.get_by_role("heading", name="Overblik")
        consent.or_(back).first.wait_for(timeout=30_000)
        if consent.count():  # the first time only: allow the client
            consent.click()
    # The provider sends the browser back to the app's start page; the login page then names the user.
    pg.get_by_role("heading", name="Overblik").or_(signed_in).first.wait_for(timeout=30_000)
    pg.goto(server.url + "/login")
    wait_for_app(pg)
    signed_in.wait_for(timeout=30_000)


def _logout(pg) -> None:
    """Log ud ends the session at the provider too (RP-initiated logout): confirm there, back to the app."""
    pg.get_by_role("button", name="Log ud").click()
    pg.locator("button[type='submit'], input[type='submit']").first.click()  # the provider's "sign me out?"
    pg.get_by_role("heading", name="Overblik").wait_for(timeout=30_000)


def _nav_titles(pg) -> list[str]:
    links = pg.locator("[data-testid='stSidebarNav'] a")
    # each link reads "<icon name>\n\n<title>": the title is the last line
    return [links.nth(i).inner_text().strip().splitlines()[-1] for i in range(links.count())]


NEW_ROW = "Gladsaxe;Net unemployed recipients of social assistance;Total;Age, total;2026Q2;1234"


def test_analyst_logs_in_through_the_provider_imports_and_logs_out(oidc, page, tmp_path: Path) -> None:
    server, _provider, _db = oidc
    _provider_login(page, server, "anna")
    page.get_by_text("Du er logget ind som anna@kommune.test.").wait_for()
    assert "Upload" in _nav_titles(page) and "Logbog" in _nav_titles(page)
    go_to(page, "Upload")
    f = tmp_path / "AUK01_2026K2.csv"
    f.write_bytes(("\ufeffOMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD\r\n" + NEW_ROW + "\r\n").encode("utf-8"))
    page.locator("input[type='file']").set_input_files(str(f))
    page.get_by_text("nye: 1, ændrede: 0", exact=False).wait_for(timeout=30_000)
    page.get_by_role("button", name="Bekræft import").click()
    page.get_by_text("1 nye, 0 ændrede", exact=False).wait_for(timeout=30_000)
    go_to(page, "Logbog")
    log = page.get_by_role("row").filter(has_text="anna@kommune.test")
    expect(log.filter(has_text="Import").filter(has_text="AUK01_2026K2.csv")).to_have_count(1)
    expect(log.filter(has_text="Login")).to_have_count(1)
    no_errors(page)
    go_to(page, "Log ind")
    _logout(page)
    page.goto(server.url + "/login")
    wait_for_app(page)
    page.get_by_role("button", name="Log ind med kommunens login").wait_for(timeout=30_000)
    assert "Upload" not in _nav_titles(page)
    page.goto(server.url + "/upload")
    wait_for_app(page)
    assert page.locator("input[type='file']").count() == 0
    # Back in: the log shows the whole session, newest first.
    _provider_login(page, server, "anna")
    go_to(page, "Logbog")
    rows = page.get_by_role("row").filter(has_text="anna@kommune.test")
    expect(rows.first).to_contain_text("Login")
    expect(rows.nth(1)).to_contain_text("Log ud")
    expect(rows.nth(2)).to_contain_text("Import")
    expect(rows.nth(3)).to_contain_text("Login")


def test_a_reader_logs_in_and_never_reaches_analysts_pages(oidc, page) -> None:
    server, _provider, _db = oidc
    _provider_login(page, server, "rolf")
    page.get_by_text("Du er logget ind som rolf@kommune.test.").wait_for()
    page.get_by_text("Din bruger har ikke rollen som analytiker").wait_for()
    titles = _nav_titles(page)
    assert not {"Upload", "Hent data", "Logbog"} & set(titles), titles
    for path in ("upload", "hent", "logbog"):
        page.goto(f"{server.url}/{path}")
        wait_for_app(page)
        assert page.locator("input[type='file']").count() == 0
        assert page.get_by_role("button", name="Bekræft import").count() == 0
        assert page.get_by_role("heading", name="Logbog").count() == 0
    no_errors(page)


def test_a_tampered_or_expired_identity_cookie_leads_back_to_the_login(oidc, page) -> None:
    server, _provider, _db = oidc
    _provider_login(page, server, "anna")
    context = page.context
    cookies = context.cookies()
    user_cookies = [c for c in cookies if c["name"].startswith("_streamlit_user")]
    assert user_cookies, [c["name"] for c in cookies]
    # Tampered: an analyst's claims put into the payload; the signature no longer fits it.
    forged = base64.urlsafe_b64encode(b'"{\\"is_logged_in\\": true, \\"email\\": \\"mallory@x\\", '
                                      b'\\"groups\\": [\\"beskdash-analytikere\\"]}"').decode().rstrip("=")
    tampered = [{**c, "value": forged + c["value"][c["value"].index("."):]} for c in user_cookies]
    context.add_cookies(tampered)
    page.goto(server.url + "/login")
    wait_for_app(page)
    page.get_by_role("button", name="Log ind med kommunens login").wait_for(timeout=30_000)
    assert "Upload" not in _nav_titles(page)
    # Expired: the same cookie signed long ago (Streamlit refuses signed values older than 31 days).
    _provider_login(page, server, "anna")
    fresh = [c for c in context.cookies() if c["name"].startswith("_streamlit_user")]
    context.add_cookies([_resigned_long_ago(c) for c in fresh])
    page.goto(server.url + "/login")
    wait_for_app(page)
    page.get_by_role("button", name="Log ind med kommunens login").wait_for(timeout=30_000)
    assert "Upload" not in _nav_titles(page)


def _resigned_long_ago(cookie: dict) -> dict:
    """The same identity cookie, validly signed with the app's secret, but 40 days ago."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class _LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 40 * 86400

    name = cookie["name"]
    payload = URLSafeTimedSerializer(COOKIE_SECRET, salt=name).loads(cookie["value"])
    old = URLSafeTimedSerializer(COOKIE_SECRET, salt=name, signer=_LongAgo).dumps(payload)
    return {**cookie, "value": old}
