"""The library's entry layer: every job as a short pipeline of steps that take and return data.
Only this layer knows paths, suffixes and which reader a file needs (inputs.py reads the files,
outputs.py and userfiles.py write them, re-exported here); the CLI and the web page call it, on
files or on data in memory (read_document, check_document, import_document, compare_data …).
A job's steps are loaded when it runs (all but load, validate and render are imported inside the
jobs): a cold `authoring render` loads no reader, checker, importer, drafter or comparer.
Every job, the function that runs it, and its pipeline:

  render       build_report: build_blocks (load_report → validate) → refuse_unless_ready
               → output_bytes (write, html, pdf) → save_rendered
  render -d    batch.render_many: collect_reports → plan_outputs → build_report each, on -j cores
  validate     validate_file: load_report → validate_report
  check        check_paths, iter_checked → check_path: read_file → check_blocks (a YAML: check_yaml,
               validate's verdict); -j: batch.check_many; -o: save_summary
  import       import_file → import_report: read_file → import_blocks → save_yaml
  init --from  init_from_file → init_from: load_report (a document: import_report) → draft_next_year → save_yaml
  compare      compare_reports: load_report + verdict, or import_report, on each → compare
  fonts        fonts_report: report_layout → font_report (and save_fontconfig)
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional, Sequence, Union

from authoring.blocks import Block, Title, blocks_to_text
from authoring.errors import AuthoringError, InputError, NotReadyError, Place, Problem
from authoring.inputs import (collect_paths, document_kind, is_yaml, kind_of, read_document_file, read_reference_doc,
                             read_report_file)
from authoring.load import LoadedReport, load_bytes, load_text
from authoring.render import render_report
from authoring.rules import validate_ignore  # what --ignore may name (the CLI's options too)
from authoring.validate import check_yaml, validate_report, verdict

# The files the jobs write (outputs.py) and keep in the user's folders (userfiles.py): main's API too.
from authoring.outputs import OUTPUT_KINDS, docx_bytes, output_kind, save_file, save_output  # noqa: F401
from authoring.outputs import Written, save_rendered, save_summary, save_yaml, write_docx, write_text  # noqa: F401
from authoring.userfiles import install_schema, point_at_schema, save_fontconfig, schema_line_note, schema_text  # noqa: F401

if TYPE_CHECKING:
    from authoring.check import CheckReport
    from authoring.compare import Comparison
    from authoring.draft import Draft
    from authoring.fonts import FontStatus
    from authoring.importer import ImportResult, Names
    from authoring.read import ReadResult

PathLike = Union[str, Path]


@dataclass
class Result:
    """What a render made and noticed."""

    report: LoadedReport
    problems: list[Problem]
    blocks: list[Block] = field(default_factory=list)
    output: Optional[Path] = None
    backup: Optional[Path] = None
    draft: bool = False  # made although errors are left (render --draft)

    @property
    def warnings(self) -> list[Problem]:
        """The warnings and notes (the run went ahead)."""
        return [p for p in self.problems if p.severity != "error"]

    @property
    def left(self) -> list[Problem]:
        """The errors that keep the report from being submitted (only a draft could be made)."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def characters(self) -> int:
        """How many characters of text the rendered report holds (what a clerk would count)."""
        return sum(1 for ch in blocks_to_text(self.blocks) if not ch.isspace())


# -- validate and render, on data ------------------------------------------------------------


def validate(report: LoadedReport, *, ignore: Iterable[str] = (), templates: Optional[PathLike] = None) -> Result:
    """A loaded report's verdict — the YAML's own problems and check's rules on the blocks it
    renders to (one verdict with check) — and those blocks; raise AuthoringError listing every
    problem when it cannot be rendered at all."""
    found = verdict(report, ignore=ignore, templates=templates)
    if not found.renderable:
        raise AuthoringError(problems=found.problems)
    return Result(report, found.problems, found.blocks)


def render(report: LoadedReport, *, templates: Optional[PathLike] = None, ignore: Iterable[str] = (),
           draft: bool = False) -> Result:
    """A loaded report → validated → rendered to blocks; refused unless ready (see refuse_unless_ready)."""
    result = validate(report, ignore=ignore, templates=templates)
    refuse_unless_ready(result, draft)
    return result


def refuse_unless_ready(result: Result, draft: bool) -> None:
    """A report with errors left — a placeholder, a figure to fill, no 成文日期 — is not ready to
    submit: refused (NotReadyError, with every problem) unless a draft is asked for. Every output
    the render job makes (Word, text, and whatever is added) is made after this."""
    result.draft = draft
    if result.left and not draft:
        raise NotReadyError(problems=result.problems)


def output_bytes(result: Result, kind: str = "docx", *, reference_doc: Optional[bytes] = None,
                 reference_name: str = "", html_mode: str = "publication",
                 figures_page: bool = False, source_text: str = "") -> bytes:
    """A rendered report as the bytes of an output format: "docx" (GB/T 9704 Word), "pdf" (that
    .docx through LibreOffice), "html" (html_mode "publication", with a 图解 if figures_page,
    whose labels come from the YAML's comments in source_text; or "pages", the A4 preview) or
    "text"."""
    from authoring.write import build_docx, text_bytes

    if kind == "text":
        return text_bytes(result.blocks)
    data = result.report.data
    meta = document_meta(data, result.blocks)
    if kind == "html":
        from authoring.figures import figure_items
        from authoring.html import html_bytes

        figures = figure_items(result.report, source_text) if figures_page else None
        return html_bytes(result.blocks, mode=html_mode, layout=data.get("layout"), meta=meta,
                          figures=figures)
    if kind not in ("docx", "pdf"):
        raise ValueError(f"kind must be one of {', '.join(sorted(set(OUTPUT_KINDS.values())))}, got {kind!r}")
    docx = build_docx(result.blocks, layout=data.get("layout"), reference_doc=reference_doc,
                      reference_name=reference_name, meta=meta)
    if kind == "docx":
        return docx
    from authoring.fonts import fontconfig_aliases
    from authoring.pdf import docx_to_pdf, stamp_pdf
    from authoring.write import resolve_layout

    rules = fontconfig_aliases(resolve_layout(data.get("layout")))
    return stamp_pdf(docx_to_pdf(docx, font_rules=rules))


def document_meta(data: dict[str, Any], blocks: Sequence[Block]) -> dict[str, Any]:
    """The document properties of a report's Word file: title, agency, year, date."""
    signature = data.get("signature") or {}
    return {
        "title": next((b.text for b in blocks if isinstance(b, Title)), ""),
        "agency": data["agency"]["name"],
        "year": data["year"],
        "date": signature.get("date"),
    }


# -- validate and render, on files -----------------------------------------------------------


def load_report(path: PathLike, *, text: Optional[str] = None, strict: bool = True) -> LoadedReport:
    """Read and parse a report YAML file (or `text`, its content already in hand); raises
    AuthoringError naming file, line and column. `strict=False` keeps duplicate keys and values
    YAML cannot build in the report's problems instead (for validate, which reports them all)."""
    if text is not None:
        return load_text(text, str(path), strict=strict)
    return load_bytes(read_report_file(path), str(path), strict=strict)


def validate_file(path: PathLike, *, ignore: Iterable[str] = ()) -> list[Problem]:
    """Every problem of a report YAML file, errors, warnings and notes, in file order."""
    return validate_report(load_report(path, strict=False), ignore=ignore)


def check_report(path: PathLike, *, ignore: Iterable[str] = (), templates: Optional[PathLike] = None) -> Result:
    """Load and validate a report YAML (its whole verdict); raise AuthoringError with every problem
    when it cannot be rendered. Errors that do not stop rendering are in the result."""
    return validate(load_report(path, strict=False), ignore=ignore, templates=templates)


def build_blocks(path: PathLike, *, templates: Optional[PathLike] = None, ignore: Iterable[str] = ()) -> Result:
    """Load, validate and render a report YAML to blocks (errors left, such as a placeholder,
    are in the result's problems; build_report refuses them)."""
    return check_report(path, ignore=ignore, templates=templates)


def build_report(
    path: PathLike,
    output: Optional[PathLike] = None,
    *,
    templates: Optional[PathLike] = None,
    reference_doc: Optional[PathLike] = None,
    force: bool = False,
    html_mode: str = "publication",
    figures_page: bool = False,
    draft: bool = False,
    ignore: Iterable[str] = (),
) -> Result:
    """The whole job: report YAML → validated → rendered → a GB/T 9704 .docx, or the same report
    as a PDF, a web page (.html: html_mode "publication" or "pages", figures_page for a 图解)
    or text (.txt). A report with errors left (a placeholder, a figure to fill, no 成文日期) is
    refused unless `draft`; the draft's result lists them in `left`. Every format is made after
    that decision.

    Example::

        from authoring.main import build_report
        result = build_report("examples/chuxiong-zhzf-2024.yaml", "报告.docx")
    """
    result = build_blocks(path, templates=templates, ignore=ignore)
    refuse_unless_ready(result, draft)
    target = Path(output) if output else Path(path).with_suffix(".docx")
    kind = output_kind(target)
    reference = read_reference_doc(reference_doc) if reference_doc is not None and kind in ("docx", "pdf") else None
    source = ""
    if kind == "html" and figures_page:
        from authoring.decode import decode_text

        source = decode_text(read_report_file(path), str(path), lenient=True)[0]
    data = output_bytes(result, kind, reference_doc=reference, reference_name=str(Path(reference_doc or "")),
                        html_mode=html_mode, figures_page=figures_page, source_text=source)
    result.backup = save_rendered(target, data, kind, force=force)
    result.output = target
    return result


# -- read and check --------------------------------------------------------------------------


def read_document(raw: bytes, kind: str, name: str = "") -> ReadResult:
    """One document's bytes of `kind` → blocks: a report YAML is rendered, any other kind read."""
    if kind == "yaml":
        return _rendered_yaml(raw, name)
    from authoring.read import read_blocks

    return read_blocks(raw, kind, name)


def read_file(path: PathLike) -> ReadResult:
    """One report file (.docx, .txt, .md, .html or .yaml) → blocks; InputError when unreadable."""
    raw, kind = read_document_file(path)
    return read_document(raw, kind, str(path))


def _rendered_yaml(raw: bytes, name: str) -> ReadResult:
    from authoring.read import ReadResult

    try:
        blocks = list(render_report(load_bytes(raw, name)))
    except InputError:
        raise
    except AuthoringError as e:
        raise InputError(problems=e.problems) from e
    except Exception as e:  # the renderer assumes a valid report; explain with the validator's words
        raise InputError(problems=_yaml_problems(raw, name, e)) from e
    return ReadResult(name, "yaml", blocks, "utf-8")


def _yaml_problems(raw: bytes, name: str, error: Exception) -> list[Problem]:
    """Why a report YAML could not be rendered: its validation errors, else the bare failure."""
    try:
        problems = [x for x in validate_report(load_bytes(raw, name), content=False) if x.severity == "error"]
    except AuthoringError as e:
        problems = [x for x in e.problems if x.severity == "error"]
    except Exception:  # the validator must never hide the first failure
        problems = []
    if problems:
        return problems + [Problem("YAML 未通过校验，无法按报告检查；请先运行 authoring validate 修正", Place(name))]
    return [Problem(f"无法由 YAML 生成报告（{type(error).__name__}: {error}）", Place(name))]


def check_document(raw: bytes, kind: str, name: str = "", ignore: Iterable[str] = ()) -> CheckReport:
    """One document's bytes of `kind` → read → checked; an unreadable one is a report too. A report
    YAML gets validate's verdict, at its own lines (one verdict)."""
    if kind == "yaml":
        return _checked_yaml(lambda: load_bytes(raw, name, strict=False), name, ignore)
    return _checked(lambda: read_document(raw, kind, name), name, kind, ignore)


def check_named(raw: bytes, name: str, ignore: Iterable[str] = ()) -> CheckReport:
    """One document's bytes whose kind its name tells (an uploaded file) → read → checked; a
    name no reader takes gives an unreadable report, as check_path gives for such a file."""
    if is_yaml(name):  # a report YAML gets validate's verdict, as check_path gives it
        return check_document(raw, "yaml", name, ignore)
    return _checked(lambda: read_document(raw, document_kind(name), name), name, kind_of(name), ignore)


def check_path(path: PathLike, ignore: Iterable[str] = ()) -> CheckReport:
    """Read one file and check it; an unreadable file gives a report with an 'unreadable' error."""
    if is_yaml(path):
        return _checked_yaml(lambda: load_report(path, strict=False), str(path), ignore)
    return _checked(lambda: read_file(path), str(path), kind_of(path), ignore)


def _checked_yaml(load: Callable[[], LoadedReport], name: str, ignore: Iterable[str]) -> CheckReport:
    from authoring.check import failed_report, unreadable_report

    try:
        return check_yaml(load(), ignore=ignore)
    except AuthoringError as e:
        return unreadable_report(name, "yaml", e.problems or [Problem(str(e))])
    except Exception as e:  # a folder of reports goes on past one that trips a rule
        return failed_report(name, "yaml", e)


def check_paths(paths: Iterable[PathLike], ignore: Iterable[str] = (), *, jobs: int = 1) -> list[CheckReport]:
    """Check files and folders; one report per file, unreadable files included as reports.
    Raises AuthoringError (before reading anything) when `ignore` names no known rule."""
    return list(iter_checked(collect_paths(paths), ignore, jobs=jobs))


def iter_checked(files: Sequence[PathLike], ignore: Iterable[str] = (), *, jobs: int = 1) -> Iterator[CheckReport]:
    """Each file's report, in the order given, as soon as it is checked: in this process, or on
    `jobs` processes (0: one per core). A caller that writes each report and lets it go (the
    CSV and JSON of `authoring check`) holds one report at a time, however many files there are.
    Raises AuthoringError (before reading anything) when `ignore` names no known rule."""
    rules = tuple(validate_ignore(ignore))  # now, not at the first report
    workers = max(1, min((os.cpu_count() or 1) if jobs <= 0 else jobs, len(files)))
    if workers == 1:
        return (check_path(path, rules) for path in list(files))
    from authoring.batch import check_many

    return check_many(list(files), rules, workers)


def _checked(read: Callable[[], ReadResult], name: str, kind: str, ignore: Iterable[str]) -> CheckReport:
    from authoring.check import check_blocks, failed_report, unreadable_report

    try:
        blocks = read()
    except AuthoringError as e:
        return unreadable_report(name, kind, e.problems or [Problem(str(e))])
    except Exception as e:  # a file no reader foresaw must not stop a folder of reports
        return failed_report(name, kind, e)
    try:
        return check_blocks(blocks, source=name, ignore=ignore)
    except Exception as e:  # likewise a rule tripping over an unforeseen document
        return failed_report(name, kind, e)


def read_expected(path: PathLike) -> list[str]:
    """The departments that must report, from a list file (.xlsx or .txt, one a line)."""
    from authoring.summary import parse_expected

    p = Path(path)
    if not p.is_file():
        raise InputError("找不到应报送单位名单。请检查 --expect 给出的路径", file=str(p))
    if p.stat().st_size > 20 * 1024 * 1024:
        raise InputError("名单文件过大（超过 20 MB）：请检查是否选错了文件", file=str(p))
    return parse_expected(p.read_bytes(), str(p))


def missing_reports(reports: Sequence[CheckReport], expected: Sequence[str]) -> list[str]:
    """The departments of the list that sent no report (as the summary's 报送情况 has them)."""
    from authoring.summary import summarize

    return summarize(reports, expected).missing


# -- import, next year's draft, compare ------------------------------------------------------


def import_document(raw: bytes, kind: str, name: str = "", *, figures: bool = False,
                    output: Optional[str] = None, names: Optional[Names] = None) -> ImportResult:
    """One document's bytes of `kind` → read → its parts → report YAML data and text (`names`: importer.Names)."""
    from authoring.importer import KEYS, import_blocks, refuse_yaml

    if kind == "yaml":
        raise refuse_yaml(name)
    return import_blocks(read_document(raw, kind, name), figures, output=output, names=names or KEYS)


def import_report(path: PathLike, figures: bool = False, *, output: Optional[str] = None) -> ImportResult:
    """A report document file (.docx, .txt, .md, .html) → report YAML data and text."""
    from authoring.importer import import_blocks, refuse_yaml

    if is_yaml(path):
        raise refuse_yaml(str(path))
    return import_blocks(read_file(path), figures, output=output)


def new_report(agency: str, year: int, *, output: Optional[str] = None) -> str:
    """A commented report YAML with every required field present and empty, to fill in."""
    from authoring.draft import init_scaffold

    return init_scaffold(agency, year, output=output)


def draft_report(report: LoadedReport, *, output: Optional[str] = None, schema: Optional[str] = None) -> Draft:
    """Next year's draft of a loaded report YAML (refused when a field has the wrong type)."""
    from authoring.draft import draft_next_year, refuse_wrong_types

    refuse_wrong_types(report, validate_report(report, content=False))
    return draft_next_year(report, output=output, schema=schema)


def init_from(path: PathLike, *, output: Optional[str] = None) -> Draft:
    """Next year's draft from last year's report file: YAML, or a Word/text report imported on
    the way (figures lifted, its warnings reported first)."""
    from authoring.draft import draft_next_year
    from authoring.yamlout import schema_ref

    if is_yaml(path):
        report = load_report(path)
        return draft_report(report, output=output, schema=schema_ref(output or str(next_year_path(path, report))))
    imported = import_report(path, figures=True)
    report = load_text(imported.yaml_text, str(path))
    return draft_next_year(report, output=output, schema=schema_ref(output or str(next_year_path(path, report))),
                           warnings=imported.warnings)


def next_year_path(path: PathLike, report: LoadedReport) -> Path:
    """Where next year's draft goes by default: report-<year + 1>.yaml beside last year's file."""
    year = report.data.get("year")
    return Path(path).with_name(f"report-{year + 1 if isinstance(year, int) else 'next'}.yaml")


def compare_data(old: dict[str, Any], new: dict[str, Any], *, old_file: str = "", new_file: str = "") -> Comparison:
    """Compare the data of an earlier and a later report of one agency."""
    from authoring.compare import compare

    return compare(old, new, old_file=old_file, new_file=new_file)


def compare_reports(old_path: PathLike, new_path: PathLike) -> Comparison:
    """Compare an earlier and a later report file (YAML; Word or text files are imported first)."""
    try:
        same = os.path.samefile(old_path, new_path)
    except OSError:
        same = False
    if same:  # it was told to swap the files, which were one
        raise AuthoringError("两个参数是同一个文件；请先给较早年度的报告，再给较晚年度的报告", file=str(old_path))
    return compare_data(_report_data(old_path), _report_data(new_path),
                        old_file=str(old_path), new_file=str(new_path))


def _report_data(path: PathLike) -> dict[str, Any]:
    if is_yaml(path):
        # Validated first: compare read what it never checked (plans: 5, a 401-digit figure)
        # and crashed on it. The YAML's own rules are what compare needs, not the rendered
        # report's: rendering each of two 2 MB reports was most of a 17 s compare.
        from authoring.rules import stops_render

        report = load_report(path)
        problems = verdict(report, content=False).problems
        if any(p.severity == "error" and stops_render(p.rule) for p in problems):
            raise AuthoringError(problems=problems)
        return report.data
    # Figures lifted from a document are named after the noun beside them (licenses_items), so
    # two years' documents line up on the numbers they both report.
    return import_report(path, figures=True).data


# -- files a clerk goes on to edit -----------------------------------------------------------


def init_file(agency: str, year: int, output: Optional[PathLike] = None, *, force: bool = False) -> Written:
    """`authoring init`: a new commented report YAML (report.yaml unless `output`)."""
    target = Path(output) if output else Path("report.yaml")
    return Written(target, save_yaml(target, new_report(agency, year, output=str(target)), force=force))


def init_from_file(path: PathLike, output: Optional[PathLike] = None, *, force: bool = False) -> tuple[Draft, Written]:
    """`authoring init --from`: next year's draft of a report file, written to `output` or beside
    it as report-<year + 1>.yaml."""
    from dataclasses import replace

    from authoring.draft import UNNAMED

    draft = init_from(path, output=str(output) if output else None)
    target = Path(output) if output else Path(path).with_name(f"report-{draft.data['year']}.yaml")
    # The changes name the file the draft goes to, now that it is known.
    draft.changes = [replace(c, place=replace(c.place, file=str(target))) if c.place.file == UNNAMED else c
                     for c in draft.changes]
    return draft, Written(target, save_yaml(target, draft.yaml_text, force=force))


def import_file(path: PathLike, output: Optional[PathLike] = None, *, figures: bool = False,
                force: bool = False) -> tuple[ImportResult, Written]:
    """`authoring import`: a report document imported into a YAML beside it (or `output`)."""
    if Path(path).is_dir() or not Path(path).name:  # `import .`: no file, and no name to give the YAML
        raise InputError("这是一个文件夹，不是报告文件；请给出要导入的 Word、文本或网页文件", file=str(path))
    target = Path(output) if output else Path(path).with_suffix(".yaml")
    result = import_report(path, figures=figures, output=str(target))
    return result, Written(target, save_yaml(target, result.yaml_text, force=force))


def fonts_report(path: Optional[PathLike] = None) -> tuple[dict[str, Any], list[FontStatus]]:
    """`authoring fonts`: a report file's layout (report_layout) and whether this machine has each font."""
    from authoring.fonts import font_report

    layout = report_layout(path)
    return layout, font_report(layout)


def report_layout(path: Optional[PathLike] = None) -> dict[str, Any]:
    """The layout a report YAML file asks for (layout.yaml merged with its `layout:`), or the
    default layout without a file."""
    from authoring.write import resolve_layout

    return resolve_layout(load_report(path).data.get("layout") if path is not None else None)


