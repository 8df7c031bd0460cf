"""What validate's speed-ups rely on (no timings here: benchmarks/ measures those).

Validation reuses one cerberus validator built from the shipped schema without cerberus's own
check of that schema, and skips normalization. That is only right while the schema is valid and
has no normalizing rules, and while the errors come out exactly as a fresh validator gives them.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Iterator

import pytest

from authoring import validate_fields, validate_schema
from authoring.errors import AuthoringError
from authoring.main import load_report

ROOT = Path(__file__).resolve().parents[1]
INPUTS = sorted(ROOT.glob("examples/*.yaml")) + sorted((ROOT / "tests" / "bad_inputs").glob("*.yaml"))


def _rules(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _rules(value)
    elif isinstance(node, list):
        for value in node:
            yield from _rules(value)


def _errors(validator: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (tuple(map(str, e.document_path)), e.code, str(e.rule), repr(e.constraint), repr(e.value))
        for e in validate_schema._leaf_errors(validator._errors)
    )


def test_cerberus_accepts_the_shipped_schema() -> None:
    validate_schema._Validator(validate_schema._schema())  # raises cerberus.SchemaError if the schema is wrong


def test_schema_has_no_normalizing_rules() -> None:
    found = sorted(set(_rules(validate_schema._schema())) & validate_schema.NORMALIZING_RULES)
    assert found == [], f"the schema now normalizes ({found}): validate must call validate(normalize=True)"


def _documents() -> Iterator[tuple[str, Any]]:
    for path in INPUTS:
        try:
            data = load_report(path).data
        except AuthoringError:
            continue
        yield path.name, data
    example = load_report(ROOT / "examples" / "changzhou-cgj-2024.yaml").data
    for name, change in [
        ("year-string", lambda d: d.update(year="2024")),
        ("agency-list", lambda d: d.update(agency=["x"])),
        ("unknown-key", lambda d: d.update(achievments=[])),
        ("entry-number", lambda d: d["achievements"].append(3)),
        ("item-heading-dict", lambda d: d["achievements"][0]["items"][0].update(heading={"a": 1})),
        ("duties-empty", lambda d: d["first_responsible"].update(duties=[])),
        ("figure-name", lambda d: d["figures"].update({"9bad": 1})),
        ("no-plans", lambda d: d.pop("plans")),
    ]:
        data = copy.deepcopy(example)
        change(data)
        yield name, data


@pytest.mark.parametrize("name,data", list(_documents()), ids=lambda v: v if isinstance(v, str) else "")
def test_reused_validator_reports_what_a_fresh_one_does(name: str, data: Any) -> None:
    fresh = validate_schema._Validator(validate_schema._schema())
    try:
        fresh.validate(copy.deepcopy(data))
    except TypeError:
        # cerberus's normalization crashes on lists of lists (type_nested_lists.yaml), one more
        # reason not to normalize; compare with a fresh validator that does not either.
        fresh = validate_schema._Validator(validate_schema._schema())
        fresh.validate(copy.deepcopy(data), normalize=False)
    fast = validate_schema._validator()
    fast.validate(data, normalize=False)
    assert _errors(fast) == _errors(fresh)
    fast.validate(data, normalize=False)  # and again: nothing carried over from the last run
    assert _errors(fast) == _errors(fresh)


# -- prose accepted without Jinja's parser ------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(["{{ figures.cases }}", "{{figures.a_1}}", "{{  figures.x\n}}", "{{ figures.1x }}",
                           "{{ figures.if }}", "{{- figures.x }}", "{{ figures['x'] }}", "{{ figures.x | round }}",
                           "{", "}", "{{", "}}", "{%", "%}", "{#", "#}", "{% if %}", "{% raw %}", "{% endraw %}",
                           "%", "#", "-", " ", "\n", "案件", "1.5", "（一）", "figures.x", "{{ x }}", "{{ figures. }}"])


def _jinja_accepts(text: str) -> bool:
    from jinja2 import TemplateSyntaxError

    try:
        validate_fields._prose_environment().parse(text)
    except TemplateSyntaxError:
        return False
    return True


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=8).map("".join))
def test_prose_taken_as_plain_is_prose_jinja_accepts(text: str) -> None:
    if validate_fields._only_plain_figures(text):
        assert _jinja_accepts(text), text
    assert (validate_fields._prose_syntax.__wrapped__(text) == "") == (_jinja_accepts(text) or
                                                                 ("{{" not in text and "{%" not in text)), text


def test_the_examples_prose_is_taken_as_plain() -> None:
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        data = load_report(path).data
        prose = [t for _, t in validate_fields.iter_strings(data) if "{{" in t]
        assert prose and all(validate_fields._only_plain_figures(t) for t in prose), path
