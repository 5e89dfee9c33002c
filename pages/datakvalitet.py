"""Datakvalitet: the audit of the plans' published figures: findings first, then what agreed."""

import streamlit as st

from beskdash import audit, ui, widgets
from beskdash.markup import escape_md as md

st.title("Datakvalitet")
st.write(
    "Offentliggjorte tabeller kan indeholde fejl. Her er hver transskriberet tabel i planerne kontrolleret mod "
    "sine egne tal, og udsagn i planernes tekst mod tabellerne, før et tal bliver citeret. Intet tal er rettet: "
    "hvert fund viser, hvad der er trykt, og hvad tallene siger."
)

files_version = audit.files_version()
checks = ui.cached(audit.checks_frame)(files_version)
counts = ui.derived(audit.summary, checks, key=files_version)
plans = ui.derived(audit.plan_choices, checks, key=files_version)

cols = st.columns(4)
cols[0].metric("Kontroller", counts["kontroller"])
for col, sev in zip(cols[1:], audit.SEVERITIES):
    col.metric(audit.severity_label(sev), counts[sev])

left, right = st.columns(2)
chosen_sev = left.multiselect("Alvor", list(audit.SEVERITIES), format_func=audit.severity_label,
                              default=ui.url_get_list("alvor", [], allowed=list(audit.SEVERITIES)),
                              placeholder="Alle grader", key="dq_alvor")
chosen_plan = right.selectbox("Plan", list(plans), format_func=plans.get, key="dq_plan",
                              index=list(plans).index(ui.url_get("plan", "", allowed=list(plans))))
ui.url_set(alvor=chosen_sev, plan=chosen_plan or None)

st.subheader("Fund")
# the findings as shown, their sources and the agreeing checks: made once per data, files and filter choice
view = ui.derived(audit.page_view, checks, chosen_sev, chosen_plan or None,
                  key=(files_version, tuple(chosen_sev), chosen_plan))
if not view.findings:
    st.success("Ingen fund for de valgte filtre.")
for f, ref in zip(view.findings, view.refs):
    with st.container(border=True):
        st.markdown(f"**{md(f['Alvor'])} · {md(f['Plan'])}** · {md(f['Kontrol'])}: {md(f['Hvad'])}")
        printed, data = st.columns(2)
        printed.markdown(f"**Trykt:** {md(f['Trykt'])}")
        data.markdown(f"**Data siger:** {md(f['Data siger'])}")
        st.markdown(md(f["Forklaring"]))
        if f["Detaljer"]:
            st.caption(md(f["Detaljer"]))
        st.caption(f"Trykt i {md(f['Kilde'])}" + (f". Citat: »{md(f['Citat'])}«" if f["Citat"] else ""))
        widgets.source_expander(ref)
ui.source_footer(view.sources)

with st.expander("Sådan kontrolleres tallene"):
    for paragraph in audit.METHOD_DA:
        st.write(paragraph)

with st.expander(f"Kontroller, der passer ({counts['passer']})"):
    ui.dataframe(view.agreeing)
