"""A goal's status: one type carrying its Danish word, URL slug, icon and colour.

`Status` is a `StrEnum` whose value is the Danish word, so it prints, sorts, serialises (JSON, CSV) and
compares as that word; everything else about a status is an attribute here, never a dictionary elsewhere.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """The four outcomes of the goal engine, in the order the pages and counts list them."""

    # word, slug, icon, colour (Okabe–Ito, as the charts' palette)
    NAAET = ("nået", "naaet", "✔", "#009E73")
    PAA_VEJ = ("på vej", "paa-vej", "➚", "#56B4E9")
    IKKE_PAA_VEJ = ("ikke på vej", "ikke-paa-vej", "✖", "#D55E00")
    KAN_IKKE = ("kan ikke vurderes", "kan-ikke-vurderes", "?", "#9E9E9E")

    slug: str  # URL-safe name (query parameter)
    icon: str
    colour: str

    def __new__(cls, word: str, slug: str, icon: str, colour: str) -> Status:
        obj = str.__new__(cls, word)
        obj._value_ = word
        obj.slug, obj.icon, obj.colour = slug, icon, colour
        return obj

    @property
    def word(self) -> str:
        """The Danish word: `ikke på vej`."""
        return self.value

    @property
    def label(self) -> str:
        """Icon and word, `✖ ikke på vej`: the status never rests on colour alone."""
        return f"{self.icon} {self.value}"

    @classmethod
    def from_slug(cls, slug: str) -> Status:
        """The status of a URL slug; KeyError for an unknown one."""
        for s in cls:
            if s.slug == slug:
                return s
        raise KeyError(slug)
