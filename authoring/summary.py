"""The 依法治市办's summary of a folder of checked reports: an Excel workbook (one row per
report; every finding with its file and place; who of the departments that must report is
missing) or a CSV that Excel on Chinese Windows opens without mojibake.

openpyxl writes and reads the workbook (it also reads the list of departments, 名单.xlsx)."""
from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from . import __version__
from .check import CheckReport, categories, csv_safe, part_columns, part_marks
from .decode import decode_text
from .docx.package import package_parts
from .errors import InputError
from .resources import load_data

__all__ = ["Summary", "summarize", "parse_expected", "build_xlsx", "build_csv", "summary_bytes", "csv_safe"]
_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass
class Summary:
    """What the workbook shows: one row per report, every finding, and who has not reported."""

    reports: list[CheckReport]
    dates: dict[str, str] = field(default_factory=dict)  # file → 成文日期
    names: dict[str, str] = field(default_factory=dict)  # file → as shown (relative to the folder)
    expected: list[str] = field(default_factory=list)
    matched: dict[str, str] = field(default_factory=dict)  # expected name → file

    @property
    def missing(self) -> list[str]:
        """The departments on the list with no report among the files."""
        return [n for n in self.expected if n not in self.matched]


def summarize(reports: Sequence[CheckReport], expected: Sequence[str] = (),
              dates: Optional[dict[str, str]] = None) -> Summary:
    """The summary of checked reports; `expected`: the departments that must report."""
    summary = Summary(list(reports), dict(dates or {}), expected=list(dict.fromkeys(expected)))
    for r in reports:
        summary.dates.setdefault(r.file, r.date)
    summary.names = shown_names([r.file for r in reports])
    taken: set[str] = set()
    for name in summary.expected:
        for r in reports:
            if r.file not in taken and agency_matches(name, r):
                summary.matched[name] = r.file
                taken.add(r.file)
                break
    return summary


# --- the list of departments -------------------------------------------------------------------


def _norm(name: str) -> str:
    name = unicodedata.normalize("NFKC", name)
    return re.sub(r"[\s　·•（）()【】\[\]“”\"']", "", name)


def _canonical(name: str) -> str:
    # 城管局 → 城市管理局, 市场监管局 → 市场监督管理局 … (rules.yaml agency_aliases)
    for group in load_data("rules.yaml")["params"]["agency_aliases"]:
        for alias in sorted(group, key=len, reverse=True):
            if name.endswith(alias):
                return name[: -len(alias)] + group[0]
    return name


def shown_names(files: Sequence[str]) -> dict[str, str]:
    """Files named relative to the folder they share, so that two 报告.docx in different
    sub-folders stay apart and the column stays narrow (as the check table does)."""
    if not files:
        return {}
    resolved = {f: os.path.abspath(f) for f in files}
    try:
        base = os.path.commonpath([os.path.dirname(p) for p in resolved.values()])
    except ValueError:  # files on different drives (C: and D:) share no folder
        return {f: f for f in files}
    return {f: os.path.relpath(p, base) for f, p in resolved.items()}


def agency_matches(name: str, report: CheckReport) -> bool:
    """True when a name on the list is this report's agency: the full name, a 简称 such as
    市城管局 for 常州市城市管理局, or the file named after the department."""
    want = _canonical(_norm(name))
    if not want:
        return False
    candidates = [report.agency, Path(report.file).stem]
    for cand in candidates:
        have = _canonical(_norm(cand or ""))
        if not have:
            continue
        if have == want or have.endswith(want) or want.endswith(have) and len(have) >= 4:
            return True
        # "常州市城管局" vs "常州市城市管理局": the same place and body.
        if want.startswith(("市", "区", "县")) and have.endswith(want[1:]) and len(want) > 2:
            return True
    # The file's name holds the department's name: "2024年度报告-市城管局.docx".
    stem = _canonical(_norm(Path(report.file).stem))
    return len(want) >= 3 and want in stem


def parse_expected(raw: bytes, name: str) -> list[str]:
    """The departments that must report, from a list's bytes: a .xlsx (the first column of its
    first sheet; a header such as 单位 is skipped) or text (one a line, UTF-8 or GBK; # starts a
    comment; a CSV's first column)."""
    if name.lower().endswith(".xlsx"):
        try:
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            ws = wb.worksheets[0]
            names = [str(row[0]).strip() for row in ws.iter_rows(values_only=True)
                     if row and row[0] is not None and str(row[0]).strip()]
            wb.close()
        except Exception as exc:  # noqa: BLE001 — any damaged workbook is the same to a clerk
            raise InputError("无法读取名单（不是有效的 .xlsx 文件）；请在 Excel 中另存为 .xlsx，"
                             "或改用每行一个单位的 .txt", file=name) from exc
        return [n for n in names if n not in _HEADERS]
    if name.lower().endswith((".txt", ".csv", ".text")):
        text = decode_text(raw, name, lenient=True)[0]
        out = []
        for line in text.splitlines():
            line = line.split("#", 1)[0].split(",", 1)[0].strip()
            if line and line not in _HEADERS:
                out.append(line)
        return out
    raise InputError("名单应为 .xlsx 或 .txt（每行一个单位）", file=name)


_HEADERS = ("单位", "单位名称", "部门", "名称", "应报单位")


# --- rows ---------------------------------------------------------------------------------------


def _report_columns() -> list[str]:
    cols = part_columns()
    return ["文件", "单位", "年度", *cols.values(), "第一责任人职责（写到的）", "第一责任人职责（未写到的）",
            "成文日期", "错误", "警告", "结论"]


def _report_rows(summary: Summary) -> list[list[Any]]:
    keys = list(part_columns())
    rows = []
    for r in summary.reports:
        marks = part_marks(r)
        named = "、".join(k for k, ok in r.duties.items() if ok)
        unnamed = "、".join(k for k, ok in r.duties.items() if not ok)
        verdict = "无法读取" if r.unreadable else ("通过" if r.ok else "有错误")
        rows.append([summary.names.get(r.file, r.file), r.agency if not r.unreadable else "", r.year or "",
                     *(marks[k] for k in keys), named, unnamed, summary.dates.get(r.file, ""),
                     r.count("error"), r.count("warning"), verdict])
    return rows


_FINDING_COLUMNS = ["文件", "单位", "级别", "位置", "所在部分", "问题", "规则", "类别"]


def _finding_rows(summary: Summary) -> list[list[Any]]:
    names = categories()
    rows = []
    for r in summary.reports:
        for f in r.findings:
            rows.append([summary.names.get(r.file, r.file), r.agency, _SEVERITY.get(f.severity, f.severity),
                         r.place_label(f.line),
                         f.heading, f.message, f.rule, names.get(f.category, f.category)])
    return rows


def _expected_rows(summary: Summary) -> list[list[Any]]:
    return [[n, "✓" if n in summary.matched else "✗",
             summary.names.get(summary.matched.get(n, ""), summary.matched.get(n, ""))]
            for n in summary.expected]


def _display_width(value: Any) -> int:
    text = str(value) if value is not None else ""
    return max((sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
                for line in text.splitlines() or [""]), default=0)


# --- the workbook -------------------------------------------------------------------------------


def build_xlsx(summary: Summary) -> bytes:
    """The workbook as bytes: 汇总 (one row per report), 问题明细 (every finding) and, with a
    list of departments, 报送情况; frozen header rows, filters, widths that fit Chinese."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    wb.properties.creator = "authoring"
    sheets = [("汇总", _report_columns(), _report_rows(summary)),
              ("问题明细", _FINDING_COLUMNS, _finding_rows(summary))]
    if summary.expected:
        sheets.append(("报送情况", ["应报单位", "已报送", "文件"], _expected_rows(summary)))
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, (title, columns, rows) in enumerate(sheets):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = title
        ws.append(columns)
        for row in rows:
            ws.append([None] * len(columns))
            r = ws.max_row
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c)
                cell.value = value
                if isinstance(value, str):
                    # Text stays text: "=1+1" or "-3" from a report must not become a formula.
                    cell.data_type = "s"
        for cell in ws[1]:
            cell.font, cell.fill = head_font, head_fill
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = ws.dimensions
        for c, name in enumerate(columns, start=1):
            widest = max([_display_width(name)] + [_display_width(row[c - 1]) for row in rows])
            letter = ws.cell(row=1, column=c).column_letter
            # Width in characters of the default font; a Chinese character is two.
            ws.column_dimensions[letter].width = min(max(widest + 2, 6), 60)
            if widest > 58:
                for row_cells in ws.iter_rows(min_row=2, min_col=c, max_col=c):
                    row_cells[0].alignment = wrap
    buf = io.BytesIO()
    wb.save(buf)
    # Zipped again and stamped with a hash of its parts, like the .docx: a workbook this tool
    # wrote is replaced on the next run, one someone edited in Excel is not (fileio).
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    return package_parts(parts, __version__)


_csv_safe = csv_safe


def build_csv(summary: Summary) -> bytes:
    """Sheet 1 as CSV: UTF-8 with a BOM (Excel on Chinese Windows reads it as UTF-8, not GBK),
    CRLF line ends, cells that Excel would take for formulas made text."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(_report_columns())
    for row in _report_rows(summary):
        w.writerow([_csv_safe(v) for v in row])
    if summary.expected:
        w.writerow([])
        w.writerow(["应报单位", "已报送", "文件"])
        for row in _expected_rows(summary):
            w.writerow([_csv_safe(v) for v in row])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def summary_bytes(summary: Summary, kind: str) -> bytes:
    """The summary as "xlsx" or "csv" bytes."""
    if kind == "xlsx":
        return build_xlsx(summary)
    if kind == "csv":
        return build_csv(summary)
    raise ValueError(f"kind must be xlsx or csv, got {kind!r}")
