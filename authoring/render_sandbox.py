"""The render's sandbox: the bounds on what template code (user templates, and prose in the YAML
with {{ }}) may make or spend, the clock that stops runaway templates, and template errors worded
for a clerk. Templates and prose may come from users: Jinja2's immutable sandbox refuses attribute
walks to internals; on top, huge values and runaway loops are cut off."""
from __future__ import annotations

import re
import sys
import threading
import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional

from authoring.errors import AuthoringError
from authoring.markup import TemplateText, markup_value, template_text

# Bounds on what template code may make or spend in one render: a report is ~30,000 characters.
# The time and the characters are one budget for the whole render, shared by every prose field and
# template it runs (the time, render.MAX_SECONDS, is render's).
MAX_OUTPUT_CHARS = 5_000_000  # what prose fields output, together; and again what templates output
MAX_MADE_CHARS = 50_000_000  # every string and list element template code makes, together
MAX_SEQUENCE = 1_000_000  # one value made by template code: characters of a string, elements of a list
MAX_VALUE_CHARS = 4_000_000  # one value with what it holds (above any string a 2 MB YAML can hold)
MAX_INT_BITS = 16_384


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


CURRENT = threading.local()  # the _Limits of the render running in this thread, if any


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
    limits = getattr(CURRENT, "limits", None)
    if limits is not None and size:
        limits.made -= size
        if limits.made < 0:
            raise TemplateLimitError(f"模板计算生成的内容累计超过 {MAX_MADE_CHARS} 个字符")
    return value


if TYPE_CHECKING:
    from jinja2.sandbox import ImmutableSandboxedEnvironment as _SandboxBase
else:
    _SandboxBase = object  # jinja2 is imported only when a report is rendered


class SandboxGuards(_SandboxBase):
    """The sandbox environment's checks on what template code makes (mixed in before Jinja2's
    ImmutableSandboxedEnvironment, which render imports only when a report is rendered)."""

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
        if attribute in _plain_attributes().get(type(obj), ()):
            return getattr(obj, attribute)  # what the sandbox's own lookup gives for these
        return super().getattr(obj, attribute)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        # Method calls (`s.upper()`, `s.split()`) and macros make values too: count them.
        if type(__obj) in _safe_callables() or (type(__obj) is _BUILTIN_METHOD and type(__obj.__self__) is dict):
            # Callables the sandbox always finds safe (nothing can mark a macro or a dict's
            # method unsafe): Jinja's own call, without asking (a tenth of a render).
            return _guard_size(__context.call(__obj, *args, **kwargs))
        return _guard_size(super().call(__context, __obj, *args, **kwargs))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # str.format / format_map can pad to any width; templates have the |format filter.
        # str.join / str.replace multiply sizes without a check; the |join and |replace filters have one.
        if isinstance(obj, str) and attr in ("format", "format_map", "center", "ljust", "rjust", "zfill", "expandtabs", "join", "replace"):
            return False
        return super().is_safe_attribute(obj, attr, value)


_BUILTIN_METHOD: Any = type({}.get)


@lru_cache(maxsize=None)
def _plain_attributes() -> dict[type, frozenset[str]]:
    """Attributes whose sandboxed lookup is the plain one, by the exact type of the object (the
    templates' `e.get(…)` and `loop.last`: half a render's attribute lookups). Only names whose
    value cannot be a str.format the sandbox would wrap: dict's reading methods, the loop's counts
    and flags (not previtem or nextitem, which are the loop's items). tests/test_sandbox.py checks
    each against Jinja's own lookup."""
    from jinja2.runtime import LoopContext

    return {dict: frozenset(["get", "items", "keys", "values"]),
            LoopContext: frozenset(["depth", "depth0", "first", "index", "index0", "last", "length",
                                    "revindex", "revindex0"])}


@lru_cache(maxsize=None)
def _safe_callables() -> frozenset[type]:
    from jinja2.runtime import Macro

    return frozenset([Macro])


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
