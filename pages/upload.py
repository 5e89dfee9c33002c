"""Upload (analysts only): files → progress → preview → confirm → result with links; import history with undo."""

import streamlit as st

from beskdash import imports, pages_registry, ui, widgets
from beskdash.store import UndoError

ui.require_analyst()
store = ui.store()
st.title("Upload")
st.write(
    "Upload udtræk fra Statistikbanken (CSV) eller jobindsats.dk (CSV, Excel eller et gemt API-svar), "
    "eller en fil fra beskdash' egen eksport. Filerne kontrolleres først, og du ser præcis, hvilke tal "
    "der bliver nye eller ændret, før noget skrives. En import kan fortrydes under Importhistorik."
)

st.session_state.setdefault("upload_round", 0)
files = st.file_uploader("Træk filer hertil, eller vælg dem", accept_multiple_files=True,
                         type=["csv", "txt", "xlsx", "json"], key=f"upload_{st.session_state.upload_round}")

widgets.show_done("upload_done")

if files:
    key = (tuple((f.file_id, f.size) for f in files), store.version())
    cached = st.session_state.get("upload_preview")
    if cached is None or cached[0] != key:
        bar = st.progress(0.0, text="Læser filerne …")
        payload = [(f.name, f.getvalue()) for f in files]
        preview = imports.preview_files(store, payload, progress=lambda frac, text: bar.progress(frac, text=text))
        bar.empty()
        st.session_state["upload_preview"] = (key, preview)
    else:
        preview = cached[1]
    confirmed = widgets.preview_and_confirm(
        preview,
        button="Bekræft import",
        apply=lambda: imports.apply_preview(store, preview, ui.current_user() or "ukendt"),
        message=lambda results: imports.result_message(preview, results),
        state_key="upload_preview",
        done_key="upload_done",
        noop_text="Intet at ændre: databasen har allerede alle tallene i filerne. Intet bliver skrevet.",
        pages=pages_registry.pages_for(preview),
        rejected_hint="Ret filen, og upload den igen.",
        log_name="beskdash.upload",
    )
    if confirmed:
        st.session_state.upload_round += 1
        st.rerun()

st.header("Importhistorik")
undone = st.session_state.pop("undo_done", None)
if undone:
    st.success(undone)
ui.dataframe(ui.cached(imports.history)())
choices = ui.cached(imports.undo_choices)()
if choices:
    chosen = st.selectbox("Fortryd en import", list(choices), format_func=lambda i: choices[i])
    if st.button("Fortryd import"):
        try:
            n = imports.undo(store, chosen, ui.current_user() or "ukendt")
        except UndoError as e:
            st.error(str(e))
        else:
            ui.clear_caches()
            st.session_state.pop("upload_preview", None)
            st.session_state["undo_done"] = f"Import {chosen} er fortrudt: {n} tal er sat tilbage til, hvad de var før."
            st.rerun()
else:
    st.caption("Der er ingen importer at fortryde.")
