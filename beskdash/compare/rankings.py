"""Rankings: all kommuner for one ydelse, mål and period, ranked (1 = best), with the change from a
year earlier and the third each is in — STAR's scoreboard."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from beskdash import fmt, periods, taxonomy
from beskdash.compare.comparison import denominator_text, format_value, series, split_cells
from beskdash.compare.data import available
from beskdash.compare.errors import CompareError
from beskdash.store import Store

THIRDS = {1: "bedste", 2: "midterste", 3: "dårligste"}


def lower_is_better(benefit: str) -> bool:
    """Fewer on a benefit is better; for population groups and indicators (employed, in
    activation) more is better."""
    return taxonomy.benefit(benefit).group in ("benefit", "subgroup")


@dataclass(frozen=True)
class Ranking:
    frame: pd.DataFrame  # rank, area_code, area_name, value, previous, change, third, numerator, population, ...
    benefit: str
    measure: str
    scale: str
    period: str
    previous: str
    lower_is_better: bool
    unit: str
    denominator: str | None
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def is_share(self) -> bool:
        return taxonomy.is_share(self.measure) or self.scale == "popshare"

    def format(self, v: float | None) -> str:
        return format_value(v, self.measure, self.scale, "level", self.is_share)

    def format_change(self, v: float | None) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "–"
        if self.is_share:
            return fmt.pct_points(v, 2 if self.scale == "popshare" else 1)
        decimals = 2 if self.scale == "per1000" else (0 if float(v).is_integer() else 1)
        return fmt.signed(v, decimals)


def ranking_options(store: Store, min_kommuner: int = 50) -> pd.DataFrame:
    """Benefit, measure and period kind with values for at least `min_kommuner` kommuner, and
    the periods where they do."""
    kommuner = [k.code for k in taxonomy.kommuner()]
    avail = available(store, kommuner)
    return avail[avail["n_areas"] >= min_kommuner].reset_index(drop=True)


def ranking(store: Store, benefit: str, measure: str, period: str | None = None, scale: str = "per1000",
            source: str | None = None) -> Ranking:
    """All kommuner for one benefit, measure and period: rank (1 = best), value, the same period a
    year earlier and the change, and which third they are in — STAR's scoreboard. Kommuner
    without a value are listed last, unranked."""
    kommuner = [k.code for k in taxonomy.kommuner()]
    kind = periods.kind(periods.parse_period(period)) if period else None
    comp = series(store, kommuner, benefit, measure, scale=scale, period_kind=kind, source=source)
    f = comp.frame
    if period is None:
        counts = f.dropna(subset=["value"]).groupby("period").size()
        full = [p for p in comp.periods if counts.get(p, 0) >= len(kommuner) / 2]
        if not full:
            raise CompareError("der er ingen periode med tal for de fleste kommuner")
        period = full[-1]
    period = periods.parse_period(period)
    if period not in comp.periods:
        raise CompareError(f"der er ingen tal for {fmt.period(period)}")
    prev = periods.year_before(period)
    cur = f[f["period"] == period].set_index("area_code")
    before = f[f["period"] == prev].set_index("area_code")["value"]
    lower = lower_is_better(benefit)
    out = pd.DataFrame({
        "area_code": cur.index,
        "area_name": cur["area_name"].values,
        "value": cur["value"].astype("float64").values,
        "previous": [float(before.get(c, math.nan)) for c in cur.index],
        "numerator": cur["numerator"].astype("float64").values,
        "population": cur["population"].astype("float64").values,
        "population_date": cur["population_date"].values,
        "population_source": cur["population_source"].values,
        "source": cur["source"].values,
        "gap": cur["gap"].values,
    })
    out["change"] = out["value"] - out["previous"]
    ranked = out["value"].rank(method="min", ascending=lower)
    n = int(out["value"].notna().sum())
    out["rank"] = ranked.astype("Int64")
    out["third"] = [THIRDS[math.ceil(3 * r / n)] if not math.isnan(r) else None for r in ranked]
    out = out.sort_values(["rank", "area_name"], na_position="last", kind="stable").reset_index(drop=True)
    cols = ["rank", "area_code", "area_name", "value", "previous", "change", "third", "numerator", "population",
            "population_date", "population_source", "source", "gap"]
    denominator = denominator_text(out.dropna(subset=["value"])) if scale != "raw" else None
    used = out.dropna(subset=["value"])
    used_sources = split_cells(used["source"]) | split_cells(used.get("population_source", pd.Series(dtype=str)))
    srcs = [s for s in comp.sources if s in used_sources]
    notes: tuple[str, ...] = ()
    if scale == "raw" and taxonomy.is_count(measure):
        notes = ("Antal afhænger af kommunens størrelse: de største kommuner har flest. Vælg pr. 1.000 indbyggere "
                 "for at sammenligne kommuner af forskellig størrelse.",)
    return Ranking(out[cols], benefit, measure, scale, period, prev, lower, comp.unit, denominator, tuple(srcs),
                   notes)


def ranking_table(r: Ranking) -> pd.DataFrame:
    """The ranking as numbers with Danish headers (what the exports write)."""
    f = r.frame
    return pd.DataFrame({
        "Placering": f["rank"].astype("float64"),
        "Kommune": f["area_name"],
        f"Værdi {fmt.period(r.period)}": f["value"],
        f"Værdi {fmt.period(r.previous)}": f["previous"],
        "Ændring": f["change"],
        "Tredjedel": f["third"].fillna("ingen tal"),
    })


def ranking_display(r: Ranking) -> pd.DataFrame:
    t = ranking_table(r)
    t["Placering"] = [fmt.number(v) if not math.isnan(v) else "–" for v in t["Placering"]]
    for c in (f"Værdi {fmt.period(r.period)}", f"Værdi {fmt.period(r.previous)}"):
        t[c] = t[c].map(r.format)
    t["Ændring"] = t["Ændring"].map(r.format_change)
    return t
