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


def test_an_analyst_uploads_a_filled_template_and_every_goal_without_a_series_is_judged(
        analyst_server: AppServer, page, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from beskdash import goals, template

    f = tmp_path / "egne-tal-alleroed-2022.xlsx"
    f.write_bytes(template.workbook(goals.plans()["alleroed-2022"]))
    wb = load_workbook(f)
    for row in wb[template.SHEET].iter_rows(min_row=2):
        if row[3].value:
            row[5].value = 40 if row[4].value in ("2019M12", "2021") else 50
        else:
            row[6].value, row[7].value = "på vej", "Samarbejdet er i gang"
    wb.save(f)
    upload(page, analyst_server, f, preview="nye: 13, ændrede: 0")
    confirm_import(page, "13 nye, 0 ændrede")
    page.goto(analyst_server.url + "/maalopfoelgning?plan=alleroed-2022")
    wait_for_app(page)
    page.get_by_role("heading", name="Allerød: Beskæftigelsesplan 2022").wait_for(timeout=30_000)
    row = page.get_by_role("row").filter(has_text="kan ikke vurderes")
    expect(row).to_have_count(1, timeout=20_000)
    cells = row.locator("td, th").all_inner_texts()
    assert cells[2:4] == ["0", "0"], cells  # no own-figures goal and no qualitative goal is left unjudged
    expect(page.get_by_text("Egne tal, indtastet af anna", exact=False).first).to_be_visible()
    expect(page.get_by_text("jobcentrets egen vurdering for 2022", exact=False).first).to_be_visible()
    no_errors(page)
