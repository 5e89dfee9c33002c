"""What every check family shares: severities, the `Check` result, the measures the checks know, and the
helpers that print a figure the way the plans do and compute the rounding tolerance.

Names with a leading underscore are private to the `beskdash.audit` package, not to this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from beskdash import fmt, periods, taxonomy

PLAN_PREFIX = "plan:"

FEJL, ADVARSEL, INFO = "fejl", "advarsel", "info"
SEVERITIES = (FEJL, ADVARSEL, INFO)
SEVERITY_ICONS = {FEJL: "⛔", ADVARSEL: "⚠️", INFO: "ℹ️"}
SEVERITY_MEANING = {
    FEJL: "et trykt tal modsiger de tal, det er lavet af, mere end afrunding kan forklare",
    ADVARSEL: "en overskrift eller tekst beskriver rigtige tal forkert, to kilder er uenige, "
              "eller et udsagn kan ikke kontrolleres",
    INFO: "en forskel, afrunding kan forklare, eller en definition eller anmærkning, læseren bør kende",
}
CHECKS = {
    "dele-mod-total": "Dele mod total",
    "andel-mod-antal": "Andel mod antal",
    "aendring-mod-antal": "Ændring mod antal",
    "tekst-mod-tabel": "Tekst mod tabel",
    "kilde-mod-plan": "Anden kilde mod plan",
}
METHOD_DA = [
    "Hver transskriberet tabel i planerne kontrolleres mod sine egne tal: delene mod totalen, andelene mod "
    "antal og befolkning, de trykte procentvise ændringer mod antallene, og udsagn i teksten mod tabellerne.",
    "Tal fra andre kilder (fx jobindsats.dk) sammenlignes med planernes tal for samme område, ydelse, mål og "
    "periode. En forskel vises med begge kilder; intet tal bliver rettet eller overskrevet.",
    "Offentliggjorte tal er afrundede, og en total afrundes for sig, uafhængigt af delene. Derfor tillades den "
    "største forskel, afrunding alene kan give: en halv enhed på sidste trykte decimal for hvert tal, der indgår "
    "(en total og 12 dele med én decimal: ±0,65). En forskel inden for den grænse er info, ikke fejl.",
    *(f"{s.capitalize()}: {m}." for s, m in SEVERITY_MEANING.items()),
]

# Measures whose values add up across benefits in one table (same unit, same denominator).
ADDITIVE = {"fuldtidspersoner", "personer", "pct-befolkning", "pct-arbejdsstyrke", "aendring-pct-point"}
LEVELS = {"fuldtidspersoner", "personer", "pct-befolkning", "pct-arbejdsstyrke"}
IMPLIED_SHARES = ("pct-befolkning", "pct-arbejdsstyrke")
REVISION_SHARE = 0.02  # another source within 2 % of a plan's figure: a typical later revision
_EPS = 1e-9


@dataclass(frozen=True)
class Check:
    """One comparison. `severity` None: the numbers agree (within the rounding tolerance)."""

    check: str  # a key of CHECKS
    severity: str | None
    plan: str
    seed_file: str
    table: str  # the table or section heading as printed
    subject: str  # area · benefit · measure · period, in Danish
    printed: str  # what was printed
    data_says: str  # what the data says
    explanation: str
    quote: str | None = None
    details: str | None = None  # the numbers behind it (e.g. every part of a total), for a closer look
    area_code: str | None = None
    benefit: str | None = None
    measure: str | None = None
    period: str | None = None
    printed_value: float | None = None
    data_value: float | None = None
    other_source: str | None = None  # kilde-mod-plan: the source compared with the plan


@dataclass(frozen=True)
class AuditResult:
    checks: list[Check]

    @property
    def findings(self) -> list[Check]:
        return [c for c in self.checks if c.severity]

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for c in self.checks if c.severity == s) for s in SEVERITIES}


# --- Printing and rounding ------------------------------------------------------------------------

def _printed_decimals(text: str) -> int:
    """Decimals of the first number in a printed text: `11,8` → 1, `1.043` → 0, `13%` → 0."""
    m = re.search(r"\d(?:[\d.]*\d)?(?:,(\d+))?", str(text))
    return len(m.group(1) or "") if m else 0


def _value_decimals(value: float, measure: str) -> int:
    # shares and durations are printed with at least one decimal, counts and changes whole
    base = 1 if measure in taxonomy.measure_keys() and taxonomy.role(measure) in ("share", "duration") else 0
    s = repr(float(value))
    actual = 0 if "e" in s or s.endswith(".0") else len(s.split(".")[1])
    return max(base, min(actual, 3))


def _half(decimals: int) -> float:
    return 0.5 * 10 ** -decimals


def _unit(measure: str) -> str:
    """The unit of a difference between two values of `measure`."""
    if measure in taxonomy.change_keys() or taxonomy.is_share(measure):
        return "procentpoint"
    return taxonomy.measure(measure).unit_da if measure in taxonomy.get().measures else ""


def _measure_label(measure: str) -> str:
    change = taxonomy.get().changes.get(measure)
    return fmt.lower_first(change.da) if change else taxonomy.measure_label(measure)


def _subject(area: str, benefit: str, measure: str, period: str, base: str | None = None) -> str:
    when = f"{fmt.period(base)} → {fmt.period(period)}" if base else fmt.period(period)
    return " · ".join([taxonomy.area_name(area), taxonomy.benefit_label(benefit), _measure_label(measure), when])


def _tol(h: float) -> str:
    return fmt.number(h, None)


def _diff_text(d: float, measure: str, decimals: int) -> str:
    return f"{fmt.number(abs(d), decimals)} {_unit(measure)}".strip()


def _periods_text(ps: list[str]) -> str:
    return fmt.join_da([fmt.period(p) for p in sorted(set(ps), key=periods.sort_key)])


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
