"""Read replicas fail safely: a replica's store refuses every write path with a Danish message and leaves
its snapshot untouched; a page run reads one snapshot even when a new one is published during it; and a
replica killed mid-run is taken out by HAProxy while the sessions on the other replica go on without
errors. The HAProxy part uses the real config (deploy/haproxy.cfg), TLS with a certificate made now."""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import os
import shutil
import ssl
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from beskdash import imports
from beskdash.build import build
from beskdash.paths import DATA_DIR, PLANS_DIR, ROOT
from beskdash.store import READ_ONLY_MESSAGE, ReadOnlyStore, SnapshotStore, Store, publish
from tests.browser.conftest import ERROR_ELEMENTS, browser, page, wait_for_app  # noqa: F401  (fixtures)
from tests.conftest import needs_dst
from tests.lib.test_imports import changed_auk01

pytestmark = [pytest.mark.fault, pytest.mark.timeout(120)]


def _loadtest():
    spec = importlib.util.spec_from_file_location("bench_loadtest", ROOT / "bench" / "loadtest.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_loadtest", mod)  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return sys.modules["bench_loadtest"]


@pytest.fixture
def published(db_copy: Path, tmp_path: Path) -> Path:
    d = tmp_path / "publish"
    with Store(db_copy) as s:
        publish.publish(s, d)
    return d


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_a_replica_refuses_every_write_path(published: Path) -> None:
    snap = publish.current(published)
    assert snap is not None
    before = _sha(snap.path)
    with SnapshotStore(snap) as s:
        preview = imports.preview_files(s, [("AUK01_rettet.csv", changed_auk01())])  # a preview only reads
        assert preview.ok, preview.message()
        writes = {
            "import": lambda: imports.apply_preview(s, preview, "anna"),
            "undo": lambda: s.undo(1),
            "plan version": lambda: s.add_plan_version("ltk-2022", None, username="anna", summary="x",
                                                       expected_current=0),
            "undo plan version": lambda: s.undo_plan_version("ltk-2022", username="anna"),
            "build": lambda: build(s, DATA_DIR, PLANS_DIR),
            "any transaction (own figures, plan versions)": lambda: s.transaction().__enter__(),
        }
        for name, write in writes.items():
            with pytest.raises(ReadOnlyStore) as e:
                write()
            assert str(e.value) == READ_ONLY_MESSAGE, name
        assert "skrivebeskyttet" in READ_ONLY_MESSAGE
    assert _sha(snap.path) == before


def test_every_commit_publishes_and_old_snapshots_go_once_no_replica_uses_them(
        db_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "publish"
    monkeypatch.delenv(publish.PUBLISH_ENV, raising=False)
    with Store(db_copy) as s:  # opening commits (taxonomy); unset, nothing is published: one process as before
        assert not d.exists()
        monkeypatch.setenv(publish.PUBLISH_ENV, str(d))
        first = publish.publish(s, d)
        publish.touch_lease(d, first, replica="r1")
        preview = imports.preview_files(s, [("AUK01_rettet.csv", changed_auk01())])
        imports.apply_preview(s, preview, "anna")  # the commit publishes
        second = publish.current(d)
        assert second is not None and second.number == first.number + 1
        assert second.data_version == s.version() != first.data_version
        s.undo(max(s.imports()["id"]))
        third = publish.current(d)
        assert third is not None and third.number == second.number + 1
    with SnapshotStore(second) as r:
        assert r.version() == second.data_version
    later = time.time() + publish.KEEP_SECONDS + 1
    # first is leased by r1 (fresh lease), second is not: only second goes
    os.utime(d / "replicas" / "r1", (later, later))
    assert publish.prune(d, now=later) == [second.path]
    assert first.path.exists() and third.path.exists()


def test_a_page_run_reads_one_snapshot_and_the_next_run_the_new_one(
        published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(publish.REPLICA_ENV, str(published))

    def script() -> None:
        import os
        from pathlib import Path

        import streamlit as st

        from beskdash import ui
        from beskdash.store import Store, publish

        with ui.page_run():
            first = ui.store().path.name
            if not st.session_state.get("published"):
                st.session_state["published"] = True
                writer = Path(os.environ[publish.REPLICA_ENV]).parent / "writer.duckdb"
                with Store(writer) as w:
                    publish.publish(w, os.environ[publish.REPLICA_ENV])
            st.write(f"{first} {ui.store().path.name}")

    old = publish.current(published)
    assert old is not None
    (published.parent / "writer.duckdb").write_bytes(old.path.read_bytes())
    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception
    a, b = at.markdown[0].value.split()
    assert a == b == old.name  # published during the run: the run stayed on its snapshot
    assert publish.current(published).name != old.name
    at.run()
    c, d = at.markdown[0].value.split()
    assert c == d != a
    assert c == publish.current(published).name


def _get(url: str, tls: bool = False) -> tuple[int, dict[str, str]]:
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE  # the self-signed certificate made for the test
    try:
        with urllib.request.urlopen(url, timeout=20, context=ctx if tls else None) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, built_db: Path) -> Iterator[object]:
    """HAProxy (deploy/haproxy.cfg, TLS with a certificate made now) and two replicas of a published copy."""
    lt = _loadtest()
    work = tmp_path_factory.mktemp("cluster")
    c = lt.Cluster(work, replicas=2)
    with Store(shutil.copy(built_db, work / "writer.duckdb")) as s:
        publish.publish(s, c.pub)
    try:
        c.start_replica(0)
        c.start_replica(1)
        c.start_haproxy()
        c.wait_status("readers", "r1", "UP", 90)
        c.wait_status("readers", "r2", "UP", 90)
        yield c
    finally:
        c.stop()


def test_haproxy_terminates_tls_sends_the_security_headers_and_routes_analysts_to_the_writer(cluster) -> None:
    host = cluster.url.split("//")[1].split(":")[0]
    status, h = _get(f"https://{host}:{cluster.https_port}/", tls=True)
    assert status == 200 and "frame-ancestors 'none'" in h["content-security-policy"]
    assert h["strict-transport-security"].startswith("max-age=")
    assert h["x-content-type-options"] == "nosniff" and h["referrer-policy"] == "same-origin"
    status, h = _get(cluster.url + "/")
    assert status == 200 and "strict-transport-security" not in h and "set-cookie" in h
    assert _get(cluster.url + "/analytiker/")[0] == 503  # the writer's backend (not started here)


@needs_dst
def test_streamlit_works_under_the_content_security_policy(cluster, page) -> None:  # noqa: F811
    page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                         "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
    page.goto(cluster.url + "/rangliste?ydelse=a-dagpenge")
    wait_for_app(page, 60_000)
    page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                           timeout=30_000)
    assert page.evaluate("window.__csp") == []
    assert page.locator(ERROR_ELEMENTS).count() == 0


def _run(coro) -> list:
    """An asyncio run in a thread of its own (Playwright's sync API keeps a loop running in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_haproxy_takes_a_killed_replica_out_and_the_other_replicas_sessions_go_on(cluster) -> None:
    lt = _loadtest()
    views = [("rangliste", "ydelse=a-dagpenge"), ("planer", "")]

    async def sessions(n: int, first: int, runs_each: int, kill_after: float | None = None) -> list:
        runs: list = []
        tasks = [lt.session(first + i, cluster.http_port, views, time.time() + 600, runs_each, runs)
                 for i in range(n)]
        if kill_after is not None:
            async def killer() -> None:
                await asyncio.sleep(kill_after)
                cluster.kill("r2")
            tasks.append(killer())
        await asyncio.gather(*tasks)
        return runs

    before = _run(sessions(6, 0, 1))
    assert {r.replica for r in before} == {"r1", "r2"}, [(r.replica, r.error) for r in before]
    assert not [r for r in before if r.error]
    # r2 dies while sessions run on both: the ones on r1 finish every run
    during = _run(sessions(6, 100, 4, kill_after=1.0))
    on_r1 = [r for r in during if r.replica == "r1"]
    assert on_r1 and not [r for r in on_r1 if r.error], [r.error for r in on_r1]
    assert [r for r in during if r.replica == "r2" and r.error]  # r2 really died under its sessions
    cluster.wait_status("readers", "r2", "DOWN", 30)
    after = _run(sessions(6, 200, 1))  # new sessions: all on r1, no errors
    assert {r.replica for r in after} == {"r1"} and not [r for r in after if r.error]
