"""Målopfølgning with AppTest on the database built from the shipped data."""


import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Markdown

from beskdash import goals, plan_versions, template
from tests.pages.conftest import ANALYST_SECRETS, OpenApp, button, login


@pytest.fixture
def page(open_app: OpenApp) -> AppTest:
    return open_app("pages/maalopfoelgning.py")


def _texts(at: AppTest) -> str:
    """Everything the page writes, with Markdown's backslash escapes removed."""
    text = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])
    return text.replace("\\", "")


def _charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def _linked_goals(at: AppTest) -> list[str]:
    """The goal ids of the rows shown, from their links to Mål i detaljer."""
    return [m.value.split("maal=")[1].split('"')[0] for m in at.markdown if m.value.startswith('<a href="maal?')]


def test_allerod_plan_from_the_url_shows_every_goal_with_status_gap_and_source(page: AppTest) -> None:
    page.query_params["plan"] = "alleroed-2022"
    at = page.run()
    assert not at.exception, at.exception
    assert at.header[0].value == "Allerød: Beskæftigelsesplan 2022"
    text = _texts(at)
    for g in goals.plans()["alleroed-2022"].goals:  # every goal title as text, linked to its detail page
        assert f"**{g.title}**" in text
        assert f'maal={g.id}" target="_self">Se målet i detaljer</a>' in text
    assert "Antallet af helårspersoner på sygedagpenge skal nedbringes til 288 helårspersoner i 2022" in text
    assert at.markdown[0].value == "14 mål: 0 nået, 0 på vej, 1 ikke på vej, 13 kan ikke vurderes."
    # status as icon + word + colour, the reason beside it
    badge = next(m.value for m in at.markdown if "✖ ikke på vej" in m.value)
    assert "background:#D55E00" in badge and "tendensen fremskrevet til december 2022" in badge
    assert "37 personer (231,2 %) over målet på 16." in text
    # missing data is said, with the extract that would fill it
    assert "mangler data efter 2019" in text
    assert ("Data, der ville gøre målet vurderbart: jobindsats.dk Y07A02 sygedagpenge, fuldtidspersoner, Allerød, "
            "månedlig 2020–2022") in text
    # period and source under each row; the plan's benchmark named
    assert "Seneste: 53 personer (juli 2021) · udgangspunkt: 16 personer (december 2019, trykt i planen)" in text
    assert "Kilde: Allerød Kommune: Beskæftigelsesplan 2022" in text
    assert "Planen sammenligner udviklingen med Hørsholm og Egedal." in text
    # bullet charts for goals with numbers, none for qualitative goals
    alts = [c.proto.alt for c in _charts(at)]
    assert "Diagram: seneste 53 personer (juli 2021), mål ≤ 16 personer, udgangspunkt 16 personer (december 2019)." \
        " Status: ikke på vej." in alts
    # seven goals have a number to draw (2 events, 10 visits, 24 hours, 16, 9,9, 288, 57 %); the relative
    # targets without a printed level and the named indicators without data have none
    assert len(alts) == 7
    assert at.query_params["plan"] == "alleroed-2022"


def test_status_filter_comes_from_the_url(page: AppTest) -> None:
    page.query_params["plan"] = "alleroed-2022"
    page.query_params["status"] = "ikke-paa-vej"
    at = page.run()
    assert not at.exception
    assert [m.value for m in at.markdown if m.value.startswith("<a ")] == [
        '<a href="maal?plan=alleroed-2022&amp;maal=rm3-ledige-over-1-aar" target="_self">Se målet i detaljer</a>']
    assert at.multiselect[1].value == ["ikke-paa-vej"]


def test_focus_filter_comes_from_the_url(page: AppTest) -> None:
    page.query_params["plan"] = "alleroed-2022"
    page.query_params["fokus"] = "rm4"
    at = page.run()
    assert not at.exception
    assert _linked_goals(at) == ["rm4-sygedagpenge-varighed", "rm4-sygedagpenge-helaarspersoner"]
    assert [s.value for s in at.subheader] == ["Antallet af helårspersoner på sygedagpenge skal nedbringes"]


def test_choosing_in_the_widgets_writes_the_url(page: AppTest) -> None:
    page.query_params["plan"] = "alleroed-2022"
    at = page.run()
    at.selectbox[0].set_value("gladsaxe-2022").run()
    assert not at.exception
    assert at.query_params["plan"] == "gladsaxe-2022"
    assert at.header[0].value == "Gladsaxe: Beskæftigelsesplan 2022"
    at.multiselect[1].set_value(["kan-ikke-vurderes"]).run()
    assert at.query_params["status"] == "kan-ikke-vurderes"
    at.multiselect[0].set_value(["erhvervsby"]).run()
    assert at.query_params["fokus"] == "erhvervsby"
    assert [s.value for s in at.subheader] == ["Attraktiv erhvervsby med jobvækst"]
    assert "3,1 %" in _texts(at)


def test_a_hand_edited_link_never_crashes(page: AppTest) -> None:
    page.query_params["plan"] = "roskilde-2030"
    page.query_params["status"] = "fint"
    page.query_params["fokus"] = "x,y"
    at = page.run()
    assert not at.exception
    assert at.header[0].value == "Allerød: Beskæftigelsesplan 2022"
    assert at.multiselect[0].value == [] and at.multiselect[1].value == []


def test_rudersdal_carries_the_unpublished_targets(page: AppTest) -> None:
    page.query_params["plan"] = "rudersdal-2021"
    at = page.run()
    assert not at.exception
    text = _texts(at)
    assert text.count("planen offentliggør ikke målet («På Erhvervsudvalgets møde i marts 2021") == 6
    assert "Mål 1: Kommunen skal understøtte en helhedsorienteret indsats" in text
    # the only chart is the overall goal's level from the plan's appendix; nothing is drawn for the six groups
    assert [c.proto.alt for c in _charts(at)] == [
        "Diagram: skal under 3.313 fuldtidspersoner, udgangspunkt 3.313 fuldtidspersoner (april 2020). "
        "Status: kan ikke vurderes."]


def test_a_broken_plan_file_is_reported_in_danish(page: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    from beskdash.plans import PlanError

    def broken(store: object = None) -> dict:
        raise PlanError(["alleroed-2022.yaml: goals[3].target.value: mangler (et absolut mål skal have en værdi)"])

    monkeypatch.setattr(plan_versions, "current", broken)
    at = page.run()
    assert not at.exception
    assert "alleroed-2022.yaml: goals[3].target.value: mangler" in at.error[0].value
    assert not at.header


def test_plan_summary_and_the_committee_report_for_download(page: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from pypdf import PdfReader
    from streamlit.runtime.media_file_manager import MediaFileManager

    # The buttons make their files when clicked; keep what each would make, to make it here.
    made: dict[str, object] = {}
    add = MediaFileManager.add_deferred

    def keep(self: MediaFileManager, data_callable: object, mimetype: str | None, coordinates: str,
             file_name: str | None = None, **kw: object) -> str:
        made[file_name] = data_callable
        return add(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    page.query_params["plan"] = "alleroed-2022"
    at = page.run()
    assert not at.exception, at.exception
    assert at.markdown[1].value.replace("\\", "") == (
        "Ikke på vej: Forsikrede ledige med over 1 års ledighed. 13 mål kan ikke vurderes: 3 er kvalitative og for "
        "10 mangler der data.")
    assert [b.proto.label for b in at.get("download_button")] == [
        "Hent rapport (HTML)", "Hent rapport (PDF)", "Hent skabelon til egne tal (Excel)",
        "Hent indtastede egne tal og vurderinger (CSV)"]
    assert set(made) == {"ledelsesinformation-alleroed-2022.html", "ledelsesinformation-alleroed-2022.pdf",
                         "egne-tal-alleroed-2022.xlsx", "egne-tal-indtastet-alleroed-2022.csv"}
    assert made["egne-tal-indtastet-alleroed-2022.csv"]().decode().startswith("plan;mål;periode;værdi;vurdering")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(made["egne-tal-alleroed-2022.xlsx"]()))
    assert wb["Egne tal"]["B3"].value == "rm1-virksomhedsbesoeg"
    doc = made["ledelsesinformation-alleroed-2022.html"]().decode("utf-8")
    assert "<title>Ledelsesinformation: Allerød: Beskæftigelsesplan 2022</title>" in doc
    assert "53 personer i juli 2021, 37 over målet på 16" in doc
    pdf = PdfReader(io.BytesIO(made["ledelsesinformation-alleroed-2022.pdf"]()))
    assert len(pdf.pages) >= 4 and "Beskæftigelsesplan 2022" in pdf.pages[0].extract_text()


def test_scorecard_counts_goals_by_status_and_kind_of_evidence(page: AppTest) -> None:
    page.query_params["plan"] = "alleroed-2022"
    at = page.run()
    assert not at.exception, at.exception
    card = at.table[0].value.set_index("Status")
    assert list(card.columns) == ["Dataserie", "Egne tal", "Jobcentrets vurdering", "I alt"]
    assert card.loc["I alt", "I alt"] == len(goals.plans()["alleroed-2022"].goals)
    assert (card.loc["I alt", "Egne tal"], card.loc["I alt", "Jobcentrets vurdering"]) == (7, 3)
    assert card.loc["ikke på vej", "Dataserie"] == 1
    text = _texts(at)
    assert "Grundlag: Jobcentrets vurdering" in text and "Grundlag: Egne tal" in text
    assert "skabelonen til egne tal (ark 'Egne tal'), række 3: mål rm1-virksomhedsbesoeg" in text


# --- one own figure typed on the page (analysts) ---------------------------------------------------

def _in_order(node) -> list[str]:
    """The Markdown and caption texts under `node`, in the page's order."""
    children = getattr(node, "children", None)
    if children is None:
        return [node.value] if isinstance(node, Markdown) else []
    return [t for k in sorted(children) for t in _in_order(children[k])]


def _goal_block(at: AppTest, plan_id: str, goal_id: str) -> str:
    """The texts of one goal's row, from its title to its link to Mål i detaljer."""
    title = next(g.title for g in goals.plans()[plan_id].goals if g.id == goal_id)
    texts = [t.replace("\\", "") for t in _in_order(at.main)]  # Markdown's escapes removed
    start = texts.index(f"**{title}**")
    end = next(i for i, t in enumerate(texts) if f"maal={goal_id}\"" in t)
    return "\n".join(texts[start:end + 1])


def test_analyst_types_one_value_confirms_sees_it_met_and_undoes_it_on_upload(open_app: OpenApp) -> None:
    at = login(open_app(secrets=ANALYST_SECRETS))
    at.switch_page("pages/maalopfoelgning.py")
    at.query_params["plan"] = "alleroed-2022"
    at.run()
    assert not at.exception, at.exception
    goal = "rm1-virksomhedsbesoeg"
    assert "? kan ikke vurderes" in _goal_block(at, "alleroed-2022", goal)
    row = next(s for s in at.selectbox if s.label == "Mål og periode")
    row.set_value(next(r for r in template.rows(goals.plans()["alleroed-2022"]) if r.goal_id == goal))
    next(t for t in at.text_input if t.label.startswith("Værdi")).input("11")
    next(t for t in at.text_input if t.label.startswith("Note")).input("optalt i CRM")
    button(at, "Vis ændringen").click().run()
    assert not at.exception, at.exception
    # the preview: what is about to change, and nothing written yet
    assert [h.value for h in at.header if h.value == "Forhåndsvisning"] == ["Forhåndsvisning"]
    own = next(d.value for d in at.dataframe if "Mål" in d.value.columns)
    assert own[["Mål", "Periode", "Før", "Nu", "Note"]].values.tolist() == [[goal, "2022", "–", "11", "optalt i CRM"]]
    assert "? kan ikke vurderes" in _goal_block(at, "alleroed-2022", goal)
    button(at, "Gem tallet").click().run()
    assert not at.exception, at.exception
    block = _goal_block(at, "alleroed-2022", goal)
    assert "✔ nået" in block, block
    assert "Egne tal, indtastet af anna" in block
    # undone on Upload's Importhistorik, the goal is back where it was
    at.switch_page("pages/upload.py").run()
    assert not at.exception, at.exception
    undo = next(s for s in at.selectbox if s.label == "Fortryd en import")
    chosen = undo.value  # the newest import: the one just confirmed
    assert "indtastet.csv (anna" in undo.format_func(chosen)
    button(at, "Fortryd import").click().run()
    done = [s.value for s in at.success]
    assert any(t.startswith(f"Import {chosen} er fortrudt") for t in done), done
    at.switch_page("pages/maalopfoelgning.py").run()
    assert not at.exception, at.exception
    block = _goal_block(at, "alleroed-2022", goal)
    assert "? kan ikke vurderes" in block and "Egne tal, indtastet af" not in block


def test_a_reader_sees_no_form_for_own_figures(page: AppTest) -> None:
    page.query_params["plan"] = "alleroed-2022"
    at = page.run()
    assert not at.exception, at.exception
    assert not [b for b in at.button if b.label in ("Vis ændringen", "Gem tallet")]
    assert not [s for s in at.selectbox if s.label == "Mål og periode"]
    assert not [t for t in at.text_input if t.label.startswith("Værdi")]
