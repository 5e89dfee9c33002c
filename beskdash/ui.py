"""Streamlit glue: the cached store and queries, URL state, source footers.

The only library module that imports streamlit. Pages call these and the pure modules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from beskdash import fmt, taxonomy
from beskdash.paths import db_path
from beskdash.store import Store, StoreBusy

T = TypeVar("T")

# The four municipalities the product is built for, in the order pages list them.
MUNICIPALITIES = ["173", "159", "201", "230"]


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path)


def store() -> Store:
    """The process's one connection (DuckDB: one writing process per file)."""
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


def cached(fn: Callable[..., T]) -> Callable[..., T]:
    """Cache a query function `fn(store, *args)` per process; cleared by `clear_caches()`.

    The store argument is not hashed (one per process); the data version is, so a write
    from this process (which also clears) or a rebuild is never served stale.
    """

    @st.cache_data(show_spinner=False, max_entries=512)
    def _run(_version: int, _name: str, *args: Any, **kwargs: Any) -> T:
        return fn(store(), *args, **kwargs)

    def wrapper(*args: Any, **kwargs: Any) -> T:
        return _run(store().version(), fn.__qualname__, *args, **kwargs)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def clear_caches() -> None:
    """After an import or undo: every page shows the new figures at once."""
    st.cache_data.clear()


# --- URL state ----------------------------------------------------------------------------

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
    """Write the view's state to the URL so a copied link opens the same view."""
    for k, v in params.items():
        if v is None or v == [] or v == "":
            if k in st.query_params:
                del st.query_params[k]
            continue
        s = ",".join(v) if isinstance(v, list) else str(v)
        if st.query_params.get(k) != s:
            st.query_params[k] = s


# --- Shared widgets -----------------------------------------------------------------------

def area_label(code: str) -> str:
    return taxonomy.area_name(code)


def source_footer(source_keys: list[str], periods: list[str] | None = None) -> None:
    """Under every table and chart: which sources, their licence, and the data's periods."""
    if not source_keys:
        return
    src = store().sources().set_index("key")
    parts = []
    for k in dict.fromkeys(source_keys):
        if k in src.index:
            r = src.loc[k]
            lic = f", {r['licence']}" if r["licence"] else ""
            parts.append(f"{r['title']}{lic}")
        else:
            parts.append(k)
    text = "Kilde: " + "; ".join(parts)
    if periods:
        ps = sorted(set(periods))
        text += f". Periode: {fmt.period(ps[0])}" + (f" – {fmt.period(ps[-1])}" if len(ps) > 1 else "")
    st.caption(text)


def dataframe(df: pd.DataFrame, **kwargs: Any) -> None:
    """A large, scrollable table (canvas grid)."""
    st.dataframe(df, hide_index=True, width="stretch", **kwargs)


def table(df: pd.DataFrame, alt: str | None = None) -> None:
    """A small table as plain HTML: readable by screen readers and searchable in the page."""
    st.table(df, hide_index=True, alt=alt)
