"""The pages of the app: file, title, URL path, and who may see them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


def _everyone() -> bool:
    return True


def _analyst() -> bool:
    """Pages for logged-in analysts only (the login gate lives in beskdash.ui)."""
    from beskdash import ui

    check = getattr(ui, "is_analyst", None)
    return bool(check and check())


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
