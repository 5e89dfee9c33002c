"""Hent data (analysts only): fetch from Statistikbanken or jobindsats.dk → progress → the importer's preview
→ confirm. A fetch is an import whose file came from an API: same checks, same history, same undo."""

import streamlit as st

from beskdash import fetch, pages_registry, ui, widgets
from beskdash.fetch import jobindsats, statbank
from beskdash.fetch import plan as plan_fetch
from beskdash.fetch.http import FetchError

ui.require_analyst()
store = ui.store()
st.title("Hent data")
st.write(
    "Hent de nyeste tal direkte fra Danmarks Statistiks Statistikbank eller fra jobindsats.dk. "
    "Tallene kontrolleres og vises som en forhåndsvisning, præcis som ved en upload; intet skrives, "
    "før du bekræfter, og en import kan fortrydes under Importhistorik på siden Upload. "
    "Hvilke tabeller, områder og perioder der hentes, står i data/fetch.yaml."
)

widgets.show_done("hent_done")


def _became() -> str:
    """After a plan fetch: which goals the new figures made judgeable."""
    plan_before = st.session_state.pop("hent_plan_foer", None)
    return "\n" + plan_fetch.became_judgeable(store, *plan_before) if plan_before else ""


cfg = fetch.config()
SOURCES = {"dst": "Danmarks Statistik (Statistikbanken)", "jobindsats": "jobindsats.dk"}
api = st.radio("Kilde", list(SOURCES), format_func=SOURCES.get, horizontal=True, key="hent_kilde")
all_tables = list(cfg[api]["tables"])
tables = st.multiselect("Tabeller", all_tables, default=all_tables, key=f"hent_tabeller_{api}",
                        format_func=lambda t: fetch.table_label(api, t))
if api == "dst":
    start = st.text_input("Fra periode", key="hent_fra", placeholder="fx 2019K1 (tom: som i data/fetch.yaml)")
    version = None
else:
    start = None
    version = st.radio("API-version", ["v2", "v3"], index=["v2", "v3"].index(cfg["jobindsats"].get("api", "v2")),
                       horizontal=True, key="hent_api")
    st.caption(f"De nyeste {cfg['jobindsats']['periods']} perioder. Den nyeste måned fra jobindsats.dk er "
               "foreløbig og markeres som »foreløbige tal«. API-nøglen læses fra JOBINDSATS_API_KEY eller "
               ".streamlit/secrets.toml og vises aldrig.")
st.caption("Områder: " + ", ".join(fetch.area_names(api)))

selection = (api, tuple(tables), start or "", version)
if st.button("Hent", type="primary", disabled=not tables):
    bar = st.progress(0.0, text="Henter …")
    try:
        if api == "dst":
            fetched = statbank.fetch(tables, from_period=start or None,
                                     progress=lambda text, frac: bar.progress(min(frac, 1.0), text=text))
        else:
            fetched = jobindsats.fetch(tables, api=version,
                                       progress=lambda text, frac: bar.progress(min(frac, 1.0), text=text))
    except FetchError as e:
        bar.empty()
        st.session_state.pop("hent_preview", None)
        st.error(str(e))
        st.stop()
    bar.progress(1.0, text="Hentet — kontrollerer tallene …")
    st.session_state["hent_preview"] = (selection, fetch.preview(store, fetched))
    bar.empty()

# Exactly what one plan's goals lack (`python -m beskdash fetch --plan`): the tables, areas and months named
# by `missing`; after confirming, which goals became judgeable. Its content runs only while it is open
# (opening it reruns the page): closed, its plan selector and the plans' check were a fifth of a rerun.
plan_part = st.expander("Hent præcis det, en plan mangler", key="hent_plan_aaben", on_change="rerun")
pending = st.session_state.get("hent_preview")
if plan_part.open:
    with plan_part:
        plan_id = widgets.choose_plan(key="hent_plan")
        if st.button("Hent det, planen mangler", key="hent_plan_knap"):
            try:
                before = plan_fetch.statuses(store, plan_id)
                fetched, _needs = plan_fetch.for_plan(store, plan_id)
            except FetchError as e:
                st.error(str(e))
                st.stop()
            if not fetched:
                st.info("Ingen af planens mål mangler en serie, som kan hentes.")
            else:
                pending = (("plan", plan_id), fetch.preview(store, fetched))
                st.session_state["hent_preview"] = pending
                st.session_state["hent_plan_foer"] = (plan_id, before)
        if pending is not None and pending[0] == ("plan", plan_id):
            selection = ("plan", plan_id)
elif pending is not None and pending[0][0] == "plan":
    selection = pending[0]  # closed, the plan's preview stays until it is confirmed or replaced

cached = st.session_state.get("hent_preview")
if cached and cached[0] == selection:
    fp = cached[1]
    for note in fp.notes():
        st.info(note)
    if widgets.preview_and_confirm(
        fp.preview,
        button="Bekræft og gem",
        apply=lambda: fetch.apply(store, fp, ui.current_user() or "ukendt"),
        message=lambda results: fetch.result_message(fp, results) + _became(),
        state_key="hent_preview",
        done_key="hent_done",
        noop_text="Intet at ændre: databasen har allerede alle de hentede tal. Intet bliver skrevet.",
        pages=pages_registry.pages_for(fp.preview),
        log_name="beskdash.hent",
    ):
        st.rerun()
