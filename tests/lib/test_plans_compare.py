"""The plans side by side, on the five shipped plans."""

import pytest

from beskdash import goals, plans_compare
from beskdash.plans_compare import CHANGED, DROPPED, NEW, SAME


@pytest.fixture(scope="module")
def plans() -> dict:
    return plans_compare.ordered(goals.plans())


def test_plans_are_listed_by_municipality_and_year(plans: dict) -> None:
    assert [plans_compare.plan_label(p) for p in plans.values()] == [
        "Allerød 2022", "Gladsaxe 2022", "Lyngby-Taarbæk 2021", "Lyngby-Taarbæk 2022", "Rudersdal 2021"]


def test_minister_goal_matrix(plans: dict) -> None:
    long = plans_compare.minister_goal_matrix(plans)
    assert len(long) == 5 * 5
    wide = plans_compare.matrix_display(long, plans)
    assert list(wide.columns) == ["Ministermål", "Allerød 2022", "Gladsaxe 2022", "Lyngby-Taarbæk 2021",
                                  "Lyngby-Taarbæk 2022", "Rudersdal 2021"]
    goals_rows = wide.iloc[:5]
    assert goals_rows.iloc[0]["Ministermål"] == "Alle ledige skal have en værdig sagsbehandling"
    assert (goals_rows.drop(columns="Ministermål") == "✓").all().all()
    own = wide.iloc[5]
    assert own["Ministermål"] == "Egne fokusområder (uden ministermål)"
    assert own.drop("Ministermål").tolist() == ["2", "0", "3", "3", "5"]
    # Allerød answers opkvalificering through Resultatmål 1 and 2
    details = plans_compare.matrix_details(long)
    row = details[(details["Plan"] == "Allerød 2022") & (details["Ministermål"] == "Flere ledige skal opkvalificeres")]
    assert row["Fokusområde(r) i planen"].iloc[0].startswith(
        "nr. 1: Virksomhederne skal sikres den nødvendige og kvalificerede arbejdskraft; nr. 2: Flere personer skal i "
        "beskæftigelse")


def test_measurable_targets_per_plan(plans: dict) -> None:
    counts = plans_compare.target_counts(plans).set_index("plan")
    # Allerød: 2 events, 10 visits, 24 hours, -10 %, 16 persons, 9,9 weeks, 288, 57 %, +50 %, +10 %
    assert counts.loc["alleroed-2022", "measurable"] == 10
    assert counts.loc["alleroed-2022", "measurable_with_data"] == 4
    # Gladsaxe: 100 youth in fritidsjob, 77 % satisfaction, under 8,0 % young people; five directions
    assert counts.loc["gladsaxe-2022", ["measurable", "direction_only"]].tolist() == [3, 5]
    # Lyngby-Taarbæk 2022's five survey targets (60/80/70/80/75 pct.); 2021 had none, only directions
    assert counts.loc["ltk-2022", "measurable"] == 5 and counts.loc["ltk-2021", "measurable"] == 0
    assert counts.loc["ltk-2021", "direction_only"] == 2
    # Rudersdal says targets exist for six target groups but does not publish them
    assert counts.loc["rudersdal-2021", ["measurable", "unpublished"]].tolist() == [0, 6]
    table = plans_compare.counts_display(plans_compare.target_counts(plans))
    assert "Målbare mål (tal og frist)" in table.columns


def test_every_theme_names_existing_goals(plans: dict) -> None:
    assert plans_compare.check_themes(plans) == []
    assert {t.key for t in plans_compare.themes()} >= {"langtidsledighed", "unge"}


def test_long_term_unemployment_baselines_side_by_side(plans: dict) -> None:
    theme = next(t for t in plans_compare.themes() if t.key == "langtidsledighed")
    df = plans_compare.theme_table(theme, plans).set_index("plan")
    assert df.loc["alleroed-2022", "baseline"] == "16 personer (december 2019)"
    assert df.loc["alleroed-2022", "target"] == "≤ 16 personer senest december 2022"
    assert df.loc["gladsaxe-2022", "baseline"] == "8,1 % (2021)"
    assert df.loc["rudersdal-2021", "baseline"] == "ingen"
    note = plans_compare.theme_note(df.reset_index())
    assert note.startswith("3 planer følger temaet med 3 mål og indikatorer; 2 har en trykt baseline.")
    assert "forskellige enheder (%, personer)" in note


def test_youth_on_public_support(plans: dict) -> None:
    theme = next(t for t in plans_compare.themes() if t.key == "unge")
    df = plans_compare.theme_table(theme, plans)
    gladsaxe = df[df["plan"] == "gladsaxe-2022"].iloc[0]
    assert gladsaxe["target"] == "< 8 % i 2022"  # "under 8,0 procent i 2022"
    assert set(df["plan"]) == {"gladsaxe-2022", "ltk-2021", "ltk-2022", "rudersdal-2021"}


def test_ltk_2021_against_2022(plans: dict) -> None:
    assert plans_compare.successive_pairs(plans) == [("ltk-2021", "ltk-2022")]
    diff = plans_compare.compare_pair(plans, "ltk-2021>ltk-2022")
    fa = diff.focus_areas
    assert diff.counts()["focus_areas"][NEW] == 0 and diff.counts()["focus_areas"][DROPPED] == 0
    moved = fa[fa["new_title"] == "Virksomhederne skal sikres den nødvendige og kvalificerede arbejdskraft"].iloc[0]
    assert (moved["status"], moved["changes"]) == (CHANGED, "nr. 5 → nr. 1")
    g = diff.goals
    # the survey targets are new in 2022, the overall goals of 2021 are gone
    assert (g[g["new_title"].fillna("").str.startswith("Minimum 60 pct. af borgerne")]["status"] == NEW).all()
    assert (g[g["old_title"].fillna("").str.startswith("Det overordnede mål")]["status"] == DROPPED).sum() == 2
    # an indicator became a qualitative follow-up
    vf = g[g["new_title"].fillna("").str.startswith("Opfølgning på øget brug af opkvalificerende")].iloc[0]
    assert vf["status"] == CHANGED and "type: indikator → kvalitativt mål" in vf["changes"]
    # youth on uddannelseshjælp split into uddannelsesparate and aktivitetsparate
    split = g[g["old_title"] == "Opfølgning på antallet af unge på uddannelseshjælp"]
    assert len(split) == 2 and split["changes"].str.startswith("delt i 2 punkter").all()
    # unge under 30 på a-dagpenge moved from the youth focus area to arbejdskraft
    moved_goal = g[g["new_title"] == "Opfølgning på antallet af unge under 30 år på a-dagpenge"].iloc[0]
    assert moved_goal["old_focus"].startswith("nr. 7:") and moved_goal["new_focus"].startswith("nr. 1:")
    assert "andet fokusområde" in moved_goal["changes"]
    reval = g[g["new_title"] == "Opfølgning på brugen af revalidering"].iloc[0]
    assert reval["status"] == SAME
    summary = plans_compare.diff_summary(diff)
    assert summary.startswith("Fokusområder: 8 går igen, 0 nye og 0 udgåede")


def test_compare_a_plan_with_itself_and_with_a_goal_removed(plans: dict) -> None:
    p = plans["gladsaxe-2022"]
    same = plans_compare.compare(p, p)
    assert set(same.goals["status"]) == {SAME} and set(same.focus_areas["status"]) == {SAME}
    fewer = p.model_copy(update={"goals": p.goals[1:]})
    diff = plans_compare.compare(p, fewer)
    assert diff.goals[diff.goals["status"] == DROPPED]["old_title"].tolist() == [p.goals[0].title]
    diff = plans_compare.compare(fewer, p)
    assert diff.goals[diff.goals["status"] == NEW]["new_title"].tolist() == [p.goals[0].title]
