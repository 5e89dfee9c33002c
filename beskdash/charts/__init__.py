"""Altair chart builders, used by pages, exports and the report alike.

Shared here: the colour-blind-safe palette, Danish number/time locale, and a title that
says what and where. Chart families live in submodules (goals, compare).
"""

from __future__ import annotations

import altair as alt

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
EMPHASIS = "#0072B2"
MUTED = "#9E9E9E"

# Vega's d3 locale in Danish: `1.234,5`, Danish month names.
LOCALE = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " kr."]},
    "time": {
        "dateTime": "%A den %d %B %Y %X", "date": "%d-%m-%Y", "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
        "shortDays": ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
        "months": ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
                   "september", "oktober", "november", "december"],
        "shortMonths": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    },
}


def finish(chart: alt.TopLevelMixin, title: str, subtitle: str | None = None) -> alt.TopLevelMixin:
    """Title (what and where), Danish locale, system fonts (nothing fetched from other hosts)."""
    t = alt.TitleParams(title, subtitle=subtitle or alt.Undefined, anchor="start")
    return (
        chart.properties(title=t)
        .configure(locale=LOCALE, font="sans-serif")
        .configure_axis(labelFontSize=12, titleFontSize=12)
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom")
        .configure_range(category=PALETTE)
    )
