"""The comparison itself: series for areas (and summed groups) × ydelse × mål, normalised (raw, per
1.000 inhabitants, share of the population) and shown as a level, an index or a change."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
import pandas as pd

from beskdash import fmt, periods, taxonomy
from beskdash.compare.data import (
    AREA,
    KIND,
    PERIOD,
    POPULATION_SOURCES,
    POPULATION_TITLES,
    SOURCE,
    VALUE,
    numerators,
    population,
    source_rank,
)
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


def split_cells(values: Iterable[object]) -> set[str]:
    """The distinct items of comma-joined cells (a group's cell lists its members' sources/dates); a
    missing cell (None, NaN) has none."""
    return {s.strip() for v in set(values) if isinstance(v, str) for s in v.split(",") if s.strip()}


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
    rows = num.rows
    kinds = Counter(map(itemgetter(KIND), rows))
    if period_kind is None:  # the most common kind (the first seen on a tie)
        period_kind = str(kinds.most_common(1)[0][0]) if kinds else "quarter"
    if kinds[period_kind] < len(rows):
        rows = [r for r in rows if r[KIND] == period_kind]
    # the grid's periods: those of the areas shown, and of the groups' members (the store read no others)
    all_periods = periods.distinct_sorted(map(itemgetter(PERIOD), rows))
    if base is not None:
        base = periods.parse_period(base)
        if periods.kind(base) != period_kind:
            raise CompareError(f"basisperioden {fmt.period(base)} passer ikke til tallene, som er pr. "
                               f"{KIND_LABELS[period_kind].lower()}")
        if base not in all_periods:
            raise CompareError(f"der er ingen tal for basisperioden {fmt.period(base)}")
    elif view == "index":
        raise CompareError("et indeks kræver en basisperiode")
    keep = periods.within(all_periods, period_from, period_to)
    shown = [p for p, ok in zip(all_periods, keep) if ok]
    # A level needs its own period only; an index or a change also the periods it refers to.
    cells = _Cells(shown if view == "level" else all_periods)
    at: dict[str, dict[str, tuple]] = {}
    for r in rows:
        at.setdefault(r[AREA], {})[r[PERIOD]] = r
    pop = _population_cells(population(store, codes, cells.periods)) if scale != "raw" else None
    for c in areas:
        cells.add_area(c, taxonomy.area_name(c), at, num.gaps, pop)
    for g in groups:
        cells.add_group(g, at, pop, measure)
    cells.normalise(scale)
    value = cells.apply_view(view, base, is_share)
    frame = cells.frame(value, None if view == "level" else keep, {p: fmt.period(p) for p in shown})

    order = [*areas, *(g.series_id for g in groups)]
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


# The frame's numeric columns (float64, NaN where missing); `is_group` is bool, the rest text (None where missing).
_FLOAT = ("numerator", "population", "value")
_NAN = math.nan

# One area's population for one period: the count (NaN if none near enough), its date and table.
_Pop = tuple[float, str | None, str | None]
_NO_POP: _Pop = (_NAN, None, None)


def _population_cells(pop: pd.DataFrame) -> dict[str, dict[str, _Pop]]:
    """`population()`'s rows by area and period; a count missing is NaN, its date and table None."""
    out: dict[str, dict[str, _Pop]] = {}
    for a, p, n, d, s in zip(pop["area_code"].tolist(), pop["period"].tolist(), pop["population"].tolist(),
                             pop["population_date"].tolist(), pop["population_source"].tolist()):
        out.setdefault(a, {})[p] = _NO_POP if n is None or math.isnan(n) else (float(n), d, s)
    return out


class _Cells:
    """The comparison's rows as plain columns, series by series over the same periods (a few thousand
    rows at most), made a frame once at the end: a pandas step per column cost more here than the
    comparison's arithmetic."""

    def __init__(self, for_periods: list[str]) -> None:
        self.periods = for_periods
        self.cols: dict[str, list] = {c: [] for c in COLUMNS if c not in ("period_label", "value")}
        self.level: list[float] = []

    def _add(self, sid: str, name: str, is_group: bool, numerator: list[float], src: list[str | None],
             pops: list[_Pop] | None, gap: list[str | None]) -> None:
        n = len(self.periods)
        c = self.cols
        c["series"] += [sid] * n
        c["area_code"] += [sid] * n
        c["area_name"] += [name] * n
        c["is_group"] += [is_group] * n
        c["period"] += self.periods
        c["numerator"] += numerator
        c["source"] += src
        if pops is None:
            c["population"] += [_NAN] * n
            c["population_date"] += [None] * n
            c["population_source"] += [None] * n
        else:
            c["population"] += [x[0] for x in pops]
            c["population_date"] += [x[1] for x in pops]
            c["population_source"] += [x[2] for x in pops]
        c["gap"] += gap

    def add_area(self, code: str, name: str, at: Mapping[str, Mapping[str, tuple]],
                 gaps: Mapping[tuple[str, str], str], pop: Mapping[str, Mapping[str, _Pop]] | None) -> None:
        mine = at.get(code, {})
        rows = [mine.get(p) for p in self.periods]
        numerator = [_NAN if r is None else r[VALUE] for r in rows]
        # v != v: NaN (a sum with a benefit missing), which `gaps` explains
        gap: list[str | None] = [None if v == v else gaps.get((code, p), "ingen tal")
                                 for p, v in zip(self.periods, numerator)]
        pops = None
        if pop is not None:
            have = pop.get(code, {})
            pops = [have.get(p, _NO_POP) for p in self.periods]
            no_pop = f"ingen befolkningstal for {name}"
            gap = [no_pop if g is None and x[0] != x[0] else g for g, x in zip(gap, pops)]
        self._add(code, name, False, numerator, [None if r is None else r[SOURCE] for r in rows], pops, gap)

    def add_group(self, g: Group, at: Mapping[str, Mapping[str, tuple]],
                  pop: Mapping[str, Mapping[str, _Pop]] | None, measure: str) -> None:
        """Σ numerators (and Σ populations) of the members, for a period where every member has one."""
        names = [taxonomy.area_name(c) for c in g.members]
        members = [at.get(c, {}) for c in g.members]
        member_pops = [pop.get(c, {}) for c in g.members] if pop is not None else []
        counts = taxonomy.is_count(measure)
        not_summable = ("en gruppe kan kun lægges sammen af antal; kilden offentliggør ikke tæller og nævner for "
                        f"'{taxonomy.measure_label(measure)}'")
        numerator: list[float] = []
        src: list[str | None] = []
        pops: list[_Pop] = []
        gap: list[str | None] = []
        for p in self.periods:
            rows = [m.get(p) for m in members]
            src.append(", ".join(sorted(split_cells(r[SOURCE] for r in rows if r is not None))) or None)
            n, x, why = _NAN, _NO_POP, None
            if not counts:
                why = not_summable
            else:
                missing = [name for name, r in zip(names, rows) if r is None or r[VALUE] != r[VALUE]]
                if missing:
                    why = f"mangler tal for {join_da(missing)}"
                else:
                    n = math.fsum(r[VALUE] for r in rows if r is not None)
                if pop is not None and why is None:
                    mine = [m.get(p, _NO_POP) for m in member_pops]
                    no_pop = [name for name, m in zip(names, mine) if m[0] != m[0]]
                    if no_pop:
                        why = f"mangler befolkningstal for {join_da(no_pop)}"
                    else:
                        x = (math.fsum(m[0] for m in mine), ", ".join(sorted({str(m[1]) for m in mine})),
                             ", ".join(sorted({str(m[2]) for m in mine})))
            numerator.append(n)
            pops.append(x)
            gap.append(why)
        self._add(g.series_id, g.label, True, numerator, src, pops if pop is not None else None, gap)

    def normalise(self, scale: str) -> None:
        """Each row's level: the numerator as it is, or per 1.000 / per 100 inhabitants; NaN with a gap."""
        num, gap = self.cols["numerator"], self.cols["gap"]
        if scale == "raw":
            self.level = [v if g is None else _NAN for v, g in zip(num, gap)]
            return
        factor = 1000.0 if scale == "per1000" else 100.0
        with np.errstate(divide="ignore", invalid="ignore"):  # a population of 0 gives inf, as pandas did
            level = np.asarray(num, dtype="float64") / np.asarray(self.cols["population"], dtype="float64") * factor
        self.level = [v if g is None else _NAN for v, g in zip(level.tolist(), gap)]

    def apply_view(self, view: str, base: str | None, is_share: bool) -> list[float]:
        """The shown values: the level, an index (`base` = 100), or the change from a year before; a
        value with a level but no reference gets a gap saying why."""
        level = self.level
        if view == "level":
            return level
        sids, ps, gap = self.cols["series"], self.cols["period"], self.cols["gap"]
        by_key = dict(zip(zip(sids, ps), level))
        out: list[float] = []
        why = "ingen værdi i basisperioden" if view == "index" else "ingen værdi samme periode året før"
        for i, (s, p, v) in enumerate(zip(sids, ps, level)):
            ref = by_key.get((s, base if view == "index" else periods.year_before(p)), _NAN)
            if v != v or ref != ref or (ref == 0 and not (view == "yoy" and is_share)):
                out.append(_NAN)
                if v == v:
                    gap[i] = why
            elif view == "index":
                out.append(v / ref * 100)
            else:
                out.append(v - ref if is_share else (v / ref - 1) * 100)
        return out

    def frame(self, value: list[float], keep: list[bool] | None, labels: Mapping[str, str]) -> pd.DataFrame:
        """The rows of the periods kept (`keep`, per period; None: all), as the frame: one constructor, typed."""
        cols = {**self.cols, "value": value}
        if keep is not None and not all(keep):
            rows = [i for i, k in enumerate(keep * (len(value) // len(keep) if keep else 0)) if k]
            cols = {c: [v[i] for i in rows] for c, v in cols.items()}
        cols["period_label"] = [labels[p] for p in cols["period"]]
        # All as objects in one block (no inference of text types), then the typed columns: the cheapest
        # way pandas offers to a frame of these types.
        frame = pd.DataFrame({c: cols[c] for c in COLUMNS}, dtype=object)
        for c in _FLOAT:
            frame[c] = np.array(cols[c], dtype="float64")
        frame["is_group"] = np.array(cols["is_group"], dtype=bool)
        return frame
