"""The comparison's data, read through the store's named reads (no SQL here): what can be compared,
the numerators (the best source per figure) and the population denominators."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from beskdash import periods, taxonomy
from beskdash.fmt import join_da
from beskdash.store import Store

# FOLK1A/FOLK1AM count the population on the first day of the quarter/month.
POPULATION_SOURCES = ("dst:FOLK1AM", "dst:FOLK1A")
POPULATION_TITLES = {"dst:FOLK1AM": "FOLK1AM", "dst:FOLK1A": "FOLK1A"}
# The population count used is the one nearest the period's first day, at most this many months away.
MAX_POPULATION_DISTANCE = 24


# Where two sources hold the same figure: the register (StatBank) before analysts' imports, before
# figures transcribed from plans (printed, rounded). Source-key prefix → rank; any other source ranks 1.
SOURCE_RANKS = (("dst:", 0), ("plan:", 2))
OTHER_RANK = 1


def source_rank(key: str) -> int:
    return next((r for prefix, r in SOURCE_RANKS if key.startswith(prefix)), OTHER_RANK)


def available(store: Store, areas: Sequence[str] | None = None) -> pd.DataFrame:
    """What can be compared: one row per benefit, measure, period kind and period, with how many
    of `areas` (or of all areas) have a value. Population counts are denominators, not listed."""
    return store.coverage(list(areas) if areas else None)


def benefit_options(avail: pd.DataFrame) -> list[str]:
    """Benefits with data, in taxonomy order."""
    have = set(avail["benefit"])
    return [k for k in taxonomy.get().benefits if k in have]


def measure_options(avail: pd.DataFrame, benefit: str) -> list[str]:
    have = set(avail.loc[avail["benefit"] == benefit, "measure"])
    return [k for k in taxonomy.get().measures if k in have]


def kind_options(avail: pd.DataFrame, benefit: str, measure: str) -> list[str]:
    """Period kinds with data, the one with most periods first."""
    part = avail[(avail["benefit"] == benefit) & (avail["measure"] == measure)]
    counts = part.groupby("period_kind")["n_areas"].sum().sort_values(ascending=False, kind="stable")
    return list(counts.index)


def period_options(avail: pd.DataFrame, benefit: str, measure: str, kind: str) -> list[str]:
    part = avail[(avail["benefit"] == benefit) & (avail["measure"] == measure) & (avail["period_kind"] == kind)]
    return periods.distinct_sorted(list(part["period"]))


# A numerator row, as the store's best-value read gives it: (area_code, period, period_kind, value, source, …).
AREA, PERIOD, KIND, VALUE, SOURCE = range(5)


@dataclass(frozen=True)
class Numerators:
    """One value per area and period: plain rows (positions above), looked up cell by cell by the
    comparison; a sum with a benefit missing has value NaN, and `gaps` says which benefit."""

    rows: list[tuple]
    gaps: dict[tuple[str, str], str]  # (area_code, period) → why the sum has no value


def numerators(store: Store, codes: list[str], benefits: list[str], measure: str,
               source: str | None) -> Numerators:
    """One value per area and period (all periods), in the order the store gives the best values: the
    best source's, summed over `benefits` only where every one of them has a value (its sources joined)."""
    rows: list[tuple] = store.best_value_rows(codes, benefits, measure, source, list(SOURCE_RANKS), OTHER_RANK)
    if len(benefits) == 1:
        return Numerators(rows, {})  # the store's rows as they are: one benefit, nothing to sum
    by_key: dict[tuple[str, str, str], list[tuple]] = {}
    for r in rows:
        by_key.setdefault((r[AREA], r[PERIOD], r[KIND]), []).append(r)
    out, gaps = [], {}
    for (a, p, k), got in by_key.items():
        have = {r[-1] for r in got}
        src = ", ".join(sorted({r[SOURCE] for r in got}))
        if len(have) < len(benefits):
            gaps[(a, p)] = "mangler tal for " + join_da([taxonomy.benefit_label(b) for b in benefits if b not in have])
            out.append((a, p, k, math.nan, src))
        else:
            out.append((a, p, k, math.fsum(float(r[VALUE]) for r in got), src))
    return Numerators(out, gaps)


def population(store: Store, codes: Sequence[str], for_periods: Sequence[str]) -> pd.DataFrame:
    """The population denominator for each area and period: the FOLK1A/FOLK1AM count nearest the
    period's first day (the earlier one on a tie), at most MAX_POPULATION_DISTANCE months away.

    Columns: area_code, period, population, population_period, population_date, population_source.
    """
    cols = ["area_code", "period", "population", "population_period", "population_date", "population_source"]
    pop = store.observations(areas=list(codes), benefits=["befolkning"], measures=["personer"],
                             sources=list(POPULATION_SOURCES))
    pop = pop[pop["value"].notna()]
    if pop.empty or not for_periods:
        return pd.DataFrame(columns=cols)
    pop = pop.assign(_m=pop["period"].map(periods.start_month), _r=pop["source"].map(POPULATION_SOURCES.index))
    # The monthly table first where both count the same day (they agree; one must be chosen).
    pop = pop.sort_values(["_r"]).drop_duplicates(["area_code", "_m"]).sort_values("_m")
    want = pd.DataFrame([(c, p, periods.start_month(p)) for c in codes for p in for_periods],
                        columns=["area_code", "period", "_m"]).sort_values("_m")
    got = pd.merge_asof(want, pop[["area_code", "_m", "value", "period", "source"]].rename(
        columns={"period": "population_period", "value": "population", "source": "population_source"}),
        on="_m", by="area_code", direction="nearest", tolerance=MAX_POPULATION_DISTANCE)
    got["population_date"] = got["population_period"].map(
        lambda p: periods.first_day(p) if isinstance(p, str) else None)
    return got[cols].reset_index(drop=True)
