"""Plain-language summaries: known inputs through the real engines, and every number in a sentence
found in the table it summarises (never a sentence whose numbers differ from the table)."""

import re

import pandas as pd
import pytest

from beskdash import compare, goals, plans, taxonomy
from beskdash.status import Status
from beskdash.text import compare as say_compare
from beskdash.text import summaries
from tests.conftest import needs_dst

NUMBER = re.compile(r"\d+(?:\.\d{3})*(?:,\d+)?")


def numbers(text: str) -> set[str]:
    """The numbers as written in Danish text: `4.171`, `9,9`, `37`, `2022`."""
    return set(NUMBER.findall(text))


def _plan(goal: dict) -> plans.Plan:
    return plans.validate_plan({
        "id": "test-2022", "municipality": "201", "year": 2022, "title": "Testplan", "publisher": "Test",
        "seed_file": "test.txt", "focus_areas": [], "goals": [goal]}, "test-2022.yaml")


SYGEDAGPENGE = {
    "id": "sdp", "title": "Antallet af helårspersoner på sygedagpenge skal nedbringes til 288 i 2022",
    "kind": "target", "direction": "decrease",
    "indicator": {"series": {"area": "201", "benefits": ["sygedagpenge"], "measure": "fuldtidspersoner"}},
    "baseline": {"value": 300, "period": "2019"},
    # a monthly deadline: these tests are about the wording (a yearly target is judged on whole years, test_goals)
    "target": {"type": "absolute", "value": 288, "deadline": "2022M12"}, "ref": {"section": "Afsnit"}}


def _months(start: str, values: list[float]) -> pd.DataFrame:
    y, m = int(start[:4]), int(start[5:])
    rows = []
    for v in values:
        rows.append({"area_code": "201", "benefit": "sygedagpenge", "measure": "fuldtidspersoner",
                     "period": f"{y}M{m:02d}", "value": v, "source": "test:jobindsats"})
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return pd.DataFrame(rows)


def _judge(goal: dict, obs: pd.DataFrame) -> tuple[goals.GoalResult, str]:
    plan = _plan(goal)
    r = goals.evaluate(plan, plan.goals[0], obs)
    return r, summaries.summary_for(plan, r)


def _assert_numbers_in_row(r: goals.GoalResult, sentence: str, subject: str = "Sygedagpenge") -> None:
    """Every figure of the sentence is in the goal's row; the subject is a name (`… de seneste 5 år`)."""
    row = " ".join(summaries.summary_row(r).values())
    missing = numbers(sentence.removeprefix(subject)) - numbers(row)
    assert not missing, f"{sentence!r} has {missing} that its table row {row!r} does not"


# --- Goals: known inputs through the engine ------------------------------------------------------

def test_the_issues_example_right_way_but_too_slow() -> None:
    # 8 months falling by 0,5 a month to 310 in June 2021: at that pace 301 in December 2022, above 288.
    r, text = _judge(SYGEDAGPENGE, _months("2020M11", [313.5, 313, 312.5, 312, 311.5, 311, 310.5, 310]))
    assert r.status == Status.IKKE_PAA_VEJ
    assert text == ("Sygedagpenge: 310 fuldtidspersoner i juni 2021, 22 over målet på 288. Udviklingen går den "
                    "rigtige vej, men målet nås ikke i december 2022 med den nuværende takt.")
    assert summaries.trend_text(r) == ("↘ faldende (den rigtige vej); fremskrevet til december 2022: "
                                       "301 fuldtidspersoner")
    _assert_numbers_in_row(r, text)


def test_on_track_wrong_way_met_and_deadline_passed() -> None:
    r, text = _judge(SYGEDAGPENGE, _months("2020M11", [318, 316, 314, 312, 310, 308, 306, 304]))
    assert r.status == Status.PAA_VEJ
    assert text == ("Sygedagpenge: 304 fuldtidspersoner i juni 2021, 16 over målet på 288. Udviklingen går den "
                    "rigtige vej, og med den nuværende takt nås målet i december 2022.")
    _assert_numbers_in_row(r, text)

    r, text = _judge(SYGEDAGPENGE, _months("2020M11", [300, 301, 302, 303, 304, 305, 306, 307.4]))
    assert text == ("Sygedagpenge: 307,4 fuldtidspersoner i juni 2021, 19,4 over målet på 288. Udviklingen går "
                    "den forkerte vej, og målet nås ikke i december 2022 med den nuværende takt.")
    assert summaries.summary_row(r)["Afstand"] == "+19,4"
    _assert_numbers_in_row(r, text)

    r, text = _judge(SYGEDAGPENGE, _months("2021M01", [290, 280]))
    assert text == "Sygedagpenge: 280 fuldtidspersoner i februar 2021, 8 under målet på 288. Målet er nået."
    _assert_numbers_in_row(r, text)

    r, text = _judge(SYGEDAGPENGE, _months("2022M11", [295, 296]))
    assert text == ("Sygedagpenge: 296 fuldtidspersoner i december 2022, 8 over målet på 288. "
                    "Fristen (december 2022) er nået, uden at målet blev nået.")
    _assert_numbers_in_row(r, text)


def test_too_few_values_and_no_values_say_so_without_inventing_a_trend() -> None:
    r, text = _judge(SYGEDAGPENGE, _months("2021M05", [301, 299]))
    assert r.status == Status.KAN_IKKE
    assert text == ("Sygedagpenge: 299 fuldtidspersoner i juni 2021, 11 over målet på 288. Der er endnu for få "
                    "målinger til at se, om målet nås i december 2022.")
    assert summaries.trend_text(r) == "–"
    _assert_numbers_in_row(r, text)

    r, text = _judge(SYGEDAGPENGE, _months("2019M01", []))
    assert text == ("Sygedagpenge: ingen måling efter 2019 endnu, så målet kan ikke vurderes. Udgangspunktet er "
                    "300 fuldtidspersoner i 2019, og målet er ≤ 288 fuldtidspersoner senest december 2022.")
    _assert_numbers_in_row(r, text)


def test_a_share_is_worded_in_percentage_points() -> None:
    goal = {**SYGEDAGPENGE, "indicator": {"series": {"area": "201", "benefits": ["sygedagpenge"],
                                                     "measure": "pct-befolkning"}},
            "baseline": None, "target": {"type": "absolute", "value": 8, "deadline": "2022M12", "strict": True}}
    obs = _months("2022M01", [8.9, 8.8, 8.7]).assign(measure="pct-befolkning")
    r, text = _judge(goal, obs)
    assert text == ("Sygedagpenge: 8,7 % i marts 2022, 0,7 procentpoint over målet på 8 %. Udviklingen går den "
                    "rigtige vej, og med den nuværende takt nås målet i december 2022.")
    assert summaries.summary_row(r)["Afstand"] == "+0,7 procentpoint"
    # the same months against a target for the year 2022: not yet judgeable, and the sentence says why
    r, text = _judge({**goal, "target": {**goal["target"], "deadline": "2022"}}, obs)
    assert text.startswith("Sygedagpenge: målet gælder hele perioden, og der er endnu kun tal for 3 af 12 måneder")
    _assert_numbers_in_row(r, text)
    r, text = _judge(goal, obs)
    _assert_numbers_in_row(r, text)


def test_every_real_goal_sentence_states_only_numbers_of_its_row(ro_store: object) -> None:
    seen = 0
    for pid, plan in goals.plans().items():
        for goal, r in zip(plan.goals, goals.evaluate_plan(ro_store, pid), strict=True):
            _assert_numbers_in_row(r, summaries.summary_for(plan, r), summaries.goal_subject(goal))
            seen += 1
    assert seen == sum(len(p.goals) for p in goals.plans().values()) > 50


def test_the_real_allerod_goal_off_track(ro_store: object) -> None:
    plan = goals.plans()["alleroed-2022"]
    r = next(x for x in goals.evaluate_plan(ro_store, plan.id) if x.goal_id == "rm3-ledige-over-1-aar")
    assert summaries.summary_for(plan, r) == (
        "Forsikrede ledige med over 1 års ledighed: 53 personer i juli 2021, 37 over målet på 16. Udviklingen går "
        "den forkerte vej, og målet nås ikke i december 2022 med den nuværende takt.")


def test_plan_summary_counts_every_goal_once(ro_store: object) -> None:
    plan = goals.plans()["alleroed-2022"]
    results = goals.evaluate_plan(ro_store, plan.id)
    assert summaries.plan_summary(plan, results) == (
        "Ikke på vej: Forsikrede ledige med over 1 års ledighed. 13 mål kan ikke vurderes: 3 er kvalitative og for "
        "10 mangler der data.")
    for pid, p in goals.plans().items():
        rs = goals.evaluate_plan(ro_store, pid)
        text = summaries.plan_summary(p, rs)
        n_kan_ikke = sum(r.status == Status.KAN_IKKE for r in rs)
        if n_kan_ikke:
            m = re.search(r"(\d+) mål kan ikke vurderes: (.*)\.$", text)
            assert int(m.group(1)) == n_kan_ikke
            assert sum(int(x) for x in re.findall(r"\d+", m.group(2))) == n_kan_ikke, text


def test_a_qualitative_goal_has_no_number() -> None:
    goal = {"id": "q", "title": "Borgerne skal opleve en værdig sagsbehandling", "kind": "qualitative",
            "ref": {"section": "Afsnit"}}
    _, text = _judge(goal, _months("2021M01", []))
    assert text == "Kvalitativt mål: planen sætter intet tal, så målet følges op i tekst og vurderes ikke automatisk."
    assert not numbers(text)


# --- Comparisons and rankings ----------------------------------------------------------------------

def _table_text(df: pd.DataFrame, *captions: str) -> str:
    """The table as the page shows it: headers, cells, and the captions naming what is counted."""
    return " ".join([*captions, *map(str, df.columns), *(str(v) for v in df.to_numpy().ravel())])


@pytest.mark.parametrize("key", [g.key for g in compare.peer_groups()])
@needs_dst
def test_comparison_sentences_state_only_numbers_of_the_table(ro_store: object, key: str) -> None:
    view = compare.resolve_view(ro_store, {"gruppe": key})
    comp = compare.comparison_for(ro_store, view)
    table = _table_text(compare.display_table(comp), comp.unit, taxonomy.measure(comp.measure).da)
    for sentence in (say_compare.sentence(comp), say_compare.development_sentence(comp)):
        assert numbers(sentence) <= numbers(table), sentence


@needs_dst
def test_development_of_allerod_from_the_first_to_the_last_value(ro_store: object) -> None:
    view = compare.resolve_view(ro_store, {"gruppe": "alleroed", "fra": "2023K1"})
    comp = compare.comparison_for(ro_store, view)
    t = compare.display_table(comp)
    first, last = t["Allerød"].iloc[0], t["Allerød"].iloc[-1]
    assert (first, last) == ("38", "30")
    assert say_compare.development_sentence(comp) == "Fra 1.\u00a0kvt. 2023 til 4.\u00a0kvt. 2025 faldt tallet for " \
                                                     "Allerød fra 38 til 30."
    yoy = compare.comparison_for(ro_store, compare.resolve_view(ro_store, {"gruppe": "alleroed", "visning": "yoy"}))
    assert say_compare.development_sentence(yoy) == ""


@needs_dst
def test_ranking_lead_and_sentences_state_only_numbers_of_the_ranking(ro_store: object) -> None:
    r = compare.ranking_for(ro_store, compare.resolve_ranking(ro_store, {}))
    shown = compare.ranking_display(r)
    n = int(r.frame["value"].notna().sum())
    lead = say_compare.ranking_lead(r)
    assert lead.startswith(f"{n} kommuner har tal for 4.\u00a0kvt. 2025. Nr. 1 med den laveste værdi er "
                           f"{shown['Kommune'].iloc[0]} ({shown.iloc[0, 2]})")
    assert numbers(lead) - {str(n)} <= numbers(_table_text(shown, r.unit))
    for code in ("173", "159", "201", "230"):
        sentence = say_compare.ranking_sentence(r, code)
        row = shown[shown["Kommune"] == r.frame.loc[r.frame["area_code"] == code, "area_name"].iloc[0]]
        assert numbers(sentence) - {str(n)} <= numbers(_table_text(row, r.unit)), sentence
