"""Planer: the plans side by side (minister goals, measurable targets, comparable indicators, what changed
from one year's plan to the next), every plan's versions, and for analysts: upload, copy, edit and undo."""

import streamlit as st

from beskdash import goals, plan_form, plan_versions, plans_compare, ui
from beskdash.plans import PlanError
from beskdash.store import PlanVersionStale

st.title("Planer")
st.write(
    "Kommunernes beskæftigelsesplaner ved siden af hinanden: hvilke af ministerens mål de svarer på, hvor mange "
    "mål der kan måles, hvor kommunerne følger det samme, og hvad der er ændret fra det ene års plan til det næste. "
    "Alt er hentet fra planerne selv."
)
plans = plans_compare.ordered(goals.plans())
plans_version = goals.plans_version()  # the tables below are made once per version of the plans
sources = plans_compare.plan_sources(plans)
matrix_table, matrix_details, counts_table = ui.derived(plans_compare.overview_tables, plans, key=plans_version)

st.header("Ministerens mål i planerne")
st.write("✓: mindst ét af planens fokusområder svarer på ministermålet. Sidste række tæller de fokusområder, "
         "kommunen selv har valgt.")
ui.table(matrix_table, alt="Ministermål (rækker) og planer (kolonner)")
with st.expander("Hvilke fokusområder svarer på hvilket ministermål"):
    ui.table(matrix_details, alt="Fokusområder pr. ministermål og plan")
ui.source_footer(sources)

st.header("Målbare mål")
st.write("Et målbart mål har et tal og en frist: en værdi, der skal nås, eller en ændring i procent fra et "
         "udgangspunkt. 'Kun en retning' er mål som 'færre på offentlig forsørgelse' uden tal.")
ui.table(counts_table, alt="Antal mål pr. plan efter type")
ui.source_footer(sources)

st.header("Sammenlignelige indikatorer")
themes = {t.key: t for t in plans_compare.themes()}
theme_key = st.selectbox("Tema", list(themes), format_func=lambda k: themes[k].da, key="planer_tema",
                         index=list(themes).index(ui.url_get("tema", next(iter(themes)), allowed=list(themes))))
theme_note, theme_table, theme_sources = ui.derived(plans_compare.theme_view, themes[theme_key], plans,
                                                   key=(plans_version, themes[theme_key]))
st.write(theme_note)
ui.table(theme_table, alt=f"Planernes mål for {themes[theme_key].da.lower()}")
ui.source_footer(theme_sources)

st.header("Fra det ene års plan til det næste")
pairs = plans_compare.pair_choices(plans)
if not pairs:
    st.info("Der er ikke to planer fra samme kommune i to år efter hinanden.")
    ui.url_set(tema=theme_key)
else:
    pair = st.selectbox("Planer", list(pairs), format_func=pairs.get, key="planer_par",
                        index=list(pairs).index(ui.url_get("par", next(iter(pairs)), allowed=list(pairs))))
    ui.url_set(tema=theme_key, par=pair)
    summary, fa_table, goal_table, pair_sources = ui.derived(plans_compare.pair_view, plans, pair,
                                                             key=(plans_version, pair))
    st.write(summary)
    st.subheader("Fokusområder")
    ui.table(fa_table, alt="Fokusområder før og nu")
    st.subheader("Mål og opfølgningspunkter")
    ui.table(goal_table, alt="Mål og opfølgningspunkter før og nu")
    ui.source_footer(pair_sources)

# --- Versions (everyone) and editing (analysts) ----------------------------------------------

store = ui.store()
st.header("Planernes versioner")
st.write("De leverede planer ligger i plans/. En analytiker kan gemme nye versioner og nye planer; "
         "den nyeste version gælder overalt i beskdash, og hver version gemmes med hvem, hvornår og hvad.")
done = st.session_state.pop("planer_done", None)
if done:
    st.success(done)
    st.page_link("pages/maalopfoelgning.py", label="Se målene på Målopfølgning", icon=":material/flag:")
ui.table(ui.cached(plan_versions.listing)(), alt="Alle planer med version, forfatter og dato")
ids = list(goals.plans())
hist_id = st.selectbox("Historik for plan", ids, key="planer_historik")
ui.table(ui.cached(plan_versions.history)(hist_id), alt=f"Versioner af {hist_id}")

if not ui.is_analyst():
    st.caption("Analytikere kan tilføje, rette og fortryde planer, når de er logget ind.")
    st.stop()

user = ui.current_user() or "analytiker"
st.header("Redigér planer")


def saved(message: str) -> None:
    ui.clear_caches()
    st.session_state["planer_done"] = message
    st.session_state.pop("planer_draft", None)
    st.rerun()


st.subheader("Upload en planfil")
upload = st.file_uploader("Planfil (YAML)", type=["yaml", "yml"], key="planer_fil")
if upload is not None:
    try:
        preview = plan_versions.preview_text(store, upload.getvalue().decode("utf-8", "replace"), upload.name)
    except PlanError as e:
        st.error("Planen er afvist, og intet er gemt:\n\n" + "\n".join(f"- {p}" for p in e.problems))
    else:
        st.text("\n".join(preview.lines()))
        if preview.is_noop:
            st.info("Ingen ændringer: filen er den samme som planens nuværende version.")
        elif st.button("Gem planfilen som ny version", type="primary"):
            v = plan_versions.save(store, preview, user)
            saved(f"Gemt som version {v} af {preview.plan.id}.")

st.subheader("Start fra en plan")
c1, c2, c3 = st.columns(3)
src = c1.selectbox("Plan", ids, key="planer_kilde", format_func=lambda i: plans_compare.plan_label(goals.plans()[i]))
new_id = c2.text_input("Ny id", key="planer_ny_id", placeholder="fx alleroed-2027")
new_year = c3.number_input("År", min_value=2000, max_value=2100, step=1, key="planer_nyt_aar",
                           value=goals.plans()[src].year)
b1, b2 = st.columns(2)
if b1.button("Redigér planen", key="planer_rediger"):
    st.session_state["planer_draft"] = {"data": plan_versions.draft_of(goals.plans()[src]),
                                        "token": st.session_state.get("planer_token", 0) + 1}
if b2.button("Kopiér som ny plan", key="planer_kopier"):
    try:
        copy = plan_versions.copy_plan(goals.plans()[src], new_id.strip(), int(new_year))
    except PlanError as e:
        st.error("Kopien kan ikke laves:\n\n" + "\n".join(f"- {p}" for p in e.problems))
    else:
        st.session_state["planer_draft"] = {"data": plan_versions.draft_of(copy),
                                            "token": st.session_state.get("planer_token", 0) + 1}

draft = st.session_state.get("planer_draft")
if draft:
    st.session_state["planer_token"] = token = draft["token"]
    fields = plan_form.fields(draft["data"])
    keys = {f.path: f"pf{token}:{f.path}" for f in fields}
    for f in fields:
        st.session_state.setdefault(keys[f.path], f.value)
    data = plan_form.apply(draft["data"], {p: st.session_state[k] for p, k in keys.items()})
    plan, problems = plan_form.check(data)
    placed = plan_form.place(problems, list(keys))
    st.subheader(f"Redigér {draft['data']['id']}")
    for why in placed.get("", []):
        st.error(why)
    groups: dict[str, list] = {}
    for f in fields:
        groups.setdefault(f.group, []).append(f)
    for group, group_fields in groups.items():
        box = st.container(border=True) if group == "Planen" else st.expander(group)
        with box:
            for f in group_fields:
                k = keys[f.path]
                if f.widget == "text":
                    st.text_input(f.label, key=k)
                elif f.widget == "int":
                    st.number_input(f.label, step=1, key=k)
                elif f.widget == "select":
                    st.selectbox(f.label, f.options, format_func=lambda o, f=f: f.labels.get(o, o), key=k)
                else:
                    st.multiselect(f.label, f.options, format_func=lambda o, f=f: f.labels.get(o, o), key=k)
                for why in placed.get(f.path, []):
                    st.error(f"{f.label}: {why}", icon=":material/error:")
    if plan is None:
        st.warning("Planen kan ikke gemmes, før fejlene er rettet.")
    else:
        preview = plan_versions.preview_plan(store, plan)
        st.text("\n".join(preview.lines()))
        if preview.is_noop:
            st.info("Ingen ændringer endnu.")
        elif st.button("Gem som ny version", type="primary", key="planer_gem"):
            try:
                v = plan_versions.save(store, preview, user)
            except PlanVersionStale as e:
                st.warning(str(e))
                st.stop()
            saved(f"Gemt som version {v} af {plan.id}.")

st.subheader("Fortryd")
undoable = ui.cached(plan_versions.undoable)()
if not undoable:
    st.caption("Ingen planer har gemte versioner.")
else:
    uid = st.selectbox("Plan", undoable, key="planer_fortryd_plan")
    if st.button("Fortryd seneste version", key="planer_fortryd"):
        saved(plan_versions.undo(store, uid, user))
