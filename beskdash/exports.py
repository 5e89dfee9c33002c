"""Files for download and for the CLI: observations as CSV or JSON, deterministic."""

from __future__ import annotations

import csv
import io
import json
import math

import pandas as pd

EXPORT_COLUMNS = ["area_code", "area_name", "benefit", "measure", "period", "value", "source"]


def machine_number(v: float | None) -> str:
    """`856`, `2.4`, '' for missing: shortest exact text, no float noise."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def _ordered(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["source", "area_code", "benefit", "measure", "period_end", "period"],
                          kind="stable")[EXPORT_COLUMNS]


def observations_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(EXPORT_COLUMNS)
    for row in _ordered(df).itertuples(index=False):
        w.writerow([*row[:5], machine_number(row[5]), row[6]])
    return buf.getvalue()


def observations_json(df: pd.DataFrame) -> str:
    records = []
    for row in _ordered(df).itertuples(index=False):
        v = row[5]
        value = None if v is None or (isinstance(v, float) and math.isnan(v)) else (
            int(v) if float(v).is_integer() else float(v))
        records.append(dict(zip(EXPORT_COLUMNS, [*row[:5], value, row[6]])))
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
