"""The *Kilde* expander beside figures: section, quote as printed, its lines and the passage around it
(Målopfølgning, Mål i detaljer, Overblik, Datakvalitet)."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from beskdash.paths import ROOT
from tests.conftest import needs_seeds


def _run(db: Path, page: str, **params: str) -> AppTest:
    path = ROOT / "app.py" if page == "overblik" else ROOT / "pages" / f"{page}.py"  # the start page
    at = AppTest.from_file(str(path), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def _kilder(at: AppTest) -> list:
    found = [e for e in at.expander if e.label == "Kilde"]
    assert found, "ingen Kilde-udvidelse på siden"
    return found


def _texts(exp) -> list[str]:
    """The expander's text as a reader sees it (markdown escapes removed)."""
    md = [m.value for m in exp.markdown] + [c.value for c in exp.caption]
    return [re.sub(r"\\(.)", r"\1", t) for t in md] + [c.value for c in exp.code]


@needs_seeds
def test_maal_i_detaljer_shows_section_quote_lines_and_passage(db: Path) -> None:
    at = _run(db, "maal_detaljer", plan="ltk-2021", maal="overordnet-offentlig-forsoergelse")
    (exp,) = _kilder(at)
    texts = _texts(exp)
    assert any("Afsnit: Lyngby-Taarbæk Kommunes mål for beskæftigelsesindsatsen i 2021" in t for t in texts)
    assert any(t.startswith("> Det overordnede mål med kommunens beskæftigelsesindsats er at nedbringe") for t in texts)
    assert "001_a85bbdcae040444f.txt, linje 242-244" in texts
    passage = exp.code[0].value.splitlines()
    assert passage[0].split() == ["239", "│"] and len(passage) == 9  # three lines either side
    assert [ln[0] for ln in passage if "│ borgere på offentlig forsørgelse – herunder" in ln] == ["»"]  # marked
    assert [ln[0] for ln in passage if "mål, som bliver udmeldt" in ln] == [" "]  # context, not marked


def test_without_the_texts_the_reference_says_so(db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BESKDASH_SOURCES_DIR", str(tmp_path))  # an empty folder: no seed texts
    at = _run(db, "maal_detaljer", plan="alleroed-2022", maal="rm3-ledige-over-1-aar")
    texts = _texts(_kilder(at)[0])
    assert any("Afsnit: Resultatmål for indsatsen i 2022" in t for t in texts)
    assert any(t.startswith("> Antallet af forsikrede ledige som har mere end 1 ars ledighed") for t in texts)
    assert "003_98bc0b3f99bc6ce2.txt: planens tekst er ikke tilgængelig her." in texts


@needs_seeds
def test_maalopfoelgning_has_one_kilde_per_goal_with_its_section(db: Path) -> None:
    at = _run(db, "maalopfoelgning", plan="alleroed-2022")
    kilder = _kilder(at)
    assert len(kilder) == 14
    texts = [t for e in kilder for t in _texts(e)]
    # the OCR text of seed 003 is found all the same
    assert any(t.startswith("> Der afholdes arligt to rekrutteringsevents") for t in texts)
    assert "003_98bc0b3f99bc6ce2.txt, linje 170-171" in texts


@needs_seeds
def test_overblik_names_the_table_the_plan_figures_come_from(db: Path) -> None:
    at = _run(db, "overblik")
    texts = [t for e in _kilder(at) for t in _texts(e)]
    assert any("Afsnit: Borgere i Lyngby-Taarbæk Kommune fordelt på arbejdsmarkedsstatus" in t for t in texts)
    assert any(t.startswith("001_a85bbdcae040444f.txt, linje ") for t in texts)
    # an imported source: its licence and the import that brought the figures
    assert any(t.startswith("Kilde: Danmarks Statistik") and "licens: CC BY 4.0" in t for t in texts)
    assert any(re.match(r"Import: \S*AUK01\S*\.csv, af build, \d{4}-\d\d-\d\d \d\d:\d\d, sha256 [0-9a-f]{64}$", t)
               for t in texts), [t for t in texts if t.startswith("Import")][:3]


@needs_seeds
def test_datakvalitet_findings_open_their_quote_in_the_seed(db: Path) -> None:
    at = _run(db, "datakvalitet")
    texts = [t for e in _kilder(at) for t in _texts(e)]
    assert any(t.startswith("Afsnit: ") or "Afsnit: " in t for t in texts)
    assert any(t.startswith("> ") for t in texts)
    assert any(".txt, linje " in t for t in texts)
