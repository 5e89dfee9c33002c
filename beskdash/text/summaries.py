"""Plain-language summaries: the one or two sentences that open every goal view, the report's summary table
row, and the plan at a glance. Worded from the engine's numbers with the phrases of `text.goals`."""

from __future__ import annotations

from beskdash import fmt, taxonomy
from beskdash.evidence import date_da
from beskdash.fmt import join_da
from beskdash.goals import GoalResult, Reason
from beskdash.plans import Goal, Plan
from beskdash.status import Status
from beskdash.text.goals import bare, deadline_text, gap_short, short_title, target_of, value


def goal_subject(goal: Goal) -> str:
    """What a goal counts, as the sentence's subject: `Sygedagpenge`, `A-dagpenge, kontanthjælp og
    uddannelseshjælp`, `Rekrutteringsevents pr. år`; a qualitative goal is named by its title."""
    ind = goal.indicator
    if ind is None:
        return short_title(goal.title, 80)
    if ind.series is not None:
        labels = [taxonomy.benefit_label(b) for b in ind.series.benefits]
        text = join_da([labels[0], *(fmt.lower_first(lab) for lab in labels[1:])])
    else:
        assert ind.named is not None  # plans.Indicator holds a series or a named indicator
        text = ind.named.name
    return text[:1].upper() + text[1:]


def _in(period: str | None) -> str:
    """`i 2022`, `i december 2022`, `i 4. kvt. 2022`."""
    return f"i {fmt.period(period)}"


def _target_phrase(r: GoalResult) -> str:
    """`≤ 288 fuldtidspersoner i 2022`, `et fald i forhold til 2021 (12,6 %) i 2022`."""
    article = ("et " if r.direction == "decrease" else "en ") if r.target_type == "direction" else ""
    return f"{article}{target_of(r)} {deadline_text(r.deadline)}"


def _against(r: GoalResult) -> str:
    """What the latest value is measured against: `målet på 288`, `niveauet i 2021 på 3,1 %`."""
    assert r.reference is not None  # only worded where latest and reference are known
    if r.target is not None:
        return f"målet på {bare(r.reference, r.unit)}"
    return f"niveauet i {fmt.period(r.baseline_period)} på {bare(r.reference, r.unit)}"


def _distance(r: GoalResult) -> str:
    """`37 over målet på 16`, `0,4 procentpoint under niveauet i 2021 på 3,1 %`, `præcis på målet på 16`."""
    assert r.gap is not None  # only worded where latest and reference are known
    if abs(r.gap) < 1e-9:
        return f"præcis på {_against(r)}"
    amount = fmt.pct_points(abs(r.gap)).lstrip("+") if r.unit == "%" else bare(abs(r.gap), r.unit)
    return f"{amount} {'over' if r.gap > 0 else 'under'} {_against(r)}"


_FLAT = 1e-9  # a slope this small is no movement at all


def trend_way(r: GoalResult) -> str | None:
    """Whether the projected trend moves towards the goal: `rigtige`, `forkerte`, `ingen` (flat), or
    None without a projection."""
    p = r.projection
    if p is None or r.direction is None:
        return None
    if abs(p.slope) < _FLAT:
        return "ingen"
    return "rigtige" if (p.slope < 0) == (r.direction == "decrease") else "forkerte"


def trend_text(r: GoalResult) -> str:
    """The trend column of the summary table: `↗ stigende (forkerte vej); fremskrevet til december
    2022: 93,8 personer`, or `–` where the engine drew no line."""
    way, p = trend_way(r), r.projection
    if way is None or p is None:
        return "–"
    moving = ("↘ faldende" if p.slope < 0 else "↗ stigende") + f" (den {way} vej)"
    word = "→ uændret" if way == "ingen" else moving
    return f"{word}; fremskrevet til {fmt.period(r.deadline)}: {value(p.deadline_value, r.unit)}"


def goal_summary(r: GoalResult, subject: str) -> str:
    """One or two plain sentences from the engine's numbers, e.g. `Sygedagpenge: 300 fuldtidspersoner
    i 2021, 12 over målet på 288. Udviklingen går den rigtige vej, men målet nås ikke i 2022 med den
    nuværende takt.` Every number in it is in the goal's row of the summary table (`summary_row`)."""
    if r.reason is Reason.ASSESSED:
        a = r.entered[0]
        note = f" {a.note}" if a.note else ""
        return (f"Kvalitativt mål: jobcentrets egen vurdering for {fmt.period(a.period)} er «{r.status}» "
                f"(indtastet af {a.username}, {date_da(a.entered_at)}).{note}")
    if r.kind == "qualitative":
        return "Kvalitativt mål: planen sætter intet tal, så målet følges op i tekst og vurderes ikke automatisk."
    goal_line = f"Målet er {_target_phrase(r)}." if r.target_type is not None else ""
    if r.reason is Reason.INCOMPLETE_PERIOD:
        have, of = r.parts
        return (f"{subject}: målet gælder hele perioden, og der er endnu kun tal for {have} af {of} "
                f"{'måneder' if of in (12, 3) else 'kvartaler'}, så målet kan ikke vurderes endnu. {goal_line}")
    if r.latest is None and r.projection is not None:
        verdict = "nås målet" if r.status == Status.PAA_VEJ else "nås målet ikke"
        return (f"{subject}: {fmt.period(r.deadline)} er ikke afsluttet; fremskrevet uden sæson giver det "
                f"{value(r.projection.deadline_value, r.unit)}, så med den nuværende takt {verdict}. {goal_line}")
    if r.latest is None:
        if r.target_type is None:
            since = f"efter {fmt.period(r.after)}" if r.after and r.measure is not None else "i databasen"
            return f"{subject}: ingen måling {since} endnu, og planen sætter intet mål."
        if r.measure is None:
            return (f"{subject}: kommunens eget tal er endnu ikke indtastet (skabelonen til egne tal), så målet "
                    f"kan ikke vurderes. {goal_line}")
        if r.baseline is not None and r.baseline_period:
            goal_line = (f"Udgangspunktet er {value(r.baseline, r.unit)} {_in(r.baseline_period)}, og målet er "
                         f"{_target_phrase(r)}.")
        return f"{subject}: ingen måling efter {fmt.period(r.after)} endnu, så målet kan ikke vurderes. {goal_line}"
    head = f"{subject}: {value(r.latest, r.unit)} {_in(r.latest_period)}"
    if r.target_type is None:
        return f"{head}. Planen sætter intet mål; tallet følges uden målværdi."
    if r.reference is None or r.gap is None:
        return f"{head}. Målet kan ikke vurderes, fordi niveauet, det regnes fra, mangler."
    text = f"{head}, {_distance(r)}."
    if r.status == Status.NAAET:
        return f"{text} Målet er nået."
    way = trend_way(r)
    if r.status == Status.PAA_VEJ:
        return f"{text} Udviklingen går den rigtige vej, og med den nuværende takt nås målet {_in(r.deadline)}."
    if r.status == Status.IKKE_PAA_VEJ:
        if way is None:
            return f"{text} Fristen ({fmt.period(r.deadline)}) er nået, uden at målet blev nået."
        lead = {"rigtige": "Udviklingen går den rigtige vej, men",
                "forkerte": "Udviklingen går den forkerte vej, og",
                "ingen": "Udviklingen står stille, og"}[way]
        return f"{text} {lead} målet nås ikke {_in(r.deadline)} med den nuværende takt."
    return f"{text} Der er endnu for få målinger til at se, om målet nås {_in(r.deadline)}."


def summary_for(plan: Plan, r: GoalResult) -> str:
    """`goal_summary` with the goal's subject looked up in its plan."""
    return goal_summary(r, goal_subject(next(g for g in plan.goals if g.id == r.goal_id)))


def summary_row(r: GoalResult) -> dict[str, str]:
    """One goal as a row of the report's summary table (Danish text, the numbers as the sentences
    state them)."""
    if r.latest is not None:
        latest = f"{value(r.latest, r.unit)} ({fmt.period(r.latest_period)})"
    elif r.reason is Reason.INCOMPLETE_PERIOD:
        latest = f"kun {r.parts[0]} af {r.parts[1]} {'måneder' if r.parts[1] in (12, 3) else 'kvartaler'}"
    else:
        latest = f"ingen efter {fmt.period(r.after)}" if r.after and r.measure is not None else "–"
    target = target_of(r) if r.target_type is None else f"{target_of(r)}, {deadline_text(r.deadline)}"
    base = (f"{value(r.baseline, r.unit)} ({fmt.period(r.baseline_period)})"
            if r.baseline is not None else "–")
    return {"Mål": short_title(r.title, 90), "Status": r.status.label, "Seneste": latest,
            "Udgangspunkt": base, "Målværdi": target, "Afstand": gap_short(r), "Tendens": trend_text(r)}


def _not_judged(r: GoalResult) -> str:
    """Why a goal cannot be judged, in one of four kinds (for the plan summary)."""
    if r.kind == "qualitative":
        return "qualitative"
    if r.target_type is None:
        return "no_target"
    if r.latest is None or r.reference is None:
        return "missing"
    return "few"


def plan_summary(plan: Plan, results: list[GoalResult]) -> str:
    """The plan at a glance after the count (`summary`): which goals are off track and why the rest
    cannot be judged, e.g. `Ikke på vej: Forsikrede ledige med over 1 års ledighed. 13 mål kan ikke
    vurderes: 3 er kvalitative, 2 har intet mål at måle imod, og for 8 mangler der data.`"""

    subjects = {g.id: goal_subject(g) for g in plan.goals}
    parts = []
    off = [subjects.get(r.goal_id, short_title(r.title, 60)) for r in results if r.status == Status.IKKE_PAA_VEJ]
    if off:
        parts.append(f"Ikke på vej: {join_da(off)}.")
    kinds = [_not_judged(r) for r in results if r.status == Status.KAN_IKKE]
    if kinds:
        n = {k: kinds.count(k) for k in ("qualitative", "no_target", "missing", "few")}
        why = []
        if n["qualitative"]:
            why.append(f"{n['qualitative']} {'er kvalitativt' if n['qualitative'] == 1 else 'er kvalitative'}")
        if n["no_target"]:
            why.append(f"{n['no_target']} har intet mål at måle imod")
        if n["missing"]:
            why.append(f"for {n['missing']} mangler der data")
        if n["few"]:
            why.append(f"{n['few']} har for få målinger til en tendens")
        parts.append(f"{len(kinds)} mål kan ikke vurderes: {join_da(why)}.")
    return " ".join(parts)
