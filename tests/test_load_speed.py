"""load reads clean files through libyaml (benchmarks/ measures the time) and everything else
through PyYAML's own parser. Whenever the libyaml path answers, the answer must be exactly what
PyYAML's parser gives: the same data, the same line and column for every field, the same end."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring import load
from authoring.errors import AuthoringError

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(ROOT.glob("examples/*.yaml")) + sorted((ROOT / "tests" / "bad_inputs").glob("*.yaml"))
EXAMPLE = (ROOT / "examples" / "changzhou-cgj-2024.yaml").read_text(encoding="utf-8")

pytestmark = pytest.mark.skipif(load._CParser is None, reason="PyYAML without libyaml")


def _pure(text: str) -> Any:
    """parse_yaml with the libyaml path switched off."""
    saved = load._parse_fast
    load._parse_fast = lambda text, file: None  # type: ignore[assignment]
    try:
        return load.parse_yaml(text, "f.yaml")
    except AuthoringError as exc:
        return ("error", str(exc))
    finally:
        load._parse_fast = saved  # type: ignore[assignment]


def test_the_examples_take_the_fast_path() -> None:
    assert load._parse_fast(EXAMPLE, "f.yaml") is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fast_path_agrees_on_every_input(path: Path) -> None:
    try:
        text = load.decode_text(path.read_bytes(), path.name)[0]
    except AuthoringError:
        return
    fast = load._parse_fast(text, "f.yaml")
    if fast is not None:
        assert fast == _pure(text)


@pytest.mark.parametrize("text", [
    "k: [a, b? , c]\n",      # PyYAML: a flow key; libyaml: part of the word
    "k: {a: b?}\n",
    "k: !\n",                # a bare tag
    "k: >#\n  x\n",          # a comment glued to a block scalar indicator
    "k: a\tb\n",             # tabs
    "k: 1\r\nj: 2\r\n",      # CR line ends
    "k: 1",                  # no newline at the end: the end marks differ
])
def test_where_the_parsers_differ_pyyaml_decides(text: str) -> None:
    assert load._parse_fast(text, "f.yaml") is None


_EDITS = st.sampled_from([
    ":", " ", "\n", "- ", "  ", "\t", "'", '"', "[", "]", "{", "}", ",", "#", " #", "&a ", "*a", "!!str ",
    "|", ">", ">-#", "? ", "%", "@", "`", "\\", "\ufeff", "\x85", "\u2028", "\r\n", "\r", "...", "---",
    "key: ", "b? ", "! ", "2025-02-30", "0x1F", "~", "yes", "x" * 1100 + ": 1\n", "\u3000", "<<: {x: 1}", "{a: [b, {c: d}]}",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.floats(0, 1), _EDITS, st.integers(0, 6)), min_size=1, max_size=4))
def test_whenever_the_fast_path_answers_it_agrees(edits: list[tuple[float, str, int]]) -> None:
    text = EXAMPLE
    for where, insert, cut in edits:
        i = int(where * len(text))
        text = text[:i] + insert + text[i + cut:]
    fast = load._parse_fast(text, "f.yaml")
    if fast is not None:
        assert fast == _pure(text)


SHIPPED = sorted((ROOT / "authoring" / "data").rglob("*.yaml")) + sorted((ROOT / "schemas").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_tables_read_through_libyaml_as_pyyaml_reads_them(path: Path) -> None:
    """The data tables, the layout and the schema are read with libyaml (resources.load_yaml_file);
    each must give exactly what PyYAML's own parser gives, so that nothing the tool knows of the
    domain depends on which parser this machine has."""
    import yaml

    from authoring.resources import load_yaml_file

    assert load_yaml_file(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


_DIFFERS = __import__("re").compile("[\t\r\ufeff\x85\u2028\u2029?!]|[|>][-+0-9]*#")


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["#", "|", ">", "-", "+", "0", "9", "a", " ", "\n", "\t", "\r", "?", "!", "？",
                                 "\ufeff", "\x85", "\u2028", "\u2029", "文", "||", "|-", ">+2"]), max_size=12).map("".join))
def test_what_differs_is_found_as_the_pattern_finds_it(text: str) -> None:
    assert load._libyaml_differs(text) == (_DIFFERS.search(text) is not None), repr(text)


def test_the_examples_differ_nowhere() -> None:
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        assert not load._libyaml_differs(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("depth", [load.MAX_DEPTH - 1, load.MAX_DEPTH, load.MAX_DEPTH + 1, load.MAX_DEPTH + 2])
@pytest.mark.parametrize("leaf", ["x", "{}", "[]", "[x]", "{k: x}"])
def test_the_fast_path_stops_where_the_depth_bound_does(depth: int, leaf: str) -> None:
    """Mappings and lists nested to around MAX_DEPTH, ending in a scalar, an empty or a small
    collection: where the fast path answers, PyYAML's path gives the same (an error past the
    bound, which the fast path must leave to it)."""
    for text in ("".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + f"leaf: {leaf}\n",
                 "k: " + "[" * depth + leaf + "]" * depth + "\n"):
        fast = load._parse_fast(text, "f.yaml")
        pure = _pure(text)
        if fast is not None:
            assert fast == pure
        else:
            assert isinstance(pure, tuple)
