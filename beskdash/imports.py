"""Analysts' imports: format from content → reader → validation (all problems at once) →
preview (diff against the store) → one transaction recorded per file → undo.

The same path serves the Upload page, `python -m beskdash import` and the fetchers (a
fetch is an import whose file came from an API):

    preview = preview_files(store, [(name, raw_bytes), ...])
    if preview.ok:
        results = apply_preview(store, preview, username)

Nothing is written while any problem stands, and applying writes all files or none.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from beskdash import evidence, fmt, periods, taxonomy
from beskdash.readers import registry, xlsx
from beskdash.readers.base import Reader, ReadResult, Upload, empty
from beskdash.store import KEY, Batch, Diff, ImportBusy, ImportResult, SourceMeta, Store, UndoError
from beskdash.validate import Codes, Problem, ValidationFailed, check_tidy, check_totals, format_problems

FORMAT_LABELS = registry.labels()
UNKNOWN_FORMAT = ("er ikke et kendt format — forventer et StatBank-udtræk (OMRÅDE;…;TID;INDHOLD), en "
                  "jobindsats.dk-fil (Område, Periode, …), et gemt svar fra jobindsats' API eller beskdash' "
                  "egen eksport")

Progress = Callable[[float, str], None]


class PreviewStale(RuntimeError):
    """The preview cannot be applied as confirmed: the database changed since; the message is Danish."""


class ImportInProgress(PreviewStale):
    """Another import is being written. Once it is, the preview is stale too, so pages treat both alike."""


# --- format detection ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Detected:
    reader: Reader | None  # None when the content is refused
    why: str | None = None  # the Danish reason, when refused
    upload: Upload | None = None  # the file with its head (and JSON) parsed once, for the reader

    @property
    def kind(self) -> str | None:
        return self.reader.format if self.reader else None

    @property
    def doc(self) -> Any:
        return self.upload.doc if self.upload is not None and self.upload.is_json else None


def detect(raw: bytes, name: str = "") -> Detected:
    """What a file is, from its content (never its name): refusals that no format could read, then
    the registry's readers in order, each asked `sniff` (or `refuse`, for a near miss)."""
    why = _refuse_content(raw, name)
    if why:
        return Detected(None, why)
    u = Upload(name, raw)
    if u.is_json:
        try:
            _ = u.doc  # parsed once here; the reader reuses it
        except json.JSONDecodeError as e:
            return Detected(None, f"er ikke gyldig JSON (linje {e.lineno}, kolonne {e.colno}: {e.msg}) — "
                                  "er filen afkortet?")
    for r in registry.formats():
        if r.sniff(u):
            return Detected(r, upload=u)
        near = r.refuse(u) if r.refuse else None
        if near:
            return Detected(None, near)
    if u.is_zip:
        return Detected(None, "er en zip-fil, ikke et Excel-regneark (.xlsx) — pak den ud og upload filen i den")
    if u.is_json:
        return Detected(None, "er JSON, men hverken et gemt svar fra jobindsats' API (v2: Variables og Data; "
                              "v3: columns og rows) eller beskdash' egen eksport")
    return Detected(None, UNKNOWN_FORMAT)


def _refuse_content(raw: bytes, name: str) -> str | None:
    """Files that are no format's: empty, damaged zip, old Excel, encrypted, PDF, UTF-16, binary, HTML."""
    start = 3 if raw.startswith(b"\xef\xbb\xbf") else 0  # an offset, not a copy of a large file
    if len(raw) <= start or (raw[start:start + 4096].isspace() and raw[start:].isspace()):
        return "er tom"
    if raw.startswith(b"PK\x03\x04"):
        try:
            zipfile.ZipFile(io.BytesIO(raw))
        except (zipfile.BadZipFile, ValueError):
            return "er en ødelagt zip-/Excel-fil — hent den igen"
        return None
    if xlsx.is_encrypted_ooxml(raw):
        return ("er et krypteret Excel-regneark (beskyttet med adgangskode) — gem det uden adgangskode, og upload "
                "det igen")
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return "er i det gamle Excel-format (.xls) — åbn den i Excel og gem den som .xlsx eller CSV"
    if raw.startswith(b"%PDF"):
        return "er en PDF-fil — upload udtrækket som CSV, Excel eller JSON"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "er gemt som UTF-16-tekst — gem den som CSV (UTF-8 eller Windows-1252)"
    head = raw[:4096]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in head or controls > len(head) // 20:
        if name.lower().endswith((".xlsx", ".xlsm")):
            return "hedder .xlsx, men er ikke et Excel-regneark (ikke en zip-fil) — gem den igen fra Excel"
        return "er en binær fil, ikke tekst — upload en CSV-, Excel- eller JSON-fil"
    low = Upload(name, raw).text[:2048].lower()
    if low.startswith("<") and any(t in low for t in ("<html", "<!doctype", "<head", "<body")):
        return ("er en HTML-side, ikke data — måske en fejl- eller loginside, der er gemt i stedet for "
                "udtrækket")
    return None


def read_file(name: str, raw: bytes, table: str | None = None) -> ReadResult:
    """Any supported file → the reader's result (tidy frame, problems, source)."""
    d = detect(raw, name)
    if d.reader is None or d.upload is None:
        return ReadResult(empty(), [Problem(name, None, None, None, d.why or UNKNOWN_FORMAT)], None, "ukendt")
    return d.reader.read(d.upload, table)


# --- preview ------------------------------------------------------------------------------------

@dataclass
class FilePreview:
    name: str
    sha256: str
    size: int
    fmt: str
    frame: pd.DataFrame  # tidy rows (+ line); empty when the file could not be read
    sources: dict[str, SourceMeta]
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    diffs: dict[str, Diff] = field(default_factory=dict)  # per source key
    earlier: list[int] = field(default_factory=list)  # imports of a file with the same SHA-256, not undone
    # Own figures and assessments (readers.own_figures): plan, goal_id, period, value, assessment, note, line;
    # their diffs (per source key egne:<plan>) count in `diff`, but their rows are not observations.
    goal_figures: pd.DataFrame | None = None

    @property
    def n_rows(self) -> int:
        return len(self.goal_figures) if self.goal_figures is not None else len(self.frame)

    def goal_figures_of(self, key: str) -> pd.DataFrame:
        assert self.goal_figures is not None
        return self.goal_figures[self.goal_figures["plan"] == key.split(":", 1)[1]]

    @property
    def diff(self) -> Diff:
        """All of the file's sources in one Diff."""
        ds = list(self.diffs.values())
        own = self.goal_figures is not None
        rows = pd.concat([d.rows for d in ds], ignore_index=True) if ds and not own else pd.DataFrame(
            columns=[*KEY, "old_value", "new_value", "change"])
        return Diff(sum(d.new for d in ds), sum(d.changed for d in ds), sum(d.unchanged for d in ds),
                    sum(d.removed for d in ds), rows)

    @property
    def periods(self) -> list[str]:
        return sorted(pd.unique(self.frame["period"]), key=periods.sort_key) if len(self.frame) else []

    @property
    def areas(self) -> list[str]:
        return sorted(pd.unique(self.frame["area_code"])) if len(self.frame) else []

    def coverage(self) -> str:
        """`perioder 1. kvt. 2007 – 4. kvt. 2025 (76); områder: Hele landet, 5 regioner, …`"""
        if self.goal_figures is not None:
            g = self.goal_figures
            return (f"egne tal og vurderinger for {len(set(g['goal_id']))} mål i "
                    f"{', '.join(sorted(set(g['plan'])))}; perioder: "
                    f"{', '.join(fmt.period(p) for p in sorted(set(g['period']), key=periods.sort_key))}")
        ps = self.periods
        if not ps:
            return "ingen rækker"
        span = fmt.period(ps[0]) + (f" – {fmt.period(ps[-1])}" if len(ps) > 1 else "")
        kinds: dict[str, int] = {}
        for a in self.areas:
            k = taxonomy.get().areas[a].kind if a in taxonomy.get().areas else "ukendt"
            kinds[k] = kinds.get(k, 0) + 1
        names = {"land": ("Hele landet", "Hele landet"), "region": ("region", "regioner"),
                 "landsdel": ("landsdel", "landsdele"), "kommune": ("kommune", "kommuner"),
                 "rar": ("RAR-område", "RAR-områder"), "jobindsats-omraade": ("jobindsats-område",
                                                                             "jobindsats-områder")}
        parts = []
        for k in ("land", "region", "landsdel", "kommune", "rar", "jobindsats-omraade"):
            if k in kinds:
                one, many = names[k]
                parts.append(one if k == "land" else f"{kinds[k]} {one if kinds[k] == 1 else many}")
        if len(self.areas) <= 4:
            parts = [taxonomy.area_name(a) for a in self.areas]
        bens = sorted({taxonomy.benefit_label(b) for b in pd.unique(self.frame["benefit"]) if b})
        return (f"perioder: {span} ({len(ps)}); områder: {', '.join(parts)}; "
                f"ydelser: {', '.join(bens[:5])}{' …' if len(bens) > 5 else ''}")

    def lines(self) -> list[str]:
        """The file's preview, in Danish, for the CLI and the page."""
        label = FORMAT_LABELS.get(self.fmt, self.fmt)
        src = ", ".join(self.sources) or "–"
        out = [f"{self.name}: {label}, kilde {src}, {fmt.number(self.n_rows)} rækker"]
        if self.problems:
            out.append(f"  afvist: {len(self.problems)} problem{'er' if len(self.problems) != 1 else ''}")
            return out
        d = self.diff
        out.append(f"  nye: {fmt.number(d.new)}, ændrede: {fmt.number(d.changed)}, "
                   f"uændrede: {fmt.number(d.unchanged)}")
        out.append(f"  {self.coverage()}")
        if self.skipped:
            out.append("  sprunget over (ikke områder i beskdash): " + ", ".join(
                f"{k} ({fmt.number(v)} rækker)" for k, v in sorted(self.skipped.items())))
        if d.is_noop:
            again = f" (senest import {self.earlier[0]})" if self.earlier else ""
            out.append(f"  Filen ændrer intet — alle tal findes allerede med samme værdi{again}.")
        for w in self.warnings[:5]:
            out.append(f"  advarsel: {w.message()}")
        if len(self.warnings) > 5:
            out.append(f"  … og {len(self.warnings) - 5} advarsler mere")
        return out


@dataclass
class Preview:
    files: list[FilePreview]
    problems: list[Problem]  # every file's problems, and those across files
    version: int  # the store's data version the diffs were computed against

    @property
    def ok(self) -> bool:
        """Nothing stands in the way of applying (which may still change nothing)."""
        return not self.problems and bool(self.files) and all(f.n_rows for f in self.files)

    @property
    def diff(self) -> dict[str, Diff]:
        """Per file name: what applying would do."""
        return {f.name: f.diff for f in self.files}

    @property
    def is_noop(self) -> bool:
        return all(f.diff.is_noop for f in self.files)

    @property
    def warnings(self) -> list[Problem]:
        return [w for f in self.files for w in f.warnings]

    def message(self, limit: int = 50) -> str:
        """The whole preview as Danish text (the CLI prints it; the page shows it per file)."""
        out = [line for f in self.files for line in f.lines()]
        if self.problems:
            out.append("")
            out.append("Fejl i inddata — intet er skrevet til databasen:")
            out.append(format_problems(self.problems, limit))
        elif self.is_noop:
            out.append("Intet at ændre: databasen har allerede alle tallene.")
        return "\n".join(out)

    def changes(self, limit: int | None = 500) -> pd.DataFrame:
        """New and changed figures, one row each (old → new), for people: Danish columns and numbers."""
        rows = [f.diff.rows.assign(fil=f.name) for f in self.files if len(f.diff.rows)]
        if not rows:
            return pd.DataFrame(columns=["Fil", "Område", "Ydelse", "Mål", "Periode", "Før", "Nu"])
        df = pd.concat(rows, ignore_index=True)
        df = df[df["change"] == "changed"].head(limit) if limit else df[df["change"] == "changed"]
        return pd.DataFrame({
            "Fil": df["fil"],
            "Område": [taxonomy.area_name(a) for a in df["area_code"]],
            "Ydelse": [taxonomy.benefit_label(b) for b in df["benefit"]],
            "Mål": [taxonomy.measure_label(m) for m in df["measure"]],
            "Periode": [fmt.period(p) for p in df["period"]],
            "Før": [fmt.value(v, m) for v, m in zip(df["old_value"], df["measure"])],
            "Nu": [fmt.value(v, m) for v, m in zip(df["new_value"], df["measure"])],
        })

    def goal_figure_changes(self) -> pd.DataFrame:
        """New and changed own figures and assessments, one row each (old → new), for people."""
        rows = [d.rows.assign(fil=f.name) for f in self.files if f.goal_figures is not None
                for d in f.diffs.values() if len(d.rows)]
        cols = ["Fil", "Plan", "Mål", "Periode", "Før", "Nu", "Note"]
        if not rows:
            return pd.DataFrame(columns=cols)
        df = pd.concat(rows, ignore_index=True)
        return pd.DataFrame({
            "Fil": df["fil"], "Plan": df["plan"], "Mål": df["goal_id"],
            "Periode": [fmt.period(p) for p in df["period"]],
            "Før": [evidence.shown(v, a) for v, a in zip(df["old_value"], df["old_assessment"])],
            "Nu": [evidence.shown(v, a) for v, a in zip(df["new_value"], df["new_assessment"])],
            "Note": df["new_note"].fillna(""),
        })

    def changes_by_area(self) -> pd.DataFrame:
        """Per area and benefit: how many figures are new and changed, and over which periods."""
        rows = [f.diff.rows for f in self.files if len(f.diff.rows)]
        cols = ["Område", "Ydelse", "Mål", "Nye", "Ændrede", "Perioder"]
        if not rows:
            return pd.DataFrame(columns=cols)
        df = pd.concat(rows, ignore_index=True)
        df = df[df["change"].isin(["new", "changed"])]
        g = df.groupby(["area_code", "benefit", "measure"], sort=True)
        out = []
        for (a, b, m), part in g:
            ps = sorted(pd.unique(part["period"]), key=periods.sort_key)
            out.append((taxonomy.area_name(a), taxonomy.benefit_label(b), taxonomy.measure_label(m),
                        int((part["change"] == "new").sum()), int((part["change"] == "changed").sum()),
                        fmt.period(ps[0]) + (f" – {fmt.period(ps[-1])}" if len(ps) > 1 else "")))
        return pd.DataFrame(out, columns=cols)


def preview_files(store: Store, files: list[tuple[str, bytes]], *, table: str | None = None,
                  progress: Progress | None = None) -> Preview:
    """Read and validate every file, and diff it against the store; writes nothing.

    `table` names the StatBank/jobindsats table when the caller knows it (the fetchers do).
    `progress(fraction, text)` is called while reading and validating.
    """
    step = progress or (lambda _f, _t: None)
    version = store.version()
    previews: list[FilePreview] = []
    n = max(1, len(files))
    for k, (name, raw) in enumerate(files):
        step(k / n, f"Læser {name} …")
        fp = _read_one(store, name, raw, table)
        step((k + 0.6) / n, f"Sammenligner {name} med databasen …")
        if not fp.problems and fp.goal_figures is not None:
            for key in fp.sources:
                fp.diffs[key] = store.diff_goal_figures(fp.goal_figures_of(key))
        elif not fp.problems and len(fp.frame):
            for key in fp.sources:
                part = fp.frame if len(fp.sources) == 1 else fp.frame[fp.frame["source"] == key]
                fp.diffs[key] = store.diff(part)
        previews.append(fp)
    step(1.0, "Færdig")
    problems = [p for f in previews for p in f.problems] + _across_files(previews)
    if not files:
        problems.append(Problem("(ingen filer)", None, None, None, "der er ingen filer at importere"))
    return Preview(previews, problems, version)


def _read_one(store: Store, name: str, raw: bytes, table: str | None) -> FilePreview:
    sha = hashlib.sha256(raw).hexdigest()
    rr = read_file(name, raw, table)
    problems = list(rr.problems)
    warnings: list[Problem] = []
    frame = rr.frame
    if len(frame):
        codes = Codes(frame)  # each column factorized once for both checks
        problems.extend(check_tidy(frame, name, rr.columns, codes=codes))
        warnings = check_totals(frame, name, rr.columns, codes=codes)
    metas = dict(rr.sources) or ({rr.source.key: rr.source} if rr.source else {})
    known = store.sources().set_index("key")
    sources = {}
    for key, meta in metas.items():
        if key in known.index:  # keep the store's own description (a shipped source stays shipped)
            r = known.loc[key]
            meta = SourceMeta(key, r["title"], _none(r["publisher"]), _none(r["licence"]), _none(r["origin"]),
                              r["kind"])
        sources[key] = meta
    return FilePreview(name, sha, len(raw), rr.fmt, frame, sources, problems, warnings, rr.skipped, {},
                       store.active_imports_with_sha(sha), rr.goal_figures)


def _across_files(previews: list[FilePreview]) -> list[Problem]:
    """Two files of one upload may not hold the same figure (which one should win?)."""
    out: list[Problem] = []
    seen: dict[str, str] = {}
    for f in previews:
        if f.sha256 in seen:
            out.append(Problem(f.name, None, None, None, f"er den samme fil som {seen[f.sha256]} — upload den kun "
                                                         "én gang"))
        seen.setdefault(f.sha256, f.name)
    frames = [f for f in previews if len(f.frame) and not f.problems]
    for i, a in enumerate(frames):
        for b in frames[i + 1:]:
            if a.sha256 == b.sha256:
                continue
            both = a.frame[[*KEY, "line"]].merge(b.frame[[*KEY, "line"]], on=KEY, suffixes=("_a", "_b"))
            if len(both):
                r = both.iloc[0]
                out.append(Problem(b.name, int(r["line_b"]), None, None,
                                   f"indeholder {len(both)} tal, som også står i {a.name} (fx linje {r['line_a']}) "
                                   "— importér filerne hver for sig"))
    return out


# --- apply, history, undo ----------------------------------------------------------------------

def apply_preview(store: Store, preview: Preview, username: str) -> list[ImportResult]:
    """Write every file of the preview in one transaction (each file and source one recorded import).

    Raises ValidationFailed while problems stand, PreviewStale if the database changed since the
    preview (the analyst confirmed figures that are no longer what would be written), and its kind
    ImportInProgress at once while another import is being written.
    """
    if not preview.ok:
        raise ValidationFailed(preview.problems or [Problem("(upload)", None, None, None,
                                                            "der er ingen rækker at importere")])
    batches = []
    for f in preview.files:  # from the frame, which the caller may have annotated since (e.g. notes)
        for key, meta in f.sources.items():
            if f.goal_figures is not None:
                batches.append(Batch(f.goal_figures_of(key), meta, f.name, f.sha256, f.fmt, own_figures=True))
                continue
            part = f.frame if len(f.sources) == 1 else f.frame[f.frame["source"] == key]
            # The preview's comparison goes along: unless the figures or the database changed since (PreviewStale
            # below), the store applies it as it is instead of comparing the file with the database again.
            batches.append(Batch(part, meta, f.name, f.sha256, f.fmt, diff=f.diffs.get(key)))
    try:
        # The version is compared under the import lock: two analysts confirming at once each get
        # exactly what they previewed, or this refusal; never the other's figures overwritten unseen.
        with store.import_lock():
            if store.version() != preview.version:
                raise PreviewStale("Databasen er ændret, siden forhåndsvisningen blev lavet (fx af en anden "
                                   "import). Se forhåndsvisningen igen, før du bekræfter.")
            return store.apply_batches(batches, username=username)
    except ImportBusy as e:
        raise ImportInProgress(str(e)) from None


def result_message(preview: Preview, results: list[ImportResult]) -> str:
    """What happened, in Danish: one line per recorded import."""
    out = []
    batches = [(f, key) for f in preview.files for key in f.sources]
    for (f, key), r in zip(batches, results):
        d = r.diff
        if r.import_id is None:
            out.append(f"{f.name} ({key}): intet ændret — alle {fmt.number(d.unchanged)} tal fandtes allerede.")
        else:
            out.append(f"{f.name} ({key}): import {r.import_id} — {fmt.number(d.new)} nye, "
                       f"{fmt.number(d.changed)} ændrede, {fmt.number(d.unchanged)} uændrede.")
    return "\n".join(out)


def history(store: Store, limit: int = 200) -> pd.DataFrame:
    """The import history for people: newest first, Danish columns."""
    df = store.imports().head(limit)
    return pd.DataFrame({
        "Import": df["id"].astype(int),
        "Tidspunkt": [t.strftime("%d.%m.%Y %H:%M") for t in df["imported_at"]],
        "Bruger": df["username"],
        "Fil": df["file_name"],
        "Format": [FORMAT_LABELS.get(f, f) for f in df["format"]],
        "Kilde": df["source"],
        "Nye": [fmt.number(v) for v in df["n_new"]],
        "Ændrede": [fmt.number(v) for v in df["n_changed"]],
        "Uændrede": [fmt.number(v) for v in df["n_unchanged"]],
        "Fortrudt": ["" if pd.isna(t) else t.strftime("%d.%m.%Y %H:%M") for t in df["undone_at"]],
        "SHA-256": [(s or "")[:12] for s in df["sha256"]],
    })


def undo(store: Store, import_id: int, username: str = "ukendt") -> int:
    """Restore exactly what import `import_id` replaced; returns the number of figures restored.

    `username` (who undoes it) goes into the audit log."""
    if store.import_user(import_id) == "build":
        raise UndoError(f"Import {import_id} er en del af den indbyggede database (build) og kan ikke fortrydes "
                        "her — byg databasen igen i stedet.")
    return store.undo(import_id, username)


def undo_choices(store: Store) -> dict[int, str]:
    """Imports an analyst may undo (not the build's, not undone), newest first, with a label each."""
    df = store.imports()
    df = df[(df["username"] != "build") & df["undone_at"].isna()]
    return {int(r.id): f"Import {r.id}: {r.file_name} ({r.username}, {r.imported_at:%d.%m.%Y %H:%M}; "
                       f"{fmt.number(r.n_new)} nye, {fmt.number(r.n_changed)} ændrede)"
            for r in df.itertuples()}


def problems_table(problems: list[Problem], limit: int = 1000) -> pd.DataFrame:
    """Problems as a table for the page: file, line, column, value and why."""
    return pd.DataFrame({
        "Fil": [p.file for p in problems[:limit]],
        "Linje": ["" if p.row is None else str(p.row) for p in problems[:limit]],
        "Kolonne": [p.column or "" for p in problems[:limit]],
        "Værdi": [p.value or "" for p in problems[:limit]],
        "Problem": [p.why for p in problems[:limit]],
    })


def _none(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else v


