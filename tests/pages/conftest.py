"""Fixtures the page tests share: the app on a private database copy, and captured downloads."""

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from beskdash import auth, ui
from beskdash.paths import ROOT
from beskdash.store import Store

ANALYST_PASSWORD = "et-rigtig-godt-kodeord"
# st.secrets["auth"] with one analyst, anna (a test hash: 1.000 iterations).
ANALYST_SECRETS = {"users": {"anna": {"password_hash": auth.hash_password(ANALYST_PASSWORD, iterations=1000),
                                      "role": "analyst"}}}

OpenApp = Callable[..., AppTest]


@pytest.fixture
def db(db_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """BESKDASH_DB pointed at a private copy of the built database."""
    monkeypatch.setenv("BESKDASH_DB", str(db_copy))
    return db_copy


@pytest.fixture
def open_app(db: Path) -> OpenApp:
    """An AppTest on the private database copy, not yet run (a test may still set query params).

    `open_app()` is the whole app (app.py: navigation, Overblik first); `open_app(page="pages/x.py")` runs
    the app once and switches to that page, as a reader following the sidebar; `open_app("pages/x.py")`
    runs one page file on its own, as a hand-typed link reaches it; `secrets` is st.secrets["auth"].
    """
    def make(script: str = "app.py", *, page: str | None = None, secrets: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / script), default_timeout=60)
        if secrets is not None:
            at.secrets["auth"] = secrets
        if page is not None:
            at.run()
            at.switch_page(page)
        return at

    return make


def run_with(at: AppTest, **params: str) -> AppTest:
    """Run `at` with these query params (as a link carries them) and assert it ran without an exception."""
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def login(at: AppTest, password: str = ANALYST_PASSWORD) -> AppTest:
    """Run the app and log in as anna on Log ind (with `password`; the default is hers)."""
    at.run()
    at.switch_page("pages/login.py").run()
    at.text_input[0].input("anna")
    at.text_input[1].input(password)
    button(at, "Log ind").click().run()
    return at


def app_store(db: Path) -> Store:
    """The app's own cached connection to `db` (a second one in this process would be refused)."""
    return ui._store(str(db))


def button(at: AppTest, label: str):
    """The button labelled `label` (StopIteration when the page shows none)."""
    return next(b for b in at.button if b.label == label)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The bytes of every file a download button offers, by file name (as the browser would get them)."""
    files: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data: str | bytes, mimetype: str, kind: MediaFileKind,
                            filename: str | None = None) -> str:
            if filename and isinstance(path_or_data, bytes):
                files[filename] = path_or_data
            return super().load_and_get_id(path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    return files
