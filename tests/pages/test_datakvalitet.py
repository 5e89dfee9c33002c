"""Datakvalitet with AppTest, on the database built from the shipped data."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from beskdash.paths import ROOT


@pytest.fixture
def app(db_copy: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("BESKDASH_DB", str(db_copy))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/datakvalitet.py")
    return at


def _plain(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def _cards(at: AppTest) -> list[dict[str, str]]:
    """Each finding's heading, printed figure and what the data says, in page order."""
    texts = [_plain(m.value) for m in at.markdown]
    heads = [i for i, t in enumerate(texts) if t.startswith("**") and " · " in t.split("**")[1]]
    return [{"head": texts[i], "printed": texts[i + 1].removeprefix("**Trykt:** "),
             "data": texts[i + 2].removeprefix("**Data siger:** ")} for i in heads]


def test_findings_with_both_sides_and_sources(app: AppTest) -> None:
    at = app.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Datakvalitet"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["⛔ fejl"] == "1" and metrics["⚠️ advarsel"] == "2" and metrics["ℹ️ info"] == "20"
    cards = _cards(at)
    assert len(cards) == 23  # 13 of them figures printed only in the running text
    swap = cards[0]  # the worst first
    assert swap["head"].startswith("**⛔ fejl · Rudersdal 2021** · Tekst mod tabel: Østdanmark og RAR Hovedstaden")
    assert swap["printed"] == "Østdanmark 13 pct., RAR Hovedstaden 11 pct."
    assert swap["data"].startswith("Tabellen: Østdanmark 11%, RAR Hovedstaden 13%")
    ltk = [c for c in cards if "Lyngby-Taarbæk 2021" in c["head"]]
    assert "11,8 %" in {c["printed"] for c in ltk} and all("ℹ️ info" in c["head"] for c in ltk)
    captions = [_plain(c.value) for c in at.caption]
    where = "Trykt i 004_e6d614d1086e61d6.txt · Bilag: Samlet på offentlig forsørgelse"
    assert any(c.startswith(where) for c in captions)
    assert any(c.startswith("Kilde: ") and "Rudersdal Kommune" in c for c in captions)
    assert [e.label for e in at.expander] == ["Sådan kontrolleres tallene", "Kontroller, der passer (66)"]


def test_filters_come_from_and_go_to_the_url(app: AppTest) -> None:
    app.query_params["alvor"] = "advarsel"
    at = app.run()
    assert not at.exception, at.exception
    cards = _cards(at)
    assert len(cards) == 2 and all(c["head"].startswith("**⚠️ advarsel") for c in cards)
    at.selectbox(key="dq_plan").set_value("alleroed-2022").run()
    cards = _cards(at)
    assert len(cards) == 1 and "Allerød 2022" in cards[0]["head"] and "2020-21" in cards[0]["printed"]
    footer = next(c.value for c in at.caption if c.value.startswith("Kilde: "))
    assert "Allerød Kommune" in footer and "Rudersdal" not in footer
    assert at.query_params["plan"] == "alleroed-2022" and at.query_params["alvor"] == "advarsel"
    at.multiselect(key="dq_alvor").set_value(["fejl"]).run()
    assert _cards(at) == []
    assert at.success[0].value == "Ingen fund for de valgte filtre."


def test_a_hand_edited_link_never_crashes(app: AppTest) -> None:
    app.query_params["alvor"] = "katastrofe"
    app.query_params["plan"] = "findes-ikke"
    at = app.run()
    assert not at.exception, at.exception
    assert len(_cards(at)) == 23
