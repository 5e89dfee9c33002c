"""The audit of published figures, on the shipped plans and on tables built to agree or disagree."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from beskdash import audit, goals
from beskdash.audit import ADVARSEL, FEJL, INFO
from beskdash.store import SourceMeta, Store
from tests.conftest import SHARED, needs_seeds, run_cli

SEEDS = SHARED / "seeds"


@pytest.fixture(scope="module")
def result(ro_store: Store) -> audit.AuditResult:
    return audit.run(ro_store)


def _one(checks: list[audit.Check], **where) -> audit.Check:
    hits = [c for c in checks if all(getattr(c, k) == v for k, v in where.items())]
    assert len(hits) == 1, f"{len(hits)} kontroller for {where}"
    return hits[0]


# --- Lyngby-Taarbæk 2021: the 12 categories against 4.171 --------------------------------------

def test_ltk_2021_twelve_categories_sum_to_4171(result: audit.AuditResult) -> None:
    c = _one(result.checks, check="dele-mod-total", plan="ltk-2021", area_code="173",
             benefit="offentlig-forsoergelse-i-alt", measure="fuldtidspersoner")
    assert c.severity is None
    assert (c.printed, c.data_value) == ("4.171", 4171)
    assert c.table == "Borgere i Lyngby-Taarbæk Kommune fordelt på arbejdsmarkedsstatus"
    assert c.seed_file == "001_a85bbdcae040444f.txt"


@pytest.mark.parametrize(("area", "measure", "printed", "parts"), [
    ("173", "pct-befolkning", 11.8, 11.7),
    ("000", "pct-befolkning", 19.3, 19.4),
    ("000", "aendring-pct-point", 1.8, 1.9),
])
def test_ltk_2021_rounded_totals_are_info_not_errors(result: audit.AuditResult, area: str, measure: str,
                                                     printed: float, parts: float) -> None:
    c = _one(result.checks, check="dele-mod-total", plan="ltk-2021", area_code=area,
             benefit="offentlig-forsoergelse-i-alt", measure=measure)
    assert c.severity == INFO
    assert c.printed_value == printed and c.data_value == pytest.approx(parts)
    assert "±0,65" in c.explanation and "afrunding" in c.explanation


def test_ltk_2021_local_change_in_points_adds_up(result: audit.AuditResult) -> None:
    c = _one(result.checks, check="dele-mod-total", plan="ltk-2021", area_code="173",
             benefit="offentlig-forsoergelse-i-alt", measure="aendring-pct-point")
    assert c.severity is None and c.data_value == pytest.approx(1.5)


def test_ltk_2021_shares_agree_with_counts_and_population(result: audit.AuditResult) -> None:
    shares = [c for c in result.checks if c.check == "andel-mod-antal" and c.plan == "ltk-2021"]
    assert len(shares) == 16  # 12 benefits, the total, employed, SU and others
    assert all(c.severity is None for c in shares)
    c = _one(shares, benefit="foertidspension")
    assert c.data_says == "1.043 af 35.484 er 2,94 %" and c.printed == "2,9 %"


def test_ltk_2021_truncated_note_is_reported_with_the_sum(result: audit.AuditResult) -> None:
    c = _one(result.checks, check="tekst-mod-tabel", plan="ltk-2021", benefit="befolkning-16-66")
    assert c.severity == INFO
    assert c.data_value == 35306 and c.printed_value == 35484
    assert "midt i en sætning" in c.explanation


# --- Rudersdal 2021 ------------------------------------------------------------------------------

def test_rudersdal_text_swaps_oestdanmark_and_rar(result: audit.AuditResult) -> None:
    c = _one(result.findings, plan="rudersdal-2021", severity=FEJL)
    assert c.check == "tekst-mod-tabel"
    assert c.printed == "Østdanmark 13 pct., RAR Hovedstaden 11 pct."
    assert c.data_says.startswith("Tabellen: Østdanmark 11%, RAR Hovedstaden 13%")
    assert "+11,4 %" in c.data_says and "+13,0 %" in c.data_says  # the counts agree with the table
    assert "byttet om" in c.explanation
    assert c.seed_file == "004_e6d614d1086e61d6.txt" and c.table.startswith("Bilag: Samlet på offentlig forsørgelse")
    assert "hhv. 13 pct. og 11 pct." in c.quote
    # The same sentence's 8 pct. for Rudersdal agrees with the table.
    ok = _one(result.checks, check="tekst-mod-tabel", plan="rudersdal-2021", area_code="230",
              benefit="offentlig-forsoergelse-i-alt")
    assert ok.severity is None


def test_rudersdal_foreign_nationals_heading_names_the_wrong_years(result: audit.AuditResult) -> None:
    c = _one(result.findings, plan="rudersdal-2021", severity=ADVARSEL)
    assert c.printed == "Udvikling i pct. 2018-2019"
    assert "maj 2019 med maj 2020" in c.data_says
    assert "−3,5 %" in c.data_says and "-3%" in c.data_says  # the printed change fits 2019 → 2020
    assert "udenlandske statsborgere" in c.table


def test_rudersdal_printed_changes_agree_with_counts(result: audit.AuditResult) -> None:
    changes = [c for c in result.checks if c.check == "aendring-mod-antal" and c.plan == "rudersdal-2021"]
    assert len(changes) == 33  # 11 tables × 3 areas
    assert all(c.severity is None for c in changes)
    c = _one(changes, area_code="oestdanmark", benefit="offentlig-forsoergelse-i-alt")
    assert c.data_value == pytest.approx(11.41, abs=0.01) and c.printed == "11%"


def test_rudersdal_shares_fit_one_labour_force_per_area(result: audit.AuditResult) -> None:
    dens = [c for c in result.checks if c.check == "andel-mod-antal" and c.plan == "rudersdal-2021"]
    assert {c.area_code for c in dens} == {"230", "rar-hovedstaden", "oestdanmark"}
    assert all(c.severity is None and "10 andele" in c.data_says for c in dens)


def test_rudersdal_definition_stale_note_and_consistent_statements(result: audit.AuditResult) -> None:
    infos = [c for c in result.findings if c.plan == "rudersdal-2021" and c.severity == INFO]
    text = " | ".join(c.data_says for c in infos)
    assert "omfatter også Efterløn" in text
    assert "Tabellen viser april 2019 og april 2020" in text
    agreeing = [c for c in result.checks if c.plan == "rudersdal-2021" and c.check == "tekst-mod-tabel"
                and c.severity is None]
    printed = {c.printed for c in agreeing}
    assert {"0,4", "0,7 pct. point", "halvt så meget", "0,6 pct. point", "på niveau med", "54 pct.",
            "8 pct."} <= printed


# --- Allerød 2022 ----------------------------------------------------------------------------------

def test_alleroed_knap_49_is_consistent(result: audit.AuditResult) -> None:
    change = _one(result.checks, check="aendring-mod-antal", plan="alleroed-2022")
    assert change.severity is None and change.data_value == pytest.approx(48.82, abs=0.01)
    text = _one(result.checks, check="tekst-mod-tabel", plan="alleroed-2022", printed="knap 49 pct.")
    assert text.severity is None


def test_alleroed_heading_and_numbering(result: audit.AuditResult) -> None:
    heading = _one(result.findings, plan="alleroed-2022", severity=ADVARSEL)
    assert "2020-21" in heading.printed and "Planen gælder 2022" in heading.data_says
    numbering = _one(result.findings, plan="alleroed-2022", printed="Resultatmal 2")
    assert numbering.severity == INFO and "Resultatmal 5" in numbering.data_says


@needs_seeds
def test_every_statement_resolves_and_is_quoted_as_printed(result: audit.AuditResult) -> None:
    assert not [c for c in result.checks if "findes ikke" in c.data_says]
    plans = goals.plans()
    for st in audit.load_statements():
        seed = re.sub(r"\s+", " ", (SEEDS / plans[st.plan].seed_file).read_text(encoding="utf-8"))
        quote = re.sub(r"\s+", " ", st.quote).strip()
        assert quote in seed, f"{st.id}: citatet findes ikke i {plans[st.plan].seed_file}"
        for c in st.claims:
            assert c.printed.removesuffix(" …") in quote, f"{st.id}: '{c.printed}' står ikke i citatet"


def test_shipped_findings_are_exactly_these(result: audit.AuditResult) -> None:
    assert result.counts() == {FEJL: 1, ADVARSEL: 2, INFO: 20}
    # 13 of the 20 info are figures printed only in the running text (forecasts, stated figures).
    running = [c for c in result.findings if c.subject.startswith("Tal i teksten") or " · prognose fra " in c.subject]
    assert len(running) == 13 and {c.severity for c in running} == {INFO}


# --- Figures printed only in the running text ------------------------------------------------------

def test_rudersdal_star_forecast_is_checked_and_810_is_within_rounding(result: audit.AuditResult) -> None:
    fall = _one(result.checks, plan="rudersdal-2021", subject="Rudersdal · ledige · prognose fra STAR · 2020 → 2021")
    # 1.030 × (1 − 0,21) = 813,7; with every number rounded as printed 808,2–819,2, so 810 fits: info, not error.
    assert fall.severity == INFO and fall.data_value == pytest.approx(813.7) and fall.printed_value == 810
    assert "813,7" in fall.data_says and "−21,4 %" in fall.data_says and "808,2 og 819,2" in fall.explanation
    rise = _one(result.checks, plan="rudersdal-2021", subject="Rudersdal · ledige · prognose fra STAR · 2019 → 2020")
    assert rise.severity == INFO and "+51,5 %" in rise.data_says and "kan ikke kontrolleres" in rise.explanation


def test_alleroed_finance_ministry_forecast_is_reported_unchecked(result: audit.AuditResult) -> None:
    got = {c.subject.split(" · ")[1]: c for c in result.checks
           if c.plan == "alleroed-2022" and "prognose fra Finansministeriet" in c.subject}
    assert set(got) == {"arbejdsstyrken", "beskæftigede", "bruttoledigheden"}
    assert [got[k].printed_value for k in ("arbejdsstyrken", "beskæftigede", "bruttoledigheden")] == [2.3, 2.9, -19.4]
    assert all(c.severity == INFO and "kan ikke kontrolleres" in c.explanation for c in got.values())
    assert got["bruttoledigheden"].data_says == "Teksten giver kun 19,4 pct. (−19,4 %)"


@pytest.mark.parametrize("plan, printed, goal_words", [
    ("ltk-2022", "senest ved 8. ledighedsuge", "fokusområdet »Flere jobparate ledige +55 år"),
    ("ltk-2022", "op til fem IGU-elever", "IGU-forløb"),
    ("gladsaxe-2022", "Alle unge i kontakt med Ungeenheden", "forkorte ledighedsperioden"),
    ("gladsaxe-2022", "2,5-3 gange", "Minimum 100 unge"),
    ("rudersdal-2021", "Ca. to tredjedele", "langvarigt ledige"),
    ("ltk-2021", "næste hver fjerde", "Flere ledige skal opkvalificeres"),
])
def test_stated_figures_are_reported_with_their_goal(result: audit.AuditResult, plan: str, printed: str,
                                                     goal_words: str) -> None:
    c = _one(result.checks, plan=plan, printed=printed)
    assert c.severity == INFO and c.subject.startswith("Tal i teksten") and goal_words in c.data_says
    assert c.quote and printed in c.quote


def _statements_file(tmp_path: Path, claim: str, goal: str = "") -> Path:
    path = tmp_path / "plan_statements.yaml"
    path.write_text("statements:\n  - id: x\n    plan: rudersdal-2021\n    section: S\n    quote: Q\n"
                    f"{goal}    claims:\n      - {claim}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("result_value, severity", [(813.7, None), (810, INFO), (790, ADVARSEL)])
def test_a_forecast_is_checked_against_its_own_numbers(tmp_path: Path, result_value: float,
                                                       severity: str | None) -> None:
    claim = ("{kind: forecast, printed: P, by: STAR, what: ledige, area: '230', "
             "base: {printed: '1.030', value: 1030, period: '2020'}, "
             "change: {printed: '21 pct.', value: -21, base_period: '2020', period: '2021'}, "
             f"result: {{printed: '{result_value}', value: {result_value}, period: '2021'}}}}")
    statements = audit.load_statements(_statements_file(tmp_path, claim), set(goals.plans()))
    [c] = audit.check_statements(pd.DataFrame(columns=audit.FIGURE_COLUMNS), statements, goals.plans())
    assert c.severity == severity and c.data_value == pytest.approx(813.7)


def test_a_forecast_whose_periods_do_not_line_up_and_an_unknown_goal_are_refused(tmp_path: Path) -> None:
    claim = ("{kind: forecast, printed: P, by: STAR, what: ledige, area: '230', "
             "base: {printed: '1', value: 1, period: '2019'}, "
             "change: {printed: '2', value: 2, base_period: '2020', period: '2021M13'}}")
    path = _statements_file(tmp_path, claim, goal="    goal: intet-mål\n")
    plans = goals.plans()
    ids = {pid: {g.id for g in p.goals} | {f.id for f in p.focus_areas} for pid, p in plans.items()}
    with pytest.raises(audit.StatementsError) as e:
        audit.load_statements(path, set(plans), ids)
    text = str(e.value)
    assert "statements[0].goal: planen 'rudersdal-2021' har intet mål eller fokusområde 'intet-mål'" in text
    assert "base.period '2019' er ikke change.base_period '2020'" in text and "2021M13" in text


# --- Tables built to agree, and to disagree -------------------------------------------------------

TOTAL_PARTS = ["a-dagpenge", "kontanthjaelp", "uddannelseshjaelp", "selvforsoergelse", "sygedagpenge",
               "jobafklaringsforloeb", "revalidering", "ressourceforloeb", "ledighedsydelse", "fleksjob",
               "foertidspension", "efterloen"]


def _apply_plan(store: Store, plan: str, total: float = 5100, share_fk: float | None = None,
                change_fk: str = "+25%", points_fk: str = "0,5") -> None:
    """A table like Lyngby-Taarbæk's: 12 categories and their total for 2020Q2, shares of 10.000
    people, and for fleksjob counts June 2019/2020 and shares 2019Q2/2020Q2 with printed changes."""
    ref = "test.txt § Testtabel"
    rows = []
    for i, b in enumerate(TOTAL_PARTS, start=1):
        count = 100.0 + i * 50  # 150 … 700, sum 5.100; shares count / 100
        rows.append(("173", b, "fuldtidspersoner", "2020Q2", count))
        share = share_fk if b == "fleksjob" and share_fk is not None else count / 100
        rows.append(("173", b, "pct-befolkning", "2020Q2", share))
    rows.append(("173", "offentlig-forsoergelse-i-alt", "fuldtidspersoner", "2020Q2", total))
    rows.append(("173", "offentlig-forsoergelse-i-alt", "pct-befolkning", "2020Q2", 51.0))
    rows.append(("173", "befolkning-16-66", "personer", "2020Q2", 10000.0))
    rows.append(("173", "fleksjob", "fuldtidspersoner", "2019M06", 200.0))
    rows.append(("173", "fleksjob", "fuldtidspersoner", "2020M06", 250.0))
    rows.append(("173", "fleksjob", "pct-befolkning", "2019Q2", 5.5))
    frame = pd.DataFrame(rows, columns=["area_code", "benefit", "measure", "period", "value"])
    frame = frame.assign(source=f"plan:{plan}", ref=ref, note=None)
    changes = pd.DataFrame([
        {"area_code": "173", "benefit": "fleksjob", "measure": "aendring-pct", "period": "2020M06",
         "base_period": "2019M06", "value": float(change_fk.strip("%+")), "printed": change_fk},
        {"area_code": "173", "benefit": "fleksjob", "measure": "aendring-pct-point", "period": "2020Q2",
         "base_period": "2019Q2", "value": float(points_fk.replace(",", ".")), "printed": points_fk},
    ]).assign(seed_file="test.txt", seed_section="Testtabel", note=None)
    store.apply(frame, SourceMeta(f"plan:{plan}", f"Testplan {plan}"), username="test", file_name=f"{plan}.csv",
                sha256=None, fmt="plan-figures", published_changes=changes)


def _table_checks(store: Store, plan: str) -> list[audit.Check]:
    fig = audit.figures(store)
    fig = fig[fig["plan"] == plan]
    return [*audit.check_parts(fig), *audit.check_shares(fig), *audit.check_changes(fig)]


def test_a_consistent_table_yields_no_findings(store: Store) -> None:
    _apply_plan(store, "konsistent")
    checks = _table_checks(store, "konsistent")
    assert {c.check for c in checks} == {"dele-mod-total", "andel-mod-antal", "aendring-mod-antal"}
    assert len(checks) == 2 + 13 + 2  # totals (count, share), 13 shares, 2 changes
    assert [c for c in checks if c.severity] == []


def test_an_inconsistent_table_yields_errors(store: Store) -> None:
    _apply_plan(store, "inkonsistent", total=5120, share_fk=1.4, change_fk="+52%", points_fk="1,5")
    found = {(c.check, c.benefit, c.measure): c for c in _table_checks(store, "inkonsistent") if c.severity}
    total = found[("dele-mod-total", "offentlig-forsoergelse-i-alt", "fuldtidspersoner")]
    assert total.severity == FEJL and total.data_value == 5100 and "±6,5" in total.explanation
    share = found[("andel-mod-antal", "fleksjob", "pct-befolkning")]
    assert share.severity == FEJL and share.data_says == "600 af 10.000 er 6,00 %"
    change = found[("aendring-mod-antal", "fleksjob", "aendring-pct")]
    assert change.severity == FEJL and change.data_value == pytest.approx(25.0)
    points = found[("aendring-mod-antal", "fleksjob", "aendring-pct-point")]
    assert points.severity == FEJL and points.data_says == "Andelene 5,5 % og 1,4 % giver −4,1 procentpoint"
    # The 12 shares no longer add up to 51 % either (6,0 → 1,4).
    assert found[("dele-mod-total", "offentlig-forsoergelse-i-alt", "pct-befolkning")].severity == FEJL


# --- Other sources against the plans' figures -----------------------------------------------------

def test_another_source_is_compared_never_overwritten(store: Store) -> None:
    imported = pd.DataFrame([
        ("230", "a-dagpenge", "fuldtidspersoner", "2020M06", 760.0),  # plan prints 703
        ("230", "kontanthjaelp", "fuldtidspersoner", "2020M06", 264.3),  # plan prints 264
        ("230", "fleksjob", "fuldtidspersoner", "2020M06", 360.0),  # plan prints 357
    ], columns=["area_code", "benefit", "measure", "period", "value"]).assign(source="jobindsats:test")
    store.apply(imported, SourceMeta("jobindsats:test", "Jobindsats (test)"), username="analytiker",
                file_name="jobindsats.csv", sha256=None, fmt="csv")
    checks = {c.benefit: c for c in audit.check_other_sources(store)}
    assert set(checks) == {"a-dagpenge", "kontanthjaelp", "fleksjob"}
    a = checks["a-dagpenge"]
    assert a.severity == ADVARSEL and a.plan == "rudersdal-2021" and a.printed == "703"
    assert a.data_says == "Jobindsats (test) (jobindsats:test): 760" and a.other_source == "jobindsats:test"
    assert a.table == "Bilag: A-dagpenge. Fuldtidspersoner og pct. af arbejdsstyrken"
    assert checks["kontanthjaelp"].severity is None  # 264,3 prints as 264
    assert checks["fleksjob"].severity == INFO  # 0,8 %: a revision
    obs = store.observations(areas=["230"], benefits=["a-dagpenge"], measures=["fuldtidspersoner"])
    both = obs[obs["period"] == "2020M06"].set_index("source")["value"].to_dict()
    assert both == {"jobindsats:test": 760.0, "plan:rudersdal-2021": 703.0}


# --- The statements file ------------------------------------------------------------------------------

def test_a_bad_statements_file_is_reported_in_danish(tmp_path: Path) -> None:
    bad = tmp_path / "plan_statements.yaml"
    bad.write_text(
        "statements:\n"
        "  - id: x\n    plan: ukendt-2021\n    section: S\n    quote: Q\n    claims:\n"
        "      - {kind: value, printed: '1', area: '999', benefit: a-dagpenge, measure: aendring-pct,"
        " period: 2020M13, value: 1}\n"
        "      - {kind: gaet, printed: '2'}\n", encoding="utf-8")
    with pytest.raises(audit.StatementsError) as e:
        audit.load_statements(bad, set(goals.plans()))
    text = str(e.value)
    assert "plan_statements.yaml: statements[0].claims[1]" in text
    bad.write_text(bad.read_text(encoding="utf-8").replace("      - {kind: gaet, printed: '2'}\n", ""),
                   encoding="utf-8")
    with pytest.raises(audit.StatementsError) as e:
        audit.load_statements(bad, set(goals.plans()))
    problems = e.value.problems
    assert "plan_statements.yaml: statements[0].plan: ukendt plan 'ukendt-2021'" in problems
    assert "plan_statements.yaml: statements[0].claims[0].area: ukendt områdekode '999'" in problems
    assert any("2020M13" in p and "ikke en gyldig periode" in p for p in problems)


# --- The command ------------------------------------------------------------------------------------

def test_cli_audit_table_and_json(built_db: Path) -> None:
    r = run_cli("audit", db=built_db)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Kontrol af offentliggjorte tal: ")
    assert "(1 fejl, 2 advarsler, 20 info)" in r.stdout.splitlines()[0]
    assert "[FEJL] Rudersdal 2021 · 004_e6d614d1086e61d6.txt" in r.stdout
    j = run_cli("audit", "--format", "json", "--plan", "ltk-2021", db=built_db)
    data = json.loads(j.stdout)
    assert data["summary"]["info"] == 5 and data["summary"]["fejl"] == 0  # 4 rounded totals, 1 stated figure
    assert {c["plan"] for c in data["checks"]} == {"ltk-2021"}
    bad = run_cli("audit", "--plan", "ukendt", db=built_db)
    assert bad.returncode == 1 and "Ukendt plan 'ukendt'" in bad.stderr

