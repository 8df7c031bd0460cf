"""The library's entry layer: every job of the tool as one short pipeline of steps.

Steps take data and return data: load (YAML bytes → report), validate (report → problems),
render (report → blocks), write (blocks → .docx or text bytes), read (document bytes → blocks),
check (blocks → findings), import (blocks → YAML), draft (report → next year's), compare (two
reports' data → what changed). Only this layer knows about paths, suffixes and which reader a
file needs (inputs.py reads the files, fileio.py writes them). The CLI and the web page call
this module: the functions taking paths work on files, the others on data in memory.

The steps a job does not need are not loaded for it: everything but load, validate and render
is imported inside the jobs that use it, so that a cold `authoring validate` or `render` does not
load the reader, checker, importer, drafter or comparer (tens of milliseconds of every start).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional, Sequence, Union

from authoring.blocks import Block, Title, blocks_to_text
from authoring.errors import AuthoringError, InputError, NotReadyError, Problem
from authoring.inputs import collect_paths, is_yaml, kind_of, read_document_file, read_reference_doc, read_report_file
from authoring.load import LoadedReport, load_bytes, load_text
from authoring.render import render_report
from authoring.validate import check_yaml, validate_report, verdict

if TYPE_CHECKING:
    from authoring.check import CheckReport
    from authoring.compare import Comparison
    from authoring.draft import Draft
    from authoring.importer import ImportResult
    from authoring.read import ReadResult

PathLike = Union[str, Path]

# Output suffix → the format output_bytes writes.
OUTPUT_KINDS = {".docx": "docx", ".txt": "text", ".text": "text", ".html": "html", ".htm": "html",
                ".pdf": "pdf"}


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


def save_rendered(target: PathLike, data: bytes, kind: str, *, force: bool = False) -> Optional[Path]:
    """Write a rendered report of `kind` (output_bytes's) with the overwrite guard of
    `authoring render`: a file this tool wrote and nobody changed since is replaced, one edited
    since only with `force` (backed up first; the backup's path is returned)."""
    if kind in ("html", "pdf") and _ours_unchanged(Path(target), kind):
        save_file(target, data)  # a page or PDF this tool wrote and nobody changed since
        return None
    return save_output(target, data, force=force, stamped=kind == "docx")


def output_kind(target: PathLike) -> str:
    """The output format a file name asks for; refused (naming the file) when there is none."""
    suffix = Path(target).suffix
    kind = OUTPUT_KINDS.get(suffix.lower())
    if kind is None:
        raise AuthoringError(
            f"不支持的输出格式“{suffix or '（无扩展名）'}”；请用 .docx（报送）、.pdf、.html（网站公开）或 .txt（公开文本）",
            file=str(target),
        )
    return kind


def _ours_unchanged(target: Path, kind: str) -> bool:
    """Whether target is a web page or PDF this tool wrote (it carries our stamp) and nobody has
    changed since: then it is replaced without --force, as an unchanged .docx is."""
    try:
        with open(target, "rb") as fh:
            existing = fh.read(256 * 1024 * 1024)
    except OSError:
        return False
    if kind == "html":
        from authoring.html import unchanged_html

        return unchanged_html(existing)
    from authoring.pdf import unchanged_pdf

    return unchanged_pdf(existing)


def save_output(target: PathLike, data: bytes, *, force: bool = False, stamped: bool = True) -> Optional[Path]:
    """Write an output atomically, refusing to overwrite a file edited since (see fileio);
    returns the backup made with `force`. An unstamped format (text) is compared by content."""
    from authoring.fileio import guard_overwrite, write_atomic

    backup = guard_overwrite(target, force, same_as=None if stamped else data)
    write_atomic(target, data)
    return backup


def docx_bytes(blocks: Sequence[Block], *, layout: Optional[dict[str, Any]] = None,
               reference_doc: Optional[PathLike] = None, meta: Optional[dict[str, Any]] = None) -> bytes:
    """The .docx bytes for blocks (write.build_docx), with a reference .docx given by its path."""
    from authoring.write import build_docx

    reference = read_reference_doc(reference_doc) if reference_doc is not None else None
    return build_docx(blocks, layout=layout, reference_doc=reference,
                      reference_name=str(Path(reference_doc or "")), meta=meta)


def write_docx(blocks: Sequence[Block], path: PathLike, *, layout: Optional[dict[str, Any]] = None,
               reference_doc: Optional[PathLike] = None, meta: Optional[dict[str, Any]] = None,
               force: bool = False, on_backup: Optional[Callable[[Path], None]] = None) -> Path:
    """Write blocks to a .docx file atomically, refusing to overwrite edited files."""
    data = docx_bytes(blocks, layout=layout, reference_doc=reference_doc, meta=meta)
    return _saved(Path(path), data, force, True, on_backup)


def write_text(blocks: Sequence[Block], path: PathLike, force: bool = False, *,
               on_backup: Optional[Callable[[Path], None]] = None) -> Path:
    """Write the published plain-text version (UTF-8, one block a line) to a file atomically."""
    from authoring.write import text_bytes

    return _saved(Path(path), text_bytes(blocks), force, False, on_backup)


def _saved(target: Path, data: bytes, force: bool, stamped: bool,
           on_backup: Optional[Callable[[Path], None]]) -> Path:
    backup = save_output(target, data, force=force, stamped=stamped)
    if backup is not None and on_backup is not None:
        on_backup(backup)
    return target


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
    from authoring.errors import Place

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
    from authoring.inputs import document_kind

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
    from authoring.check import validate_ignore

    rules = tuple(validate_ignore(ignore))  # now, not at the first report
    workers = max(1, min((os.cpu_count() or 1) if jobs <= 0 else jobs, len(files)))
    return _checked_files(list(files), rules, workers)


def _checked_files(files: list[PathLike], ignore: tuple[str, ...], workers: int) -> Iterator[CheckReport]:
    if workers == 1:
        for path in files:
            yield check_path(path, ignore)
        return
    from concurrent.futures import ProcessPoolExecutor

    # Chunks of a few files per task: a pool pays for each task it hands out (pickling the
    # report back is most of it), and a Word file takes only 5-15 ms to check.
    chunk = max(1, min(16, len(files) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_check_one, [(str(p), ignore) for p in files], chunksize=chunk)


def _check_one(job: tuple[str, tuple[str, ...]]) -> CheckReport:
    """check_path in a worker process (a module-level function, so that it pickles)."""
    return check_path(job[0], job[1])


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


# -- the 依法治市办's summary ------------------------------------------------------------------


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


def save_summary(reports: Sequence[CheckReport], target: PathLike, *, expected: Sequence[str] = (),
                 force: bool = False) -> Optional[Path]:
    """Write the summary of checked reports as .xlsx (汇总, 问题明细, 报送情况), .csv (UTF-8 with
    BOM) or .json; a workbook this tool wrote and nobody edited is replaced, one edited in Excel
    only with `force` (backed up first; the backup's path is returned)."""
    from authoring.errors import OutputError

    suffix = Path(target).suffix.lower()
    if suffix == ".json":
        from authoring.check import report_to_json

        return save_output(target, report_to_json(reports).encode("utf-8"), force=force, stamped=False)
    if suffix not in (".xlsx", ".csv"):
        raise OutputError(f"汇总表应为 .xlsx（Excel）、.csv 或 .json，不支持“{Path(target).suffix or '（无扩展名）'}”",
                          file=str(target))
    from authoring.summary import summarize, summary_bytes

    data = summary_bytes(summarize(reports, expected), suffix[1:])
    return save_output(target, data, force=force, stamped=suffix == ".xlsx")


# -- import, next year's draft, compare ------------------------------------------------------


def import_document(raw: bytes, kind: str, name: str = "", *, figures: bool = False,
                    output: Optional[str] = None) -> ImportResult:
    """One document's bytes of `kind` → read → its parts → report YAML data and text."""
    from authoring.importer import import_blocks, refuse_yaml

    if kind == "yaml":
        raise refuse_yaml(name)
    return import_blocks(read_document(raw, kind, name), figures, output=output)


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
    import os

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
        from authoring.validate import verdict

        report = load_report(path)
        problems = verdict(report, content=False).problems
        if any(p.severity == "error" and stops_render(p.rule) for p in problems):
            raise AuthoringError(problems=problems)
        return report.data
    # Figures lifted from a document are named after the noun beside them (licenses_items), so
    # two years' documents line up on the numbers they both report.
    return import_report(path, figures=True).data


# -- files a clerk goes on to edit, and the schema -------------------------------------------


@dataclass
class Written:
    """A file a job wrote, and the backup it made of the file that was there (with force)."""

    path: Path
    backup: Optional[Path] = None


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


def save_yaml(path: PathLike, text: str, *, force: bool = False) -> Optional[Path]:
    """Write a new report YAML: never over an existing file unless `force`, which first backs
    it up (the backup's path is returned)."""
    from authoring.fileio import write_new_file

    return write_new_file(path, text.encode("utf-8"), force)


def schema_text() -> str:
    """The JSON Schema of the report YAML, for editors (VS Code's YAML extension)."""
    from authoring.schema import json_schema_text

    return json_schema_text()


def install_schema() -> Path:
    """Install the JSON Schema in the user's folder (schemafile.py), where the `$schema` line of
    the YAMLs the tool writes points; returns its path."""
    from authoring.schemafile import install_schema as install

    return install()


def point_at_schema(path: PathLike) -> str:
    """Make a report YAML's first line name the installed JSON Schema (after it was e-mailed from
    another PC): only that line is rewritten, atomically; returns the new `$schema` value."""
    from authoring.schemafile import with_schema_line

    ref = install_schema().resolve().as_uri()
    raw = read_report_file(path)
    updated = with_schema_line(raw, ref)
    if updated != raw:
        save_file(path, updated)
    return ref


def schema_line_note(path: PathLike) -> Optional[str]:
    """A note for the clerk when a YAML's `$schema` line names a file this PC does not have."""
    from authoring.schemafile import broken_schema_line

    try:
        raw = read_report_file(path)
    except AuthoringError:
        return None
    broken = broken_schema_line(raw, Path(path))
    if broken is None:
        return None
    return (f"{path}:1: 提示：第一行的 $schema 指向的文件在本机不存在（{broken}），编辑器无法按格式提示；"
            f"运行 authoring schema --install {path} 改为本机的位置")


def save_file(path: PathLike, data: bytes) -> None:
    """Write bytes to a file atomically (a failure never leaves half a file)."""
    from authoring.fileio import write_atomic

    write_atomic(path, data)


def report_layout(path: Optional[PathLike] = None) -> dict[str, Any]:
    """The layout a report YAML file asks for (layout.yaml merged with its `layout:`), or the
    default layout without a file."""
    from authoring.write import resolve_layout

    return resolve_layout(load_report(path).data.get("layout") if path is not None else None)


def save_fontconfig(layout: dict[str, Any]) -> Path:
    """Write the user's fontconfig rules that make LibreOffice and WPS substitute the layout's
    missing fonts in the fonts table's order (Linux); returns the file written."""
    from authoring.fileio import write_atomic
    from authoring.fonts import fontconfig_aliases, user_fontconfig_path

    target = user_fontconfig_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, fontconfig_aliases(layout).encode("utf-8"))
    return target
