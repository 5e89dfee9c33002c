"""Where a goal or a figure comes from: publisher, plan, section, the quote as printed, its lines in the
seed file and, where the seed texts are at hand, the passage around it; for imported figures the import
and the source's licence.

The seed texts (plain-text renderings of the published plans) are not part of the repository: they are
read from `BESKDASH_SOURCES_DIR`, else from `../shared/seeds/` beside the checkout. Without them a
reference still names plan, section and quote, and says that the text is not available.

Finding a phrase in a seed is tolerant of layout (line breaks, repeated spaces) and, for the OCR text of
Allerød's plan (seed 003: `æ` as `ae`/`z`, `ø` as `g`/`@`, `å` as `a`/`d`), of its spelling: it falls back
to the phrase's skeleton, the consonants OCR leaves alone.
"""

from __future__ import annotations

import bisect
import csv
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from beskdash import goals
from beskdash.paths import DATA_DIR, ROOT
from beskdash.plans import Plan, Ref
from beskdash.store import Store

SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
AROUND = 3  # lines shown before and after a quote
_KEEP = frozenset("bcfhjklmnpqrstvwx")  # consonants OCR does not confuse with æ/ø/å
_MIN_SKELETON = 12  # shorter skeletons match too much to locate anything


def sources_dir() -> Path:
    """The folder of seed texts: `BESKDASH_SOURCES_DIR`, else `../shared/seeds/`."""
    env = os.environ.get("BESKDASH_SOURCES_DIR")
    return Path(env) if env else SHARED_SEEDS


# --- Finding phrases in a seed ----------------------------------------------------------------

@dataclass(frozen=True)
class Seed:
    """A seed text with the indexes phrase search needs (built once per file)."""

    text: str
    line_starts: tuple[int, ...]
    flat: str  # whitespace runs as one space
    flat_at: tuple[int, ...]  # offset in `text` of each character of `flat`
    skeleton: str
    skeleton_at: tuple[int, ...]

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self.line_starts, offset)

    def line(self, number: int) -> str:
        return self.text.splitlines()[number - 1]

    @property
    def n_lines(self) -> int:
        return len(self.line_starts)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def skeleton(text: str) -> str:
    """Consonants only, without the letters OCR confuses with æ/ø/å (seed 003 is an OCR text)."""
    return "".join(c for c in text.lower() if c in _KEEP)


def index(text: str) -> Seed:
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    if starts[-1] == len(text) and len(starts) > 1:
        starts.pop()
    flat: list[str] = []
    flat_at: list[int] = []
    prev_space = True
    for i, c in enumerate(text):
        if c.isspace():
            if not prev_space:
                flat.append(" ")
                flat_at.append(i)
            prev_space = True
        else:
            flat.append(c)
            flat_at.append(i)
            prev_space = False
    skel_at = [i for i, c in enumerate(text) if c.lower() in _KEEP]
    return Seed(text, tuple(starts), "".join(flat), tuple(flat_at),
                "".join(text[i].lower() for i in skel_at), tuple(skel_at))


@lru_cache(maxsize=16)
def _seed_cached(path: str, _mtime: int) -> Seed:
    return index(Path(path).read_text(encoding="utf-8"))


def seed(file: str, folder: Path | None = None) -> Seed | None:
    """The seed text `file` (e.g. `001_a85bbdcae040444f.txt`), or None where it is not available."""
    path = (folder or sources_dir()) / file
    if not path.is_file():
        return None
    return _seed_cached(str(path), path.stat().st_mtime_ns)


def _all(hay: str, needle: str) -> Iterator[int]:
    i = hay.find(needle)
    while i >= 0 and needle:
        yield i
        i = hay.find(needle, i + 1)


def occurrences(s: Seed, phrase: str) -> list[tuple[int, int]]:
    """Each place `phrase` is printed, as (first line, last line): exact up to layout, else (OCR) by skeleton."""
    flat = _flat(phrase)
    hits = [(s.flat_at[i], s.flat_at[i + len(flat) - 1]) for i in _all(s.flat, flat)]
    if not hits:
        sk = skeleton(phrase)
        if len(sk) >= _MIN_SKELETON:
            hits = [(s.skeleton_at[i], s.skeleton_at[i + len(sk) - 1]) for i in _all(s.skeleton, sk)]
    return [(s.line_of(a), s.line_of(b)) for a, b in hits]


def heading_lines(s: Seed, section: str) -> list[int]:
    """The lines where `section` is printed. A section named `Bilag: A-dagpenge …` or `Resultatmål 3: …`
    may be printed without its label, so the words after the first colon are tried next, then (as a
    heading may run on differently) their first 30 skeleton letters."""
    hits = occurrences(s, section)
    if not hits and ": " in section:
        rest = section.split(": ", 1)[1]
        hits = occurrences(s, rest)
        if not hits:
            sk = skeleton(rest)[:30]
            if len(sk) >= _MIN_SKELETON:
                hits = [(s.line_of(s.skeleton_at[i]),) * 2 for i in _all(s.skeleton, sk)]
    return sorted({a for a, _ in hits})


def boundary_lines(s: Seed, section: str) -> list[int]:
    """The line where `section` is printed exactly (up to layout) at the start of a line, once in the
    seed: where another section certainly begins. OCR or label-less matches are too loose to end a
    section, and a heading printed more than once heads a subsection (`Målsætning: Det vil vi opnå`
    under each theme), so neither ends one."""
    flat = _flat(section)
    out: set[int] = set()
    for i in _all(s.flat, flat):
        at = s.flat_at[i]
        if not s.text[s.line_starts[s.line_of(at) - 1]:at].strip():
            out.add(s.line_of(at))
    return sorted(out) if len(out) == 1 else []


@dataclass(frozen=True)
class Location:
    section_line: int | None  # the section's heading nearest before the quote (or its first)
    quote_lines: tuple[int, int] | None  # first and last line of the quote
    inside: bool  # the quote lies in the section it names


def locate(s: Seed, section: str, quote: str | None, other_sections: list[str] | None = None) -> Location:
    """Where `section` and `quote` are printed. The quote is inside the section when it comes after the
    section's heading and no heading of another section the plan names comes between them."""
    own = heading_lines(s, section)
    if not quote:
        return Location(own[0] if own else None, None, bool(own))
    quotes = occurrences(s, quote)
    others = sorted({h for o in other_sections or [] if o != section for h in boundary_lines(s, o)})
    for q in quotes:
        before = [h for h in own if h <= q[0]]
        if before and not any(before[-1] < g <= q[0] for g in others):
            return Location(before[-1], q, True)
    return Location(own[0] if own else None, quotes[0] if quotes else None, False)


def locate_number(s: Seed, section: str, printed: str) -> Location:
    """A figure as printed (`4.171`, `49%`), standing alone, first after its section's heading."""
    own = heading_lines(s, section)
    pat = re.compile(r"(?<![\d.,])" + re.escape(printed) + r"(?![\d]|[.,]\d)")
    start = s.line_starts[own[0] - 1] if own else 0
    m = pat.search(s.text, start) or pat.search(s.text)
    if m is None:
        return Location(own[0] if own else None, None, False)
    line = s.line_of(m.start())
    return Location(own[0] if own else None, (line, line), bool(own) and line >= own[0])


# --- What a reference shows --------------------------------------------------------------------

@dataclass(frozen=True)
class ContextLine:
    number: int
    text: str
    marked: bool  # part of the quote


@dataclass(frozen=True)
class ImportInfo:
    file_name: str
    username: str
    imported_at: str  # `2026-03-01 12:34`
    sha256: str | None


@dataclass(frozen=True)
class DataSource:
    """An imported source behind a figure: its licence and the imports that brought the figures shown."""

    key: str
    title: str
    publisher: str | None
    licence: str | None
    imports: tuple[ImportInfo, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """Where in a plan a goal or figure is printed."""

    plan_id: str
    publisher: str
    plan_title: str
    seed_file: str
    section: str
    quote: str | None  # as printed; for a figure the number as printed
    available: bool  # the seed text was found
    section_line: int | None = None
    quote_lines: tuple[int, int] | None = None
    context: tuple[ContextLine, ...] = ()


def _context(s: Seed, first: int, last: int, around: int = AROUND) -> tuple[ContextLine, ...]:
    lines = s.text.splitlines()
    lo, hi = max(1, first - around), min(len(lines), last + around)
    return tuple(ContextLine(n, lines[n - 1].rstrip(), first <= n <= last) for n in range(lo, hi + 1))


def plan_sections(plan: Plan) -> list[str]:
    """Every section a plan's references name (the boundaries for `locate`)."""
    return list(dict.fromkeys(ref.section for _where, ref in references(plan)))


def references(plan: Plan) -> list[tuple[str, Ref]]:
    """Every reference a plan carries, with where it sits (`goals[3].target.ref`)."""
    out: list[tuple[str, Ref]] = []
    if plan.benchmark_ref:
        out.append(("benchmark_ref", plan.benchmark_ref))
    out += [(f"focus_areas[{i}].ref", f.ref) for i, f in enumerate(plan.focus_areas)]
    for i, g in enumerate(plan.goals):
        out.append((f"goals[{i}].ref", g.ref))
        if g.baseline and g.baseline.ref:
            out.append((f"goals[{i}].baseline.ref", g.baseline.ref))
        if g.target and g.target.ref:
            out.append((f"goals[{i}].target.ref", g.target.ref))
        if g.unpublished_target:
            out.append((f"goals[{i}].unpublished_target", g.unpublished_target))
    return out


def for_ref(plan: Plan, ref: Ref, folder: Path | None = None) -> Provenance:
    """A plan reference, located in its seed where the seed is available."""
    file = ref.file or plan.seed_file
    base = Provenance(plan.id, plan.publisher, plan.title, file, ref.section, ref.quote, available=False)
    s = seed(file, folder)
    if s is None:
        return base
    return _located(base, s, locate(s, ref.section, ref.quote, plan_sections(plan)))


def _located(base: Provenance, s: Seed, loc: Location) -> Provenance:
    at = loc.quote_lines or ((loc.section_line, loc.section_line) if loc.section_line else None)
    ctx = _context(s, *at) if at else ()
    if not loc.quote_lines:  # only the heading was found: show it unmarked
        ctx = tuple(ContextLine(c.number, c.text, False) for c in ctx)
    return replace(base, available=True, section_line=loc.section_line, quote_lines=loc.quote_lines, context=ctx)


def _plans() -> dict[str, Plan]:
    return goals.plans()  # the plans as the engine reads them (cached per file change)


def for_goal(plan_id: str, goal_id: str, folder: Path | None = None) -> Provenance:
    """The goal's own reference (KeyError for an unknown plan or goal)."""
    plan = _plans()[plan_id]
    goal = next((g for g in plan.goals if g.id == goal_id), None)
    if goal is None:
        raise KeyError(goal_id)
    return for_ref(plan, goal.ref, folder)


def for_section(plan_id: str, seed_file: str, section: str, quote: str | None = None,
                printed: str | None = None, folder: Path | None = None) -> Provenance:
    """A figure or statement printed in `section` of a plan (the audit's and the figures' references):
    located by its quote, else by the number as printed."""
    plan = _plans()[plan_id]
    base = Provenance(plan_id, plan.publisher, plan.title, seed_file, section, quote or printed, available=False)
    s = seed(seed_file, folder)
    if s is None:
        return base
    if quote:
        loc = locate(s, section, quote, plan_sections(plan))
    elif printed:
        loc = locate_number(s, section, printed)
    else:
        loc = locate(s, section, None)
    return _located(base, s, loc)


@lru_cache(maxsize=8)
def _printed_cached(plan_id: str, _mtime: int) -> dict[tuple[str, str, str, str], str]:
    path = DATA_DIR / "plan_figures" / f"{plan_id}.csv"
    with path.open(encoding="utf-8") as f:
        return {(r["area_code"], r["benefit"], r["measure"], r["period"]): r["printed"]
                for r in csv.DictReader(f) if r["role"] == "observation"}


def printed(plan_id: str, area: str, benefit: str, measure: str, period: str) -> str | None:
    """How the plan printed a figure it carries (`4.171`), from data/plan_figures/."""
    path = DATA_DIR / "plan_figures" / f"{plan_id}.csv"
    if not path.is_file():
        return None
    return _printed_cached(plan_id, path.stat().st_mtime_ns).get((area, benefit, measure, period))


def split_ref(ref: str) -> tuple[str, str]:
    """An observation's `ref` (`001_….txt § Borgere i …`) as (seed file, section)."""
    file, _, section = ref.partition(" § ")
    return file.strip(), section.strip()


def for_figures(store: Store, source: str, area: str | None = None,
                benefits: list[str] | None = None) -> tuple[list[Provenance], list[DataSource]]:
    """What stands behind the figures of one source (for one area and some benefits): for a plan's own
    figures each section they are printed in; for an imported source its licence and the imports."""
    obs = store.observations(areas=[area] if area else None, benefits=benefits, sources=[source])
    if source.startswith("plan:"):
        plan_id = source.removeprefix("plan:")
        refs: list[Provenance] = []
        for ref, rows in obs.dropna(subset=["ref"]).groupby("ref", sort=False):
            file, section = split_ref(str(ref))
            r = rows.iloc[0]
            refs.append(for_section(plan_id, file, section,
                                    printed=printed(plan_id, r.area_code, r.benefit, r.measure, r.period)))
        return refs, []
    return [], data_sources(store, [source], [int(i) for i in obs["import_id"].unique()])


def data_sources(store: Store, keys: list[str], import_ids: list[int] | None = None) -> list[DataSource]:
    """The imported sources among `keys` with their licence and the imports (`import_ids`, else every
    import of the source not undone) that brought their figures. Plans' own sources are left out."""
    src = store.sources().set_index("key")
    imps = store.imports()
    out = []
    for k in dict.fromkeys(keys):
        if k.startswith("plan:") or k not in src.index:
            continue
        mine = imps[imps["source"] == k]
        mine = mine[mine["id"].isin(import_ids)] if import_ids is not None else mine[mine["undone_at"].isna()]
        r = src.loc[k]
        out.append(DataSource(k, str(r["title"]), _text(r["publisher"]), _text(r["licence"]),
                              tuple(_import(i) for i in mine.itertuples())))
    return out


def _text(v: object) -> str | None:
    return v if isinstance(v, str) and v else None


def _import(i: object) -> ImportInfo:
    at = pd.Timestamp(i.imported_at).strftime("%Y-%m-%d %H:%M")  # type: ignore[attr-defined]
    return ImportInfo(str(i.file_name), str(i.username), at, _text(i.sha256))  # type: ignore[attr-defined]


# --- In words ----------------------------------------------------------------------------------

def lines_text(p: Provenance) -> str:
    """`linje 242-244` / `linje 275` / '' (unknown)."""
    if p.quote_lines:
        a, b = p.quote_lines
        return f"linje {a}" if a == b else f"linje {a}-{b}"
    return f"linje {p.section_line}" if p.section_line else ""


def one_line(p: Provenance) -> str:
    """The reference in one Danish sentence (the report's list of sources)."""
    where = lines_text(p)
    at = f", {where} i {p.seed_file}" if where else f", {p.seed_file}"
    quote = f": »{_flat(p.quote)}«" if p.quote else ""
    return f"{p.publisher}: {p.plan_title}, afsnit «{p.section}»{at}{quote}"


def describe(p: Provenance) -> list[str]:
    """Publisher, plan, section, quote, line numbers and the passage with the quote marked (`>`), as
    the command line prints it."""
    out = [f"Udgiver: {p.publisher}", f"Plan: {p.plan_title} ({p.plan_id})", f"Afsnit: {p.section}"]
    if p.quote:
        out.append(f"Citat: »{_flat(p.quote)}«")
    if not p.available:
        out.append(f"Kildefil: {p.seed_file} (teksten er ikke tilgængelig her; sæt BESKDASH_SOURCES_DIR "
                   f"til mappen med planernes tekster)")
        return out
    where = lines_text(p)
    out.append(f"Kildefil: {p.seed_file}" + (f", {where}" if where else ", citatet er ikke fundet i teksten"))
    if p.section_line and p.quote_lines and p.section_line != p.quote_lines[0]:
        out.append(f"Afsnittet begynder i linje {p.section_line}.")
    if p.context:
        out.append("Uddrag:")
        width = len(str(p.context[-1].number))
        out += [f"{'>' if c.marked else ' '} {c.number:>{width}} | {c.text}" for c in p.context]
    return out


def describe_data(d: DataSource) -> list[str]:
    """An imported source: title, publisher, licence and each import."""
    who = f"{d.publisher}, " if d.publisher and d.publisher not in d.title else ""
    out = [f"Kilde: {who}{d.title} (licens: {d.licence or 'ingen angivet'})"]
    for i in d.imports:
        sha = f", sha256 {i.sha256}" if i.sha256 else ""
        out.append(f"Import: {i.file_name}, af {i.username}, {i.imported_at}{sha}")
    return out


def for_check(check: pd.Series) -> Provenance:
    """An audit check's printed figure or statement (a row of `audit.checks_frame`)."""
    quote = check.get("quote")
    return for_section(str(check["plan"]), str(check["seed_file"]), str(check["table"]),
                       quote=quote if isinstance(quote, str) and quote else None, printed=str(check["printed"]))
