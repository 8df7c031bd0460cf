"""validate's second half: what only the YAML shows, each rule a small function over the data
giving (field path, rule, values): empty entries, typed numbers, characters Word cannot hold,
undefined and unused figures, prose syntax, tables, the layout's order, part two's facts."""
from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from functools import lru_cache
from typing import Any, Callable, Iterator, Optional

from authoring.docx.schema import BAD_XML_CHARS
from authoring.domain import FieldPath, entry_parts, part_keys, part_label, required_parts
from authoring.duties import fact_fields, fact_keys, fact_label, fact_patterns, given_facts, is_given, stated_in_text
from authoring.errors import Problem
from authoring.hygiene import typed_number
from authoring.load import LoadedReport
from authoring.rules import problem
from authoring.validate_schema import Found

_FIGURE_REF = re.compile(r"figures\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def iter_strings(value: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """Every string in the data with its field path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_strings(item, path + (index,))


# -- what only the YAML shows: each rule a small function giving (field path, rule, values) -----

_Hit = tuple[FieldPath, str, dict[str, Any]]
_CONTENT_KEYS = ("text", "items", "points", "table")


def _entries(data: dict[str, Any]) -> Iterator[tuple[FieldPath, Any]]:
    """Every entry of every part, with its path (items inside entries included)."""
    def walk(entries: Any, path: FieldPath) -> Iterator[tuple[FieldPath, Any]]:
        if isinstance(entries, list):
            for i, entry in enumerate(entries):
                yield path + (i,), entry
                if isinstance(entry, dict):
                    yield from walk(entry.get("items"), path + (i, "items"))

    for key in entry_parts():
        yield from walk(data.get(key), (key,))
    fr = data.get("first_responsible")
    if isinstance(fr, dict):
        yield from walk(fr.get("duties"), ("first_responsible", "duties"))


def _entry_rules(data: dict[str, Any]) -> Iterator[_Hit]:
    """An entry that is only a heading says nothing; a number typed into a heading or at the start
    of a point is doubled (the renderer numbers both, and leaves the typed one out)."""
    for path, entry in _entries(data):
        if not isinstance(entry, dict):
            continue
        duty = path[0] == "first_responsible"
        if not any(entry.get(k) for k in _CONTENT_KEYS + (("facts",) if duty else ())):
            fill = "text（正文）" if duty else "text（正文）或 items（分项）"
            yield path, "yaml.entry_empty", {"fill": fill}
        heading = entry.get("heading")
        number = typed_number(heading) if isinstance(heading, str) else ""
        if number:
            yield path + ("heading",), "yaml.heading_number", {"number": number}
        points = entry.get("points")
        for i, point in enumerate(points if isinstance(points, list) else []):
            number = typed_number(point) if isinstance(point, str) else ""
            if number:
                yield path + ("points", i), "yaml.point_number", {"number": number}


def _opening_rules(data: dict[str, Any]) -> Iterator[_Hit]:
    """Part two's own opening should say 第一责任人 (the default one does)."""
    fr = data.get("first_responsible")
    own = fr.get("text") if isinstance(fr, dict) else None
    if isinstance(own, str) and "第一责任人" not in own:
        yield ("first_responsible", "text"), "first-responsible-language", {}


def _string_rules(data: dict[str, Any], figures: dict[str, Any], used: set[str]) -> Iterator[_Hit]:
    """Characters Word cannot hold, figures a text names but does not define, prose syntax."""
    nearest = _Suggestions([str(k) for k in figures])
    for path, text in iter_strings(data):
        bad = BAD_XML_CHARS.search(text)
        if bad:  # layout too: a font name or heading with U+0001 reached the writer (lxml ValueError)
            yield path, "yaml.bad_char", {"code": f"U+{ord(bad.group()):04X}", "at": bad.start() + 1}
            continue
        if path and path[0] == "layout":
            continue
        yield from _figure_references(path, text, figures, used, nearest)
        syntax = _prose_syntax(text)
        if syntax:
            yield path, "yaml.prose_syntax", {"message": syntax}


class _Suggestions:
    """The did-you-mean of an undefined figure's name: once per name, and while the names
    compared over the whole report stay within a budget. get_close_matches over every figure,
    for every reference, was quadratic (8,000 of each: minutes); a report has tens of figures
    and a few slips, and thousands are not worth a guess."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.found: dict[str, Optional[str]] = {}
        self.compared = 0

    def __call__(self, name: str) -> Optional[str]:
        if name not in self.found:
            near: list[str] = []
            if self.compared + len(self.names) <= SUGGESTION_BUDGET:
                self.compared += len(self.names)
                near = difflib.get_close_matches(name, self.names, n=1)
            self.found[name] = near[0] if near else None
        return self.found[name]


def _figure_references(path: FieldPath, text: str, figures: dict[str, Any], used: set[str],
                       nearest: Callable[[str], Optional[str]]) -> Iterator[_Hit]:
    for expr in _JINJA.findall(text):
        for match in _FIGURE_REF.finditer(expr):
            name = match.group(1) or match.group(2)
            used.add(name)
            if name not in figures:
                near = nearest(name)
                hint = f"是否想写“{near}”？" if near else "请在 figures 中定义它，或改正名称"
                yield path, "figures.undefined", {"name": name, "hint": hint}


@lru_cache(maxsize=8192)
def _prose_syntax(text: str) -> str:
    # Kept per text: the workbench validates the whole report on every keystroke, and parsing
    # every paragraph with a {{ figures.x }} in it again was a third of validate's time.
    if "{{" not in text and "{%" not in text:
        return ""
    if _only_plain_figures(text):
        return ""  # what nearly all prose holds, and what Jinja's parser always accepts
    from jinja2 import TemplateSyntaxError  # the prose syntax check only needs the parser

    try:
        _prose_environment().parse(text)
    except TemplateSyntaxError as exc:
        return str(exc.message)
    return ""


_PLAIN_FIGURE = re.compile(r"\{\{\s*figures\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}")


def _only_plain_figures(text: str) -> bool:
    # Each report of a batch has prose of its own, so the cache above does not help it: prose
    # whose only template code is `{{ figures.name }}` (render fills it without Jinja) is
    # accepted without parsing (13 parses, 0.8 of validate's 2 ms, issue 17).
    # tests/test_validate_speed.py checks this against Jinja's parser.
    pos = 0
    for match in _PLAIN_FIGURE.finditer(text):
        if not _plain_literal(text[pos:match.start()]) or text[match.end():match.end() + 1] == "}":
            return False
        pos = match.end()
    return _plain_literal(text[pos:]) and not text.endswith("{")


def _plain_literal(literal: str) -> bool:
    return not literal.endswith("{") and not any(mark in literal for mark in ("{{", "{%", "{#", "}}", "%}", "#}"))


def _figure_rules(figures: dict[str, Any], used: set[str]) -> Iterator[_Hit]:
    """Figures defined but never used, still to fill, or not a number a report can print."""
    for name, value in figures.items():
        path: FieldPath = ("figures", name)
        if name not in used:
            yield path, "figures.unused", {"name": name}
        if value is None:
            yield path, "figures.empty", {"name": name}
        elif isinstance(value, float) and not math.isfinite(value):
            # YAML's .nan / .inf are floats to the schema, but no report can print them.
            yield path, "figures.not_finite", {"name": name, "value": value}
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= MAX_FIGURE:
            # No count or amount in a report has 16 digits; a 401-digit one overflowed the
            # arithmetic of compare (float()) and printed as a wall of digits.
            shown = str(value) if len(str(value)) <= 20 else str(value)[:20] + "…"
            yield path, "figures.too_large", {"name": name, "value": shown, "digits": len(str(int(abs(value))))}


def _table_rules(data: dict[str, Any]) -> Iterator[_Hit]:
    """Cells a table can show, rows Word can hold."""
    for path, table in _tables(data):
        for r, row in enumerate(table):
            if not isinstance(row, list):
                continue
            if len(row) > MAX_TABLE_COLUMNS:
                # The writer gives every row as many cells as the widest: one row of 20,000
                # cells in a 40 KB YAML took 1.6 GB and made a file our own check refused.
                yield path + (r,), "yaml.table_columns", {"cells": len(row), "limit": MAX_TABLE_COLUMNS}
            for c, cell in enumerate(row):
                if isinstance(cell, float) and not math.isfinite(cell):
                    yield path + (r, c), "yaml.table_not_finite", {"value": cell}


def _layout_rules(data: dict[str, Any]) -> Iterator[_Hit]:
    """The order decides which parts appear: a required part left out would vanish."""
    layout = data.get("layout")
    if not (isinstance(layout, dict) and isinstance(layout.get("order"), list)):
        return
    order = [k for k in layout["order"] if isinstance(k, str)]
    path: FieldPath = ("layout", "order")
    counts = Counter(order)  # order.count per entry was quadratic (700 KB: 113 s)
    for key in sorted(k for k, n in counts.items() if n > 1):
        yield path, "yaml.order_repeated", {"key": key}
    for key in part_keys():
        if key not in order and (key in required_parts() or data.get(key)):
            yield path, "yaml.order_missing", {"key": key, "label": part_label(key)}


def field_problems(report: LoadedReport) -> list[Found]:
    data = report.data
    given = data.get("figures")
    figures: dict[str, Any] = given if isinstance(given, dict) else {}
    used: set[str] = set()
    hits = [*_entry_rules(data), *_opening_rules(data), *_string_rules(data, figures, used)]
    hits += [*_figure_rules(figures, used), *_table_rules(data), *_layout_rules(data)]
    found = [(path, problem(rule, report.place(path), **values)) for path, rule, values in hits]
    fr = data.get("first_responsible")
    return found + (_fact_problems(report, fr) if isinstance(fr, dict) else [])


# Word's own limit on the columns of a table.
MAX_TABLE_COLUMNS = 63
# A figure's magnitude: 15 digits (a trillion yuan in 元 has 13).
MAX_FIGURE = 10 ** 15
# Names compared for the did-you-mean of undefined figures, over the whole report.
SUGGESTION_BUDGET = 20_000


def _tables(value: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, list[Any]]]:
    """Every entry's `table` in the parts, with its field path."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "table" and isinstance(item, list) and path and path[0] in part_keys():
                yield path + (key,), item
            elif key != "layout" or path:
                yield from _tables(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _tables(item, path + (index,))


# -- part two's facts (their wording is the first-responsible lane's, issue 14) -----------------


def _fact_problems(report: LoadedReport, fr: dict[str, Any]) -> list[Found]:
    """The facts of part two: no duties and no facts at all, fields left empty (still to fill),
    a fact whose sentence the prose already has."""
    found: list[Found] = []

    def add(path: FieldPath, message: str, rule: str, severity: str = "warning") -> None:
        found.append((path, Problem(message, report.place(path), severity, rule)))

    if "duties" not in fr and not given_facts(fr):
        add(("first_responsible", "duties"),
            "缺少必填项“duties”；请补上履职情况，或填写 leading_group、meetings 等履职事实（见 docs/yaml-format.md）",
            "yaml.schema", "error")
    for key in fact_keys():
        if key not in fr:
            continue
        value = fr[key]
        if not is_given(value) and value is not False:
            add(("first_responsible", key), f"{fact_label(key)}待填：请填写本年度的情况，不适用的可删去这一项", "fact-empty")
        elif isinstance(value, dict):
            for sub in fact_fields(key):
                if sub in value and value[sub] is None:
                    add(("first_responsible", key, sub),
                        f"{fact_label(key)} · {fact_label(key, sub)}待填：请填写本年度的情况，不适用的可删去这一项",
                        "fact-empty")
    found += _stated_twice(report, fr)
    return found


def _stated_twice(report: LoadedReport, fr: dict[str, Any]) -> list[Found]:
    """A given fact renders its sentence: the same sentence in the prose would say it twice."""
    found: list[Found] = []
    stated = set(stated_in_text(fr))
    for key in given_facts(fr):
        if key in stated:
            continue
        for pattern in (p for p in fact_patterns() if p.key == key):
            hit = next(((path, m) for path, text in _prose_strings(report.data, pattern.parts)
                        if (m := pattern.regex.search(text))), None)
            if hit is not None:
                path, match = hit
                message = (f"已写有“{match.group(0)[:40]}”，与 first_responsible.{key}（{fact_label(key)}）"
                           f"生成的句子重复；请删去其中一处，或把 {key} 列入 first_responsible.in_text")
                found.append((path, Problem(message, report.place(path), "warning",
                                            "fact-stated-twice")))
                break
    return found


def _prose_strings(data: dict[str, Any], parts: tuple[str, ...]) -> Iterator[tuple[FieldPath, str]]:
    """The running text of these parts (part two: its opening and duties), with field paths."""
    for part in parts:
        value = data.get(part)
        if part == "first_responsible" and isinstance(value, dict):
            for key in ("text", "duties"):
                if key in value:
                    yield from ((p, t) for p, t in iter_strings(value[key], (part, key)) if p[-1] != "heading")
        elif value is not None:
            yield from ((p, t) for p, t in iter_strings(value, (part,)) if p[-1] != "heading")


@lru_cache(maxsize=1)
def _prose_environment() -> Any:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment()
