"""Hostile input in chromium: file names and labels with HTML, script or markdown links are shown
as text (no script runs, no element or link is made of them), and an upload over the 50 MB limit
(.streamlit/config.toml) is refused with a message before anything is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AppServer, confirm_import, no_errors, upload, wait_for_app

pytestmark = pytest.mark.browser

HEADER = "OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD"
IMG_NAME = "<img src=x onerror=alert(1)>.csv"
LINK_NAME = "[klik](javascript:alert(1)).csv"
BAD_AREA = "<b onmouseover=alert(3)>Lyngby</b>"


def _csv(path: Path, *rows: str) -> Path:
    path.write_bytes(("\ufeff" + HEADER + "\r\n" + "\r\n".join(rows) + "\r\n").encode("utf-8"))
    return path


def _no_injection(pg) -> None:
    assert pg.locator("img[src='x'], b[onmouseover]").count() == 0
    assert pg.locator("a[href^='javascript']").count() == 0
    assert pg.evaluate("() => [...document.querySelectorAll('script')].filter(s => s.textContent.includes("
                       "'alert(')).length") == 0


def test_html_and_script_in_file_names_and_labels_are_shown_as_text(analyst_server: AppServer, page,
                                                                     tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = _csv(tmp_path / IMG_NAME, f"{BAD_AREA};<script>alert(2)</script>;Total;Age, total;2026Q1;5")
    upload(page, analyst_server, hostile, preview="Afvist: 2 problem(er)")
    wait_for_app(page)
    # the name is shown literally, as the heading of its preview and in its lines
    expect(page.get_by_role("heading", name=IMG_NAME)).to_be_visible()
    expect(page.get_by_text(f"{IMG_NAME}: StatBank-udtræk", exact=False)).to_be_visible()
    _no_injection(page)
    page.get_by_role("button", name=f"Remove {IMG_NAME}").click()
    expect(page.get_by_role("heading", name=IMG_NAME)).to_have_count(0)
    wait_for_app(page)

    good = _csv(tmp_path / LINK_NAME, "Gladsaxe;Net unemployed recipients of social assistance;Total;Age, total;"
                                       "2026Q2;77")
    page.locator("input[type='file']").set_input_files(str(good))
    page.get_by_text("nye: 1, ændrede: 0", exact=False).wait_for(timeout=30_000)
    expect(page.get_by_role("heading", name=LINK_NAME)).to_be_visible()
    confirm_import(page, "1 nye, 0 ændrede")
    wait_for_app(page)
    # the result message (markdown) names the file as text, not as a link
    expect(page.get_by_text(f"{LINK_NAME} (dst:AUK01): import", exact=False)).to_be_visible()
    _no_injection(page)
    no_errors(page)
    assert dialogs == [], f"et script kørte: {dialogs}"


def test_an_upload_over_the_size_limit_is_refused_with_a_message(analyst_server: AppServer, page,
                                                                 tmp_path: Path) -> None:
    big = tmp_path / "for-stor.csv"
    with big.open("wb") as f:
        f.write((HEADER + "\r\n").encode())
        line = b"Gladsaxe;Net unemployed recipients of social assistance;Total;Age, total;2020Q1;1\r\n"
        f.write(line * (51 * 1024 * 1024 // len(line) + 1))
    assert big.stat().st_size > 50 * 1024 * 1024
    # Streamlit's own refusal, in the browser before the file is sent: "File must be 50.0MB or smaller."
    upload(page, analyst_server, big, preview="or smaller")
    expect(page.get_by_text("or smaller", exact=False).filter(has_text="50").first).to_be_visible()
    wait_for_app(page)
    assert page.get_by_role("heading", name="Forhåndsvisning").count() == 0
    assert page.get_by_role("button", name="Bekræft import").count() == 0
    no_errors(page)
