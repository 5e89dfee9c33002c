"""Where the StatBank extracts in data/dst/ come from, since the repository carries none.

`fill_dst` fills the (git-ignored) folder before a build, in this order:
1. copies of `../shared/data/dst/*.csv` when that folder is beside the checkout (development, CI);
2. otherwise StatBank's open API when the machine is online (every table in data/fetch.yaml,
   all areas; AUK01 with every ydelsestype the taxonomy knows);
3. otherwise nothing: `build` then says once that the dashboard shows the plans' own figures.
Files already in data/dst/ are kept, so a filled folder is never fetched again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from beskdash.fetch import statbank
from beskdash.fetch.http import FetchError, HttpSettings
from beskdash.paths import DATA_DIR, ROOT

SHARED_DST = ROOT.parent / "shared" / "data" / "dst"
DST_DIR = DATA_DIR / "dst"
# A first build must not hang offline: one try, short waits.
OFFLINE_TIMEOUT = 10.0


def shared_extracts(shared: Path = SHARED_DST) -> list[Path]:
    """The extracts beside the checkout (top level only: api-recordings/ is for tests)."""
    return sorted(shared.glob("*.csv")) if shared.is_dir() else []


def fill_dst(dst_dir: Path = DST_DIR, shared: Path = SHARED_DST, online: bool = True) -> list[str]:
    """Fill `dst_dir` if it holds no CSV; returns what was done, in Danish (empty if nothing)."""
    dst_dir.mkdir(parents=True, exist_ok=True)
    if any(dst_dir.glob("*.csv")):
        return []
    found = shared_extracts(shared)
    if found:
        for f in found:
            shutil.copyfile(f, dst_dir / f.name)
        return [f"data/dst/: {len(found)} udtræk fra Danmarks Statistik kopieret fra {shared}."]
    if not online:
        return []
    return _fetch_into(dst_dir)


def _fetch_into(dst_dir: Path) -> list[str]:
    settings = HttpSettings(timeout=OFFLINE_TIMEOUT, attempts=1, backoff=0.0)
    try:
        fetched = statbank.fetch(areas=None, settings=settings)
    except FetchError:
        return []  # offline or StatBank down: the build's notice says what the dashboard shows
    for f in fetched:
        # Written only once every table has arrived, so a half-filled folder never stops later fills.
        (dst_dir / f"{f.table}_statbank_api.csv").write_bytes(f.data)
    names = ", ".join(f.table for f in fetched)
    return [f"data/dst/: {len(fetched)} tabeller hentet fra Danmarks Statistiks API ({names})."]
