"""The files the jobs write: the output format a file name asks for, the overwrite guard of each
format (a file this tool wrote and nobody changed since is replaced; one edited since only with
force, backed up first), and atomic saves of rendered reports, summaries, new YAMLs and bytes.
main.py re-exports every public name here: they are part of its API.

Like main.py, this module loads the writers a save needs only when it is called (fileio, html,
pdf, write), so that importing it costs a cold `authoring` nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence, Union

from authoring.blocks import Block
from authoring.errors import AuthoringError
from authoring.inputs import read_reference_doc

if TYPE_CHECKING:
    from authoring.check import CheckReport

PathLike = Union[str, Path]

@dataclass
class Written:
    """A file a job wrote, and the backup it made of the file that was there (with force)."""

    path: Path
    backup: Optional[Path] = None


# Output suffix → the format main.output_bytes writes.
OUTPUT_KINDS = {".docx": "docx", ".txt": "text", ".text": "text", ".html": "html", ".htm": "html",
                ".pdf": "pdf"}


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


def save_yaml(path: PathLike, text: str, *, force: bool = False) -> Optional[Path]:
    """Write a new report YAML: never over an existing file unless `force`, which first backs
    it up (the backup's path is returned)."""
    from authoring.fileio import write_new_file

    return write_new_file(path, text.encode("utf-8"), force)


def save_file(path: PathLike, data: bytes) -> None:
    """Write bytes to a file atomically (a failure never leaves half a file)."""
    from authoring.fileio import write_atomic

    write_atomic(path, data)


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
