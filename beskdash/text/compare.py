"""The sentence under a comparison chart, from the same numbers as the chart and the table:
"Allerød havde 24 nettoledige kontanthjælpsmodtagere i 4. kvt. 2019, færre end Hørsholm (33) og Egedal (72)."
"""

from __future__ import annotations

import math
import re

import pandas as pd

from beskdash import fmt, periods, taxonomy
from beskdash.compare import Comparison, Ranking
from beskdash.fmt import join_da, lower_first

# A benefit label that names people ("Nettoledige kontanthjælpsmodtagere") is counted as it is;
# one that names a benefit ("Kontanthjælp") is counted as "fuldtidspersoner på kontanthjælp".
_PEOPLE = re.compile(r"(modtagere|ledige|unge|indvandrere|beskæftigede|sygemeldte|borgere)\b", re.IGNORECASE)

# Comparatives: (focus lower than others, focus higher, equal).
_FEWER = ("færre end", "flere end", "lige så mange som")
_SHARE = ("en lavere andel end", "en højere andel end", "samme andel som")
_LEVEL = ("lavere end", "højere end", "det samme som")


def _counted(comp: Comparison) -> str:
    """What is counted: `nettoledige kontanthjælpsmodtagere`, `fuldtidspersoner på kontanthjælp`."""
    label = lower_first(comp.benefit_label)
    if len(comp.benefits) == 1 and _PEOPLE.search(label):
        return label
    return f"{taxonomy.measure(comp.measure).unit_da} på {label}"


def _share_of(comp: Comparison) -> str:
    """`af arbejdsstyrken 16-66 år på kontanthjælp`, `af befolkningen som nettoledige …`."""
    m = taxonomy.measure(comp.measure)
    whole = "hele befolkningen" if comp.scale == "popshare" else (
        m.da.removeprefix("Andel af ") if m.da.startswith("Andel af ") else "gruppen")
    label = lower_first(comp.benefit_label)
    link = "som" if len(comp.benefits) == 1 and _PEOPLE.search(label) else "på"
    return f"af {whole} {link} {label}"


def _compare_list(words: tuple[str, str, str], items: list[tuple[str, float, str]], v: float) -> str:
    """`færre end Hørsholm (33) og Egedal (72)`, `færre end X (33), men flere end Y (12)`."""
    lower = [f"{n} ({s})" for n, o, s in items if v < o]
    higher = [f"{n} ({s})" for n, o, s in items if v > o]
    same = [f"{n} ({s})" for n, o, s in items if v == o]
    parts = []
    if lower:
        parts.append(f"{words[0]} {join_da(lower)}")
    if higher:
        parts.append(f"{words[1]} {join_da(higher)}")
    if same:
        parts.append(f"{words[2]} {join_da(same)}")
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + ", men " + parts[-1]


def sentence(comp: Comparison, period: str | None = None) -> str:
    """One plain Danish sentence: the focus area's value in `period` (default: the last period
    in which it has one) against every other series, with the number behind each comparison."""
    f = comp.frame
    focus = comp.focus[0] if comp.focus else (comp.series_order[0] if comp.series_order else None)
    if focus is None:
        return "Der er ingen områder valgt."
    name = comp.labels[focus]
    mine = f[(f["series"] == focus) & f["value"].notna()]
    if period is None:
        if mine.empty:
            return f"Der er ingen tal for {name} i den valgte periode."
        period = str(mine["period"].iloc[-1])
    row = mine[mine["period"] == period]
    when = fmt.period(period)
    if row.empty:
        return f"Der er ingen tal for {name} i {when}."
    v = float(row["value"].iloc[0])
    at = f[f["period"] == period].set_index("series")["value"]
    items, missing = [], []
    for sid in comp.series_order:
        if sid == focus:
            continue
        o = at.get(sid, math.nan)
        if o is None or math.isnan(o):
            missing.append(comp.labels[sid])
        else:
            items.append((comp.labels[sid], float(o), comp.format(o)))

    if comp.view == "index":
        head = f"{name} lå på indeks {comp.format(v)} i {when} ({fmt.period(comp.base)} = 100)"
        words = _LEVEL
    elif comp.view == "yoy":
        per = " pr. 1.000 indbyggere" if comp.scale == "per1000" else ""
        what = f"andelen {_share_of(comp)}" if comp.is_share else f"antallet af {_counted(comp)}{per}"
        before = fmt.period(periods.year_before(period))
        head = f"I {name} ændrede {what} sig med {comp.format(v)} fra {before} til {when}"
        words = _LEVEL
    elif comp.is_share:
        head = f"{name} havde {comp.format(v)} {_share_of(comp)} i {when}"
        words = _SHARE
    elif taxonomy.is_count(comp.measure):
        per = " pr. 1.000 indbyggere" if comp.scale == "per1000" else ""
        head = f"{name} havde {comp.format(v)} {_counted(comp)}{per} i {when}"
        words = _FEWER
    else:
        m = taxonomy.measure(comp.measure)
        head = f"For {name} var {lower_first(m.da)} for {lower_first(comp.benefit_label)} {comp.format(v)} i {when}"
        words = _LEVEL
    text = head
    if items:
        text += ", " + _compare_list(words, items, v)
    text += "."
    if missing:
        text += f" Der er ingen tal for {join_da(missing)} i {when}."
    return text


def ranking_sentence(r: Ranking, code: str) -> str:
    """`Allerød var nr. 27 af 98 kommuner i 4. kvt. 2025 (1,13 fuldtidspersoner pr. 1.000 indbyggere),
    i den bedste tredjedel.`"""
    f = r.frame
    row = f[f["area_code"] == code]
    name = taxonomy.area_name(code)
    if row.empty or math.isnan(float(row["value"].iloc[0])):
        return f"Der er ingen tal for {name} i {fmt.period(r.period)}."
    n = int(f["value"].notna().sum())
    rank = int(row["rank"].iloc[0])
    value = r.format(float(row["value"].iloc[0]))
    if not r.is_share:
        value += " " + lower_first(r.unit)
    return (f"{name} var nr. {rank} af {n} kommuner i {fmt.period(r.period)} ({value}), "
            f"i den {row['third'].iloc[0]} tredjedel.")


def ranking_sentences(r: Ranking, codes: list[str]) -> list[str]:
    """`ranking_sentence` for each of `codes`, in their order."""
    return [ranking_sentence(r, code) for code in codes]


def development_sentence(comp: Comparison) -> str:
    """The focus area's development over the periods shown, from the first to the last value of its
    column in the table: `Fra 1. kvt. 2023 til 4. kvt. 2025 faldt tallet for Allerød fra 36 til 30.`
    Empty where there is no development to tell (one value, or changes from a year before)."""
    if comp.view == "yoy" or not comp.focus:
        return ""
    focus = comp.focus[0]
    mine = comp.frame[(comp.frame["series"] == focus) & comp.frame["value"].notna()]
    if len(mine) < 2:
        return ""
    first, last = mine.iloc[0], mine.iloc[-1]
    v0, v1 = comp.format(float(first["value"])), comp.format(float(last["value"]))
    p0, p1 = fmt.period(str(first["period"])), fmt.period(str(last["period"]))
    what = {"index": "indekset", "level": "andelen" if comp.is_share else "tallet"}[comp.view]
    name = comp.labels[focus]
    if v0 == v1:
        return f"Fra {p0} til {p1} var {what} for {name} det samme: {v1}."
    verb = "faldt" if float(last["value"]) < float(first["value"]) else "steg"
    return f"Fra {p0} til {p1} {verb} {what} for {name} fra {v0} til {v1}."


def ranking_lead(r: Ranking) -> str:
    """The ranking in one sentence before the four municipalities' own: how many kommuner have a
    value, and who is first and last: `98 kommuner har tal for 4. kvt. 2025. Nr. 1 er Gentofte (0,50);
    sidst er Ishøj (5,20).`"""
    f = r.frame.dropna(subset=["value"])
    if f.empty:
        return f"Ingen kommuner har tal for {fmt.period(r.period)}."
    n = len(f)
    first = f[f["rank"] == f["rank"].min()]
    last = f[f["rank"] == f["rank"].max()]

    def names(rows: pd.DataFrame) -> str:
        return join_da(list(rows["area_name"])) + f" ({r.format(float(rows['value'].iloc[0]))})"

    what = "lavest" if r.lower_is_better else "højest"
    return (f"{n} kommuner har tal for {fmt.period(r.period)}. Nr. 1 med den {what}e værdi er {names(first)}; "
            f"sidst er {names(last)}.")
