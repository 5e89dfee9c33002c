"""The comparison's one error: a comparison that cannot be made honestly, said in Danish."""

from __future__ import annotations


class CompareError(ValueError):
    """A comparison that cannot be made honestly; the message is Danish and says why."""
