"""Views in chromium: a permalink round trip on Sammenligning and Rangliste (the same chart and table
from the link alone), a download of each export format, and Målopfølgning for Allerød."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AppServer, charts_drawn, no_errors, wait_for_app
from tests.conftest import needs_dst

pytestmark = pytest.mark.browser

CHART = "[data-testid='stVegaLiteChart']"
TABLE = "[data-testid='stTable']"


def _open(pg, url: str, heading: str) -> None:
    pg.goto(url)
    wait_for_app(pg)
    pg.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
    pg.locator(f"{CHART} canvas, {CHART} svg").first.wait_for(timeout=30_000)
    wait_for_app(pg)
    charts_drawn(pg)
    no_errors(pg)


def _shown(pg) -> tuple[str, str, bytes]:
    """What a reader sees: the table's text, the chart's text alternative, and the chart as drawn."""
    table = pg.locator(TABLE).first.inner_text()
    chart = pg.locator(CHART).first
    alt = chart.evaluate("el => (el.querySelector('[aria-label]') || el).getAttribute('aria-label') || "
                         "el.getAttribute('alt') || ''")
    return table, alt, chart.screenshot()


def _same_picture(a: bytes, b: bytes, tolerance: float = 0.002) -> bool:
    """Two screenshots of a chart show the same: equal size, and all but a sliver of pixels equal
    (anti-aliasing may differ between two drawings of the same canvas)."""
    from PIL import Image, ImageChops

    ia, ib = Image.open(io.BytesIO(a)).convert("RGB"), Image.open(io.BytesIO(b)).convert("RGB")
    if ia.size != ib.size:
        return False
    diff = ImageChops.difference(ia, ib).convert("L").point(lambda v: 255 if v > 40 else 0)
    return diff.histogram()[255] <= tolerance * ia.size[0] * ia.size[1]


def _permalink(pg) -> str:
    pg.get_by_role("button", name="Kopiér link").click()
    code = pg.locator("[data-testid='stPopoverBody'] [data-testid='stCode'], [data-testid='stCode']").first
    code.wait_for(timeout=10_000)
    link = code.inner_text().strip()
    pg.keyboard.press("Escape")
    return link


@needs_dst
@pytest.mark.parametrize(("path", "heading", "change"), [
    ("/sammenligning?gruppe=gladsaxe", "Sammenligning", "Indeks (basisperiode = 100)"),
    ("/rangliste?ydelse=kontanthjaelp-nettoledige", "Rangliste", "Antal"),
])
def test_a_permalink_reopens_the_same_chart_and_table(path: str, heading: str, change: str, app_server: AppServer,
                                                      browser) -> None:
    first = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="da-DK").new_page()
    _open(first, app_server.url + path, heading)
    before = _shown(first)
    url = first.url
    first.get_by_text(change, exact=True).click()  # a choice of the reader's own, away from the defaults
    expect(first).not_to_have_url(url, timeout=30_000)  # the rerun writes the choice to the URL
    wait_for_app(first)
    charts_drawn(first)
    shown = _shown(first)
    assert shown[0] != before[0], "valget ændrede ikke tabellen"
    link = _permalink(first)
    assert link.startswith(app_server.url + path.split("?")[0] + "?")
    assert parse_qs(urlparse(link).query) == parse_qs(urlparse(first.url).query)  # the link is the URL
    first.context.close()

    second = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="da-DK").new_page()
    _open(second, link, heading)
    again = _shown(second)
    assert again[0] == shown[0] and again[1] == shown[1]
    assert _same_picture(again[2], shown[2]), "diagrammet tegnes ikke ens fra linket"
    second.context.close()


@needs_dst
def test_each_export_format_downloads_from_sammenligning(app_server: AppServer, page) -> None:
    _open(page, app_server.url + "/sammenligning?gruppe=alleroed", "Sammenligning")
    got = {}
    for label in ("CSV (Excel)", "Excel (XLSX)", "Diagram (PNG)", "Diagram (SVG)"):
        with page.expect_download(timeout=60_000) as d:
            page.get_by_role("button", name=label).click()
        wait_for_app(page)  # a download does not rerun the page (on_click="ignore"): the same buttons stay
        dl = d.value
        got[dl.suggested_filename.rsplit(".", 1)[1]] = (dl.suggested_filename, dl.path().read_bytes())
    assert set(got) == {"csv", "xlsx", "png", "svg"}
    _name, csv_bytes = got["csv"]
    text = csv_bytes.decode("utf-8-sig")
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and ";" in text and "Allerød" in text
    assert "Kilde:" in text and "Danmarks Statistik" in text
    assert zipfile.ZipFile(io.BytesIO(got["xlsx"][1])).testzip() is None
    assert got["png"][1].startswith(b"\x89PNG\r\n\x1a\n") and len(got["png"][1]) > 5_000
    assert b"<svg" in got["svg"][1][:500] and "Allerød".encode() in got["svg"][1]
    assert len({n.rsplit(".", 1)[0] for n, _ in got.values()}) == 1  # one name for one view
    no_errors(page)


def test_maalopfoelgning_for_allerod(app_server: AppServer, page) -> None:
    page.goto(app_server.url + "/maalopfoelgning?plan=alleroed-2022")
    wait_for_app(page)
    page.get_by_role("heading", name="Allerød: Beskæftigelsesplan 2022").wait_for(timeout=30_000)
    wait_for_app(page)
    no_errors(page)
    expect(page.get_by_text("14 mål: 0 nået, 0 på vej, 1 ikke på vej, 13 kan ikke vurderes.")).to_be_visible()
    expect(page.get_by_text("Antallet af helårspersoner på sygedagpenge skal nedbringes til 288 helårspersoner "
                            "i 2022", exact=False).first).to_be_visible()
    expect(page.get_by_text("✖ ikke på vej").first).to_be_visible()
    expect(page.get_by_text("Seneste: 53 personer (juli 2021)", exact=False).first).to_be_visible()
    expect(page.locator(CHART)).to_have_count(7, timeout=30_000)
    expect(page.get_by_text("Kilde: Allerød Kommune", exact=False).first).to_be_visible()
    # a goal's link opens its detail page, with the plan kept
    page.get_by_role("link", name="Se målet i detaljer").first.click()
    page.get_by_role("heading", name="Mål i detaljer").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert "plan=alleroed-2022" in page.url
    no_errors(page)
