"""Hent data with AppTest against the local stand-in APIs (tests/fetch_server.py): log in, fetch with a
progress bar, see the importer's preview, confirm; an expired key is said in Danish; readers never fetch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from beskdash import auth, exports
from beskdash.paths import ROOT
from tests.fetch_server import SHARED_DST, FakeApis

PASSWORD = "et-rigtig-godt-kodeord"
SECRETS = {"users": {"anna": {"password_hash": auth.hash_password(PASSWORD, iterations=1000), "role": "analyst"}}}
KEY = "side-noegle-Zx81"


@pytest.fixture(scope="module")
def apis() -> Iterator[FakeApis]:
    if not SHARED_DST.exists():
        pytest.skip("../shared/data/dst is not beside this checkout")
    a = FakeApis(api_key=KEY)
    a.start()
    yield a
    a.stop()


@pytest.fixture
def app(db_copy: Path, apis: FakeApis, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    apis.reset()
    monkeypatch.setenv("BESKDASH_DB", str(db_copy))
    monkeypatch.setenv("BESKDASH_DST_URL", apis.url)
    monkeypatch.setenv("BESKDASH_JOBINDSATS_URL", apis.url)
    monkeypatch.setenv("JOBINDSATS_API_KEY", KEY)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = SECRETS
    return at


def _store(db: Path):
    """The app's own connection (a second one in this process would be refused)."""
    from beskdash import ui

    return ui._store(str(db))


def _login_and_open(at: AppTest) -> AppTest:
    at.run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input("anna")
    at.text_input[1].input(PASSWORD)
    next(b for b in at.button if b.label == "Log ind").click().run()
    at.switch_page("pages/hent.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Hent data"
    return at


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_analyst_fetches_jobindsats_sees_the_preview_and_confirms(app: AppTest, db_copy: Path) -> None:
    at = _login_and_open(app)
    at.radio(key="hent_kilde").set_value("jobindsats").run()
    at.multiselect(key="hent_tabeller_jobindsats").set_value(["y07a02"]).run()
    assert "Y07A02 – Sygedagpenge" in at.multiselect(key="hent_tabeller_jobindsats").options
    _button(at, "Hent").click().run()
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
    assert _store(db_copy).observations(sources=["jobindsats:Y07A02"]).empty

    _button(at, "Bekræft og gem").click().run()
    assert not at.exception, at.exception
    assert any("6 nye, 0 ændrede" in s.value for s in at.success)
    obs = _store(db_copy).observations(sources=["jobindsats:Y07A02"])
    rud = obs[(obs.area_code == "230") & (obs.period == "2020M04")]
    assert rud["value"].tolist() == [476.0] and rud["note"].tolist() == ["foreløbige tal"]
    history = _store(db_copy).imports()
    assert history["username"].iloc[0] == "anna" and history["source"].iloc[0] == "jobindsats:Y07A02"


def test_dst_fetch_of_what_the_database_has_says_nothing_to_change(app: AppTest, db_copy: Path) -> None:
    at = _login_and_open(app)
    before = exports.observations_csv(_store(db_copy).observations())
    at.multiselect(key="hent_tabeller_dst").set_value(["AUK01"]).run()
    at.text_input(key="hent_fra").input("2019K1").run()
    _button(at, "Hent").click().run()
    assert not at.exception, at.exception
    text = "\n".join(t.value for t in at.text)
    assert "nye: 0, ændrede: 0, uændrede: 224" in text  # 8 areas × 28 quarters 2019Q1–2025Q4
    assert any(i.value.startswith("Intet at ændre") for i in at.info)
    assert not any(b.label == "Bekræft og gem" for b in at.button)
    assert exports.observations_csv(_store(db_copy).observations()) == before


def test_expired_key_is_said_in_danish_and_nothing_is_written(app: AppTest, apis: FakeApis, db_copy: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BESKDASH_JOBINDSATS_URL", f"{apis.url}/s/expired-key")
    at = _login_and_open(app)
    before = exports.observations_csv(_store(db_copy).observations())
    at.radio(key="hent_kilde").set_value("jobindsats").run()
    _button(at, "Hent").click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "afviste API-nøglen: forkert nøgle, eller nøglen er udløbet" in errors[0]
    assert KEY not in errors[0]
    assert not any(b.label == "Bekræft og gem" for b in at.button)
    assert exports.observations_csv(_store(db_copy).observations()) == before
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
