"""The start page's figures: for one area, the latest value per ydelse beside Hele landet."""

from __future__ import annotations

import pandas as pd

from beskdash import taxonomy
from beskdash.store import Store

COUNT_MEASURES = ("fuldtidspersoner", "personer")
SHARE_MEASURES = ("pct-befolkning", "pct-arbejdsstyrke", "pct")
NATIONAL = "000"


def latest_by_benefit(store: Store, area_code: str) -> pd.DataFrame:
    """One row per (benefit, measure, source): the newest value for `area_code`, and Hele
    landet's value for the same benefit, measure, period and source where the source has one.

    Columns: benefit, benefit_label, measure, measure_label, period, value, national_value,
    source, source_title, ref. Benefits in taxonomy order; population groups last.
    """
    df = store.query(
        """
        WITH latest AS (
            SELECT *, row_number() OVER (PARTITION BY benefit, measure, source
                                         ORDER BY period_end DESC, period_kind) AS rn
            FROM observations WHERE area_code = ? AND value IS NOT NULL
        )
        SELECT l.benefit, l.measure, l.period, l.value, n.value AS national_value, l.source,
               s.title AS source_title, l.ref
        FROM latest l
        LEFT JOIN observations n ON n.area_code = ? AND n.benefit = l.benefit
             AND n.measure = l.measure AND n.period = l.period AND n.source = l.source
        JOIN sources s ON s.key = l.source
        WHERE l.rn = 1
        """,
        [area_code, NATIONAL],
    )
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


def display_table(df: pd.DataFrame) -> pd.DataFrame:
    """The overview rows as Danish text columns, for st.dataframe/st.table."""
    from beskdash import fmt

    return pd.DataFrame(
        {
            "Ydelse": df["benefit_label"],
            "Mål": df["measure_label"],
            "Periode": df["period"].map(fmt.period),
            "Værdi": [fmt.value(v, m) for v, m in zip(df["value"], df["measure"])],
            "Hele landet": [fmt.value(v, m) for v, m in zip(df["national_value"], df["measure"])],
        }
    )
