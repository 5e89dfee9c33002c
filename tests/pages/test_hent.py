"""Hent data with AppTest against the local stand-in APIs (tests/fetch_server.py): log in, fetch with a
progress bar, see the importer's preview, confirm; an expired key is said in Danish; readers never fetch."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from beskdash import exports
from tests.conftest import API_KEY
from tests.fetch_server import FakeApis
from tests.pages.conftest import ANALYST_SECRETS, OpenApp, app_store, button, login


@pytest.fixture
def app(open_app: OpenApp, fake_apis: FakeApis) -> AppTest:
    return open_app(secrets=ANALYST_SECRETS)


def _login_and_open(at: AppTest) -> AppTest:
    login(at).switch_page("pages/hent.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Hent data"
    return at


def test_analyst_fetches_jobindsats_sees_the_preview_and_confirms(app: AppTest, db_copy: Path) -> None:
    at = _login_and_open(app)
    at.radio(key="hent_kilde").set_value("jobindsats").run()
    at.multiselect(key="hent_tabeller_jobindsats").set_value(["y07a02"]).run()
    assert "Y07A02 – Sygedagpenge" in at.multiselect(key="hent_tabeller_jobindsats").options
    button(at, "Hent").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    infos = [i.value for i in at.info]
    assert "Y07A02: Nyeste periode hos jobindsats.dk: april 2020 (foreløbige tal)." in infos
    text = "\n".join(t.value for t in at.text)
    assert "kilde jobindsats:Y07A02, 6 rækker" in text and "nye: 6, ændrede: 0, uændrede: 0" in text
    by_area = at.dataframe[0].value
    assert set(by_area["Område"]) == {"Rudersdal", "RAR Hovedstaden", "Østdanmark"}
    assert set(by_area["Nye"]) == {2}
    # nothing is written before the analyst confirms
    assert app_store(db_copy).observations(sources=["jobindsats:Y07A02"]).empty

    button(at, "Bekræft og gem").click().run()
    assert not at.exception, at.exception
    assert any("6 nye, 0 ændrede" in s.value for s in at.success)
    obs = app_store(db_copy).observations(sources=["jobindsats:Y07A02"])
    rud = obs[(obs.area_code == "230") & (obs.period == "2020M04")]
    assert rud["value"].tolist() == [476.0] and rud["note"].tolist() == ["foreløbige tal"]
    history = app_store(db_copy).imports()
    assert history["username"].iloc[0] == "anna" and history["source"].iloc[0] == "jobindsats:Y07A02"


def test_dst_fetch_of_what_the_database_has_says_nothing_to_change(app: AppTest, db_copy: Path) -> None:
    at = _login_and_open(app)
    before = exports.observations_csv(app_store(db_copy).observations())
    at.multiselect(key="hent_tabeller_dst").set_value(["AUK01"]).run()
    at.text_input(key="hent_fra").input("2019K1").run()
    button(at, "Hent").click().run()
    assert not at.exception, at.exception
    text = "\n".join(t.value for t in at.text)
    assert "nye: 0, ændrede: 0, uændrede: 224" in text  # 8 areas × 28 quarters 2019Q1–2025Q4
    assert any(i.value.startswith("Intet at ændre") for i in at.info)
    assert not any(b.label == "Bekræft og gem" for b in at.button)
    assert exports.observations_csv(app_store(db_copy).observations()) == before


def test_expired_key_is_said_in_danish_and_nothing_is_written(app: AppTest, apis: FakeApis, db_copy: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BESKDASH_JOBINDSATS_URL", f"{apis.url}/s/expired-key")
    at = _login_and_open(app)
    before = exports.observations_csv(app_store(db_copy).observations())
    at.radio(key="hent_kilde").set_value("jobindsats").run()
    button(at, "Hent").click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "afviste API-nøglen: forkert nøgle, eller nøglen er udløbet" in errors[0]
    assert API_KEY not in errors[0]
    assert not any(b.label == "Bekræft og gem" for b in at.button)
    assert exports.observations_csv(app_store(db_copy).observations()) == before
    assert len(apis.requests) == 1  # stopped at the first answer


def test_a_reader_cannot_fetch(app: AppTest, apis: FakeApis) -> None:
    at = app.run()
    try:
        at.switch_page("pages/hent.py").run()
    except Exception as e:  # not a page of a reader's navigation
        assert "Could not find a navigation page" in str(e)
    else:
        assert [w.value for w in at.warning] == ["Denne side er kun for analytikere. Log ind for at fortsætte."]
        assert not any(b.label == "Hent" for b in at.button)
    assert apis.requests == []


def test_a_plans_part_runs_only_when_open_and_its_preview_stays_when_closed(app: AppTest, db_copy: Path) -> None:
    at = _login_and_open(app)
    # closed: its selector and button are neither drawn nor computed
    assert not any(b.label == "Hent det, planen mangler" for b in at.button)
    assert not [s for s in at.selectbox if s.label == "Plan"]
    at.session_state["hent_plan_aaben"] = True  # the analyst opens it
    at.run()
    at.selectbox(key="hent_plan").set_value("gladsaxe-2022").run()
    button(at, "Hent det, planen mangler").click().run()
    assert "Ingen af planens mål mangler en serie, som kan hentes." in [i.value for i in at.info]
    # Allerød's goals lack four jobindsats.dk series; the recorded answers hold no Allerød rows, so the
    # preview refuses them, naming each table, and writes nothing
    at.selectbox(key="hent_plan").set_value("alleroed-2022").run()
    button(at, "Hent det, planen mangler").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["Afvist: 4 problem(er). Intet er skrevet til databasen."]
    shown = "\n".join(t.value for t in [*at.text, *at.markdown, *at.caption])
    assert all(f"/v2/data/{t}/json" in shown for t in ("y01a02", "y07a02", "y36a02", "y38a02"))
    at.session_state["hent_plan_aaben"] = False  # closing the part keeps the plan's preview
    at.run()
    assert not any(b.label == "Hent det, planen mangler" for b in at.button)
    assert [e.value for e in at.error] == ["Afvist: 4 problem(er). Intet er skrevet til databasen."]
    assert app_store(db_copy).observations(sources=["jobindsats:Y07A02"]).empty
