"""Danish sentences about goals: the target, the gap, the status reason, the rule, the missing extract.

The numbers, the status and the reason code come from the target engine (`beskdash.goals`); this module
only words them. The plain-language summaries that open a goal view are `text.summaries`; HTML badges and
page links are in `beskdash.markup`.
"""

from __future__ import annotations

import re

import pandas as pd

from beskdash import fmt, taxonomy, template
from beskdash.evidence import ASSESSMENT_LABEL, OWN_LABEL, date_da
from beskdash.goals import MIN_TREND_POINTS, TREND_POINTS, GoalDetail, GoalResult, Projection, Reason, plans
from beskdash.periods import end_month, kind, year
from beskdash.plans import Goal, Plan
from beskdash.season import SeasonalProjection
from beskdash.status import Status

KIND_LABELS = {"target": "mål", "indicator": "indikator", "qualitative": "kvalitativt mål"}
_PERIODICITY = {"month": "månedlige", "quarter": "kvartalsvise", "year": "årlige", "mat": "løbende årlige"}
_JOBINDSATS_CODE = re.compile(r"^(Y\d\dA\d\d|PTVA\d\d)$")


# --- Values --------------------------------------------------------------------------------

def plan_label(plan: Plan) -> str:
    return f"{taxonomy.area_name(plan.municipality)}: {plan.title}"


def plan_choices() -> list[tuple[str, str]]:
    """(id, "Kommune: titel") for every plan, for pickers."""
    return [(pid, plan_label(p)) for pid, p in plans().items()]


def value(v: float | None, unit: str) -> str:
    """`288 fuldtidspersoner`, `9,9 uger`, `12,6 %`: whole numbers without decimals, else one."""
    if v is None:
        return "–"
    decimals = 0 if float(v).is_integer() else 1
    if unit == "%":
        return fmt.percent(v, decimals)
    return f"{fmt.number(v, decimals)} {unit}".strip()


def bare(v: float, unit: str) -> str:
    """A value without its unit, except percentages (`288`, `8 %`)."""
    return value(v, unit) if unit == "%" else fmt.number(v, 0 if float(v).is_integer() else 1)


def deadline_text(deadline: str | None) -> str:
    if not deadline:
        return ""
    return f"i {deadline}" if kind(deadline) == "year" else f"senest {fmt.period(deadline)}"


def target_text(goal: Goal, target: float | None, baseline: float | None, unit: str,
                baseline_period: str | None = None) -> str:
    """The target as the plan sets it: `≤ 288 fuldtidspersoner`, `10 % under niveauet i december 2019`."""
    t = goal.target
    if goal.kind == "qualitative":
        return "intet tal"
    if t is None:
        return "mål ikke offentliggjort" if goal.unpublished_target else "intet mål (indikator)"
    down = goal.direction == "decrease"
    bp = baseline_period or (goal.baseline.period if goal.baseline else None)
    if t.type == "absolute":
        sign = ("<" if t.strict else "≤") if down else (">" if t.strict else "≥")
        text = f"{sign} {value(t.value, unit)}"
    elif t.type == "relative" and t.change_pct is not None:  # the schema requires change_pct here
        word = "under" if t.change_pct < 0 else "over"
        rel = f"mindst {fmt.number(abs(t.change_pct), None)} % {word} niveauet i {fmt.period(bp)}"
        text = f"{'≤' if down else '≥'} {value(target, unit)} ({rel})" if target is not None else rel
    else:
        word = "fald" if down else "stigning"
        if bp is None:
            text = f"{word} i forhold til niveauet før planåret"
        else:
            text = f"{word} i forhold til {fmt.period(bp)}"
            if baseline is not None:
                text += f" ({value(baseline, unit)})"
    if t.tolerance:
        text += f", tolerance {value(t.tolerance, unit)}"
    return text


def target_of(r: GoalResult) -> str:
    """A result's target as Danish text, e.g. `≤ 288 fuldtidspersoner` (`target_text` of its goal)."""
    if r.kind == "qualitative":
        return target_text(r.goal, None, None, r.unit)
    return target_text(r.goal, r.target, r.baseline, r.unit, r.baseline_period)


# --- Status and reasons ----------------------------------------------------------------------

def reason(r: GoalResult) -> str:
    """The engine's reason code and numbers as one Danish line."""
    code, g, unit = r.reason, r.goal, r.unit
    if code is Reason.QUALITATIVE:
        return "kvalitativt mål: planen sætter intet tal, så det følges op i tekst"
    if code is Reason.ASSESSED:
        return assessment_text(r)
    if code is Reason.INCOMPLETE_PERIOD:
        have, of = r.parts
        what = "måneder" if of in (12, 3) else "kvartaler"
        return (f"målet gælder et helt {'år' if r.series_kind == 'year' else 'kvartal'}, og data efter "
                f"{fmt.period(r.after)} har kun tal for {have} af periodens {of} {what} — for få til en "
                "fremskrivning, der fjerner sæsonen (mindst 13 måneder eller 5 kvartaler i træk)")
    if code is Reason.NO_TARGET:
        if g.unpublished_target is not None:
            text = f"planen offentliggør ikke målet («{g.unpublished_target.quote}»)"
        else:
            text = "planen sætter intet mål for indikatoren; den følges uden målværdi"
        if r.latest is not None:
            text += f"; seneste værdi {value(r.latest, unit)} ({fmt.period(r.latest_period)})"
        return text
    if code is Reason.NO_SERIES and g.indicator is not None and g.indicator.named is not None:
        source = g.indicator.named.source
        where = f" (kilde ifølge planen: {source})" if source else ""
        return f"mangler data: «{g.indicator.named.name}» findes endnu ikke som dataserie{where}"
    if code is Reason.MISSING_AFTER and r.after is not None:
        return _missing_after(r.after, r.suppressed, r.incomplete, r.needs_baseline)
    if code is Reason.MISSING_BASELINE:
        if r.baseline_period is None:
            return "mangler et udgangspunkt: planen angiver intet, og data har ingen værdi før planåret"
        return (f"mangler niveauet i {fmt.period(r.baseline_period)}, som målet regnes fra: det er hverken trykt "
                "i planen eller i data")
    if code is Reason.TOO_FEW_POINTS:
        least = {"month": "13 i træk, så sæsonen kan fjernes", "quarter": "5 i træk, så sæsonen kan fjernes"}.get(
            r.series_kind or "", str(MIN_TREND_POINTS))
        return (f"for få {_PERIODICITY.get(r.series_kind or '', '')} værdier til en fremskrivning "
                f"({r.trend_values} af mindst {least})")
    if r.deadline is None:
        raise ValueError(f"{r.goal_id}: {code} without a deadline")
    target = target_of(r)
    if code in (Reason.MET, Reason.DEADLINE_PASSED):
        if r.latest is None:
            raise ValueError(f"{r.goal_id}: {code} without a latest value")
        how = f", {r.latest_how}" if r.latest_how and r.latest_how != "kilde" else ""
        latest = f"seneste værdi {value(r.latest, unit)} ({fmt.period(r.latest_period)}{how})"
        if code is Reason.MET:
            return f"{latest} opfylder målet {target}"
        return f"fristen ({fmt.period(r.deadline)}) er nået, og {latest} opfylder ikke målet {target}"
    p = r.projection
    if p is None:
        raise ValueError(f"{r.goal_id}: {code} without a projection")
    verdict = "opfylder" if code is Reason.PROJECTED_MET else "ikke opfylder"
    return (f"tendensen fremskrevet til {fmt.period(r.deadline)} giver {value(p.deadline_value, unit)}, som "
            f"{verdict} målet {target} ({projection_method(p)}){break_note(r)}")


def projection_method(p: Projection | SeasonalProjection) -> str:
    """Which method projected, over which periods: the page and the report say it in words."""
    span = f"{fmt.period(p.first_period)}–{fmt.period(p.last_period)}"
    if not isinstance(p, SeasonalProjection):
        few = " – for få i træk til at fjerne sæsonen" if p.kind in ("month", "quarter") else ""
        return (f"mindste kvadraters metode over de seneste {p.n_points} {_PERIODICITY.get(p.kind, '')} værdier, "
                f"{span}{few}")
    if "glidende" in p.method:
        return f"sæsonen fjernet med {p.method}: ret linje gennem de seneste {p.n_points} gennemsnit, {span}"
    return f"sæsonen fjernet med {p.method} ({p.n_points} sammenligninger), {span}"


def break_note(r: GoalResult) -> str:
    b = r.series_break
    return f"; databrud {fmt.period(b.period)}: {b.text} — tendensen regnes kun efter bruddet" if b else ""


def assessment_text(r: GoalResult) -> str:
    """A qualitative goal's status as the jobcenter's own assessment, with author, date and note."""
    a = r.entered[0]
    note = f": «{a.note}»" if a.note else ""
    return (f"jobcentrets egen vurdering for {fmt.period(a.period)} (ikke beregnet), indtastet af {a.username} "
            f"{date_da(a.entered_at)}{note}")


def provenance_line(r: GoalResult) -> str | None:
    """`Egne tal, indtastet af anna, 12. marts 2023 (fil egne.csv)` beside an own figure or assessment."""
    if not r.entered:
        return None
    label = ASSESSMENT_LABEL if r.reason is Reason.ASSESSED else OWN_LABEL
    shown = [e for e in r.entered if r.reason is Reason.ASSESSED or e.period in (r.latest_period, r.baseline_period)]
    return "; ".join(f"{e.provenance(label)} ({fmt.period(e.period)}; fil {e.file_name})"
                     + (f" — {e.note}" if e.note and r.reason is not Reason.ASSESSED else "")
                     for e in (shown or list(r.entered)))


def _missing_after(after: str, suppressed: int = 0, incomplete: int = 0, baseline_missing: bool = False) -> str:
    text = f"mangler data efter {fmt.period(after)}"
    notes = []
    if suppressed:
        notes.append(f"{suppressed} {'periode er' if suppressed == 1 else 'perioder er'} diskretioneret i kilden")
    if incomplete:
        notes.append(f"{incomplete} {'periode har' if incomplete == 1 else 'perioder har'} kun tal for en del "
                     "af ydelserne")
    if notes:
        text += f" ({'; '.join(notes)})"
    if baseline_missing:
        text += f", og niveauet i {fmt.period(after)}, som målet regnes fra, er hverken trykt i planen eller i data"
    return text


# --- The gap ------------------------------------------------------------------------------

def gap_sentence(r: GoalResult) -> str:
    """The distance to the target in plain Danish: `12 fuldtidspersoner over målet på 288`."""
    if r.kind == "qualitative":
        return "Kvalitativt mål – der er intet tal at måle afstanden på."
    if r.latest is None:
        if r.after and r.measure is not None:
            return f"Ingen måling efter {fmt.period(r.after)} endnu."
        return "Ingen måling i databasen endnu."
    if r.reference is None or r.gap is None:
        return f"Seneste værdi: {value(r.latest, r.unit)} ({fmt.period(r.latest_period)})."
    if r.target is not None:
        against = f"målet på {bare(r.reference, r.unit)}"
    else:
        against = f"niveauet i {fmt.period(r.baseline_period)} på {bare(r.reference, r.unit)}"
    if abs(r.gap) < 1e-9:
        return f"Præcis på {against}."
    word = "over" if r.gap > 0 else "under"
    if r.unit == "%":
        amount = fmt.pct_points(abs(r.gap)).lstrip("+")
    else:
        amount = value(abs(r.gap), r.unit)
        if r.gap_pct is not None:
            amount += f" ({fmt.percent(abs(r.gap_pct))})"
    return f"{amount[0].upper()}{amount[1:]} {word} {against}."


def measured_line(r: GoalResult) -> str:
    """Which periods the figures are from: `Seneste: juli 2021 · udgangspunkt: december 2019 (planen)`."""
    parts = []
    if r.latest_period:
        parts.append(f"Seneste: {value(r.latest, r.unit)} ({fmt.period(r.latest_period)})")
    if r.baseline_period:
        origin = "trykt i planen" if r.baseline_from == "plan" else ("fra data" if r.baseline_from else "ikke trykt")
        parts.append(f"udgangspunkt: {value(r.baseline, r.unit)} ({fmt.period(r.baseline_period)}, {origin})")
    if r.deadline:
        parts.append(f"frist: {fmt.period(r.deadline)}")
    text = " · ".join(parts)
    return text[:1].upper() + text[1:] if text else ""


def seed_reference(r: GoalResult) -> str:
    return f"Planens ordlyd: {r.seed_file}, afsnit «{r.ref_section}»"


# --- The missing extract ----------------------------------------------------------------------

def _jobindsats_code(benefit_key: str) -> str | None:
    b = taxonomy.get().benefits.get(benefit_key)
    if b is None:
        return None
    return next((lab for lab in b.labels if _JOBINDSATS_CODE.match(lab)), None)


def missing_hint(r: GoalResult) -> str | None:
    """The extract that would let the engine judge the goal, e.g.
    `jobindsats.dk Y07A02 sygedagpenge, fuldtidspersoner, Allerød, månedlig 2020–2022`; None when
    the engine needs none."""
    if r.evidence != template.SERIES and r.status is Status.KAN_IKKE and not r.entered:
        rows = r.template_rows
        return ("; ".join(row.where() for row in rows)) if rows else None
    if not r.needs_extract or r.after is None:
        return None
    goal, after = r.goal, r.after
    start = year(after) if r.needs_baseline else (end_month(after) + 1) // 12
    stop = year(goal.target.deadline) if goal.target else r.plan_year
    years = str(stop) if stop <= start else f"{start}–{stop}"
    ind = goal.indicator
    area = taxonomy.area_name(r.municipality)
    if ind is None:
        return ""
    if ind.series is not None:
        s = ind.series
        area = taxonomy.area_name(s.area)
        parts, codes = [], []
        for b in s.benefits:
            code = _jobindsats_code(b)
            label = fmt.lower_first(taxonomy.benefit_label(b))
            parts.append(f"{code} {label}" if code else label)
            codes.append(code)
        what = " + ".join(parts)
        measure = fmt.lower_first(taxonomy.measure_label(s.measure))
        prefix = "jobindsats.dk " if all(codes) else "et udtræk med "
        return f"{prefix}{what}, {measure}, {area}, månedlig {years}"
    n = ind.named
    assert n is not None  # plans.Indicator holds a series or a named indicator
    source = n.source or "kommunens egen opgørelse"
    return (f"{source}: {n.name} ({n.unit}), {area}, {years} – indikatoren har endnu ingen serie i datamodellen "
            "og kræver en ny ydelses- eller indikatornøgle")


# --- The rule in words --------------------------------------------------------------------------

def rule_text() -> list[str]:
    """The engine's one rule, as the pages and the report state it."""
    return [
        "Udgangspunktet er det tal, planen trykker. Nævner planen kun perioden, bruges værdien i data for "
        "netop den periode. Et mål, der kun angiver en retning uden udgangspunkt, måles mod den seneste "
        "værdi før planåret.",
        "Målværdien er enten planens tal, planens procentvise ændring regnet ud fra udgangspunktet, eller – "
        "når planen kun angiver en retning – udgangspunktet selv, som skal overgås.",
        "Den seneste værdi er den nyeste periode efter udgangspunktet, hvor alle ydelser i målet har et tal. "
        "Summer af ydelser lægger antal sammen, aldrig andele. Mangler der data, kan målet ikke vurderes – "
        "manglende data tæller aldrig som opfyldt.",
        "Målet er nået, når den seneste værdi er på eller under målet for et mål, der skal nedbringes, og på "
        "eller over målet for et mål, der skal øges (skarpt under/over ved »under …« og ved en retning).",
        "Målets egen periodetype afgør, hvad der sammenlignes: et mål for et år vurderes på årets tal (kildens "
        "eget årstal, ellers gennemsnittet af alle årets måneder eller kvartaler – aldrig én måned), et mål "
        "for et kvartal på kvartaler og et mål for en måned på måneder. Ved fristen er det fristens egen "
        "periode, der tæller.",
        "Er fristen nået uden at målet er nået, er målet ikke på vej. Ellers afgør tendensen, fremskrevet til "
        "fristen, uden at sæsonen læses som en tendens: måneds- og kvartalstal fremskrives med et 12-måneders "
        "(4-kvartalers) glidende gennemsnit – en ret linje gennem de seneste 8 gennemsnit – eller, med under to "
        "års tal, med ændringen fra de samme måneder året før; årstal med en ret linje efter mindste kvadraters "
        f"metode gennem de seneste {TREND_POINTS} værdier (mindst {MIN_TREND_POINTS}). Et kendt databrud "
        "(fx kontanthjælpsreformen 1. juli 2025) vises, og tendensen regnes kun efter bruddet. Opfylder den "
        "fremskrevne værdi målet, er målet på vej; ellers ikke. Med for få værdier kan målet ikke vurderes.",
        "Mål uden dataserie vurderes på kommunens egne tal efter samme regel. Et kvalitativt mål viser "
        "jobcentrets egen vurdering (nået, på vej, ikke på vej) med note, dato og forfatter – aldrig som et "
        "beregnet resultat. Er intet indtastet, kan målet ikke vurderes, og siden viser, hvilken række i "
        "skabelonen til egne tal der ville udfylde det.",
    ]


def goal_rule(r: GoalResult) -> str:
    """The rule applied to one goal, in one sentence or two."""
    if r.reason is Reason.ASSESSED:
        return ("Målet har intet tal; status er jobcentrets egen vurdering, ikke et beregnet resultat.")
    if r.kind == "qualitative":
        return ("Målet har intet tal og vurderes derfor ikke automatisk; jobcentret kan indtaste sin egen "
                "vurdering i skabelonen til egne tal.")
    if r.target_type is None:
        return "Planen sætter intet mål for indikatoren; den vises, men vurderes ikke."
    down = r.direction == "decrease"
    dl = deadline_text(r.deadline)
    if r.target_type == "direction":
        base = (f"niveauet i {fmt.period(r.baseline_period)}" if r.baseline_period
                else "niveauet før planåret")
        text = f"Målet er nået, når værdien er {'lavere' if down else 'højere'} end {base} ({dl})."
    else:
        text = f"Målet er nået, når værdien er {target_of(r)} ({dl})."
    if r.projection is not None:
        text += f" Indtil fristen afgør en fremskrivning ({projection_method(r.projection)}), om målet er på vej."
    return text


def summary(results: list[GoalResult]) -> str:
    """`14 mål: 1 nået, 0 på vej, 1 ikke på vej, 12 kan ikke vurderes.`"""
    counts = {s: sum(r.status == s for r in results) for s in Status}
    return f"{len(results)} mål: " + ", ".join(f"{n} {s}" for s, n in counts.items()) + "."


COLUMNS = ["plan", "goal_id", "title", "kind", "unit", "baseline", "baseline_period", "target", "deadline",
           "latest", "latest_period", "gap", "status", "reason"]


def result_row(r: GoalResult) -> dict:
    """The CLI's columns (JSON keys), in order: the engine's numbers, the status word and the sentences."""
    def rounded(v: float | None) -> float | None:
        return None if v is None else round(v, 4)

    return {
        "plan": r.plan, "goal_id": r.goal_id, "title": r.title, "kind": r.kind,
        "unit": r.unit, "baseline": r.baseline, "baseline_period": r.baseline_period,
        "target": r.target, "deadline": r.deadline, "latest": r.latest,
        "latest_period": r.latest_period, "gap": rounded(r.gap), "status": r.status.word,
        "reason": reason(r), "target_text": target_of(r), "gap_pct": rounded(r.gap_pct),
        "baseline_from": r.baseline_from, "focus_area": r.focus_area, "direction": r.direction,
        "sources": list(r.sources), "missing": missing_hint(r),
    }


def text_table(results: list[GoalResult], title_width: int = 48) -> str:
    """The goals as a plain-text table for the terminal, Danish numbers, the reason last."""
    def short(t: str) -> str:
        return t if len(t) <= title_width else t[: title_width - 1] + "…"

    df = pd.DataFrame([{
        "plan": r.plan, "goal_id": r.goal_id, "title": short(r.title), "kind": KIND_LABELS[r.kind],
        "unit": r.unit, "baseline": value(r.baseline, r.unit) if r.baseline is not None else "–",
        "baseline_period": fmt.period(r.baseline_period), "target": target_of(r),
        "deadline": fmt.period(r.deadline), "latest": value(r.latest, r.unit) if r.latest is not None else "–",
        "latest_period": fmt.period(r.latest_period), "gap": gap_short(r), "status": r.status.label,
        "reason": reason(r),
    } for r in results])
    if df.empty:
        return "Ingen mål.\n"
    widths = {c: max(len(c), *(len(str(v)) for v in df[c])) for c in df.columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in df.columns).rstrip()]
    lines += ["  ".join(str(v).ljust(widths[c]) for c, v in row.items()).rstrip() for _, row in df.iterrows()]
    return "\n".join(lines) + "\n"


def gap_short(r: GoalResult) -> str:
    if r.gap is None:
        return "–"
    if r.unit == "%":
        return fmt.pct_points(r.gap)
    return fmt.signed(r.gap, 0 if float(r.gap).is_integer() else 1)


# --- Chart descriptions ---------------------------------------------------------------------

def reference_label(r: GoalResult) -> str:
    """What the black mark is: the target, or for a direction the level to get below/above."""
    if r.target is not None:
        return "Mål"
    return "Skal under" if r.direction == "decrease" else "Skal over"


def chart_alt(r: GoalResult) -> str:
    """The bullet chart in words, for screen readers."""
    parts = []
    if r.latest is not None:
        parts.append(f"seneste {value(r.latest, r.unit)} ({fmt.period(r.latest_period)})")
    if r.reference is not None:
        parts.append(f"mål {target_of(r)}" if r.target is not None
                     else f"{reference_label(r).lower()} {value(r.reference, r.unit)}")
    if r.baseline is not None:
        parts.append(f"udgangspunkt {value(r.baseline, r.unit)} ({fmt.period(r.baseline_period)})")
    return "Diagram: " + ", ".join(parts) + f". Status: {r.status}."


def points_table(detail: GoalDetail) -> pd.DataFrame:
    """The goal's values as a Danish table: every periodicity, newest first, with the source."""
    r = detail.result
    frames = [f for f in (detail.points, detail.other_points) if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame(columns=["Periode", "Værdi", "Kilde"])
    pts = pd.concat(frames, ignore_index=True).sort_values("end", ascending=False)
    return pd.DataFrame({
        "Periode": [fmt.period(p) for p in pts["period"]],
        "Værdi": [value(v, r.unit) if v == v else _missing_word(s, i)
                  for v, s, i in zip(pts["value"], pts["suppressed"], pts["incomplete"])],
        "Kilde": ["; ".join(detail.source_titles.get(k, k) for k in s) for s in pts["sources"]],
    })


def _missing_word(suppressed: bool, incomplete: bool) -> str:
    if suppressed:
        return "diskretioneret"
    return "ufuldstændig (mangler ydelser)" if incomplete else "–"


def short_title(title: str, n: int = 110) -> str:
    return title if len(title) <= n else title[: n - 1].rstrip() + "…"


def series_alt(detail: GoalDetail) -> str:
    """The time-series chart in words, for screen readers."""
    r = detail.result
    n = int(detail.points["value"].notna().sum()) if not detail.points.empty else 0
    text = f"Diagram over {n} {'værdi' if n == 1 else 'værdier'}"
    if r.latest is not None:
        text += f", senest {value(r.latest, r.unit)} ({fmt.period(r.latest_period)})"
    if r.reference is not None:
        text += (f"; mål {target_of(r)}" if r.target is not None
                 else f"; {reference_label(r).lower()} {value(r.reference, r.unit)}")
    if r.deadline:
        text += f"; frist {fmt.period(r.deadline)}"
    if r.projection is not None:
        text += f"; fremskrevet til fristen: {value(r.projection.deadline_value, r.unit)}"
    return text + "."


BULLET_LEGEND = ("I diagrammerne er søjlen den seneste værdi i statusfarven, den sorte streg er målet, og den grå "
                 "rombe er udgangspunktet.")
SERIES_LEGEND = ("Blå linje: værdierne. Grå rombe: udgangspunktet. Sort stiplet linje: målet. Lodret streg: fristen. "
                 "Orange stiplet linje: tendensen fremskrevet til fristen.")
