"""Smoke: the app opens in chromium and shows the Overblik page with real figures."""

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app
from tests.conftest import needs_dst


@needs_dst
def test_overblik_in_a_real_browser(app_server, page) -> None:
    page.goto(app_server.url + "/")
    wait_for_app(page)
    page.get_by_role("heading", name="Overblik").wait_for()
    expect(page.get_by_role("tab", name="Allerød")).to_be_visible(timeout=20_000)
    page.get_by_text("Kilde: Danmarks Statistik, Statistikbanken AUK01", exact=False).first.wait_for()
    assert page.locator("[data-testid='stException']").count() == 0
    # a real figure from Lyngby-Taarbæk's 2021 plan: førtidspension 1.043 fuldtidspersoner
    row = page.get_by_role("row").filter(has_text="Førtidspension").filter(has_text="1.043")
    expect(row).to_have_count(1, timeout=20_000)


def test_deep_link_first_on_a_fresh_server(app_db, page) -> None:
    """The first request after start is a permalink: navigation is still app.py's (titles, not file names)."""
    from tests.browser.conftest import AppServer

    server = AppServer(app_db)
    try:
        page.goto(server.url + "/planer")
        wait_for_app(page)
        nav = page.locator("[data-testid='stSidebarNav']")
        expect(nav.get_by_text("Målopfølgning", exact=True)).to_be_visible(timeout=20_000)
        expect(nav.get_by_text("maalopfoelgning", exact=True)).to_have_count(0)
        expect(page.get_by_role("heading", name="Planer", exact=False).first).to_be_visible()
    finally:
        server.stop()
