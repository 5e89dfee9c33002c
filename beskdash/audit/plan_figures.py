"""The plans' figures as the checks see them: one frame of every printed observation and published change,
and an index of the lookups the checks make many times."""

from __future__ import annotations

from typing import Any, NamedTuple

import pandas as pd

from beskdash import fmt, periods, taxonomy
from beskdash.audit.common import (
    PLAN_PREFIX,
    _half,
    _printed_decimals,
    _value_decimals,
)
from beskdash.store import Store


class Figure(NamedTuple):
    """One printed figure: a row of the `figures` frame."""

    plan: str
    role: str  # "observation" or "change"
    area_code: str
    benefit: str
    measure: str
    period: str
    base_period: str  # a change's base period; "" for an observation
    value: float
    printed: str
    decimals: int
    seed_file: str
    table: str


FIGURE_COLUMNS = list(Figure._fields)


def figures(store: Store) -> pd.DataFrame:
    """Every figure the plans printed, from the store: observations of the `plan:` sources and the
    published changes. The store keeps values, not print, so an observation's `printed` is its
    value in the plan's notation (shares and weeks with one decimal, counts whole)."""
    rows = []
    keys = [k for k in store.sources()["key"] if k.startswith(PLAN_PREFIX)]
    obs = store.observations(sources=keys) if keys else pd.DataFrame()
    for r in obs.itertuples(index=False):
        if r.value is None or pd.isna(r.value):
            continue
        seed_file, _, table = str(r.ref or "").partition(" § ")
        dec = _value_decimals(r.value, r.measure)
        rows.append((r.source.removeprefix(PLAN_PREFIX), "observation", r.area_code, r.benefit, r.measure,
                     r.period, "", float(r.value), fmt.value(r.value, r.measure, dec), dec, seed_file, table))
    for r in store.published_changes().itertuples(index=False):
        rows.append((r.plan, "change", r.area_code, r.benefit, r.measure, r.period, r.base_period,
                     float(r.value), r.printed, _printed_decimals(r.printed), r.seed_file, r.seed_section))
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def rows(fig: pd.DataFrame) -> list[Figure]:
    return [Figure(*t) for t in fig[FIGURE_COLUMNS].itertuples(index=False, name=None)]


class _Index:
    """The figures frame with the lookups the checks make many times (plain dicts, not frame scans)."""

    def __init__(self, fig: pd.DataFrame):
        self.frame = fig
        self.counts: dict[tuple, list[Figure]] = {}
        self.exact: dict[tuple, Figure] = {}
        for r in rows(fig):
            self.exact.setdefault((r.role, r.plan, r.area_code, r.benefit, r.measure, r.period), r)
            if r.role == "observation" and taxonomy.is_count(r.measure):
                self.counts.setdefault((r.plan, r.area_code, r.benefit, r.period), []).append(r)

    def count(self, plan: str, area: str, benefit: str, period: str, table: str | None = None) -> Figure | None:
        """The count (fuldtidspersoner, else personer) of a benefit, preferring the same table."""
        found = self.counts.get((plan, area, benefit, period))
        if not found:
            return None
        return min(found, key=lambda r: (r.table != table, r.measure != "fuldtidspersoner"))  # full-time persons first

    def figure(self, plan: str, area: str, benefit: str, measure: str, period: str) -> Figure | None:
        role = "change" if measure in taxonomy.change_keys() else "observation"
        return self.exact.get((role, plan, area, benefit, measure, periods.parse_period(period)))


def _change_from_counts(ix: _Index, r: Any) -> tuple[float, float, float, Figure, Figure] | None:
    """(computed, low, high, old, new): the change in % the counts give for change `r`, with rounding bounds."""
    new = ix.count(r.plan, r.area_code, r.benefit, r.period, r.table)
    old = ix.count(r.plan, r.area_code, r.benefit, r.base_period, r.table)
    if new is None or old is None or old.value <= _half(old.decimals):
        return None
    hn, ho = _half(new.decimals), _half(old.decimals)
    computed = (new.value / old.value - 1) * 100
    return computed, ((new.value - hn) / (old.value + ho) - 1) * 100, ((new.value + hn) / (old.value - ho) - 1) * 100, \
        old, new
