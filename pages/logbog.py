"""Logbog (analysts only): every login, failed login, import, undo, own figure and plan change, with user
and time; filterable and downloadable."""

import streamlit as st

from beskdash import exports, logbook, ui

ui.require_analyst()
store = ui.store()
st.title("Logbog")
st.write("Logbogen viser, hvem der har gjort hvad og hvornår: logins og mislykkede logins, importer og "
         "fortrydelser, egne tal og nye planversioner. Den nyeste handling står øverst.")
c1, c2 = st.columns(2)
log_version = store.events_version()  # a new login is in the log at once, though it changes no data
who = c1.selectbox("Bruger", ["", *ui.cached(logbook.users)(log_version)], format_func=lambda u: u or "Alle brugere",
                   key="logbog_bruger")
actions = c2.multiselect("Handlinger", list(logbook.ACTIONS), format_func=logbook.action_label,
                         key="logbog_handlinger", placeholder="Alle handlinger")
doc = ui.cached(logbook.document)(who or None, actions or None, log_version)
shown = doc.table.head(logbook.SHOWN)
ui.table(shown, alt="Logbogen: tidspunkt, bruger, handling, detaljer og import for hver handling")
if len(doc.table) > len(shown):
    st.caption(f"Viser de {len(shown)} nyeste af {len(doc.table)} handlinger; hent filen for hele logbogen.")
d1, d2 = st.columns(2)
d1.download_button("Hent som CSV (Excel)", lambda: exports.excel_csv(doc), "beskdash-logbog.csv", "text/csv",
                   key="logbog_csv")
d2.download_button("Hent som Excel (XLSX)", lambda: exports.xlsx(doc), "beskdash-logbog.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="logbog_xlsx")
