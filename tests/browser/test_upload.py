"""Upload in a real browser: a reader never sees it; an analyst logs in, uploads a StatBank file,
confirms, and finds the new figure on Overblik."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AppServer, confirm_import, go_to, no_errors, upload, wait_for_app

pytestmark = pytest.mark.browser

NEW_ROW = ("Lyngby-Taarbæk;Net unemployed recipients of social assistance;Total;Age, total;2026Q1;4321")


def test_a_reader_never_sees_upload(analyst_server: AppServer, page) -> None:
    # The server's very first request (this module's server; this test runs first) is a typed address of
    # the analysts' page.
    page.goto(analyst_server.url + "/upload")
    wait_for_app(page)
    page.get_by_role("heading", name="Overblik").wait_for(timeout=20_000)
    expect(page.locator("input[type='file']")).to_have_count(0)
    nav = page.locator("[data-testid='stSidebarNav']")
    expect(nav.get_by_role("link", name="Log ind")).to_be_visible()
    expect(nav.get_by_role("link", name="Upload")).to_have_count(0)
    expect(nav.get_by_role("link", name="upload")).to_have_count(0)


def test_an_analyst_uploads_and_sees_the_new_figure_on_overblik(analyst_server: AppServer, page,
                                                                  tmp_path: Path) -> None:
    f = tmp_path / "AUK01_2026K1.csv"
    f.write_bytes(("\ufeffOMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD\r\n" + NEW_ROW + "\r\n").encode("utf-8"))
    upload(page, analyst_server, f, preview="nye: 1, ændrede: 0")
    confirm_import(page, "1 nye, 0 ændrede")
    go_to(page, "Overblik")
    row = page.get_by_role("row").filter(has_text="Nettoledige kontanthjælpsmodtagere").filter(has_text="4.321")
    expect(row).to_have_count(1, timeout=20_000)
    expect(row).to_contain_text("2026")
    no_errors(page)
