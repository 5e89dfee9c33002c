"""beskdash: a cross-municipality employment dashboard for Danish municipalities."""

__version__ = "0.1.0"
