"""Audit of published figures: the plans' tables, printed changes and text against their own numbers.

Every check yields a `Check`; a check with a severity is a finding (fejl, advarsel, info). One module per
check family:

- ``parts`` — ``dele-mod-total``: parts against their total in the same table (taxonomy ``total_of``), and a
  subgroup never larger than the group it is ``part_of``.
- ``shares`` — ``andel-mod-antal``: printed shares against count ÷ population where the table prints both;
  where no population is printed, all shares of one area and year must fit one common denominator.
- ``changes`` — ``aendring-mod-antal``: printed percentage changes against the counts they are computed from.
- ``claims`` — ``tekst-mod-tabel``: statements in the running text (``data/plan_statements.yaml``, read by
  ``statements_file``) against the tables and the plan.
- ``sources`` — ``kilde-mod-plan``: other sources in the store against the plans' figures for the same area,
  benefit, measure and period.

``common`` holds the result type, severities and printing helpers, ``plan_figures`` the figures frame the
checks read, ``run`` runs them all, ``display`` turns the result into tables and text.

Nothing here writes: a difference is reported with both sides and every figure stays as printed.

Tolerance: published numbers are rounded, and a total is rounded independently of its parts, so
each comparison allows the largest difference rounding alone can make: half a unit of the last
printed decimal of every number involved (a total and 12 parts with one decimal: ±0,65).
"""

from beskdash.audit.changes import check_changes
from beskdash.audit.claims import check_statements
from beskdash.audit.common import (
    ADDITIVE,
    ADVARSEL,
    CHECKS,
    FEJL,
    IMPLIED_SHARES,
    INFO,
    LEVELS,
    METHOD_DA,
    PLAN_PREFIX,
    REVISION_SHARE,
    SEVERITIES,
    SEVERITY_ICONS,
    SEVERITY_MEANING,
    AuditResult,
    Check,
)
from beskdash.audit.display import (
    PageView,
    display,
    format_json,
    format_text,
    page_view,
    plan_choices,
    severity_label,
    source_keys,
    summary,
    summary_text,
)
from beskdash.audit.parts import check_parts
from beskdash.audit.plan_figures import FIGURE_COLUMNS, Figure, figures
from beskdash.audit.run import checks_frame, files_version, plan_ids, run
from beskdash.audit.shares import check_shares
from beskdash.audit.sources import check_other_sources
from beskdash.audit.statements_file import (
    STATEMENTS_FILE,
    ChangePeriodClaim,
    Claim,
    DefinitionClaim,
    DifferenceClaim,
    NumberingClaim,
    PeriodsMentionedClaim,
    PlanYearClaim,
    RatioClaim,
    Statement,
    StatementsError,
    SumClaim,
    ValueClaim,
    load_statements,
)

__all__ = [
    "ADDITIVE", "ADVARSEL", "CHECKS", "FEJL", "FIGURE_COLUMNS", "IMPLIED_SHARES", "INFO", "LEVELS", "METHOD_DA",
    "PLAN_PREFIX", "REVISION_SHARE", "SEVERITIES", "SEVERITY_ICONS", "SEVERITY_MEANING", "STATEMENTS_FILE",
    "AuditResult", "ChangePeriodClaim", "Check", "Claim", "DefinitionClaim", "DifferenceClaim", "Figure",
    "NumberingClaim", "PageView", "PeriodsMentionedClaim", "PlanYearClaim", "RatioClaim", "Statement",
    "StatementsError", "SumClaim", "ValueClaim", "check_changes", "check_other_sources", "check_parts",
    "check_shares", "check_statements", "checks_frame", "display", "figures", "files_version", "format_json",
    "format_text", "load_statements", "page_view", "plan_choices", "plan_ids", "run", "severity_label", "source_keys",
    "summary", "summary_text",
]
