"""The workbench's calls into the library, in one place: the same pipeline functions the command
line calls, on data in memory. Nothing here validates, recognises or words anything itself."""
from __future__ import annotations

import html as _html
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from authoring.blocks import Block, Heading, Paragraph, Signature, Table, Title
from authoring.errors import AuthoringError, Problem
from authoring.load import LoadedReport
from authoring.render import render_report
from authoring.validate import validate_report


@dataclass
class Analysis:
    """What the validator and the renderer say about the page's text now."""

    problems: list[Problem] = field(default_factory=list)
    blocks: Optional[list[Block]] = None
    report: Optional[LoadedReport] = None

    @property
    def errors(self) -> int:
        """How many error-level problems."""
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        """How many warnings."""
        return sum(1 for p in self.problems if p.severity != "error")


def analyze(loaded: Optional[LoadedReport], load_error: Optional[AuthoringError], *,
            templates: Optional[str] = None) -> Analysis:
    """Validate, and render when there is no error: `authoring validate` then `render`."""
    if loaded is None:
        return Analysis(list(load_error.problems) if load_error else [])
    problems = validate_report(loaded)
    result = Analysis(problems, None, loaded)
    if result.errors:
        return result
    try:
        result.blocks = render_report(loaded, templates=templates)
    except AuthoringError as exc:  # a template error: shown as the render command shows it
        result.problems = result.problems + exc.problems
    return result


def preview_html(blocks: Sequence[Block], layout: Optional[dict[str, Any]]) -> str:
    """The report as pages, from the same blocks the Word writer takes."""
    try:
        from authoring.html import build_html  # the HTML writer of blocks (pages mode)
    except ImportError:
        return _plain_preview(blocks)
    return str(build_html(list(blocks), mode="pages", layout=layout))


def _plain_preview(blocks: Sequence[Block]) -> str:
    """The blocks one after another, for a library without the HTML writer."""
    out = ["<!doctype html><html lang=zh-CN><meta charset=utf-8><style>"
           "body{background:#888;margin:0;padding:16px}.page{background:#fff;width:210mm;margin:0 auto;"
           "padding:37mm 26mm 35mm 28mm;box-sizing:border-box;font:16pt/28.95pt FangSong,仿宋,serif}"
           "h1{font:22pt/1.3 serif;text-align:center}p{margin:0;text-indent:2em}</style><body><div class=page>"]
    for i, b in enumerate(blocks):
        attrs = f' data-block="{i}"'
        if isinstance(b, Title):
            out.append(f"<h1{attrs}>{_html.escape(b.text)}</h1>")
        elif isinstance(b, Heading):
            out.append(f"<p{attrs}><b>{_html.escape(b.full_text)}</b></p>")
        elif isinstance(b, Paragraph):
            out.append(f"<p{attrs}>{_html.escape(b.full_text)}</p>")
        elif isinstance(b, Table):
            rows = "".join("<tr>" + "".join(f"<td>{_html.escape(c)}</td>" for c in r) + "</tr>" for r in b.rows)
            out.append(f"<table{attrs} border=1>{rows}</table>")
        elif isinstance(b, Signature):
            out.append(f"<p{attrs} style='text-align:right'>{_html.escape(b.name)}<br>{_html.escape(b.date)}</p>")
    out.append("</div></body></html>")
    return "".join(out)


# What each Deliver button makes: the suffix of the file written beside the report.
DELIVERABLES = {"docx": ".docx", "txt": ".txt", "html": ".html", "pdf": ".pdf"}


def deliverable(loaded: LoadedReport, kind: str, *, templates: Optional[str] = None,
                reference_doc: Optional[str] = None) -> bytes:
    """The bytes `authoring render -o 报告<suffix>` writes for this report (refused with every
    problem when the report has errors, as the command refuses)."""
    problems = validate_report(loaded)
    if any(p.severity == "error" for p in problems):
        raise AuthoringError(problems=problems)
    blocks = render_report(loaded, templates=templates)
    if kind == "docx":
        # TODO(orchestration): main.output_bytes(result, "docx") once the entry layer lands.
        from authoring.write import build_docx

        data = loaded.data
        signature = data.get("signature") or {}
        meta = {"title": next((b.text for b in blocks if isinstance(b, Title)), ""),
                "agency": data["agency"]["name"], "year": data["year"], "date": signature.get("date")}
        return build_docx(blocks, layout=data.get("layout"), reference_doc=reference_doc, meta=meta)
    if kind == "txt":
        from authoring.blocks import blocks_to_text

        return blocks_to_text(blocks).encode("utf-8")
    raise AuthoringError(f"本版本还不能生成 {DELIVERABLES.get(kind, kind)} 文件")


def save_deliverable(target: Any, data: bytes, kind: str, *, force: bool) -> Any:
    """Write a deliverable beside the report atomically, with the command line's overwrite guard;
    returns the backup made when `force` replaced an edited file."""
    from authoring.fileio import guard_overwrite, write_atomic

    backup = guard_overwrite(target, force, same_as=None if kind == "docx" else data)
    write_atomic(target, data)
    return backup
