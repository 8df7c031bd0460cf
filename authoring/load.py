"""Step 1, load: report YAML (bytes or text) → plain data, with the line and column of every field."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from authoring.decode import decode_text
from authoring.domain import FieldPath, format_path
from authoring.errors import AuthoringError, InputError, Place, Problem
from authoring.load_events import build_from_events

# A report YAML is ~30 KB; anything far larger is a mistake (or an attack), and refusing it early
# keeps memory and time bounded.
MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40



@dataclass
class LoadedReport:
    """A parsed report: its data, where each field stands, and what was noticed on the way."""

    path: str
    data: dict[str, Any]
    positions: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    end: tuple[int, int] = (1, 1)
    encoding: str = "utf-8"
    warnings: list[Problem] = field(default_factory=list)
    # Errors found while loading that did not stop it (a duplicate key: the later value is kept, as
    # YAML keeps it; an impossible date: the value is left out, as None), so that validate can
    # report them with every other problem at once.
    problems: list[Problem] = field(default_factory=list)

    def place(self, path: FieldPath, label: str = "") -> Place:
        """The place of a field (its line and column, or its nearest existing parent's)."""
        probe = tuple(path)
        while probe and probe not in self.positions:
            probe = probe[:-1]
        line, col = self.positions.get(probe, self.end) if probe else self.end
        return Place(self.path, line, col, tuple(path), label)


# Numbers as a clerk writes them, and nothing else. YAML 1.1 (PyYAML's default) also reads
# `1:30` as 90 (base 60), `010` as 8 (octal), `0x1F` as 31, `0b11` as 3 and `1_000` as 1000,
# silently; here those stay text, which validation refuses where a number belongs (saying why).
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")
_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


def _number_resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    resolvers = {first: [(tag, rx) for tag, rx in found if tag not in (_INT_TAG, _FLOAT_TAG)]
                 for first, found in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    for first in "-+0123456789.":
        resolvers.setdefault(first, [])
        resolvers[first] = [(_INT_TAG, _INT), (_FLOAT_TAG, _FLOAT)] + resolvers[first]
    return resolvers


class _Loader(yaml.SafeLoader):
    """A SafeLoader that refuses aliases: a clerk never needs them, and they are how an
    alias bomb ('billion laughs') turns a small file into an enormous tree. Numbers are
    decimal only (see _INT, _FLOAT)."""

    yaml_implicit_resolvers = _number_resolvers()

    def construct_yaml_int(self, node: Any) -> int:
        # `!!int 010` too: only the decimal form is a number.
        value = str(self.construct_scalar(node))
        if not _INT.match(value):
            raise ValueError(value)
        return int(value)

    def construct_yaml_float(self, node: Any) -> float:
        value = str(self.construct_scalar(node))
        if not (_FLOAT.match(value) or _INT.match(value)):
            raise ValueError(value)
        return float(SafeConstructor.construct_yaml_float(self, node))

    def compose_node(self, parent: Optional[Node], index: Any) -> Optional[Node]:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasRefused(event.start_mark)
        # PyYAML composes recursively: stop [[[[…]]]] at a fixed depth (where the node starts),
        # not wherever Python's stack happens to run out.
        self.depth = getattr(self, "depth", 0) + 1
        try:
            if self.depth > 2 * MAX_DEPTH + 10:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self.depth -= 1


_Loader.add_constructor(_INT_TAG, _Loader.construct_yaml_int)
_Loader.add_constructor(_FLOAT_TAG, _Loader.construct_yaml_float)


class _AliasRefused(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__("alias")
        self.mark = mark


class _TooDeep(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__("depth")
        self.mark = mark


def _libyaml_parser() -> Any:
    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML built without libyaml
        return None
    return CParser


_CParser: Any = _libyaml_parser()


class _FastLoader(_Loader):
    """_Loader (its resolver and constructor) reading events from libyaml's parser, which is ten
    times faster than PyYAML's own. libyaml keeps its stack on the heap, and the data is built in
    Python (load_events.py) with the depth and alias guards, so [[[[…]]]] cannot crash it."""

    def __init__(self, text: str) -> None:  # noqa: D107 — no Reader/Scanner/Parser state needed
        self._events: Any = _CParser(text)
        # libyaml's own methods answer, not a Python method around each.
        self.check_event = self._events.check_event  # type: ignore[method-assign]
        self.peek_event = self._events.peek_event  # type: ignore[method-assign]
        self.get_event = self._events.get_event  # type: ignore[method-assign]
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def dispose(self) -> None:
        for name in ("check_event", "peek_event", "get_event"):
            self.__dict__.pop(name, None)
        self._events = None


# Where libyaml and PyYAML disagree (found by fuzzing, tests/test_load_speed.py): tabs, CR and
# Unicode line breaks, BOMs inside the text, ASCII `?` and `!` (flow keys, bare tags), `>#`, and a
# last line without a newline (the end mark). Chinese prose uses the full-width ？ and ！ anyway.
# As a pattern: [\t\r\ufeff\x85\u2028\u2029?!]|[|>][-+0-9]*# (tests/test_load_speed.py keeps it), found
# without the regex engine, which took a quarter of loading a large report to find nothing.
_DIFFERING_CHARACTERS = "\t\r\ufeff\x85\u2028\u2029?!"


def _libyaml_differs(text: str) -> bool:
    """Whether `text` holds something libyaml and PyYAML read differently (see above)."""
    if any(c in text for c in _DIFFERING_CHARACTERS):
        return True
    at = text.find("#")
    while at >= 0:
        start = at
        while start > 0 and text[start - 1] in "-+0123456789":
            start -= 1
        if start > 0 and text[start - 1] in "|>":
            return True
        at = text.find("#", at + 1)
    return False


def _parse_fast(text: str, file: str) -> Optional[tuple[Any, dict[FieldPath, tuple[int, int]], tuple[int, int], list[Problem]]]:
    """parse_yaml's result through libyaml for a file that loads cleanly, else None.

    Anything unusual (an error, a duplicate key, text where the two parsers differ) returns None,
    and parse_yaml reads the file again with PyYAML's parser: every message comes from one parser.
    """
    if _CParser is None or not text.endswith("\n") or _libyaml_differs(text):
        return None
    loader = None
    try:
        loader = _FastLoader(text)
        built = build_from_events(loader, MAX_DEPTH)
    except Exception:  # noqa: BLE001 — any trouble: PyYAML's parser finds it and words it
        return None
    finally:
        if loader is not None:
            loader.dispose()
    return None if built is None else (*built, [])


_YAML_PROBLEMS = {
    # PyYAML's English problems → what a clerk should do about them.
    "found character '\\t' that cannot start any token": "这里有制表符（Tab）；YAML 只能用空格缩进，请把 Tab 换成空格",
    "found a tab character where an indentation space is expected": "这里有制表符（Tab）；YAML 只能用空格缩进，请把 Tab 换成空格",
    "found a tab character that violates indentation": "这里有制表符（Tab）；YAML 只能用空格缩进，请把 Tab 换成空格",
    "found unexpected end of stream": "引号没有闭合：请检查这一行开始的引号是否成对",
    "mapping values are not allowed here": "这里不能出现“: ”；若文字中含有英文冒号，请给整段文字加上引号，或改用中文冒号“：”；"
    "也可能是这一行的缩进不对，或上一行缺少“: ”",
    "could not find expected ':'": "缺少“: ”，或上一行的引号没有闭合；每个字段应写成“名称: 内容”（英文冒号加空格，不能用中文冒号“：”）",
    "but found another document": "出现了第二个“---”：一个文件只能写一份报告；请删除“---”及其后多余的内容",
    "expected ',' or ']'": "方括号“[ ]”没有闭合，或其中的文字含有“: ”；请检查括号是否成对，或给这段文字加上引号",
    "expected ',' or '}'": "花括号“{ }”没有闭合，或其中的文字含有“: ”；请检查括号是否成对，或给这段文字加上引号",
    "found unexpected document separator": "文字中间出现了“---”或“...”；请给这段文字加上引号",
    "found undefined alias": "不支持 YAML 别名（*名称）",
    "found unknown escape character": "双引号内有无法识别的转义符（反斜杠 \\）；请改用单引号，或把 \\ 写成 \\\\",
    "expected <block end>, but found '-'": "列表项“- ”的缩进与上一项不一致，请对齐",
    "expected <block end>, but found '<block mapping start>'": "缩进不一致：请检查这一行与上一行的空格数",
    "expected <block end>, but found '<scalar>'": "缩进不一致，或上一行的引号没有闭合",
    "expected <block end>, but found '<block sequence start>'": "缩进不一致：列表项应与同级字段对齐",
    "found character '@' that cannot start any token": "“@”不能作为内容的开头；请给这段文字加上引号",
    "found character '`' that cannot start any token": "“`”不能作为内容的开头；请给这段文字加上引号",
    "found character '%' that cannot start any token": "“%”不能作为内容的开头；请给这段文字加上引号",
    "found character": "这个字符不能作为内容的开头；请给这段文字加上引号",
    "expected <block end>": "缩进不一致：请检查这一行与上一行的空格数",
    "expected the node content": "这里缺少内容，或有多余的符号（如“&”“*”“!”“|”“>”）；请给这段文字加上引号",
    "expected <document start>": "这一行的缩进或符号不对；文件的最外层应是“名称: 内容”的形式",
    "sequence entries are not allowed here": "这里不能出现列表项“- ”；请检查缩进，或给以“- ”开头的文字加上引号",
    "mapping keys are not allowed here": "这里不能出现“? ”；请给这段文字加上引号",
    "found duplicate anchor": "不支持锚点和别名（&名称 / *名称）；请把要重复的内容直接写出来",
    "expected escape sequence": "双引号内的转义符（\\x、\\u、\\U）后的十六进制数字不对；请改用单引号，或把 \\ 写成 \\\\",
}


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "").strip()
    for english, chinese in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return f"YAML 格式错误：{chinese}"
    if problem.startswith("found unacceptable character") or "special characters are not allowed" in problem:
        return "YAML 格式错误：文件中有不可见的控制字符，Word 也无法容纳；请删除这一处的特殊字符"
    if problem.startswith("while scanning a quoted scalar") or "quoted scalar" in (exc.context or ""):
        return "YAML 格式错误：引号没有闭合：请检查这一处开始的引号是否成对"
    if problem.startswith("while scanning"):  # e.g. a block scalar (| >) or a tag (!) that is not finished
        return "YAML 格式错误：以“|”“>”“!”“&”或“%”开头的内容写得不完整；请给这段文字加上引号"
    # Whatever PyYAML says in English, a clerk gets the checklist in Chinese.
    return "YAML 格式错误：无法解析这一处；请检查这一行及上一行的缩进、冒号、引号和括号"


def parse_yaml(text: str, file: str) -> tuple[Any, dict[FieldPath, tuple[int, int]], tuple[int, int], list[Problem]]:
    """YAML text → (data, positions, end of document, problems such as duplicate keys)."""
    fast = _parse_fast(text, file)
    if fast is not None:
        return fast
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # the reader refuses control characters before parsing starts
        position = getattr(exc, "position", 0)
        code = getattr(exc, "character", None)
        raise AuthoringError(
            "YAML 格式错误：文件中有不可见的控制字符"
            + (f"（U+{code:04X}）" if isinstance(code, int) else "")
            + "，Word 也无法容纳；请删除这一处的特殊字符",
            file=file,
            line=text.count("\n", 0, position) + 1,
            column=position - text.rfind("\n", 0, position),
        ) from None
    problems: list[Problem] = []
    positions: dict[FieldPath, tuple[int, int]] = {}
    try:
        try:
            root = loader.get_single_node()
        except (_AliasRefused, yaml.YAMLError, _TooDeep, RecursionError) as exc:
            raise _syntax_error(exc, text, file, loader) from None
        if root is None:
            return None, positions, (1, 1), problems
        end = (root.end_mark.line + 1, 1)
        data = _build(loader, root, (), positions, problems, file, 0)
        return data, positions, end, problems
    finally:
        loader.dispose()


def _syntax_error(exc: BaseException, text: str, file: str, loader: _Loader) -> AuthoringError:
    """What a clerk reads for YAML that does not parse, at the line and column to fix."""
    if isinstance(exc, _AliasRefused):
        return AuthoringError(
            "YAML 格式错误：不支持锚点和别名（&名称 / *名称）；请把要重复的内容直接写出来",
            file=file,
            line=exc.mark.line + 1,
            column=exc.mark.column + 1,
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if (exc.problem or "").startswith("could not find expected ':'") and exc.context_mark:
            mark = exc.context_mark  # the line where the key without ':' starts
        return AuthoringError(
            _yaml_message(exc),
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
    if isinstance(exc, (_TooDeep, RecursionError)):  # [[[[…]]]] thousands deep
        deep = getattr(exc, "mark", None) or loader.get_mark()
        return AuthoringError(
            f"嵌套超过 {MAX_DEPTH} 层，报告不需要这么深的结构；请检查缩进和括号",
            file=file,
            line=deep.line + 1,
            column=deep.column + 1,
        )
    # reader errors: characters YAML refuses
    position = getattr(exc, "position", None)
    line = text[: position].count("\n") + 1 if isinstance(position, int) else None
    return AuthoringError(
        "YAML 格式错误：文件中有不可见的控制字符，Word 也无法容纳；请删除这一处的特殊字符",
        file=file,
        line=line,
    )


def _build(
    loader: _Loader,
    node: Node,
    path: FieldPath,
    positions: dict[FieldPath, tuple[int, int]],
    problems: list[Problem],
    file: str,
    depth: int,
) -> Any:
    """The data of a node, recording where each field stands; what cannot be read goes to
    `problems` (the value left out), so that one run shows every problem."""
    mark = node.start_mark
    positions.setdefault(path, (mark.line + 1, mark.column + 1))
    if depth > MAX_DEPTH:
        raise AuthoringError(
            f"嵌套超过 {MAX_DEPTH} 层，报告不需要这么深的结构；请检查缩进",
            file=file,
            line=mark.line + 1,
            column=mark.column + 1,
            path=path,
            field=format_path(path),
        )
    if isinstance(node, MappingNode):
        return _build_mapping(loader, node, path, positions, problems, file, depth)
    if isinstance(node, SequenceNode):
        return [
            _build(loader, item, path + (i,), positions, problems, file, depth + 1)
            for i, item in enumerate(node.value)
        ]
    assert isinstance(node, ScalarNode)
    try:
        return loader.construct_object(node, deep=True)
    except Exception as exc:  # noqa: BLE001 — PyYAML raises ValueError, KeyError, AttributeError…
        # e.g. `date: 2025-02-30` — a timestamp PyYAML recognises but cannot build. The value is
        # left out (None) and the problem kept, so that one run shows every problem.
        problems.append(Problem(_scalar_message(node, exc), Place(file, mark.line + 1, mark.column + 1, path, format_path(path)),
                                "error", "yaml.bad_value"))
        return None


def _build_mapping(
    loader: _Loader,
    node: MappingNode,
    path: FieldPath,
    positions: dict[FieldPath, tuple[int, int]],
    problems: list[Problem],
    file: str,
    depth: int,
) -> dict[Any, Any]:
    # A key that is not simple text and a key given twice are problems, the rest is read on.
    # The places name the key path as written (YAML syntax), not with a field's label.
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    firsts: dict[Any, tuple[int, int]] = {}  # where each key was first written
    for key_node, value_node in node.value:
        try:
            # A key is the text as written: `true:`, `null:`, `1:` or `2025-02-20:` are the
            # keys "true", "null", "1" and "2025-02-20" (PyYAML made True, None, 1 and a
            # date, and messages named them “[2]” or “None”). Lists and mappings as keys are
            # refused; nothing is constructed.
            if not isinstance(key_node, ScalarNode):
                raise TypeError("a key that is not text")
            key = key_node.value
        except Exception:  # noqa: BLE001 — a list or a mapping as key
            mark = key_node.start_mark
            problems.append(Problem("字段名必须是简单的文字", Place(file, mark.line + 1, mark.column + 1, path, format_path(path)),
                                    "error", "yaml.bad_value"))
            continue
        key_line = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        child = path + (key,)
        if key in out:
            first = firsts[key]
            problems.append(
                Problem(
                    f"字段“{key}”重复出现（第一次在第 {first[0]} 行）；YAML 只会保留后一个，"
                    "前一个的内容会丢失：请合并或删除其中一个",
                    Place(file, key_line[0], key_line[1], child, format_path(child)),
                    "error",
                    "yaml.duplicate_key",
                )
            )
            # Kept as YAML keeps it (the later one, as the message says), at its own lines, so
            # that validate checks the content that any other YAML tool would read.
            for stale in [p for p in positions if p[: len(child)] == child]:
                del positions[stale]
        firsts.setdefault(key, key_line)
        positions[child] = key_line
        out[key] = _build(loader, value_node, child, positions, problems, file, depth + 1)
    return out


def _scalar_message(node: ScalarNode, exc: Exception) -> str:
    shown = node.value if len(node.value) <= 20 else node.value[:20] + "…"
    kind = node.tag.rsplit(":", 1)[-1]
    if "could not determine a constructor" in str(getattr(exc, "problem", "")):
        return f"不支持 YAML 标签“{node.tag}”；请删除以“!”开头的标记，或给这段文字加上引号"
    if kind == "timestamp":
        return f"“{shown}”不是有效的日期；日期请写成 2025-02-20 的形式"
    name = {"int": "整数", "float": "数字", "bool": "是/否值（true 或 false）", "binary": "base64 数据"}.get(kind, "值")
    return f"“{shown}”不是有效的{name}；请检查这个值，文字请加上引号"


def load_bytes(raw: bytes, name: str = "", *, strict: bool = True) -> LoadedReport:
    """Report YAML bytes (UTF-8, UTF-8 with BOM, UTF-16, GBK) → a loaded report; raises
    AuthoringError naming file, line and column (`strict=False`: see load_text)."""
    if len(raw) > MAX_BYTES:
        raise InputError(
            f"文件过大（{len(raw) / 1024 / 1024:.1f} MB）；一份报告的 YAML 通常不到 100 KB，"
            f"上限为 {MAX_BYTES // 1024 // 1024} MB：请检查是否选错了文件",
            file=name,
        )
    text, encoding, notes = decode_text(raw, name)
    return _loaded(text, name, encoding, notes, strict)


def load_text(text: str, name: str = "", *, strict: bool = True) -> LoadedReport:
    """Report YAML text → a loaded report; raises AuthoringError naming file, line and column.

    Duplicate keys and values YAML cannot build (2025-02-30) are collected, all of them: raised
    together, or with `strict=False` kept in `problems` for validate to report with the rest.
    An empty text is an error.
    """
    return _loaded(text, name, "utf-8", [], strict)


def _loaded(text: str, name: str, encoding: str, notes: list[Problem], strict: bool = True) -> LoadedReport:
    data, positions, end, problems = parse_yaml(text, name)
    if problems and (strict or not isinstance(data, dict)):
        raise AuthoringError(problems=problems)
    if data is None:
        raise AuthoringError(
            "文件是空的（或只有注释）；可以用 authoring init --agency 单位名称 --year 年度 生成一份模板再填写",
            file=name,
            line=1,
        )
    if not isinstance(data, dict):
        raise AuthoringError(
            "文件的最外层应是“字段: 内容”的形式（agency、year、achievements……），"
            f"实际是{_type_name(data)}；可以用 authoring init --agency 单位名称 --year 年度 生成一份模板，照它的样子填写",
            file=name,
            line=1,
            column=1,
        )
    return LoadedReport(name, data, positions, end, encoding, notes, problems)


def _type_name(value: Any) -> str:
    return {
        list: "列表",
        str: "一段文字",
        int: "数字",
        float: "数字",
        bool: "是/否",
        dict: "字段集合",
    }.get(type(value), type(value).__name__)
