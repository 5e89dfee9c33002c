"""The committee report of each of the five plans, on the database built from the shipped data:
its text (goal titles, figures, sources), that the HTML loads nothing, and that the PDF opens."""

import datetime as dt
import html
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from beskdash import exports, goals, provenance, report
from beskdash.status import Status
from beskdash.text import compare as say_compare
from beskdash.text import goals as say
from beskdash.text import summaries
from tests.conftest import needs_dst, needs_seeds, run_cli

PLANS = ["alleroed-2022", "gladsaxe-2022", "ltk-2021", "ltk-2022", "rudersdal-2021"]
DAY = dt.date(2026, 3, 31)


@pytest.fixture(scope="module")
def reports(ro_store: object) -> dict[str, tuple[report.Report, str]]:
    out = {}
    for pid in PLANS:
        rep = report.build(ro_store, pid, today=DAY)
        out[pid] = (rep, report.to_html(rep))
    return out


@pytest.fixture(scope="module")
def pdfs(reports: dict) -> dict[str, bytes]:
    return {pid: report.to_pdf(doc) for pid, (_, doc) in reports.items()}


def _text(doc: str) -> str:
    """The document's text as a reader sees it (tags removed, entities decoded)."""
    doc = re.sub(r"<style>.*?</style>", " ", doc, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", doc))


@pytest.mark.parametrize("pid", PLANS)
def test_every_goal_is_in_the_report_with_its_status_figures_and_sources(reports: dict, ro_store: object,
                                                                          pid: str) -> None:
    rep, doc = reports[pid]
    text = _text(doc)
    plan = goals.plans()[pid]
    assert f"Ledelsesinformation: {say.plan_label(plan)}" in text  # the <title>
    assert "Periode Alle data i databasen" in re.sub(r"\s+", " ", text)
    assert "31. marts 2026" in text
    assert say.summary(list(rep.results)) in text
    results = goals.evaluate_plan(ro_store, pid)
    assert [r.goal_id for r in rep.results] == [g.id for g in plan.goals]
    for g, r in zip(plan.goals, results, strict=True):
        assert g.title in text  # its section heading
        assert summaries.summary_for(plan, r) in text  # the sentence that opens it
        assert r.status.label in text and say.reason(r) in text
        for cell in summaries.summary_row(r).values():  # its row of the summary table
            assert cell in text
        for line in exports.source_lines(ro_store, list(r.sources)):
            assert line in text
    # every source shown is listed with its licence; the rule of the goal engine is stated
    assert len(rep.sources) >= 1
    for title, licence in zip(rep.sources["title"], rep.sources["licence"]):
        assert title in text and (licence if isinstance(licence, str) else "ingen angivet") in text
    for paragraph in say.rule_text():
        assert paragraph in text


@needs_dst
def test_allerod_figures_chart_and_benchmark(reports: dict) -> None:
    rep, doc = reports["alleroed-2022"]
    text = _text(doc)
    row = summaries.summary_row(next(r for r in rep.results if r.goal_id == "rm3-ledige-over-1-aar"))
    assert row == {
        "Mål": "Antallet af forsikrede ledige som har mere end 1 års ledighed skal inden udgangen af 2022…",
        "Status": "✖ ikke på vej", "Seneste": "53 personer (juli 2021)", "Udgangspunkt": "16 personer (december 2019)",
        "Målværdi": "≤ 16 personer, senest december 2022", "Afstand": "+37",
        "Tendens": "↗ stigende (den forkerte vej); fremskrevet til december 2022: 93,8 personer"}
    assert ("Forsikrede ledige med over 1 års ledighed: 53 personer i juli 2021, 37 over målet på 16. Udviklingen "
            "går den forkerte vej, og målet nås ikke i december 2022 med den nuværende takt.") in text
    assert "Ikke på vej: Forsikrede ledige med over 1 års ledighed." in text
    # the goal's time series is the chart of Mål i detaljer: its target and deadline labels are in the SVG
    entry = rep.entries["rm3-ledige-over-1-aar"]
    assert entry.svg.startswith("<svg") and "Mål: ≤ 16 personer" in entry.svg and "Frist: december 2022" in entry.svg
    # seven goals have a number to draw (as on Målopfølgning), plus the benchmark
    assert sum(e.svg is not None for e in rep.entries.values()) == 7
    assert doc.count("<svg") == 8
    # the benchmark: the plan's own comparison, with the sentence and the table under its chart
    b = rep.benchmark
    assert b.group.key == "alleroed"
    assert b.comparison.periods[-1] == "2025Q4" and len(b.comparison.periods) == report.BENCHMARK_PERIODS
    assert say_compare.sentence(b.comparison) in text
    assert "Allerød havde 30 nettoledige kontanthjælpsmodtagere i 4.\u00a0kvt. 2025" in text
    assert "Hgrsholm og Egedal, som har sammenlignelige rammevilkar" in text  # the plan's words, OCR as printed
    assert "Danmarks Statistik" in text and "CC BY 4.0" in text


def test_a_plan_without_its_own_benchmark_uses_its_municipalitys(reports: dict) -> None:
    rep, doc = reports["ltk-2022"]
    assert rep.benchmark.group.key == "lyngby-taarbaek"
    assert "Planen for 2022 nævner ingen sammenligningsområder" in _text(doc)
    assert reports["gladsaxe-2022"][0].benchmark.group.key == "gladsaxe"


@pytest.mark.parametrize("pid", PLANS)
def test_the_html_loads_nothing_from_anywhere(reports: dict, pid: str) -> None:
    doc = reports[pid][1]
    assert "<script" not in doc and "<link" not in doc and "@import" not in doc and "<iframe" not in doc
    # every src/href is an in-document anchor; the only URLs are SVG namespace names, which are never fetched
    refs = re.findall(r"""\b(?:src|href|xlink:href)\s*=\s*["']?([^"'\s>]*)""", doc)
    assert all(r.startswith("#") for r in refs), refs
    assert not re.search(r"url\(\s*['\"]?(?!#)", doc)
    without_ns = re.sub(r'xmlns(:\w+)?="[^"]*"', "", doc)
    assert "http://" not in without_ns and "https://" not in without_ns
    ids = re.findall(r'\bid="([^"]+)"', doc)
    assert len(ids) == len(set(ids))  # the inline charts do not share ids


@pytest.mark.parametrize("pid", PLANS)
def test_the_pdf_opens_and_has_the_reports_pages(pdfs: dict, reports: dict, pid: str) -> None:
    rep = reports[pid][0]
    reader = PdfReader(io.BytesIO(pdfs[pid]))
    assert len(reader.pages) >= 4
    assert reader.metadata.title == rep.title
    cover = reader.pages[0].extract_text()
    assert "Ledelsesinformation til udvalget" in cover.replace("LEDELSESINFORMATION TIL UDVALGET",
                                                                 "Ledelsesinformation til udvalget")
    assert rep.plan.title in cover and "31. marts 2026" in cover
    assert f"Side 2 af {len(reader.pages)}" in reader.pages[1].extract_text()
    everything = " ".join(p.extract_text() for p in reader.pages)
    assert "Kilder og licenser" in everything and "Sådan vurderes målene" in everything


def test_the_pdf_renderer_refuses_anything_outside_the_document() -> None:
    from weasyprint.urls import FatalURLFetchingError

    for ref in ('<img src="http://127.0.0.1:9/x.png">', '<link rel="stylesheet" href="file:///etc/hostname">'):
        with pytest.raises(FatalURLFetchingError):
            report.to_pdf(f"<html><head></head><body><p>x</p>{ref}</body></html>")
    pixel = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8A"
             "AAAASUVORK5CYII=")
    assert report.to_pdf(f'<p>x</p><img src="{pixel}">').startswith(b"%PDF")


@needs_dst
def test_a_period_judges_with_what_was_known_then(ro_store: object) -> None:
    rep = report.build(ro_store, "alleroed-2022", "2021K1", today=DAY)
    r = next(x for x in rep.results if x.goal_id == "rm3-ledige-over-1-aar")
    # July 2021 is after the period: the latest is December 2020, and two values are too few for a trend
    assert (r.latest, r.latest_period, r.status) == (53.0, "2020M12", Status.KAN_IKKE)
    assert rep.benchmark.comparison.periods[-1] == "2021Q1"
    assert rep.period_text == "Data til og med 1.\u00a0kvt. 2021"
    doc = report.to_html(rep)
    assert "Rapporten er opgjort med data til og med 1.\u00a0kvt. 2021: senere tal indgår ikke." in _text(doc)
    assert "juli 2021" not in _text(doc).split("Sådan vurderes målene")[0].split("Alle mål")[1]


def test_bad_plan_period_and_format_are_refused_in_danish(ro_store: object) -> None:
    with pytest.raises(report.ReportError, match=r"ukendt plan 'roskilde-2030' \(kendte planer: alleroed-2022"):
        report.build(ro_store, "roskilde-2030")
    with pytest.raises(report.ReportError, match="'2021X' er ikke en gyldig periode"):
        report.build(ro_store, "alleroed-2022", "2021X")
    with pytest.raises(report.ReportError, match="ukendt format 'docx'"):
        report.render(ro_store, "alleroed-2022", "docx")


def test_cli_writes_the_report_and_refuses_bad_input(built_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.pdf"
    res = run_cli("report", "--plan", "rudersdal-2021", "--period", "2020M06", "--output", str(out), db=built_db)
    assert res.returncode == 0, res.stderr
    assert "Rapporten er skrevet" in res.stderr and "PDF" in res.stderr
    reader = PdfReader(out)
    assert len(reader.pages) >= 4 and "juni 2020" in reader.pages[0].extract_text()
    html_out = tmp_path / "rapport.html"
    res = run_cli("report", "--plan", "rudersdal-2021", "--format", "html", "--output", str(html_out), db=built_db)
    assert res.returncode == 0 and html_out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = tmp_path / "ikke.html"
    res = run_cli("report", "--plan", "findes-ikke", "--output", str(bad), db=built_db)
    assert res.returncode == 1 and "Fejl: Ukendt plan 'findes-ikke'" in res.stderr and not bad.exists()


@needs_seeds
def test_the_sources_list_every_reference_as_cite_does(reports: dict) -> None:
    rep, doc = reports["ltk-2021"]
    text = " ".join(_text(doc).split())
    assert "Henvisninger til planen" in text
    assert ("Lyngby-Taarbæk Kommune: Beskæftigelsesplan 2021, afsnit «Lyngby-Taarbæk Kommunes mål for "
            "beskæftigelsesindsatsen i 2021», linje 242-244 i 001_a85bbdcae040444f.txt: »Det overordnede mål") in text
    for r in rep.results:
        assert provenance.one_line(provenance.for_goal("ltk-2021", r.goal_id)) in text
