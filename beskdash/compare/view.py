"""The pages' state: everything a Sammenligning or Rangliste view depends on, read from (possibly
partial or hand-edited) URL/widget values, made valid, and written back as a link."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from beskdash import periods, taxonomy
from beskdash.compare.comparison import VIEWS, Comparison, scale_options, series
from beskdash.compare.data import available, benefit_options, kind_options, measure_options, period_options
from beskdash.compare.groups import Group, aggregate, aggregates, peer_groups
from beskdash.compare.rankings import Ranking, ranking, ranking_options
from beskdash.compare.summable import summable_problem
from beskdash.fmt import join_da
from beskdash.store import Store

OWN = "egne"  # the peer-group choice "my own selection"


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
    wanted = get("gruppe")
    group = wanted if wanted is not None and wanted in (*groups, OWN) else next(iter(groups), OWN)
    default_areas = list(groups[group].areas) if group in groups else list(groups[next(iter(groups))].areas)
    known = taxonomy.area_codes()
    areas = [a for a in (get("omr") or "").split(",") if a in known] or default_areas
    areas = list(dict.fromkeys(areas))
    if group in groups and set(areas) != set(groups[group].areas):
        group = OWN  # the areas were changed by hand: no longer the plan's comparison
    wanted_focus = get("fokus")
    focus = wanted_focus if wanted_focus is not None and wanted_focus in areas else (
        groups[group].focus if group in groups and groups[group].focus in areas else areas[0])
    areas = [focus, *[a for a in areas if a != focus]]
    aggs = {a.key for a in aggregates()}
    agg_keys = [k for k in (get("grupper") or "").split(",") if k in aggs]

    avail = available(store, areas)
    preferred = groups[group].view if group in groups else {}
    benefits = benefit_options(avail)
    benefit = pick(get("ydelse"), preferred.get("benefit"), _best(avail, "benefit", benefits) or
                   "kontanthjaelp-nettoledige", allowed=benefits)
    measures = measure_options(avail, benefit) or ["fuldtidspersoner"]
    measure = pick(get("maal"), preferred.get("measure"), measures[0], allowed=measures)
    kinds = kind_options(avail, benefit, measure) or ["quarter"]
    kind = pick(get("frekvens"), None, kinds[0], allowed=kinds)
    ps = period_options(avail, benefit, measure, kind)
    scale = pick(get("enhed"), preferred.get("scale"), "raw", allowed=scale_options(measure))
    view = pick(get("visning"), preferred.get("view"), "level", allowed=list(VIEWS))
    pf = period_or(get("fra"), ps, 0)
    pt = period_or(get("til"), ps, -1)
    if pf and pt and periods.sort_key(pf) > periods.sort_key(pt):
        pf, pt = pt, pf
    base = period_or(get("basis"), ps, 0, default=pf) if view == "index" else None
    if view == "index" and base is None:
        view = "level"
    return View(group, tuple(areas), focus, get("samlet") == "1", tuple(agg_keys), benefit, measure, kind, scale,
                view, base, pf, pt)


def pick(wanted: str | None, preferred: str | None, fallback: str, allowed: Sequence[str] | None = None) -> str:
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


def period_or(text: str | None, ps: list[str], i: int, default: str | None = None) -> str | None:
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
    params = {k: ",".join(val) if isinstance(val, list) else val for k, val in v.params().items()}
    query = urlencode({k: val for k, val in params.items() if val}, safe=",")
    return f"{base_url or 'sammenligning'}?{query}"


def comparison_for(store: Store, v: View) -> Comparison:
    """The comparison a resolved view shows."""
    return series(store, list(v.areas), v.benefit, v.measure, v.period_from, v.period_to, scale=v.scale,
                  view=v.view, base=v.base, groups=v.groups(), focus=[v.focus], period_kind=v.kind)


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
    benefit = pick(params.get("ydelse"), None, benefits[0], allowed=benefits)
    measures = measure_options(opts, benefit)
    measure = pick(params.get("maal"), None, measures[0], allowed=measures)
    scales = scale_options(measure)
    scale = pick(params.get("enhed"), None, "per1000" if "per1000" in scales else scales[0], allowed=scales)
    ps = periods.distinct_sorted(list(opts.loc[(opts["benefit"] == benefit) & (opts["measure"] == measure), "period"]))
    period = period_or(params.get("periode"), ps, -1)
    return RankingView(benefit, measure, scale, period or ps[-1])


def ranking_periods(store: Store, benefit: str, measure: str) -> list[str]:
    opts = ranking_options(store)
    mine = (opts["benefit"] == benefit) & (opts["measure"] == measure)
    return periods.distinct_sorted(list(opts.loc[mine, "period"]))


def ranking_permalink(v: RankingView, base_url: str | None) -> str:
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
