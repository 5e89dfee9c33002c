"""Upload (analysts only): files → progress → preview → confirm → result with links; import history with undo."""

import logging

import streamlit as st

from beskdash import imports, ui
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

done = st.session_state.pop("upload_done", None)
if done:
    st.success(done["message"])
    st.write("Se de nye tal:")
    for page in done["pages"]:
        st.page_link(page.file, label=page.title, icon=page.icon)

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

    st.header("Forhåndsvisning")
    for f in preview.files:
        st.subheader(f.name)
        st.text("\n".join(f.lines()))
    if preview.problems:
        st.error(f"Afvist: {len(preview.problems)} problem(er). Intet er skrevet til databasen. "
                 "Ret filen, og upload den igen.")
        ui.dataframe(imports.problems_table(preview.problems))
    elif preview.is_noop:
        st.info("Intet at ændre: databasen har allerede alle tallene i filerne. Intet bliver skrevet.")
    else:
        if preview.warnings:
            st.warning("Advarsler (importen er ikke blokeret, men se efter):")
            ui.dataframe(imports.problems_table(preview.warnings))
        st.subheader("Nye og ændrede tal pr. område og ydelse")
        ui.dataframe(preview.changes_by_area())
        changed = preview.changes()
        if len(changed):
            st.subheader("Ændrede tal (før → nu)")
            ui.dataframe(changed)
        if st.button("Bekræft import", type="primary"):
            try:
                results = imports.apply_preview(store, preview, ui.current_user() or "ukendt")
            except imports.PreviewStale as e:
                st.session_state.pop("upload_preview", None)
                st.warning(str(e))
                st.stop()
            except Exception:
                logging.getLogger("beskdash.upload").exception("import mislykkedes")
                st.error("Importen mislykkedes, og intet er skrevet. Fejlen er logget til driften.")
                st.stop()
            ui.clear_caches()
            st.session_state["upload_done"] = {"message": imports.result_message(preview, results),
                                               "pages": imports.pages_for(preview)}
            st.session_state.pop("upload_preview", None)
            st.session_state.upload_round += 1
            st.rerun()

st.header("Importhistorik")
undone = st.session_state.pop("undo_done", None)
if undone:
    st.success(undone)
ui.dataframe(imports.history(store))
choices = imports.undo_choices(store)
if choices:
    chosen = st.selectbox("Fortryd en import", list(choices), format_func=lambda i: choices[i])
    if st.button("Fortryd import"):
        try:
            n = imports.undo(store, chosen)
        except UndoError as e:
            st.error(str(e))
        else:
            ui.clear_caches()
            st.session_state.pop("upload_preview", None)
            st.session_state["undo_done"] = f"Import {chosen} er fortrudt: {n} tal er sat tilbage til, hvad de var før."
            st.rerun()
else:
    st.caption("Der er ingen importer at fortryde.")
