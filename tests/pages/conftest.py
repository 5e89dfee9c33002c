"""Fixtures the page tests share: the app on a private database copy, and captured downloads."""

from pathlib import Path

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage


@pytest.fixture
def db(db_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """BESKDASH_DB pointed at a private copy of the built database."""
    monkeypatch.setenv("BESKDASH_DB", str(db_copy))
    return db_copy


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
