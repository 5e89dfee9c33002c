"""Every source format beskdash reads, asked in order: a new format is one module imported here.

Each module registers its `Reader` (format name, Danish label, `sniff`, `read`) when imported; see
`beskdash.readers.base`. `imports.detect` asks `formats()` and knows no format's rules itself.
"""

from __future__ import annotations

from beskdash.readers import jobindsats, own_export, own_figures, statbank
from beskdash.readers.base import Reader, labels, registered

MODULES = (statbank, jobindsats, own_export, own_figures)  # imported for their registration


def formats() -> list[Reader]:
    return registered()


__all__ = ["MODULES", "formats", "labels"]
