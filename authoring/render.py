"""Step 3, render: report data → Jinja2 text templates → a list of blocks."""
from __future__ import annotations

import math
import re
import sys
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

from authoring.blocks import Block
from authoring.domain import FieldPath, chinese_date, entry_parts, part_heading, part_keys, required_parts, wording
from authoring.duties import default_names, normalized_facts, party_body
from authoring.errors import AuthoringError, Place
from authoring.hygiene import strip_typed_number
from authoring.load import LoadedReport
from authoring.markup import TemplateText, format_value, markup_value, parse_markup, table_cells, template_text
from authoring.numerals import chinese_number
from authoring.resources import load_data, templates_dir

# Bounds on what template code (user templates, and prose in the YAML with {{ }}) may make or
# spend in one render: a report is ~30,000 characters. The time and the characters are one budget
# for the whole render, shared by every prose field and template it runs.
MAX_OUTPUT_CHARS = 5_000_000  # what prose fields output, together; and again what templates output
MAX_MADE_CHARS = 50_000_000  # every string and list element template code makes, together
# 8 s, not 10: with start-up, loading and validation, a command whose templates run out of
# time still ends within the 10 s every command is held to (docs/guarantees.md).
MAX_SECONDS = 8.0
MAX_SEQUENCE = 1_000_000  # one value made by template code: characters of a string, elements of a list
MAX_VALUE_CHARS = 4_000_000  # one value with what it holds (above any string a 2 MB YAML can hold)
MAX_INT_BITS = 16_384

_END_PUNCT = "。！？；：…"


def paragraphs(text: Optional[str]) -> list[str]:
    """Text → its paragraphs (one a non-empty line; folded YAML scalars make one line)."""
    if not text:
        return []
    # A macro's output stays the template's markup when split (its values are escaped already).
    kind = TemplateText if isinstance(text, TemplateText) else str
    return [kind(line.strip()) for line in str(text).splitlines() if line.strip()]


def _end_sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in _END_PUNCT else text + "。"


def point_label(n: int) -> str:
    """How the n-th of an entry's points is introduced in print: 1 → 一是."""
    return str(load_data("numbering.yaml")["point"]).format(cn=chinese_number(n), n=n)


def points_text(points: Optional[Iterable[str]]) -> str:
    """['加强学习', '严格执法。'] → 一是加强学习。二是严格执法。"""
    return "".join(point_label(i) + _end_sentence(str(p)) for i, p in enumerate(points or [], 1))


def clause(text: Any) -> str:
    """A clerk's line without its closing punctuation, to be joined into a longer sentence."""
    return str(text).strip().rstrip("。；;，,.、 ")


def series(items: Iterable[Any]) -> str:
    """Items joined by 、, except between two titles in 《》 or two quotations in “”, which GB/T
    15834-2011 (4.5.3.5) writes without it: 《甲》《乙》、丙."""
    out = ""
    for item in (clause(i) for i in items):
        if out and not (out[-1] in "》”" and item[:1] in "《“"):
            out += "、"
        out += item
    return out


def runin(heading: str) -> str:
    """A run-in heading ends with 。 unless it already ends a sentence."""
    return TemplateText(_end_sentence(heading)) if isinstance(heading, TemplateText) else _end_sentence(heading)


# ---------------------------------------------------------------------------------------------
# The sandbox. Templates and prose may come from users: Jinja2's immutable sandbox refuses
# attribute walks to internals; on top, huge values and runaway loops are cut off.


class TemplateLimitError(Exception):
    """A template went over a bound (time, output size, sequence size)."""


class TemplateOutsideError(Exception):
    """A template file that is a link to somewhere outside its templates folder."""


class _Limits:
    """What one render may still spend: one deadline and one count of characters for every
    prose field and template it runs (each prose field had its own, and a 29 KB YAML of prose
    fields reached 7 GB)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.output = MAX_OUTPUT_CHARS
        self.made = MAX_MADE_CHARS


_CURRENT = threading.local()  # the _Limits of the render running in this thread, if any


def _value_size(value: Any) -> int:
    """Characters a value holds: a string's length; a list's elements and their characters."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple)):
        # One comprehension, not a generator: under the time budget's trace function every
        # resumption of a generator is a call event.
        return len(value) + sum(map(len, [v for v in value if isinstance(v, str)]))
    return 0


def _guard_size(value: Any) -> Any:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_SEQUENCE:
        raise TemplateLimitError(f"生成的内容过大（超过 {MAX_SEQUENCE} 个元素）")
    # Characters too, not only elements: a list of 150 strings of a million characters each
    # was one "small" list of 150 (4.6 GB).
    size = _value_size(value)
    if size > MAX_VALUE_CHARS:
        raise TemplateLimitError(f"生成的内容过大（超过 {MAX_VALUE_CHARS} 个字符）")
    limits = getattr(_CURRENT, "limits", None)
    if limits is not None and size:
        limits.made -= size
        if limits.made < 0:
            raise TemplateLimitError(f"模板计算生成的内容累计超过 {MAX_MADE_CHARS} 个字符")
    return value


def cache_dir() -> Optional[Path]:
    """Where compiled templates are kept between runs (the user's cache folder), or None when
    AUTHORING_NO_CACHE is set. Compiling the seven shipped templates is ~28 ms of every cold run."""
    import os

    if os.environ.get("AUTHORING_NO_CACHE"):
        return None
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "authoring" / "Cache" / "templates"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "authoring" / "templates"


def _bytecode_cache() -> Any:
    # Jinja2 checks each cached entry against its template's source, so an edited template is
    # compiled afresh; a cache folder that cannot be made just means compiling every time.
    from jinja2 import FileSystemBytecodeCache

    class _Cache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # noqa: BLE001 — a truncated or foreign entry: compile afresh
                # (a half-written entry raised UnpicklingError from every render, naming report.j2)
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            # The cache only saves time: a full disk or a cache folder left read-only (made by
            # another user) failed every render as a "template error" naming report.j2.
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    folder = cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    # The sandbox's bounds are compiled into the cached code (intercepted operators, guarded ~):
    # entries made by another version of this file must not be reused, or a new bound would
    # silently not apply to templates compiled before it.
    import hashlib

    made_by = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:12]
    return _Cache(str(folder), pattern=f"__authoring_{made_by}_%s.cache")


def _make_environment(search_path: list[Path], strict: bool = True, *, markup: bool = True) -> Any:
    """The sandboxed environment over the template folders. `markup`: for report templates, whose
    output is parsed into blocks (values are escaped); prose fields output plain text."""
    from jinja2 import ChoiceLoader, StrictUndefined

    environment, file_loader = _sandbox_classes()
    env = environment(
        loader=ChoiceLoader([file_loader(str(p)) for p in search_path]),
        undefined=StrictUndefined if strict else None,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=markup_value if markup else format_value,
        bytecode_cache=_bytecode_cache() if markup else None,
    )
    if markup:
        # Compiled templates join their output with environment.concat (macros, {% set %} and
        # {% call %} blocks, self.block()): that output is the template's own markup.
        env.concat = template_text  # type: ignore[assignment]

    env.globals.pop("lipsum", None)  # lorem ipsum of any length; no report needs it

    _bound_filters(env)
    env.filters["cells"] = table_cells
    env.filters["paragraphs"] = paragraphs
    env.filters["points"] = points_text
    env.filters["runin"] = runin
    env.filters["clause"] = clause
    env.filters["series"] = series
    env.filters["cn_number"] = chinese_number
    env.filters["cn_date"] = chinese_date
    return env


@lru_cache(maxsize=None)
def _sandbox_classes() -> tuple[Any, Any]:
    """The sandbox's environment and file loader classes (made once; jinja2 is imported only
    when a report is rendered)."""
    from jinja2 import FileSystemLoader
    from jinja2.compiler import CodeGenerator
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class _CodeGenerator(CodeGenerator):
        # `a ~ b` compiles to a plain join that no sandbox hook sees: doubling a namespace string
        # in a loop would then stop at the machine's memory, not at MAX_SEQUENCE.
        def visit_Concat(self, node: Any, frame: Any) -> None:
            self.write("environment.guarded_concat((")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")

    class _FileLoader(FileSystemLoader):
        def get_source(self, environment: Any, template: str) -> Any:
            _refuse_outside(self.searchpath, template)
            try:
                source, filename, uptodate = super().get_source(environment, template)
            except UnicodeDecodeError as exc:
                # A template saved by Notepad as "ANSI" (GBK): name the file, as other errors do.
                found = [Path(p) / template for p in self.searchpath if (Path(p) / template).is_file()]
                exc.filename = str(found[0]) if found else template  # type: ignore[attr-defined]
                raise
            # Notepad's "UTF-8 with BOM": the BOM would glue itself to the first line's @title.
            return source[1:] if source.startswith("\ufeff") else source, filename, uptodate

    class _Environment(ImmutableSandboxedEnvironment):
        code_generator_class = _CodeGenerator
        intercepted_binops = frozenset(["*", "**", "+"])

        def guarded_concat(self, parts: Iterable[Any]) -> str:
            parts = list(parts)
            if any(isinstance(p, TemplateText) for p in parts):
                # A macro's markup joined with values: the values stay data (escaped).
                texts = [p if isinstance(p, TemplateText) else markup_value(p) for p in parts]
                if sum(map(len, texts)) > MAX_SEQUENCE:
                    raise TemplateLimitError("拼接生成的内容过大")
                return _guard_size(template_text(texts))
            texts = [str(p) for p in parts]
            if sum(map(len, texts)) > MAX_SEQUENCE:
                raise TemplateLimitError("拼接生成的内容过大")
            return _guard_size("".join(texts))

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            _check_binop(operator, left, right)
            return _guard_size(super().call_binop(context, operator, left, right))

        def getattr(self, obj: Any, attribute: str) -> Any:
            # `figures.items` is the figure named items, not dict.items: report data is looked
            # up as data first (a method printed "<built-in method items of dict at 0x…>").
            if isinstance(obj, dict) and attribute in obj:
                return obj[attribute]
            return super().getattr(obj, attribute)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            # Method calls (`s.upper()`, `s.split()`) and macros make values too: count them.
            return _guard_size(super().call(__context, __obj, *args, **kwargs))

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            # str.format / format_map can pad to any width; templates have the |format filter.
            # str.join / str.replace multiply sizes without a check; the |join and |replace filters have one.
            if isinstance(obj, str) and attr in ("format", "format_map", "center", "ljust", "rjust", "zfill", "expandtabs", "join", "replace"):
                return False
            return super().is_safe_attribute(obj, attr, value)

    return _Environment, _FileLoader


def _refuse_outside(searchpath: Iterable[str], template: str) -> None:
    """A symbolic link in a templates folder (leak.j2 -> /etc/passwd, root -> /) must not bring
    a file from outside the folder into the report: refused, naming the link."""
    import os

    for folder in searchpath:
        candidate = os.path.join(folder, *template.split("/"))
        if os.path.lexists(candidate):
            inside = os.path.realpath(folder)
            if os.path.commonpath([inside, os.path.realpath(candidate)]) != inside:
                error = TemplateOutsideError(template)
                error.filename = candidate  # type: ignore[attr-defined]
                raise error
            break


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation of template code that would make a value too big before it is made."""
    if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
        raise TemplateLimitError("乘方的指数过大")
    # Big integers grow in one C call that the time budget cannot interrupt: squaring a
    # namespace number 24 times took 12 s against a 2 s budget. No report needs 5,000 digits.
    if operator in ("*", "**") and all(isinstance(v, int) for v in (left, right)):
        bits = left.bit_length() + right.bit_length() if operator == "*" else left.bit_length() * max(right, 0)
        if bits > MAX_INT_BITS:
            raise TemplateLimitError("计算结果的数字过大")
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int):
                if len(seq) * count > MAX_SEQUENCE:
                    raise TemplateLimitError("重复生成的内容过大")
    if operator == "+" and all(isinstance(v, (str, list, tuple)) for v in (left, right)):
        if len(left) + len(right) > MAX_SEQUENCE:
            raise TemplateLimitError("拼接生成的内容过大")


def _bound_filters(env: Any) -> None:
    """Every filter's result checked for size; the filters that take a width, a count or a
    format refuse the ones that would make a value too big before making it."""
    from functools import wraps

    def _guarded(original: Callable[..., Any]) -> Callable[..., Any]:
        # wraps() keeps Jinja's pass_context/pass_environment marks, so the filter gets its arguments.
        @wraps(original)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            return _guard_size(original(*args, **kwargs))

        return guarded

    for name in list(env.filters):
        env.filters[name] = _guarded(env.filters[name])

    def _capped(name: str, arg_index: int) -> Callable[..., Any]:
        original = env.filters[name]

        @wraps(original)
        def capped(*args: Any, **kwargs: Any) -> Any:
            for value in list(args[arg_index:]) + list(kwargs.values()):
                if isinstance(value, int) and not isinstance(value, bool) and value > 10_000:
                    raise TemplateLimitError(f"过滤器 {name} 的参数 {value} 过大")
            return _guard_size(original(*args, **kwargs))

        return capped

    for name in ("center", "indent", "wordwrap", "truncate"):
        env.filters[name] = _capped(name, 1)
    original_format = env.filters["format"]

    def _format(value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and re.search(r"%[-+ #0]*\d{5,}", value):
            raise TemplateLimitError("格式宽度过大")
        return original_format(value, *args, **kwargs)

    env.filters["format"] = _format
    original_join, original_replace = env.filters["join"], env.filters["replace"]

    @wraps(original_join)
    def _join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
        items = list(value)
        if len(str(d)) * len(items) + sum(len(i) for i in items if isinstance(i, str)) > MAX_SEQUENCE:
            raise TemplateLimitError("join 生成的内容过大")
        return original_join(eval_ctx, items, d, attribute)

    @wraps(original_replace)
    def _replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> Any:
        text = str(s)
        if len(text) + text.count(str(old)) * len(str(new)) > MAX_SEQUENCE:
            raise TemplateLimitError("replace 生成的内容过大")
        return original_replace(eval_ctx, s, old, new, count)

    env.filters["join"] = _join
    env.filters["replace"] = _replace


class _Budget:
    """Stops runaway template code on the render's one deadline, checked at every event.

    Jinja2 compiles templates to Python whose code objects carry the template's file name, so a
    trace function follows those frames: it reads the clock at every line they run, and at every
    call they make into other Python code (a filter working through a long list runs no template
    line for seconds: the clock was read every 4,096 lines, 45 s for a template allowed 10).
    This works on Windows too (no signals), which is where most of our users are.
    """

    def __init__(self, filenames: Callable[[str], bool], limits: _Limits) -> None:
        self.is_template = filenames
        self.limits = limits
        self.depth = 0  # template frames on the stack (a generator counts while it runs)
        self.fired = False
        self.done = False

    def _stop(self) -> TemplateLimitError:
        self.fired = True
        return TemplateLimitError(f"模板运行超过 {self.limits.seconds:.0f} 秒（可能是死循环）")

    def _local(self, frame: Any, event: str, arg: Any) -> Any:
        if self.done:
            return None
        if event == "return":
            self.depth -= 1
        # Stop on "line" events only: raised at a "return" (a template generator yielding),
        # the error surfaced in the caller and the template's line was lost. After the first
        # stop, later lines stop again: code that swallowed the error must not run on unbounded.
        elif event == "line" and time.monotonic() > self.limits.deadline:
            raise self._stop()
        return self._local

    def _global(self, frame: Any, event: str, arg: Any) -> Any:
        if self.done or event != "call":
            return None
        if self.is_template(frame.f_code.co_filename):
            self.depth += 1
            return self._local
        # Python code called from a template (a filter, a method): stopped where it starts, once.
        if self.depth > 0 and not self.fired and time.monotonic() > self.limits.deadline:
            raise self._stop()
        return None

    def __enter__(self) -> "_Budget":
        self.previous = sys.gettrace()
        sys.settrace(self._global)
        return self

    def __exit__(self, kind: Any, value: Any, tb: Any) -> None:
        sys.settrace(self.previous)
        # Frames still holding _local (a half-consumed generator closed later by the garbage
        # collector) must not raise the budget's error outside the render.
        self.done = True
        if kind is None and self.fired:
            raise TemplateLimitError(f"模板运行超过 {self.limits.seconds:.0f} 秒（可能是死循环）")


def _template_place(exc: BaseException, default: str) -> tuple[str, Optional[int]]:
    """The template file and line where a render error happened (Jinja rewrites tracebacks
    so that template frames carry the template's file name and line)."""
    filename = getattr(exc, "filename", None)
    lineno = getattr(exc, "lineno", None)
    if filename:
        return filename, lineno
    tb = exc.__traceback__
    found: tuple[str, Optional[int]] = (default, None)
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2") or name == "<template>":
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_error(exc: BaseException, default: str, field: str = "") -> AuthoringError:
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    file, line = _template_place(exc, default)
    if isinstance(exc, UndefinedError):
        message = f"模板中使用了不存在的变量（{exc.message}）；请检查拼写，可用的变量见 templates/README.md"
    elif isinstance(exc, TemplateSyntaxError):
        message = f"模板语法错误：{exc.message}"
    elif isinstance(exc, TemplateNotFound):
        message = f"找不到模板 {exc.name}；自定义模板文件夹中的文件名应与 templates/ 中的相同"
    elif isinstance(exc, SecurityError):
        found = re.search(r"attribute '([^']*)' of '([^']*)'", str(exc))
        what = f"“{found.group(2)}”对象的属性“{found.group(1)}”" if found else "Python 内部对象"
        message = f"模板试图访问不安全的内容，已拒绝（{what}）；模板只能使用报告数据"
    elif isinstance(exc, TemplateOutsideError):
        message = (f"模板 {exc} 是指向模板文件夹之外的链接（快捷方式），为安全起见不予读取；"
                   "请把模板文件本身复制到模板文件夹中")
    elif isinstance(exc, TemplateLimitError):
        message = f"模板超出限制：{exc}；请检查模板中的循环和重复"
    elif isinstance(exc, RecursionError):
        message = "模板递归过深（宏调用了自身？），已停止"
    elif isinstance(exc, OverflowError):  # Jinja's sandbox: range() of more than 100,000 numbers
        message = "模板超出限制：range() 最多生成 100000 个数，或数字过大；请检查模板中的循环"
    elif isinstance(exc, MemoryError):
        message = "模板占用的内存过多，已停止；请检查模板中的循环和重复"
    elif isinstance(exc, ZeroDivisionError):
        message = "模板中的计算除以了零；请检查用到的数据是否为 0"
    elif isinstance(exc, UnicodeDecodeError):
        message = "模板文件不是 UTF-8 编码，无法读取；请在编辑器中另存为 UTF-8（记事本：“另存为”→ 编码选 UTF-8）"
    elif isinstance(exc, (TypeError, ValueError, KeyError, IndexError)):
        message = f"模板中的计算或取值用错了数据（{type(exc).__name__}）；请检查这一行的写法和用到的数据"
    else:
        message = f"模板运行出错（{type(exc).__name__}: {exc}）"
    return AuthoringError(message, file=file, line=line, field=field)


# ---------------------------------------------------------------------------------------------
# Report data → template context.


def _entry(value: Any, path: str) -> dict[str, Any]:
    """A list entry as a dict with every key present (a plain string means text only), and in
    `at` the YAML field of each of its parts, which the templates pass on with `@at`."""
    plain = isinstance(value, str)
    if plain:
        value = {"text": value}
    items = [_entry(item, f"{path}.items.{i}") for i, item in enumerate(value.get("items") or [])]
    table = [[format_value(c) for c in row] for row in (value.get("table") or [])]
    return {
        # A number typed into a heading would be printed twice (（一）（二）…): the position numbers
        # headings, so the typed one is left out; validate warns about it (yaml.heading_number).
        "heading": strip_typed_number(value.get("heading") or ""),
        "text": value.get("text") or "",
        # A 一是 typed at the start of a point would print 一是一是 (validate: yaml.point_number).
        "points": [strip_typed_number(p) if isinstance(p, str) else p for p in value.get("points") or []],
        "items": items,
        "table": table,
        "path": path,
        "at": {key: path if plain else f"{path}.{key}" for key in ("heading", "text", "points", "table")},
    }


def _duty_entry(value: Any, path: str) -> dict[str, Any]:
    """A first_responsible.duties entry: an entry, plus the facts merged into it."""
    entry = _entry(value, path)
    entry["facts"] = list(value.get("facts") or []) if isinstance(value, dict) else []
    return entry


def current_meetings(year: int) -> str:
    """The meetings a report on `year` cites: `党的二十大和二十届二中、三中全会`."""
    held = [m for m in load_data("meetings.yaml")["meetings"] if int(str(m["held"])[:4]) <= year]
    if not held:
        return ""
    congress = held[-1]["congress"]
    same = [m for m in held if m["congress"] == congress]
    head = next((m["name"] for m in same if not m["short"]), f"党的{congress}")
    plenums = [m["short"] for m in same if m["short"]]
    if not plenums:
        return head
    prefix = same[-1]["name"][: same[-1]["name"].index(plenums[-1])]
    return f"{head}和{prefix}{'、'.join(plenums)}全会"


def _fill_prose(data: Any, context: dict[str, Any], env: Any, report: Optional[LoadedReport],
                path: FieldPath = (), limits: Optional[_Limits] = None) -> Any:
    """Every string with {{ }} or {% %} is a small template over `figures`; render it here so
    that an error names the YAML field, not a template line. All of them share the render's one
    time budget and output count (`limits`)."""
    if limits is None:
        limits = getattr(_CURRENT, "limits", None) or _Limits(MAX_SECONDS)
    if isinstance(data, dict):
        return {k: (v if path == () and k == "layout" else _fill_prose(v, context, env, report, path + (k,), limits))
                for k, v in data.items()}
    if isinstance(data, list):
        return [_fill_prose(v, context, env, report, path + (i,), limits) for i, v in enumerate(data)]
    if isinstance(data, str) and ("{{" in data or "{%" in data):
        quick = fill_figures(data, context["figures"])
        if quick is not None:
            return quick
        try:
            # Any prose that reaches Jinja is run under the clock, not only prose with {% %}:
            # expressions alone kept a 682-byte YAML busy for 16 s.
            with _Budget(lambda name: name == "<template>", limits):
                template = env.from_string(data)
                text = _render_limited(template, context, limits)
        except Exception as exc:  # noqa: BLE001 — every template failure becomes our error
            place = report.place(path) if report else Place(path=path)
            error = _template_error(exc, place.file)
            raise AuthoringError(error.problems[0].message, file=place.file, line=place.line,
                                 column=place.column, path=path) from None
        return text
    return data


# `{{ figures.name }}` and no other template code: what nearly all prose holds.
_PLAIN_FIGURE = re.compile(r"\{\{\s*figures\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def fill_figures(text: str, figures: dict[str, Any]) -> Optional[str]:
    """Prose whose only template code is `{{ figures.name }}` of defined numbers, filled as the
    Jinja environment would fill it (through format_value) but without compiling a template:
    compiling took two thirds of render's time. None when anything is left for Jinja to do or to
    report (other code, comments, an undefined name)."""
    if "{%" in text or "{#" in text or "\r" in text:
        return None
    out: list[str] = []
    pos = 0
    for match in _PLAIN_FIGURE.finditer(text):
        name = match.group(1)
        value = figures.get(name)
        if name not in figures:
            return None
        if not (value is None or type(value) is int or (type(value) is float and math.isfinite(value))):
            return None
        literal = text[pos:match.start()]
        if "{{" in literal or literal.endswith("{") or text[match.end():match.end() + 1] == "}":
            return None
        out.append(literal)
        out.append(str(format_value(value)))
        pos = match.end()
    if not out or "{{" in text[pos:]:
        return None
    out.append(text[pos:])
    return "".join(out)


def _render_limited(template: Any, context: dict[str, Any], limits: _Limits) -> str:
    """The template's output, counted in characters as it grows against the render's budget."""
    out: list[str] = []
    stream = template.generate(context)
    for chunk in stream:
        limits.output -= len(chunk)
        if limits.output < 0:
            error = TemplateLimitError(f"输出超过 {MAX_OUTPUT_CHARS} 个字符")
            error.filename, error.lineno = _suspended_place(stream)  # type: ignore[attr-defined]
            raise error
        out.append(chunk)
    return "".join(out)


def _suspended_place(stream: Any) -> tuple[Optional[str], Optional[int]]:
    """The template file and line a paused render stream stands at (the innermost template)."""
    place: tuple[Optional[str], Optional[int]] = (None, None)
    for _ in range(100):
        frame = getattr(stream, "gi_frame", None)
        if frame is None:
            break
        debug = frame.f_globals.get("debug_info")
        if isinstance(debug, str):  # Jinja's "template line=python line&…" map of compiled code
            pairs = [tuple(map(int, kv.split("="))) for kv in debug.split("&") if kv]
            line = next((t for t, c in reversed(pairs) if c <= frame.f_lineno), 1)
            place = (frame.f_code.co_filename, line)
        # {% include %} runs as `for event in gen: yield event`, so follow the local `gen` too.
        stream = stream.gi_yieldfrom or frame.f_locals.get("gen")
    return place


def part_order(data: dict[str, Any]) -> list[str]:
    """The parts a report prints, in order: its `layout.order`, else the default order of
    parts.yaml (其他需要报告的情况 only when the report has it)."""
    layout = data.get("layout") if isinstance(data.get("layout"), dict) else {}
    given = layout.get("order") if isinstance(layout, dict) else None
    if isinstance(given, list) and given:
        return [k for k in given if isinstance(k, str)]
    return [k for k in part_keys() if k in required_parts() or data.get(k)]


def build_context(data: dict[str, Any], env: Any, report: Optional[LoadedReport] = None) -> dict[str, Any]:
    """The variables templates see (documented in templates/README.md)."""
    year = int(data["year"])
    agency = data["agency"]["name"]
    short = data["agency"].get("short_name") or agency
    figures = dict(data.get("figures") or {})
    prose_context = {"figures": figures, "year": year, "next_year": year + 1, "agency": agency, "short_name": short}
    filled = _fill_prose(data, prose_context, getattr(env, "prose_environment", env), report)
    layout = data.get("layout") or {}
    order = part_order(filled)
    headings = {key: part_heading(key, year) for key in part_keys()}
    headings.update(layout.get("headings") or {})

    report_view = dict(filled)
    for key in entry_parts():
        report_view[key] = [_entry(e, f"{key}.{i}") for i, e in enumerate(filled.get(key) or [])]
    fr = dict(filled["first_responsible"])
    fr["duties"] = [_duty_entry(e, f"first_responsible.duties.{i}") for i, e in enumerate(fr.get("duties") or [])]
    report_view["first_responsible"] = fr
    opening = fr.get("text") or ("" if fr.get("default_opening") is False else
                                 load_data("duties.yaml")["opening"].replace("\n", "").replace(" ", "").format(leader=fr["leader"]))

    meetings = current_meetings(year)
    preamble = filled.get("preamble") or wording(
        "preamble", year=year, short_name=short,
        meetings_clause=wording("meetings_clause", meetings=meetings) if meetings else "")
    signature = dict(filled.get("signature") or {})
    return {
        "report": report_view,
        "title": filled.get("title") or wording("title", agency=agency, year=year),
        "preamble": preamble,
        "year": year,
        "next_year": year + 1,
        "agency": agency,
        "short_name": short,
        "figures": figures,
        "order": order,
        "headings": headings,
        "first_responsible_opening": opening,
        # The duties given as facts (templates/duties.j2 words them): the sentences of the facts
        # no duty entry takes (`claimed`) go in sections of their own.
        "leader": fr["leader"],
        "party_body": party_body(fr["leader"]),
        "names": default_names(fr["leader"]),
        "facts": normalized_facts(fr),
        "claimed": sorted({k for e in fr["duties"] for k in e["facts"]}),
        "signature": {"name": signature.get("name") or agency, "date": chinese_date(signature.get("date"))},
        "at": _sources(data, headings=layout.get("headings") or {}),
    }


def _sources(data: dict[str, Any], *, headings: dict[str, Any]) -> dict[str, Any]:
    """The YAML field each generated or given piece of the report comes from, for `@at` lines:
    a default text points at the field it is made from (a default title at agency.name)."""
    fr = data.get("first_responsible") or {}
    agency = "agency.short_name" if (data.get("agency") or {}).get("short_name") else "agency.name"
    return {
        "title": "title" if data.get("title") else "agency.name",
        "preamble": "preamble" if data.get("preamble") else agency,
        "headings": {p: f"layout.headings.{p}" if headings.get(p) else p for p in part_keys()},
        "opening": "first_responsible.text" if fr.get("text") else "first_responsible.leader",
        # The 落款's findings are about its date (missing, form, deadline).
        "signature": "signature.date" if (data.get("signature") or {}).get("date") else "signature",
    }


def template_search_path(templates: Optional[Union[str, Path]] = None) -> list[Path]:
    """The template folders in search order: the user's folder first, then the shipped one."""
    path = [templates_dir()]
    if templates:
        user = Path(templates).resolve()
        if not user.is_dir():
            raise AuthoringError("自定义模板文件夹不存在；请检查 --templates 的路径", file=str(templates))
        path.insert(0, user)
    return path


def render_report(
    source: Union[LoadedReport, dict[str, Any]],
    *,
    templates: Optional[Union[str, Path]] = None,
) -> list[Block]:
    """Render a report (a loaded report, or its data) to blocks.

    The data must have passed validation; `templates` is a folder whose files override the
    shipped templates of the same name.
    """
    report = source if isinstance(source, LoadedReport) else None
    data = source.data if isinstance(source, LoadedReport) else source
    search = template_search_path(templates)
    env = _environment_for(tuple(str(p) for p in search))
    limits = _Limits(MAX_SECONDS)  # one budget for the whole render: prose and templates
    previous, _CURRENT.limits = getattr(_CURRENT, "limits", None), limits
    try:
        context = build_context(data, env, report)
        try:
            template = env.get_template("report.j2")
            if templates:
                # The user's templates print the prose again: the output they may make is the
                # budget on top of what the prose made.
                limits.output = MAX_OUTPUT_CHARS + (MAX_OUTPUT_CHARS - max(limits.output, 0))
                user_root = str(Path(templates).resolve())
                with _Budget(lambda name: name.startswith(user_root) or name == "<template>", limits):
                    text = _render_limited(template, context, limits)
            else:
                # The shipped templates print each value of the (size-limited) YAML once or
                # twice: their output grows with the report, and is not limited here.
                limits.output = sys.maxsize
                text = _render_limited(template, context, limits)
        except AuthoringError:
            raise
        except Exception as exc:  # noqa: BLE001 — any template failure is reported as ours
            raise _template_error(exc, "report.j2") from None
    finally:
        _CURRENT.limits = previous
    return parse_markup(text)


_ENVIRONMENTS: dict[tuple[str, ...], Any] = {}


def _environment_for(search: tuple[str, ...]) -> Any:
    # One environment per template search path: Jinja2 caches compiled templates in it, which
    # is what makes rendering a thousand reports fast. Beside it, the one prose fields run in,
    # whose output is text, not markup.
    env = _ENVIRONMENTS.get(search)
    if env is None:
        folders = [Path(p) for p in search]
        env = _make_environment(folders)
        env.prose_environment = _make_environment(folders, markup=False)
        _ENVIRONMENTS[search] = env
    return env
