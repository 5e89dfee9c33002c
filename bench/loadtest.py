"""`make loadtest`: the scale-out deployment under load, on 127.0.0.1 only.

It starts HAProxy (deploy/haproxy.cfg), the writer (the analysts' instance on /analytiker, publishing a
snapshot after every commit) and two replicas (`serve --replica`), then drives Streamlit sessions the way
the browser does: a GET of the page (HAProxy's sticky cookie comes with it), then the websocket on
/_stcore/stream with BackMsg `rerun_script` per page view, reading ForwardMsgs until `script_finished`.

Phase 1 runs the load against one replica (the other in maintenance), phase 2 against both; the ratio of
their throughputs is the scale-up. During phase 2 the writer imports a file and publishes it; each page
run reports the snapshot it read (a hidden element a replica writes on every page), from which follow the
time until every replica serves the new one, and whether any run saw two. Every process it starts is
stopped at the end; the run is bounded by --seconds per phase and --runs per session.

    python bench/loadtest.py [--sessions 200] [--seconds 60] [--runs 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"  # the only address this talks to
RUN_TIMEOUT = 180.0  # one page run slower than this counts as an error
MARKER = re.compile(rb'data-beskdash-snapshot="(\d+)".*data-beskdash-pinned="([\d.]+)"')

# Page views: (url path, query string): plans, areas, benefits and measures varied.
PLANS = ["alleroed-2022", "gladsaxe-2022", "ltk-2021", "ltk-2022", "rudersdal-2021"]
BENEFITS = ["a-dagpenge", "kontanthjaelp", "sygedagpenge", "jobafklaringsforloeb", "fleksjob", "ledighedsydelse",
            "uddannelseshjaelp", "ressourceforloeb"]
AREAS = ["201,223,240", "173,159", "230,157,190", "201,230", "159,173,101"]
VIEWS: list[tuple[str, str]] = (
    [("", "")]  # the default page (Overblik) has the empty URL path
    + [("maalopfoelgning", f"plan={p}") for p in PLANS]
    + [("maal", f"plan={p}") for p in PLANS[:3]]
    + [("sammenligning", f"omr={a}&ydelse={b}") for a, b in zip(AREAS * 2, BENEFITS, strict=False)]
    + [("rangliste", f"ydelse={b}") for b in BENEFITS[:5]]
    + [("planer", ""), ("datakvalitet", f"plan={PLANS[0]}")]
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# --- the deployment ----------------------------------------------------------------------------

class Cluster:
    """HAProxy, one writer and N replicas on 127.0.0.1, in a temporary directory; stop() ends them all."""

    def __init__(self, work: Path, replicas: int = 2, db: Path | None = None):
        self.work = work
        self.pub = work / "publish"
        self.db = work / "writer.duckdb"
        self.logs = work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.http_port, self.https_port, self.writer_port = free_port(), free_port(), free_port()
        self.replica_ports = [free_port() for _ in range(replicas)]
        self.procs: dict[str, subprocess.Popen] = {}
        self.pem = work / "tls.pem"
        if db is not None:
            shutil.copy(db, self.db)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "PYTHONUNBUFFERED": "1", **extra}

    def build(self) -> None:
        """The writer's database (when not given) and its first published snapshot."""
        subprocess.run([sys.executable, "-m", "beskdash", "build", "--db", str(self.db)], cwd=ROOT, check=True,
                       env=self.env(BESKDASH_PUBLISH_DIR=str(self.pub)), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def _serve(self, name: str, port: int, *args: str, env: dict[str, str]) -> None:
        cmd = [sys.executable, "-m", "beskdash", "serve", *args, "--server.port", str(port),
               "--server.address", HOST, "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
        log = (self.logs / f"{name}.log").open("a")
        self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def start_writer(self) -> None:
        self._serve("writer", self.writer_port, "--server.baseUrlPath", "analytiker",
                    env=self.env(BESKDASH_DB=str(self.db), BESKDASH_PUBLISH_DIR=str(self.pub)))

    def start_replica(self, i: int) -> None:
        self._serve(f"r{i + 1}", self.replica_ports[i], "--replica", str(self.pub), env=self.env())

    def tls_cert(self) -> None:
        """A self-signed certificate for 127.0.0.1, made now (never committed)."""
        key, crt = self.work / "tls.key", self.work / "tls.crt"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
        self.pem.write_bytes(crt.read_bytes() + key.read_bytes())

    def start_haproxy(self) -> None:
        if not self.pem.exists():
            self.tls_cert()
        env = self.env(BESKDASH_BIND=HOST, BESKDASH_HTTP_PORT=str(self.http_port),
                       BESKDASH_HTTPS_PORT=str(self.https_port), BESKDASH_TLS_PEM=str(self.pem),
                       BESKDASH_WRITER=f"{HOST}:{self.writer_port}", BESKDASH_RUN=str(self.work))
        for i in range(2):  # the config names r1 and r2; a one-replica cluster points r2 at r1's port
            port = self.replica_ports[min(i, len(self.replica_ports) - 1)]
            env[f"BESKDASH_R{i + 1}"] = f"{HOST}:{port}"
        cfg = ROOT / "deploy" / "haproxy.cfg"
        subprocess.run(["haproxy", "-c", "-q", "-f", str(cfg)], env=env, check=True)
        log = (self.logs / "haproxy.log").open("a")
        self.procs["haproxy"] = subprocess.Popen(["haproxy", "-db", "-f", str(cfg)], env=env, stdout=log,
                                                 stderr=subprocess.STDOUT, start_new_session=True)
        _wait(lambda: (self.work / "haproxy.sock").exists(), 20, "HAProxy startede ikke")

    def admin(self, command: str) -> str:
        """HAProxy's admin socket (maintenance, state)."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(self.work / "haproxy.sock"))
            s.sendall(command.encode() + b"\n")
            out = b""
            while chunk := s.recv(65536):
                out += chunk
        return out.decode()

    def status(self, backend: str, server: str) -> str:
        """UP, DOWN, MAINT … as HAProxy's stats say."""
        lines = self.admin("show stat").splitlines()
        head = lines[0].lstrip("# ").split(",")
        for line in lines[1:]:
            row = dict(zip(head, line.split(","), strict=False))
            if row.get("pxname") == backend and row.get("svname") == server:
                return row["status"]
        return "?"

    def wait_status(self, backend: str, server: str, want: str, timeout: float = 60) -> None:
        _wait(lambda: self.status(backend, server).startswith(want), timeout,
              f"{backend}/{server} blev ikke {want} (log: {self.logs})")

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_proc(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def stop(self) -> None:
        for name in list(self.procs):
            self.stop_proc(name)

    def cpu_seconds(self, name: str) -> float:
        """User + system CPU of a process (from /proc; clock ticks)."""
        fields = Path(f"/proc/{self.procs[name].pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self, name: str) -> float:
        for line in Path(f"/proc/{self.procs[name].pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def _wait(check, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(message)


def wait_healthy(url: str, timeout: float = 90) -> None:
    import urllib.request

    def ok() -> bool:
        with urllib.request.urlopen(url, timeout=3) as r:
            return r.status == 200

    _wait(ok, timeout, f"{url} svarede ikke")


# --- one session, in Streamlit's protocol --------------------------------------------------------

@dataclass
class Run:
    session: int
    view: str
    replica: str
    sent: float  # time.time() when the rerun was sent
    done: float = 0.0
    error: str | None = None
    snapshots: list[int] = field(default_factory=list)  # every snapshot marker the run showed
    pinned: float = 0.0  # when the replica pinned the run to its snapshot (its own clock: same host)

    @property
    def latency(self) -> float:
        return self.done - self.sent


async def http_get(port: int, path: str, cookie: str = "") -> tuple[int, dict[str, str]]:
    """A minimal HTTP/1.1 GET (status and headers): the page load that precedes the websocket."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        extra = f"Cookie: {cookie}\r\n" if cookie else ""
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n{extra}Connection: close\r\n\r\n".encode())
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
        await reader.read()  # the body, to the end
    finally:
        writer.close()
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers.setdefault(k.strip().lower(), v.strip())
    return int(lines[0].split()[1]), headers


async def session(sid: int, port: int, views: list[tuple[str, str]], deadline: float, max_runs: int,
                  runs: list[Run], base: str = "") -> None:
    """Open the app, then view pages one after another until `deadline` or `max_runs`; record every run."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    view0 = views[0]
    try:
        status, headers = await http_get(port, f"{base}/{view0[0]}?{view0[1]}")
    except (TimeoutError, OSError, asyncio.IncompleteReadError) as e:
        runs.append(Run(sid, "GET", "?", time.time(), time.time(), f"GET fejlede: {e!r}"))
        return
    cookie = headers.get("set-cookie", "").split(";", 1)[0]
    replica = cookie.split("=", 1)[1] if "=" in cookie else "?"
    if status != 200:
        runs.append(Run(sid, "GET", replica, time.time(), time.time(), f"HTTP {status}"))
        return
    try:
        async with websockets.connect(f"ws://{HOST}:{port}{base}/_stcore/stream", subprotocols=["streamlit"],
                                      origin=f"http://{HOST}:{port}", additional_headers={"Cookie": cookie},
                                      max_size=None, open_timeout=60, ping_interval=None) as ws:
            for i in range(max_runs):
                if i and time.time() >= deadline:
                    break
                page, query = views[i % len(views)]
                run = Run(sid, f"{page}?{query}", replica, time.time())
                runs.append(run)
                msg = BackMsg()
                msg.rerun_script.query_string = query
                msg.rerun_script.page_name = page
                await ws.send(msg.SerializeToString())
                markers: list[int] = []
                pinned = 0.0
                while True:
                    raw = await asyncio.wait_for(ws.recv(), RUN_TIMEOUT)
                    fwd = ForwardMsg()
                    fwd.ParseFromString(raw)
                    kind = fwd.WhichOneof("type")
                    if kind == "new_session":
                        markers = []  # a new script run (also after an early rerun)
                    elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                        el = fwd.delta.new_element
                        etype = el.WhichOneof("type")
                        if etype == "exception":
                            run.error = f"exception: {el.exception.type}: {el.exception.message[:120]}"
                        elif etype == "html" and (m := MARKER.search(el.html.body.encode())):
                            markers.append(int(m.group(1)))
                            pinned = float(m.group(2))
                    elif kind == "page_not_found":
                        run.error = "side ikke fundet"
                    elif kind == "script_finished":
                        if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                            continue
                        if fwd.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                            run.error = run.error or f"script_finished {fwd.script_finished}"
                        break
                run.done = time.time()
                run.snapshots, run.pinned = markers, pinned
    except (TimeoutError, OSError, websockets.exceptions.WebSocketException) as e:
        if runs and runs[-1].session == sid and not runs[-1].done:
            runs[-1].done, runs[-1].error = time.time(), f"forbindelse tabt: {e!r}"[:200]
        else:
            runs.append(Run(sid, "websocket", replica, time.time(), time.time(), f"websocket: {e!r}"[:200]))


def views_for(sid: int) -> list[tuple[str, str]]:
    """Each session its own order of the page views (a seeded shuffle: runs are comparable)."""
    views = VIEWS[:]
    random.Random(sid).shuffle(views)
    return views


async def load(port: int, sessions: int, seconds: float, max_runs: int, first_id: int = 0) -> list[Run]:
    runs: list[Run] = []
    deadline = time.time() + seconds
    await asyncio.gather(*(session(first_id + s, port, views_for(first_id + s), deadline, max_runs, runs)
                           for s in range(sessions)))
    return runs


# --- measurement ------------------------------------------------------------------------------

@dataclass
class Phase:
    name: str
    runs: list[Run]
    seconds: float
    cpu: float  # CPU seconds of the replicas during the phase
    generator_cpu: float  # CPU seconds of this load generator during the phase
    rss_per_session_mb: float

    @property
    def ok(self) -> list[Run]:
        return [r for r in self.runs if r.error is None and r.done]

    @property
    def errors(self) -> list[Run]:
        return [r for r in self.runs if r.error is not None]

    @property
    def throughput(self) -> float:
        """Page runs finished per second, from the first request to the last answer."""
        return len(self.ok) / self.seconds

    def p(self, q: float) -> float:
        lat = sorted(r.latency for r in self.ok)
        return lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")


def da(x: float, digits: int = 1) -> str:
    """Danish number: 1.234,5."""
    return f"{x:,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def run_phase(cluster: Cluster, name: str, replicas: list[str], sessions: int, seconds: float, max_runs: int,
              during=None) -> Phase:
    cpu0 = sum(cluster.cpu_seconds(r) for r in replicas)
    rss0 = sum(cluster.rss_mb(r) for r in replicas)

    async def go() -> list[Run]:
        task = asyncio.create_task(load(cluster.http_port, sessions, seconds, max_runs))
        if during is not None:
            await asyncio.to_thread(during)
        return await task

    t0, own0 = time.time(), time.process_time()
    runs = asyncio.run(go())
    own = time.process_time() - own0
    elapsed = max((r.done for r in runs), default=t0 + seconds) - t0
    rss1 = sum(cluster.rss_mb(r) for r in replicas)
    cpu1 = sum(cluster.cpu_seconds(r) for r in replicas)
    return Phase(name, runs, elapsed, cpu1 - cpu0, own, max(0.0, rss1 - rss0) / max(1, sessions))


def warm(cluster: Cluster, replicas: list[str]) -> None:
    """One session straight to each replica through every view, so both phases start with warm caches."""
    async def go() -> None:
        runs: list[Run] = []
        await asyncio.gather(*(session(-1 - i, cluster.replica_ports[i], VIEWS, time.time() + 600, len(VIEWS), runs)
                               for i, _ in enumerate(replicas)))
        bad = [r for r in runs if r.error]
        if bad:
            raise RuntimeError(f"opvarmning fejlede: {bad[0].view}: {bad[0].error}")

    asyncio.run(go())


def changed_extract(work: Path) -> Path:
    """The shipped AUK01 extract with one new quarter for Allerød: a real import that changes the data."""
    src = next((ROOT / "data" / "dst").glob("AUK01_*.csv"))
    text = src.read_text(encoding="utf-8-sig")
    line = next(ln for ln in text.splitlines() if ln.startswith("Allerød;") and ";2019Q4;" in ln)
    parts = line.split(";")
    parts[4], parts[5] = "2026Q1", "31"
    out = work / "AUK01_ny_kvartal.csv"
    out.write_text("\ufeff" + text.rstrip("\r\n") + "\r\n" + ";".join(parts) + "\r\n", encoding="utf-8")
    return out


def import_and_publish(cluster: Cluster, wait: float) -> dict[str, float]:
    """Mid-phase: the writer imports a file, which publishes a snapshot. DuckDB lets one process own the file,
    so the analysts' instance is stopped for the CLI import and started again after the phase (an upload in the
    page publishes through the same hook)."""
    from beskdash.store import publish

    time.sleep(wait)
    before = publish.current(cluster.pub)
    cluster.stop_proc("writer")
    t0 = time.time()
    subprocess.run([sys.executable, "-m", "beskdash", "import", str(changed_extract(cluster.work))], cwd=ROOT,
                   check=True, env=cluster.env(BESKDASH_DB=str(cluster.db), BESKDASH_PUBLISH_DIR=str(cluster.pub)),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = publish.current(cluster.pub)
    assert after is not None and before is not None and after.number > before.number
    record = json.loads((cluster.pub / "versions.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert record["file"] == after.name
    published = float(record["published_at"])  # written just after `current` was switched
    return {"old": before.number, "new": after.number, "import_started": t0, "published": published}


def freshness(runs: list[Run], new: int, published: float, replicas: list[str]) -> tuple[float, float, int]:
    """(seconds after the publish until every replica had started a run on the new snapshot, seconds until
    such a run had finished on every replica, runs pinned after the publish that still showed an old one)."""
    started, served = [], []
    mine = [r for r in runs if r.snapshots and r.error is None]
    stale = sum(1 for r in mine if r.pinned > published and max(r.snapshots) < new)
    for rep in replicas:
        new_runs = [r for r in mine if r.replica == rep and max(r.snapshots) >= new]
        if not new_runs:
            return float("inf"), float("inf"), stale
        started.append(min(r.pinned for r in new_runs) - published)
        served.append(min(r.done for r in new_runs) - published)
    return max(0.0, max(started)), max(0.0, max(served)), stale


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=60.0, help="load per phase")
    ap.add_argument("--runs", type=int, default=40, help="at most this many page runs per session and phase")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    a = ap.parse_args()
    if not shutil.which("haproxy"):
        print("haproxy mangler: apt-get install -y haproxy (make loadtest gør det)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="beskdash-loadtest-"))
    cluster = Cluster(work, replicas=2)
    try:
        print(f"Bygger database og første læsekopi i {work} …", flush=True)
        cluster.build()
        cluster.start_writer()
        cluster.start_replica(0)
        cluster.start_replica(1)
        cluster.start_haproxy()
        for port in cluster.replica_ports:
            wait_healthy(f"http://{HOST}:{port}/_stcore/health")
        cluster.wait_status("readers", "r1", "UP")
        cluster.wait_status("readers", "r2", "UP")
        cluster.wait_status("writer", "w1", "UP")
        warm(cluster, ["r1", "r2"])

        print(f"Fase 1: {a.sessions} sessioner mod én replika …", flush=True)
        cluster.admin("set server readers/r2 state maint")
        one = run_phase(cluster, "1 replika", ["r1"], a.sessions, a.seconds, a.runs)
        cluster.admin("set server readers/r2 state ready")
        cluster.wait_status("readers", "r2", "UP")

        print(f"Fase 2: {a.sessions} sessioner mod to replikaer; skriveren importerer undervejs …", flush=True)
        event: dict[str, float] = {}
        two = run_phase(cluster, "2 replikaer", ["r1", "r2"], a.sessions, a.seconds, a.runs,
                        during=lambda: event.update(import_and_publish(cluster, a.seconds / 3)))
        cluster.start_writer()
        fresh, served, stale = freshness(two.runs, int(event["new"]), event["published"], ["r1", "r2"])
        mixed = [r for p in (one, two) for r in p.runs if len(set(r.snapshots)) > 1]
        unmarked = [r for p in (one, two) for r in p.ok if not r.snapshots]
    finally:
        cluster.stop()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)

    scale = two.throughput / one.throughput if one.throughput else float("nan")
    print()
    print("| fase | sessioner | sidevisninger | fejl | sidevisninger/s | median | p95 | CPU pr. visning "
          "| hukommelse pr. session |")
    print("|---|---|---|---|---|---|---|---|---|")
    for p in (one, two):
        print(f"| {p.name} | {a.sessions} | {da(len(p.ok), 0)} | {len(p.errors)} | {da(p.throughput)} "
              f"| {da(p.p(0.5))} s | {da(p.p(0.95))} s | {da(1000 * p.cpu / max(1, len(p.ok)), 0)} ms "
              f"| {da(p.rss_per_session_mb, 2)} MB |")
    print()
    print(f"Skalering 1 → 2 replikaer: {da(scale, 2)}×. Ny læsekopi nr. {int(event['new'])} udgivet "
          f"{da(event['published'] - event['import_started'])} s efter importens start; hver replika startede "
          f"sidevisninger på den efter højst {da(fresh)} s, og den første sådan visning var færdig på "
          f"hver replika efter {da(served)} s. Visninger med to versioner: {len(mixed)}; gamle versioner efter "
          f"skiftet: {stale}; visninger uden versionsmærke: {len(unmarked)}.")
    print(f"CPU i fase 1/2: replikaer {da(one.cpu)}/{da(two.cpu)} s, belastningsgeneratoren "
          f"{da(one.generator_cpu)}/{da(two.generator_cpu)} s, på {da(one.seconds)}/{da(two.seconds)} s "
          f"(maskinens belastning nu: {da(os.getloadavg()[0], 2)}).")
    errors = [r for p in (one, two) for r in p.errors]
    for r in errors[:10]:
        print(f"  fejl: session {r.session} ({r.replica}) {r.view}: {r.error}")
    n_errors = len(errors) + len(mixed) + stale + len(unmarked)
    print(f"sessions {a.sessions}, errors {n_errors}, p95 {da(max(one.p(0.95), two.p(0.95)))} s, "
          f"scale-up {da(scale)}×, fresh after {da(fresh)} s")
    ok = a.sessions >= 200 and n_errors == 0 and scale >= 1.6 and fresh <= 10
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
