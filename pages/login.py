"""Log ind: analysts log in to upload and undo imports; everyone else reads without logging in."""

import streamlit as st

from beskdash import ui

st.title("Log ind")
user = ui.current_user()
if user:
    st.success(f"Du er logget ind som {user}.")
    if ui.is_analyst():
        st.page_link("pages/upload.py", label="Gå til Upload", icon=":material/upload:")
    else:
        st.info("Din bruger har ikke rollen som analytiker, så du ser dashboardet som læser. "
                "Kontakt driften, hvis du skal kunne uploade tal.")
    if st.button("Log ud"):
        ui.logout()
else:
    st.write("Analytikere logger ind for at uploade nye tal og fortryde importer. "
             "Alle andre kan se hele dashboardet uden at logge ind.")
    ui.login_form()
