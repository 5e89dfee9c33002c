"""Own figures and assessments: the template's rows, the reader's refusals, storage with history and undo."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from beskdash import template
from beskdash.plans import load_plans
from beskdash.readers import own_figures
from beskdash.store import Store, UndoError

PLANS = load_plans()
ALLEROED = PLANS["alleroed-2022"]
HEADER = "plan;mål;periode;værdi;vurdering;note\n"


def _csv(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return (header + "".join(line + "\n" for line in lines)).encode(encoding)


def test_goals_split_into_the_three_kinds_of_evidence() -> None:
    kinds = [template.evidence_kind(g) for p in PLANS.values() for g in p.goals]
    assert (kinds.count(template.SERIES), kinds.count(template.OWN), kinds.count(template.ASSESSMENT)) == (22, 43, 33)


def test_template_rows_take_deadline_and_unprinted_baseline_periods() -> None:
    rows = {(r.goal_id, r.period): r for r in template.rows(ALLEROED)}
    assert ("rm1-virksomhedsbesoeg", "2022") in rows
    # relative target, baseline period named without a figure: both periods
    assert {("rm5-ordinaere-job-efter-aktivering", p) for p in ("2019M12", "2022")} <= set(rows)
    # a direction without a baseline is measured against the year before the plan
    assert ("rm3-intensivt-samtaleforloeb", "2021") in rows
    # series goals are not in the template; a qualitative goal has one row, without a unit
    assert not any(g == "rm4-sygedagpenge-helaarspersoner" for g, _ in rows)
    assert rows[("rm2-en-plan", "2022")].unit == ""
    assert [r.line for r in template.rows(ALLEROED)] == list(range(2, len(rows) + 2))


def test_template_workbook_has_header_rows_and_guide(tmp_path) -> None:
    wb = load_workbook(io.BytesIO(template.workbook(ALLEROED)))
    assert wb.sheetnames == [template.SHEET, template.GUIDE_SHEET]
    ws = wb[template.SHEET]
    cells = list(ws.iter_rows(values_only=True))
    assert list(cells[0]) == template.COLUMNS
    assert len(cells) - 1 == len(template.rows(ALLEROED))
    assert cells[2][:2] == ("alleroed-2022", "rm1-virksomhedsbesoeg") and cells[2][4] == "2022"
    assert ws.data_validations.dataValidation[0].formula1 == '"nået,på vej,ikke på vej"'
    assert "periode" in " ".join(str(c.value) for c in wb[template.GUIDE_SHEET]["A"]).lower()


def test_csv_with_one_value_is_read() -> None:
    raw = _csv("alleroed-2022;rm1-virksomhedsbesoeg;2022;11;;optalt i CRM")
    assert own_figures.sniff_csv(raw.decode().splitlines()[0])
    res = own_figures.read(raw, "egne.csv", PLANS)
    assert res.problems == []
    assert res.frame[["plan", "goal_id", "period", "value", "note"]].values.tolist() == [
        ["alleroed-2022", "rm1-virksomhedsbesoeg", "2022", 11.0, "optalt i CRM"]]


def test_csv_windows_1252_danish_number_and_headerless() -> None:
    raw = _csv("alleroed-2022;rm5-selvforsoergende-integrationsprogram;december 2022;57,5;;Fasit, sårbare",
               header="", encoding="cp1252")
    res = own_figures.read(raw, "egne.csv", PLANS)
    assert res.problems == []
    assert res.frame["period"].tolist() == ["2022M12"] and res.frame["value"].tolist() == [57.5]
    assert res.frame["note"].tolist() == ["Fasit, sårbare"]


@pytest.mark.parametrize(("line", "column", "why"), [
    ("ukendt-plan;rm1-virksomhedsbesoeg;2022;11;;", "plan", "er ikke en kendt plan"),
    ("alleroed-2022;rm9-findes-ikke;2022;11;;", "mål", "er ikke et mål i planen alleroed-2022"),
    ("alleroed-2022;rm2-en-plan;2022;3;;", "værdi", "målet er kvalitativt"),
    ("alleroed-2022;rm1-virksomhedsbesoeg;2022;;nået;", "vurdering", "er en vurdering"),
    ("alleroed-2022;rm1-virksomhedsbesoeg;2022;elleve;;", "værdi", "er ikke et tal"),
    ("alleroed-2022;rm1-virksomhedsbesoeg;2022;12.5;;", "værdi", "er ikke et tal"),
    ("alleroed-2022;rm5-selvforsoergende-integrationsprogram;2022M12;157;;", "værdi", "uden for 0–100"),
    ("alleroed-2022;rm1-virksomhedsbesoeg;2021;11;;", "periode", "er ikke en periode, målet"),
    ("alleroed-2022;rm4-sygedagpenge-helaarspersoner;2022;200;;", "mål", "følges af en dataserie"),
    ("alleroed-2022;rm2-en-plan;2022;;måske;", "vurdering", "skal være nået, på vej eller ikke på vej"),
])
def test_refusals_name_file_row_and_column(line: str, column: str, why: str) -> None:
    res = own_figures.read(_csv("alleroed-2022;rm1-rekrutteringsevents;2022;2;;", line), "egne.csv", PLANS)
    assert len(res.problems) == 1
    p = res.problems[0]
    assert (p.file, p.row, p.column) == ("egne.csv", 3, column)
    assert why in p.why
    assert p.message().startswith("egne.csv, linje 3, kolonne " + column)


def test_filled_template_is_read(tmp_path) -> None:
    wb = load_workbook(io.BytesIO(template.workbook(ALLEROED)))
    ws = wb[template.SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[3].value:
            row[5].value = 50
        else:
            row[6].value, row[7].value = "på vej", "samarbejdet er i gang"
    buf = io.BytesIO()
    wb.save(buf)
    raw = buf.getvalue()
    assert own_figures.sniff_xlsx(raw)
    res = own_figures.read(raw, "skabelon.xlsx", PLANS)
    assert res.problems == [] and len(res.frame) == len(template.rows(ALLEROED))
    assert set(res.frame["assessment"].dropna()) == {"på vej"}


def test_store_keeps_history_and_undo_restores(store: Store) -> None:
    first = own_figures.read(_csv("alleroed-2022;rm1-virksomhedsbesoeg;2022;11;;CRM"), "a.csv", PLANS).frame
    r1 = store.apply_goal_figures(first, "alleroed-2022", username="anna", file_name="a.csv", sha256="x",
                                  fmt=own_figures.FORMAT_CSV)
    assert r1.diff.new == 1
    got = store.goal_figures("alleroed-2022")
    assert got[["goal_id", "value", "username", "file_name"]].values.tolist() == [
        ["rm1-virksomhedsbesoeg", 11.0, "anna", "a.csv"]]
    second = own_figures.read(_csv("alleroed-2022;rm1-virksomhedsbesoeg;2022;9;;rettet"), "b.csv", PLANS).frame
    assert store.diff_goal_figures(second).changed == 1
    r2 = store.apply_goal_figures(second, "alleroed-2022", username="bo", file_name="b.csv", sha256="y",
                                  fmt=own_figures.FORMAT_CSV)
    assert store.apply_goal_figures(second, "alleroed-2022", username="bo", file_name="b.csv", sha256="y",
                                    fmt=own_figures.FORMAT_CSV).import_id is None
    with pytest.raises(UndoError):
        store.undo(r1.import_id)
    store.undo(r2.import_id)
    assert store.goal_figures()[["value", "note", "username"]].values.tolist() == [[11.0, "CRM", "anna"]]
    store.undo(r1.import_id)
    assert store.goal_figures().empty
    hist = store.goal_figure_history("alleroed-2022")
    assert hist["import_id"].tolist() == [r2.import_id, r1.import_id] and hist["undone_at"].notna().all()


def test_export_carries_provenance_and_reimports_as_no_change(store: Store) -> None:
    from beskdash import exports

    raw = _csv("alleroed-2022;rm5-selvforsoergende-integrationsprogram;2022M12;57,5;;Fasit",
               "alleroed-2022;rm2-en-plan;2022;;på vej;Planerne er i gang")
    frame = own_figures.read(raw, "a.csv", PLANS).frame
    store.apply_goal_figures(frame, "alleroed-2022", username="anna", file_name="a.csv", sha256=None,
                             fmt=own_figures.FORMAT_CSV)
    text = exports.goal_figures_csv(store.goal_figures())
    lines = text.splitlines()
    assert lines[0] == "plan;mål;periode;værdi;vurdering;note;indtastet_af;indtastet;fil;import"
    assert lines[1].startswith("alleroed-2022;rm2-en-plan;2022;;på vej;Planerne er i gang;anna;")
    assert lines[2].startswith("alleroed-2022;rm5-selvforsoergende-integrationsprogram;2022M12;57,5;;Fasit;anna;")
    again = own_figures.read(text.encode(), "eksport.csv", PLANS)
    assert again.problems == [] and store.diff_goal_figures(again.frame).is_noop


def test_provenance_in_words(store: Store) -> None:
    from beskdash import evidence

    frame = own_figures.read(_csv("alleroed-2022;rm1-virksomhedsbesoeg;2022;11;;"), "a.csv", PLANS).frame
    store.apply_goal_figures(frame, "alleroed-2022", username="anna", file_name="a.csv", sha256=None,
                             fmt=own_figures.FORMAT_CSV)
    e = evidence.entries(store.goal_figures(), "alleroed-2022", "rm1-virksomhedsbesoeg")[0]
    assert e.provenance() == f"Egne tal, indtastet af anna, {evidence.date_da(e.entered_at)}"
    assert evidence.date_da(dt.date(2023, 3, 12)) == "12. marts 2023"
    pts = evidence.points(store.goal_figures(), "alleroed-2022", "rm1-virksomhedsbesoeg")
    assert pts[["period", "kind", "value"]].values.tolist() == [["2022", "year", 11.0]]


def test_a_value_typed_on_the_page_is_an_own_figures_file() -> None:
    from beskdash import evidence

    raw = evidence.one_value_csv("alleroed-2022", "rm1-virksomhedsbesoeg", "2022", "11", "", "CRM; optalt")
    res = own_figures.read(raw, "indtastet.csv", PLANS)
    assert res.problems == [] and res.frame[["value", "note"]].values.tolist() == [[11.0, "CRM; optalt"]]
    bad = own_figures.read(evidence.one_value_csv("alleroed-2022", "rm2-en-plan", "2022", "3"), "x.csv", PLANS)
    assert [p.column for p in bad.problems] == ["værdi"]


def test_scorecard_counts_by_status_and_kind() -> None:
    from types import SimpleNamespace

    from beskdash import evidence

    results = [SimpleNamespace(goal_id=g.id, status="nået" if g.id == "rm1-virksomhedsbesoeg" else
                               "kan ikke vurderes") for g in ALLEROED.goals]
    card = evidence.scorecard(ALLEROED, results).set_index("Status")
    assert card.loc["nået", "Egne tal"] == 1 and card.loc["I alt", "I alt"] == len(ALLEROED.goals)
    assert card.loc["kan ikke vurderes", "Jobcentrets vurdering"] == 3


# --- Through the import pipeline, judged by the engine ------------------------------------------

def _import(capsys, db, path) -> tuple[int, str, str]:
    from beskdash.__main__ import main

    code = main(["import", str(path), "--db", str(db), "--user", "anna"])
    out, err = capsys.readouterr()
    return code, out, err


def _results(db) -> dict:
    from beskdash import goals

    with Store(db, read_only=True) as s:
        return {r.goal_id: r for r in goals.evaluate_plan(s, "alleroed-2022")}


def test_one_value_makes_its_goal_met(db_copy, tmp_path, capsys) -> None:
    from beskdash.status import Status
    from beskdash.text import goals as say

    f = tmp_path / "egne.csv"
    f.write_bytes(_csv("alleroed-2022;rm1-virksomhedsbesoeg;2022;11;;optalt i CRM"))
    code, _out, err = _import(capsys, db_copy, f)
    assert code == 0, err
    r = _results(db_copy)["rm1-virksomhedsbesoeg"]
    assert (r.status, r.latest, r.latest_period) == (Status.NAAET, 11, "2022")
    assert say.provenance_line(r).startswith("Egne tal, indtastet af anna, ")
    assert "egne:alleroed-2022" in r.sources


def test_an_unknown_goal_is_refused_and_the_export_is_byte_identical(db_copy, tmp_path, capsys) -> None:
    from beskdash.__main__ import main

    def export() -> str:
        main(["export", "--db", str(db_copy)])
        return capsys.readouterr().out

    before = export()
    f = tmp_path / "egne.csv"
    f.write_bytes(_csv("alleroed-2022;rm1-virksomhedsbesoeg;2022;11;;", "alleroed-2022;rm9-ukendt;2022;3;;"))
    code, _out, err = _import(capsys, db_copy, f)
    assert code == 1 and "egne.csv, linje 3, kolonne mål: 'rm9-ukendt' er ikke et mål i planen alleroed-2022" in err
    assert export() == before
    with Store(db_copy, read_only=True) as s:
        assert s.goal_figures().empty


def test_a_filled_template_leaves_no_goal_without_a_series_unjudged(db_copy, tmp_path, capsys) -> None:
    from beskdash.__main__ import main
    from beskdash.status import Status

    out_file = tmp_path / "skabelon.xlsx"
    assert main(["template", "--plan", "alleroed-2022", "--output", str(out_file)]) == 0
    wb = load_workbook(out_file)
    ws = wb[template.SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[3].value:  # a number: 40 for a baseline period, 50 at the deadline
            row[5].value = 40 if row[4].value in ("2019M12", "2021") else 50
        else:
            row[6].value, row[7].value = "på vej", "Samarbejdet er etableret; første forløb i gang"
    wb.save(out_file)
    code, _out, err = _import(capsys, db_copy, out_file)
    assert code == 0, err
    results = _results(db_copy)
    own = [r for r in results.values() if r.evidence != template.SERIES]
    assert len(own) == 10 and all(r.status is not Status.KAN_IKKE for r in own)
    q = results["rm2-en-plan"]
    assert (q.status, q.reason.value) == (Status.PAA_VEJ, "assessed")
    from beskdash.text import goals as say

    assert say.reason(q).startswith("jobcentrets egen vurdering for 2022 (ikke beregnet), indtastet af anna ")
    assert say.reason(q).endswith("«Samarbejdet er etableret; første forløb i gang»")
    # undo puts every goal back
    with Store(db_copy) as s:
        s.undo(int(s.imports()["id"].iloc[0]))
    assert all(r.status is Status.KAN_IKKE for r in _results(db_copy).values() if r.evidence != template.SERIES)


def test_report_carries_own_figures_with_authors_and_what_changed_since_the_last_report(store: Store) -> None:
    from beskdash import report

    raw = _csv("alleroed-2022;rm1-virksomhedsbesoeg;2022;11;;optalt i CRM",
               "alleroed-2022;rm2-en-plan;2022;;på vej;Planerne er i gang")
    frame = own_figures.read(raw, "egne.csv", PLANS).frame
    store.apply_goal_figures(frame, "alleroed-2022", username="anna", file_name="egne.csv", sha256=None,
                             fmt=own_figures.FORMAT_CSV)
    rep = report.build(store, "alleroed-2022")
    assert rep.previous is not None
    changed = {now.goal_id: (str(then.status), str(now.status)) for then, now in rep.changes}
    assert changed == {"rm1-virksomhedsbesoeg": ("kan ikke vurderes", "nået"),
                       "rm2-en-plan": ("kan ikke vurderes", "på vej")}
    html = report.to_html(rep)
    assert "<h2>Ændret siden sidste rapport</h2>" in html
    assert "Egne tal, indtastet af anna, " in html and "optalt i CRM" in html
    assert "jobcentrets egen vurdering for 2022 (ikke beregnet), indtastet af anna" in html
    assert "«Planerne er i gang»" in html
