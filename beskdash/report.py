"""The quarterly committee report (ledelsesinformation) for one plan, as self-contained HTML or PDF.

Nothing here computes a figure: the goal engine judges, the comparison engine compares, the chart
modules draw (the same functions the pages use, rendered to static SVG by vl-convert), and the text
modules word it. This module only puts them on pages:

cover (plan, period, date) · summary table of every goal · one section per focus area with the goal
charts · the plan's benchmark · sources and licences · how status is decided.

The HTML loads nothing from anywhere (no scripts, no external CSS, fonts or images), and the PDF is
made by WeasyPrint with a URL fetcher that refuses everything but inline `data:` URLs.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd

from beskdash import compare, exports, fmt, goals, periods, provenance, taxonomy
from beskdash.charts import compare as compare_charts
from beskdash.charts import goals as goal_charts
from beskdash.status import Status
from beskdash.text import compare as say_compare
from beskdash.text import goals as say
from beskdash.text import summaries

if TYPE_CHECKING:
    from beskdash.plans import Plan
    from beskdash.store import Store

FORMATS = ("html", "pdf")
CHART_WIDTH = 600  # px of the plot area; the page is A4 with 18 mm margins
# The benchmark shows the last four years of quarters: more periods than the chart names one by one,
# so its axis shows years and stays legible at the report's width.
BENCHMARK_PERIODS = 16
FONT = '"DejaVu Sans", "Liberation Sans", Arial, sans-serif'  # system fonts only: nothing is fetched


class ReportError(ValueError):
    """A report that cannot be made; the message is Danish and says why."""


@dataclass(frozen=True)
class GoalEntry:
    result: goals.GoalResult
    detail: goals.GoalDetail
    subject: str
    summary: str  # the plain-language sentences that open the goal
    svg: str | None  # the goal's chart as inline SVG, or None when there is no number to draw
    chart_alt: str
    sources: tuple[str, ...]  # `Kilde: …` and `Periode: …` lines


@dataclass(frozen=True)
class Benchmark:
    group: compare.PeerGroup
    comparison: compare.Comparison
    sentences: tuple[str, ...]
    svg: str
    table: pd.DataFrame
    notes: tuple[str, ...]  # denominator, missing values, sources


@dataclass(frozen=True)
class Report:
    plan: Plan
    period: str | None  # the data run up to and including this period; None: all the database holds
    as_of: str | None  # the newest period of any figure in the report
    made: dt.date
    results: tuple[goals.GoalResult, ...]
    entries: dict[str, GoalEntry]  # by goal id
    benchmark: Benchmark | None
    benchmark_note: str | None  # why there is no benchmark chart, or what the group is
    sources: pd.DataFrame  # key, title, publisher, licence, origin of every source shown
    previous: str | None = None  # the quarter the previous report was judged to (for "Ændret siden sidste rapport")
    changes: tuple[tuple[goals.GoalResult, goals.GoalResult], ...] = ()  # (then, now) of goals whose status changed

    @property
    def title(self) -> str:
        return f"Ledelsesinformation: {say.plan_label(self.plan)}"

    @property
    def period_text(self) -> str:
        if self.period:
            return f"Data til og med {fmt.period(self.period)}"
        if self.as_of:
            return f"Alle data i databasen (nyeste tal: {fmt.period(self.as_of)})"
        return "Alle data i databasen"


# --- Building ----------------------------------------------------------------------------------

def parse_report_period(text: str | None) -> str | None:
    if text is None or not str(text).strip():
        return None
    try:
        return periods.parse_period(str(text))
    except periods.PeriodError as e:
        raise ReportError(f"--period: {e}") from e


def build(store: Store, plan_id: str, period: str | None = None, today: dt.date | None = None) -> Report:
    """Everything the report shows for `plan_id`, judged with the data up to `period` (default: all)."""
    known = goals.plans()
    if plan_id not in known:
        raise ReportError(f"ukendt plan '{plan_id}' (kendte planer: {', '.join(known)})")
    plan = known[plan_id]
    period = parse_report_period(period)
    results = goals.evaluate_plan(store, plan_id, until=period)
    goal_by_id = {g.id: g for g in plan.goals}
    entries = {}
    for r in results:
        detail = goals.goal_detail(store, plan_id, r.goal_id, until=period) if r.measure else goals.GoalDetail(
            r, pd.DataFrame(columns=["period", "kind", "end", "value", "sources", "suppressed", "incomplete"]))
        subject = summaries.goal_subject(goal_by_id[r.goal_id])
        svg, alt = _goal_chart(detail)
        lines = exports.source_lines(store, list(r.sources),
                                     [p for p in (r.baseline_period, r.latest_period) if p])
        entries[r.goal_id] = GoalEntry(r, detail, subject, summaries.goal_summary(r, subject), svg, alt, tuple(lines))
    benchmark, note = _benchmark(store, plan, period)
    keys = [k for r in results for k in r.sources]
    if benchmark is not None:
        keys += list(benchmark.comparison.sources)
    src = store.sources().set_index("key")
    used = [k for k in dict.fromkeys(keys) if k in src.index]
    sources = src.loc[used, ["title", "publisher", "licence", "origin"]].reset_index()
    shown = [r.latest_period for r in results if r.latest_period]
    if benchmark is not None and benchmark.comparison.periods:
        shown.append(benchmark.comparison.periods[-1])
    as_of = max(shown, key=periods.end_month) if shown else None
    made = today or dt.date.today()
    previous = previous_quarter(period or as_of)
    changes: tuple[tuple[goals.GoalResult, goals.GoalResult], ...] = ()
    if previous is not None:
        # The previous report: the data up to the quarter before, and the own figures and assessments as they
        # stood when this calendar quarter began (they are entered, not published for a period).
        quarter_start = dt.datetime(made.year, (made.month - 1) // 3 * 3 + 1, 1)
        then = {r.goal_id: r for r in goals.evaluate_plan(store, plan_id, until=previous,
                                                          entered_before=quarter_start)}
        changes = tuple((then[r.goal_id], r) for r in results if then[r.goal_id].status != r.status)
    return Report(plan, period, as_of, made, tuple(results), entries, benchmark, note, sources, previous, changes)


def previous_quarter(period: str | None) -> str | None:
    """The quarter before the one `period` ends in: what the previous quarterly report was judged with."""
    if period is None:
        return None
    end = periods.end_month(period)
    return periods.from_ordinal(end // 3 - 1, "quarter")


def _changes_section(report: Report) -> str:
    """"Ændret siden sidste rapport": every goal whose status changed since the previous quarter, and why."""
    if report.previous is None:
        return ""
    head = (f"<section><h2>Ændret siden sidste rapport</h2><p class=\"small\">Sammenlignet med vurderingen på data "
            f"til og med {_e(fmt.period(report.previous))} og de egne tal og vurderinger, der var indtastet ved "
            "kvartalets begyndelse.</p>")
    if not report.changes:
        return head + "<p>Ingen mål har skiftet status siden sidste rapport.</p></section>"
    items = []
    for then, now in report.changes:
        items.append(f"<li><strong>{_e(now.title)}</strong>: {_status(then.status)} → {_status(now.status)} — "
                     f"{_e(say.reason(now))}</li>")
    return head + "<ul>" + "\n".join(items) + "</ul></section>"


def _svg(chart: alt.TopLevelMixin, width: int = CHART_WIDTH) -> str:
    """A chart as static SVG for inline use: a fixed width instead of the page's container width."""
    import vl_convert as vlc  # deferred: the Vega renderer is heavy and only the report needs it

    spec = chart.to_dict()
    if not isinstance(spec.get("width"), int | float):
        spec["width"] = width
    return vlc.vegalite_to_svg(spec)


def _goal_chart(detail: goals.GoalDetail) -> tuple[str | None, str]:
    """The time series (Mål i detaljer) where there are two values or more, else the bullet
    (Målopfølgning) where there is any number at all."""
    r = detail.result
    if r.kind == "qualitative":
        return None, ""
    if int(detail.points["value"].notna().sum()) >= 2:
        return _svg(goal_charts.series(detail)), say.series_alt(detail)
    chart = goal_charts.bullet(r)
    if chart is None:
        return None, ""
    return _svg(chart), say.chart_alt(r)


def benchmark_group(plan: Plan) -> compare.PeerGroup | None:
    """The plan's own comparison, else the one for its municipality."""
    groups = compare.peer_groups()
    return (next((g for g in groups if g.plan == plan.id), None)
            or next((g for g in groups if g.focus == plan.municipality), None))


def _benchmark(store: Store, plan: Plan, period: str | None) -> tuple[Benchmark | None, str | None]:
    group = benchmark_group(plan)
    if group is None:
        return None, "Planen sammenligner sig ikke med andre områder, og der er ingen standardsammenligning."
    view = compare.resolve_view(store, {"gruppe": group.key})
    avail = compare.available(store, list(view.areas))
    ps = compare.period_options(avail, view.benefit, view.measure, view.kind)
    if period:
        ps = [p for p in ps if periods.end_month(p) <= periods.end_month(period)]
    if not ps:
        return None, f"Der er ingen tal for sammenligningen ({group.label}) til og med {fmt.period(period)}."
    view = replace(view, period_from=ps[max(0, len(ps) - BENCHMARK_PERIODS)], period_to=ps[-1])
    try:
        comp = compare.comparison_for(store, view)
    except compare.CompareError as e:
        return None, f"Sammenligningen ({group.label}) kan ikke vises: {e}."
    chart = compare_charts.line_chart(comp)
    sentences = tuple(s for s in (say_compare.sentence(comp), say_compare.development_sentence(comp)) if s)
    notes = [line for line in (comp.denominator, *comp.notes) if line]
    notes += [f"Mangler: {g}" for g in compare.gaps(comp)]
    notes += exports.source_lines(store, list(comp.sources), list(comp.periods))
    note = None
    if group.plan == plan.id and group.ref_quote:
        note = f"Planen: »{group.ref_quote}« (afsnit »{group.ref_section}«)"
    elif group.note:
        note = group.note
    return Benchmark(group, comp, sentences, _svg(chart), compare.display_table(comp), tuple(notes)), note


# --- HTML ------------------------------------------------------------------------------------------

_CSS = f"""
@page {{ size: A4; margin: 18mm 16mm 20mm 16mm;
  @bottom-left {{ content: string(plan); font: 8pt {FONT}; color: #555; }}
  @bottom-right {{ content: "Side " counter(page) " af " counter(pages); font: 8pt {FONT}; color: #555; }} }}
@page :first {{ @bottom-left {{ content: none; }} }}
html {{ font-family: {FONT}; font-size: 10pt; line-height: 1.4; color: #111; }}
body {{ margin: 0; }}
h1 {{ font-size: 22pt; margin: 0 0 4mm; string-set: plan attr(data-plan); }}
h2 {{ font-size: 15pt; margin: 8mm 0 2mm; border-bottom: 1px solid #999; break-after: avoid; }}
h3 {{ font-size: 11pt; margin: 5mm 0 1mm; break-after: avoid; }}
.cover {{ min-height: 230mm; break-after: page; display: flex; flex-direction: column; }}
.cover .kind {{ font-size: 12pt; text-transform: uppercase; letter-spacing: 0.08em; color: #0072B2; margin-top: 40mm; }}
.cover dl {{ margin-top: 10mm; font-size: 12pt; }}
.cover dt {{ font-weight: bold; margin-top: 3mm; }}
.cover dd {{ margin: 0; }}
.cover .summary {{ margin-top: 10mm; font-size: 12pt; }}
table {{ border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 2mm 0; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 1.2mm 1.5mm; text-align: left; vertical-align: top; }}
th {{ background: #f0f0f0; }}
td.num {{ text-align: right; white-space: nowrap; }}
tr {{ break-inside: avoid; }}
.status {{ padding: 0.1em 0.5em; border-radius: 0.4em; font-weight: bold; white-space: nowrap; color: #000; }}
.goal {{ break-inside: avoid; border-top: 1px solid #ddd; padding-top: 2mm; }}
.lead {{ font-size: 10.5pt; font-weight: bold; }}
.small, .source {{ font-size: 8pt; color: #444; }}
.hint {{ background: #eef6fb; padding: 1.5mm 2mm; font-size: 9pt; }}
figure {{ margin: 2mm 0; }}
figure svg {{ max-width: 100%; height: auto; }}
blockquote {{ margin: 1mm 0 1mm 4mm; font-size: 8.5pt; color: #444; }}
/* The widths add up to less than 100 %: WeasyPrint adds the cells' padding to them. */
table.summary {{ table-layout: fixed; font-size: 7.5pt; hyphens: auto; }}
table.summary th, table.summary td {{ padding: 1mm; }}
table.summary th:nth-child(1) {{ width: 22%; }} table.summary th:nth-child(2) {{ width: 17%; }}
table.summary th:nth-child(3) {{ width: 10%; }} table.summary th:nth-child(4) {{ width: 11%; }}
table.summary th:nth-child(5) {{ width: 12%; }} table.summary th:nth-child(6) {{ width: 6%; }}
table.summary th:nth-child(7) {{ width: 13%; }}
@media screen {{
  body {{ max-width: 190mm; margin: 0 auto; padding: 8mm 4mm; }}
  .cover {{ min-height: auto; border-bottom: 2px solid #999; padding-bottom: 8mm; }}
  .cover .kind {{ margin-top: 0; }} }}
"""

_ID = re.compile(r'\bid="([^"]+)"')


def _inline_svg(svg: str, prefix: str) -> str:
    """An SVG for inlining beside others: its ids (clip paths, gradients) made unique to it, and no
    XML prologue."""
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    ids = set(_ID.findall(svg))
    for i in sorted(ids, key=len, reverse=True):
        svg = svg.replace(f'id="{i}"', f'id="{prefix}-{i}"').replace(f"url(#{i})", f"url(#{prefix}-{i})")
        svg = svg.replace(f'href="#{i}"', f'href="#{prefix}-{i}"')
    return svg


def _e(text: object) -> str:
    return html.escape(str(text))


def _status(status: Status) -> str:
    return f'<span class="status" style="background:{status.colour}">{_e(status.label)}</span>'


_STATUS_BY_LABEL = {s.label: s for s in Status}  # the summary table's cells are labels


def _table(df: pd.DataFrame, numeric: tuple[str, ...] = (), cls: str = "") -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in df.columns)
    rows = []
    for rec in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, rec):
            if c == "Status":
                cells.append(f"<td>{_status(_STATUS_BY_LABEL[v])}</td>")
            else:
                num = ' class="num"' if c in numeric else ""
                cells.append(f"<td{num}>{_e('' if v is None else v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def summary_table(report: Report) -> pd.DataFrame:
    """Every goal in one table: status, latest, target, gap, trend (the words of `summaries.summary_row`)."""
    return pd.DataFrame([summaries.summary_row(r) for r in report.results])


def _cover(report: Report) -> str:
    plan = report.plan
    results = list(report.results)
    return f"""
<section class="cover">
  <div class="kind">Ledelsesinformation til udvalget</div>
  <h1 data-plan="{_e(say.plan_label(plan))}">{_e(say.plan_label(plan))}</h1>
  <dl>
    <dt>Kommune</dt><dd>{_e(taxonomy.area_name(plan.municipality))} ({_e(plan.publisher)})</dd>
    <dt>Plan</dt><dd>{_e(plan.title)} ({_e(plan.id)})</dd>
    <dt>Periode</dt><dd>{_e(report.period_text)}</dd>
    <dt>Dato</dt><dd>{_e(fmt.date_da(report.made))}</dd>
  </dl>
  <p class="summary"><strong>{_e(say.summary(results))}</strong> {_e(summaries.plan_summary(plan, results))}</p>
</section>"""


def _goal(entry: GoalEntry, n: int, heading: str = "") -> str:
    """One goal; `heading` (the focus area's) is kept on the same page as the first goal."""
    r = entry.result
    parts = [f'<div class="goal" id="maal-{_e(r.goal_id)}">', heading,
             f"<h3>{_e(r.title)}</h3>",
             f"<p>{_status(r.status)} {_e(say.reason(r))}</p>",
             f'<p class="lead">{_e(entry.summary)}</p>']
    line = say.measured_line(r)
    if line:
        parts.append(f'<p class="small">{_e(line)}</p>')
    if entry.svg:
        parts.append(f'<figure role="img" aria-label="{_e(entry.chart_alt)}">'
                     f"{_inline_svg(entry.svg, f'g{n}')}</figure>")
    if hint := say.missing_hint(r):
        parts.append(f'<p class="hint">Data, der ville gøre målet vurderbart: {_e(hint)}</p>')
    prov = say.provenance_line(r)
    if prov:
        parts.append(f'<p class="source">{_e(prov)}</p>')
    parts.append(f'<p class="small">{_e(say.goal_rule(r))}</p>')
    parts += [f'<p class="source">{_e(s)}</p>' for s in entry.sources]
    parts.append(f'<p class="source">{_e(say.seed_reference(r))}</p>')
    if r.ref_quote:
        parts.append(f"<blockquote>»{_e(r.ref_quote)}«</blockquote>")
    parts.append("</div>")
    return "\n".join(parts)


def _focus_sections(report: Report) -> str:
    out = []
    n = 0
    for focus, rows in goals.grouped(report.plan, list(report.results)):
        heading = f"<h2>{_e(focus.title if focus else 'Planens overordnede mål')}</h2>"
        if focus is not None and focus.minister_goals:
            heading += f'<p class="small">Ministermål: {_e("; ".join(goals.minister_goal_titles(focus)))}</p>'
        out.append("<section>")
        for i, r in enumerate(rows):
            n += 1
            out.append(_goal(report.entries[r.goal_id], n, heading if i == 0 else ""))
        out.append("</section>")
    return "\n".join(out)


def _benchmark_section(report: Report) -> str:
    b = report.benchmark
    parts = ["<section><h2>Sammenligning</h2>"]
    if b is None:
        parts.append(f"<p>{_e(report.benchmark_note or '')}</p></section>")
        return "\n".join(parts)
    parts.append(f"<p><strong>{_e(b.group.label)}.</strong> {_e(report.benchmark_note or '')}</p>")
    parts.append(f'<p class="lead">{_e(" ".join(b.sentences))}</p>')
    parts.append(f'<figure role="img" aria-label="{_e(b.sentences[0])}">{_inline_svg(b.svg, "bench")}</figure>')
    numeric = tuple(c for c in b.table.columns if c != "Periode")
    parts.append(_table(b.table, numeric))
    parts += [f'<p class="source">{_e(line)}</p>' for line in b.notes]
    parts.append("</section>")
    return "\n".join(parts)


def _sources_section(report: Report) -> str:
    df = report.sources.assign(licence=report.sources["licence"].fillna("ingen angivet (offentligt dokument)"))
    df = df.rename(columns={"key": "Nøgle", "title": "Kilde", "publisher": "Udgiver",
                            "licence": "Licens", "origin": "Oprindelse"})
    return ("<section><h2>Kilder og licenser</h2>"
            "<p>Alle tal i rapporten kommer fra disse kilder; intet tal er rettet eller skønnet. Tal fra "
            "planerne er transskriberet som trykt, med henvisning til afsnit i planen.</p>"
            f"{_table(df)}{_references(report)}</section>")


def _references(report: Report) -> str:
    """Where in the plan each goal is printed: publisher, plan, section, lines and quote, as `cite` says it."""
    lines = dict.fromkeys(provenance.one_line(provenance.for_goal(report.plan.id, r.goal_id)) for r in report.results)
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    return f'<h3>Henvisninger til planen</h3><ul class="source">{items}</ul>' if items else ""


def _methods_section(report: Report) -> str:
    paras = "".join(f"<p>{_e(p)}</p>" for p in say.rule_text())
    cut = (f"Rapporten er opgjort med data til og med {fmt.period(report.period)}: senere tal indgår ikke."
           if report.period else "Rapporten er opgjort med alle data i databasen på datoen for rapporten.")
    return ("<section><h2>Sådan vurderes målene</h2>"
            f"<p>{_e(cut)}</p>{paras}"
            f"<p>{_e(say.BULLET_LEGEND)} {_e(say.SERIES_LEGEND)}</p>"
            f"<p>Status vises altid som både symbol og ord ({_e(', '.join(s.label for s in Status))}), "
            "så den ikke hviler på farven alene.</p></section>")


def to_html(report: Report) -> str:
    """The report as one self-contained HTML document."""
    summary = summary_table(report)
    body = "\n".join([
        _cover(report),
        "<section><h2>Alle mål</h2>", _table(summary, cls="summary"), "</section>",
        _changes_section(report),
        _focus_sections(report),
        _benchmark_section(report),
        _sources_section(report),
        _methods_section(report),
        f'<p class="small">Lavet af beskdash den {_e(fmt.date_da(report.made))}.</p>',
    ])
    return f"""<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="beskdash">
<title>{_e(report.title)}</title>
<style>{_CSS}</style>
</head>
<body>
{body}
</body>
</html>
"""


# --- PDF ---------------------------------------------------------------------------------------------

def _offline_fetcher() -> object:
    """WeasyPrint's fetcher, refusing everything but inline `data:` URLs: the PDF is made from the
    document alone, and a stray reference stops the rendering instead of reaching the network."""
    # deferred: WeasyPrint (and pango) loads only when a PDF is made
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class Offline(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> object:
            if not url.startswith("data:"):
                raise FatalURLFetchingError(f"rapporten henter intet udefra (afvist: {url[:80]})")
            return super().fetch(url, headers)

    return Offline(allowed_protocols=("data",), fail_on_errors=True)


def to_pdf(document: str) -> bytes:
    """The HTML document as PDF (A4, page numbers, system fonts)."""
    from weasyprint import HTML  # deferred: WeasyPrint (and pango) loads only when a PDF is made

    # WeasyPrint warns about CSS it ignores (e.g. screen-only rules); that is not the user's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=document, base_url=None, url_fetcher=_offline_fetcher()).write_pdf()


def file_name(plan_id: str, period: str | None, fmt_: str) -> str:
    """`ledelsesinformation-alleroed-2022-2025Q4.pdf`."""
    return "-".join(x for x in ("ledelsesinformation", plan_id, period) if x) + f".{fmt_}"


def render(store: Store, plan_id: str, fmt_: str = "html", period: str | None = None) -> bytes:
    """The report as file bytes."""
    if fmt_ not in FORMATS:
        raise ReportError(f"ukendt format '{fmt_}' (brug {' eller '.join(FORMATS)})")
    document = to_html(build(store, plan_id, period))
    return document.encode("utf-8") if fmt_ == "html" else to_pdf(document)
