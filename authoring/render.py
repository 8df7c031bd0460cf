"""Step 3, render: report data → Jinja2 text templates → a list of blocks."""
from __future__ import annotations

import math
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Union

from authoring.blocks import Block
from authoring.domain import FieldPath, chinese_date, entry_parts, part_heading, part_keys, wording
from authoring.duties import default_names, normalized_facts, party_body
from authoring.errors import AuthoringError, Place
from authoring.load import LoadedReport
from authoring.markup import format_value, markup_value, parse_markup, table_cells, template_text
from authoring.numerals import chinese_number
from authoring.resources import load_data, templates_dir
from authoring.render_context import (
    _duty_entry, _entry, _sources, clause, current_meetings, paragraphs, part_order, point_label, points_text, runin,
    series,
)
from authoring.render_sandbox import (
    CURRENT as _CURRENT, MAX_OUTPUT_CHARS, SandboxGuards, _bound_filters, _Budget, _Limits, _refuse_outside,
    _render_limited, _template_error,
)

# What other modules take from render (the helpers moved to render_context with the split).
__all__ = ["MAX_SECONDS", "build_context", "cache_dir", "chinese_number", "current_meetings", "fill_figures",
           "format_value", "part_order", "point_label", "points_text", "render_report", "template_search_path"]

# 8 s, not 10: with start-up, loading and validation, a command whose templates run out of
# time still ends within the 10 s every command is held to (docs/guarantees.md).
MAX_SECONDS = 8.0


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

    class _Environment(SandboxGuards, ImmutableSandboxedEnvironment):
        # The bounds compiled into the code (and so into the bytecode cache, keyed by this file).
        code_generator_class = _CodeGenerator
        intercepted_binops = frozenset(["*", "**", "+"])

    return _Environment, _FileLoader


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
