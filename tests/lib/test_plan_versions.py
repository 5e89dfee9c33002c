"""Plans as versioned data: stored versions override or add to the shipped plans, survive `build`, are
judged by the same engine, and every refused file changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from beskdash import goals, plan_form, plan_versions, plans
from beskdash.build import build
from beskdash.paths import PLANS_DIR
from beskdash.plans import PlanError
from beskdash.status import Status
from beskdash.store import PlanVersionStale, Store, UndoError
from tests.conftest import run_cli

SHIPPED = ["alleroed-2022", "gladsaxe-2022", "ltk-2021", "ltk-2022", "rudersdal-2021"]


def _copy_text(new_id: str = "alleroed-2027") -> str:
    text = (PLANS_DIR / "alleroed-2022.yaml").read_text(encoding="utf-8")
    assert text.startswith("id: alleroed-2022\n")
    return text.replace("id: alleroed-2022\n", f"id: {new_id}\n", 1)


def _break_target(text: str) -> str:
    """rm3-ledige-over-1-aar (goals[6]) with the target value written as a word."""
    old = "    target:\n      type: absolute\n      value: 16\n"
    assert old in text
    return text.replace(old, old.replace("value: 16", "value: ti"), 1)


def _write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_fresh_build_has_no_stored_versions(store: Store) -> None:
    assert len(store.plan_versions()) == 0
    assert list(plan_versions.current(store)) == SHIPPED
    assert set(plan_versions.listing(store)["version"]) == {"leveret"}


def test_an_added_plan_is_judged_like_a_shipped_one_and_survives_build(store: Store) -> None:
    preview = plan_versions.preview_text(store, _copy_text(), "a.yaml")
    assert preview.before is None and "ny plan" in preview.summary
    text = "\n".join(preview.lines())
    assert "Mål (14, heraf 10 målbare med tal og frist):" in text and "Sammenlignes med: Hørsholm, Egedal" in text
    before = store.version()
    assert plan_versions.save(store, preview, "anna") == 1
    assert store.version() > before  # the pages' caches see the new plan
    assert "alleroed-2027" in goals.plans(store)
    shipped = {r.goal_id: r.status for r in goals.evaluate_plan(store, "alleroed-2022")}
    copied = {r.goal_id: r.status for r in goals.evaluate_plan(store, "alleroed-2027")}
    assert copied == shipped and len(copied) == 14
    build(store)
    assert "alleroed-2027" in goals.plans(store)
    row = plan_versions.listing(store).set_index("id").loc["alleroed-2027"]
    assert (row["kommune"], row["version"], row["af"]) == ("Allerød", "1", "anna")


def test_identical_is_no_change_and_a_changed_target_is_a_new_version_with_its_diff(store: Store) -> None:
    plan_versions.save(store, plan_versions.preview_text(store, _copy_text(), "a.yaml"), "anna")
    assert plan_versions.preview_text(store, _copy_text(), "a.yaml").is_noop
    assert plan_versions.save(store, plan_versions.preview_text(store, _copy_text(), "a.yaml"), "anna") is None
    data = plan_versions.draft_of(goals.plans(store)["alleroed-2027"])
    data["goals"][6]["target"]["value"] = 100
    plan, problems = plan_form.check(data)
    assert problems == {} and plan is not None
    preview = plan_versions.preview_plan(store, plan)
    assert preview.changes == ["mål rm3-ledige-over-1-aar: target.value: 16 → 100"]
    assert plan_versions.save(store, preview, "bo") == 2
    # 53 persons against a target of at most 100: met, where the shipped target of 16 is not
    status = {r.goal_id: r.status for r in goals.evaluate_plan(store, "alleroed-2027")}
    assert status["rm3-ledige-over-1-aar"] == Status.NAAET
    hist = plan_versions.history(store, "alleroed-2027")
    assert hist["version"].tolist() == ["2", "1"] and hist["af"].tolist() == ["bo", "anna"]
    assert "16 → 100" in hist["ændring"].iloc[0]
    assert plan_versions.undo(
        store, "alleroed-2027", "bo") == "Version 2 af alleroed-2027 er fortrudt; planen er nu version 1."
    assert goals.plans(store)["alleroed-2027"].goals[6].target.value == 16
    assert plan_versions.history(store, "alleroed-2027")["fortrudt"].iloc[0].endswith("af bo")
    assert "findes ikke længere" in plan_versions.undo(store, "alleroed-2027", "bo")
    assert "alleroed-2027" not in goals.plans(store)
    with pytest.raises(UndoError):
        plan_versions.undo(store, "alleroed-2027", "bo")


def test_a_stored_version_overrides_the_shipped_plan_and_undo_restores_it(store: Store) -> None:
    text = (PLANS_DIR / "ltk-2022.yaml").read_text(encoding="utf-8").replace(
        "title: ", "title: Revideret ", 1)
    preview = plan_versions.preview_text(store, text, "ltk-2022.yaml")
    assert preview.changes[0].startswith("title: ")
    plan_versions.save(store, preview, "anna")
    assert goals.plans(store)["ltk-2022"].title.startswith("Revideret ")
    assert plan_versions.export_yaml(store, "ltk-2022") == text  # the YAML as saved, comments and all
    assert "leverede" in plan_versions.undo(store, "ltk-2022", "anna")
    assert goals.plans(store)["ltk-2022"] == plan_versions.shipped()["ltk-2022"]


def test_remove_is_one_undoable_step(store: Store) -> None:
    plan_versions.remove(store, "gladsaxe-2022", "anna")
    assert "gladsaxe-2022" not in goals.plans(store)
    with pytest.raises(PlanError):
        plan_versions.export_yaml(store, "gladsaxe-2022")
    plan_versions.undo(store, "gladsaxe-2022", "anna")
    assert "gladsaxe-2022" in goals.plans(store)


def test_a_save_against_a_stale_preview_writes_nothing(store: Store) -> None:
    first = plan_versions.preview_text(store, _copy_text(), "a.yaml")
    plan_versions.save(store, plan_versions.preview_text(store, _copy_text().replace("title: ", "title: X ", 1),
                                                         "a.yaml"), "bo")
    with pytest.raises(PlanVersionStale):
        plan_versions.save(store, first, "anna")
    assert len(store.plan_versions("alleroed-2027")) == 1


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda t: _break_target(t), "goals[6].target.value: skal være et tal"),
    (lambda t: t.replace("benefits: [a-dagpenge-over-1-aar]", "benefits: [dagpenge]", 1),
     "ukendt ydelse 'dagpenge'"),
    (lambda t: t.replace("id: alleroed-2027", "id: Allerød 2027", 1), "id: må kun indeholde små bogstaver"),
    (lambda t: t + "  - [\n", "ugyldig YAML"),
])
def test_a_refused_plan_names_the_path_and_stores_nothing(store: Store, edit, expected: str) -> None:
    bad = edit(_copy_text())
    assert bad != _copy_text()
    with pytest.raises(PlanError) as e:
        plan_versions.preview_text(store, bad, "bad.yaml")
    assert any(p.startswith("bad.yaml: ") and expected in p for p in e.value.problems), e.value.problems
    assert len(store.plan_versions()) == 0


def test_the_form_round_trips_every_shipped_plan_and_places_messages_beside_fields() -> None:
    for pid, plan in plan_versions.shipped().items():
        data = plan_versions.draft_of(plan)
        fields = plan_form.fields(data)
        assert plan_form.check(plan_form.apply(data, {f.path: f.value for f in fields})) == (plan, {}), pid
    data = plan_versions.draft_of(plan_versions.shipped()["alleroed-2022"])
    fields = plan_form.fields(data)
    # every area, benefit, measure and minister goal is a choice, never free text
    kinds = {f.path.split(".")[-1]: f.widget for f in fields}
    assert {kinds[k] for k in ("area", "benefits", "measure", "minister_goals", "municipality")} <= {
        "select", "multiselect"}
    values = {f.path: f.value for f in fields} | {"goals[6].target.value": "ti", "goals[6].target.deadline": "snart",
                                                  "goals[4].baseline.value": "1.234,5"}
    plan, problems = plan_form.check(plan_form.apply(data, values))
    assert plan is None
    placed = plan_form.place(problems, [f.path for f in fields])
    assert placed["goals[6].target.value"] == ["skal være et tal"]
    assert "goals[6].target.deadline" in placed and "goals[4].baseline.value" not in placed


def test_copy_renames_year_and_title() -> None:
    plan = plan_versions.copy_plan(plan_versions.shipped()["alleroed-2022"], "alleroed-2027", 2027)
    assert (plan.id, plan.year, plan.title) == ("alleroed-2027", 2027, "Beskæftigelsesplan 2027")
    assert [g.id for g in plan.goals] == [g.id for g in plan_versions.shipped()["alleroed-2022"].goals]


def test_the_cli_adds_lists_refuses_and_survives_build(db_copy: Path, tmp_path: Path) -> None:
    good = _write(tmp_path, _copy_text(), "alleroed-2027.yaml")
    r = run_cli("plans", "add", str(good), "--user", "anna", db=db_copy)
    assert r.returncode == 0, r.stderr
    assert "Gemt som version 1 af alleroed-2027." in r.stdout and "Fokusområder (6):" in r.stdout
    r = run_cli("plans", "add", str(good), db=db_copy)
    assert r.returncode == 0 and "ingen ændringer" in r.stdout
    listed = run_cli("plans", "list", db=db_copy).stdout
    assert "alleroed-2027" in listed and "anna" in listed
    bad = _write(tmp_path, _break_target(_copy_text()), "broken.yaml")
    r = run_cli("plans", "add", str(bad), db=db_copy)
    assert r.returncode == 1
    assert "broken.yaml: goals[6].target.value: skal være et tal" in r.stderr and "intet er gemt" in r.stderr
    assert run_cli("plans", "list", db=db_copy).stdout == listed
    assert run_cli("build", db=db_copy).returncode == 0
    r = run_cli("goals", "--plan", "alleroed-2027", "--format", "json", db=db_copy)
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == 14
    assert run_cli("plans", "export", "alleroed-2027", db=db_copy).stdout == _copy_text()
    hist = run_cli("plans", "history", "alleroed-2027", db=db_copy)
    assert "ny plan med 14 mål" in hist.stdout
    r = run_cli("plans", "undo", "alleroed-2027", db=db_copy)
    assert r.returncode == 0 and "findes ikke længere" in r.stdout
    assert "alleroed-2027" not in run_cli("plans", "list", db=db_copy).stdout


def test_plans_schema_is_a_json_schema_of_the_plan_format() -> None:
    r = run_cli("plans", "schema")
    assert r.returncode == 0, r.stderr
    schema = json.loads(r.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"id", "municipality", "year", "goals", "focus_areas"} <= set(schema["required"])
    assert schema["properties"]["id"]["pattern"]
    assert "Target" in schema["$defs"]
    # the shipped files are valid against it (the same rules an editor applies)
    jsonschema = pytest.importorskip("jsonschema")
    for path in sorted(PLANS_DIR.glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


def test_a_changed_plan_file_shows_once_the_listing_is_due(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped files are listed at most once a second: within it an edit waits, after it the plans re-read."""
    import os
    import shutil

    plans_dir = tmp_path / "plans"
    shutil.copytree(PLANS_DIR, plans_dir)
    monkeypatch.setattr(plan_versions, "PLANS_DIR", plans_dir)
    monkeypatch.setattr(plan_versions, "load_plans", lambda: plans.load_plans(plans_dir))
    monkeypatch.setattr(plan_versions, "_LISTED", None)
    monkeypatch.setattr(plan_versions, "SIGNATURE_SECONDS", 3600.0)
    before = plan_versions.shipped()
    assert before["alleroed-2022"].title
    path = plans_dir / "alleroed-2022.yaml"
    text = path.read_text(encoding="utf-8")
    old_title = before["alleroed-2022"].title
    assert f"title: {old_title}\n" in text
    path.write_text(text.replace(f"title: {old_title}\n", "title: Ny titel\n", 1), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))  # a later mtime, whatever the clock
    assert plan_versions.shipped()["alleroed-2022"].title == old_title  # within the listing's second
    monkeypatch.setattr(plan_versions, "SIGNATURE_SECONDS", 0.0)
    assert plan_versions.shipped()["alleroed-2022"].title == "Ny titel"
