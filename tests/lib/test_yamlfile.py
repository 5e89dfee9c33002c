"""beskdash.yamlfile parses with libyaml but must read every shipped file as PyYAML's Python parser does,
and word a syntax error exactly as that parser does (plan errors quote its line and wording)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from beskdash import plans, yamlfile
from beskdash.paths import DATA_DIR, PLANS_DIR

SHIPPED = sorted([*PLANS_DIR.glob("*.yaml"), *DATA_DIR.rglob("*.yaml")])


def test_the_fast_parser_is_there() -> None:
    # without libyaml the module still works, only slower; this venv has it, so the comparison below compares
    assert yamlfile._FAST is yaml.CSafeLoader


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_yaml_file_reads_as_with_the_python_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yamlfile.safe_load(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: 1\n b: 2\n", "a: 'x\n", "- a\nb: 1\n", "a: *nope\n"])
def test_a_syntax_error_is_the_python_parsers_word_for_word(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as python:
        yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError) as ours:
        yamlfile.safe_load(text)
    assert str(ours.value) == str(python.value)
    assert plans.yaml_problem(ours.value, "x.yaml") == plans.yaml_problem(python.value, "x.yaml")


def test_the_libyaml_error_would_have_differed() -> None:
    # why the fallback exists: libyaml words the same error otherwise
    with pytest.raises(yaml.YAMLError) as c:
        yaml.load("a: [1, 2\n", Loader=yaml.CSafeLoader)
    with pytest.raises(yaml.YAMLError) as python:
        yaml.safe_load("a: [1, 2\n")
    assert str(c.value) != str(python.value)
