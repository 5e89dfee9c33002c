"""Every transcribed figure is read back out of its seed file, in the notation it was printed in."""

import csv
import re
from pathlib import Path

import pytest

from beskdash import numbers
from beskdash.paths import DATA_DIR
from beskdash.readers import plan_figures
from tests.conftest import needs_seeds

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
FILES = sorted((DATA_DIR / "plan_figures").glob("*.csv"))


def _seed(name: str) -> str:
    assert SEEDS.is_dir(), f"{SEEDS} mangler: ../shared skal ligge ved siden af repoet"
    return (SEEDS / name).read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _skeleton(text: str) -> str:
    """Consonants only, without the letters OCR confuses with æ/ø/å (seed 003 is an OCR text)."""
    return re.sub(r"[^bcfhjklmnpqrstvwx]", "", text.lower())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@needs_seeds
def test_every_figure_is_printed_in_its_seed(path: Path) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for n, r in enumerate(rows, start=2):
        seed = _seed(r["seed_file"])
        # the number as printed, standing alone (not part of a longer number)
        pat = r"(?<![\d.,])" + re.escape(r["printed"]) + r"(?![\d]|[.,]\d)"
        assert re.search(pat, seed), f"{path.name} linje {n}: '{r['printed']}' findes ikke i {r['seed_file']}"
        section = r["seed_section"].split(": ", 1)[-1]
        assert _skeleton(section)[:30] in _skeleton(seed), f"{path.name} linje {n}: afsnit '{section}' findes ikke"
        printed = r["printed"].rstrip("%").strip()
        assert numbers.parse_da(printed) == pytest.approx(float(r["value"])), f"{path.name} linje {n}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_reader_accepts_every_file(path: Path) -> None:
    pf = plan_figures.read(path)
    assert pf.problems == []
    assert (pf.frame["source"] == f"plan:{path.stem}").all()


def test_ltk_2021_table_is_complete() -> None:
    pf = plan_figures.read(DATA_DIR / "plan_figures" / "ltk-2021.csv")
    counts = pf.frame[(pf.frame.area_code == "173") & (pf.frame.measure == "fuldtidspersoner")]
    # 12 categories + total + beskæftigede, SU-modtagere, øvrige
    assert len(counts) == 16
    assert counts.set_index("benefit")["value"]["offentlig-forsoergelse-i-alt"] == 4171
    assert (pf.frame["period"] == "2020Q2").all()
    assert len(pf.changes) > 0 and set(pf.changes["measure"]) == {"aendring-pct-point"}


def test_rudersdal_appendix_is_complete() -> None:
    pf = plan_figures.read(DATA_DIR / "plan_figures" / "rudersdal-2021.csv")
    # 11 tables × 3 areas × 2 periods of counts
    counts = pf.frame[pf.frame.measure == "fuldtidspersoner"]
    assert len(counts) == 66
    assert set(counts["area_code"]) == {"230", "rar-hovedstaden", "oestdanmark"}
    assert len(pf.changes) == 33
