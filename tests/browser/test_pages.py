"""Every page in chromium: it opens without an error element, a screenshot of it is kept in
test-artifacts/pages/, and axe-core finds no serious or critical accessibility violation. The sidebar
navigation works from the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from beskdash.pages_registry import PAGES
from tests.browser.conftest import ARTIFACTS, AXE_JS, AppServer, charts_drawn, go_to, login, no_errors, wait_for_app

pytestmark = pytest.mark.browser

READER_PAGES = [p for p in PAGES if p.visible.__name__ != "_analyst"]
ANALYST_PAGES = [p for p in PAGES if p.visible.__name__ == "_analyst"]

# Violations that come from Streamlit's own markup, not from what beskdash puts on the page. Each is
# named by axe rule id with the reason; none is allowed on elements we create. (Empty today: the
# captions' contrast was ours — fixed with the theme's textColor in .streamlit/config.toml.)
STREAMLIT_ALLOW: dict[str, str] = {}
SERIOUS = ("serious", "critical")


def axe_violations(pg) -> list[dict]:
    """axe-core (npm, installed by `make test`) run in the page: serious and critical violations."""
    assert AXE_JS.exists(), f"{AXE_JS} mangler: make test installerer axe-core med npm"
    pg.add_script_tag(path=str(AXE_JS))
    found = pg.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 200))}));
    }""")
    return [v for v in found if v["impact"] in SERIOUS and v["id"] not in STREAMLIT_ALLOW]


def check_page(pg, title: str, shot: str) -> None:
    pg.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
    wait_for_app(pg)
    if pg.locator("[data-testid='stVegaLiteChart']").count():
        charts_drawn(pg)
    no_errors(pg)
    (ARTIFACTS / "pages").mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "pages" / f"{shot}.png"), full_page=True)
    bad = axe_violations(pg)
    assert bad == [], "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n  " + "\n  ".join(v["nodes"]) for v in bad)


@pytest.mark.parametrize("spec", READER_PAGES, ids=[p.url_path for p in READER_PAGES])
def test_every_page_opens_without_errors_and_passes_axe(spec, app_server: AppServer, page) -> None:
    page.goto(app_server.url + ("/" if spec.default else f"/{spec.url_path}"))
    wait_for_app(page)
    check_page(page, spec.title, spec.url_path)


@pytest.mark.parametrize("spec", ANALYST_PAGES, ids=[p.url_path for p in ANALYST_PAGES])
def test_every_analyst_page_opens_without_errors_and_passes_axe(spec, analyst_server: AppServer,
                                                                page) -> None:
    login(page, analyst_server)
    check_page(page, "Log ind", "login-logget-ind")
    go_to(page, spec.title)
    check_page(page, spec.title, spec.url_path)


def test_the_navigation_works_from_the_keyboard(app_server: AppServer, page) -> None:
    page.goto(app_server.url + "/")
    wait_for_app(page)
    page.get_by_role("heading", name="Overblik").wait_for()
    target = page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Rangliste", exact=True)
    page.locator("body").focus()
    for _ in range(80):  # Tab through the page until the link has the focus
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("linket Rangliste kunne ikke nås med Tab")
    # the focused link looks different from the others (WCAG 2.4.7: focus visible)
    look = ("el => { const s = getComputedStyle(el); return [s.outlineStyle, s.boxShadow, s.backgroundColor, "
            "s.textDecorationLine, s.borderColor].join('|'); }")
    focused = target.evaluate(look)
    other = page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Planer", exact=True).evaluate(look)
    assert focused != other, focused
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Rangliste").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.url.split("?")[0].endswith("/rangliste")
    no_errors(page)
    # and on into the page's own controls: the first selectbox takes the focus from the keyboard
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_count(1)
