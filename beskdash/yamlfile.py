"""Reading YAML: libyaml's parser where PyYAML has it, the pure-Python one's errors where it fails.

The plan files are most of what a page's first run parses; libyaml parses them about ten times faster
than PyYAML's Python parser. Both feed the same safe constructor, so a valid document gives the same
value. A document libyaml refuses is parsed again by the Python parser, so an error says exactly
what it said before (`plans.yaml_problem` quotes its line and wording)."""

from __future__ import annotations

from typing import Any

import yaml

_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # PyYAML built without libyaml has only the Python one


def safe_load(text: str) -> Any:
    """`yaml.safe_load(text)`, faster."""
    try:
        return yaml.load(text, Loader=_FAST)  # CSafeLoader, like SafeLoader, builds only plain data
    except yaml.YAMLError:
        return yaml.safe_load(text)  # raises the Python parser's error, word for word
