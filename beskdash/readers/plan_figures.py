"""Transcribed plan figures (`data/plan_figures/<plan>.csv`) → tidy frame + published changes."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from beskdash import numbers, periods, taxonomy
from beskdash.store import SourceMeta
from beskdash.validate import Problem, future_period

COLUMNS = ["area_code", "benefit", "measure", "period", "value", "printed", "role", "base_period",
           "seed_file", "seed_section", "note"]


@dataclass
class PlanFigures:
    frame: pd.DataFrame  # tidy observations (+ line)
    changes: pd.DataFrame  # published changes: never observations
    problems: list[Problem]
    source: SourceMeta


def read(path: Path, plan_title: str | None = None, publisher: str | None = None,
         display_name: str | None = None) -> PlanFigures:
    plan_id = path.stem
    name = display_name or f"data/plan_figures/{path.name}"
    problems: list[Problem] = []
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != COLUMNS:
        problems.append(Problem(name, 1, None, ",".join(reader.fieldnames or []),
                                f"har forkerte kolonner — forventer {','.join(COLUMNS)}"))
        return PlanFigures(pd.DataFrame(), pd.DataFrame(), problems, _source(plan_id, plan_title, publisher))
    obs, changes = [], []
    tax = taxonomy.get()
    for n, r in enumerate(reader, start=2):
        if None in r or any(v is None for v in r.values()):
            problems.append(Problem(name, n, None, None, "har et forkert antal felter"))
            continue
        bad = False
        if r["area_code"] not in tax.areas:
            problems.append(Problem(name, n, "area_code", r["area_code"], "er ikke en kendt områdekode"))
            bad = True
        if r["benefit"] not in tax.benefits:
            problems.append(Problem(name, n, "benefit", r["benefit"], "er ikke en kendt ydelse i taxonomy.yaml"))
            bad = True
        role = r["role"]
        if role not in ("observation", "change"):
            problems.append(Problem(name, n, "role", role, "skal være 'observation' eller 'change'"))
            bad = True
        allowed = taxonomy.change_keys() if role == "change" else set(tax.measures)
        if r["measure"] not in allowed:
            problems.append(Problem(name, n, "measure", r["measure"], f"er ikke et gyldigt mål for role={role}"))
            bad = True
        try:
            period = periods.parse_period(r["period"])
            future = future_period(period) if role == "observation" else None  # targets are not rows here
            if future:
                problems.append(Problem(name, n, "period", r["period"], future))
                bad = True
        except periods.PeriodError as e:
            problems.append(Problem(name, n, "period", None, str(e)))
            bad = True
        base = None
        if role == "change":
            try:
                base = periods.parse_period(r["base_period"])
            except periods.PeriodError as e:
                problems.append(Problem(name, n, "base_period", None, str(e)))
                bad = True
        try:
            value = numbers.parse_plain(r["value"])
        except ValueError:
            problems.append(Problem(name, n, "value", r["value"], "er ikke et tal"))
            bad = True
        if not r["printed"].strip():
            problems.append(Problem(name, n, "printed", None, "mangler (tallet som trykt i planen)"))
            bad = True
        if not r["seed_file"].strip() or not r["seed_section"].strip():
            problems.append(Problem(name, n, "seed_section", None, "mangler kildehenvisning"))
            bad = True
        if bad:
            continue
        ref = f"{r['seed_file']} § {r['seed_section']}"
        if role == "observation":
            obs.append((r["area_code"], r["benefit"], r["measure"], period, value, f"plan:{plan_id}",
                        ref, r["note"] or None, n))
        else:
            changes.append((r["area_code"], r["benefit"], r["measure"], period, base, value, r["printed"],
                            r["seed_file"], r["seed_section"], r["note"] or None))
    frame = pd.DataFrame(obs, columns=["area_code", "benefit", "measure", "period", "value", "source",
                                       "ref", "note", "line"])
    frame["value"] = frame["value"].astype("float64")
    ch = pd.DataFrame(changes, columns=["area_code", "benefit", "measure", "period", "base_period", "value",
                                        "printed", "seed_file", "seed_section", "note"])
    return PlanFigures(frame, ch, problems, _source(plan_id, plan_title, publisher))


def _source(plan_id: str, title: str | None, publisher: str | None) -> SourceMeta:
    return SourceMeta(
        key=f"plan:{plan_id}",
        title=title or f"Beskæftigelsesplan {plan_id}",
        publisher=publisher,
        licence=None,  # a public document; no licence is stated
        origin=f"data/plan_figures/{plan_id}.csv (transskriberet fra ../shared/seeds)",
        kind="shipped",
    )
