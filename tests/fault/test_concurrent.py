"""20 sessions read while an import runs in the app: no error, and each session sees the figures as
they were before the import or as they are after it, never a mixture.

A real `python -m beskdash serve` on 127.0.0.1. The readers are 20 HTTP sessions through Streamlit's
agent API (turned on for this test server only; the shipped config keeps it off), each rerunning
Overblik as fast as it is served. The writer is an analyst in chromium: log in, upload a 30.000-row
StatBank file, confirm — the import runs inside the app's process, as DuckDB requires (one writing
process per file)."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from beskdash import fmt
from tests.browser.conftest import (  # noqa: F401  (browser, page: fixtures)
    AppServer,
    analyst_server_for,
    browser,
    confirm_import,
    page,
    upload,
)
from tests.conftest import needs_dst
from tests.fault.conftest import figures, interact, nodes, synth

pytestmark = [pytest.mark.fault, pytest.mark.browser, pytest.mark.timeout(300)]

SESSIONS = 20
BEN = "Net unemployed recipients of social assistance"
# Allerød's new quarter is what Overblik shows after the import; the bulk (older months of every
# area) makes the import last long enough for the readers to run while it is written.
NEW_ROWS = (f"Allerød;{BEN};Total;Age, total;2026Q1;31", "Allerød;Kontanthjælp;Total;Age, total;2026Q1;77")


@pytest.fixture(scope="module")
def server(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    d = tmp_path_factory.mktemp("concurrent")
    db = d / "beskdash.duckdb"
    shutil.copy(built_db, db)
    s = analyst_server_for(db, d, extra_env={"STREAMLIT_SERVER_ENABLE_AGENT_API": "true",
                                             # a source file edited while the test runs must not reload
                                             # modules under the readers
                                             "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"})
    yield s
    s.stop()


@needs_dst
def test_twenty_sessions_read_while_an_import_runs(server: AppServer, page, tmp_path: Path) -> None:  # noqa: F811
    big = tmp_path / "AUK01_ny.csv"
    n_rows = synth.statbank_csv(30_000, big, extra=NEW_ROWS)
    sessions = [interact(server, {}) for _ in range(SESSIONS)]
    assert all(s["status"] == "ready" and s["page"]["title"] == "Overblik" for s in sessions)
    old = figures(sessions[0])
    assert "4.\u00a0kvt. 2025" in old and "1.\u00a0kvt. 2026" not in old

    seen: list[tuple[int, float, float, str]] = []
    errors: list[str] = []
    window: dict[str, float] = {}
    lock = threading.Lock()
    # started: the analyst presses Bekræft import (every reader's first run begins then, inside the
    # import); done: the import is committed and its result shown.
    started, done = threading.Event(), threading.Event()

    def reader(i: int, sid: str) -> None:
        started.wait(240)
        while True:
            after_commit = done.is_set()
            t0 = time.monotonic()
            try:
                snap = interact(server, {"session_id": sid})
            except Exception as e:  # an HTTP error or a refused session
                with lock:
                    errors.append(f"session {i}: {e!r}")
                return
            with lock:
                if snap["status"] != "ready" or list(nodes(snap["tree"], "exception")):
                    errors.append(f"session {i}: {snap['status']}: "
                                  + json.dumps(list(nodes(snap["tree"], "exception")), ensure_ascii=False)[:2000])
                seen.append((i, t0, time.monotonic(), figures(snap)))
            if after_commit or time.monotonic() - t0 > 200:
                return
            # A reader's pause, cut short by the commit: the 20 sessions' runs share one Python process
            # (one GIL) with the import, which must still get on.
            done.wait(4.0)

    threads = [threading.Thread(target=reader, args=(i, s["session_id"])) for i, s in enumerate(sessions)]
    for t in threads:
        t.start()
    try:
        # the analyst: log in, upload, preview …
        upload(page, server, big, preview="ændrede: 0", timeout=120_000)
        page.get_by_role("button", name="Bekræft import").wait_for(timeout=120_000)
        # … and confirm, while the readers read
        window["start"] = time.monotonic()
        started.set()
        confirm_import(page, f"{fmt.number(n_rows)} nye, 0 ændrede", timeout=120_000)
        window["end"] = time.monotonic()
    finally:
        started.set()
        done.set()
        for t in threads:
            t.join(240)
    assert not errors, errors[:3]

    new = figures(interact(server, {}))
    assert new != old and "1.\u00a0kvt. 2026" in new
    mixed = {s for *_, s in seen} - {old, new}
    assert not mixed, "en session så en blanding af gamle og nye tal (fx én kommunes fane før importen, en anden efter)"
    assert {i for i, *_ in seen} == set(range(SESSIONS))
    overlapping = [r for r in seen if r[1] < window["end"] and r[2] > window["start"]]
    without = set(range(SESSIONS)) - {i for i, *_ in overlapping}
    assert not without, f"session(er) {sorted(without)} læste ikke, mens importen kørte"
    # every session's last run started after the commit, and shows the new figures
    last = {i: s for i, _t0, _t1, s in sorted(seen, key=lambda r: r[1])}
    assert set(last.values()) == {new}
    print(f"{len(seen)} læsninger, {len(overlapping)} under importen "
          f"({window['end'] - window['start']:.1f} s); gamle tal: "
          f"{sum(1 for r in overlapping if r[3] == old)}, nye: {sum(1 for r in overlapping if r[3] == new)}")
