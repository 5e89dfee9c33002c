"""Read-only snapshots for replicas: the writer publishes one after every committed change.

A publish directory holds

    snapshots/000042-v17.duckdb   one consistent copy per publish (number, then the data version)
    current                       the file name of the newest snapshot (replaced atomically)
    versions.jsonl                one line per publish: number, file, data version, time
    replicas/<id>                 a replica's lease: the snapshot it serves; its mtime is when it last said so

A snapshot is written with `Store.snapshot` (COPY FROM DATABASE: one transaction's view), fsynced, and
only then named by `current`; a replica therefore never opens a half-written file. A snapshot that is no
longer current is removed once it has been retired for `KEEP_SECONDS` and no fresh lease names it.
Only the writer writes here (replicas write their own lease file, never a database).
"""

from __future__ import annotations

import fcntl
import itertools
import json
import logging
import os
import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the store calls publish after a commit; publish needs none of it at run time
    from beskdash.store.core import Store

PUBLISH_ENV = "BESKDASH_PUBLISH_DIR"  # the writer publishes here after every commit (unset: no publishing)
REPLICA_ENV = "BESKDASH_REPLICA_DIR"  # a replica serves the current snapshot of this directory
KEEP_SECONDS = 120.0  # a retired snapshot stays this long after its last use (a long page run, a slow replica)
LEASE_EVERY = 5.0  # a replica renews its lease at most this often

_NAME = re.compile(r"^(\d{6})-v(\d+)\.duckdb$")
_log = logging.getLogger("beskdash.publish")


@dataclass(frozen=True)
class Snapshot:
    path: Path
    number: int  # the publish number: grows by one with every publish
    data_version: int  # Store.version() of the data it holds

    @property
    def name(self) -> str:
        return self.path.name


def configured_dir() -> Path | None:
    d = os.environ.get(PUBLISH_ENV)
    return Path(d) if d else None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync(path.parent)


def _parse(path: Path) -> Snapshot | None:
    m = _NAME.match(path.name)
    return Snapshot(path, int(m.group(1)), int(m.group(2))) if m else None


def current(directory: str | os.PathLike) -> Snapshot | None:
    """The snapshot `current` names, or None before the first publish."""
    d = Path(directory)
    try:
        name = (d / "current").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return _parse(d / "snapshots" / name)


def publish(store: Store, directory: str | os.PathLike) -> Snapshot:
    """Write a consistent copy of `store`, fsync it, switch `current` to it, record it, prune old ones."""
    d = Path(directory)
    snaps = d / "snapshots"
    snaps.mkdir(parents=True, exist_ok=True)
    with (d / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one publisher at a time (the app and a CLI import, say)
        before = current(d)
        number = (before.number if before else 0) + 1
        version = store.version()
        path = snaps / f"{number:06d}-v{version}.duckdb"
        store.snapshot(path)
        _fsync(path)
        _fsync(snaps)
        _write_atomic(d / "current", path.name + "\n")
        record = {"number": number, "file": path.name, "data_version": version, "published_at": time.time()}
        with (d / "versions.jsonl").open("a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
            f.flush()
            os.fsync(f.fileno())
        prune(d)
    return Snapshot(path, number, version)


def publish_after_commit(store: Store) -> None:
    """The store's hook after every committed write: publish when a directory is configured.

    The write is committed whatever happens here, so a failed publish is logged for the operator and
    the next commit publishes again; it never reports the import itself as failed.
    """
    d = configured_dir()
    if d is None:
        return
    try:
        publish(store, d)
    except Exception:
        _log.exception("udgivelse af læsekopi til %s mislykkedes", d)


def replica_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


_last_lease: dict[tuple[str, str], float] = {}


def touch_lease(directory: str | os.PathLike, snapshot: Snapshot, replica: str | None = None) -> None:
    """A replica says which snapshot it serves (at most every LEASE_EVERY seconds per snapshot)."""
    rid = replica or replica_id()
    key = (rid, snapshot.name)
    now = time.monotonic()
    if now - _last_lease.get(key, -LEASE_EVERY) < LEASE_EVERY:
        return
    _last_lease[key] = now
    leases = Path(directory) / "replicas"
    try:
        leases.mkdir(exist_ok=True)
        _write_atomic(leases / rid, snapshot.name + "\n")
    except OSError:  # a read-only mount (snapshots shipped to the host): the host's own pruning decides
        _log.warning("kunne ikke skrive replikaens lejeaftale i %s", leases)


def prune(directory: str | os.PathLike, keep_seconds: float = KEEP_SECONDS, now: float | None = None) -> list[Path]:
    """Remove snapshots retired more than `keep_seconds` ago that no fresh lease names; returns them."""
    d = Path(directory)
    now = time.time() if now is None else now
    cur = current(d)
    retired_at: dict[str, float] = {}
    try:
        lines = (d / "versions.jsonl").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    records = [json.loads(line) for line in lines if line.strip()]
    for older, newer in itertools.pairwise(records):
        retired_at[older["file"]] = newer["published_at"]  # retired when the next one was published
    in_use = set()
    for lease in (d / "replicas").glob("*") if (d / "replicas").is_dir() else []:
        try:
            if now - lease.stat().st_mtime < keep_seconds:
                in_use.add(lease.read_text(encoding="utf-8").strip())
        except FileNotFoundError:
            continue
    removed = []
    for path in sorted((d / "snapshots").glob("*.duckdb")):
        if (cur is not None and path.name == cur.name) or path.name in in_use:
            continue
        retired = retired_at.get(path.name, path.stat().st_mtime)
        if now - retired >= keep_seconds:
            for p in (path, path.with_name(path.name + ".wal")):
                p.unlink(missing_ok=True)
            removed.append(path)
    return removed
