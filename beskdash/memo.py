"""The app's result cache: one shared object per key, found by a dict lookup.

`st.cache_data` hashes every argument with Streamlit's hasher and unpickles a private copy at every
hit; on a warm page run of 17 cached calls that was most of the run. The app's cached values are
query results and the views made from them, keyed by the data version: small keys, and values the
pages only read. So a hit here is a dict lookup that returns the shared object itself.

Shared means a caller must never change a value it got. `BESKDASH_CACHE_CHECK=1` (set by the test
suite) fingerprints every value when stored and again at every hit, and raises naming the entry that
was changed, so a page that mutates a cached frame fails its tests.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pandas as pd

T = TypeVar("T")

CHECK_ENV = "BESKDASH_CACHE_CHECK"


class CachedValueChanged(AssertionError):
    """A caller changed a shared cached value in place (only raised with BESKDASH_CACHE_CHECK=1)."""


def freeze(value: Any) -> Hashable:
    """`value` as a hashable key: lists and tuples as tuples, dicts and sets sorted, scalars as they are.
    A DataFrame or Series is refused: hashing data is what a small key avoids (pass what it was made from)."""
    try:  # already a key (a string, a frozen view, a tuple of such): most arguments are
        hash(value)
        return value
    except TypeError:
        pass
    if isinstance(value, (pd.DataFrame, pd.Series)):
        raise TypeError("Et datasæt kan ikke være en cache-nøgle: giv det, det er lavet af (en lille nøgle).")
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), freeze(v)) for k, v in value.items())))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(freeze(v) for v in value)))  # type: ignore[type-var]
    hash(value)  # raises TypeError for anything else unhashable
    return value


def _fingerprint(value: Any) -> bytes:
    h = hashlib.sha1()
    _feed(h, value)
    return h.digest()


def _feed(h: Any, value: Any) -> None:
    # A frame's pickle also holds pandas' lazily filled caches (an index's lookup engine), which reading
    # fills: the fingerprint is of its contents, so only a real change differs.
    if isinstance(value, (pd.DataFrame, pd.Series)):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        h.update(repr((list(frame.columns), [str(t) for t in frame.dtypes], list(frame.index))).encode())
        try:
            h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        except TypeError:  # cells pandas cannot hash (lists): their text
            h.update(frame.to_json(default_handler=str).encode())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(type(value).__qualname__.encode())
        for f in dataclasses.fields(value):
            _feed(h, getattr(value, f.name))
    elif isinstance(value, dict):
        h.update(b"{")
        for k, v in value.items():
            _feed(h, k)
            _feed(h, v)
    elif isinstance(value, (list, tuple)):
        h.update(b"[")
        for v in value:
            _feed(h, v)
    else:
        h.update(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


class Memo:
    """A thread-safe LRU map of key → value, with at most `max_entries` values."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, tuple[Any, bytes | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> tuple[T, bool]:
        """The value under `key` and whether `compute()` ran to make it (a miss)."""
        check = os.environ.get(CHECK_ENV) == "1"
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
        if found is not None:
            value, stored = found
            if check and stored is not None and _fingerprint(value) != stored:
                raise CachedValueChanged(f"En cachet værdi er ændret af den, der fik den: {key!r}")
            return value, False
        value = compute()  # outside the lock: two sessions may compute one key at once; both get a right value
        with self._lock:
            self._values[key] = (value, _fingerprint(value) if check else None)
            self._values.move_to_end(key)
            while len(self._values) > self.max_entries:
                self._values.popitem(last=False)
        return value, True

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
