"""Upload with AppTest: log in, upload, preview, confirm, undo; readers never see Upload."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from beskdash import exports
from tests.conftest import dst_extract, needs_dst
from tests.lib.test_imports import BEN, changed_auk01, statbank
from tests.pages.conftest import ANALYST_SECRETS, OpenApp, app_store, button, login


def _export(db: Path) -> str:
    return exports.observations_csv(app_store(db).observations())


@pytest.fixture
def app(open_app: OpenApp) -> AppTest:
    return open_app(secrets=ANALYST_SECRETS)


def _upload_refused(at: AppTest) -> None:
    """Upload is not in the navigation; and should a stale link reach the page, its gate stops the reader.

    (After several runs AppTest also knows the files in pages/ by name, so switching may succeed.)
    """
    try:
        at.switch_page("pages/upload.py").run()
    except Exception as e:  # not a page of this session's navigation
        assert "Could not find a navigation page" in str(e)
        return
    assert [w.value for w in at.warning] == ["Denne side er kun for analytikere. Log ind for at fortsætte."]
    assert len(at.file_uploader) == 0


@needs_dst
def test_analyst_logs_in_uploads_previews_confirms_and_undoes(app: AppTest, db_copy: Path) -> None:
    at = login(app)
    assert not at.exception and [s.value for s in at.success] == ["Du er logget ind som anna."]
    before = _export(db_copy)
    at.switch_page("pages/upload.py").run()
    assert [t.value for t in at.title] == ["Upload"] and not at.exception
    at.file_uploader[0].set_value(("AUK01_rettet.csv", changed_auk01(), "text/csv")).run()
    assert not at.exception
    preview = "\n".join(t.value for t in at.text)
    assert "AUK01_rettet.csv: StatBank-udtræk (CSV, engelske etiketter), kilde dst:AUK01" in preview
    assert "nye: 1, ændrede: 1, uændrede: 8.739" in preview
    changed = next(d.value for d in at.dataframe if "Før" in d.value.columns)
    assert changed[["Område", "Før", "Nu"]].values.tolist() == [["Allerød", "24", "25"]]
    button(at, "Bekræft import").click().run()
    assert not at.exception
    assert any("import 8 — 1 nye, 1 ændrede" in s.value for s in at.success), [s.value for s in at.success]
    links = [p.label for p in at.get("page_link")]
    assert "Overblik" in links
    history = at.dataframe[-1].value
    assert history.iloc[0][["Import", "Bruger", "Fil"]].tolist() == [8, "anna", "AUK01_rettet.csv"]
    assert _export(db_copy) != before
    assert at.selectbox[0].value == 8
    button(at, "Fortryd import").click().run()
    assert not at.exception
    assert "Import 8 er fortrudt: 2 tal er sat tilbage til, hvad de var før." in [s.value for s in at.success]
    assert at.dataframe[-1].value.iloc[0]["Fortrudt"] != ""
    assert _export(db_copy) == before


def test_a_bad_file_shows_every_problem_and_nothing_is_written(app: AppTest) -> None:
    at = login(app)
    at.switch_page("pages/upload.py").run()
    raw = statbank(f"Lyngby;{BEN};Total;Age, total;2019Q4;12", f"Allerød;{BEN};Men;Age, total;2019Q4;12")
    at.file_uploader[0].set_value(("fejl.csv", raw, "text/csv")).run()
    assert not at.exception
    assert at.error[0].value.startswith("Afvist: 2 problem(er). Intet er skrevet til databasen.")
    problems = next(d.value for d in at.dataframe if "Problem" in d.value.columns)
    assert problems["Linje"].tolist() == ["2", "3"] and problems["Kolonne"].tolist() == ["OMRÅDE", "KØN"]
    assert "mente du 'Lyngby-Taarbæk'?" in problems["Problem"].iloc[0]
    assert not any(b.label == "Bekræft import" for b in at.button)


@needs_dst
def test_the_same_file_again_changes_nothing_and_says_so(app: AppTest) -> None:
    at = login(app)
    at.switch_page("pages/upload.py").run()
    raw = dst_extract("AUK01_en_2007Q1-2025Q4.csv").read_bytes()
    at.file_uploader[0].set_value(("AUK01.csv", raw, "text/csv")).run()
    assert at.info[0].value.startswith("Intet at ændre")
    assert not any(b.label == "Bekræft import" for b in at.button)


def test_wrong_password_is_refused(app: AppTest) -> None:
    at = login(app, "forkert")
    assert [e.value for e in at.error] == ["Forkert brugernavn eller adgangskode."]
    _upload_refused(at)


def test_a_reader_never_sees_upload(app: AppTest) -> None:
    at = app.run()
    assert not at.exception
    with pytest.raises(Exception, match="Could not find a navigation page"):
        at.switch_page("pages/upload.py")
    _upload_refused(at)


def test_the_upload_page_itself_stops_a_reader(open_app: OpenApp) -> None:
    """A hand-typed link (or a page run on its own) still meets the gate."""
    at = open_app("pages/upload.py", secrets=ANALYST_SECRETS).run()
    assert [w.value for w in at.warning] == ["Denne side er kun for analytikere. Log ind for at fortsætte."]
    assert len(at.file_uploader) == 0 and not at.title


def test_logout_hides_upload_again(app: AppTest) -> None:
    at = login(app)
    at.switch_page("pages/upload.py").run()
    at.switch_page("pages/login.py").run()
    button(at, "Log ud").click().run()
    assert not at.exception and at.text_input[0].label == "Brugernavn"
    _upload_refused(at)


def test_no_users_configured_says_how_to_create_them(open_app: OpenApp) -> None:
    at = open_app("pages/login.py", secrets={"users": {}}).run()
    assert "python -m beskdash users add NAVN" in at.info[0].value
