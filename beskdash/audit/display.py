"""The audit's checks frame for people: summary counts, Danish table columns, filters, plain text and JSON."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from beskdash import provenance
from beskdash.audit.common import ADVARSEL, CHECKS, FEJL, INFO, PLAN_PREFIX, SEVERITIES, SEVERITY_ICONS


def summary(df: pd.DataFrame) -> dict[str, int]:
    """Number of checks and of findings per severity."""
    counts = {s: int((df["severity"] == s).sum()) for s in SEVERITIES}
    found = sum(counts.values())
    return {"kontroller": len(df), "fund": found, "passer": len(df) - found, **counts}


def summary_text(s: dict[str, int]) -> str:
    """`76 kontroller, 10 fund (1 fejl, 2 advarsler, 7 info)`."""
    adv = "advarsel" if s[ADVARSEL] == 1 else "advarsler"
    kontrol = "kontrol" if s["kontroller"] == 1 else "kontroller"
    return (f"{s['kontroller']} {kontrol}, {s['fund']} fund ({s[FEJL]} fejl, {s[ADVARSEL]} {adv}, "
            f"{s[INFO]} info)")


def severity_label(severity: str | None) -> str:
    # a frame holds "no severity" as NaN
    return f"{SEVERITY_ICONS[severity]} {severity}" if severity in SEVERITY_ICONS else "✓ passer"


def _filter(df: pd.DataFrame, severities: list[str] | None, plan: str | None, show: str) -> pd.DataFrame:
    if show == "findings":
        df = df[df["severity"].notna()]
    elif show == "agreeing":
        df = df[df["severity"].isna()]
    if severities:
        df = df[df["severity"].isin(severities)]
    if plan:
        df = df[df["plan"] == plan]
    return df


def display(df: pd.DataFrame, severities: list[str] | None = None, plan: str | None = None,
            show: Literal["findings", "agreeing", "all"] = "findings") -> pd.DataFrame:
    """The checks as Danish columns for a table: the findings (or the checks that agree, or all),
    filtered by severity and plan."""
    df = _filter(df, severities, plan, show)
    return pd.DataFrame({
        "Alvor": df["severity"].map(severity_label),
        "Kontrol": df["check"].map(CHECKS),
        "Plan": df["plan_label"],
        "Kilde": df["seed_file"] + " · " + df["table"],
        "Hvad": df["subject"],
        "Trykt": df["printed"],
        "Data siger": df["data_says"],
        "Forklaring": df["explanation"],
        "Citat": df["quote"].fillna(""),
        "Detaljer": df["details"].fillna(""),
    })


def plan_choices(df: pd.DataFrame) -> dict[str, str]:
    """For a picker: "" (every plan) first, then the plans that have checks, by label."""
    labels = dict(zip(df["plan"], df["plan_label"]))
    return {"": "Alle planer", **dict(sorted(labels.items(), key=lambda kv: kv[1]))}


def source_keys(df: pd.DataFrame, severities: list[str] | None = None, plan: str | None = None,
                show: Literal["findings", "agreeing", "all"] = "findings") -> list[str]:
    """The store's source keys behind the checks shown (the plans, and other sources compared)."""
    df = _filter(df, severities, plan, show)
    keys = [PLAN_PREFIX + p for p in sorted(set(df["plan"]))]
    return keys + sorted(set(df["other_source"].dropna()))


@dataclass(frozen=True)
class PageView:
    """What the Datakvalitet page shows for one choice of filters, made at once so the page can cache it whole."""

    findings: list[dict[str, Any]]  # the findings as `display` words them, one dict a finding
    refs: list[provenance.Provenance]  # where each finding's figure or statement is printed
    sources: list[str]  # the source keys behind the findings shown
    agreeing: pd.DataFrame  # the checks that agree, as `display` words them


def page_view(df: pd.DataFrame, severities: list[str] | None = None, plan: str | None = None) -> PageView:
    found = display(df, severities, plan)
    return PageView(found.to_dict("records"), [provenance.for_check(df.loc[i]) for i in found.index],
                    source_keys(df, severities, plan), display(df, plan=plan, show="agreeing"))


def format_text(df: pd.DataFrame, findings_only: bool = True) -> str:
    """The audit as plain text for the terminal: a summary line, then one block per finding."""
    s = summary(df)
    lines = [f"Kontrol af offentliggjorte tal: {summary_text(s)}.", ""]
    rows = df[df["severity"].notna()] if findings_only else df
    for r in rows.itertuples(index=False):
        word = r.severity if r.severity in SEVERITY_ICONS else "passer"
        lines.append(f"[{word.upper()}] {r.plan_label} · {r.seed_file} · {r.table}")
        lines.append(f"  {r.subject}")
        lines.append(f"  Trykt:      {r.printed}")
        lines.append(f"  Data siger: {r.data_says}")
        lines.append(f"  {r.explanation}")
        if isinstance(r.details, str) and r.details:
            lines.append(f"  {r.details}")
        if isinstance(r.quote, str) and r.quote:
            lines.append(f"  Citat: »{r.quote}«")
        lines.append("")
    return "\n".join(lines)


def format_json(df: pd.DataFrame, findings_only: bool = True) -> str:
    rows = df[df["severity"].notna()] if findings_only else df
    records = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()}
               for rec in rows.to_dict(orient="records")]
    return json.dumps({"summary": summary(df), "checks": records}, ensure_ascii=False, indent=2)
