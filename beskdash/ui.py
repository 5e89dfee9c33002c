"""Streamlit glue: the cached store and queries, URL state, source footers.

The only library module that imports streamlit. Pages call these and the pure modules.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, overload

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from beskdash import auth, exports, memo, plan_versions, taxonomy
from beskdash.paths import db_path
from beskdash.store import SnapshotStore, Store, StoreBusy, publish

T = TypeVar("T")

# The four municipalities the product is built for, in the order pages list them.
MUNICIPALITIES = ["173", "159", "201", "230"]


_APP_STORES: dict[str, Store] = {}
_APP_STORES_LOCK = threading.Lock()


def _store(path: str) -> Store:
    """The process's one Store of a database file, opened on first use. A dict lookup after that:
    `st.cache_resource` hashed the path and took its locks on every page run (about 0,15 ms of a 3 ms
    rerun). A file that cannot be opened (StoreBusy) is not remembered; the next run tries again."""
    found = _APP_STORES.get(path)
    if found is None:
        with _APP_STORES_LOCK:
            found = _APP_STORES.get(path)
            if found is None:
                found = _APP_STORES[path] = Store(path)
    return found


def store() -> Store:
    """The process's one connection (DuckDB: one writing process per file); on a replica, the
    read-only snapshot this page run is pinned to. Found once per page run."""
    return _per_run(_STORE_KEY, _find_store)


def _find_store() -> Store:
    if replica_dir() is not None:
        return _pinned_snapshot()
    path = db_path()
    if not path.exists():
        st.error(
            f"Databasen {path} findes ikke endnu. Byg den med `python -m beskdash build` "
            "(det gør `make run` automatisk)."
        )
        st.stop()
    try:
        return _store(str(path))
    except StoreBusy as e:
        st.error(str(e))
        st.stop()


# Query results and the views made from them, per database, data version and arguments (memo.py: a
# hit is a dict lookup returning the shared value; pages only read what they get).
_QUERIES = memo.Memo(max_entries=512)
_DERIVED = memo.Memo(max_entries=1024)


def _identity(fn: Callable[..., Any]) -> tuple[str, Any]:
    # The code object tells two lambdas of one module apart; it is the same object in every run.
    return f"{fn.__module__}.{fn.__qualname__}", getattr(fn, "__code__", None)


def cached(fn: Callable[..., T]) -> Callable[..., T]:
    """Cache a query function `fn(store, *args)` per process; cleared by `clear_caches()`.

    The store itself is not part of the key (one per process); its path and data version are, so a
    write from this process (which also clears) or a rebuild is never served stale.
    """
    identity = _identity(fn)

    def wrapper(*args: Any, **kwargs: Any) -> T:
        s = store()
        before = data_version(s)
        key = (str(s.path), before, identity, memo.freeze(args), memo.freeze(kwargs))
        result, ran = _QUERIES.get_or_compute(key, lambda: fn(s, *args, **kwargs))
        # A cached result belongs to `before` as a whole; only a query that ran can have read a later version.
        _one_version(before, s.version() if ran else before)
        return result

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def derived(fn: Callable[..., T], *args: Any, key: Any) -> T:
    """`fn(*args)` for a pure `fn` over data a cached query returned, cached per data version under `key`.

    `key` must determine the arguments (e.g. the view they were made from): a small key is far cheaper
    than hashing the frames themselves, and a frame as key is refused.
    """
    full = (_identity(fn), data_version(store()), memo.freeze(key))
    return _DERIVED.get_or_compute(full, lambda: fn(*args))[0]


def _spec(build: Callable[..., Any], *args: Any) -> dict[str, Any] | None:
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    chart = build(*args)
    # Exactly what st.altair_chart sends (validated, datasets as Arrow), made once.
    return None if chart is None else _convert_altair_to_vega_lite_spec(chart)


def chart(build: Callable[..., Any], *args: Any, key: Any, alt: str | None = None) -> bool:
    """Draw the Altair chart `build(*args)` (a builder in beskdash.charts); False when it returns None.

    Building, validating and serialising a spec costs far more than showing it, so the finished
    Vega-Lite spec is cached per data version under `key` (see `derived`), and a rerun hands
    Streamlit the cached dict.
    """
    spec = derived(_spec, build, *args, key=(f"{build.__module__}.{build.__qualname__}", key))
    if spec is None:
        return False
    st.vega_lite_chart(spec, width="stretch", alt=alt)
    return True


_STORE_KEY = "_store"  # beside the data versions, which are keyed by database path
_SEEN_KEY = "_seen"  # the data version this run's cached calls have shown so far


_RUN = threading.local()  # .held: (the run's ctx.cursors, its memo), per script thread


def _run_memo() -> dict[str, Any] | None:
    """This page run's store and data versions by database path (None outside a run: the CLI, library tests).

    Streamlit gives every run (and every fragment or callback pass) a new `ctx.cursors` dict
    (ScriptRunContext.reset); that dict is the run's identity. Holding it here keeps it alive, so a later
    run's dict can never be mistaken for it, and the next run starts an empty memo. A run happens in one
    thread, so the memo is held per thread: a session-state read cost about 6 µs, and a run asks 10–20 times."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return None
    held = getattr(_RUN, "held", None)
    if held is None or held[0] is not ctx.cursors:
        held = _RUN.held = (ctx.cursors, {})
    return held[1]


def _per_run(key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per page run (every time outside one)."""
    run = _run_memo()
    if run is None:
        return compute()
    if key not in run:
        run[key] = compute()
    return run[key]


def data_version(s: Store) -> int:
    """`s.version()`, read once per page run: the first cached call of a run reads it, the others reuse it.
    A query that runs (a miss) still reads the version after it, so a run an import overtakes starts over
    as before (`_one_version`)."""
    run = _run_memo()
    if run is None:
        return s.version()
    key = str(s.path)
    if key not in run:
        run[key] = s.version()
    return int(run[key])


def _one_version(before: int, after: int) -> None:
    """A page run shows one version of the data: when an import commits while a run is reading
    (between two of its queries, or during one), the run starts over, so no page mixes figures
    from before and after an import (tests/fault/test_concurrent.py). A new version between two runs
    is no mix: each run compares only with what its own cached calls have shown."""
    run = _run_memo()
    if run is None:
        return
    seen = run.get(_SEEN_KEY, before)
    run[_SEEN_KEY] = after
    if seen != before or after != before:
        st.rerun()


# --- Navigation -------------------------------------------------------------------------------

_PAGES_KEY = "_beskdash_pages"


def navigation_pages(specs: list[Any], root: Path, check: Callable[[list[Any], Path], None]) -> list[Any]:
    """The st.Page of every spec (`pages_registry.PageSpec`) whose `visible()` holds, made once per session
    and set of pages, after `check(specs, root)` (which raises for a missing file): making one resolves its
    path and validates its icon, every run otherwise. A session runs one script at a time, so its page
    objects are never shared between two runs at once."""
    visible = tuple(p for p in specs if p.visible())
    held = st.session_state.get(_PAGES_KEY)
    if held is not None and held[0] == visible:
        return list(held[1])
    check(specs, root)
    pages = [st.Page(str(root / p.file), title=p.title, icon=p.icon, url_path=p.url_path, default=p.default)
             for p in visible]
    st.session_state[_PAGES_KEY] = (visible, pages)
    return pages


# --- Replica mode (`serve --replica DIR`): read-only snapshots, switched between runs -------------

_PIN_KEY = "_beskdash_snapshot"


def replica_dir() -> Path | None:
    """The publish directory this process serves snapshots of, or None on the writer."""
    d = os.environ.get(publish.REPLICA_ENV)
    return Path(d) if d else None


@st.cache_resource(show_spinner=False, max_entries=3)
def _snapshot_store(path: str, number: int, data_version: int) -> Store:
    # A few stay open: a run that started on the previous snapshot finishes on it.
    return SnapshotStore(publish.Snapshot(Path(path), number, data_version))


def _pin() -> publish.Snapshot:
    """Pin this session's run to the current snapshot (read from the `current` pointer)."""
    d = replica_dir()
    assert d is not None
    snap = publish.current(d)
    if snap is None or not snap.path.exists():
        st.error(f"Der er endnu ingen udgivet læsekopi i {d}. Analytikernes udgave udgiver en, når den åbner "
                 f"databasen og efter hver ændring (med {publish.PUBLISH_ENV} sat).")
        st.stop()
    st.session_state[_PIN_KEY] = snap
    publish.touch_lease(d, snap)
    return snap


def _pinned_snapshot() -> Store:
    snap = st.session_state.get(_PIN_KEY)
    if not isinstance(snap, publish.Snapshot) or not snap.path.exists():
        snap = _pin()  # a page run outside page_run (AppTest of one page), or a pruned snapshot
    return _snapshot_store(str(snap.path), snap.number, snap.data_version)


# Page runs a replica works on at once. Streamlit gives every session's run its own thread; with 200 of
# them the server's event loop (websockets, /_stcore/health) waits for the GIL so long that HAProxy's
# health check fails and takes the replica out. Runs beyond this many wait, sleeping, for a slot.
RUN_SLOTS_ENV = "BESKDASH_REPLICA_RUNS"


@st.cache_resource(show_spinner=False)
def _run_slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(int(os.environ.get(RUN_SLOTS_ENV, "3")))


@contextmanager
def page_run() -> Iterator[None]:
    """app.py runs every page inside this. On a replica: wait for a run slot, then pin the run to the
    current snapshot, so a run never mixes two versions and the next run sees a new one, and write the
    snapshot into the page as a hidden element (read by bench/loadtest.py). On the writer: nothing."""
    if replica_dir() is None:
        yield
        return
    slots = _run_slots()
    got = slots.acquire(timeout=120)  # never wait forever: a stuck run must not stop the replica
    try:
        pinned = time.time()  # before the pointer is read: a run pinned later than a publish must show it
        snap = _pin()
        st.html(f'<span hidden data-beskdash-snapshot="{snap.number}" data-beskdash-version="{snap.data_version}" '
                f'data-beskdash-pinned="{pinned:.3f}"></span>')
        yield
    finally:
        if got:
            slots.release()


def clear_caches() -> None:
    """After an import or undo: every page shows the new figures at once."""
    _QUERIES.clear()
    _DERIVED.clear()
    st.cache_data.clear()
    run = _run_memo()
    if run is not None:  # the rest of this run reads the new version; what it showed before still counts
        seen = run.get(_SEEN_KEY)
        run.clear()
        if seen is not None:
            run[_SEEN_KEY] = seen


# --- URL state ----------------------------------------------------------------------------

@overload
def url_get(key: str, default: str, allowed: list[str] | None = None) -> str: ...
@overload
def url_get(key: str, default: None = None, allowed: list[str] | None = None) -> str | None: ...
def url_get(key: str, default: str | None = None, allowed: list[str] | None = None) -> str | None:
    """A query parameter, ignored when not among `allowed` (a hand-edited link never crashes)."""
    v = st.query_params.get(key)
    if v is None or (allowed is not None and v not in allowed):
        return default
    return v


def url_get_list(key: str, default: list[str], allowed: list[str] | None = None) -> list[str]:
    raw = st.query_params.get(key)
    if not raw:
        return default
    vals = [v for v in raw.split(",") if v and (allowed is None or v in allowed)]
    return vals or default


def url_set(**params: str | list[str] | None) -> None:
    """Write the view's state to the URL so a copied link opens the same view (only what changed; the
    URL is read once, as every access to st.query_params costs several µs)."""
    now = st.query_params.to_dict()
    for k, v in params.items():
        if v is None or v == [] or v == "":
            if k in now:
                del st.query_params[k]
            continue
        s = ",".join(v) if isinstance(v, list) else str(v)
        if now.get(k) != s:
            st.query_params[k] = s


_UNSET = object()


def url_and_widgets(widgets: dict[str, str], extra: Sequence[str] = ()) -> tuple[dict[str, str | None], dict[str, Any]]:
    """A URL-state page's inputs, each source read once: the URL's values of the parameters in `widgets`
    (URL parameter → widget key) and `extra`, and the current value of each widget that has one (by URL
    parameter): what the user has just chosen, which the page lets override the URL."""
    now = st.query_params.to_dict()
    url = {k: now.get(k) for k in [*widgets, *extra]}
    state = st.session_state
    held = {}
    for k, w in widgets.items():
        v = state.get(w, _UNSET)
        if v is not _UNSET:
            held[k] = v
    return url, held


def hold_widgets(widgets: dict[str, str], values: dict[str, Any], held: dict[str, Any]) -> None:
    """Give each widget (`widgets`: URL parameter → key) the resolved view's value (`values`, by URL
    parameter), where it does not hold it already (`held`, from `url_and_widgets`)."""
    for k, v in values.items():
        if k not in held or held[k] != v:
            st.session_state[widgets[k]] = v


# --- Shared widgets -----------------------------------------------------------------------

def area_label(code: str) -> str:
    return taxonomy.area_name(code)


def source_footer(source_keys: list[str], periods: list[str] | None = None) -> None:
    """Under every table and chart: publisher, title and licence of each source, and the data's
    periods, worded exactly as the exports and the report word them."""
    if source_keys:
        st.caption(" ".join(cached(exports.source_lines)(source_keys, periods)))


def dataframe(df: pd.DataFrame, **kwargs: Any) -> None:
    """A large, scrollable table (canvas grid)."""
    st.dataframe(df, hide_index=True, width="stretch", **kwargs)


def table(df: pd.DataFrame, alt: str | None = None) -> None:
    """A small table as plain HTML: readable by screen readers and searchable in the page."""
    st.table(df, hide_index=True, alt=alt)


# --- Login: analysts only (everyone else reads without logging in) --------------------------------

_USER_KEY = "beskdash_user"
_LOGGED: set[str] = set()


@st.cache_resource(show_spinner=False)
def _throttle() -> Any:
    """Wrong-password counts, shared by every session of this app process."""
    return auth.Throttle()


def _users() -> dict[str, Any]:
    """Users from st.secrets' `[auth.users]`, re-read in every page run, so removing a user revokes."""
    return _per_run("_users", _read_users)


def _read_users() -> dict[str, Any]:
    users, notes = auth.users_from_secrets(_auth_section())
    for note in notes:
        if note not in _LOGGED:  # once per process, not on every rerun
            _LOGGED.add(note)
            logging.getLogger("beskdash.auth").warning(note)
    return users


def _auth_section() -> dict[str, Any]:
    """secrets.toml's `[auth]` as plain dicts, read once per page run (every `get` on Streamlit's
    AttrDict wraps what it returns anew)."""
    return _per_run("_auth", _read_auth_section)


def _read_auth_section() -> dict[str, Any]:
    try:
        section = st.secrets.get("auth", {})
    except FileNotFoundError:  # no secrets.toml: nobody can log in, everyone reads
        return {}
    return section.to_dict() if hasattr(section, "to_dict") else dict(section)


def _oidc() -> Any:
    """The provider's role settings when secrets.toml configures OpenID Connect, else None (local users);
    read once per page run."""
    return _per_run("_oidc", _read_oidc)


def _read_oidc() -> Any:
    section = _auth_section()
    missing = auth.missing_oidc_keys(section)
    if missing:
        note = f"[auth] i secrets.toml mangler {', '.join(missing)} — login via kommunens login er slået fra."
        if note not in _LOGGED:
            _LOGGED.add(note)
            logging.getLogger("beskdash.auth").warning(note)
    return auth.oidc_settings(section)


def _claims() -> dict[str, Any]:
    return st.user.to_dict() if st.user.is_logged_in else {}


def current_user() -> str | None:
    """The logged-in user's name (the provider's, with OIDC), or None for a visitor who has not logged in."""
    if _oidc() is not None:
        name = auth.name_from_claims(_claims())
        if name:
            _record_login(name, "login via kommunens login (OpenID Connect)")
        return name
    name = st.session_state.get(_USER_KEY)
    return name if name and name in _users() else None


def is_analyst() -> bool:
    """Whether this session's user is an analyst; decided once per page run (the navigation asks for each
    analysts' page, and the page again). A login or logout reruns at once, so a run never sees both."""
    return _per_run(_ANALYST_KEY, _is_analyst)


_ANALYST_KEY = "_analyst"  # in the page run's memo


def _is_analyst() -> bool:
    if replica_dir() is not None:  # a replica serves readers only; analysts use the writer's base path
        return False
    settings = _oidc()
    if settings is not None:
        return auth.role_from_claims(_claims(), settings) == "analyst"
    name = current_user()
    return name is not None and _users()[name].role == "analyst"


def _record_login(name: str, detail: str) -> None:
    """One audit-log line per session and user (st.user is read on every rerun)."""
    key = f"beskdash_logged_in_{name}"
    if not st.session_state.get(key):
        st.session_state[key] = True
        audit_event(name, "login", detail)



def audit_event(name: str, action: str, detail: str = "") -> None:
    """An audit-log line for what changes no data (logins, logouts); data changes log themselves in the store."""
    try:
        store().log_event(name, action, detail)
    except Exception:  # the log must never lock a user out; the operator sees why
        logging.getLogger("beskdash.auth").exception("logbogen kunne ikke skrives (%s, %s)", name, action)


def login_form() -> None:
    """The login: the municipality's provider when configured, else the local form; on success the
    navigation is rebuilt."""
    if replica_dir() is not None:
        st.info("Denne server viser en læsekopi af tallene. Analytikere logger ind på analytikernes udgave "
                "(fx /analytiker).")
        return
    if _oidc() is not None:
        st.write("Du logger ind med kommunens fælles login. Analytikere får adgang til Upload og Hent data; "
                 "alle andre ser det samme som uden login.")
        if st.button("Log ind med kommunens login", type="primary"):
            st.login()
        return
    users = _users()
    if not users:
        st.info("Der er ingen analytikere oprettet på denne installation. Driften opretter dem med "
                "`python -m beskdash users add NAVN` og `.streamlit/secrets.toml` (se README).")
        return
    with st.form("login"):
        name = st.text_input("Brugernavn", autocomplete="username")
        password = st.text_input("Adgangskode", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Log ind", type="primary")
    if submitted:
        result = auth.authenticate(users, name, password, _throttle())
        if result.user is None:
            audit_event((name or "").strip()[:64] or "(tomt)", "login-fejl", result.message)
            st.error(result.message)
            return
        st.session_state[_USER_KEY] = result.user.name
        _record_login(result.user.name, "login med brugernavn og adgangskode")
        st.rerun()


def logout() -> None:
    name = current_user()
    if name:
        audit_event(name, "logout")
        st.session_state.pop(f"beskdash_logged_in_{name}", None)
    if _oidc() is not None:
        st.logout()  # clears Streamlit's signed identity cookie and reruns
        return
    st.session_state.pop(_USER_KEY, None)
    st.rerun()


def require_analyst() -> None:
    """First line of an analysts' page: readers (and a link typed by hand) are stopped here."""
    if not is_analyst():
        st.warning("Denne side er kun for analytikere. Log ind for at fortsætte.")
        st.page_link("pages/login.py", label="Log ind", icon=":material/login:")
        st.stop()


# --- Plans: the goal engine loads analysts' plan versions from this process's store --------------

def _plans_store() -> Store | None:
    """In a page run, the page's store (so every process sees the plans in its database); elsewhere
    (the CLI, library tests) plan_versions falls back to the store open in the process."""
    return store() if get_script_run_ctx(suppress_warning=True) is not None else None


def _use_plans_store() -> None:
    plan_versions.use_store(_plans_store, _run_memo)


_use_plans_store()
