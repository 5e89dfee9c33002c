"""The data versions of the files this process has open, read once and kept until this process writes.

DuckDB lets one process open a file for writing, and no other process may write while it is open (a
read-only open excludes writers too). So every change to an open file is a commit through a `Store` of
this process: a version read once stays true until one of our own commits (or a reopen) forgets it. A
page run then reads its data version from memory instead of one query per run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_LOCK = threading.Lock()
_VALUES: dict[tuple[str, str], int] = {}
_GENERATION: dict[str, int] = {}  # grows at every forget: a read that a commit overtook is not kept


def remembered_version(path: str, name: str, read: Callable[[], int]) -> int:
    """The version `name` of the file at `path`: remembered, or `read()` and remembered."""
    with _LOCK:
        value = _VALUES.get((path, name))
        generation = _GENERATION.get(path, 0)
    if value is not None:
        return value
    value = read()
    with _LOCK:
        if _GENERATION.get(path, 0) == generation:
            _VALUES[(path, name)] = value
    return value


def forget_versions(path: str) -> None:
    """After a commit to, or an open or close of, the file at `path`."""
    with _LOCK:
        _GENERATION[path] = _GENERATION.get(path, 0) + 1
        for key in [k for k in _VALUES if k[0] == path]:
            del _VALUES[key]
