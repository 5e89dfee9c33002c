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
    file: str
    title: str
    url_path: str
    icon: str
    default: bool = False
    visible: Callable[[], bool] = field(default=_everyone)


PAGES: list[PageSpec] = [
    PageSpec("pages/overblik.py", "Overblik", "overblik", "🏠", default=True),
    PageSpec("pages/maalopfoelgning.py", "Målopfølgning", "maalopfoelgning", "🎯"),
    PageSpec("pages/maal_detaljer.py", "Mål i detaljer", "maal", "🔎"),
    PageSpec("pages/sammenligning.py", "Sammenligning", "sammenligning", "📈"),
    PageSpec("pages/rangliste.py", "Rangliste", "rangliste", "🏅"),
    PageSpec("pages/planer.py", "Planer", "planer", "📚"),
    PageSpec("pages/datakvalitet.py", "Datakvalitet", "datakvalitet", "🧪"),
    PageSpec("pages/upload.py", "Upload", "upload", "⬆️", visible=_analyst),
    PageSpec("pages/hent.py", "Hent data", "hent", "🌐", visible=_analyst),
    PageSpec("pages/login.py", "Log ind", "login", "🔑"),
]
