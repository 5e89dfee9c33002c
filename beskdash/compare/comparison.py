"""The comparison itself: series for areas (and summed groups) × ydelse × mål, normalised (raw, per
1.000 inhabitants, share of the population) and shown as a level, an index or a change."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from beskdash import fmt, periods, taxonomy
from beskdash.compare.data import POPULATION_SOURCES, POPULATION_TITLES, numerators, population, source_rank
from beskdash.compare.errors import CompareError
from beskdash.compare.groups import Group
from beskdash.compare.summable import check_areas, summable_problem
from beskdash.fmt import date_da, join_da
from beskdash.store import Store

SCALES = {"raw": "Antal", "per1000": "Pr. 1.000 indbyggere", "popshare": "Andel af befolkningen"}
VIEWS = {"level": "Niveau", "index": "Indeks (basisperiode = 100)", "yoy": "Ændring fra samme periode året før"}
KIND_LABELS = {"quarter": "Kvartal", "month": "Måned", "year": "År", "mat": "Løbende år (kvartalsvis)"}
COLUMNS = ["series", "area_code", "area_name", "is_group", "period", "period_label", "numerator", "population",
           "population_date", "population_source", "value", "source", "gap"]


def scale_options(measure: str) -> list[str]:
    """Per-capita scales only for counts: a published share or an average is shown as it is."""
    return list(SCALES) if taxonomy.is_count(measure) else ["raw"]


def scale_label(scale: str, measure: str) -> str:
    """`Antal`, `Pr. 1.000 indbyggere`, …; a share or an average is `Som offentliggjort`."""
    if scale == "raw" and not taxonomy.is_count(measure):
        return "Som offentliggjort"
    return SCALES[scale]


@dataclass(frozen=True)
class Comparison:
    frame: pd.DataFrame  # COLUMNS, series in the order asked for, periods ascending
    benefits: tuple[str, ...]
    measure: str
    scale: str
    view: str
    base: str | None
    period_kind: str
    focus: tuple[str, ...]  # series ids to emphasise
    series_order: tuple[str, ...]
    labels: Mapping[str, str]  # series id → name
    unit: str  # axis title: what one unit of `value` is
    denominator: str | None  # the population behind a per-capita figure, stated
    sources: tuple[str, ...]
    periods: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def benefit_label(self) -> str:
        return " + ".join(taxonomy.benefit_label(b) for b in self.benefits)

    @property
    def is_share(self) -> bool:
        return taxonomy.is_share(self.measure) or self.scale == "popshare"

    def format(self, v: float | None) -> str:
        return format_value(v, self.measure, self.scale, self.view, self.is_share)

    def at(self, period: str) -> pd.DataFrame:
        return self.frame[self.frame["period"] == period]


def format_value(v: float | None, measure: str, scale: str = "raw", view: str = "level",
                 is_share: bool = False) -> str:
    """A normalised value as Danes read it (one place, for tables, tooltips and sentences)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if view == "index":
        return fmt.number(v, 1)
    if view == "yoy":
        return fmt.pct_points(v) if is_share else f"{fmt.signed(v, 1)} %"
    if scale == "per1000":
        return fmt.number(v, 2)
    if scale == "popshare":
        return fmt.percent(v, 2)
    return fmt.value(v, measure)


def unit_label(measure: str, scale: str, view: str, base: str | None, is_share: bool) -> str:
    m = taxonomy.measure(measure)
    if view == "index":
        return f"Indeks ({fmt.period(base)} = 100)"
    if view == "yoy":
        return ("Ændring i procentpoint" if is_share else "Ændring i pct.") + " fra samme periode året før"
    if scale == "per1000":
        return f"{m.unit_da.capitalize()} pr. 1.000 indbyggere"
    if scale == "popshare":
        return f"{m.unit_da.capitalize()} i pct. af hele befolkningen"
    return f"{m.da} (%)" if taxonomy.is_share(measure) else m.unit_da.capitalize()


def split_cells(values: pd.Series) -> set[str]:
    """The distinct items of comma-joined cells (a group's cell lists its members' sources/dates)."""
    return {s.strip() for v in values.dropna().unique().tolist() for s in str(v).split(",") if s.strip()}


def denominator_text(rows: pd.DataFrame) -> str | None:
    """The population behind the per-capita values in `rows`, stated with table and date."""
    dates = sorted(split_cells(rows["population_date"]))
    if not dates:
        return None
    tables = join_da(sorted(POPULATION_TITLES[s] for s in split_cells(rows["population_source"])))
    if len(dates) == 1:
        return f"Nævner: befolkningen i alt (alle aldre) den {date_da(dates[0])} (Danmarks Statistik, {tables})."
    return (f"Nævner: befolkningen i alt (alle aldre) fra Danmarks Statistik ({tables}) på den opgørelsesdag, der "
            f"ligger nærmest periodens første dag ({date_da(dates[0])} – {date_da(dates[-1])}); "
            "datoen står ved hvert tal.")


def series(
    store: Store,
    areas: Sequence[str],
    benefit: str | Sequence[str],
    measure: str,
    period_from: str | None = None,
    period_to: str | None = None,
    *,
    scale: str = "raw",
    view: str = "level",
    base: str | None = None,
    groups: Sequence[Group] = (),
    focus: Sequence[str] | None = None,
    period_kind: str | None = None,
    source: str | None = None,
) -> Comparison:
    """The series of `areas` (and summed `groups`) for one benefit (or a sum of benefits that do not
    overlap) and measure, between `period_from` and `period_to`, normalised by `scale` (raw counts,
    per 1.000 inhabitants, share of the population) and shown as `view` (level, index with `base` = 100,
    change from the same period a year earlier). Missing values are rows with `gap` saying why."""
    areas = list(dict.fromkeys(areas))
    benefits = [benefit] if isinstance(benefit, str) else list(dict.fromkeys(benefit))
    check_areas([*areas, *(c for g in groups for c in g.members)])
    for b in benefits:
        if b not in taxonomy.benefit_keys():
            raise CompareError(f"ukendt ydelse '{b}'")
    if measure not in taxonomy.measure_keys():
        raise CompareError(f"ukendt mål '{measure}'")
    if scale not in SCALES:
        raise CompareError(f"ukendt normalisering '{scale}' (brug {', '.join(SCALES)})")
    if view not in VIEWS:
        raise CompareError(f"ukendt visning '{view}' (brug {', '.join(VIEWS)})")
    m = taxonomy.measure(measure)
    if scale != "raw" and not taxonomy.is_count(measure):
        why = "er en andel, som vises som offentliggjort" if taxonomy.is_share(measure) else "er ikke et antal"
        raise CompareError(f"'{m.da}' {why}; den kan ikke sættes i forhold til befolkningen")
    for a, b in taxonomy.overlaps(benefits):
        raise CompareError(f"{taxonomy.benefit_label(a)} indeholder {taxonomy.benefit_label(b)}; de kan ikke "
                           "lægges sammen uden at tælle nogen to gange")
    if not areas and not groups:
        raise CompareError("vælg mindst ét område")
    for g in groups:
        problem = summable_problem(list(g.members))
        if problem:
            raise CompareError(f"gruppen '{g.label}' kan ikke beregnes: {problem}")
    is_share = taxonomy.is_share(measure) or scale == "popshare"

    codes = list(dict.fromkeys([*areas, *(c for g in groups for c in g.members)]))
    num = numerators(store, codes, benefits, measure, source)
    kinds = Counter(num["period_kind"].tolist())
    if period_kind is None:  # the most common kind (the first seen on a tie, as value_counts orders them)
        period_kind = str(kinds.most_common(1)[0][0]) if kinds else "quarter"
    if kinds[period_kind] < len(num):
        num = num[num["period_kind"] == period_kind]
    # the grid's periods: those of the areas shown, and of the groups' members (the store read no others)
    all_periods = periods.distinct_sorted(num["period"].tolist())
    if base is not None:
        base = periods.parse_period(base)
        if periods.kind(base) != period_kind:
            raise CompareError(f"basisperioden {fmt.period(base)} passer ikke til tallene, som er pr. "
                               f"{KIND_LABELS[period_kind].lower()}")
        if base not in all_periods:
            raise CompareError(f"der er ingen tal for basisperioden {fmt.period(base)}")
    elif view == "index":
        raise CompareError("et indeks kræver en basisperiode")

    pop = population(store, codes, all_periods) if scale != "raw" else None
    # object columns even when empty: with no figures at all the merge must still find text keys
    grid = pd.DataFrame({"area_code": pd.Series([c for c in codes for _ in all_periods], dtype=object),
                         "period": pd.Series(all_periods * len(codes), dtype=object)})
    no_population = ("population", "population_period", "population_date", "population_source")
    grid = _left_join(grid, num, ["numerator", "source", "gap"], empty=() if pop is not None else no_population)
    if pop is not None:
        grid = grid.merge(pop, on=["area_code", "period"], how="left")
    grid["gap"] = [(g if isinstance(g, str) else "ingen tal") if na else None
                   for g, na in zip(grid["gap"].tolist(), grid["numerator"].isna().tolist())]

    parts = []
    if areas:  # the grid lists `areas` first, in their order: one selection, not one copy per area
        names = {c: taxonomy.area_name(c) for c in areas}
        part = grid[grid["area_code"].isin(areas)] if groups else grid
        shown_areas = part["area_code"].tolist()
        # columns set on the part itself: `assign` would copy the whole grid first
        part["series"] = part["area_code"]
        part["area_name"] = [names[c] for c in shown_areas]
        part["is_group"] = False
        if pop is not None:
            no_pop = part["gap"].isna() & part["population"].isna()
            part.loc[no_pop, "gap"] = "ingen befolkningstal for " + part.loc[no_pop, "area_name"]
        parts.append(part)
    for g in groups:
        parts.append(_group_rows(grid, g, all_periods, measure, pop is not None))
    frame = (parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)) if parts else pd.DataFrame(
        columns=[*grid.columns, "series"])

    level = frame["numerator"].astype("float64")
    if scale in ("per1000", "popshare"):
        factor = 1000.0 if scale == "per1000" else 100.0
        level = level / frame["population"].astype("float64") * factor
    frame["level"] = level.where(frame["gap"].isna())
    frame["value"] = _apply_view(frame, view, base, is_share)
    # Per distinct period, not per row: a long series has thousands of rows and a few hundred periods.
    row_periods = frame["period"].tolist()
    uniq = list(dict.fromkeys(row_periods))
    labels_of = {p: fmt.period(p) for p in uniq}
    frame["period_label"] = [labels_of[p] for p in row_periods]
    keep = {p for p, ok in zip(uniq, periods.within(uniq, period_from, period_to)) if ok}
    inside = [p in keep for p in row_periods]
    if not all(inside):
        frame = frame[inside]
    shown = periods.distinct_sorted(keep)
    order = [*areas, *(g.series_id for g in groups)]
    at_s, at_p = {s: i for i, s in enumerate(order)}, {p: i for i, p in enumerate(shown)}
    keys = [(at_s[s], at_p[p]) for s, p in zip(frame["series"].tolist(), frame["period"].tolist())]
    if keys != sorted(keys):  # the grid is built in this order already; sort only where it is not
        frame = frame.assign(_s=[k[0] for k in keys], _p=[k[1] for k in keys]).sort_values(["_s", "_p"],
                                                                                          kind="stable")
    frame = frame[COLUMNS].reset_index(drop=True)
    sources = sorted(split_cells(frame["source"]), key=lambda k: (source_rank(k), k))
    denominator = None
    if pop is not None:
        used = frame.dropna(subset=["value"])
        denominator = denominator_text(used)
        sources += sorted(split_cells(used["population_source"]), key=POPULATION_SOURCES.index)
    labels = {c: taxonomy.area_name(c) for c in areas} | {g.series_id: g.label for g in groups}
    focus_ids = tuple(f for f in (focus if focus is not None else areas[:1]) if f in order)
    notes = []
    mixed_sizes = len({taxonomy.area(c).kind for c in areas}) > 1
    if not taxonomy.is_share(measure) and scale == "raw" and view == "level" and mixed_sizes:
        notes.append("Områderne er af forskellig størrelse; vælg pr. 1.000 indbyggere eller indeks for at "
                     "sammenligne udviklingen.")
    return Comparison(frame, tuple(benefits), measure, scale, view, base, period_kind, focus_ids, tuple(order),
                      labels, unit_label(measure, scale, view, base, is_share), denominator,
                      tuple(dict.fromkeys(sources)), tuple(shown), tuple(notes))


def _left_join(grid: pd.DataFrame, right: pd.DataFrame, columns: list[str], empty: Sequence[str] = ()
               ) -> pd.DataFrame:
    """`grid.merge(right[["area_code", "period", *columns]], on=["area_code", "period"], how="left")` where
    `right` has one row per key: a look-up per grid row, each column taken at once (the merge and its copies
    cost more than the comparison's query); plus the columns `empty`, all None, made in the same step."""
    keys = ["area_code", "period"]
    if grid.empty or right.empty:
        out = grid.merge(right[[*keys, *columns]], on=keys, how="left")
        for c in empty:
            out[c] = None
        return out
    at = {k: i for i, k in enumerate(zip(right["area_code"].tolist(), right["period"].tolist()))}
    rows = [at.get(k, -1) for k in zip(grid["area_code"].tolist(), grid["period"].tolist())]
    return pd.DataFrame({**{k: grid[k] for k in keys}, **{c: right[c].array.take(rows, allow_fill=True)
                                                            for c in columns},
                         **{c: pd.Series([None] * len(rows), dtype=object) for c in empty}})


def _group_rows(grid: pd.DataFrame, g: Group, all_periods: list[str], measure: str, per_capita: bool
                ) -> pd.DataFrame:
    rows = []
    names = {c: taxonomy.area_name(c) for c in g.members}
    for p in all_periods:
        part = grid[(grid["period"] == p) & grid["area_code"].isin(g.members)]
        numerator = population = date = psrc = gap = None
        srcs = ", ".join(sorted(split_cells(part["source"])))
        if not taxonomy.is_count(measure):
            gap = ("en gruppe kan kun lægges sammen af antal; kilden offentliggør ikke tæller og nævner for "
                   f"'{taxonomy.measure_label(measure)}'")
        else:
            missing = [names[c] for c in g.members if c not in set(part.loc[part["numerator"].notna(), "area_code"])]
            if missing:
                gap = f"mangler tal for {join_da(missing)}"
            else:
                numerator = float(part["numerator"].sum())
            if per_capita and gap is None:
                no_pop = [names[c] for c in g.members
                          if c not in set(part.loc[part["population"].notna(), "area_code"])]
                if no_pop:
                    gap = f"mangler befolkningstal for {join_da(no_pop)}"
                else:
                    population = float(part["population"].sum())
                    date = ", ".join(sorted(set(part["population_date"])))
                    psrc = ", ".join(sorted(set(part["population_source"])))
        rows.append({"area_code": g.series_id, "period": p, "numerator": numerator, "source": srcs or None,
                     "population": population, "population_date": date, "population_source": psrc,
                     "population_period": None, "gap": gap, "series": g.series_id, "area_name": g.label,
                     "is_group": True})
    return pd.DataFrame(rows)


def _apply_view(frame: pd.DataFrame, view: str, base: str | None, is_share: bool) -> pd.Series:
    level = frame["level"]
    if view == "level":
        return level
    key = frame["series"] + "|" + frame["period"]
    by_key = dict(zip(key, level))
    out = []
    for s, p, v in zip(frame["series"], frame["period"], level):
        ref_period = base if view == "index" else periods.year_before(p)
        ref = by_key.get(f"{s}|{ref_period}", math.nan)
        if math.isnan(v) or math.isnan(ref) or (ref == 0 and not (view == "yoy" and is_share)):
            out.append(math.nan)
        elif view == "index":
            out.append(v / ref * 100)
        else:
            out.append(v - ref if is_share else (v / ref - 1) * 100)
    result = pd.Series(out, index=frame.index, dtype="float64")
    # Say why a value that has a level has no index/change.
    why = "ingen værdi i basisperioden" if view == "index" else "ingen værdi samme periode året før"
    no_ref = result.isna() & level.notna()
    frame.loc[no_ref, "gap"] = why
    return result
