"""Provenance: every plan reference's quote lies in the section it names (seed 003's OCR allowed for),
the `cite` command, and the matching itself on texts the tests write."""

from pathlib import Path

import pytest

from beskdash import goals, plans, provenance
from beskdash.paths import PLANS_DIR
from tests.conftest import needs_seeds, run_cli

FILES = sorted(PLANS_DIR.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@needs_seeds
def test_every_reference_quotes_the_section_it_names(path: Path) -> None:
    plan = plans.load_plan_file(path)
    sections = provenance.plan_sections(plan)
    refs = provenance.references(plan)
    assert len(refs) > len(plan.goals)  # goals, focus areas, baselines, targets
    for where, ref in refs:
        s = provenance.seed(ref.file or plan.seed_file)
        assert s is not None, f"{path.name}: {where}: kildeteksten {ref.file or plan.seed_file} findes ikke"
        loc = provenance.locate(s, ref.section, ref.quote, sections)
        assert loc.section_line, f"{path.name}: {where}: afsnittet «{ref.section}» findes ikke"
        if ref.quote:
            assert loc.quote_lines, f"{path.name}: {where}: citatet findes ikke: {ref.quote[:60]}"
            assert loc.inside, (f"{path.name}: {where}: citatet (linje {loc.quote_lines[0]}) står ikke i "
                                f"afsnittet «{ref.section}» (linje {loc.section_line})")


SEED = """Indledning
Planens mål er:
1. Flere skal i arbejde

1: Flere skal i arbejde
Kommunen vil have flere i arbejde og
færre på offentlig forsørgelse.

2: Færre langtidsledige på offentlig forsørgelse
Antallet pa sygedagpenge skal nedbringes til 288 helarspersoner (OCR)
"""


def test_a_quote_before_its_sections_heading_is_outside_it() -> None:
    s = provenance.index(SEED)
    sections = ["1: Flere skal i arbejde", "2: Færre langtidsledige på offentlig forsørgelse"]
    listed = provenance.locate(s, "1: Flere skal i arbejde", "1. Flere skal i arbejde", sections)
    assert (listed.section_line, listed.quote_lines, listed.inside) == (5, (3, 3), False)
    own = provenance.locate(s, "1: Flere skal i arbejde", "flere i arbejde og færre på offentlig forsørgelse",
                            sections)
    assert (own.quote_lines, own.inside) == ((6, 7), True)  # across a line break
    # the next section the plan names ends this one
    later = provenance.locate(s, "1: Flere skal i arbejde", "Antallet pa sygedagpenge skal nedbringes", sections)
    assert later.quote_lines == (10, 10) and not later.inside


def test_ocr_spelling_is_found_by_its_skeleton() -> None:
    s = provenance.index(SEED)
    assert provenance.heading_lines(s, "2: Farre langtidsledige pa offentlig forsgrgelse") == [9]
    assert provenance.occurrences(s, "Antallet på sygedagpenge skal nedbringes til 288 helårspersoner") == [(10, 10)]
    assert provenance.occurrences(s, "Ingen steder i teksten står dette") == []


@needs_seeds
def test_a_goals_provenance_has_lines_and_the_marked_passage() -> None:
    p = provenance.for_goal("ltk-2021", "overordnet-offentlig-forsoergelse")
    assert (p.publisher, p.plan_title, p.section_line, p.quote_lines) == \
        ("Lyngby-Taarbæk Kommune", "Beskæftigelsesplan 2021", 240, (242, 244))
    assert [c.number for c in p.context if c.marked] == [242, 243, 244]
    assert p.context[0].number == 239 and p.context[-1].number == 247
    # a plan figure: the number as printed, in its table
    f = provenance.for_section("ltk-2021", "001_a85bbdcae040444f.txt",
                               "Borgere i Lyngby-Taarbæk Kommune fordelt på arbejdsmarkedsstatus", printed="1.043")
    assert f.quote_lines == (115, 115) and "Førtidspension 1.043" in next(c.text for c in f.context if c.marked)


@needs_seeds
def test_cite_prints_section_lines_and_passage() -> None:
    r = run_cli("cite", "ltk-2021", "overordnet-offentlig-forsoergelse", env={"BESKDASH_DB": "/nonexistent.duckdb"})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:3] == ["Udgiver: Lyngby-Taarbæk Kommune", "Plan: Beskæftigelsesplan 2021 (ltk-2021)",
                         "Afsnit: Lyngby-Taarbæk Kommunes mål for beskæftigelsesindsatsen i 2021"]
    assert "Kildefil: 001_a85bbdcae040444f.txt, linje 242-244" in lines
    assert "> 242 | Det overordnede mål med kommunens beskæftigelsesindsats er at nedbringe antallet af" in lines
    assert "  240 | Lyngby-Taarbæk Kommunes mål for beskæftigelsesindsatsen i 2021" in lines


def test_cite_without_the_texts_gives_the_reference_and_says_so(tmp_path: Path) -> None:
    r = run_cli("cite", "ltk-2021", "overordnet-offentlig-forsoergelse",
                env={"BESKDASH_SOURCES_DIR": str(tmp_path), "BESKDASH_DB": str(tmp_path / "none.duckdb")})
    assert r.returncode == 0, r.stderr
    assert "Afsnit: Lyngby-Taarbæk Kommunes mål for beskæftigelsesindsatsen i 2021" in r.stdout
    assert "Citat: »Det overordnede mål med kommunens beskæftigelsesindsats" in r.stdout
    assert "teksten er ikke tilgængelig her" in r.stdout and "Uddrag" not in r.stdout


def test_cite_with_the_database_names_the_imports_and_licence(built_db: Path) -> None:
    r = run_cli("cite", "alleroed-2022", "rm3-ledige-over-1-aar", db=built_db)
    assert r.returncode == 0, r.stderr
    assert "Afsnit: Resultatmål for indsatsen i 2022" in r.stdout
    unknown = run_cli("cite", "alleroed-2022", "intet-mål")
    assert unknown.returncode == 1 and "har intet mål 'intet-mål'" in unknown.stderr


def test_every_goal_is_a_known_reference() -> None:
    for pid, plan in goals.plans().items():
        for g in plan.goals:
            p = provenance.for_goal(pid, g.id)
            assert p.section == g.ref.section and p.publisher == plan.publisher
