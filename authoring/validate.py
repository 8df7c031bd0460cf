"""Step 2, validate: the cerberus schema plus content rules → every problem at once."""
from __future__ import annotations

import copy
import datetime as _dt
import difflib
import math
import re
import sys
import threading
import types
from functools import lru_cache
from typing import Any, Iterator, Optional


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

from authoring.errors import Place, Problem
from authoring.duties import (
    duties_given, duty_specs, fact_fields, fact_keys, fact_label, fact_patterns, given_facts, is_given,
    stated_in_text,
)
from authoring.load import FieldPath, LoadedReport, format_path
from authoring.resources import load_data, load_yaml_file, schemas_dir

PART_KEYS = ("achievements", "first_responsible", "shortcomings", "plans", "other")

# Characters Word cannot hold in document.xml: C0 controls other than tab/newline, and lone
# surrogates (which Python strings can carry after a lossy decode).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FIGURE_REF = re.compile(r"figures\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


class _Validator(cerberus.Validator):
    # YAML's `true` is a bool, and bool is an int to Python: a year of `true` must not pass.
    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["integer"] = cerberus.TypeDefinition("integer", (int,), (bool,))
    types_mapping["float"] = cerberus.TypeDefinition("float", (float, int), (bool,))


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


def _labels() -> dict[str, str]:
    labels = {p["key"]: p["label"] for p in load_data("parts.yaml")["parts"]}
    labels.update(load_data("fields.yaml")["fields"])
    return labels


def field_label(path: FieldPath) -> str:
    """How a message names a field: `第一责任人（first_responsible.duties[2]）`."""
    if not path:
        return ""
    label = _labels().get(str(path[0]))
    return f"{label}（{format_path(path)}）" if label else format_path(path)


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
    for error in errors:
        if error.is_group_error and error.child_errors:
            yield from _leaf_errors(error.child_errors)
        else:
            yield error


def _schema_message(error: Any, path: FieldPath) -> str:
    code = error.code
    if code == cerberus.errors.REQUIRED_FIELD.code:
        if len(path) == 1 and path[0] in PART_KEYS:
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


def _schema_problems(report: LoadedReport) -> list[Problem]:
    validator = _validator()
    validator.validate(report.data, normalize=False)
    problems: list[Problem] = []
    for error in _leaf_errors(validator._errors):
        path: FieldPath = tuple(error.document_path)
        if error.code == cerberus.errors.REGEX_MISMATCH.code and path and path[0] == "figures":
            path = ("figures", error.value)
        message = _schema_message(error, path)
        if error.code == cerberus.errors.REQUIRED_FIELD.code and len(path) == 1:
            place = Place(report.path, report.end[0], 1, field_label(path))
        else:
            place = report.place(path, field_label(path))
        problems.append(Problem(message, place, "error", f"schema-{error.rule or 'unknown'}"))
    return problems


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


def _placeholder_pattern() -> re.Pattern[str]:
    return re.compile("|".join(load_data("placeholders.yaml")["placeholders"]))


def _content_problems(report: LoadedReport) -> list[Problem]:
    data = report.data
    problems: list[Problem] = []

    def add(path: FieldPath, message: str, severity: str, rule: str) -> None:
        problems.append(Problem(message, report.place(path, field_label(path)), severity, rule))

    # Entries of the parts: a dict entry must say something.
    for key in ("achievements", "shortcomings", "plans", "other"):
        entries = data.get(key)
        if isinstance(entries, list):
            for i, entry in enumerate(entries):
                if isinstance(entry, dict) and not any(entry.get(k) for k in ("text", "items", "points", "table")):
                    add((key, i), "这一项只有标题，没有内容；请填写 text（正文）或 items（分项）", "error", "entry-empty")
    fr = data.get("first_responsible")
    if isinstance(fr, dict) and isinstance(fr.get("duties"), list):
        for i, entry in enumerate(fr["duties"]):
            if isinstance(entry, dict) and not any(entry.get(k) for k in ("text", "items", "points", "table", "facts")):
                add(("first_responsible", "duties", i), "这一项只有标题，没有内容；请填写 text（正文）", "error", "entry-empty")
    if isinstance(fr, dict):
        problems += _fact_problems(report, fr)
        if "duties" not in fr and not given_facts(fr):
            add(("first_responsible", "duties"),
                "缺少必填项“duties”；请补上履职情况，或填写 leading_group、meetings 等履职事实（见 docs/yaml-format.md）",
                "error", "schema-required")
        own = fr.get("text")
        if isinstance(own, str) and "第一责任人" not in own:
            add(("first_responsible", "text"),
                "开头段没有写明“第一责任人”职责；督察规定要求报告主要负责人履行推进法治建设第一责任人职责的情况，"
                "可删去 text 使用默认表述", "warning", "first-responsible-language")

    # Figures: references, definitions, values still to fill.
    given = data.get("figures")
    figures: dict[str, Any] = given if isinstance(given, dict) else {}
    used: set[str] = set()
    pattern = _placeholder_pattern()
    from jinja2 import TemplateSyntaxError  # the prose syntax check only needs the parser

    env = _prose_environment()
    for path, text in iter_strings(data):
        bad = _BAD_CHARS.search(text)
        if bad:  # layout too: a font name or heading with U+0001 reached the writer (lxml ValueError)
            code = f"U+{ord(bad.group()):04X}"
            add(path, f"含有 Word 无法保存的字符（{code}，第 {bad.start() + 1} 个字）；请删除这个字符", "error", "bad-char")
            continue
        if path and path[0] == "layout":
            continue
        for expr in _JINJA.findall(text):
            for match in _FIGURE_REF.finditer(expr):
                name = match.group(1) or match.group(2)
                used.add(name)
                if name not in figures:
                    near = difflib.get_close_matches(name, [str(k) for k in figures], n=1)
                    hint = f"是否想写“{near[0]}”？" if near else "请在 figures 中定义它，或改正名称"
                    add(path, f"引用了未定义的数据 figures.{name}；{hint}", "error", "figure-undefined")
        if "{{" in text or "{%" in text:
            try:
                env.parse(text)
            except TemplateSyntaxError as exc:
                add(path, f"模板语法错误：{exc.message}；引用数据请写成 {{{{ figures.名称 }}}}", "error", "prose-syntax")
        found = pattern.search(_JINJA.sub("", text))
        if found:
            add(path, f"还有待填的占位内容“{found.group()}”；提交前请替换为实际内容", "warning", "placeholder")
    for name, value in figures.items():
        if name not in used:
            add(("figures", name), f"数据 {name} 已定义但正文中没有引用；不需要可删除", "warning", "figure-unused")
        if value is None:
            add(("figures", name), f"数据 {name} 待填：请填写本年度的数字", "warning", "figure-empty")
        elif isinstance(value, float) and not math.isfinite(value):
            # YAML's .nan / .inf are floats to the schema, but no report can print them.
            add(("figures", name), f"数据 {name} 的值 {value} 不是实际的数字；请填写本年度的数字", "error", "figure-not-finite")

    # Signature date against the reporting window (报送 by 1 March, 公开 by 1 April of year+1).
    sig = data.get("signature")
    year = data.get("year")
    if isinstance(sig, dict) and isinstance(sig.get("date"), _dt.date) and isinstance(year, int) and not isinstance(year, bool) and 2000 <= year <= 2100:
        date = sig["date"]
        if isinstance(date, _dt.datetime):
            date = date.date()
        if date.year < year:
            add(("signature", "date"), f"成文日期 {date.isoformat()} 早于报告年度（{year}年）；请核对日期或年度", "warning", "date-window")
        elif date > _dt.date(year + 1, 4, 1):
            add(("signature", "date"), f"成文日期 {date.isoformat()} 晚于{year + 1}年4月1日（公开期限）；请核对日期或年度", "warning", "date-window")
        elif date > _dt.date(year + 1, 3, 1):
            add(("signature", "date"), f"成文日期 {date.isoformat()} 晚于{year + 1}年3月1日（报送期限）；请核对", "warning", "date-window")

    # Layout: the order decides which parts appear; a required part left out would vanish.
    layout = data.get("layout")
    if isinstance(layout, dict) and isinstance(layout.get("order"), list):
        order = [k for k in layout["order"] if isinstance(k, str)]
        for key in sorted({k for k in order if order.count(k) > 1}):
            add(("layout", "order"), f"部分“{key}”在顺序中出现了不止一次", "error", "layout-order")
        for part in load_data("parts.yaml")["parts"]:
            if part["key"] not in order and (part["required"] or data.get(part["key"])):
                add(("layout", "order"), f"顺序中缺少“{part['key']}”（{part['label']}），这一部分将不会出现在报告中；请补上", "error", "layout-order")
    return problems


@lru_cache(maxsize=1)
def _prose_environment() -> Any:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment()


def _inner_path(label: str) -> str:
    # `第一责任人（first_responsible.duties[1]）` → `first_responsible.duties[1]`
    return label[label.find("（") + 1 : -1] if label.endswith("）") else label


def validate_report(report: LoadedReport, *, render: bool = True) -> list[Problem]:
    """All problems of a loaded report, errors and warnings, in file order.

    With `render` (the default) a report without errors is also rendered, and the content rules
    that `check` runs on any document run on its blocks (see review_report)."""
    return review_report(report, render=render)[0]


def review_report(report: LoadedReport, *, render: bool = True, templates: Any = None) -> tuple[list[Problem], list[Any]]:
    """Validate a report; when it has no error, render it (with `templates`) and run the content
    rules on its blocks as `check` runs them on any document, so that a YAML and the Word file
    made from it get the same findings. Returns the problems and the blocks (empty when not
    rendered), so that rendering happens once."""
    problems = list(report.warnings) + _schema_problems(report)
    refused = [_inner_path(p.place.field) for p in problems if p.place.field]
    for problem in _content_problems(report):
        # A field the schema already refused (or one inside it) needs no second message.
        inner = _inner_path(problem.place.field)
        if problem.severity == "warning" or not any(r == inner or r.startswith(inner + ".") for r in refused):
            problems.append(problem)
    blocks: list[Any] = []
    if render and not any(p.severity == "error" for p in problems):
        from authoring.errors import AuthoringError
        from authoring.render import render_report

        try:
            blocks = render_report(report, templates=templates)
        except AuthoringError as error:  # what render would stop on: an error of validation too
            problems += error.problems
        else:
            problems += _block_problems(report, blocks)
            # An empty fact whose duty is reported missing needs no second line at the same place.
            missing = {p.place.field for p in problems if p.rule == "duties.missing"}
            problems = [p for p in problems if not (p.rule == "fact-empty" and p.place.field in missing)]
    problems.sort(key=lambda p: (p.place.line or 0, p.place.column or 0))
    return problems, blocks


def _block_problems(report: LoadedReport, blocks: list[Any]) -> list[Problem]:
    """The content rules on the rendered blocks, placed at the YAML field to change."""
    from authoring.check import duty_message, missing_duties

    fr = report.data["first_responsible"]
    problems: list[Problem] = []
    for duty in missing_duties(blocks, duties_given(fr)):
        present = [k for k in duty.get("facts") or [] if k in fr]
        path: FieldPath = ("first_responsible", present[0]) if present else ("first_responsible",)
        problems.append(Problem(duty_message(duty, "yaml"), report.place(path, field_label(path)),
                                "warning", "duties.missing"))
    # A fact listed as stated in the text renders no sentence: the text must then say it.
    stated = stated_in_text(fr)
    if stated:
        from authoring.blocks import block_text
        from authoring.check import duties_covered

        covered = duties_covered("\n".join(block_text(b) for b in blocks))
        for key in stated:
            duties = [d for d in duty_specs() if key in (d.get("facts") or [])]
            if duties and not covered[duties[0]["id"]]:
                duty = duties[0]
                path = ("first_responsible", "in_text")
                problems.append(Problem(
                    f"{key}（{fact_label(key)}）列为已在正文中写明，但正文中没有找到有关{duty['name']}的表述，"
                    f"报告中不会出现这一事实；请在正文中写明，或从 in_text 中删去 {key}",
                    report.place(path, field_label(path)), "warning", "fact-not-in-text"))
    return problems


def _fact_problems(report: LoadedReport, fr: dict[str, Any]) -> list[Problem]:
    """The facts of part two: fields left empty (still to fill), in_text naming no given fact."""
    problems: list[Problem] = []

    def add(path: FieldPath, message: str, rule: str) -> None:
        problems.append(Problem(message, report.place(path, field_label(path)), "warning", rule))

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
    # A given fact renders its sentence: the same sentence in the prose would say it twice.
    stated = set(stated_in_text(fr))
    for key in given_facts(fr):
        if key in stated:
            continue
        for pattern in (p for p in fact_patterns() if p.key == key):
            hit = next(((path, m) for path, text in _prose_strings(report.data, pattern.parts)
                        if (m := pattern.regex.search(text))), None)
            if hit is not None:
                path, match = hit
                add(path, f"已写有“{match.group(0)[:40]}”，与 first_responsible.{key}（{fact_label(key)}）"
                          f"生成的句子重复；请删去其中一处，或把 {key} 列入 first_responsible.in_text", "fact-stated-twice")
                break
    return problems


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
