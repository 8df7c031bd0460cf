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


# -- the quick structural check against cerberus ------------------------------------------------------

import datetime as _dt  # noqa: E402

from hypothesis import HealthCheck  # noqa: E402


def _cerberus_passes(data: Any) -> bool:
    fresh = validate_schema._Validator(validate_schema._schema())
    fresh.validate(copy.deepcopy(data), normalize=False)
    return not fresh._errors


def test_the_shipped_schema_compiles_into_the_quick_check() -> None:
    assert validate_schema.quick_check() is not None


def test_the_quick_check_knows_the_types_as_the_validator_does() -> None:
    mapping = validate_schema._Validator.types_mapping
    for name, (included, excluded) in validate_schema._TYPES.items():
        assert (mapping[name].included_types, mapping[name].excluded_types) == (included, excluded), name


def test_the_quick_check_compiles_the_schema_cerberus_validates() -> None:
    from cerberus.schema import DefinitionSchema

    assert DefinitionSchema.expand(copy.deepcopy(validate_schema._schema())) == validate_schema._schema()


def test_a_rule_the_quick_check_does_not_know_turns_it_off() -> None:
    with pytest.raises(validate_schema._Unknown):
        validate_schema._mapping_check({"year": {"type": "integer", "forbidden": [2020]}})


@pytest.mark.parametrize("name,data", list(_documents()), ids=lambda v: v if isinstance(v, str) else "")
def test_the_quick_check_passes_what_cerberus_passes(name: str, data: Any) -> None:
    assert validate_schema.passes_schema(data) == _cerberus_passes(data)


def test_every_example_passes_the_quick_check() -> None:
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        assert validate_schema.passes_schema(load_report(path).data), path


_VALUES = st.sampled_from([None, "", "文字", " ", [], {}, 0, -1, 1, 100, 101, 2000, 1999, 2.5, True, False,
                           _dt.date(2025, 2, 20), ["文字"], [1], [None], [[]], [["a", 1]], {"heading": "x"},
                           {"x": 1}, {"text": ""}, "{{ figures.a }}", "{{figures.a}}", "leading_group", "meetings",
                           ["leading_group"], ["court", "x"], "achievements", ["plans", "other"], "9bad", "a_b",
                           {"a": None}, {"a": "1"}, {"9": 1}])


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, path + (i,))


_EXAMPLES = [load_report(p).data for p in sorted((ROOT / "examples").glob("*.yaml"))]


def _schema_paths(schema: dict[str, Any], path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every field the schema names (list items as item 0), written or not in the examples."""
    for key, rules in schema.items():
        yield path + (key,)
        inner = rules.get("schema")
        if isinstance(inner, dict) and "type" in inner:  # a list's items
            yield path + (key, 0)
            inner = inner.get("schema")
            if isinstance(inner, dict) and "type" not in inner:
                yield from _schema_paths(inner, path + (key, 0))
        elif isinstance(inner, dict):
            yield from _schema_paths(inner, path + (key,))


_SITES = sorted({(0, p) for d in _EXAMPLES for p in _paths(d) if p} |
                {(0, p) for p in _schema_paths(validate_schema._schema())}, key=repr)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_SITES), st.sampled_from(["set", "drop", "add"]), _VALUES),
                min_size=1, max_size=3), st.integers(0, len(_EXAMPLES) - 1))
def test_the_quick_check_agrees_with_cerberus_on_changed_reports(changes: list[Any], which: int) -> None:
    """Values put anywhere in an example (of every type the schema names, at and past every
    bound), fields dropped and unknown ones added: the quick check passes exactly what cerberus
    passes."""
    data = copy.deepcopy(_EXAMPLES[which])
    for (_, path), how, value in changes:
        node: Any = data
        try:
            for key in path[:-1]:
                node = node[key]
            if how == "set":
                node[path[-1]] = copy.deepcopy(value)
            elif how == "drop":
                del node[path[-1]]
            elif isinstance(node, dict):
                node["x_" + str(path[-1])] = copy.deepcopy(value)
            else:
                node.append(copy.deepcopy(value))
        except (KeyError, IndexError, TypeError, AttributeError):  # a path this report does not have
            continue
    assert validate_schema.passes_schema(data) == _cerberus_passes(data)
