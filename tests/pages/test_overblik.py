"""Overblik with AppTest, on the database built from the shipped data."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from beskdash.paths import ROOT
from tests.conftest import needs_dst
from tests.pages.conftest import OpenApp


@pytest.fixture
def app(open_app: OpenApp) -> AppTest:
    return open_app()


@needs_dst
def test_overblik_shows_each_municipality_with_sources(app: AppTest) -> None:
    at = app.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Overblik"
    assert [t.label for t in at.tabs][:4] == ["Lyngby-Taarbæk", "Gladsaxe", "Allerød", "Rudersdal"]
    tables = [t.value for t in at.table]
    # Lyngby-Taarbæk's own plan table: førtidspension 1.043 fuldtidspersoner in 2. kvt. 2020
    ltk = next(t for t in tables if "Førtidspension" in set(t["Ydelse"]))
    row = ltk[ltk["Ydelse"] == "Førtidspension"].iloc[0]
    assert row["Antal"] == "1.043" and row["Periode"] == "2.\u00a0kvt. 2020"
    assert row["Andel"] == "2,9 %" and row["Hele landet, andel"] == "5,8 %"
    # Rudersdal's appendix mixes shares of the labour force and of the population: each says which
    rud = next(t for t in tables if "RAR" not in str(t) and "Fleksjob" in set(t["Ydelse"]) and
               (t["Periode"] == "juni 2020").any())
    assert rud[rud["Ydelse"] == "Fleksjob"]["Andel"].iloc[0] == "1,4 % (af arbejdsstyrken)"
    # AUK01 for Allerød beside Hele landet
    auk = [t for t in tables if "Nettoledige kontanthjælpsmodtagere" in set(t["Ydelse"])]
    assert auk and all(t["Periode"].iloc[0] == "4.\u00a0kvt. 2025" for t in auk)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Kilde: Danmarks Statistik, Statistikbanken AUK01") and "CC BY 4.0" in c for c in captions)
    assert any("Lyngby-Taarbæk Kommune" in c for c in captions)
    assert "Antal: fuldtidspersoner, personer. Andel: andel af befolkningen 16-66 år." in captions


def test_missing_database_says_how_to_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BESKDASH_DB", str(tmp_path / "ingen.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "python -m beskdash build" in at.error[0].value
