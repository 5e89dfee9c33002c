"""Composite page parts the pages share: the import preview and confirmation, the plan selector, the export
row and the *Kilde* expander. Built on `ui` (the store, caches, URL state); pages call them in a line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from beskdash import exports, goals, imports, markup, provenance
from beskdash.text import goals as say_goals
from beskdash.ui import clear_caches, dataframe, derived, url_get

# --- Import preview and confirmation (Upload and Hent data) ------------------------------

def show_done(done_key: str) -> None:
    """The result of the last confirmed import, with links to the pages that changed."""
    done = st.session_state.pop(done_key, None)
    if done:
        st.success(markup.escape_md(done["message"]))  # file names are the analyst's text, never markup
        st.write("Se de nye tal:")
        for page in done["pages"]:
            st.page_link(page.file, label=page.title, icon=page.icon)


def preview_and_confirm(
    preview: Any,
    *,
    button: str,
    apply: Callable[[], list],
    message: Callable[[list], str],
    state_key: str,
    done_key: str,
    noop_text: str,
    pages: list[Any],
    rejected_hint: str = "",
    log_name: str = "beskdash.import",
) -> bool:
    """Render an import preview (problems, or new/changed rows) and its confirm button.

    On confirm: apply in one transaction, clear the caches, remember the result under
    `done_key` and rerun. Returns True when the confirm succeeded (the caller may reset
    its own widgets before the rerun happens). `pages` are the PageSpecs to link to afterwards
    (`pages_registry.pages_for(preview)`: navigation is the registry's, so ui need not import it).
    """
    st.header("Forhåndsvisning")
    for f in preview.files:
        st.subheader(markup.escape_md(f.name), anchor=False)  # a file name is shown as written, never as markdown
        st.text("\n".join(f.lines()))
    if preview.problems:
        st.error(f"Afvist: {len(preview.problems)} problem(er). Intet er skrevet til databasen. "
                 f"{rejected_hint}".strip())
        dataframe(imports.problems_table(preview.problems))
        return False
    if preview.is_noop:
        st.info(noop_text)
        return False
    if preview.warnings:
        st.warning("Advarsler (importen er ikke blokeret, men se efter):")
        dataframe(imports.problems_table(preview.warnings))
    own = preview.goal_figure_changes()
    if len(own):
        st.subheader("Egne tal og vurderinger (før → nu)")
        dataframe(own)
    if any(f.goal_figures is None for f in preview.files):
        st.subheader("Nye og ændrede tal pr. område og ydelse")
        dataframe(preview.changes_by_area())
    changed = preview.changes()
    if len(changed):
        st.subheader("Ændrede tal (før → nu)")
        dataframe(changed)
    if not st.button(button, type="primary"):
        return False
    try:
        results = apply()
    except imports.PreviewStale as e:
        st.session_state.pop(state_key, None)
        st.warning(str(e))
        st.stop()
    except Exception:
        logging.getLogger(log_name).exception("import mislykkedes")
        st.error("Importen mislykkedes, og intet er skrevet. Fejlen er logget til driften.")
        st.stop()
    clear_caches()
    st.session_state[done_key] = {"message": message(results), "pages": pages}
    st.session_state.pop(state_key, None)
    return True


# --- Shared page parts ----------------------------------------------------------------------

def choose_plan(key: str) -> str:
    """The plan selector of the goal pages (default from the URL's `plan`); stops the page with
    a Danish message when a plan file does not follow the schema."""
    version = goals.plans_version()  # the plans' check and labels are made once per plans version
    problem = derived(goals.plans_problem, key=version)
    if problem:
        st.error("Planfilerne i plans/ følger ikke skemaet (ret dem, eller kør `python -m beskdash plans check`):"
                 "\n\n" + problem)
        st.stop()
    choices = dict(derived(say_goals.plan_choices, key=version))
    ids = list(choices)
    return st.selectbox("Plan", ids, index=ids.index(url_get("plan", ids[0], allowed=ids)),
                        format_func=lambda p: choices[p], key=key)


def _files(doc: Callable[[], Any]) -> tuple[bytes, bytes, tuple[str, ...]]:
    d = doc()
    return exports.excel_csv(d), exports.xlsx(d), tuple(d.notes)


def export_buttons(doc: Callable[[], Any], chart: Callable[[], Any], view: Any, name: str, key: str,
                   permalink: Callable[[], str], link_help: str) -> None:
    """'Hent det viste' (CSV for Danish Excel, XLSX, PNG, SVG) and 'Kopiér link' for a view.

    `doc` and `chart` make the export document and the Altair chart of `view`, `permalink` the view's link
    (only while its popover is open); the CSV and XLSX bytes
    are made once per view and data version, the images only when asked for (vl-convert takes a moment).
    A download does not rerun the page: nothing on it changes, and a rerun while the next click is under way
    dropped that click's image (its deferred file belongs to the run before).
    """
    csv, xlsx, notes = derived(_files, doc, key=(name, view))
    st.subheader("Hent det viste")
    d1, d2, d3, d4, d5 = st.columns(5)
    d1.download_button("CSV (Excel)", csv, f"{name}.csv", "text/csv", key=f"{key}_csv", on_click="ignore")
    d2.download_button("Excel (XLSX)", xlsx, f"{name}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx",
                       on_click="ignore")
    d3.download_button("Diagram (PNG)", lambda: exports.chart_png(chart(), notes), f"{name}.png", "image/png",
                       key=f"{key}_png", on_click="ignore")
    d4.download_button("Diagram (SVG)", lambda: exports.chart_svg(chart(), notes), f"{name}.svg",
                       "image/svg+xml", key=f"{key}_svg", on_click="ignore")
    # Its content runs only while it is open (opening it reruns the page), as nothing in it changes otherwise.
    link = d5.popover("Kopiér link", key=f"{key}_link", on_change="rerun")
    if link.open:
        with link:
            st.caption(link_help)
            st.code(permalink(), language=None, wrap_lines=True)


# --- Provenance: the *Kilde* expander beside a figure --------------------------------------------

def source_expander(refs: Any = (), data: Any = (), label: str = "Kilde") -> None:
    """Where a figure comes from, one click away: for each plan reference (`provenance.Provenance`)
    publisher, plan, section, quote as printed, its lines in the seed file and the passage around it with
    the quote marked; for each imported source (`provenance.DataSource`) its licence and the imports."""
    refs = [refs] if isinstance(refs, provenance.Provenance) else list(refs)
    if not refs and not data:
        return
    with st.expander(label, icon=":material/menu_book:"):
        for p in refs:
            st.markdown(f"**{markup.escape_md(p.publisher)}: {markup.escape_md(p.plan_title)}**  \n"
                        f"Afsnit: {markup.escape_md(p.section)}")
            if p.quote:
                st.markdown("> " + markup.escape_md(" ".join(p.quote.split())))
            where = provenance.lines_text(p)
            if not p.available:
                st.caption(f"{p.seed_file}: planens tekst er ikke tilgængelig her.")
            else:
                st.caption(f"{p.seed_file}, {where}" if where else f"{p.seed_file}: citatet er ikke fundet i teksten.")
            if p.context:
                st.code("\n".join(f"{'»' if c.marked else ' '} {c.number:>4} │ {c.text}" for c in p.context),
                        language=None)
        for d in data:
            for line in provenance.describe_data(d):
                st.caption(markup.escape_md(line))
