"""Step 2, validate: the cerberus schema plus content rules → every problem at once."""
from __future__ import annotations

import copy
import datetime as _dt
from collections import Counter
import difflib
import math
import re
import sys
import threading
import types
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Union


def _import_cerberus() -> None:
    """Import cerberus without the importlib.metadata it loads only to read its own version.

    cerberus/__init__.py sets `__version__` from `importlib.metadata.version("Cerberus")`
    (pyeve/cerberus#602): importing importlib.metadata (email, csv, zipfile path objects) and
    scanning site-packages cost some 40-50 ms, a sixth of every cold `authoring render`, for a
    string nothing reads. While cerberus is first imported, a stand-in for importlib.metadata
    answers "not found", so cerberus records its version as "unknown", exactly as it does when
    it is not installed as a distribution. The stand-in is removed at once; where
    importlib.metadata is already loaded, the real one is used."""
    if "cerberus" in sys.modules or "importlib.metadata" in sys.modules:
        return
    stand_in = types.ModuleType("importlib.metadata")

    class PackageNotFoundError(ModuleNotFoundError):
        pass

    def version(name: str) -> str:
        raise PackageNotFoundError(name)

    stand_in.PackageNotFoundError = PackageNotFoundError  # type: ignore[attr-defined]
    stand_in.version = version  # type: ignore[attr-defined]
    sys.modules["importlib.metadata"] = stand_in
    try:
        import cerberus  # noqa: F401
    finally:
        if sys.modules.get("importlib.metadata") is stand_in:
            del sys.modules["importlib.metadata"]


_import_cerberus()
import cerberus  # noqa: E402  (already loaded by _import_cerberus: this only binds the name)
import yaml  # noqa: E402

from authoring.blocks import Block
from authoring.check import CheckReport, check_blocks, duty_message, missing_duties
from authoring.duties import (
    fact_fields, fact_keys, fact_label, fact_patterns, given_facts, is_given,
    stated_in_text,
)
from authoring.errors import AuthoringError, Place, Problem
from authoring.hygiene import typed_number
from authoring.docx.schema import BAD_XML_CHARS
from authoring.domain import FieldPath, entry_parts, part_keys, part_label, required_parts
from authoring.load import LoadedReport
from authoring.read import reread
from authoring.render import render_report
from authoring.resources import load_yaml_file, schemas_dir
from authoring.rules import Finding, ignored, problem, rule_spec, stops_render


_FIGURE_REF = re.compile(r"figures\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


# Structural errors listed for one YAML: past this many (a 2 MB file can hold 100,000 unknown
# fields) the rest are not looked for; cerberus's own handling of each error, and a line each,
# was most of validate's time, and no clerk reads past the first screens.
MAX_SCHEMA_ERRORS = 1000
_SCHEMA_ERRORS = threading.local()  # the leaf errors of the validation under way, this thread's


class _TooManyErrors(Exception):
    """More than MAX_SCHEMA_ERRORS structural errors: validation stops looking."""


class _Validator(cerberus.Validator):
    # YAML's `true` is a bool, and bool is an int to Python: a year of `true` must not pass.
    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["integer"] = cerberus.TypeDefinition("integer", (int,), (bool,))
    types_mapping["float"] = cerberus.TypeDefinition("float", (float, int), (bool,))

    def _error(self, *args: Any) -> Any:
        # cerberus sorts its whole error list, and the error trees' node lists, at every error
        # added: 60,000 unknown fields took minutes. The list is kept unsorted (problems are
        # sorted by line at the end) and the trees, which this schema never consults
        # (they serve coerce and dependencies), are not built.
        if len(args) == 1:
            self._errors.extend(args[0])
            for error in args[0]:
                self.error_handler.emit(error)
            # Errors reach the root through the child validators of each mapping and list, as
            # group errors: the leaves are counted where they are made.
            leaves = getattr(_SCHEMA_ERRORS, "leaves", None)
            if leaves is not None:
                leaves.extend(e for e in args[0] if not e.is_group_error)
                if len(leaves) > MAX_SCHEMA_ERRORS:
                    raise _TooManyErrors
            return None
        return super()._error(*args)


def _strip_meta(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_meta(v) for k, v in node.items() if k != "meta"}
    if isinstance(node, list):
        return [_strip_meta(v) for v in node]
    return node


@lru_cache(maxsize=1)
def schema_document() -> dict[str, Any]:
    """The report schema as written in schemas/report.schema.yaml (with its `meta` texts)."""
    return load_yaml_file(schemas_dir() / "report.schema.yaml")


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return _strip_meta(schema_document())


_TYPE_NAMES = {
    "string": "一段文字",
    "dict": "字段集合（“名称: 内容”）",
    "list": "列表（每项以“- ”开头）",
    "integer": "整数",
    "float": "数字",
    "boolean": "true 或 false",
    "date": "日期（例如 2025-02-20）",
}


def _type_of(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 12 else value[:12] + "…"
        return f"文字“{shown}”"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "字段集合"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return "日期"
    return type(value).__name__


def _unquoted_is(value: Any, wanted: list[str]) -> bool:
    """Whether a text value would be of a wanted type if it were written without quotes."""
    if not isinstance(value, str) or not value.strip() or len(value) > 40 or "\n" in value:
        return False
    try:
        bare = yaml.safe_load(value)
    except yaml.YAMLError:
        return False
    kinds = {"date": (_dt.date,), "integer": (int,), "float": (int, float), "boolean": (bool,)}
    return any(isinstance(bare, kinds.get(w, ())) and (w == "boolean" or not isinstance(bare, bool)) for w in wanted)


# Number forms YAML 1.1 reads as some other number (load.py keeps them as text): what to write.
_NUMBER_FORMS = (
    (re.compile(r"^[-+]?[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9]*)?$"), "带冒号的写法（如 1:30）会被一些 YAML 程序读成六十进制数（90），这里不读作数字：请只写一个数"),
    (re.compile(r"^[-+]?0[0-9_]+$"), "以 0 开头的整数会被一些 YAML 程序读成八进制数（010 是 8），这里不读作数字：请去掉开头的 0"),
    (re.compile(r"^[-+]?0[xXbBoO][0-9a-fA-F_]+$"), "十六进制、二进制、八进制写法（如 0x1F）这里不读作数字：请写成十进制数"),
    (re.compile(r"^[-+]?[0-9]+_[0-9_]*(?:\.[0-9_]*)?$"), "数字中不能有下划线（1_000）；请写成 1000"),
)


def _number_hint(value: Any) -> str:
    """What to write instead of a number form YAML 1.1 would read as another number."""
    if isinstance(value, str):
        for pattern, hint in _NUMBER_FORMS:
            if pattern.match(value.strip()):
                return hint
    return ""


def _schema_at(path: FieldPath) -> Optional[dict[str, Any]]:
    """The mapping schema (allowed keys) of the dict at `path`, for did-you-mean suggestions."""
    node: Any = {"type": "dict", "schema": _schema()}
    for part in path:
        inner = node.get("schema") if isinstance(node, dict) else None
        if inner is None:
            return None
        if isinstance(part, int):
            node = inner
        else:
            node = inner.get(part) if isinstance(inner, dict) and "type" not in inner else None
            if node is None:
                return None
    inner = node.get("schema") if isinstance(node, dict) else None
    return inner if isinstance(inner, dict) and "type" not in inner else None


def _leaf_errors(errors: list[Any]) -> Iterator[Any]:
    for error in sorted(errors):  # once here, in cerberus's order (see _Validator._error)
        if error.is_group_error and error.child_errors:
            yield from _leaf_errors(error.child_errors)
        else:
            yield error


def _schema_message(error: Any, path: FieldPath) -> str:
    code = error.code
    if code == cerberus.errors.REQUIRED_FIELD.code:
        if len(path) == 1 and path[0] in part_keys():
            return "缺少必填部分；请按 examples/ 中的示例补上这一部分"
        return f"缺少必填项“{path[-1]}”；请补上"
    if code == cerberus.errors.UNKNOWN_FIELD.code:
        allowed = sorted((_schema_at(path[:-1]) or {}).keys())
        guess = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
        if guess:
            return f"不认识的字段“{path[-1]}”；是否想写“{guess[0]}”？"
        return f"不认识的字段“{path[-1]}”；这里可用的字段有：{'、'.join(allowed)}"
    if code == cerberus.errors.BAD_TYPE.code:
        wanted = error.constraint if isinstance(error.constraint, list) else [error.constraint]
        names = "或".join(_TYPE_NAMES.get(str(w), str(w)) for w in wanted)
        hint = _number_hint(error.value) if {"integer", "float"} & set(map(str, wanted)) else ""
        if hint:  # 1:30, 010, 0x1F, 1_000: read as text here (load.py), not as another number
            return f"应为{names}，实际是{_type_of(error.value)}；{hint}"
        if _unquoted_is(error.value, [str(w) for w in wanted]):
            # `date: '2025-02-20'`: the value is right, the quotes make it text.
            bare = "或".join(_TYPE_NAMES.get(str(w), str(w)).split("（")[0] for w in wanted)
            return f"应为{bare}，实际是加了引号的文字“{error.value}”；去掉引号即可"
        return f"应为{names}，实际是{_type_of(error.value)}"
    if code in (cerberus.errors.EMPTY_NOT_ALLOWED.code, cerberus.errors.NOT_NULLABLE.code):
        return "不能为空；请填写内容，或删除这一项"
    if code == cerberus.errors.MIN_LENGTH.code:
        return f"至少需要 {error.constraint} 项，请补充"
    if code in (cerberus.errors.MIN_VALUE.code, cerberus.errors.MAX_VALUE.code):
        if path == ("year",):
            return f"年度应为四位数字的年份（2000—2100），实际是 {error.value}"
        return f"数值 {error.value} 超出允许范围"
    if code == cerberus.errors.REGEX_MISMATCH.code and path[:1] == ("first_responsible",):
        return f"应为数字，或写成 \"{{{{ figures.名称 }}}}\" 引用数据，实际是{_type_of(error.value)}"
    if code == cerberus.errors.REGEX_MISMATCH.code:
        return (
            f"数据名称“{error.value}”只能用英文字母、数字和下划线，且不以数字开头"
            "（正文中写作 {{ figures.名称 }}）"
        )
    if code == cerberus.errors.UNALLOWED_VALUE.code:
        choices = "、".join(map(str, error.constraint))
        return f"“{error.value}”不是可用的值；可用的有：{choices}"
    return f"不符合要求（{error.rule}: {error.constraint}）"


_LOCAL = threading.local()

# Rules that make cerberus change the document while normalizing. The schema has none, so
# validation skips normalization (which copied the whole report and took three quarters of the
# time); a test keeps the schema free of them.
NORMALIZING_RULES = frozenset(["default", "default_setter", "coerce", "rename", "rename_handler", "purge_unknown"])


def _validator() -> _Validator:
    """The report validator, built once per thread (a validator is reusable, not thread-safe).

    The schema is the shipped, fixed one: cerberus's check of the schema itself costs tens of
    milliseconds at every start, so a test does it instead (tests/test_validate_speed.py).
    """
    validator = getattr(_LOCAL, "validator", None)
    if validator is None:
        from cerberus.schema import DefinitionSchema, UnvalidatedSchema

        schema = UnvalidatedSchema(DefinitionSchema.expand(copy.deepcopy(_schema())))
        validator = _LOCAL.validator = _Validator(schema)
    return validator


def _schema_problems(report: LoadedReport) -> list[_Found]:
    validator = _validator()
    _SCHEMA_ERRORS.leaves = []
    try:
        validator.validate(report.data, normalize=False)
        errors, more = list(_leaf_errors(validator._errors)), False
    except _TooManyErrors:
        errors, more = _SCHEMA_ERRORS.leaves[:MAX_SCHEMA_ERRORS], True  # the first made: the file's order
    finally:
        _SCHEMA_ERRORS.leaves = None
    found: list[_Found] = []
    if more:
        found.append(((), problem("yaml.schema", Place(report.path), message=(
            f"文件结构的问题超过 {MAX_SCHEMA_ERRORS} 个，只列出前 {MAX_SCHEMA_ERRORS} 个，其余未再检查；"
            "请先改正列出的问题（常见原因：缩进错了，或选错了文件）"))))
    for error in errors:
        path: FieldPath = tuple(error.document_path)
        if error.code == cerberus.errors.REGEX_MISMATCH.code and path and path[0] == "figures":
            path = ("figures", error.value)
        rule = "yaml.type" if error.code == cerberus.errors.BAD_TYPE.code else "yaml.schema"
        message = _schema_message(error, path)
        if error.code == cerberus.errors.REQUIRED_FIELD.code and len(path) == 1:
            place = Place(report.path, report.end[0], 1, path)
        else:
            place = report.place(path)
        found.append((path, problem(rule, place, message=message)))
    return found


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
_Found = tuple[FieldPath, Problem]
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


def _field_problems(report: LoadedReport) -> list[_Found]:
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


def _fact_problems(report: LoadedReport, fr: dict[str, Any]) -> list[_Found]:
    """The facts of part two: no duties and no facts at all, fields left empty (still to fill),
    a fact whose sentence the prose already has."""
    found: list[_Found] = []

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


def _stated_twice(report: LoadedReport, fr: dict[str, Any]) -> list[_Found]:
    """A given fact renders its sentence: the same sentence in the prose would say it twice."""
    found: list[_Found] = []
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


def _duty_problems(report: LoadedReport, blocks: list[Block]) -> list[Problem]:
    """check's duties.missing on the blocks as the Word file reads back, the message naming the
    field to fill. A given fact answers its duty through the sentence it renders, and only where
    a reader finds that sentence in part two (not where a number typed into a text made a new
    part of what follows): so validate says what check of the rendered file says."""
    fr = report.data["first_responsible"]
    stated = stated_in_text(fr)
    problems: list[Problem] = []
    for duty in missing_duties(blocks):
        facts = duty.get("facts") or []
        listed = [k for k in facts if k in stated]
        given = [k for k in facts if k in given_facts(fr) and k not in stated]
        present = [k for k in facts if k in fr]
        if listed:
            # A fact listed as stated in the text renders no sentence: the text must say it.
            path: FieldPath = ("first_responsible", "in_text")
            message = duty_message(duty, "yaml", stated=listed[0])
        elif given:
            # Given, yet not in part two as rendered: a --templates copy left it out, or a number
            # typed into a text made what follows a part of its own.
            path = ("first_responsible", given[0])
            message = duty_message(duty, "yaml", unprinted=given[0])
        else:
            path = ("first_responsible", present[0]) if present else ("first_responsible",)
            message = duty_message(duty, "yaml")
        problems.append(Problem(message, report.place(path), "warning", "duties.missing"))
    return problems


@lru_cache(maxsize=1)
def _prose_environment() -> Any:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment()


# -- the verdict: YAML problems, then the content rules on the rendered blocks ------------------


@dataclass
class Verdict:
    """Everything validate says of a report YAML: its problems (YAML places, file order), the
    blocks it renders to and the checker's report on them (none when it cannot be rendered)."""

    problems: list[Problem]
    blocks: list[Block] = field(default_factory=list)
    check: Optional[CheckReport] = None
    # The content was checked, but a load-level error (a duplicate key, an impossible date) keeps
    # the report from being rendered: which of two values, or what date, only the clerk can say.
    stopped: bool = False

    @property
    def renderable(self) -> bool:
        """Whether the report could be rendered (no error that stops rendering)."""
        return self.check is not None and not self.stopped

    @property
    def errors(self) -> list[Problem]:
        """The error-level problems: what must change before the report is submitted."""
        return [p for p in self.problems if p.severity == "error"]


def _inside(path: FieldPath, refused: list[FieldPath]) -> bool:
    return any(path[: len(r)] == r for r in refused)


def _yaml_problems(report: LoadedReport) -> list[Problem]:
    """Load, schema and field problems; a field refused already (or one inside it) needs no
    second message, and an error the schema gives on a value the loader could not build is the
    loader's."""
    loaded = [(_problem_path(report, p), p) for p in report.problems]
    # The loader names a field by its path alone (signature.date); say it as every other message
    # does, in Chinese first: 落款（signature.date）.
    out = [replace(p, place=replace(p.place, label="")) if path else p for path, p in loaded]
    refused = [path for path, _ in loaded]
    schema = _schema_problems(report)
    out += [found for path, found in schema if not _inside(path, refused)]
    refused += [path for path, _ in schema]
    for path, found in _field_problems(report):
        if found.severity != "error" or not _inside(path, refused):
            out.append(found)
    return out


def _problem_path(report: LoadedReport, found: Problem) -> FieldPath:
    """The field a loader's problem is about (its place carries the path)."""
    return found.place.path


def _source_of(blocks: list[Block], line: Optional[int], rule: str = "") -> FieldPath:
    """The YAML field of the block a finding names; a finding about a whole part (its duties,
    its coverage) is placed at the part, not at the field its heading came from."""
    source: FieldPath = blocks[line - 1].source if line else ()
    if rule_spec(rule).get("place") == "part" and source:
        return (source[2],) if source[:2] == ("layout", "headings") and len(source) > 2 else source[:1]
    return source


_QUOTED = re.compile(r"“([^“”]{2,})”")


def _narrowed(report: LoadedReport, source: FieldPath, message: str) -> FieldPath:
    """A run-in paragraph comes from an entry's heading and text together: the finding is placed
    at the one of them that holds what its message quotes (“【待填】”, “管理,提升”)."""
    node: Any = report.data
    for key in source:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return source
    if not isinstance(node, dict):
        return source
    quoted = _QUOTED.findall(message)
    for path, text in iter_strings(node, source):
        if any(q in text for q in quoted):
            return path
    return source


def _finding_problem(report: LoadedReport, blocks: list[Block], finding: Finding) -> Problem:
    """A finding on a rendered block, placed at the YAML field that block came from."""
    source = _source_of(blocks, finding.line, finding.rule)
    if rule_spec(finding.rule).get("place") != "part":
        source = _narrowed(report, source, finding.message)
    place = report.place(source) if source else Place(report.path)
    return Problem(finding.message, place, finding.severity, finding.rule)


def _content(result: Verdict, report: LoadedReport, blocks: list[Block], ignore: Iterable[str],
             left_out: Iterable[FieldPath] = ()) -> list[Problem]:
    """check's rules on the rendered blocks, each finding placed at its YAML field; duties.missing
    as the YAML's facts answer it (_duty_problems). A rule that finds something absent (no
    成文日期) says nothing where the value was written but `left_out` (the loader refused it)."""
    # The blocks as the Word file reads back (reread: each block's line is its place in `blocks`),
    # so that validate says what check of that file will say.
    read = reread(blocks)
    result.check = check_blocks(read, source=report.path, ignore=ignore)
    refused = list(left_out)

    def said_already(finding: Finding) -> bool:
        source = _source_of(blocks, finding.line, finding.rule)
        return bool(source) and bool(rule_spec(finding.rule).get("absent")) and any(
            path[: len(source)] == source for path in refused)

    found = [_finding_problem(report, blocks, f) for f in result.check.findings
             if f.rule != "duties.missing" and not said_already(f)]
    if not ignored("duties.missing", ignore):
        found += _duty_problems(report, read)
    # An empty fact whose duty is reported missing needs no second line at the same place.
    missing = {p.place.path for p in found if p.rule == "duties.missing"}
    kept = [p for p in result.problems if not (p.rule == "fact-empty" and p.place.path in missing)]
    return kept + found


def _refused_values(report: LoadedReport) -> list[FieldPath]:
    """The fields whose value the loader could not build (2025-02-30) and left out as None."""
    out = []
    for found in report.problems:
        path = _problem_path(report, found) if found.rule == "yaml.bad_value" else ()
        if path and _value_at(report.data, path, _ABSENT) is None:
            out.append(path)
    return out


_ABSENT = object()  # a path that leads nowhere (not a value left out as None)


def _value_at(data: Any, path: FieldPath, default: Any) -> Any:
    """The value at a field path, or `default` where the path leads nowhere."""
    node = data
    for key in path:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            return default
    return node


def _without_refused(report: LoadedReport) -> Optional[LoadedReport]:
    """The report as loaded with the values the loader refused taken out, for the content rules;
    None when that leaves it with a schema error (a required field was the refused one) or a
    refused value was an item of a list (taking it out would renumber the items after it)."""
    data = copy.deepcopy(report.data)
    for path in _refused_values(report):
        parent: Any = data
        for key in path[:-1]:
            parent = parent[key]
        if not isinstance(parent, dict):
            return None
        del parent[path[-1]]
    checked = replace(report, data=data, problems=[])
    return None if _schema_problems(checked) else checked


def verdict(report: LoadedReport, *, ignore: Iterable[str] = (), templates: Optional[Union[str, Path]] = None,
            content: bool = True) -> Verdict:
    """validate's whole verdict on a loaded report. The content rules are check's, run on the
    blocks the report renders to (with `templates`, as render would), so validate and check say
    the same of a YAML and of the Word file made from it. `content=False` stops after the YAML."""
    problems = [p for p in _yaml_problems(report) if not ignored(p.rule, ignore)]
    notes = [replace(p, rule="yaml.encoding") for p in report.warnings]  # how the file was saved
    result = Verdict([p for p in notes if not ignored(p.rule, ignore)] + problems)
    stopping = [p for p in problems if p.severity == "error" and stops_render(p.rule)]
    # Only a duplicate key or a value YAML cannot build: the content is still checked, on the
    # report as loaded (the later of two keys, the refused value left out), so that one run shows
    # every problem; the report is still not rendered.
    checked = _without_refused(report) if stopping and all(
        rule_spec(p.rule).get("content") == "checked" for p in stopping) else (None if stopping else report)
    if content and checked is None:
        # Said, so that a clerk who fixes these is not surprised by what the next run finds.
        result.problems.append(problem("yaml.unchecked", Place(report.path)))
    elif content and checked is not None:
        try:
            blocks = render_report(checked, templates=templates)
        except AuthoringError as exc:  # a template failure: named by its template, or by the field
            result.problems += [replace(p, rule=p.rule or "yaml.template") for p in exc.problems]
        else:
            result.blocks = blocks
            result.problems = _content(result, checked, blocks, ignore, _refused_values(report))
            if stopping:
                result.stopped = True
                result.problems.append(problem("yaml.partly_checked", Place(report.path)))
    result.problems.sort(key=lambda p: (p.rule in ("yaml.unchecked", "yaml.partly_checked"), p.place.line or 0,
                                        p.place.column or 0))
    return result


def validate_report(report: LoadedReport, *, ignore: Iterable[str] = (),
                    templates: Optional[Union[str, Path]] = None, content: bool = True) -> list[Problem]:
    """All problems of a loaded report — the YAML's and the rendered report's — in file order."""
    return verdict(report, ignore=ignore, templates=templates, content=content).problems


def check_yaml(report: LoadedReport, *, ignore: Iterable[str] = ()) -> CheckReport:
    """`authoring check` of a report YAML: the verdict as a checker's report, its findings and
    the lines of its parts in the YAML's own lines (what validate prints)."""
    found = verdict(report, ignore=ignore)
    out = found.check or CheckReport(report.path)
    numbered = found.blocks
    out.file, out.kind, out.unit = report.path, "yaml", "line"
    out.parts.spans = [replace(s, line=_yaml_line(report, numbered, s.line)) for s in out.parts.spans]
    out.findings = [_as_finding(p) for p in found.problems]
    return out


def _yaml_line(report: LoadedReport, blocks: list[Block], line: Optional[int]) -> Optional[int]:
    source = _source_of(blocks, line)
    return report.place(source).line if source else None


def _as_finding(found: Problem) -> Finding:
    spec = rule_spec(found.rule)
    return Finding(found.rule, found.severity, spec.get("category", "yaml"), found.message, found.place.line,
                   found.place.field)
