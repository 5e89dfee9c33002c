"""`build`: the database from the shipped files in data/ (and the plans' checks).

Every file is read and validated first; if any has a problem, nothing is written. Then
all files are applied in one transaction, each as its own recorded import by user 'build'.
Running it twice changes nothing; rows imported later by analysts are kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from beskdash import plans
from beskdash.paths import DATA_DIR, PLANS_DIR, ROOT
from beskdash.readers import plan_figures, statbank
from beskdash.store import Batch, ImportResult, Store
from beskdash.validate import Problem, ValidationFailed, check_tidy

NO_DST_NOTICE = ("Ingen udtræk fra Danmarks Statistik i data/dst/: dashboardet viser planernes egne tal, indtil "
                 "data hentes (siden Hent data eller `python -m beskdash fetch dst`) eller uploades.")


@dataclass(frozen=True)
class BuildReport:
    results: list[tuple[str, ImportResult]]
    notes: tuple[str, ...] = ()  # said once after the counts (e.g. NO_DST_NOTICE)

    def lines(self) -> list[str]:
        out = []
        for name, r in self.results:
            d = r.diff
            out.append(f"{name}: {d.new} nye, {d.changed} ændrede, {d.removed} fjernede, {d.unchanged} uændrede")
        return [*out, *self.notes]


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def read_shipped(data_dir: Path = DATA_DIR, plans_dir: Path = PLANS_DIR, dst_dir: Path | None = None) -> list[Batch]:
    """Read and validate every shipped file; raise ValidationFailed with all problems.

    The StatBank extracts come from `dst_dir` (default `data_dir/dst`, filled by `sources.fill_dst`).
    """
    problems: list[Problem] = []
    batches: list[Batch] = []
    plan_problems = plans.check_plans(plans_dir)
    problems.extend(Problem(p.split(":", 1)[0], None, None, None, p.split(":", 1)[1].strip())
                    for p in plan_problems)
    titles = {}
    if not plan_problems:
        for pid, plan in plans.load_plans(plans_dir).items():
            titles[pid] = (f"{plan.publisher}: {plan.title}", plan.publisher)
    for path in sorted((data_dir / "plan_figures").glob("*.csv")):
        title, publisher = titles.get(path.stem, (None, None))
        pf = plan_figures.read(path, title, publisher, display_name=_rel(path))
        problems.extend(pf.problems)
        if not pf.problems:
            problems.extend(check_tidy(pf.frame, _rel(path)))
        batches.append(Batch(pf.frame.drop(columns="line"), pf.source, _rel(path), _sha(path), "plan-figures",
                             replace_source=True, published_changes=pf.changes))
    for path in dst_files(data_dir / "dst" if dst_dir is None else dst_dir):
        rr = statbank.read(path.read_bytes(), _rel(path))
        problems.extend(rr.problems)
        if rr.problems or rr.source is None:
            continue
        problems.extend(check_tidy(rr.frame, _rel(path), {"period": "TID", "value": "INDHOLD"}))
        source = replace(rr.source, kind="shipped", origin=f"{rr.source.origin} (udtræk i {_rel(path)})")
        batches.append(Batch(rr.frame.drop(columns="line"), source, _rel(path), _sha(path), rr.fmt,
                             replace_source=True))
    if problems:
        raise ValidationFailed(problems)
    return batches


def dst_files(dst_dir: Path) -> list[Path]:
    return sorted(dst_dir.glob("*.csv"))


def build(store: Store, data_dir: Path = DATA_DIR, plans_dir: Path = PLANS_DIR,
          dst_dir: Path | None = None) -> BuildReport:
    batches = read_shipped(data_dir, plans_dir, dst_dir)
    results = store.apply_batches(batches, username="build")
    has_dst = bool(dst_files(data_dir / "dst" if dst_dir is None else dst_dir))
    return BuildReport([(b.file_name, r) for b, r in zip(batches, results)], () if has_dst else (NO_DST_NOTICE,))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
