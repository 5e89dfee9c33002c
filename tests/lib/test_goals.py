"""The target engine on synthetic frames with known numbers, and on the five real plans."""

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from beskdash import goals, markup, plans
from beskdash.charts import goals as goal_charts
from beskdash.goals import Reason
from beskdash.status import Status
from beskdash.store import SourceMeta, Store
from beskdash.text import goals as say
from tests.conftest import run_cli

SERIES = {"area": "201", "benefits": ["sygedagpenge"], "measure": "fuldtidspersoner"}


def _plan(*goal_dicts: dict, year: int = 2022) -> plans.Plan:
    return plans.validate_plan({
        "id": "test-2022", "municipality": "201", "year": year, "title": "Testplan", "publisher": "Test",
        "seed_file": "test.txt", "focus_areas": [], "goals": list(goal_dicts)}, "test-2022.yaml")


def _goal(**kw: object) -> dict:
    g = {"id": "g", "title": "Testmål", "kind": "target", "direction": "decrease",
         "indicator": {"series": SERIES}, "ref": {"section": "Afsnit"}}
    g.update(kw)
    return g


def _obs(rows: list[tuple], measure: str = "fuldtidspersoner", source: str = "test:jobindsats") -> pd.DataFrame:
    """rows: (benefit, period, value) or (benefit, period, value, source)."""
    out = []
    for r in rows:
        b, p, v = r[:3]
        out.append({"area_code": "201", "benefit": b, "measure": r[4] if len(r) > 4 else measure, "period": p,
                    "value": v, "source": r[3] if len(r) > 3 else source})
    return pd.DataFrame(out)


def _months(start: str, values: list[float], benefit: str = "sygedagpenge", **kw: object) -> list[tuple]:
    y, m = int(start[:4]), int(start[5:])
    out = []
    for v in values:
        out.append((benefit, f"{y}M{m:02d}", v))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _run(goal: dict, rows: list[tuple], **kw: object) -> goals.GoalResult:
    plan = _plan(goal, **kw)
    return goals.evaluate(plan, plan.goals[0], _obs(rows))


# --- Absolute targets, decrease and increase ---------------------------------------------------

ABS_288 = {"baseline": {"value": 300, "period": "2019"}, "target": {"type": "absolute", "value": 288,
                                                                     "deadline": "2022"}}
# The same target for one month (December 2022): judged on months.
ABS_288_M = {**ABS_288, "target": {**ABS_288["target"], "deadline": "2022M12"}}


def _years(values: dict[str, float], benefit: str = "sygedagpenge") -> list[tuple]:
    return [(benefit, p, v) for p, v in values.items()]


def test_absolute_decrease_met_at_or_below() -> None:
    r = _run(_goal(**ABS_288_M), _months("2022M01", [295, 290, 288]))
    assert (r.status, r.latest, r.latest_period, r.target, r.gap) == (Status.NAAET, 288, "2022M03", 288, 0)
    assert r.reason is Reason.MET
    assert say.gap_sentence(r) == "Præcis på målet på 288."


def test_absolute_decrease_projected_from_a_falling_trend() -> None:
    # yearly figures 340, 320, 300 in 2019–2021: −20 a year, so 280 in 2022 (a straight line: years have no season)
    r = _run(_goal(**ABS_288), _years({"2019": 340, "2020": 320, "2021": 300}))
    assert r.status == Status.PAA_VEJ
    p = r.projection
    assert (p.kind, p.n_points, p.first_period, p.last_period) == ("year", 3, "2019", "2021")
    assert p.slope == pytest.approx(-20) and p.deadline_value == pytest.approx(280)
    assert (r.gap, round(r.gap_pct, 4)) == (12, round(12 / 288 * 100, 4))
    assert say.gap_sentence(r) == "12 fuldtidspersoner (4,2 %) over målet på 288."
    assert r.reason is Reason.PROJECTED_MET


def test_absolute_decrease_with_a_rising_trend_is_not_on_track() -> None:
    r = _run(_goal(**ABS_288), _years({"2019": 280, "2020": 285, "2021": 290}))
    assert r.status == Status.IKKE_PAA_VEJ and r.projection.deadline_value == pytest.approx(295)
    assert r.reason is Reason.PROJECTED_NOT_MET


def test_deadline_reached_without_the_target_is_not_on_track() -> None:
    r = _run(_goal(**ABS_288), _months("2022M01", [300] * 12))
    assert r.status == Status.IKKE_PAA_VEJ and r.projection is None
    assert (r.latest, r.latest_period, r.latest_how) == (300, "2022", "gennemsnit af 12 måneder")
    assert r.reason is Reason.DEADLINE_PASSED


def test_increase_is_met_at_or_above() -> None:
    g = _goal(direction="increase", indicator={"series": {**SERIES, "measure": "pct"}},
              target={"type": "absolute", "value": 57, "deadline": "2022M12"})
    rows = [(b, p, v, "test:x", "pct") for b, p, v in _months("2022M01", [50, 55, 57])]
    assert _run(g, rows).status == Status.NAAET
    rows = [(b, p, v, "test:x", "pct") for b, p, v in _months("2022M01", [58, 57, 56])]
    r = _run(g, rows)
    assert r.status == Status.IKKE_PAA_VEJ and r.projection.deadline_value == pytest.approx(47)
    assert say.gap_sentence(r) == "1,0 procentpoint under målet på 57 %."
    assert r.target == 57 and r.unit == "%"


def test_strict_under_and_tolerance() -> None:
    strict = _goal(indicator={"series": {**SERIES, "measure": "pct"}},
                   target={"type": "absolute", "value": 8.0, "strict": True, "deadline": "2022M12"})
    rows = [(b, p, v, "test:x", "pct") for b, p, v in _months("2022M10", [8.2, 8.1, 8.0])]
    r = _run(strict, rows)
    assert r.status != Status.NAAET  # "under 8,0 procent": 8,0 is not under
    tol = _goal(target={"type": "absolute", "value": 288, "tolerance": 5, "deadline": "2022M12"})
    assert _run(tol, _months("2022M10", [300, 295, 293])).status == Status.NAAET
    assert _run(tol, _months("2022M10", [300, 295, 294])).status == Status.IKKE_PAA_VEJ


# --- Relative and direction-only targets ---------------------------------------------------------

def test_relative_target_resolved_against_the_printed_baseline() -> None:
    g = _goal(baseline={"value": 1000, "period": "2019M12"},
              target={"type": "relative", "change_pct": -10, "deadline": "2022M12"})
    r = _run(g, _months("2022M01", [960, 955, 950]))
    assert (r.baseline, r.baseline_from, r.target, r.gap) == (1000, "plan", 900, 50)
    # −5 a month for 9 more months ends at 905: just short of 900
    assert r.status == Status.IKKE_PAA_VEJ and r.projection.deadline_value == pytest.approx(905)
    r = _run(g, _months("2022M01", [970, 960, 950]))  # −10 a month ends at 860
    assert r.status == Status.PAA_VEJ and r.projection.deadline_value == pytest.approx(860)


def test_relative_target_needing_a_baseline_the_plan_does_not_print() -> None:
    three = ["a-dagpenge", "kontanthjaelp", "uddannelseshjaelp"]
    g = _goal(indicator={"series": {**SERIES, "benefits": three}}, baseline={"value": None, "period": "2019M12"},
              target={"type": "relative", "change_pct": -10, "deadline": "2022M12"})
    base = [("a-dagpenge", "2019M12", 400), ("kontanthjaelp", "2019M12", 350), ("uddannelseshjaelp", "2019M12", 250)]
    late = [("a-dagpenge", "2022M12", 380), ("kontanthjaelp", "2022M12", 300), ("uddannelseshjaelp", "2022M12", 200)]
    r = _run(g, base + late)
    # the baseline is the sum of the three numerators in December 2019, from the data
    assert (r.baseline, r.baseline_from, r.target, r.latest) == (1000, "test:jobindsats", 900, 880)
    assert r.status == Status.NAAET
    # without the December 2019 level the target cannot be resolved, and nothing is guessed
    r = _run(g, late)
    assert r.target is None and r.status == Status.KAN_IKKE
    assert (r.reason, r.needs_baseline, r.needs_extract) == (Reason.MISSING_BASELINE, True, True)


def test_relative_increase() -> None:
    g = _goal(direction="increase", baseline={"value": 10, "period": "2019"},
              target={"type": "relative", "change_pct": 50, "deadline": "2022"})
    r = _run(g, [("sygedagpenge", "2022", 15)])
    assert (r.target, r.status) == (15, Status.NAAET)


def test_direction_only_must_beat_the_baseline() -> None:
    g = _goal(indicator={"series": {**SERIES, "measure": "pct"}}, baseline={"value": 12.6, "period": "2021"},
              target={"type": "direction", "deadline": "2022"})
    same = [(b, p, v, "test:x", "pct") for b, p, v in _months("2022M01", [12.8, 12.4] * 6)]
    r = _run(g, same)
    assert r.target is None and r.reference == 12.6 and r.status != Status.NAAET  # equal is not a fall
    lower = [(b, p, v, "test:x", "pct") for b, p, v in _months("2022M01", [12.6, 12.4] * 6)]
    r = _run(g, lower)
    assert r.status == Status.NAAET
    assert say.gap_sentence(r) == "0,1 procentpoint under niveauet i 2021 på 12,6 %."


def test_direction_without_baseline_uses_the_last_value_before_the_plan_year() -> None:
    g = _goal(target={"type": "direction", "deadline": "2021"})
    # a yearly target: the year before the plan as a whole (the mean of its four quarters, 595), never a quarter
    rows = [("sygedagpenge", f"2020Q{q}", v) for q, v in zip(range(1, 5), (600, 594, 590, 596))]
    rows += [("sygedagpenge", f"2021Q{q}", 580) for q in range(1, 5)]
    r = _run(g, rows, year=2021)
    assert (r.baseline, r.baseline_period, r.baseline_from) == (595, "2020", "test:jobindsats")
    assert (r.latest, r.latest_period, r.status) == (580, "2021", Status.NAAET)


# --- Sums, shares, missing and suppressed values ----------------------------------------------------

def test_sums_add_numerators_and_need_every_part() -> None:
    g = _goal(indicator={"series": {**SERIES, "benefits": ["a-dagpenge", "kontanthjaelp"]}},
              target={"type": "absolute", "value": 500, "deadline": "2022M12"})
    rows = [("a-dagpenge", "2022M01", 300), ("kontanthjaelp", "2022M01", 150),
            ("a-dagpenge", "2022M02", 310)]  # kontanthjælp for February is not there yet
    r = _run(g, rows)
    assert (r.latest, r.latest_period, r.status) == (450, "2022M01", Status.NAAET)
    pts = goals.series_points(_plan(g).goals[0], _obs(rows))
    feb = pts[pts.period == "2022M02"].iloc[0]
    assert math.isnan(feb.value) and feb.incomplete and not feb.suppressed


def test_shares_of_a_sum_come_from_numerators_never_from_adding_shares() -> None:
    g = _goal(indicator={"series": {"area": "201", "benefits": ["a-dagpenge", "kontanthjaelp"],
                                    "measure": "pct-befolkning"}},
              target={"type": "absolute", "value": 12, "deadline": "2022"})
    rows = [("a-dagpenge", "2022", 1234, "t", "fuldtidspersoner"),
            ("kontanthjaelp", "2022", 2345, "t", "fuldtidspersoner"),
            ("a-dagpenge", "2022", 3.5, "t", "pct-befolkning"), ("kontanthjaelp", "2022", 6.6, "t", "pct-befolkning"),
            ("befolkning-16-66", "2022", 35484, "t", "personer")]
    r = _run(g, rows)
    assert r.latest == pytest.approx((1234 + 2345) / 35484 * 100)  # 10,09 — not 3,5 + 6,6 = 10,1
    assert r.latest != pytest.approx(10.1, abs=1e-3)


def test_no_data_after_the_baseline_is_never_a_pass() -> None:
    r = _run(_goal(**ABS_288), [("sygedagpenge", "2019", 288)])
    assert r.status == Status.KAN_IKKE and r.latest is None
    assert (r.reason, r.after, r.needs_extract) == (Reason.MISSING_AFTER, "2019", True)
    assert say.gap_sentence(r) == "Ingen måling efter 2019 endnu."


def test_suppressed_values_are_missing_not_zero() -> None:
    rows = [*_months("2022M01", [295, 290]), ("sygedagpenge", "2022M03", None)]
    r = _run(_goal(**ABS_288_M), rows)
    assert (r.latest, r.latest_period) == (290, "2022M02")  # March is suppressed: February is the latest
    r = _run(_goal(**ABS_288_M), [("sygedagpenge", "2022M03", None)])
    assert r.status == Status.KAN_IKKE
    assert (r.reason, r.suppressed, r.incomplete) == (Reason.MISSING_AFTER, 1, 0)


def test_registers_are_preferred_to_transcribed_plan_figures() -> None:
    rows = [("sygedagpenge", "2022M01", 280, "plan:test-2022"), ("sygedagpenge", "2022M01", 300, "test:jobindsats")]
    r = _run(_goal(**ABS_288_M), rows)
    assert (r.latest, r.latest_source) == (300, "test:jobindsats")


# --- The trend projection on known numbers -------------------------------------------------------

def test_projection_is_least_squares_over_the_last_points() -> None:
    pts = goals.series_points(_plan(_goal(**ABS_288)).goals[0], _obs(_months("2022M01", [1, 3, 2])))
    p = goals.project(pts, "2022M06")
    # x = 0, 1, 2; y = 1, 3, 2: slope 0,5, value 1,5 at x = 0, so 1,5 + 0,5 × 5 = 4,0 in June
    assert p.slope == pytest.approx(0.5) and p.deadline_value == pytest.approx(4.0)
    # only the last TREND_POINTS values count: a jump long ago does not bend the line
    values = [1000.0] * 4 + [float(v) for v in range(100, 100 - 2 * goals.TREND_POINTS, -2)]
    pts = goals.series_points(_plan(_goal(**ABS_288)).goals[0], _obs(_months("2021M01", values)))
    p = goals.project(pts, "2022M12")
    assert p.n_points == goals.TREND_POINTS and p.slope == pytest.approx(-2)
    assert p.deadline_value == pytest.approx(values[-1] - 2 * 12)  # 12 months after the last value (2021M12)


def test_too_few_points_cannot_be_judged() -> None:
    r = _run(_goal(**ABS_288_M), _months("2022M01", [300, 295]))
    assert r.status == Status.KAN_IKKE
    assert (r.reason, r.trend_values, r.series_kind) == (Reason.TOO_FEW_POINTS, 2, "month")
    # a yearly target with two months of its year: neither a whole year nor enough months to remove the season
    r = _run(_goal(**ABS_288), _months("2022M01", [300, 295]))
    assert (r.status, r.reason, r.parts, r.latest) == (Status.KAN_IKKE, Reason.INCOMPLETE_PERIOD, (2, 12), None)
    assert "2 af periodens 12 måneder" in say.reason(r)


def test_qualitative_indicator_and_unpublished_targets() -> None:
    q = _run({"id": "q", "title": "Kvalitativt", "kind": "qualitative", "ref": {"section": "s"}}, [])
    assert (q.status, q.reason, q.needs_extract) == (Status.KAN_IKKE, Reason.QUALITATIVE, False)
    quote = "På Erhvervsudvalgets møde i marts 2021 fastlægges kvantitative mål"
    i = _run({"id": "i", "title": "Indikator", "kind": "indicator", "indicator": {"series": SERIES},
              "unpublished_target": {"section": "s", "quote": quote}, "ref": {"section": "s"}},
             _months("2021M01", [500]), year=2021)
    assert (i.status, i.reason, i.target) == (Status.KAN_IKKE, Reason.NO_TARGET, None)
    assert i.goal.unpublished_target.quote == quote and not i.needs_extract  # it has a value, just no target
    assert i.latest == 500


# --- The real plans ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real(ro_store: Store) -> dict[tuple[str, str], goals.GoalResult]:
    return {(r.plan, r.goal_id): r for r in goals.evaluate_all(ro_store)}


def test_every_goal_of_every_plan_is_evaluated(real: dict) -> None:
    assert len(real) == sum(len(p.goals) for p in goals.plans().values())
    assert all(isinstance(r.status, Status) and isinstance(r.reason, Reason) for r in real.values())
    # the published numbers are the baselines and targets
    al = {k[1]: r for k, r in real.items() if k[0] == "alleroed-2022"}
    helaar = al["rm4-sygedagpenge-helaarspersoner"]
    assert (helaar.baseline, helaar.target) == (288, 288)
    assert (al["rm4-sygedagpenge-varighed"].baseline, al["rm4-sygedagpenge-varighed"].target) == (10.6, 9.9)
    assert al["rm5-selvforsoergende-integrationsprogram"].target == 57
    gl = {k[1]: r for k, r in real.items() if k[0] == "gladsaxe-2022"}
    assert gl["erhvervsby-virksomhedsrettet-aktivering"].baseline == 3.1
    assert say.target_of(gl["lige-muligheder-unge-offentlig-forsoergelse"]) == "< 8 %"


def test_a_goal_with_data_after_its_baseline_gets_a_computed_status(real: dict) -> None:
    # Allerød prints 16 (dec. 2019), 53 (dec. 2020) and 53 (jul. 2021) insured unemployed over a year
    r = real[("alleroed-2022", "rm3-ledige-over-1-aar")]
    assert (r.baseline, r.latest, r.latest_period, r.target, r.gap) == (16, 53, "2021M07", 16, 37)
    assert r.status == Status.IKKE_PAA_VEJ and r.projection.n_points == 3
    assert say.gap_sentence(r) == "37 personer (231,2 %) over målet på 16."


def test_goals_without_data_after_the_baseline_say_so_and_name_the_extract(real: dict) -> None:
    r = real[("alleroed-2022", "rm4-sygedagpenge-helaarspersoner")]
    assert (r.status, r.reason, r.after, r.needs_extract) == (Status.KAN_IKKE, Reason.MISSING_AFTER, "2019", True)
    assert say.missing_hint(r) == "jobindsats.dk Y07A02 sygedagpenge, fuldtidspersoner, Allerød, månedlig 2020–2022"
    rm2 = real[("alleroed-2022", "rm2-offentlig-forsoergelse")]
    assert (rm2.reason, rm2.after, rm2.target) == (Reason.MISSING_AFTER, "2019M12", None)
    assert say.missing_hint(rm2).startswith(
        "jobindsats.dk Y01A02 a-dagpenge + Y36A02 kontanthjælp + Y38A02 uddannelseshjælp")
    computed = [k for k, r in real.items() if r.status != Status.KAN_IKKE]
    assert computed == [("alleroed-2022", "rm3-ledige-over-1-aar")]


def test_new_data_in_the_store_gives_a_status(store: Store) -> None:
    # Sygedagpenge for Allerød falling by one a month from 320 (Jan 2020) to 291 (Jun 2022). The target is
    # 288 helårspersoner in 2022: the year's mean. The latest whole year is 2021 (mean of 308 … 297 = 302,5);
    # the 12-month moving average falls by one a month and reaches 290,5 in December 2022 (the mean of
    # 296 … 285), so the year misses 288 although December alone (285) would meet it.
    rows = _months("2020M01", [320.0 - i for i in range(30)])
    frame = _obs(rows).drop(columns="source").assign(source="test:jobindsats")
    store.apply(frame, SourceMeta("test:jobindsats", "Testudtræk"), username="test", file_name="t.csv",
                sha256=None, fmt="test")
    r = {x.goal_id: x for x in goals.evaluate_plan(store, "alleroed-2022")}["rm4-sygedagpenge-helaarspersoner"]
    assert (r.latest, r.latest_period, r.gap) == (302.5, "2021", 14.5)
    assert r.status == Status.IKKE_PAA_VEJ and r.projection.deadline_value == pytest.approx(290.5)
    assert r.projection.method == "12-måneders glidende gennemsnit"
    assert "sæsonen fjernet med 12-måneders glidende gennemsnit" in say.reason(r)
    assert "test:jobindsats" in r.sources


# --- CLI -------------------------------------------------------------------------------------------

def test_cli_json_lists_every_goal_with_the_columns(built_db: Path) -> None:
    r = run_cli("goals", "--format", "json", db=built_db)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == sum(len(p.goals) for p in goals.plans().values())
    assert all(list(row)[:len(say.COLUMNS)] == say.COLUMNS for row in rows)
    by_id = {(x["plan"], x["goal_id"]): x for x in rows}
    sd = by_id[("alleroed-2022", "rm4-sygedagpenge-helaarspersoner")]
    assert (sd["baseline"], sd["baseline_period"], sd["target"], sd["deadline"]) == (288, "2019", 288, "2022")
    assert (sd["status"], sd["reason"]) == ("kan ikke vurderes", "mangler data efter 2019")
    lt = by_id[("alleroed-2022", "rm3-ledige-over-1-aar")]
    assert (lt["latest"], lt["latest_period"], lt["gap"], lt["status"]) == (53, "2021M07", 37, Status.IKKE_PAA_VEJ)


def test_cli_table_and_plan_filter(built_db: Path) -> None:
    r = run_cli("goals", "--plan", "gladsaxe-2022", db=built_db)
    assert r.returncode == 0, r.stderr
    header, *lines = r.stdout.splitlines()
    assert header.split()[:3] == ["plan", "goal_id", "title"] and "reason" in header
    assert len(lines) == len(goals.plans()["gladsaxe-2022"].goals)
    assert all(line.startswith("gladsaxe-2022") for line in lines)
    assert any("3,1 %" in line and "2021" in line for line in lines)
    bad = run_cli("goals", "--plan", "roskilde-2022", db=built_db)
    assert bad.returncode == 1 and "Ukendt plan 'roskilde-2022'" in bad.stderr


# --- Charts and sentences ---------------------------------------------------------------------------

def _datasets(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_bullet_chart_marks_baseline_latest_and_target() -> None:
    r = _run(_goal(**ABS_288), _years({"2019": 340, "2020": 320, "2021": 300}))
    spec = goal_charts.bullet(r).to_dict()
    rows = _datasets(spec)
    assert {(x.get("marker"), x.get("value")) for x in rows if "marker" in x} == \
        {("Udgangspunkt", 300), ("Seneste", 300), ("Mål", 288)}
    assert any(layer.get("mark", {}).get("color") == "#56B4E9" for layer in spec["layer"])  # Status.PAA_VEJ
    q = _run({"id": "q", "title": "Kvalitativt", "kind": "qualitative", "ref": {"section": "s"}}, [])
    assert goal_charts.bullet(q) is None


def test_series_chart_has_target_deadline_and_projection() -> None:
    plan = _plan(_goal(**ABS_288))
    obs = _obs(_years({"2019": 340, "2020": 320, "2021": 300}))
    res = goals.evaluate(plan, plan.goals[0], obs)
    detail = goals.GoalDetail(res, goals.series_points(plan.goals[0], obs), area="201")
    spec = goal_charts.series(detail).to_dict()
    rows = _datasets(spec)
    assert any(x.get("text") == "Mål: ≤ 288 fuldtidspersoner" for x in rows)
    assert any(x.get("text") == "Frist: 2022" and x.get("date") == "2022-12-01" for x in rows)
    assert any(x.get("period_label") == "2022 (fremskrevet)" and x.get("value") == pytest.approx(280) for x in rows)
    assert spec["title"]["text"] == "Testmål" and spec["title"]["subtitle"] == "fuldtidspersoner, Allerød"


def test_the_rule_is_stated_once_with_its_numbers() -> None:
    text = " ".join(say.rule_text())
    assert f"de seneste {goals.TREND_POINTS} værdier" in text and f"mindst {goals.MIN_TREND_POINTS}" in text
    assert "12-måneders" in text and "aldrig én måned" in text and "jobcentrets egen vurdering" in text
    assert "manglende data tæller aldrig som opfyldt" in text
    assert Status.IKKE_PAA_VEJ.label == "✖ ikke på vej"
    badge = markup.status_badge(Status.IKKE_PAA_VEJ)
    assert "#D55E00" in badge and "✖ ikke på vej" in badge


# --- Monthly data: the target's own period and the season (worked out by hand) --------------------

def test_a_year_whose_mean_meets_the_target_while_its_december_does_not() -> None:
    # 280 in January–November, 300 in December: the year's mean is (11 × 280 + 300) / 12 = 281,67 ≤ 288,
    # though December alone (300) is above the target. A target for 2022 is judged on 2022 as a whole.
    r = _run(_goal(**ABS_288), _months("2022M01", [280] * 11 + [300]))
    assert (r.status, r.reason, r.latest_period, r.latest_how) == (
        Status.NAAET, Reason.MET, "2022", "gennemsnit af 12 måneder")
    assert r.latest == pytest.approx(3380 / 12)
    assert say.reason(r) == ("seneste værdi 281,7 fuldtidspersoner (2022, gennemsnit af 12 måneder) opfylder målet "
                             "≤ 288 fuldtidspersoner")
    # the same months against a target for December 2022 itself: December decides, and misses
    assert _run(_goal(**ABS_288_M), _months("2022M01", [280] * 11 + [300])).status == Status.IKKE_PAA_VEJ


PATTERN = [320, 310, 300, 290, 280, 270, 260, 270, 280, 290, 300, 310]  # a winter peak; every year's mean is 290


def test_a_flat_seasonal_series_falling_only_with_the_season_is_not_on_track() -> None:
    # January 2019 – July 2021, the same twelve months every year. The last eight months (December 2020 –
    # July 2021: 310, 320, 310, 300, 290, 280, 270, 260) fall by about 8 a month, and a straight line through
    # them would reach far below 280 by 2022. The 12-month moving average is 290 throughout: flat, so 2022 is
    # projected at 290, which misses ≤ 280.
    g = _goal(baseline={"value": 300, "period": "2019"},
              target={"type": "absolute", "value": 280, "deadline": "2022"})
    r = _run(g, _months("2019M01", (PATTERN * 3)[:31]))
    assert (r.latest, r.latest_period) == (290, "2020")  # 2021 is not whole yet
    assert (r.status, r.reason) == (Status.IKKE_PAA_VEJ, Reason.PROJECTED_NOT_MET)
    p = r.projection
    assert (p.method, p.first_period, p.last_period, p.n_points) == (
        "12-måneders glidende gennemsnit", "2020M01", "2021M07", 8)
    assert p.deadline_value == pytest.approx(290) and p.slope == pytest.approx(0)
    assert ("sæsonen fjernet med 12-måneders glidende gennemsnit: ret linje gennem de seneste 8 gennemsnit, "
            "januar 2020–juli 2021") in say.reason(r)
    # the old reading (a straight line through the last eight months) would have said på vej
    old = goals.project(goals.series_points(_plan(g).goals[0], _obs(_months("2019M01", (PATTERN * 3)[:31]))),
                        "2022")
    assert old.deadline_value < 280


def test_a_series_break_is_never_projected_across() -> None:
    from beskdash.needs import breaks_for

    g = _goal(indicator={"series": {**SERIES, "benefits": ["kontanthjaelp"]}}, baseline={"value": 500,
              "period": "2024"}, target={"type": "absolute", "value": 400, "deadline": "2026M12"})
    # 500 a month until June 2025; from July 2025 (the reform) 300 — a level shift, not a trend
    rows = _months("2024M01", [500] * 18 + [300] * 14, benefit="kontanthjaelp")
    r = _run(g, rows, year=2025)
    assert r.series_break == breaks_for(["kontanthjaelp"])[0] and r.series_break.period == "2025M07"
    assert r.status == Status.NAAET  # 300 ≤ 400: the latest month decides; no projection needed
    assert "databrud" not in say.reason(r)
    g2 = _goal(indicator={"series": {**SERIES, "benefits": ["kontanthjaelp"]}}, baseline={"value": 500,
               "period": "2024"}, target={"type": "absolute", "value": 250, "deadline": "2026M12"})
    r2 = _run(g2, rows, year=2025)
    # 14 months after the break: year-on-year change (only one pair after the break: 0) — flat at 300
    assert r2.projection.first_period >= "2025M07" and r2.status == Status.IKKE_PAA_VEJ
    assert "databrud juli 2025" in say.reason(r2)


def test_a_series_break_is_marked_on_the_chart() -> None:
    g = _goal(indicator={"series": {**SERIES, "benefits": ["kontanthjaelp"]}}, baseline={"value": 500,
              "period": "2024"}, target={"type": "absolute", "value": 250, "deadline": "2026M12"})
    plan = _plan(g, year=2025)
    obs = _obs(_months("2024M01", [500] * 18 + [300] * 14, benefit="kontanthjaelp"))
    res = goals.evaluate(plan, plan.goals[0], obs)
    detail = goals.GoalDetail(res, goals.series_points(plan.goals[0], obs), area="201")
    rows = _datasets(goal_charts.series(detail).to_dict())
    assert any(x.get("text") == "Databrud: juli 2025" and x.get("date") == "2025-07-01" for x in rows)
