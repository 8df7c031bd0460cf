"""The workbench's calls into the library, in one place: the same pipeline functions the command
line calls, on data in memory. Nothing here validates, recognises or words anything itself."""
from __future__ import annotations

import html as _html
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional, Sequence

from authoring.blocks import Block, Heading, Paragraph, Signature, Table, Title
from authoring.errors import AuthoringError, Problem
from authoring.load import LoadedReport
from authoring.main import verdict  # validate's verdict on data in memory, as main runs it


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
        return sum(1 for p in self.problems if p.severity == "warning")

    @property
    def notes(self) -> int:
        """How many notes for the drafter's attention (提示)."""
        return sum(1 for p in self.problems if p.severity not in ("error", "warning"))


def analyze(loaded: Optional[LoadedReport], load_error: Optional[AuthoringError], *,
            templates: Optional[str] = None) -> Analysis:
    """`authoring validate`'s verdict on the text, and the blocks it rendered to on the way
    (none when an error stops rendering): what the page shows beside the fields and as pages."""
    if loaded is None:
        return Analysis(list(load_error.problems) if load_error else [])
    found = verdict(loaded, templates=templates)
    return Analysis(list(found.problems), list(found.blocks) if found.renderable else None, loaded)


def form_wording(problem: Problem) -> str:
    """A problem's message as the form names fields. duties.missing names the YAML's keys, which
    the command line gives beside the file's line (请填写 first_responsible.court); the page
    names them by the labels the clerk sees (请填写“行政机关负责人出庭应诉”). The rule words it
    once: the message is the one duty_message wrote, asked again with the form's labels."""
    if problem.rule == "yaml.entry_empty":
        return _entry_wording(problem)
    if problem.rule != "duties.missing":
        return problem.message
    return _duty_wordings().get(problem.message, problem.message)


def _entry_wording(problem: Problem) -> str:
    """yaml.entry_empty's fields to fill as the form labels them (请填写“正文”或“分项”), not as
    the YAML names them (text（正文）或 items（分项）): the rule's wording, filled by the entry's path."""
    from authoring.rules import rules_table
    from authoring.web.form import field_label

    template = str(rules_table()["rules"]["yaml.entry_empty"]["message"])
    path = problem.place.path
    keys = ("text",) if path[:1] == ("first_responsible",) else ("text", "items")
    said = problem.message.removeprefix(template.split("{fill}")[0])
    if not path or said == problem.message or any(k not in said for k in keys):
        return problem.message  # not the message this wording knows: the validator's words
    fill = "或".join(f"“{field_label(path + (k,))}”" for k in keys)
    return template.format(fill=fill).replace(" “", "“")


@lru_cache(maxsize=1)
def _duty_wordings() -> dict[str, str]:
    """Every message duties.missing gives on a report YAML → the same with the form's labels."""
    from authoring.check_parts import duty_message
    from authoring.duties import duty_specs
    from authoring.web.form import field_label

    out: dict[str, str] = {}
    for duty in duty_specs():
        facts = duty.get("facts") or []
        # validate's three cases: nothing given; a fact listed as said by the text; a fact given
        # that part two as rendered does not show
        for stated, unprinted in [("", ""), *((k, "") for k in facts), *(("", k) for k in facts)]:
            said = duty_message(duty, "yaml", stated=stated, unprinted=unprinted)
            out[said] = duty_message(duty, "yaml", stated=stated, unprinted=unprinted, label=field_label)
    return out


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


def preview_fonts(layout: Optional[dict[str, Any]], families: set[str]) -> list[dict[str, Any]]:
    """Each font role of the report (正文 仿宋_GB2312 …), whether this machine has the font, and
    the face the preview is drawn in instead: the first of the preview's CSS font list (the
    HTML writer's) this machine has. The browser is on this machine (127.0.0.1), so it picks
    the same; `authoring fonts` says what Word, WPS and LibreOffice would use."""
    from authoring.docx.layout import resolve_layout
    from authoring.fonts import ROLE_NAMES
    from authoring.html import font_stack

    folded = {f.casefold() for f in families}

    def _present(name: str) -> bool:
        return name.casefold() in folded

    resolved = resolve_layout(layout)
    out = []
    for role, font in (resolved.get("fonts") or {}).items():
        if role == "latin":
            continue
        font = str(font)
        names = [n.strip().strip('"') for n in font_stack(resolved, role).split(",")]
        shown = next((n for n in names if n not in ("serif", "sans-serif") and _present(n)), None)
        out.append({"role": ROLE_NAMES.get(role, role), "font": font, "installed": _present(font),
                    "shown": shown or ("系统默认的黑体类字体" if role == "heading1" else "系统默认字体")})
    return out


# What each Deliver button makes: the suffix of the file written beside the report.
DELIVERABLES = {"docx": ".docx", "txt": ".txt", "html": ".html", "pdf": ".pdf"}


# A Deliver button → the kind output_bytes makes.
_KINDS = {"docx": "docx", "txt": "text", "html": "html", "pdf": "pdf"}


def deliverable(loaded: LoadedReport, kind: str, *, templates: Optional[str] = None,
                reference_doc: Optional[str] = None) -> bytes:
    """The bytes `authoring render -o 报告<suffix>` writes for this report (refused with every
    problem when the report has errors, as the command refuses)."""
    from authoring.main import output_bytes, render

    result = render(loaded, templates=templates)
    reference = None
    if reference_doc is not None and kind in ("docx", "pdf"):
        from authoring.inputs import read_reference_doc

        reference = read_reference_doc(reference_doc)
    return output_bytes(result, _KINDS[kind], reference_doc=reference, reference_name=reference_doc or "")


def save_deliverable(target: Any, data: bytes, kind: str, *, force: bool) -> Any:
    """Write a deliverable beside the report atomically, with the command line's overwrite guard;
    returns the backup made when `force` replaced an edited file."""
    from authoring.main import save_rendered

    return save_rendered(target, data, _KINDS[kind], force=force)


def pdf_available() -> bool:
    """Whether LibreOffice is installed here (the PDF button needs it)."""
    from authoring.pdf import find_soffice

    return find_soffice() is not None


# -- 检查: uploaded reports, checked as `authoring check` checks files ---------------------------


def upload_limit(name: str) -> int:
    """The most bytes an upload of this kind may have: the command line's limits."""
    from authoring.inputs import kind_of
    from authoring.load import MAX_BYTES
    from authoring.docx.container import MAX_DOCX_UNPACKED
    from authoring.read import MAX_TEXT_BYTES

    kind = kind_of(name)
    if kind == "docx":
        return MAX_DOCX_UNPACKED
    if kind == "yaml":
        return MAX_BYTES
    return MAX_TEXT_BYTES


def check_upload(raw: bytes, name: str) -> Any:
    """One uploaded report checked: `authoring check` on its bytes (an unreadable file is a
    report too, with the reason). Runs in a worker process, so it must stay a plain function."""
    from authoring.main import check_named

    return check_named(raw, name)


def check_row(report: Any) -> dict[str, Any]:
    """A checked report for the page: the summary's marks and counts, each part found and each
    finding with its place as the command line names it."""
    from authoring.check import part_columns, part_labels, part_marks, report_to_dict
    from authoring.resources import load_data

    out = report_to_dict(report)
    labels = part_labels()
    forms = load_data("rules.yaml")["display"]["forms"]
    names = {"error": "错误", "warning": "警告", "info": "提示"}
    out["unreadable"] = report.unreadable
    out["marks"] = {k: v for k, v in part_marks(report).items() if k in part_columns() and k != "other"}
    out["missing_labels"] = [labels[k] for k in report.missing]
    out["parts"] = [
        {"label": labels[s.key], "form_label": forms[s.form] if s.form != "heading" else "",
         "place": report.place_label(s.line), "heading": s.heading}
        for s in sorted(report.parts.spans, key=lambda s: (s.start, s.key))
    ]
    for f, finding in zip(out["findings"], report.findings):
        f["place"] = "　".join(x for x in (report.place_label(finding.line), finding.heading) if x)
        f["severity_label"] = names.get(finding.severity, finding.severity)
    return out


def summary_bytes(reports: Sequence[Any], fmt: str) -> bytes:
    """The summary of a batch: the workbook or CSV `authoring check -o 汇总.xlsx|.csv` writes."""
    from authoring.summary import summarize
    from authoring.summary import summary_bytes as build

    return build(summarize(list(reports)), "xlsx" if fmt == "xlsx" else "csv")


# -- 导入 / 下一年度 ----------------------------------------------------------------------------


def import_upload(raw: bytes, name: str, *, figures: bool, output: str) -> Any:
    """Last year's Word, text or web report (its bytes) → report YAML: `authoring import`, its
    warnings naming the fields by the form's labels (“单位全称”, not agency.name) and the checking
    by the page's problems list (not validate); the YAML's comments keep the keys."""
    from authoring.importtext import Names
    from authoring.inputs import document_kind
    from authoring.main import import_document
    from authoring.web.form import field_label

    names = Names(field_label, {"validate": "问题列表"})
    return import_document(raw, document_kind(name), name, figures=figures, output=output, names=names)


def next_year(loaded: LoadedReport, output: str) -> Any:
    """Next year's draft of the report: `authoring init --from` on the data in memory."""
    from authoring.main import draft_report
    from authoring.yamlout import schema_ref

    return draft_report(loaded, output=output, schema=schema_ref(output))


def plans_checklist(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Last year's plans and where this year's report answers each (`authoring compare`)."""
    from authoring.main import compare_data
    from authoring.plans import STATUS_LABELS

    try:
        result = compare_data(old, new)
    except AuthoringError:
        return []
    return [{"plan": m.plan, "status": m.status, "label": STATUS_LABELS.get(m.status, m.status),
             "where": m.where, "source": m.source, "passage": m.passage} for m in result.plans]
