"""What each goal needs to be judged: the series (source, table, area, benefit, measure, frequency, periods)
or the template row; and the known series breaks (data/series_breaks.yaml).

`python -m beskdash missing` lists these for the goals that cannot be judged; `fetch --plan` fetches exactly
the jobindsats.dk and StatBank series they name.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from beskdash import periods, taxonomy, template, yamlfile
from beskdash.paths import DATA_DIR
from beskdash.plans import Goal, Plan
from beskdash.taxonomy import NUMERATOR_MEASURE, SHARE_DENOMINATORS

JOBINDSATS, DST = "jobindsats", "dst"
SOURCE_LABELS = {JOBINDSATS: "jobindsats.dk", DST: "Danmarks Statistik (Statistikbanken)"}
_JOBINDSATS_CODE = re.compile(r"^[A-Z]{1,4}\d*[A-Z]\d\d$")
# Measures jobindsats.dk's benefit tables (Y..A02) carry for every benefit.
JOBINDSATS_MEASURES = {"fuldtidspersoner", "pct-arbejdsstyrke", "personer"}
FREQUENCY_LABELS = {"month": "månedlig", "quarter": "kvartalsvis", "year": "årlig"}


@dataclass(frozen=True)
class SeriesBreak:
    benefit: str
    period: str  # the first period of the new series
    text: str  # Danish
    table_before: str | None = None
    table_from: str | None = None


@lru_cache(maxsize=1)
def series_breaks() -> tuple[SeriesBreak, ...]:
    doc = yamlfile.safe_load((DATA_DIR / "series_breaks.yaml").read_text(encoding="utf-8"))
    return tuple(SeriesBreak(b["benefit"], periods.parse_period(str(b["period"])), b["text"],
                             b.get("table_before"), b.get("table_from")) for b in doc.get("breaks", []))


def breaks_for(benefits: list[str], first: str | None = None, last: str | None = None) -> list[SeriesBreak]:
    """The breaks of these benefits' series that fall inside first–last (either open)."""
    out = []
    for b in series_breaks():
        if b.benefit not in benefits:
            continue
        end = periods.end_month(b.period)
        if first is not None and end <= periods.end_month(first):
            continue
        if last is not None and end > periods.end_month(last):
            continue
        out.append(b)
    return out


def jobindsats_table(benefit: str, period: str | None = None) -> str | None:
    """The jobindsats.dk table of a benefit (`Y07A02`), for the series at `period` (a break may move it)."""
    for br in series_breaks():
        if br.benefit == benefit and period is not None:
            after = periods.end_month(period) >= periods.end_month(br.period)
            return br.table_from if after else br.table_before
    b = taxonomy.get().benefits.get(benefit)
    if b is None:
        return None
    return next((lab.upper() for lab in b.labels if _JOBINDSATS_CODE.match(lab)), None)


@dataclass(frozen=True)
class SeriesNeed:
    source: str | None  # JOBINDSATS, DST, or None when beskdash knows no table for it
    table: str | None
    area: str
    area_name: str
    benefit: str
    benefit_label: str
    measure: str
    measure_label: str
    frequency: str  # month, quarter, year
    period_from: str
    period_to: str

    def text(self) -> str:
        src = f"{SOURCE_LABELS[self.source]} {self.table}" if self.source else "et udtræk (ingen kendt tabel)"
        return (f"{src}: {self.benefit_label.lower()}, {self.measure_label.lower()}, {self.area_name}, "
                f"{FREQUENCY_LABELS[self.frequency]} {periods.label_da(self.period_from)} – "
                f"{periods.label_da(self.period_to)}")

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class GoalNeed:
    plan: str
    goal_id: str
    title: str
    evidence: str  # template.SERIES, OWN or ASSESSMENT
    status: str | None
    reason: str | None
    series: list[SeriesNeed] = field(default_factory=list)
    template_rows: list[template.TemplateRow] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "plan": self.plan, "goal_id": self.goal_id, "title": self.title, "evidence": self.evidence,
            "status": self.status, "reason": self.reason, "series": [s.as_dict() for s in self.series],
            "template_rows": [{"sheet": template.SHEET, "row": r.line, "period": r.period,
                               "column": "værdi" if r.numeric else "vurdering", "text": r.where()}
                              for r in self.template_rows],
        }

    def lines(self) -> list[str]:
        out = [s.text() for s in self.series]
        out += [r.where() for r in self.template_rows]
        return out


def _span(plan: Plan, goal: Goal) -> tuple[str, str]:
    """The months a series goal is judged over: from the baseline period (or the plan year's start, when the
    baseline is printed or absent: the trend needs the months before) to the deadline."""
    deadline = goal.target.deadline if goal.target else str(plan.year)
    end = periods.from_ordinal(periods.end_month(deadline), "month")
    b = goal.baseline
    if b is not None and b.value is None:
        start_end = periods.end_month(b.period)
        first = periods.from_ordinal(start_end - {"year": 11, "quarter": 2}.get(periods.kind(b.period), 0), "month")
    else:
        after = b.period if b is not None else str(plan.year - 1)
        first = periods.from_ordinal(periods.end_month(after) + 1, "month")
        if periods.end_month(first) > periods.end_month(end):
            first = periods.from_ordinal(periods.end_month(end) - 11, "month")
    return first, end


def series_needs(plan: Plan, goal: Goal, sources_in_store: dict[tuple[str, str], list[str]] | None = None
                 ) -> list[SeriesNeed]:
    """One need per benefit (and denominator) of a series goal; empty for other goals.

    `sources_in_store` maps (benefit, measure) to the source keys the store already holds that series from
    (for any area): a StatBank table found there is named when jobindsats.dk has no table for it.
    """
    s = goal.indicator.series if goal.indicator else None
    if s is None:
        return []
    first, last = _span(plan, goal)
    wanted: list[tuple[str, str]]
    if len(s.benefits) > 1 and taxonomy.measure(s.measure).share:
        wanted = [(b, NUMERATOR_MEASURE) for b in s.benefits] + [SHARE_DENOMINATORS[s.measure]]
    else:
        wanted = [(b, s.measure) for b in s.benefits]
    out = []
    for benefit, measure in wanted:
        source = table = None
        known = (sources_in_store or {}).get((benefit, measure), [])
        dst = next((k.split(":", 1)[1] for k in known if k.startswith("dst:")), None)
        code = jobindsats_table(benefit)
        if code and measure in JOBINDSATS_MEASURES:
            source = JOBINDSATS
            # across a series break: the table of each side (the newer one where the span reaches it)
            brk = breaks_for([benefit], first, last)
            table = "/".join(t for t in (brk[0].table_before, brk[0].table_from) if t) if brk else code
        elif dst:
            source, table = DST, dst
        out.append(SeriesNeed(source, table, s.area, taxonomy.area_name(s.area), benefit,
                              taxonomy.benefit_label(benefit), measure, taxonomy.measure_label(measure),
                              "month" if source == JOBINDSATS or not dst else "quarter", first, last))
    return out


def goal_need(plan: Plan, goal: Goal, status: str | None = None, reason: str | None = None,
              sources_in_store: dict[tuple[str, str], list[str]] | None = None) -> GoalNeed:
    kind = template.evidence_kind(goal)
    return GoalNeed(plan.id, goal.id, goal.title, kind, status, reason,
                    series_needs(plan, goal, sources_in_store) if kind == template.SERIES else [],
                    template.rows_for(plan, goal.id) if kind != template.SERIES else [])


def fetch_plan(needs: list[GoalNeed]) -> dict[str, dict[str, set[str]]]:
    """What `fetch --plan` asks for: per API, table id (lower case, as the APIs spell it) → area codes."""
    out: dict[str, dict[str, set[str]]] = {JOBINDSATS: {}, DST: {}}
    for n in needs:
        for s in n.series:
            if s.source is None or s.table is None:
                continue
            for t in s.table.split("/"):
                key = t.lower() if s.source == JOBINDSATS else t.upper()
                out[s.source].setdefault(key, set()).add(s.area)
    return out
