"""Synthetic inputs for the benchmark and the fault tests, built from the real AUK01 extract.

`statbank_csv(rows)` writes a StatBank-format CSV (English export: `;`, UTF-8 BOM) with the
real extract's area labels, benefit labels from the taxonomy and monthly periods, so it goes
through exactly the reader analysts' files go through.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from beskdash.paths import DATA_DIR, ROOT

_NAME = "AUK01_en_2007Q1-2025Q4.csv"
# The real extract is never committed: data/dst/ once `make build` has filled it, else ../shared beside the checkout.
AUK01 = next((p for p in (DATA_DIR / "dst" / _NAME, ROOT.parent / "shared" / "data" / "dst" / _NAME) if p.exists()),
             DATA_DIR / "dst" / _NAME)
# StatBank-style benefit labels the taxonomy maps (one series each).
BENEFITS = ["A-dagpenge", "Kontanthjælp", "Uddannelseshjælp", "Integrationsydelse", "Sygedagpenge",
            "Jobafklaringsforløb", "Revalidering", "Ressourceforløb", "Ledighedsydelse", "Fleksjob",
            "Førtidspension", "Efterløn", "Net unemployed recipients of social assistance"]


def real_areas() -> list[str]:
    """The area labels of the real AUK01 extract (without Abroad/Not stated)."""
    with AUK01.open(encoding="utf-8-sig") as f:
        labels = {r["OMRÅDE"] for r in csv.DictReader(f, delimiter=";")}
    return sorted(labels - {"Abroad", "Not stated municipality"})


def months(n: int, start_year: int = 1960) -> list[str]:
    return [f"{start_year + i // 12}M{i % 12 + 1:02d}" for i in range(n)]


def statbank_csv(rows: int, path: Path, seed: int = 1, extra: tuple[str, ...] = ()) -> int:
    """Write about `rows` rows (areas × benefits × months), then the `extra` lines as given (e.g. one
    figure a test looks for); returns the exact row count."""
    areas = real_areas()
    per_month = len(areas) * len(BENEFITS)
    n_months = max(1, -(-rows // per_month))
    buf = io.StringIO()
    buf.write("OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD\r\n")
    count = 0
    for a_i, area in enumerate(areas):
        for b_i, ben in enumerate(BENEFITS):
            for m_i, period in enumerate(months(n_months)):
                value = (a_i * 7919 + b_i * 104729 + m_i * 13 + seed) % 5000
                buf.write(f"{area};{ben};Total;Age, total;{period};{value}\r\n")
                count += 1
    for line in extra:
        buf.write(line + "\r\n")
        count += 1
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return count
