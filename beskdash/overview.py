"""The start page's figures: for one area, the latest value per ydelse beside Hele landet."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from beskdash import fmt, taxonomy
from beskdash.fetch import PROVISIONAL_NOTE
from beskdash.store import Store

NATIONAL = "000"


def latest_by_benefit(store: Store, area_code: str) -> pd.DataFrame:
    """One row per (benefit, measure, source): the newest value for `area_code`, and Hele
    landet's value for the same benefit, measure, period and source where the source has one.

    Columns: benefit, benefit_label, measure, measure_label, period, value, national_value,
    source, source_title, ref, note. Benefits in taxonomy order; population groups last.
    """
    df = store.latest_per_benefit(area_code, NATIONAL)
    if df.empty:
        return df
    order = {k: i for i, k in enumerate(taxonomy.get().benefits)}
    morder = {k: i for i, k in enumerate(taxonomy.get().measures)}
    df["benefit_label"] = df["benefit"].map(taxonomy.benefit_label)
    df["measure_label"] = df["measure"].map(taxonomy.measure_label)
    df["_o"] = df["benefit"].map(order)
    df["_m"] = df["measure"].map(morder)
    df = df.sort_values(["source", "_o", "_m"]).drop(columns=["_o", "_m"]).reset_index(drop=True)
    return df


@dataclass(frozen=True)
class SourceTable:
    """One source's table for one area, ready to show: built once per data version (cached by the page)."""

    source: str
    title: str
    table: pd.DataFrame
    note: str
    periods: tuple[str, ...]


def area_tables(store: Store, area_code: str) -> list[SourceTable]:
    """Everything the start page shows for one area, per source (plans first)."""
    df = latest_by_benefit(store, area_code)
    if df.empty:
        return []
    return [SourceTable(source, part["source_title"].iloc[0], display_table(part), measures_note(part),
                        tuple(part["period"]))
            for source, part in by_source(df)]


def by_source(df: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The rows split per source: the plans' own figures first, then the statistics."""
    keys = sorted(df["source"].unique(), key=lambda k: (not k.startswith("plan:"), k))
    return [(k, df[df["source"] == k]) for k in keys]


def display_table(df: pd.DataFrame) -> pd.DataFrame:
    """One row per ydelse and period: count, share, and Hele landet beside them (Danish text).

    Shares say what they are a share of when a table mixes bases (population/labour force).
    """
    rows = []
    is_count, is_share = _counts(df), _shares(df)
    bases = set(df.loc[is_share, "measure"])
    for (_benefit, period), g in df.groupby(["benefit", "period"], sort=False):
        count = g[is_count[g.index]]
        share = g[is_share[g.index]]
        row = {
            "Ydelse": g["benefit_label"].iloc[0],
            # the newest month from jobindsats.dk is provisional and says so
            "Periode": fmt.period(period) + (" (foreløbige tal)" if (g["note"] == PROVISIONAL_NOTE).any() else ""),
            "Antal": fmt.value(count["value"].iloc[0], count["measure"].iloc[0]) if len(count) else "–",
            "Andel": "–",
            "Hele landet, antal": "–",
            "Hele landet, andel": "–",
        }
        if len(count):
            row["Hele landet, antal"] = fmt.value(count["national_value"].iloc[0], count["measure"].iloc[0])
        if len(share):
            m = share["measure"].iloc[0]
            suffix = f" ({_BASE[m]})" if len(bases) > 1 and m in _BASE else ""
            row["Andel"] = fmt.value(share["value"].iloc[0], m) + suffix
            row["Hele landet, andel"] = fmt.value(share["national_value"].iloc[0], m)
        rows.append(row)
    out = pd.DataFrame(rows)
    # Drop columns the source never fills (e.g. no national figures).
    return out[[c for c in out.columns if c in ("Ydelse", "Periode") or (out[c] != "–").any()]]


def measures_note(df: pd.DataFrame) -> str:
    """What 'Antal' and 'Andel' mean in this source's table."""
    counts = sorted(set(df.loc[_counts(df), "measure"]))
    shares = sorted(set(df.loc[_shares(df), "measure"]))
    parts = []
    if counts:
        parts.append("Antal: " + ", ".join(taxonomy.measure_label(m).lower() for m in counts))
    if shares:
        parts.append("Andel: " + ", ".join(taxonomy.measure_label(m).lower() for m in shares))
    return ". ".join(parts) + "." if parts else ""


def _counts(df: pd.DataFrame) -> pd.Series:
    """The rows whose measure is a register count ('Antal')."""
    return df["measure"].map(taxonomy.is_count).astype(bool)


def _shares(df: pd.DataFrame) -> pd.Series:
    """The rows whose measure is a share the source publishes for the area ('Andel'); STAR's
    benchmark shares (expected/actual) are a model's figures, not the area's share."""
    return df["measure"].map(lambda m: m in taxonomy.measure_keys() and taxonomy.role(m) == "share").astype(bool)


_BASE = {"pct-befolkning": "af befolkningen", "pct-arbejdsstyrke": "af arbejdsstyrken", "pct": "andel"}
