"""The own-figures template: which goals need the municipality's own figure or assessment, for which
periods, and the workbook an analyst fills in (`python -m beskdash template --plan ID`).

A goal is followed by one of three kinds of evidence (`evidence_kind`):

- a data series (`indicator.series`): judged from the store's observations; not in the template;
- an own figure (`indicator.named`): a number only the municipality has (a survey, a count);
- an assessment (a qualitative goal): the jobcenter's own words, `nået`, `på vej` or `ikke på vej`.

The template has one row per own-figure or assessment goal and per period that goal needs
(`goal_periods`); the own-figures reader accepts exactly those (plan, goal, period) triples.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from beskdash import periods
from beskdash.plans import Goal, Plan

SERIES, OWN, ASSESSMENT = "dataserie", "egne tal", "vurdering"
EVIDENCE_LABELS = {SERIES: "Dataserie", OWN: "Egne tal", ASSESSMENT: "Jobcentrets vurdering"}

SHEET = "Egne tal"
GUIDE_SHEET = "Vejledning"
COLUMNS = ["plan", "mål", "titel", "enhed", "periode", "værdi", "vurdering", "note"]
# A file from the jobcenter's own systems may leave out the two descriptive columns.
REQUIRED_COLUMNS = ["plan", "mål", "periode", "værdi", "vurdering", "note"]
ASSESSMENTS = ("nået", "på vej", "ikke på vej")
SHARE_UNITS = {"pct.", "pct", "%", "procent"}

DEADLINE, BASELINE = "deadline", "baseline"


def evidence_kind(goal: Goal) -> str:
    """Which kind of evidence follows the goal: SERIES, OWN or ASSESSMENT."""
    if goal.kind == "qualitative" or goal.indicator is None:
        return ASSESSMENT
    return SERIES if goal.indicator.series is not None else OWN


def unit(goal: Goal) -> str:
    """The unit of an own figure ('' for an assessment, which has none)."""
    if evidence_kind(goal) != OWN:
        return ""
    return goal.indicator.named.unit  # type: ignore[union-attr]


def is_share(goal: Goal) -> bool:
    return unit(goal).strip().lower() in SHARE_UNITS


def goal_periods(plan: Plan, goal: Goal) -> list[tuple[str, str]]:
    """(period, role) the goal takes an own figure or assessment for, in order: the baseline period
    first where one is needed, then the deadline. Empty for a series goal.

    - deadline: the target's deadline; without a target (an indicator, a qualitative goal), the plan year;
    - baseline (own figures only): the plan names the period but prints no figure; or the target is
      relative or a direction without a baseline, measured (as the goal engine does) against the year
      before the plan.
    """
    kind = evidence_kind(goal)
    if kind == SERIES:
        return []
    deadline = goal.target.deadline if goal.target is not None else str(plan.year)
    if kind == ASSESSMENT:
        return [(deadline, DEADLINE)]
    out: list[tuple[str, str]] = []
    b, t = goal.baseline, goal.target
    if b is not None and b.value is None:
        out.append((b.period, BASELINE))
    elif b is None and t is not None and t.type in ("relative", "direction"):
        out.append((str(plan.year - 1), BASELINE))
    if not any(p == deadline for p, _ in out):
        out.append((deadline, DEADLINE))
    return out


@dataclass(frozen=True)
class TemplateRow:
    plan: str
    goal_id: str
    title: str
    unit: str  # '' for an assessment
    period: str  # canonical (`2022`, `2019M12`)
    role: str  # DEADLINE or BASELINE
    line: int  # the row in the sheet (the header is row 1)

    @property
    def numeric(self) -> bool:
        return self.unit != ""

    def where(self) -> str:
        """Danish: the template row that would fill the goal, for the pages and `missing`."""
        return (f"skabelonen til egne tal (ark '{SHEET}'), række {self.line}: mål {self.goal_id}, "
                f"periode {self.period}, kolonne {'værdi' if self.numeric else 'vurdering og note'}")


def rows(plan: Plan) -> list[TemplateRow]:
    """The template's rows for one plan, in plan order."""
    out: list[TemplateRow] = []
    for g in plan.goals:
        for period, role in goal_periods(plan, g):
            out.append(TemplateRow(plan.id, g.id, g.title, unit(g), period, role, len(out) + 2))
    return out


def rows_for(plan: Plan, goal_id: str) -> list[TemplateRow]:
    return [r for r in rows(plan) if r.goal_id == goal_id]


def period_help(period: str) -> str:
    """`2022` → 'hele året 2022'; `2019M12` → 'december 2019 (måneden)'."""
    k = periods.kind(period)
    if k == "year":
        return f"hele året {period}"
    if k == "quarter":
        return f"{period[-1]}. kvartal {period[:4]}"
    return f"{periods.label_da(period)} (måneden)"


# --- The workbook ------------------------------------------------------------------------------

GUIDE = [
    "Sådan udfylder du skabelonen til egne tal",
    "",
    "Arket 'Egne tal' har én række pr. mål, som ikke følges af en dataserie i beskdash, og pr. periode, "
    "målet skal have et tal eller en vurdering for. Kolonnerne plan, mål, titel, enhed og periode er udfyldt "
    "på forhånd — ret dem ikke.",
    "",
    "Mål med en enhed (fx pct., besøg, personer): skriv tallet i kolonnen 'værdi' i målets enhed, med komma "
    "som decimaltegn (12,5). Andele skrives i procent mellem 0 og 100 (57 betyder 57 %). Kolonnen 'vurdering' "
    "skal være tom.",
    "",
    "Mål uden enhed (kvalitative mål): vælg en vurdering i kolonnen 'vurdering' — 'nået', 'på vej' eller "
    "'ikke på vej' — og skriv i 'note', hvad vurderingen bygger på. Kolonnen 'værdi' skal være tom. "
    "Vurderingen vises i beskdash som jobcentrets egen vurdering, aldrig som et beregnet resultat.",
    "",
    "Periode: den periode, tallet gælder for. '2022' er hele året 2022 (fx et årsgennemsnit, en årlig "
    "optælling eller en måling i løbet af året), '2019M12' er december 2019, og '2022Q4' er 4. kvartal 2022. "
    "En række med rollen 'udgangspunkt' er det niveau, målet måles imod (planen nævner perioden, men trykker "
    "intet tal); de andre rækker er målets frist.",
    "",
    "Rækker, du ikke kan udfylde endnu, lader du stå tomme — de springes over. Importér filen på siden "
    "Upload eller med: python -m beskdash import FIL.xlsx. Du ser ændringerne, før noget gemmes, og en "
    "import kan fortrydes. Hvem der importerede, hvornår og fra hvilken fil, gemmes ved hvert tal.",
    "",
    "Samme kolonner kan også importeres som CSV (semikolon som skilletegn, UTF-8 eller Windows-1252): "
    "plan;mål;titel;enhed;periode;værdi;vurdering;note — titel og enhed må udelades.",
]

HEADER_COMMENTS = {
    "plan": "Planens id. Udfyldt på forhånd.",
    "mål": "Målets id i planen. Udfyldt på forhånd.",
    "titel": "Målet som formuleret i planen (kun til orientering).",
    "enhed": "Værdiens enhed. Tom: et kvalitativt mål — udfyld 'vurdering' og 'note' i stedet for 'værdi'.",
    "periode": "Perioden, tallet gælder for: 2022 = hele året, 2019M12 = december 2019, 2022Q4 = 4. kvartal.",
    "værdi": "Tallet i målets enhed, fx 12,5. Andele i procent (0–100). Kun for mål med en enhed.",
    "vurdering": "Kun for kvalitative mål: nået, på vej eller ikke på vej.",
    "note": "Hvad tallet eller vurderingen bygger på (kilde, opgørelse, begrundelse).",
}


def workbook(plan: Plan) -> bytes:
    """The filled-in-ready template for one plan as .xlsx bytes."""
    # deferred: openpyxl loads only when a template is made
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(COLUMNS)
    for cell, name in zip(ws[1], COLUMNS):
        cell.font = Font(bold=True)
        cell.comment = Comment(HEADER_COMMENTS[name], "beskdash")
    rs = rows(plan)
    for r in rs:
        ws.append([r.plan, r.goal_id, r.title, r.unit, r.period, None, None, None])
    fill = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill
    for r in rs:
        for col in ("F", "H") if r.numeric else ("G", "H"):
            ws[f"{col}{r.line}"].fill = fill
        role = "udgangspunkt" if r.role == BASELINE else "frist"
        what = f"en værdi i {r.unit}" if r.numeric else "en vurdering og en note"
        ws[f"E{r.line}"].comment = Comment(f"{period_help(r.period)} — {role}. Skriv {what}.", "beskdash")
        ws[f"C{r.line}"].alignment = Alignment(wrap_text=False)
    if rs:
        dv = DataValidation(type="list", formula1='"' + ",".join(ASSESSMENTS) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="Ugyldig vurdering",
                            error="Vælg nået, på vej eller ikke på vej (kun for mål uden enhed).")
        ws.add_data_validation(dv)
        for r in rs:
            if not r.numeric:
                dv.add(f"G{r.line}")
    for col, width in zip("ABCDEFGH", (16, 34, 60, 12, 10, 10, 14, 50)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    guide = wb.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 120
    for i, line in enumerate(GUIDE, start=1):
        c = guide.cell(row=i, column=1, value=line)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 1:
            c.font = Font(bold=True, size=13)
    guide.cell(row=len(GUIDE) + 2, column=1, value=f"Plan: {plan.id} — {plan.publisher}: {plan.title}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
