"""The pages of the app: file, title, URL path, and who may see them; which pages an import changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from beskdash import taxonomy, ui
from beskdash.fmt import join_da
from beskdash.imports import Preview
from beskdash.paths import ROOT


def _everyone() -> bool:
    return True


def _analyst() -> bool:
    """Pages for logged-in analysts only (the login gate lives in beskdash.ui)."""
    return ui.is_analyst()


@dataclass(frozen=True)
class PageSpec:
    """`icon` is a Material Symbol: Streamlit ships that font, so nothing depends on the
    viewer's emoji fonts or on another host."""

    file: str
    title: str
    url_path: str
    icon: str
    default: bool = False
    visible: Callable[[], bool] = field(default=_everyone)


PAGES: list[PageSpec] = [
    PageSpec("pages/overblik.py", "Overblik", "overblik", ":material/home:", default=True),
    PageSpec("pages/maalopfoelgning.py", "Målopfølgning", "maalopfoelgning", ":material/flag:"),
    PageSpec("pages/maal_detaljer.py", "Mål i detaljer", "maal", ":material/query_stats:"),
    PageSpec("pages/sammenligning.py", "Sammenligning", "sammenligning", ":material/show_chart:"),
    PageSpec("pages/rangliste.py", "Rangliste", "rangliste", ":material/leaderboard:"),
    PageSpec("pages/planer.py", "Planer", "planer", ":material/library_books:"),
    PageSpec("pages/datakvalitet.py", "Datakvalitet", "datakvalitet", ":material/fact_check:"),
    PageSpec("pages/upload.py", "Upload", "upload", ":material/upload:", visible=_analyst),
    PageSpec("pages/hent.py", "Hent data", "hent", ":material/cloud_download:", visible=_analyst),
    PageSpec("pages/logbog.py", "Logbog", "logbog", ":material/history:", visible=_analyst),
    PageSpec("pages/login.py", "Log ind", "login", ":material/login:"),
]


class MissingPage(FileNotFoundError):
    """A page the registry names has no file: the app stops at start instead of dropping the page."""


def check_files(pages: list[PageSpec] | None = None, root: Path = ROOT) -> None:
    """Raises MissingPage, naming every page file of the registry that does not exist (a typo in a
    path would otherwise make a page vanish from the navigation without a word)."""
    missing = [p.file for p in (PAGES if pages is None else pages) if not (root / p.file).is_file()]
    if missing:
        what = "Sidefilen" if len(missing) == 1 else "Sidefilerne"
        raise MissingPage(f"{what} {join_da(missing)} står i beskdash/pages_registry.py, men findes ikke. "
                          "Ret stien i PAGES, eller læg filen tilbage.")


def pages_for(preview: Preview) -> list[PageSpec]:
    """The pages whose figures an import changes, for links after confirming."""
    areas = {a for f in preview.files for a in f.diff.rows["area_code"]}
    paths = {"overblik"}
    if any(f.goal_figures is not None for f in preview.files):  # own figures judge goals
        paths.add("maalopfoelgning")
    if any(a in taxonomy.get().areas and taxonomy.get().areas[a].kind == "kommune" for a in areas):
        paths |= {"sammenligning", "rangliste", "maalopfoelgning"}
    return [p for p in PAGES if p.url_path in paths]
