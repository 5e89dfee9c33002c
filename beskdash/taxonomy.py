"""Areas, benefits and measures: keys, Danish and English labels, and source labels → keys.

Everything is read from `data/` (taxonomy.yaml, areas/), so a new label is a data change.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from beskdash import yamlfile
from beskdash.paths import DATA_DIR


def slug(text: str) -> str:
    """`Landsdel Byen København` → `landsdel-byen-koebenhavn`."""
    s = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def _norm(label: str) -> str:
    """Label matching ignores case, surrounding space and repeated inner space."""
    return re.sub(r"\s+", " ", str(label)).strip().casefold()


@dataclass(frozen=True)
class Area:
    code: str
    name_da: str
    name_en: str
    kind: str  # land, region, landsdel, kommune, rar, jobindsats-omraade
    landsdel: str | None = None
    region: str | None = None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Benefit:
    key: str
    da: str
    en: str
    group: str = "benefit"  # or "population"
    total_of: tuple[str, ...] = ()
    part_of: str | None = None
    labels: tuple[str, ...] = ()

    @property
    def is_total(self) -> bool:
        return bool(self.total_of)


ROLES = ("count", "share", "duration", "benchmark-count", "benchmark-share", "difference", "rank", "change")
SHARE_ROLES = ("share", "benchmark-share")
SIGNED_ROLES = ("difference", "change")  # may be negative
# A share summed over several benefits is recomputed from its numerators and denominator.
SHARE_DENOMINATORS = {"pct-befolkning": ("befolkning-16-66", "personer")}
NUMERATOR_MEASURE = "fuldtidspersoner"


@dataclass(frozen=True)
class Measure:
    key: str
    da: str
    en: str
    unit_da: str
    role: str  # one of ROLES; data/taxonomy.yaml says what each means
    labels: tuple[str, ...] = ()

    @property
    def share(self) -> bool:
        return self.role in SHARE_ROLES

    @property
    def signed(self) -> bool:
        return self.role in SIGNED_ROLES


@dataclass(frozen=True)
class Taxonomy:
    areas: dict[str, Area]
    benefits: dict[str, Benefit]
    measures: dict[str, Measure]
    changes: dict[str, Measure]  # the changes plans print: not measures of the store
    not_areas: frozenset[str]
    _area_labels: dict[str, str] = field(repr=False)
    _benefit_labels: dict[str, str] = field(repr=False)
    _measure_labels: dict[str, str] = field(repr=False)


def _load() -> Taxonomy:
    areas: dict[str, Area] = {}
    extra = yamlfile.safe_load((DATA_DIR / "areas" / "extra_areas.yaml").read_text(encoding="utf-8"))
    region_by_name = {}
    for a in extra["areas"]:
        areas[a["code"]] = Area(a["code"], a["da"], a["en"], a["kind"], labels=tuple(a["labels"]))
        if a["kind"] == "region":
            region_by_name[a["da"]] = a["code"]
    rows = _kommuner_rows()
    for r in rows:
        name = r["landsdel"]
        code = slug(name)
        if code not in areas:
            en = name.replace("Landsdel ", "Province ")
            areas[code] = Area(code, name, en, "landsdel", region=region_by_name[r["region"]],
                               labels=(name, en))  # not the bare name: "Bornholm" is a kommune
    for r in rows:
        name = r["navn"]
        en = {"København": "Copenhagen"}.get(name, name)
        areas[r["kode"]] = Area(
            r["kode"], name, en, "kommune", landsdel=slug(r["landsdel"]),
            region=region_by_name[r["region"]],
            labels=(name, en, r["kode"], r["kode"].zfill(4), f"{name} Kommune"),
        )
    area_labels: dict[str, str] = {}
    for a in areas.values():
        for lab in (a.code, a.name_da, a.name_en, *a.labels):
            area_labels.setdefault(_norm(lab), a.code)

    tax = yamlfile.safe_load((DATA_DIR / "taxonomy.yaml").read_text(encoding="utf-8"))
    benefits = {
        b["key"]: Benefit(b["key"], b["da"], b["en"], b.get("group", "benefit"),
                          tuple(b.get("total_of", [])), b.get("part_of"), tuple(b.get("labels", [])))
        for b in tax["benefits"]
    }
    measures = {m["key"]: _measure(m) for m in tax["measures"]}
    changes = {m["key"]: _measure(m) for m in tax.get("changes", [])}
    b_labels: dict[str, str] = {}
    for b in benefits.values():
        for lab in (b.key, b.da, b.en, *b.labels):
            b_labels.setdefault(_norm(lab), b.key)
    m_labels: dict[str, str] = {}
    for m in measures.values():
        for lab in (m.key, m.da, m.en, *m.labels):
            m_labels.setdefault(_norm(lab), m.key)
    return Taxonomy(areas, benefits, measures, changes, frozenset(_norm(x) for x in extra["not_areas"]),
                    area_labels, b_labels, m_labels)


def _kommuner_rows() -> list[dict[str, str]]:
    """data/areas/kommuner.yaml as rows (kode, navn, landsdel, region), in the file's order."""
    k = yamlfile.safe_load((DATA_DIR / "areas" / "kommuner.yaml").read_text(encoding="utf-8"))
    return [{"kode": code, "navn": name, "landsdel": ld, "region": k["landsdele"][ld]}
            for code, name, ld in k["kommuner"]]


def _measure(m: dict) -> Measure:
    if m.get("role") not in ROLES:
        raise ValueError(f"taxonomy.yaml: målet '{m['key']}' har rollen {m.get('role')!r}; "
                         f"brug en af {', '.join(ROLES)}")
    return Measure(m["key"], m["da"], m.get("en", m["da"]), m["unit_da"], m["role"],
                   tuple(m.get("labels", [])))


@lru_cache(maxsize=1)
def get() -> Taxonomy:
    return _load()


# --- Lookups -----------------------------------------------------------------------------

def area_codes() -> set[str]:
    return set(get().areas)


def benefit_keys() -> set[str]:
    return set(get().benefits)


def measure_keys() -> set[str]:
    return set(get().measures)


def area(code: str) -> Area:
    return get().areas[code]


def area_name(code: str) -> str:
    a = get().areas.get(code)
    return a.name_da if a else code


@lru_cache(maxsize=1)
def area_names() -> dict[str, str]:
    """Every area's Danish name by code, in the taxonomy's order (one dict a process; do not change it)."""
    return {code: a.name_da for code, a in get().areas.items()}


def benefit(key: str) -> Benefit:
    return get().benefits[key]


def benefit_label(key: str) -> str:
    b = get().benefits.get(key)
    return b.da if b else key


def measure(key: str) -> Measure:
    return get().measures[key]


def measure_label(key: str) -> str:
    m = get().measures.get(key)
    return m.da if m else key


# --- What kind of number a measure is (its role) ------------------------------------------

def role(key: str) -> str:
    """The measure's role (`count`, `share`, …; see ROLES); KeyError for a key the taxonomy does not know."""
    t = get()
    m = t.measures.get(key) or t.changes.get(key)
    if m is None:
        raise KeyError(f"ukendt mål '{key}'")
    return m.role


def _role_or_none(key: str) -> str | None:
    t = get()
    m = t.measures.get(key) or t.changes.get(key)
    return m.role if m else None


def is_count(key: str) -> bool:
    """A register count (fuldtidspersoner, personer): summed into groups and set against the
    population. STAR's benchmark counts are not (`benchmark-count`). False for an unknown key."""
    return _role_or_none(key) == "count"


def is_share(key: str) -> bool:
    """A per-cent share as published (the benchmark's included): shown with %, never summed or
    recomputed. False for an unknown key."""
    return _role_or_none(key) in SHARE_ROLES


def is_any_count(key: str) -> bool:
    """A count of (full-time) persons of any kind, the register's or STAR's benchmark's: what must
    add up over areas and over a total's parts (the import's totals check)."""
    return _role_or_none(key) in ("count", "benchmark-count")


def is_signed(key: str) -> bool:
    """A difference or change: may be negative. False for an unknown key."""
    return _role_or_none(key) in SIGNED_ROLES


def change_keys() -> set[str]:
    """The changes plans print (`aendring-pct`, `aendring-pct-point`)."""
    return set(get().changes)


def area_code_for(label: str) -> str | None:
    """The area code a source label names, or None (see `is_not_area` for known non-areas)."""
    return get()._area_labels.get(_norm(label))


def is_not_area(label: str) -> bool:
    return _norm(label) in get().not_areas


def benefit_key_for(label: str) -> str | None:
    return get()._benefit_labels.get(_norm(label))


def measure_key_for(label: str) -> str | None:
    return get()._measure_labels.get(_norm(label))


def kommuner() -> list[Area]:
    return sorted((a for a in get().areas.values() if a.kind == "kommune"), key=lambda a: a.name_da)


def members(code: str) -> list[str]:
    """The kommuner in a region, landsdel or Hele landet (empty for a kommune or RAR)."""
    a = get().areas[code]
    if a.kind == "land":
        return [k.code for k in kommuner()]
    if a.kind == "region":
        return [k.code for k in kommuner() if k.region == code]
    if a.kind == "landsdel":
        return [k.code for k in kommuner() if k.landsdel == code]
    return []


def _part_of_chain(key: str) -> list[str]:
    """The groups `key` is part of, nearest first (a-dagpenge-over-1-aar → …-over-26-uger → a-dagpenge)."""
    bs = get().benefits
    chain: list[str] = []
    b = bs.get(key)
    while b is not None and b.part_of and b.part_of not in chain:
        chain.append(b.part_of)
        b = bs.get(b.part_of)
    return chain


def overlaps(keys: list[str]) -> list[tuple[str, str]]:
    """Pairs in `keys` where one is a total/subtotal containing the other, at any depth: never sum these."""
    bs = get().benefits
    out = []
    for a in keys:
        for b in keys:
            if a == b:
                continue
            ba = bs.get(a)
            inside = [b, *_part_of_chain(b)]
            if a in inside[1:] or (ba and any(x in ba.total_of for x in inside)):
                out.append((a, b))
    return out


def closest_area(label: str) -> str | None:
    """A guess for a misspelt area name, for 'mente du …?' hints."""
    names = {a.name_da: a.code for a in get().areas.values()}
    hit = difflib.get_close_matches(label.strip(), list(names), n=1, cutoff=0.6)
    if hit:
        return hit[0]
    # "Lyngby" → "Lyngby-Taarbæk": a unique name starting with the label
    starts = [n for n in names if n.lower().startswith(label.strip().lower()) and len(label.strip()) >= 3]
    return starts[0] if len(starts) == 1 else None
