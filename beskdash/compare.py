"""Comparisons: series for areas × ydelse × mål over a period range; normalised, grouped, ranked.

Honest by construction:
- every value comes from the store; a normalisation states its denominator (population, table, date);
- the shares a source publishes (`pct-befolkning`, `pct-arbejdsstyrke`) are shown as published,
  never recomputed, and nothing is ever turned into them;
- a group is Σ numerators / Σ denominators over its members (never an average of shares), and a
  member without a value makes a gap, not a silently smaller sum;
- nothing is summed twice: no total with its parts (taxonomy), no area with an area inside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from beskdash import fmt, periods, taxonomy
from beskdash.fmt import date_da, join_da
from beskdash.paths import DATA_DIR, PLANS_DIR
from beskdash.store import Store

PEER_GROUPS_FILE = DATA_DIR / "peer_groups.yaml"

# FOLK1A/FOLK1AM count the population on the first day of the quarter/month.
POPULATION_SOURCES = ("dst:FOLK1AM", "dst:FOLK1A")
POPULATION_TITLES = {"dst:FOLK1AM": "FOLK1AM", "dst:FOLK1A": "FOLK1A"}
# The population count used is the one nearest the period's first day, at most this many months away.
MAX_POPULATION_DISTANCE = 24

SCALES = {"raw": "Antal", "per1000": "Pr. 1.000 indbyggere", "popshare": "Andel af befolkningen"}
VIEWS = {"level": "Niveau", "index": "Indeks (basisperiode = 100)", "yoy": "Ændring fra samme periode året før"}
THIRDS = {1: "bedste", 2: "midterste", 3: "dårligste"}
OWN = "egne"  # the peer-group choice "my own selection"
KIND_LABELS = {"quarter": "Kvartal", "month": "Måned", "year": "År", "mat": "Løbende år (kvartalsvis)"}

COLUMNS = ["series", "area_code", "area_name", "is_group", "period", "period_label", "numerator", "population",
           "population_date", "population_source", "value", "source", "gap"]


class CompareError(ValueError):
    """A comparison that cannot be made honestly; the message is Danish and says why."""


# --- Peer groups (data/peer_groups.yaml) ----------------------------------------------------

@dataclass(frozen=True)
class Group:
    """Areas summed into one series: Σ numerators / Σ denominators."""

    key: str
    label: str
    members: tuple[str, ...]

    @property
    def series_id(self) -> str:
        return f"gruppe:{self.key}"


@dataclass(frozen=True)
class PeerGroup:
    """A plan's municipality and the areas it compares itself with."""

    key: str
    label: str
    focus: str
    benchmark: tuple[str, ...]
    plan: str | None = None
    ref_section: str | None = None
    ref_quote: str | None = None
    seed_file: str | None = None
    note: str | None = None
    view: Mapping[str, str] = field(default_factory=dict)

    @property
    def areas(self) -> tuple[str, ...]:
        return (self.focus, *self.benchmark)



def _load_groups(path: Path, plans_dir: Path) -> tuple[dict[str, PeerGroup], dict[str, Group]]:
    from beskdash.plans import load_plan_file

    name = path.name
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    known = taxonomy.area_codes()
    groups: dict[str, PeerGroup] = {}
    for i, g in enumerate(data.get("peer_groups", [])):
        where = f"{name}: peer_groups[{i}]"
        ref_section = ref_quote = seed_file = None
        if g.get("plan"):
            plan_path = plans_dir / f"{g['plan']}.yaml"
            if not plan_path.exists():
                raise CompareError(f"{where}.plan: planen '{g['plan']}' findes ikke i {plans_dir.name}/")
            plan = load_plan_file(plan_path)
            focus, benchmark = plan.municipality, list(plan.benchmark_areas)
            seed_file = plan.seed_file
            if plan.benchmark_ref is not None:
                ref_section, ref_quote = plan.benchmark_ref.section, plan.benchmark_ref.quote
                seed_file = plan.benchmark_ref.file or plan.seed_file
        elif g.get("focus"):
            focus, benchmark = str(g["focus"]), []
        else:
            raise CompareError(f"{where}: angiv enten plan eller focus")
        benchmark += [str(c) for c in g.get("also", []) if str(c) not in benchmark]
        for c in (focus, *benchmark):
            if c not in known:
                raise CompareError(f"{where}: ukendt områdekode '{c}'")
        view = {k: str(v) for k, v in (g.get("view") or {}).items()}
        groups[g["key"]] = PeerGroup(g["key"], g["da"], focus, tuple(benchmark), g.get("plan"), ref_section,
                                     ref_quote, seed_file, g.get("note"), view)
    aggregates: dict[str, Group] = {}
    for i, a in enumerate(data.get("aggregates", [])):
        code = str(a["members_of"])
        if code not in known or not taxonomy.members(code):
            raise CompareError(f"{name}: aggregates[{i}].members_of: '{code}' er ikke en region, landsdel eller "
                               "hele landet")
        aggregates[a["key"]] = Group(a["key"], a["da"], tuple(taxonomy.members(code)))
    return groups, aggregates


@lru_cache(maxsize=4)
def _groups_cached(path: str, plans_dir: str) -> tuple[dict[str, PeerGroup], dict[str, Group]]:
    return _load_groups(Path(path), Path(plans_dir))


def peer_groups() -> list[PeerGroup]:
    return list(_groups_cached(str(PEER_GROUPS_FILE), str(PLANS_DIR))[0].values())


def peer_group(key: str) -> PeerGroup:
    groups = _groups_cached(str(PEER_GROUPS_FILE), str(PLANS_DIR))[0]
    if key not in groups:
        raise CompareError(f"ukendt sammenligningsgruppe '{key}' (kendte: {', '.join(groups)})")
    return groups[key]


def aggregates() -> list[Group]:
    return list(_groups_cached(str(PEER_GROUPS_FILE), str(PLANS_DIR))[1].values())


def aggregate(key: str) -> Group:
    aggs = _groups_cached(str(PEER_GROUPS_FILE), str(PLANS_DIR))[1]
    if key not in aggs:
        raise CompareError(f"ukendt gruppe '{key}' (kendte: {', '.join(aggs)})")
    return aggs[key]


def resolve_group(name: str, areas: Sequence[str]) -> Group:
    """`--group NAME`: a peer group (its benchmark areas summed), an aggregate, `NAME=201,223`,
    or else a name for the given areas summed (a user-picked set)."""
    if "=" in name:
        label, codes = name.split("=", 1)
        members = [c.strip() for c in codes.split(",") if c.strip()]
        _check_areas(members)
        return Group(taxonomy.slug(label) or "egen", label.strip(), tuple(members))
    groups, aggs = _groups_cached(str(PEER_GROUPS_FILE), str(PLANS_DIR))
    if name in groups:
        g = groups[name]
        if len(g.benchmark) < 2:
            raise CompareError(f"sammenligningsgruppen '{name}' har kun ét sammenligningsområde")
        problem = summable_problem(list(g.benchmark))
        if problem:
            raise CompareError(f"sammenligningsgruppen '{name}' kan ikke lægges sammen: {problem}")
        return Group(g.key, f"{join_da([taxonomy.area_name(c) for c in g.benchmark])} samlet", g.benchmark)
    if name in aggs:
        return aggs[name]
    if not areas:
        raise CompareError(f"gruppen '{name}' er hverken en kendt gruppe eller en mængde valgte områder")
    return Group(taxonomy.slug(name) or "egen", name, tuple(areas))


# --- What may be summed -----------------------------------------------------------------------

def _kommuner_in(code: str) -> frozenset[str] | None:
    """The kommuner an area covers; None where the data do not say (RAR, jobindsats areas)."""
    a = taxonomy.area(code)
    if a.kind == "kommune":
        return frozenset({code})
    m = taxonomy.members(code)
    return frozenset(m) if m else None


def summable_problem(members: Sequence[str]) -> str | None:
    """Why `members` cannot be summed into one group (Danish), or None."""
    dup = sorted({c for c in members if list(members).count(c) > 1})
    if dup:
        return f"{join_da([taxonomy.area_name(c) for c in dup])} er med flere gange"
    covers = {c: _kommuner_in(c) for c in members}
    if len(members) > 1:
        for c, cov in covers.items():
            if cov is None:
                return (f"{taxonomy.area_name(c)} kan ikke lægges sammen med andre områder: data siger ikke, "
                        "hvilke kommuner det dækker, så nogen kunne blive talt to gange")
    for i, a in enumerate(members):
        for b in members[i + 1:]:
            if covers[a] and covers[b] and covers[a] & covers[b]:
                outer, inner = (a, b) if len(covers[a]) >= len(covers[b]) else (b, a)
                return (f"{taxonomy.area_name(outer)} indeholder {taxonomy.area_name(inner)}; de kan ikke lægges "
                        "sammen uden at tælle nogen to gange")
    return None


def _check_areas(codes: Sequence[str]) -> None:
    unknown = [c for c in codes if c not in taxonomy.area_codes()]
    if unknown:
        hints = []
        for u in unknown:
            guess = taxonomy.closest_area(u)
            hints.append(f"'{u}'" + (f" (mente du {guess}?)" if guess else ""))
        raise CompareError(f"ukendt område: {', '.join(hints)}")


# --- Queries ---------------------------------------------------------------------------------

def _source_rank(key: str) -> int:
    """Where two sources hold the same figure: the register (StatBank) before analysts' imports,
    before figures transcribed from plans (printed, rounded)."""
    if key.startswith("dst:"):
        return 0
    return 2 if key.startswith("plan:") else 1


def available(store: Store, areas: Sequence[str] | None = None) -> pd.DataFrame:
    """What can be compared: one row per benefit, measure, period kind and period, with how many
    of `areas` (or of all areas) have a value. Population counts are denominators, not listed."""
    where, params = ["value IS NOT NULL", "NOT (benefit = 'befolkning' AND measure = 'personer')"], []
    if areas:
        where.append(f"area_code IN ({', '.join('?' * len(areas))})")
        params.extend(areas)
    return store.query(
        f"""
        SELECT benefit, measure, period_kind, period, any_value(period_end) AS period_end,
               count(DISTINCT area_code) AS n_areas
        FROM observations WHERE {" AND ".join(where)}
        GROUP BY benefit, measure, period_kind, period
        ORDER BY benefit, measure, period_kind, period_end
        """,
        params,
    )


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


def scale_options(measure: str) -> list[str]:
    """Per-capita scales only for counts: a published share or an average is shown as it is."""
    return list(SCALES) if taxonomy.is_count(measure) else ["raw"]


def scale_label(scale: str, measure: str) -> str:
    """`Antal`, `Pr. 1.000 indbyggere`, …; a share or an average is `Som offentliggjort`."""
    if scale == "raw" and not taxonomy.is_count(measure):
        return "Som offentliggjort"
    return SCALES[scale]


def _numerators(store: Store, codes: list[str], benefits: list[str], measure: str,
                source: str | None) -> pd.DataFrame:
    """One value per area and period (all periods): the best source's, summed over `benefits`
    only where every one of them has a value."""
    obs = store.observations(areas=codes, benefits=benefits, measures=[measure],
                             sources=[source] if source else None)
    cols = ["area_code", "period", "period_kind", "numerator", "source", "gap"]
    if obs.empty:
        return pd.DataFrame(columns=cols)
    obs = obs[obs["value"].notna()].copy()
    obs["_rank"] = obs["source"].map({k: _source_rank(k) for k in obs["source"].unique()})
    obs = obs.sort_values(["_rank", "source"], kind="stable").drop_duplicates(["area_code", "benefit", "period"])
    keys = ["area_code", "period", "period_kind"]
    if len(benefits) == 1:
        return obs.assign(numerator=obs["value"].astype("float64"), gap=None)[cols].reset_index(drop=True)
    out = obs.groupby(keys, sort=False).agg(
        numerator=("value", "sum"), n=("benefit", "nunique"),
        source=("source", lambda s: ", ".join(sorted(set(s)))),
        got=("benefit", lambda s: frozenset(s)),
    ).reset_index()
    out["gap"] = None
    incomplete = out["n"] < len(benefits)
    if incomplete.any():
        out.loc[incomplete, "gap"] = [
            "mangler tal for " + join_da([taxonomy.benefit_label(b) for b in benefits if b not in got])
            for got in out.loc[incomplete, "got"]]
        out.loc[incomplete, "numerator"] = math.nan
    out["numerator"] = out["numerator"].astype("float64")
    return out[cols]


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


# --- The comparison --------------------------------------------------------------------------

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


def _split(values: pd.Series) -> set[str]:
    """The distinct items of comma-joined cells (a group's cell lists its members' sources/dates)."""
    return {s.strip() for v in values.dropna() for s in str(v).split(",") if s.strip()}


def _denominator_text(rows: pd.DataFrame) -> str | None:
    """The population behind the per-capita values in `rows`, stated with table and date."""
    dates = sorted(_split(rows["population_date"]))
    if not dates:
        return None
    tables = join_da(sorted(POPULATION_TITLES[s] for s in _split(rows["population_source"])))
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
    _check_areas([*areas, *(c for g in groups for c in g.members)])
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
    num = _numerators(store, codes, benefits, measure, source)
    kinds = num["period_kind"].value_counts()
    if period_kind is None:
        period_kind = str(kinds.index[0]) if len(kinds) else "quarter"
    num = num[num["period_kind"] == period_kind]
    shown_codes = codes if groups else areas
    all_periods = periods.distinct_sorted(list(num.loc[num["area_code"].isin(shown_codes), "period"]))
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
    grid = pd.DataFrame([(c, p) for c in codes for p in all_periods], columns=["area_code", "period"])
    grid = grid.merge(num.drop(columns="period_kind"), on=["area_code", "period"], how="left")
    if pop is not None:
        grid = grid.merge(pop, on=["area_code", "period"], how="left")
    else:
        for c in ("population", "population_period", "population_date", "population_source"):
            grid[c] = None
    grid["gap"] = [(g if isinstance(g, str) else "ingen tal") if pd.isna(n) else None
                   for g, n in zip(grid["gap"], grid["numerator"])]

    parts = []
    for code in areas:
        part = grid[grid["area_code"] == code].copy()
        part["series"] = code
        part["area_name"] = taxonomy.area_name(code)
        part["is_group"] = False
        if pop is not None:
            no_pop = part["gap"].isna() & part["population"].isna()
            part.loc[no_pop, "gap"] = f"ingen befolkningstal for {taxonomy.area_name(code)}"
        parts.append(part)
    for g in groups:
        parts.append(_group_rows(grid, g, all_periods, measure, pop is not None))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*grid.columns, "series"])

    level = frame["numerator"].astype("float64")
    if scale in ("per1000", "popshare"):
        factor = 1000.0 if scale == "per1000" else 100.0
        level = level / frame["population"].astype("float64") * factor
    frame["level"] = level.where(frame["gap"].isna())
    frame["value"] = _apply_view(frame, view, base, is_share)
    # Per distinct period, not per row: a long series has thousands of rows and a few hundred periods.
    uniq = list(dict.fromkeys(frame["period"]))
    frame["period_label"] = frame["period"].map({p: fmt.period(p) for p in uniq})
    frame = frame[frame["period"].isin([p for p in uniq if periods.in_range(p, period_from, period_to)])]
    shown = periods.distinct_sorted(list(dict.fromkeys(frame["period"])))
    order = [*areas, *(g.series_id for g in groups)]
    frame = frame.assign(_s=frame["series"].map({s: i for i, s in enumerate(order)}),
                         _p=frame["period"].map({p: i for i, p in enumerate(shown)}))
    frame = frame.sort_values(["_s", "_p"], kind="stable")[COLUMNS].reset_index(drop=True)
    sources = sorted(_split(frame["source"]), key=lambda k: (_source_rank(k), k))
    denominator = None
    if pop is not None:
        used = frame.dropna(subset=["value"])
        denominator = _denominator_text(used)
        sources += sorted(_split(used["population_source"]), key=POPULATION_SOURCES.index)
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


def _group_rows(grid: pd.DataFrame, g: Group, all_periods: list[str], measure: str, per_capita: bool
                ) -> pd.DataFrame:
    rows = []
    names = {c: taxonomy.area_name(c) for c in g.members}
    for p in all_periods:
        part = grid[(grid["period"] == p) & grid["area_code"].isin(g.members)]
        numerator = population = date = psrc = gap = None
        srcs = ", ".join(sorted(_split(part["source"])))
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


# --- Tables for screen and export --------------------------------------------------------------

def wide_table(comp: Comparison) -> pd.DataFrame:
    """What the chart shows, as numbers: one row a period, one column a series (the text
    alternative to the chart, and what the exports write)."""
    f = comp.frame
    out = pd.DataFrame({"Periode": [fmt.period(p) for p in comp.periods]})
    for sid in comp.series_order:
        vals = f[f["series"] == sid].set_index("period")["value"]
        out[comp.labels[sid]] = [float(vals.get(p, math.nan)) for p in comp.periods]
    if comp.denominator:
        dates = f.dropna(subset=["population_date"]).groupby("period")["population_date"].agg(
            lambda s: ", ".join(sorted(set(", ".join(s).split(", ")))))
        out["Befolkningstal pr."] = [dates.get(p) for p in comp.periods]
    return out


def display_table(comp: Comparison) -> pd.DataFrame:
    """`wide_table` with Danish number formats."""
    t = wide_table(comp)
    for sid in comp.series_order:
        col = comp.labels[sid]
        t[col] = t[col].map(comp.format)
    if "Befolkningstal pr." in t:
        t["Befolkningstal pr."] = [", ".join(date_da(d.strip()) for d in v.split(",")) if isinstance(v, str) else "–"
                                   for v in t["Befolkningstal pr."]]
    return t


def gaps(comp: Comparison) -> list[str]:
    """Plain sentences on the values that are missing, per series and reason."""
    f = comp.frame[comp.frame["gap"].notna()]
    out = []
    for (name, why), part in f.groupby(["area_name", "gap"], sort=False):
        ps = periods.distinct_sorted(list(part["period"]))
        when = fmt.period(ps[0]) if len(ps) == 1 else f"{len(ps)} perioder ({fmt.period(ps[0])} – {fmt.period(ps[-1])})"
        out.append(f"{name}: {why} – {when}.")
    return out


def title(comp: Comparison) -> str:
    """What and where (the areas; summed groups are named in the legend)."""
    names = [comp.labels[s] for s in comp.series_order if not s.startswith("gruppe:")] or [
        comp.labels[s] for s in comp.series_order]
    where = join_da(names) if len(names) <= 4 else f"{names[0]} og {len(names) - 1} andre områder"
    return f"{comp.benefit_label}: {where}"


def subtitle(comp: Comparison) -> str:
    """Unit and period span (the denominator is stated under the chart, where there is room)."""
    span = (fmt.period(comp.periods[0]) + (f" – {fmt.period(comp.periods[-1])}" if len(comp.periods) > 1 else "")
            if comp.periods else "ingen perioder")
    return f"{comp.unit}, {span}."


# --- The page's state ----------------------------------------------------------------------------

@dataclass(frozen=True)
class View:
    """Everything a Sammenligning view depends on; written to and read from the URL."""

    group: str
    areas: tuple[str, ...]
    focus: str
    together: bool
    aggregates: tuple[str, ...]
    benefit: str
    measure: str
    kind: str
    scale: str
    view: str
    base: str | None
    period_from: str | None
    period_to: str | None

    def params(self) -> dict[str, str | list[str] | None]:
        return {"gruppe": self.group, "omr": list(self.areas), "fokus": self.focus,
                "samlet": "1" if self.together else None, "grupper": list(self.aggregates),
                "ydelse": self.benefit, "maal": self.measure, "frekvens": self.kind, "enhed": self.scale,
                "visning": self.view, "basis": self.base if self.view == "index" else None,
                "fra": self.period_from, "til": self.period_to}

    def values(self) -> dict[str, str | list[str] | bool | None]:
        """The view as the page's widgets hold it, by URL parameter (lists as lists, samlet as a bool)."""
        return {"gruppe": self.group, "omr": list(self.areas), "fokus": self.focus, "samlet": self.together,
                "grupper": list(self.aggregates), "ydelse": self.benefit, "maal": self.measure,
                "frekvens": self.kind, "enhed": self.scale, "visning": self.view, "basis": self.base}

    def groups(self) -> list[Group]:
        """The summed series: the comparison areas together (when they can be summed), aggregates."""
        out = []
        if self.together and self.together_problem() is None:
            rest = tuple(a for a in self.areas if a != self.focus)
            out.append(Group(self.group if self.group != OWN else "valgte",
                             f"{join_da([taxonomy.area_name(c) for c in rest])} samlet", rest))
        out.extend(aggregate(k) for k in self.aggregates)
        return out

    def together_problem(self) -> str | None:
        """Why the 'samlet' series cannot be shown, if it cannot."""
        if not self.together:
            return None
        rest = [a for a in self.areas if a != self.focus]
        if len(rest) < 2:
            return "der skal være mindst to sammenligningsområder at lægge sammen"
        return summable_problem(rest)


def resolve_view(store: Store, params: Mapping[str, str | list[str] | None]) -> View:
    """A complete, valid view from (possibly hand-edited or partial) URL/widget values: each
    value is kept when it is valid with the ones before it, else replaced by a default."""

    def get(k: str) -> str | None:
        v = params.get(k)
        if isinstance(v, list | tuple):
            return ",".join(v)
        return v or None

    groups = {g.key: g for g in peer_groups()}
    group = get("gruppe") if get("gruppe") in (*groups, OWN) else next(iter(groups), OWN)
    default_areas = list(groups[group].areas) if group in groups else list(groups[next(iter(groups))].areas)
    known = taxonomy.area_codes()
    areas = [a for a in (get("omr") or "").split(",") if a in known] or default_areas
    areas = list(dict.fromkeys(areas))
    if group in groups and set(areas) != set(groups[group].areas):
        group = OWN  # the areas were changed by hand: no longer the plan's comparison
    focus = get("fokus") if get("fokus") in areas else (
        groups[group].focus if group in groups and groups[group].focus in areas else areas[0])
    areas = [focus, *[a for a in areas if a != focus]]
    aggs = {a.key for a in aggregates()}
    agg_keys = [k for k in (get("grupper") or "").split(",") if k in aggs]

    avail = available(store, areas)
    preferred = groups[group].view if group in groups else {}
    benefits = benefit_options(avail)
    benefit = _pick(get("ydelse"), preferred.get("benefit"), _best(avail, "benefit", benefits) or
                    "kontanthjaelp-nettoledige", allowed=benefits)
    measures = measure_options(avail, benefit) or ["fuldtidspersoner"]
    measure = _pick(get("maal"), preferred.get("measure"), measures[0], allowed=measures)
    kinds = kind_options(avail, benefit, measure) or ["quarter"]
    kind = _pick(get("frekvens"), None, kinds[0], allowed=kinds)
    ps = period_options(avail, benefit, measure, kind)
    scale = _pick(get("enhed"), preferred.get("scale"), "raw", allowed=scale_options(measure))
    view = _pick(get("visning"), preferred.get("view"), "level", allowed=list(VIEWS))
    pf = _period_or(get("fra"), ps, 0)
    pt = _period_or(get("til"), ps, -1)
    if pf and pt and periods.sort_key(pf) > periods.sort_key(pt):
        pf, pt = pt, pf
    base = _period_or(get("basis"), ps, 0, default=pf) if view == "index" else None
    if view == "index" and base is None:
        view = "level"
    return View(group, tuple(areas), focus, get("samlet") == "1", tuple(agg_keys), benefit, measure, kind, scale,
                view, base, pf, pt)


def _pick(wanted: str | None, preferred: str | None, fallback: str, allowed: Sequence[str] | None = None) -> str:
    for v in (wanted, preferred):
        if v is not None and (allowed is None or v in allowed):
            return v
    return fallback


def _best(avail: pd.DataFrame, col: str, order: list[str]) -> str:
    if avail.empty or not order:
        return order[0] if order else ""
    # the most areas covered, then the longest series, then taxonomy order
    cover = avail.groupby(col)["n_areas"].max()
    length = avail.groupby(col)["period"].nunique()
    return max(order, key=lambda k: (cover.get(k, 0), length.get(k, 0), -order.index(k)))


def _period_or(text: str | None, ps: list[str], i: int, default: str | None = None) -> str | None:
    if text:
        try:
            p = periods.parse_period(text)
        except periods.PeriodError:
            p = None
        if p in ps:
            return p
    if default is not None:
        return default
    return ps[i] if ps else None


def permalink(v: View, base_url: str | None) -> str:
    """The link that reopens exactly this view (relative to the page when the app's URL is unknown)."""
    from urllib.parse import urlencode

    params = {k: ",".join(val) if isinstance(val, list) else val for k, val in v.params().items()}
    query = urlencode({k: val for k, val in params.items() if val}, safe=",")
    return f"{base_url or 'sammenligning'}?{query}"


def file_stem(comp: Comparison) -> str:
    """`sammenligning-kontanthjaelp-nettoledige-201-223-240-2007Q1-2025Q4`."""
    span = f"{comp.periods[0]}-{comp.periods[-1]}" if comp.periods else ""
    codes = "-".join(taxonomy.slug(s) for s in comp.series_order)
    return "-".join(x for x in ("sammenligning", "-".join(comp.benefits), codes, span) if x)[:150]


def comparison_for(store: Store, v: View) -> Comparison:
    """The comparison a resolved view shows."""
    return series(store, list(v.areas), v.benefit, v.measure, v.period_from, v.period_to, scale=v.scale,
                  view=v.view, base=v.base, groups=v.groups(), focus=[v.focus], period_kind=v.kind)


# --- Ranking --------------------------------------------------------------------------------------

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
    denominator = _denominator_text(out.dropna(subset=["value"])) if scale != "raw" else None
    used = out.dropna(subset=["value"])
    srcs = [s for s in comp.sources if s in _split(used["source"]) | _split(used.get("population_source",
                                                                                    pd.Series(dtype=str)))]
    notes = ()
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


@dataclass(frozen=True)
class RankingView:
    """Everything a Rangliste view depends on; written to and read from the URL."""

    benefit: str
    measure: str
    scale: str
    period: str

    def params(self) -> dict[str, str | None]:
        return {"ydelse": self.benefit, "maal": self.measure, "enhed": self.scale, "periode": self.period}


def resolve_ranking(store: Store, params: Mapping[str, str | None]) -> RankingView | None:
    """A complete, valid ranking view from (possibly partial or hand-edited) URL/widget values;
    None when no benefit has values for enough kommuner to rank."""
    opts = ranking_options(store)
    benefits = benefit_options(opts)
    if not benefits:
        return None
    benefit = _pick(params.get("ydelse"), None, benefits[0], allowed=benefits)
    measures = measure_options(opts, benefit)
    measure = _pick(params.get("maal"), None, measures[0], allowed=measures)
    scales = scale_options(measure)
    scale = _pick(params.get("enhed"), None, "per1000" if "per1000" in scales else scales[0], allowed=scales)
    ps = periods.distinct_sorted(list(opts.loc[(opts["benefit"] == benefit) & (opts["measure"] == measure), "period"]))
    period = _period_or(params.get("periode"), ps, -1)
    return RankingView(benefit, measure, scale, period or ps[-1])


def ranking_periods(store: Store, benefit: str, measure: str) -> list[str]:
    opts = ranking_options(store)
    mine = (opts["benefit"] == benefit) & (opts["measure"] == measure)
    return periods.distinct_sorted(list(opts.loc[mine, "period"]))


def ranking_permalink(v: RankingView, base_url: str | None) -> str:
    from urllib.parse import urlencode

    return f"{base_url or 'rangliste'}?{urlencode({k: val for k, val in v.params().items() if val})}"


def ranking_for(store: Store, v: RankingView) -> Ranking:
    return ranking(store, v.benefit, v.measure, v.period, scale=v.scale)


def benchmark_links() -> list[tuple[str, dict[str, str]]]:
    """The plans' benchmark views for the start page: label and the Sammenligning URL parameters."""
    out = []
    for g in peer_groups():
        params = {"gruppe": g.key}
        if "benefit" in g.view:
            params["ydelse"] = g.view["benefit"]
        if "measure" in g.view:
            params["maal"] = g.view["measure"]
        if "scale" in g.view:
            params["enhed"] = g.view["scale"]
        out.append((g.label, params))
    return out
