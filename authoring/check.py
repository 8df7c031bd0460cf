"""Check a report's blocks — read from YAML, Word, text, Markdown or a saved web page — for the
mandated parts and content: find parts → run the rules → findings. Rules, severities and
messages are data (data/rules.yaml); this module only decides where they apply. The rules come
in families, each in its module: check_parts (parts, duties, coverage), check_years,
check_figures, check_leftovers, hygiene; the file's own (reading, Word layout) are here."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Sequence, Union

from authoring.blocks import Block, Signature
from authoring.check_context import Context, fmt, params, part_body
from authoring.check_figures import figure_rules
from authoring.check_leftovers import leftover_rules
from authoring.check_output import (  # noqa: F401  (re-exported: check's output before check_output.py)
    csv_chunks,
    csv_safe,
    json_chunks,
    part_marks,
    report_to_csv,
    report_to_dict,
    report_to_json,
)
from authoring.check_parts import (  # noqa: F401  (re-exported: validate words its duties with these)
    coverage_rules,
    duties_covered,
    duty_message,
    duty_rules,
    missing_duties,
    part_rules,
)
from authoring.check_years import year_rules
from authoring.domain import part_labels  # noqa: F401  (re-exported)
from authoring.errors import Problem
from authoring.hygiene import hygiene_rules
from authoring.parts import PartsResult, find_parts
from authoring.read import ReadResult
from authoring.resources import load_data
from authoring.rules import (  # noqa: F401  (re-exported: the checker's names before rules.py)
    SEVERITIES,
    Finding,
    categories,
    ignored,
    make_finding,
    rule_ids,
    rules_table,
    validate_ignore,
)



@dataclass
class CheckReport:
    """Everything the checker says about one file."""

    file: str
    kind: str = ""
    agency: str = ""
    year: Optional[int] = None
    parts: PartsResult = field(default_factory=PartsResult)
    findings: list[Finding] = field(default_factory=list)
    duties: dict[str, bool] = field(default_factory=dict)
    areas: dict[str, bool] = field(default_factory=dict)
    unit: str = "line"  # "line" for text, "paragraph" for Word
    date: str = ""  # the 成文日期 of the 落款, as written
    # Where a part heading stands with nothing under it (its span's start): the part is not there
    # in any sense a reader would count, whether or not parts.empty is ignored.
    empty: set[int] = field(default_factory=set)

    def has_part(self, key: str) -> bool:
        """Whether the report has this part with something in it (a heading alone is not a part)."""
        return not self.unreadable and any(s.key == key and s.start not in self.empty for s in self.parts.spans)

    @property
    def missing(self) -> list[str]:
        """Required part keys not found in any form."""
        return list(self.parts.missing)

    @property
    def unreadable(self) -> bool:
        """True when the file could not be read at all."""
        return any(f.rule == "unreadable" for f in self.findings)

    def count(self, severity: str) -> int:
        """How many findings have this severity."""
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def ok(self) -> bool:
        """No error-level finding."""
        return self.count("error") == 0

    def place_label(self, line: Optional[int]) -> str:
        """'第 12 行' for text, '第 12 段' for Word."""
        if line is None:
            return ""
        return f"第 {line} 段" if self.unit == "paragraph" else f"第 {line} 行"


def part_columns() -> dict[str, str]:
    """Part key → the short name of its column in a summary table."""
    return dict(rules_table()["display"]["part_columns"])


# -- the pipeline -------------------------------------------------------------------------------


def unreadable_report(name: str, kind: str, problems: Sequence[Problem]) -> CheckReport:
    """The report on a file that could not be read: one 'unreadable' error per reason."""
    report = CheckReport(name, kind=kind)
    for p in problems:
        reason = f"{p.place.field}：{p.message}" if p.place.field else p.message
        report.findings.append(make_finding("unreadable", p.place.line, "", reason=reason))
    return report


def failed_report(name: str, kind: str, error: Exception) -> CheckReport:
    """The report on a file that tripped a reader or a rule in a way nobody foresaw."""
    report = CheckReport(name, kind=kind)
    reason = f"检查时出错（{type(error).__name__}: {error}），请把这个文件反馈给维护者"
    report.findings.append(make_finding("unreadable", None, "", reason=reason))
    return report


def totals_line(reports: Sequence[CheckReport]) -> str:
    """The counts of what the checker found in reports: `2 个错误、1 个警告、3 条提示`."""
    e = sum(r.count("error") for r in reports)
    w = sum(r.count("warning") for r in reports)
    i = sum(r.count("info") for r in reports)
    return f"{e} 个错误、{w} 个警告、{i} 条提示"


def exit_code(reports: Sequence[CheckReport]) -> int:
    """2 when a file could not be read, else 1 when any error-level finding, else 0."""
    if any(r.unreadable for r in reports):
        return 2
    return 1 if any(not r.ok for r in reports) else 0


def check_blocks(
    source_blocks: Union[ReadResult, Sequence[Block]],
    *,
    source: str = "",
    ignore: Iterable[str] = (),
) -> CheckReport:
    """Run every rule on a report's blocks (or a ReadResult) and return the report."""
    if isinstance(source_blocks, ReadResult):
        read: Optional[ReadResult] = source_blocks
        blocks = list(source_blocks.blocks)
        source = source or source_blocks.path
    else:
        read = None
        blocks = list(source_blocks)
    parts = find_parts(blocks)
    ctx = Context(blocks, parts, source, read)
    report = CheckReport(source, read.kind if read else "", ctx.agency, parts.year, parts)
    report.unit = "paragraph" if read is not None and read.kind == "docx" else "line"
    report.date = next((b.date for b in reversed(blocks) if isinstance(b, Signature)), "")
    report.empty = {s.start for s in parts.spans if s.form == "heading" and not part_body(blocks, s)}
    findings: list[Finding] = []
    findings += _read_rules(read)
    findings += part_rules(ctx)
    duties, fs = duty_rules(ctx)
    report.duties = duties
    findings += fs
    findings += year_rules(ctx)
    findings += figure_rules(ctx)
    findings += leftover_rules(ctx)
    areas, fs = coverage_rules(ctx)
    report.areas = areas
    findings += fs
    findings += hygiene_rules(ctx)
    if read is not None and read.docx_layout:
        findings += _layout_rules(read.docx_layout, ctx)
    report.findings = [f for f in findings if not ignored(f.rule, ignore)]
    return report


# -- read ---------------------------------------------------------------------------------------


def _read_rules(read: Optional[ReadResult]) -> list[Finding]:
    out: list[Finding] = []
    if read is None:
        return out
    for w in read.warnings:
        rule = w.rule if w.rule in rules_table()["rules"] else "read.layout"
        out.append(make_finding(rule, w.place.line, "", message=w.message) if rule == "read.layout"
                   else Finding(rule, w.severity, "read", w.message, w.place.line))
    if read.chrome:
        example = read.chrome[0][:20]
        out.append(make_finding("read.chrome", count=len(read.chrome), example=example))
    if read.encoding and read.encoding not in ("utf-8", "utf-8-sig"):
        out.append(make_finding("read.encoding", encoding=read.encoding.upper()))
    return out


# -- layout (Word only) -------------------------------------------------------------------------


def _layout_rules(facts: dict[str, Any], ctx: Context) -> list[Finding]:
    spec = load_data("layout.yaml")
    p = params()
    out: list[Finding] = []
    page = facts.get("page", {})
    w, h = page.get("width_mm"), page.get("height_mm")
    tol = float(p["page_tolerance_mm"])
    want_w, want_h = spec["page"]["width_mm"], spec["page"]["height_mm"]
    if w is not None and h is not None and not (abs(w - want_w) <= tol and abs(h - want_h) <= tol):
        out.append(make_finding("layout.page_size", found=f"{fmt(w)} × {fmt(h)} mm"))
    mtol = float(p["margin_tolerance_mm"])
    for side, key in (("上", "top_mm"), ("下", "bottom_mm"), ("左", "left_mm"), ("右", "right_mm")):
        found, want = page.get(key), spec["page"][key]
        if found is not None and abs(found - want) > mtol:
            out.append(make_finding("layout.margin", side=side, found=fmt(found), expected=want,
                                    tolerance=fmt(mtol)))
    fonts = facts.get("fonts", {})
    for role, name in rules_table()["display"]["roles"].items():
        f = fonts.get(role)
        if not f:
            continue
        configured = spec["fonts"].get(role, "")
        accepted = set(p["fonts"].get(role, [])) | {configured}
        expected = configured or next(iter(p["fonts"].get(role, [""])))
        line = f.get("paragraph")
        if f.get("east_asia") is None:
            out.append(make_finding("layout.font_not_east_asian", line, "", what=name, expected=expected))
        elif f["east_asia"] not in accepted:
            out.append(make_finding("layout.font", line, "", what=name, found=f["east_asia"], expected=expected))
        want_size = p["sizes"].get(role)
        if want_size and f.get("size") is not None and abs(float(f["size"]) - float(want_size)) > 0.1:
            out.append(make_finding("layout.font_size", line, "", what=name, found=fmt(float(f["size"])),
                                    expected=want_size))
    footer = facts.get("footer", {})
    if footer:
        if not footer.get("page_number"):
            out.append(make_finding("layout.page_number"))
        elif not footer.get("odd_even"):
            out.append(make_finding("layout.page_number_odd_even"))
    return out
