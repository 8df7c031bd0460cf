"""validate's first half: the report's structure against the cerberus schema
(schemas/report.schema.yaml), each error worded for a clerk at its YAML field."""
from __future__ import annotations

import copy
import datetime as _dt
import difflib
import re
import sys
import threading
import types
from functools import lru_cache
from collections.abc import Iterable, Mapping, Sequence, Sized
from typing import Any, Callable, Iterator, Optional

from authoring.domain import FieldPath, part_keys
from authoring.errors import Place, Problem
from authoring.load import LoadedReport
from authoring.resources import load_yaml_file, schemas_dir
from authoring.rules import problem


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


Found = tuple[FieldPath, Problem]  # a problem with the field path it is about

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
            return "缺少必填部分；每份报告都必须有这一部分，请补上"
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


# -- a report that passes, told without cerberus -------------------------------------------------
#
# A valid report gets no error from the schema, and cerberus took a fifth of a warm render to say
# so (a child validator for every mapping and list, each rule looked up by name). The schema's
# rules are compiled once into plain checks that pass only what cerberus passes: every rule is
# checked in full (where cerberus stops at the first failed rule of a field, a check here just
# fails), so a document either passes both, or goes to cerberus, whose errors are the messages.
# A rule this compiler does not know turns the quick check off (tests/test_validate_speed.py
# pins that the shipped schema compiles, and that the two agree on every example and bad input).

Check = Callable[[Any], bool]

# cerberus's TypeDefinitions of the names the schema uses, with _Validator's integer and float
# (pinned to _Validator.types_mapping by a test): (included types, excluded types).
_TYPES: dict[str, tuple[tuple[type, ...], tuple[type, ...]]] = {
    "boolean": ((bool,), ()),
    "date": ((_dt.date,), ()),
    "dict": ((Mapping,), ()),
    "float": ((float, int), (bool,)),
    "integer": ((int,), (bool,)),
    "list": ((Sequence,), (str,)),
    "string": ((str,), ()),
}


class _Unknown(Exception):
    """A rule (or a form of one) the quick check does not know: cerberus decides every time."""


def _type_check(names: Any) -> Check:
    kinds = [_TYPES[n] for n in ([names] if isinstance(names, str) else names)]  # KeyError: unknown
    known: dict[type, bool] = {}  # isinstance of these classes and ABCs depends on the type alone

    def check(value: Any) -> bool:
        kind = type(value)
        found = known.get(kind)
        if found is None:
            found = known[kind] = any(isinstance(value, inc) and not isinstance(value, exc) for inc, exc in kinds)
        return found
    return check


_SHAPES: dict[type, str] = {}


def _shape(value: Any) -> str:
    """"list" for a sequence but text, "dict" for a mapping, else "": as cerberus's `schema` rule
    tells them apart (by the type alone, so kept per type)."""
    kind = type(value)
    shape = _SHAPES.get(kind)
    if shape is None:
        shape = _SHAPES[kind] = ("list" if isinstance(value, Sequence) and not isinstance(value, str)
                                 else "dict" if isinstance(value, Mapping) else "")
    return shape


def _bound(limit: Any, above: bool) -> Check:
    def check(value: Any) -> bool:
        try:  # as cerberus's _validate_min/_validate_max: values that do not compare pass
            return not (value > limit if above else value < limit)
        except TypeError:
            return True
    return check


def _allowed(choices: list[Any]) -> Check:
    def check(value: Any) -> bool:
        if isinstance(value, Iterable) and not isinstance(value, str):
            return all(x in choices for x in value)
        return value in choices
    return check


def _regex(pattern: str) -> Check:
    compiled = re.compile(pattern if pattern.endswith("$") else pattern + "$")
    return lambda v: not isinstance(v, str) or compiled.match(v) is not None


def _nested(inner: Any) -> Check:
    """The `schema` rule: a mapping's fields, or the rules of each item of a list."""
    if not isinstance(inner, dict):
        raise _Unknown("schema")
    fields = _mapping_check(inner) if "type" not in inner else None
    items = _rules_check(inner) if fields is None else None

    def check(value: Any) -> bool:
        shape = _shape(value)
        if shape == "list":
            if items is None:
                return False
            for item in value:
                if not items(item):
                    return False
            return True
        if shape == "dict":
            return fields is not None and fields(value)
        return True
    return check


def _each(rules: dict[str, Any], of_keys: bool) -> Check:
    inner = _rules_check(rules)
    if of_keys:
        return lambda v: not isinstance(v, Mapping) or all(inner(k) for k in v)
    return lambda v: not isinstance(v, Mapping) or all(inner(x) for x in v.values())


def _rule_check(rule: str, value: Any, rules: dict[str, Any]) -> Optional[Check]:
    """One rule as a check (None: nothing to check for it here)."""
    if rule in ("required", "nullable"):
        return None  # checked by the mapping, and before every other rule
    if rule == "type":
        return _type_check(value)
    if rule == "empty":
        return None if value else (lambda v: not (isinstance(v, Sized) and len(v) == 0))
    if rule == "minlength":
        return lambda v: not (isinstance(v, Iterable) and len(v) < value)  # type: ignore[arg-type]
    if rule in ("min", "max"):
        return _bound(value, rule == "max")
    if rule == "allowed":
        return _allowed(value)
    if rule == "regex":
        return _regex(value)
    if rule == "schema":
        return _nested(value)
    if rule in ("keysrules", "valuesrules"):
        return _each(value, rule == "keysrules")
    raise _Unknown(rule)


def _rules_check(rules: dict[str, Any]) -> Check:
    """The rules of one field (cerberus's nullable first: None passes only where it may)."""
    checks = [c for c in (_rule_check(r, v, rules) for r, v in rules.items()) if c is not None]
    nullable = bool(rules.get("nullable", False))

    def check(value: Any) -> bool:
        if value is None:
            return nullable
        for one in checks:
            if not one(value):
                return False
        return True
    return check


def _mapping_check(schema: dict[str, Any]) -> Check:
    """A mapping's fields: every key known, every required one there (None counts as there, as
    cerberus counts it), each value passing its rules."""
    fields = {name: _rules_check(rules) for name, rules in schema.items()}
    required = [name for name, rules in schema.items() if rules.get("required") is True]

    def check(value: Any) -> bool:
        for key, item in value.items():
            field = fields.get(key)
            if field is None or not field(item):
                return False
        return all(name in value for name in required)
    return check


@lru_cache(maxsize=1)
def quick_check() -> Optional[Check]:
    """The schema compiled into one check of a whole report, or None where it holds a rule the
    compiler does not know."""
    try:
        return _mapping_check(_schema())
    except (_Unknown, AttributeError, KeyError, TypeError, re.error):
        return None


def passes_schema(data: Any) -> bool:
    """True only when cerberus would find no structural error in `data` (False: ask cerberus)."""
    check = quick_check()
    return check is not None and isinstance(data, dict) and check(data)


def schema_problems(report: LoadedReport) -> list[Found]:
    if passes_schema(report.data):
        return []
    validator = _validator()
    _SCHEMA_ERRORS.leaves = []
    try:
        validator.validate(report.data, normalize=False)
        errors, more = list(_leaf_errors(validator._errors)), False
    except _TooManyErrors:
        errors, more = _SCHEMA_ERRORS.leaves[:MAX_SCHEMA_ERRORS], True  # the first made: the file's order
    finally:
        _SCHEMA_ERRORS.leaves = None
    found: list[Found] = []
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
