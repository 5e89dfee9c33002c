"""The analyst's whole round in chromium: log in → upload → preview → confirm → the new figure on
Overblik → undo on Upload → the figure is gone again and Overblik shows what it showed before."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AppServer, confirm_import, go_to, no_errors, upload, wait_for_app
from tests.conftest import needs_dst

pytestmark = pytest.mark.browser

NEW_ROW = "Gladsaxe;Net unemployed recipients of social assistance;Total;Age, total;2026Q1;5678"


def _overblik_row(pg, municipality: str):
    go_to(pg, "Overblik")
    pg.get_by_role("tab", name=municipality).click()
    return pg.get_by_role("tabpanel", name=municipality).get_by_role("row").filter(
        has_text="Nettoledige kontanthjælpsmodtagere")


@needs_dst
def test_login_upload_preview_confirm_see_the_figure_and_undo(analyst_server: AppServer, page,
                                                               tmp_path: Path) -> None:
    f = tmp_path / "AUK01_Gladsaxe_2026K1.csv"
    f.write_bytes(("\ufeffOMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD\r\n" + NEW_ROW + "\r\n").encode("utf-8"))
    page.goto(analyst_server.url + "/")
    wait_for_app(page)
    before = _overblik_row(page, "Gladsaxe")
    expect(before).to_have_count(1, timeout=20_000)
    before_text = before.inner_text()
    assert "5.678" not in before_text and "4.\u00a0kvt. 2025" in before_text

    # the preview says exactly what will happen, and nothing is written yet
    upload(page, analyst_server, f, preview="nye: 1, ændrede: 0")
    expect(page.get_by_text("AUK01_Gladsaxe_2026K1.csv: StatBank-udtræk (CSV, engelske etiketter), kilde dst:AUK01",
                            exact=False)).to_be_visible()
    no_errors(page)
    confirm_import(page, "1 nye, 0 ændrede")

    after = _overblik_row(page, "Gladsaxe")
    expect(after).to_contain_text("5.678", timeout=20_000)
    expect(after).to_contain_text("1.\u00a0kvt. 2026")

    go_to(page, "Upload")
    expect(page.get_by_label("Fortryd en import")).to_have_value(
        re.compile(r"^Import \d+: AUK01_Gladsaxe_2026K1\.csv \(anna, "))
    page.get_by_role("button", name="Fortryd import").click()
    page.get_by_text("er fortrudt: 1 tal er sat tilbage", exact=False).wait_for(timeout=30_000)
    expect(page.get_by_text("Der er ingen importer at fortryde.")).to_be_visible()
    no_errors(page)

    again = _overblik_row(page, "Gladsaxe")
    expect(again).to_have_count(1, timeout=20_000)
    expect(again).not_to_contain_text("5.678")
    assert again.inner_text() == before_text
    no_errors(page)
