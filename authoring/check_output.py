"""Checked reports as data for machines and spreadsheets: `check --format json` and `--format
csv`, written report by report, every CSV cell kept from starting an Excel formula."""
from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from authoring.domain import part_labels

if TYPE_CHECKING:
    from authoring.check import CheckReport

def report_to_dict(report: CheckReport) -> dict[str, Any]:
    """One report as plain data (what `--format json` prints)."""
    labels = part_labels()
    return {
        "file": report.file,
        "kind": report.kind,
        "unit": report.unit,  # what "line" counts: text lines, or Word paragraphs
        "agency": report.agency,
        "year": report.year,
        "parts": [
            {"key": s.key, "label": labels[s.key], "heading": s.heading, "line": s.line, "form": s.form}
            for s in report.parts.spans
        ],
        "order": report.parts.order,
        "missing": report.missing,
        "duties": report.duties,
        "areas": report.areas,
        "errors": report.count("error"),
        "warnings": report.count("warning"),
        "findings": [
            {"rule": f.rule, "category": f.category, "severity": f.severity, "message": f.message,
             "line": f.line, "heading": f.heading}
            for f in report.findings
        ],
    }


def report_to_json(reports: Iterable[CheckReport]) -> str:
    """Reports as a JSON array (UTF-8 text, Chinese kept readable)."""
    return "".join(json_chunks(reports))


def json_chunks(reports: Iterable[CheckReport]) -> Iterator[str]:
    """report_to_json's text piece by piece, one report at a time (a folder of thousands is
    written as it is checked, without holding every report): the same characters as
    json.dumps(list, indent=2), whose items are each dumped one level in."""
    first = True
    for r in reports:
        item = json.dumps(report_to_dict(r), ensure_ascii=False, indent=2)
        # JSON strings hold no raw newline, so every line of an item is indented alike.
        yield ("[\n" if first else ",\n") + "  " + item.replace("\n", "\n  ")
        first = False
    yield "[]\n" if first else "\n]\n"


def part_marks(report: CheckReport) -> dict[str, str]:
    """✓ or ✗ for each part key (the optional part too): ✗ for a part missing, or only a heading
    with nothing under it; ✗ for everything when unreadable."""
    return {k: ("✓" if report.has_part(k) else "✗") for k in part_labels()}


def report_to_csv(reports: Iterable[CheckReport]) -> str:
    """One row per file: file, agency, year, each part ✓/✗, error and warning counts, summary."""
    return "".join(csv_chunks(reports))


# Excel reads a cell that starts with one of these as a formula (CSV and typed-in text alike).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A CSV cell that Excel shows as the text it is: one that would start a formula (=, +, -, @,
    a tab or CR first) gets an apostrophe, which marks it as text. Every CSV the tool writes
    (this summary, `check --format csv`) goes through here."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # Excel shows the text; the apostrophe marks it as text
    return value


def csv_chunks(reports: Iterable[CheckReport]) -> Iterator[str]:
    """report_to_csv's text line by line: the header, then each report's row as it comes (each
    cell through csv_safe: a title "=HYPERLINK(…)" was a live formula in Excel)."""
    labels = part_labels()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")

    def row(values: list[Any]) -> str:
        buf.seek(0)
        buf.truncate()
        w.writerow(values)
        return buf.getvalue()

    yield row(["文件", "单位", "年度", *labels.values(), "错误", "警告", "问题摘要"])
    for r in reports:
        marks = part_marks(r)
        summary = "；".join(f.message for f in r.findings if f.severity != "info")
        yield row([csv_safe(v) for v in [r.file, r.agency, r.year or "", *(marks[k] for k in labels),
                                         r.count("error"), r.count("warning"), summary]])
