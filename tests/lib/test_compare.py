"""The comparison engine on the shipped data: series, normalisations, groups, ranking, the CLI."""

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from beskdash import compare, plan_versions, plans, taxonomy
from beskdash.paths import PLANS_DIR
from beskdash.store import Store
from beskdash.text import compare as say
from tests.conftest import needs_dst, run_cli

THREE = ["201", "223", "240"]  # Allerød and the two kommuner its plan compares with
NL = "kontanthjaelp-nettoledige"
FTP = "fuldtidspersoner"


def _stored(store: Store, area: str, benefit: str, measure: str, period: str, source: str) -> float:
    df = store.observations(areas=[area], benefits=[benefit], measures=[measure], sources=[source])
    return float(df.loc[df["period"] == period, "value"].iloc[0])


def _value(comp: compare.Comparison, series: str, period: str) -> float:
    f = comp.frame
    return float(f.loc[(f["series"] == series) & (f["period"] == period), "value"].iloc[0])


# --- Series and groups ------------------------------------------------------------------------

@needs_dst
def test_series_are_the_stored_auk01_figures(ro_store: Store) -> None:
    comp = compare.series(ro_store, THREE, NL, FTP)
    stored = ro_store.observations(areas=THREE, benefits=[NL], measures=[FTP], sources=["dst:AUK01"])
    got = comp.frame.set_index(["area_code", "period"])["value"]
    want = stored.set_index(["area_code", "period"])["value"]
    assert len(got) == len(want) == 3 * 76
    assert (got.sort_index() == want.sort_index()).all()
    assert [_value(comp, a, "2019Q4") for a in THREE] == [24, 33, 72]
    assert comp.sources == ("dst:AUK01",) and comp.denominator is None
    assert comp.periods[0] == "2007Q1" and comp.periods[-1] == "2025Q4"


@needs_dst
def test_period_range_cuts_the_series(ro_store: Store) -> None:
    comp = compare.series(ro_store, THREE, NL, FTP, "2019Q1", "2019Q4")
    assert comp.periods == ("2019Q1", "2019Q2", "2019Q3", "2019Q4")
    assert len(comp.frame) == 12


@needs_dst
def test_group_is_the_sum_of_its_members(ro_store: Store) -> None:
    group = compare.resolve_group("alleroed", THREE)  # Allerød's benchmark areas: Hørsholm and Egedal
    assert group.members == ("223", "240")
    comp = compare.series(ro_store, THREE, NL, FTP, groups=[group])
    for p in comp.periods:
        assert _value(comp, group.series_id, p) == _value(comp, "223", p) + _value(comp, "240", p)
    assert _value(comp, group.series_id, "2019Q4") == 105
    # A user-picked set, named freely
    mine = compare.resolve_group("Mine tre", THREE)
    comp = compare.series(ro_store, THREE, NL, FTP, "2019Q4", "2019Q4", groups=[mine])
    assert _value(comp, mine.series_id, "2019Q4") == 24 + 33 + 72


def test_a_sum_of_benefits_needs_every_one_of_them(ro_store: Store) -> None:
    # Rudersdal's plan gives kontanthjælp and uddannelseshjælp for June, sygedagpenge for April
    both = compare.series(ro_store, ["230"], ["kontanthjaelp", "uddannelseshjaelp"], FTP)
    assert both.frame["value"].tolist() == [304 + 143, 264 + 158]
    assert both.frame["gap"].tolist() == [None, None]
    apart = compare.series(ro_store, ["230"], ["kontanthjaelp", "sygedagpenge"], FTP)
    assert apart.periods == ("2019M04", "2019M06", "2020M04", "2020M06")
    assert apart.frame["value"].isna().all()
    assert apart.frame["gap"].tolist() == ["mangler tal for Kontanthjælp", "mangler tal for Sygedagpenge"] * 2


@needs_dst
@pytest.mark.parametrize(("scale", "view"), [("raw", "level"), ("per1000", "index"), ("popshare", "yoy")])
def test_the_frame_has_one_set_of_types(ro_store: Store, scale: str, view: str) -> None:
    """Numbers float64 (NaN where missing), `is_group` bool, text objects with None where missing: whatever
    the view, so a page, a chart or an export reads a missing cell one way."""
    group = compare.resolve_group("alleroed", THREE)
    comp = compare.series(ro_store, [*THREE, "rar-hovedstaden"], NL, FTP, "2019Q1", "2020Q4", scale=scale,
                          view=view, base="2019Q1" if view == "index" else None, groups=[group])
    f = comp.frame
    assert list(f.columns) == compare.COLUMNS
    floats = ["numerator", "population", "value"]
    assert {c: str(f[c].dtype) for c in f.columns} == {
        c: "float64" if c in floats else "bool" if c == "is_group" else "object" for c in compare.COLUMNS}
    for c in f.columns.difference([*floats, "is_group"]):
        assert all(v is None or isinstance(v, str) for v in f[c]), c
    assert f["gap"].isna().any() and f["gap"].notna().any()  # rar-hovedstaden has no population


@needs_dst
def test_group_per_capita_is_sum_over_sum_not_mean_of_shares(ro_store: Store) -> None:
    group = compare.resolve_group("alleroed", THREE)
    comp = compare.series(ro_store, THREE, NL, FTP, "2019Q4", "2019Q4", scale="per1000", groups=[group])
    row = comp.frame[comp.frame["series"] == group.series_id].iloc[0]
    assert row["numerator"] == 33 + 72 and row["population"] == 25007 + 43335  # FOLK1A, 1 January 2019
    assert row["value"] == pytest.approx(105 / 68342 * 1000)
    mean_of_rates = (_value(comp, "223", "2019Q4") + _value(comp, "240", "2019Q4")) / 2
    assert abs(row["value"] - mean_of_rates) > 0.04  # 1,54 against 1,49


def test_group_with_a_missing_member_shows_the_gap(ro_store: Store) -> None:
    # Rudersdal's plan prints kontanthjælp for Rudersdal; nothing in the data has it for Allerød.
    group = compare.Group("to", "Rudersdal og Allerød", ("230", "201"))
    comp = compare.series(ro_store, ["230"], "kontanthjaelp", FTP, groups=[group])
    g = comp.frame[comp.frame["series"] == group.series_id]
    assert list(g["period"]) == ["2019M06", "2020M06"]
    assert g["value"].isna().all()  # not Rudersdal's 304 alone
    assert set(g["gap"]) == {"mangler tal for Allerød"}
    assert _value(comp, "230", "2019M06") == 304
    assert any("mangler tal for Allerød" in line for line in compare.gaps(comp))


def test_areas_that_overlap_are_never_summed(ro_store: Store) -> None:
    assert "indeholder Allerød" in compare.summable_problem(["084", "201"])
    assert "indeholder" in compare.summable_problem(["000", "084"])
    # RAR Hovedstaden lies inside Østdanmark, but the data do not say which kommuner either covers
    assert "hvilke kommuner" in compare.summable_problem(["rar-hovedstaden", "oestdanmark"])
    assert compare.summable_problem(["223", "240"]) is None
    with pytest.raises(compare.CompareError, match="indeholder"):
        compare.series(ro_store, ["201"], NL, FTP, groups=[compare.Group("x", "x", ("084", "201"))])
    with pytest.raises(compare.CompareError, match="hvilke kommuner"):
        compare.resolve_group("rudersdal", [])


def test_a_total_is_never_added_to_its_parts(ro_store: Store) -> None:
    with pytest.raises(compare.CompareError, match="indeholder"):
        compare.series(ro_store, ["230"], ["kontanthjaelp", NL], FTP)
    with pytest.raises(compare.CompareError, match="indeholder"):
        compare.series(ro_store, ["230"], ["offentlig-forsoergelse-i-alt", "a-dagpenge"], FTP)
    # Parts that do not overlap are summed, where every part has a value
    comp = compare.series(ro_store, ["230"], ["kontanthjaelp", "uddannelseshjaelp"], FTP)
    assert _value(comp, "230", "2020M06") == 264 + 158


@needs_dst
def test_region_aggregate_sums_its_kommuner(ro_store: Store) -> None:
    agg = compare.aggregate("region-hovedstaden")
    assert len(agg.members) == 29 and "201" in agg.members
    comp = compare.series(ro_store, ["084"], NL, FTP, "2019Q4", "2019Q4", groups=[agg])
    members = ro_store.observations(areas=list(agg.members), benefits=[NL], measures=[FTP], sources=["dst:AUK01"])
    assert _value(comp, agg.series_id, "2019Q4") == members.loc[members["period"] == "2019Q4", "value"].sum()
    # the published total (rounded on its own) stays its own series
    assert _value(comp, "084", "2019Q4") == 4431


# --- Normalisations -------------------------------------------------------------------------------

@needs_dst
def test_per_capita_divides_by_the_stated_population(ro_store: Store) -> None:
    comp = compare.series(ro_store, THREE, NL, FTP, "2019Q4", "2025Q4", scale="per1000")
    f = comp.frame.set_index(["area_code", "period"])
    a = f.loc[("201", "2019Q4")]
    pop_2019 = _stored(ro_store, "201", "befolkning", "personer", "2019Q1", "dst:FOLK1A")
    assert a["population"] == pop_2019 == 25646
    assert a["population_date"] == "2019-01-01" and a["population_source"] == "dst:FOLK1A"
    assert a["value"] == pytest.approx(24 / 25646 * 1000)
    b = f.loc[("201", "2025Q4")]  # the monthly table counts the quarter's first day exactly
    assert b["population_date"] == "2025-10-01" and b["population_source"] == "dst:FOLK1AM"
    assert b["population"] == _stored(ro_store, "201", "befolkning", "personer", "2025M10", "dst:FOLK1AM")
    assert "befolkningen i alt" in comp.denominator and "1. januar 2019" in comp.denominator
    assert "FOLK1A" in comp.denominator and "FOLK1AM" in comp.denominator
    assert comp.unit == "Fuldtidspersoner pr. 1.000 indbyggere"
    assert set(comp.sources) == {"dst:AUK01", "dst:FOLK1A", "dst:FOLK1AM"}
    one = compare.series(ro_store, ["201"], NL, FTP, "2019Q4", "2019Q4", scale="per1000")
    assert one.denominator == ("Nævner: befolkningen i alt (alle aldre) den 1. januar 2019 "
                               "(Danmarks Statistik, FOLK1A).")


@needs_dst
def test_share_of_population_and_no_population_no_value(ro_store: Store) -> None:
    comp = compare.series(ro_store, ["201"], NL, FTP, "2019Q4", "2019Q4", scale="popshare")
    assert _value(comp, "201", "2019Q4") == pytest.approx(24 / 25646 * 100)
    # no population count is published for RAR Hovedstaden: a gap, never a guess
    comp = compare.series(ro_store, ["230", "rar-hovedstaden"], "kontanthjaelp", FTP, scale="per1000")
    rar = comp.frame[comp.frame["series"] == "rar-hovedstaden"]
    assert rar["value"].isna().all() and set(rar["gap"]) == {"ingen befolkningstal for RAR Hovedstaden"}
    assert _value(comp, "230", "2020M06") == pytest.approx(264 / comp.frame["population"].iloc[1] * 1000)


def test_published_shares_are_shown_as_published(ro_store: Store) -> None:
    comp = compare.series(ro_store, ["230", "rar-hovedstaden", "oestdanmark"], "kontanthjaelp", "pct-arbejdsstyrke")
    assert [_value(comp, a, "2020M06") for a in ["230", "rar-hovedstaden", "oestdanmark"]] == [1.0, 2.6, 2.6]
    assert comp.sources == ("plan:rudersdal-2021",)
    with pytest.raises(compare.CompareError, match="vises som offentliggjort"):
        compare.series(ro_store, ["230"], "kontanthjaelp", "pct-arbejdsstyrke", scale="per1000")
    # and a group of published shares is a gap (no numerators and denominators to sum)
    comp = compare.series(ro_store, ["230"], "kontanthjaelp", "pct-arbejdsstyrke",
                          groups=[compare.Group("x", "x", ("230", "201"))])
    assert comp.frame[comp.frame["is_group"]]["value"].isna().all()


@needs_dst
def test_index_is_100_in_the_base_period_for_each_area(ro_store: Store) -> None:
    comp = compare.series(ro_store, THREE, NL, FTP, "2019Q1", "2020Q4", view="index", base="2019Q4")
    for a in THREE:
        assert _value(comp, a, "2019Q4") == 100
    assert _value(comp, "201", "2020Q1") == pytest.approx(
        _stored(ro_store, "201", NL, FTP, "2020Q1", "dst:AUK01") / 24 * 100)
    assert comp.unit == "Indeks (4.\u00a0kvt. 2019 = 100)"
    # the base can lie outside the range shown
    comp = compare.series(ro_store, THREE, NL, FTP, "2020Q1", "2020Q4", view="index", base="2019Q4")
    assert "2019Q4" not in comp.periods and _value(comp, "223", "2020Q1") == pytest.approx(
        _stored(ro_store, "223", NL, FTP, "2020Q1", "dst:AUK01") / 33 * 100)
    with pytest.raises(compare.CompareError, match="passer ikke"):
        compare.series(ro_store, THREE, NL, FTP, view="index", base="2019")
    with pytest.raises(compare.CompareError, match="ingen tal for basisperioden"):
        compare.series(ro_store, THREE, NL, FTP, view="index", base="2030Q1")


@needs_dst
def test_change_against_the_same_period_a_year_earlier(ro_store: Store) -> None:
    comp = compare.series(ro_store, ["201"], NL, FTP, "2007Q1", "2019Q4", view="yoy")
    before = _stored(ro_store, "201", NL, FTP, "2018Q4", "dst:AUK01")
    assert _value(comp, "201", "2019Q4") == pytest.approx((24 / before - 1) * 100)
    first = comp.frame[comp.frame["period"] == "2007Q4"].iloc[0]  # nothing a year before 2008
    assert math.isnan(first["value"]) and first["gap"] == "ingen værdi samme periode året før"
    # monthly figures from a plan: April 2020 against April 2019
    comp = compare.series(ro_store, ["230"], "offentlig-forsoergelse-i-alt", FTP, view="yoy")
    assert _value(comp, "230", "2020M04") == pytest.approx((3313 / 3057 - 1) * 100)
    # a share changes in percentage points, not per cent
    comp = compare.series(ro_store, ["201"], NL, FTP, "2019Q4", "2019Q4", scale="popshare", view="yoy")
    pop = 25646  # 1 January 2019 is the count nearest both 4th quarters
    assert _value(comp, "201", "2019Q4") == pytest.approx((24 - before) / pop * 100)
    assert comp.unit == "Ændring i procentpoint fra samme periode året før"


# --- Ranking ---------------------------------------------------------------------------------------

@needs_dst
def test_ranking_of_all_kommuner(ro_store: Store) -> None:
    r = compare.ranking(ro_store, NL, FTP, "2019Q4", scale="per1000")
    f = r.frame
    assert len(f) == 98 and f["rank"].notna().all()
    assert list(f["rank"])[:3] == [1, 2, 3] and f["value"].is_monotonic_increasing  # fewer is better
    assert f["third"].value_counts().to_dict() == {"bedste": 32, "midterste": 33, "dårligste": 33}
    a = f[f["area_code"] == "201"].iloc[0]
    assert a["value"] == pytest.approx(24 / 25646 * 1000)
    assert a["rank"] == 1 + (f["value"] < a["value"]).sum()
    assert a["change"] == pytest.approx(a["value"] - a["previous"])
    assert r.previous == "2018Q4" and "1. januar 2019" in r.denominator
    assert say.ranking_sentence(r, "201") == (f"Allerød var nr. {a['rank']} af 98 kommuner i 4.\u00a0kvt. 2019 "
                                              f"(0,94 fuldtidspersoner pr. 1.000 indbyggere), i den bedste tredjedel.")
    latest = compare.ranking(ro_store, NL, FTP)
    assert latest.period == "2025Q4"
    raw = compare.ranking(ro_store, NL, FTP, "2019Q4", scale="raw")
    assert raw.frame.iloc[-1]["area_name"] == "København" and raw.notes


# --- Peer groups, views, sentences -----------------------------------------------------------------

def test_peer_groups_are_the_plans_benchmark_areas() -> None:
    groups = {g.key: g for g in compare.peer_groups()}
    for key, plan_id in (("alleroed", "alleroed-2022"), ("rudersdal", "rudersdal-2021"),
                         ("lyngby-taarbaek", "ltk-2021")):
        plan = plans.load_plan_file(PLANS_DIR / f"{plan_id}.yaml")
        g = groups[key]
        assert g.focus == plan.municipality
        assert list(g.benchmark[:len(plan.benchmark_areas)]) == plan.benchmark_areas
        assert g.ref_quote == plan.benchmark_ref.quote and g.ref_section == plan.benchmark_ref.section
    assert groups["alleroed"].areas == ("201", "223", "240")
    assert groups["rudersdal"].areas == ("230", "rar-hovedstaden", "oestdanmark")
    assert groups["lyngby-taarbaek"].areas == ("173", "000", "084")
    assert groups["gladsaxe"].areas == ("159", "084", "000") and groups["gladsaxe"].ref_quote is None
    assert "Hørsholm og Egedal" in groups["alleroed"].label


def test_a_bad_peer_group_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "peer_groups.yaml"
    bad.write_text("peer_groups:\n  - {key: x, da: X, focus: '999'}\n", encoding="utf-8")
    with pytest.raises(compare.CompareError, match=r"peer_groups.yaml: peer_groups\[0\]: ukendt områdekode '999'"):
        compare.groups._load_groups(bad, plan_versions.shipped())
    bad.write_text("peer_groups:\n  - {key: x, da: X, plan: findes-ikke}\n", encoding="utf-8")
    with pytest.raises(compare.CompareError, match="findes-ikke"):
        compare.groups._load_groups(bad, plan_versions.shipped())


@needs_dst
def test_a_plan_added_by_an_analyst_is_a_comparison_group(db_copy: Path, tmp_path: Path) -> None:
    """Groups come from the one plan loader: a stored plan the peer-group file does not name is a group of
    its own, and a new version of a named plan moves its group's benchmark."""
    text = (PLANS_DIR / "alleroed-2022.yaml").read_text(encoding="utf-8")
    copy = text.replace("id: alleroed-2022\n", "id: alleroed-2027\n", 1).replace(
        'benchmark_areas: ["223", "240"]', 'benchmark_areas: ["223", "240", "190"]', 1)
    assert copy.count("alleroed-2027") == 1 and '"190"' in copy
    f = tmp_path / "alleroed-2027.yaml"
    f.write_text(copy, encoding="utf-8")
    with Store(db_copy, read_only=True) as s:
        before = {g.key: g for g in compare.peer_groups(s)}
    assert "alleroed-2027" not in before
    r = run_cli("plans", "add", str(f), "--user", "anna", db=db_copy)
    assert r.returncode == 0, r.stderr
    with Store(db_copy, read_only=True) as s:
        groups = {g.key: g for g in compare.peer_groups(s)}
        links = dict(compare.benchmark_links())
    g = groups["alleroed-2027"]
    assert (g.plan, g.areas) == ("alleroed-2027", ("201", "223", "240", "190"))
    assert g.label == "Allerød mod Hørsholm, Egedal og Furesø (Beskæftigelsesplan 2022)"
    assert g.view == before["alleroed"].view  # the municipality's own group's chosen series
    assert g.ref_quote == before["alleroed"].ref_quote
    assert links[g.label]["gruppe"] == "alleroed-2027"  # on the start page too
    assert {k: v for k, v in groups.items() if k != "alleroed-2027"} == before
    # `compare --group alleroed-2027` sums the plan's benchmark areas (an unknown name would sum --areas)
    r = run_cli("compare", "--areas", "201", "--benefit", NL, "--measure", FTP, "--group", "alleroed-2027",
                "--format", "json", db=db_copy)
    assert r.returncode == 0, r.stderr
    names = {row["area_code"]: row["area_name"] for row in json.loads(r.stdout)}
    assert names["gruppe:alleroed-2027"] == "Hørsholm, Egedal og Furesø samlet"


@needs_dst
def test_the_sentence_from_the_issue(ro_store: Store) -> None:
    comp = compare.series(ro_store, THREE, NL, FTP, "2019Q1", "2019Q4")
    assert say.sentence(comp).replace("\u00a0", " ") == (
        "Allerød havde 24 nettoledige kontanthjælpsmodtagere i 4. kvt. 2019, færre end Hørsholm (33) og Egedal (72).")
    comp = compare.series(ro_store, THREE, NL, FTP, "2025Q4", "2025Q4")  # 30 against 21 and 55
    assert say.sentence(comp).replace("\u00a0", " ") == (
        "Allerød havde 30 nettoledige kontanthjælpsmodtagere i 4. kvt. 2025, færre end Egedal (55), "
        "men flere end Hørsholm (21).")
    comp = compare.series(ro_store, ["230", "rar-hovedstaden", "oestdanmark"], "kontanthjaelp", "pct-arbejdsstyrke")
    assert say.sentence(comp) == ("Rudersdal havde 1,0 % af arbejdsstyrken 16-66 år på kontanthjælp i juni 2020, "
                                  "en lavere andel end RAR Hovedstaden (2,6 %) og Østdanmark (2,6 %).")
    comp = compare.series(ro_store, ["230", "rar-hovedstaden"], "kontanthjaelp", FTP, scale="per1000")
    assert say.sentence(comp).endswith("Der er ingen tal for RAR Hovedstaden i juni 2020.")


@needs_dst
def test_a_hand_edited_view_is_made_valid(ro_store: Store) -> None:
    v = compare.resolve_view(ro_store, {})
    assert v.group == "alleroed" and v.areas == ("201", "223", "240") and v.benefit == NL
    assert (v.period_from, v.period_to) == ("2007Q1", "2025Q4")
    assert compare.resolve_view(ro_store, v.params()) == v
    odd = compare.resolve_view(ro_store, {"gruppe": "nope", "omr": "201,xyz,223", "ydelse": "efterloen",
                                          "maal": "uger", "enhed": "per1000", "visning": "index", "basis": "2019Q4",
                                          "fra": "2019K4", "til": "banan"})
    assert odd.group == compare.OWN and odd.areas == ("201", "223") and odd.benefit == NL
    assert odd.measure == FTP and odd.scale == "per1000" and odd.base == "2019Q4"
    assert (odd.period_from, odd.period_to) == ("2019Q4", "2025Q4")
    rud = compare.resolve_view(ro_store, {"gruppe": "rudersdal"})
    assert (rud.benefit, rud.measure, rud.kind) == ("kontanthjaelp", "pct-arbejdsstyrke", "month")
    assert rud.scale == "raw"  # a published share has no other scale
    link = compare.permalink(v, "http://localhost:8501/sammenligning")
    assert link.startswith("http://localhost:8501/sammenligning?gruppe=alleroed&omr=201,223,240&")


@needs_dst
def test_every_benchmark_link_opens_a_view_with_data(ro_store: Store) -> None:
    links = compare.benchmark_links()
    assert [label for label, _ in links][:2] == ["Allerød mod Hørsholm og Egedal",
                                                 "Rudersdal mod RAR Hovedstaden og Østdanmark"]
    for _, params in links:
        v = compare.resolve_view(ro_store, params)
        assert v.group == params["gruppe"] and v.benefit == params["ydelse"] and v.measure == params["maal"]
        comp = compare.comparison_for(ro_store, v)
        for code in v.areas:
            assert comp.frame.loc[comp.frame["series"] == code, "value"].notna().any(), (params, code)


# --- The CLI -----------------------------------------------------------------------------------------

def _cli(built_db: Path, *args: str) -> list[dict]:
    r = run_cli("compare", "--areas", "201,223,240", "--benefit", NL, "--measure", FTP, *args, db=built_db)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@needs_dst
def test_cli_compare_json_is_the_auk01_series(built_db: Path) -> None:
    rows = _cli(built_db, "--format", "json")
    assert len(rows) == 3 * 76
    assert list(rows[0])[:4] == ["area_code", "area_name", "period", "value"]
    at = {(r["area_code"], r["period"]): r for r in rows}
    assert [at[(a, "2019Q4")]["value"] for a in THREE] == [24, 33, 72]
    assert at[("201", "2019Q4")]["area_name"] == "Allerød" and at[("201", "2019Q4")]["source"] == "dst:AUK01"


@needs_dst
def test_cli_group_is_the_sum_of_the_members(built_db: Path) -> None:
    rows = _cli(built_db, "--group", "alleroed", "--group", "Alle tre", "--format", "json")
    val = {(r["area_code"], r["period"]): r["value"] for r in rows}
    periods = sorted({r["period"] for r in rows})
    assert len(periods) == 76
    for p in periods:
        assert val[("gruppe:alleroed", p)] == val[("223", p)] + val[("240", p)]
        assert val[("gruppe:alle-tre", p)] == val[("201", p)] + val[("223", p)] + val[("240", p)]
    names = {r["area_code"]: r["area_name"] for r in rows}
    assert names["gruppe:alleroed"] == "Hørsholm og Egedal samlet" and names["gruppe:alle-tre"] == "Alle tre"


@needs_dst
def test_cli_per_capita_and_index(built_db: Path) -> None:
    rows = _cli(built_db, "--per-capita", "--from", "2019Q4", "--to", "2019Q4", "--format", "json")
    assert len(rows) == 3
    for r in rows:
        assert r["value"] == pytest.approx(r["numerator"] / r["population"] * 1000)
        assert r["population_date"] == "2019-01-01" and r["population_source"] == "dst:FOLK1A"
    assert [r["population"] for r in rows] == [25646, 25007, 43335]
    rows = _cli(built_db, "--index", "2019Q4", "--format", "json")
    assert all(r["value"] == 100 for r in rows if r["period"] == "2019Q4")
    assert len([r for r in rows if r["period"] == "2019Q4"]) == 3
    r = run_cli("compare", "--areas", "201,223", "--benefit", NL, "--measure", FTP, "--per-capita",
                "--from", "2019Q4", "--to", "2019Q4", db=built_db)
    header, *lines = r.stdout.splitlines()
    assert header == ("area_code,area_name,period,value,source,numerator,population,population_date,"
                      "population_source,gap")
    assert lines[0].startswith("201,Allerød,2019Q4,0.93581845")
    assert "1. januar 2019" in r.stderr  # the denominator, stated


def test_cli_errors_are_danish_and_exit_1(built_db: Path) -> None:
    r = run_cli("compare", "--areas", "201,Allerd", "--benefit", NL, "--measure", FTP, db=built_db)
    assert r.returncode == 1 and "ukendt område: 'Allerd' (mente du Allerød?)" in r.stderr
    r = run_cli("compare", "--areas", "201", "--benefit", NL, "--measure", FTP, "--group", "x=084,201", db=built_db)
    assert r.returncode == 1 and "Region Hovedstaden indeholder Allerød" in r.stderr
    r = run_cli("compare", "--areas", "201", "--benefit", NL, "--measure", FTP, "--index", "2019", db=built_db)
    assert r.returncode == 1 and "passer ikke" in r.stderr and r.stdout == ""


@needs_dst
def test_area_names_come_from_the_taxonomy(ro_store: Store) -> None:
    comp = compare.series(ro_store, ["173", "084", "000"], NL, FTP, "2019Q4", "2019Q4")
    assert [comp.labels[s] for s in comp.series_order] == [taxonomy.area_name(c) for c in ["173", "084", "000"]]
    assert isinstance(compare.wide_table(comp), pd.DataFrame)
    assert list(compare.display_table(comp).iloc[0]) == ["4.\u00a0kvt. 2019", "81", "4.431", "14.424"]
