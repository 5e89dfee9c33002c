"""HTML and Markdown for the pages: status badges, links to a goal's page, plan text shown as written.

No Streamlit here (the pages pass these strings to `st.markdown`), so the report and tests can use them too.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from beskdash.goals import GoalResult
from beskdash.status import Status
from beskdash.text import goals as say

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")


def escape_md(text: str) -> str:
    """Plan wording shown as Markdown exactly as written (no `$…$` maths, no stray emphasis)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def status_badge(status: Status) -> str:
    """The status as an HTML badge: icon + word on the status colour (dark text for contrast)."""
    return (f'<span class="maal-status" style="background:{status.colour};color:#000;'
            f'padding:0.1em 0.5em;border-radius:0.4em;font-weight:600;white-space:nowrap">'
            f"{html.escape(status.label)}</span>")


def status_html(r: GoalResult) -> str:
    """Badge (icon + word + colour) followed by the one-line reason."""
    return f"{status_badge(r.status)} {escape_md(html.escape(say.reason(r)))}"


def detail_link(r: GoalResult) -> str:
    """Relative link to the goal's detail page, with its state in the query string."""
    return "maal?" + urlencode({"plan": r.plan, "maal": r.goal_id})


def detail_link_html(r: GoalResult) -> str:
    """The link to the detail page, opened in the same tab (a Markdown link would open a new one)."""
    return f'<a href="{html.escape(detail_link(r))}" target="_self">Se målet i detaljer</a>'
