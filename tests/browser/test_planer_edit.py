"""Planer in a real browser: an analyst copies a plan, changes a target in the form, saves, sees the new
status on Målopfølgning and undoes; a reader sees the versions but no editing controls."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import AppServer, go_to, login, wait_for_app


def test_a_reader_sees_versions_but_no_editing_controls(analyst_server: AppServer, page) -> None:
    page.goto(analyst_server.url + "/planer")
    wait_for_app(page)
    page.get_by_role("heading", name="Planernes versioner").wait_for(timeout=30_000)
    for name in ("Kopiér som ny plan", "Redigér planen", "Fortryd seneste version", "Gem som ny version"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    expect(page.locator("input[type='file']")).to_have_count(0)


def test_an_analyst_copies_edits_saves_sees_the_status_and_undoes(analyst_server: AppServer, page) -> None:
    login(page, analyst_server)
    go_to(page, "Planer")
    page.get_by_label("Ny id").fill("alleroed-2027")
    page.get_by_label("Ny id").press("Enter")
    wait_for_app(page)
    year = page.get_by_label("År", exact=True)
    year.fill("2027")
    year.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Kopiér som ny plan").click()
    page.get_by_role("heading", name="Redigér alleroed-2027").wait_for(timeout=30_000)
    wait_for_app(page)
    goal = page.locator("[data-testid='stExpander']").filter(has_text="Mål rm3-ledige-over-1-aar")
    goal.locator("summary").click()
    value = goal.get_by_label("Mål: værdi")
    expect(value).to_have_value("16")
    value.fill("ti")
    value.press("Enter")
    expect(goal.get_by_text("Mål: værdi: skal være et tal")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Gem som ny version")).to_have_count(0)
    value.fill("100")
    value.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Gem som ny version").click()
    page.get_by_text("Gemt som version 1 af alleroed-2027.").wait_for(timeout=30_000)

    go_to(page, "Målopfølgning")
    page.get_by_label("Plan", exact=True).first.click()
    page.get_by_role("option", name="Allerød: Beskæftigelsesplan 2027").click()
    wait_for_app(page)
    page.get_by_text("14 mål: 1 nået, 0 på vej, 0 ikke på vej, 13 kan ikke vurderes.").wait_for(timeout=30_000)

    go_to(page, "Planer")
    page.get_by_role("button", name="Fortryd seneste version").click()
    page.get_by_text("planen findes ikke længere", exact=False).wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
