"""Write a report's data as readable, commented YAML in the user format (PyYAML cannot write comments)."""
from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from authoring.duties import fact_help
from authoring.domain import FieldPath, due_day, part_keys
from authoring.resources import schemas_dir
from authoring.schemafile import installed_schema_ref

SCHEMA_FILE = "report.schema.json"


# The order of the top-level keys in a written file: the order a clerk fills them in.
TOP_ORDER = ("agency", "year", "title", "preamble", "figures", *part_keys(), "signature", "layout")

# What each field is for, written once above its first occurrence. Keys are field paths with list
# indices written as [] ("achievements[].items[].points"). This is help text for the format, kept in
# one table so that it can be reworded without touching the emitter.
FIELD_COMMENTS: dict[str, str] = {
    "agency": "单位：name 写全称（落款默认用它），short_name 写正文里的简称（可选，如：市城管局）",
    "agency.name": "单位全称（必填），如：常州市城市管理局",
    "agency.short_name": "单位简称（可选），正文中使用，如：市城管局",
    "year": "报告所述年度（必填）：2024 表示“关于2024年度法治政府建设情况的报告”（2025年初报送）",
    "title": "标题（可选）；不写时自动生成“<单位>关于<年度>年度法治政府建设情况的报告”",
    "preamble": "开头段（可选）；不写时按单位、年度和当年的重要会议自动生成。每年核对会议名称，防止沿用上一年的表述",
    "figures": (
        "年度数据（可选）：正文里写 {{ figures.名称 }} 引用，明年只需改这里的数字。\n"
        "名称用英文字母、数字和下划线；值只写数字，单位（件、次、%）写在正文里；空值表示待填，validate 会逐项列出"
    ),
    "achievements": (
        "一、主要举措和成效（必填，至少一项）\n"
        "每项是一个“（一）”小标题：heading 写小标题（不写序号和句号），text 写导语，items 分条写“1. 2.”"
    ),
    "achievements[].heading": "小标题，如：强化法治学习引领，夯牢政治思想基础",
    "achievements[].text": "正文或导语段",
    "achievements[].items": "分项，排为 1. 2. ……；每项的 heading 是段首小标题，text 是正文",
    "achievements[].items[].heading": "段首小标题（可选），排为“1.深学笃行习近平法治思想。”",
    "achievements[].items[].text": "正文",
    "achievements[].items[].points": "“一是、二是……”的各项，每条一项（序号由程序加，不要写“一是”）",
    "achievements[].points": "“一是、二是……”的各项，每条一项（序号由程序加，不要写“一是”）",
    "achievements[].table": "表格：每行一项，第一行为表头",
    "first_responsible": "二、党政主要负责人履行推进法治建设第一责任人职责情况（必填）",
    "first_responsible.leader": "主要负责人的职务（必填），如：局党组书记、局长",
    "first_responsible.text": "开头段（可选）；不写时按《党政主要负责人履行推进法治建设第一责任人职责规定》的表述生成",
    "first_responsible.default_opening": "false：不生成默认的开头段（原文第二部分没有开头段）；删去这一行，生成时按规定的表述补写",
    "first_responsible.duties": "履职情况：每项可写 heading（小标题）和 text（正文）；facts 可把上面的履职事实并入本项开头",
    "first_responsible.in_text": "已在正文中写明的履职事实：只作记录（供比较和明年起草），生成时不再另写句子",
    "shortcomings": "三、存在的不足和原因（必填，至少一项）：每项可以只写一段文字，也可写 heading 和 text",
    "plans": "四、下一年度的主要安排（必填，至少一项）：明年 init --from 时每项会变成“落实安排”的待填项",
    "other": "五、其他需要报告的情况（可选）",
    "signature": "落款",
    "signature.name": "落款单位（可选），不写时用单位全称",
    "signature.date": f"成文日期，如 2025-02-20；须在次年{due_day('submit')}前报送、{due_day('publish')}前公开",
    "layout": "版式（可选）：order 部分顺序，headings 各部分标题，fonts 字体",
    "layout.headings": "各部分的标题（可选）；不写时用默认标题",
}

# Commented-out examples written for optional top-level keys the data leaves out, so that a clerk
# sees what can be added without the file carrying empty values that validation would refuse.
OPTIONAL_EXAMPLES: dict[str, str] = {
    "title": "title: 某市城市管理局关于2025年度法治政府建设情况的报告",
    "preamble": "preamble: >-\n  2025年，我局坚持以习近平新时代中国特色社会主义思想为指导，……现将有关情况报告如下：",
    "figures": "figures:\n  licenses: 917        # 办理行政许可（件）\n  attendance_rate: 100 # 负责人出庭应诉率（%）",
    "other": "other:\n  - heading: 其他需要报告的情况\n    text: ……",
}

_INDEX = re.compile(r"\[\d+\]")


def schema_ref(output: Optional[str] = None) -> str:
    """The `$schema=` target for a file written to `output`: the JSON Schema installed in the
    user's folder, by an absolute file: URI, so that the line stays valid wherever the YAML
    is moved (schemafile.py); where that folder cannot be written, a relative path to the
    shipped schema as before."""
    installed = installed_schema_ref()
    if installed:
        return installed
    target = schemas_dir() / SCHEMA_FILE
    base = Path(output).resolve().parent if output else Path.cwd()
    try:
        return Path(os.path.relpath(target, base)).as_posix()
    except ValueError:  # another drive on Windows: no relative path
        return target.resolve().as_uri()


def dump_report(
    data: Mapping[str, Any],
    *,
    schema: Optional[str] = None,
    notes: Optional[Mapping[FieldPath, str]] = None,
    header: tuple[str, ...] = (),
    examples: bool = False,
) -> str:
    """Commented YAML for `data`.

    `notes` maps field paths (``("plans", 0)``) to extra comments: above a list entry or a block,
    at the end of the line for a short scalar. `examples` adds commented-out optional keys.
    """
    emitter = _Emitter(notes or {})
    lines = [f"# yaml-language-server: $schema={schema or schema_ref()}"]
    lines += [_comment(h, 0) for h in header]
    keys = [k for k in TOP_ORDER if k in data] + [k for k in data if k not in TOP_ORDER]
    for key in TOP_ORDER:
        if examples and key not in data and key in OPTIONAL_EXAMPLES:
            keys.insert(_position(keys, key), f"#{key}")
    for key in keys:
        lines.append("")
        if key.startswith("#"):
            name = key[1:]
            lines.append(_comment(FIELD_COMMENTS[name], 0))
            lines.append(_comment(OPTIONAL_EXAMPLES[name], 0))
        else:
            lines += emitter.entry(key, data[key], (key,), 0)
    return "\n".join(lines) + "\n"


def _position(keys: list[str], key: str) -> int:
    """Where a commented-out example goes among the written keys: in TOP_ORDER's place."""
    rank = TOP_ORDER.index(key)
    for i, k in enumerate(keys):
        name = k.lstrip("#")
        if name in TOP_ORDER and TOP_ORDER.index(name) > rank:
            return i
    return len(keys)


def line_map(text: str) -> dict[FieldPath, int]:
    """The 1-based line of every field in a YAML text, keyed by field path (0-based indices)."""
    out: dict[FieldPath, int] = {}

    def walk(node: Node, path: FieldPath) -> None:
        out.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            for key, value in node.value:
                out[path + (key.value,)] = key.start_mark.line + 1
                walk(value, path + (key.value,))
        elif isinstance(node, SequenceNode):
            for i, value in enumerate(node.value):
                walk(value, path + (i,))

    # libyaml where PyYAML has it: the same nodes at the same lines, a tenth of the time (a
    # draft of thousands of entries spent seconds here). PyYAML's own parser if libyaml refuses.
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return out


# Characters a YAML file may not hold even in a comment: shown as \x1b and the like instead.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")


def _comment(text: str, indent: int) -> str:
    text = _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)
    return "\n".join(" " * indent + ("# " + ln if ln else "#") for ln in text.splitlines())


def _pattern(path: FieldPath) -> str:
    out = ""
    for part in path:
        out += "[]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


class _Emitter:
    """Writes one value at a time; every scalar is checked to load back as itself."""

    def __init__(self, notes: Mapping[FieldPath, str], *, help: bool = True, seq_indent: int = 2) -> None:
        self.notes = notes
        self.help = help
        # Where a list's dashes stand relative to its key: 2 ("key:\n  - a", what this module
        # writes), or 0 ("key:\n- a") when an edit goes into a file written that way.
        self.seq_indent = seq_indent

    def comments(self, path: FieldPath, indent: int, scalar: bool) -> list[str]:
        """The field's help (at its first occurrence only) and a note on a non-scalar."""
        out: list[str] = []
        if self.help and not any(isinstance(p, int) and p > 0 for p in path):
            # the 第一责任人 facts are described by the schema itself (title: description)
            help_text = FIELD_COMMENTS.get(_pattern(path)) or fact_help(path)
            if help_text:
                out.append(_comment(help_text, indent))
        if path in self.notes and not scalar:
            out.append(_comment(self.notes[path], indent))
        return out

    def entry(self, key: str, value: Any, path: FieldPath, indent: int) -> list[str]:
        """`key: value` at `indent`, preceded by its comments."""
        pad = " " * indent
        nested = isinstance(value, (Mapping, list)) and bool(value)
        out = self.comments(path, indent, not nested)
        head = f"{pad}{_key(key)}:"
        if isinstance(value, Mapping) and value:
            out.append(head)
            for k, v in value.items():
                out += self.entry(str(k), v, path + (k,), indent + 2)
        elif isinstance(value, list) and value:
            out.append(head)
            for i, item in enumerate(value):
                out += self.item(item, path + (i,), indent + self.seq_indent)
        else:
            out += self.scalar(head, value, path, indent + 2)
        return out

    def item(self, value: Any, path: FieldPath, indent: int) -> list[str]:
        """One `- ` list entry at `indent` (the dash's column)."""
        pad = " " * indent
        nested = isinstance(value, (Mapping, list)) and bool(value)
        out = self.comments(path, indent, not nested)
        if isinstance(value, Mapping) and value:
            keys = list(value)
            first = self.entry(str(keys[0]), value[keys[0]], path + (keys[0],), indent + 2)
            # Comments of the first key go above the dash; its line then starts with "- ".
            while first and first[0].lstrip().startswith("#"):
                out.append(pad + first.pop(0).lstrip())
            out.append(pad + "- " + first[0].lstrip())
            out += first[1:]
            for k in keys[1:]:
                out += self.entry(str(k), value[k], path + (k,), indent + 2)
        elif isinstance(value, list) and value:
            # a table row: one line, each cell quoted (flow style has its own reserved characters)
            if all(not isinstance(c, (list, Mapping)) for c in value):
                out.append(pad + "- [" + ", ".join(_cell(c) for c in value) + "]")
            else:  # deeper nesting the format does not have: PyYAML's flow style, correct by construction
                out.append(pad + "- " + _flow(value))
        else:
            out += self.scalar(pad + "-", value, path, indent + 2)
        return out

    def scalar(self, head: str, value: Any, path: FieldPath, indent: int) -> list[str]:
        """A scalar after `head`; a note goes at the end of a one-line value, above a block."""
        lines = _scalar(head, value, indent)
        note = self.notes.get(path)
        if note:
            if len(lines) == 1:
                lines[0] += "  " + _comment(note.replace("\n", " "), 0)
            else:
                lines.insert(0, _comment(note, len(head) - len(head.lstrip())))
        return lines


def emit_entry(key: str, value: Any, indent: int, *, seq_indent: int = 2) -> list[str]:
    """The lines of `key: value` at `indent`, without help comments (for an edit in a user's file)."""
    return _Emitter({}, help=False, seq_indent=seq_indent).entry(key, value, (), indent)


def emit_item(value: Any, indent: int, *, seq_indent: int = 2) -> list[str]:
    """The lines of one `- value` list entry with its dash at `indent`, without help comments."""
    return _Emitter({}, help=False, seq_indent=seq_indent).item(value, (), indent)


def emit_scalar(value: Any, indent: int) -> list[str]:
    """A scalar as written after `key:` (the first line without the space after the colon); a
    block scalar's further lines are indented by `indent`."""
    lines = _scalar("", value, indent)
    lines[0] = lines[0].lstrip(" ")
    return lines


def emit_quoted(text: str) -> str:
    """A text as a double-quoted scalar on one line."""
    return _quoted(text)


def emit_flow(value: Any) -> str:
    """A list or mapping on one line (a table row, `order: [...]`), each text quoted as needed."""
    if isinstance(value, list) and all(not isinstance(c, (list, Mapping)) for c in value):
        return "[" + ", ".join(_flow_cell(c) for c in value) + "]"
    if isinstance(value, Mapping) and all(not isinstance(c, (list, Mapping)) for c in value.values()):
        return "{" + ", ".join(f"{_flow_cell(k)}: {_flow_cell(v)}" for k, v in value.items()) + "}"
    return _flow(value)


_FLOW_RESERVED = re.compile(r"[,\[\]{}]")


def _flow_cell(value: Any) -> str:
    """One value inside [ ] or { }: plain where it reads back as itself there (`order: [plans]`)."""
    if isinstance(value, str) and _plain_ok(value) and not _FLOW_RESERVED.search(value):
        return value
    return _cell(value)


def _cell(value: Any) -> str:
    """One table cell in a flow sequence."""
    if value is None or isinstance(value, (bool, int, float, _dt.date)):
        return _scalar("", value, 0)[0].strip() or "null"
    return _quoted(str(value))


def _flow(value: Any) -> str:
    """Any value on one line in PyYAML's flow style."""
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 30, sort_keys=False).strip().removesuffix("...").strip()


def _key(key: str) -> str:
    """A mapping key, plain when it reads back as the same string."""
    if _plain_ok(key):
        return key
    return _quoted(key)


def _scalar(head: str, value: Any, indent: int) -> list[str]:
    """`head` followed by the value written as a scalar; block scalars go on lines below."""
    if value is None:
        return [head]
    if isinstance(value, bool):
        return [f"{head} {'true' if value else 'false'}"]
    if isinstance(value, int):
        return [f"{head} {value!r}"]
    if isinstance(value, float):
        # PyYAML's own spelling: 1e-05 would read back as a string, 1.0e-05 as a number
        return [f"{head} {yaml.safe_dump(value).splitlines()[0]}"]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return [f"{head} {value.isoformat()}"]
    if isinstance(value, Mapping):
        return [f"{head} {{}}"]
    if isinstance(value, list):
        return [f"{head} []"]
    text = str(value)
    if len(text) > 60 or "\n" in text:
        block = _block(text, indent)
        if block is not None:
            return [f"{head} {block[0]}"] + block[1:]
    if _plain_ok(text):
        return [f"{head} {text}"]
    return [f"{head} {_quoted(text)}"]


def _quoted(text: str) -> str:
    """A double-quoted scalar on one line; PyYAML's own emitter gets the escapes right."""
    out = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1 << 30)
    return out.strip("\n").removesuffix("\n...").strip()


def _block(text: str, indent: int) -> Optional[list[str]]:
    """A literal block scalar (`|-`/`|`) for long prose, or None when it would not read back."""
    if not text.strip() or text[0] in " \t\n":
        return None
    body = text[:-1] if text.endswith("\n") else text
    if body.endswith("\n"):
        return None  # several trailing newlines: leave it to a quoted string
    indicator = "|" if text.endswith("\n") else "|-"
    lines = [indicator] + [(" " * indent + ln) if ln else "" for ln in body.split("\n")]
    probe = [indicator] + [("  " + ln) if ln else "" for ln in body.split("\n")]
    try:
        loaded = yaml.safe_load("k: " + "\n".join(probe) + "\n")
    except yaml.YAMLError:
        return None
    return lines if loaded == {"k": text} else None


_PLAIN_BAD = re.compile(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|\s$|: |\s#|[\x00-\x1f\x7f\x85\u2028\u2029\ufeff]")


# Text that surely loads back as itself when written plain, known without loading it (loading
# each scalar to find out was most of init --from's time: 6,000 figures, 20 s):
# - a Chinese character in it (every implicit resolver of YAML, bool, int, float, null,
#   timestamp, is ASCII, so none can match) and nothing the plain scalar syntax of a block
#   treats specially (no colon, hash or quote anywhere; it starts with a letter, a digit or
#   Chinese; _PLAIN_BAD has refused a trailing space);
# - a name such as `licenses` or `f12` that is none of YAML 1.1's words for true, false and null.
_PLAIN_SURE = re.compile(r"(?=.*[\u4e00-\u9fff])[\u4e00-\u9fffA-Za-z0-9\u3001-\u303f\uff01-\uff5e\u2018-\u201d]"
                         r"[\u4e00-\u9fffA-Za-z0-9\u3001-\u303f\uff01-\uff5e\u2018-\u201d\u2026\u2014\u00b7 ._%/()+\-{}\[\],]*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


def _plain_ok(text: str) -> bool:
    """Whether `text` can be written unquoted and still load back as the same string."""
    if not text or _PLAIN_BAD.search(text):
        return False
    if _PLAIN_SURE.fullmatch(text) or (_NAME.fullmatch(text) and text.lower() not in _YAML_WORDS):
        return True
    return _plain_loads(text)


def _plain_loads(text: str) -> bool:
    """Whether `k: text` loads as {"k": text} (the test of _plain_ok without its shortcut)."""
    try:
        return yaml.safe_load(f"k: {text}\n") == {"k": text}
    except yaml.YAMLError:
        return False
