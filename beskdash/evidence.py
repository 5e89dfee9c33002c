"""The municipality's own figures and the jobcenter's assessments, read for the goal engine, the pages,
the report and the exports: points in the engine's shape, the assessment in force, and provenance in words
("Egne tal, indtastet af anna, 12. marts 2023").

The figures come from the store (`Store.goal_figures`), each with the import that wrote it; nothing here
writes. Which goals take which kind is `template.evidence_kind`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from beskdash import fmt, periods, template
from beskdash.readers.own_figures import SOURCE_PREFIX

OWN_LABEL = "Egne tal"
ASSESSMENT_LABEL = "Jobcentrets egen vurdering"
POINT_COLUMNS = ["period", "kind", "end", "value", "sources", "suppressed", "incomplete"]


def date_da(t: dt.date | dt.datetime | pd.Timestamp) -> str:
    """`12. marts 2023`."""
    return f"{t.day}. {periods.MONTHS_DA[t.month - 1]} {t.year}"


def source_key(plan_id: str) -> str:
    return f"{SOURCE_PREFIX}{plan_id}"


@dataclass(frozen=True)
class Entered:
    """One own figure or assessment in force, with who entered it, when and from which file."""

    plan: str
    goal_id: str
    period: str
    value: float | None
    assessment: str | None
    note: str | None
    username: str
    entered_at: dt.datetime
    file_name: str
    import_id: int

    def provenance(self, label: str = OWN_LABEL) -> str:
        """`Egne tal, indtastet af anna, 12. marts 2023`."""
        return f"{label}, indtastet af {self.username}, {date_da(self.entered_at)}"


def entries(figures: pd.DataFrame, plan_id: str, goal_id: str) -> list[Entered]:
    """The goal's entries (from `Store.goal_figures`), oldest period first."""
    if figures is None or figures.empty:
        return []
    f = figures[(figures["plan"] == plan_id) & (figures["goal_id"] == goal_id)]
    out = [Entered(r.plan, r.goal_id, r.period, None if pd.isna(r.value) else float(r.value),
                   None if pd.isna(r.assessment) else r.assessment, None if pd.isna(r.note) else r.note,
                   r.username, pd.Timestamp(r.imported_at).to_pydatetime(), r.file_name, int(r.import_id))
           for r in f.itertuples()]
    return sorted(out, key=lambda e: periods.sort_key(e.period))


def points(figures: pd.DataFrame, plan_id: str, goal_id: str) -> pd.DataFrame:
    """A numeric goal's own figures in the shape of the engine's series points, so one rule judges both."""
    return pd.DataFrame(point_rows(entries(figures, plan_id, goal_id), plan_id), columns=POINT_COLUMNS)


def point_rows(entered: Iterable[Entered], plan_id: str) -> list[tuple]:
    """`points`' rows (POINT_COLUMNS) from the goal's entries."""
    return [(e.period, periods.kind(e.period), periods.end_month(e.period), e.value, (source_key(plan_id),),
             False, False) for e in entered if e.value is not None]


def assessment(figures: pd.DataFrame, plan_id: str, goal_id: str) -> Entered | None:
    """The newest-period assessment of a qualitative goal, if one is entered."""
    found = [e for e in entries(figures, plan_id, goal_id) if e.assessment]
    return found[-1] if found else None


# --- For the pages -------------------------------------------------------------------------------

def shown(value: float | None, assessment: str | None) -> str:
    """An own figure or an assessment as a cell: `11`, `57,5`, `på vej`, or `–` for nothing."""
    if assessment is not None and not pd.isna(assessment):
        return str(assessment)
    return fmt.number(value, decimals=None)


def scorecard(plan, results: list) -> pd.DataFrame:
    """Counts of the plan's goals by status (rows) and kind of evidence (columns), with totals: the top of
    Målopfølgning. `results` are the engine's GoalResults (status as its Danish word)."""
    kinds = {g.id: template.EVIDENCE_LABELS[template.evidence_kind(g)] for g in plan.goals}
    order = ["nået", "på vej", "ikke på vej", "kan ikke vurderes"]
    cols = list(template.EVIDENCE_LABELS.values())
    counts = {s: dict.fromkeys(cols, 0) for s in order}
    for r in results:
        counts.setdefault(str(r.status), dict.fromkeys(cols, 0))[kinds[r.goal_id]] += 1
    df = pd.DataFrame.from_dict(counts, orient="index", columns=cols)
    df["I alt"] = df.sum(axis=1)
    df.loc["I alt"] = df.sum(axis=0)
    df.index.name = "Status"
    return df.reset_index()


def one_value_csv(plan_id: str, goal_id: str, period: str, value: str = "", assessment: str = "",
                  note: str = "") -> bytes:
    """One figure typed on a page as an own-figures CSV, so it goes through the importer's validation,
    preview, history and undo like any file (nothing is written from a widget directly)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(["plan", "mål", "periode", "værdi", "vurdering", "note"])
    w.writerow([plan_id, goal_id, period, value.strip(), assessment.strip(), note.strip()])
    return buf.getvalue().encode("utf-8")
