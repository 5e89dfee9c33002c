"""Small synthetic StatBank CSVs in the shape of the real exports (never copies of them).

The real extracts live in ../shared/data/dst/ and are not in the repository; these let the tests
that need their shape run anywhere: `;`, UTF-8 with BOM, CRLF, a header of variable codes, labels
in the cells, and the non-area rows (Abroad, Not stated) the real AUK01 export carries.
"""

from __future__ import annotations

AUK01_HEADER = "OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD"
BEN = "Net unemployed recipients of social assistance"
# (StatBank's English area label, first value); the values are made up, the labels are StatBank's.
AREAS = [("All Denmark", 19206), ("Region Hovedstaden", 5120), ("Lyngby-Taarbæk", 160), ("Gladsaxe", 410),
         ("Allerød", 21), ("Rudersdal", 90), ("Abroad", 0), ("Not stated municipality", 3)]
QUARTERS = [f"{y}Q{q}" for y in (2019, 2020) for q in (1, 2, 3, 4)]


def csv_bytes(header: str, rows: list[str], bom: bool = True) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def auk01(areas: list[tuple[str, int]] = AREAS, quarters: list[str] = QUARTERS) -> bytes:
    """An AUK01 export: one benefit type, sex and age at their totals, a value per area and quarter."""
    rows = [f"{a};{BEN};Total;Age, total;{q};{v + i}" for a, v in areas for i, q in enumerate(quarters)]
    return csv_bytes(AUK01_HEADER, rows)


def folk1a(areas: list[tuple[str, int]] = AREAS[:6], quarters: tuple[str, ...] = ("2019Q1", "2020Q1")) -> bytes:
    rows = [f"{a};Total;Age, total;Total;{q};{v * 300 + i}" for a, v in areas for i, q in enumerate(quarters)]
    return csv_bytes("OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD", rows)
