"""Check a report's blocks — read from YAML, Word, text, Markdown or a saved web page — for the
mandated parts and content: find parts → run the rules → findings. Rules, severities and
messages are data (data/rules.yaml); this module only decides where they apply."""
from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Optional, Sequence, Union

from authoring.blocks import Block, Heading, Paragraph, Signature, Table, Title, block_text
from authoring.domain import part_labels, submission_deadline
from authoring.duties import duty_specs, fact_label
from authoring.errors import Problem
from authoring.facts import find_agency
from authoring.hygiene import hygiene_rules
from authoring.parts import PartSpan, PartsResult, classify_heading, find_parts
from authoring.read import ReadResult, normalize_text
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


def _rules() -> dict[str, Any]:
    return rules_table()


def _params() -> dict[str, Any]:
    return _rules()["params"]


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
    return dict(_rules()["display"]["part_columns"])


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
    ctx = _Context(blocks, parts, source, read)
    report = CheckReport(source, read.kind if read else "", ctx.agency, parts.year, parts)
    report.unit = "paragraph" if read is not None and read.kind == "docx" else "line"
    report.date = next((b.date for b in reversed(blocks) if isinstance(b, Signature)), "")
    report.empty = {s.start for s in parts.spans if s.form == "heading" and not _part_body(blocks, s)}
    findings: list[Finding] = []
    findings += _read_rules(read)
    findings += _part_rules(ctx)
    duties, fs = _duty_rules(ctx)
    report.duties = duties
    findings += fs
    findings += _year_rules(ctx)
    findings += _figure_rules(ctx)
    findings += _leftover_rules(ctx)
    areas, fs = _coverage_rules(ctx)
    report.areas = areas
    findings += fs
    findings += hygiene_rules(ctx)
    if read is not None and read.docx_layout:
        findings += _layout_rules(read.docx_layout, ctx)
    report.findings = [f for f in findings if not ignored(f.rule, ignore)]
    return report


# -- context shared by the rules ----------------------------------------------------------------


class _Context:
    """The blocks, their parts and the facts several rules need (year, agency, part headings)."""

    def __init__(self, blocks: list[Block], parts: PartsResult, source: str,
                 read: Optional[ReadResult]) -> None:
        self.blocks = blocks
        self.parts = parts
        self.source = source
        self.read = read
        self.year = parts.year
        self.texts = [block_text(b) for b in blocks]
        self.norms = [normalize_text(t) for t in self.texts]
        self.agency, self.agency_candidates = find_agency(blocks)
        # The part heading each block sits under, for the place of a finding.
        self.under: list[str] = [""] * len(blocks)
        for span in parts.spans:
            if span.form != "heading":
                continue
            label = _heading_label(blocks, span.start, span.heading)
            for i in range(max(span.start - 1, 0), span.end):
                self.under[i] = label

    def span_text(self, key: str) -> str:
        """All the text of a part (its first span), heading included."""
        return _part_text(self.blocks, self.parts, key)

    def line(self, i: int) -> Optional[int]:
        """The line (or Word paragraph number) of block i."""
        return self.blocks[i].line if 0 <= i < len(self.blocks) else None


def _heading_label(blocks: list[Block], start: int, heading: str) -> str:
    for j in (start - 1, start):
        if 0 <= j < len(blocks):
            b = blocks[j]
            if isinstance(b, Heading) and b.text == heading:
                return b.full_text
            if isinstance(b, Paragraph) and b.lead == heading:
                return b.number + b.lead
    return heading


# -- read ---------------------------------------------------------------------------------------


def _read_rules(read: Optional[ReadResult]) -> list[Finding]:
    out: list[Finding] = []
    if read is None:
        return out
    for w in read.warnings:
        rule = w.rule if w.rule in _rules()["rules"] else "read.layout"
        out.append(make_finding(rule, w.place.line, "", message=w.message) if rule == "read.layout"
                   else Finding(rule, w.severity, "read", w.message, w.place.line))
    if read.chrome:
        example = read.chrome[0][:20]
        out.append(make_finding("read.chrome", count=len(read.chrome), example=example))
    if read.encoding and read.encoding not in ("utf-8", "utf-8-sig"):
        out.append(make_finding("read.encoding", encoding=read.encoding.upper()))
    return out


# -- parts --------------------------------------------------------------------------------------


def _part_rules(ctx: _Context) -> list[Finding]:
    labels = part_labels()
    out: list[Finding] = []
    for key in ctx.parts.missing:
        out.append(make_finding("parts.missing", label=labels[key]))
    seen: dict[str, str] = {}
    for span in ctx.parts.spans:
        label = _heading_label(ctx.blocks, span.start, span.heading)
        if span.form != "heading":
            if span.key == "first_responsible":
                out.append(make_finding("parts.first_responsible_not_separate", span.line, "",
                                        form=_rules()["display"]["forms"][span.form], heading=_shorten(span.heading, 40)))
            else:
                out.append(make_finding("parts.not_separate", span.line, "", label=labels[span.key],
                                        form=_rules()["display"]["forms"][span.form], heading=_shorten(span.heading, 40)))
            continue
        if span.key in seen:
            # The other heading by its words, not its line: a YAML and its Word file number
            # their lines differently, and the message must be the same for both.
            out.append(make_finding("parts.duplicate", span.line, label, label=labels[span.key],
                                    other=_shorten(seen[span.key], 30)))
        else:
            seen[span.key] = label
        if not _part_body(ctx.blocks, span):
            out.append(make_finding("parts.empty", span.line, label, label=labels[span.key]))
        if span.key == "achievements" and classify_heading(span.heading, ctx.year) != ["achievements"]:
            out.append(make_finding("parts.topical", span.line, label, heading=_shorten(span.heading, 30)))
    return out


def _part_body(blocks: Sequence[Block], span: PartSpan) -> str:
    """The text under a part's heading (nothing for a heading alone)."""
    return "".join(_content_text(b) for b in blocks[span.start:span.end]).strip()


def _content_text(b: Block) -> str:
    if isinstance(b, Paragraph):
        return b.text
    if isinstance(b, Signature):
        return ""
    return block_text(b)


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# -- 第一责任人 duties ----------------------------------------------------------------------------


def duties_covered(text: str, given: Iterable[str] = ()) -> dict[str, bool]:
    """Duty id → whether part two's `text` mentions the duty, or a fact `given` for it (a duty id
    from the report YAML) answers it. A document has no facts: only its text counts."""
    norm = normalize_text(text)
    answered = set(given)
    out: dict[str, bool] = {}
    for duty in duty_specs():
        seen = norm
        for phrase in duty.get("except") or []:
            seen = seen.replace(phrase, "")
        out[duty["id"]] = duty["id"] in answered or any(k in seen for k in duty["keywords"])
    return out


def missing_duties(blocks: Sequence[Block], given: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The rule `duties.missing` on a report's blocks: the duties of the 2016 规定 that part two
    neither mentions nor answers with a fact (validate passes the facts of the YAML it rendered)."""
    parts = find_parts(list(blocks))
    if parts.get("first_responsible") is None:
        return []  # parts.missing says so
    covered = duties_covered(_part_text(list(blocks), parts, "first_responsible"), given)
    return [d for d in duty_specs() if not covered[d["id"]]]


def _part_text(blocks: list[Block], parts: PartsResult, key: str) -> str:
    """All the text of a part (its first span), heading included."""
    span = parts.get(key)
    if span is None:
        return ""
    if span.form in ("inline", "preamble"):
        return span.text or span.heading
    return span.heading + "\n" + "\n".join(block_text(b) for b in blocks[span.start:span.end])


def duty_message(duty: dict[str, Any], source: str = "document", stated: str = "", unprinted: str = "") -> str:
    """The `duties.missing` message for one duty: on a document it names the duty; on a report
    YAML (`source="yaml"`) it also names the fields to fill, or the fact `stated` that the YAML
    lists as said by the text (in_text) when the text does not say it, or the fact given that
    part two as rendered does not show (`unprinted`)."""
    spec = _rules()["rules"]["duties.missing"]
    if source != "yaml":
        return str(spec["message"]).format(duty=duty["name"])
    if stated or unprinted:
        fill = spec["fill_stated"].format(key=stated) if stated else spec["fill_unprinted"].format(key=unprinted)
        return str(spec["yaml_message"]).format(duty=duty["name"], fill=fill)

    # The field's Chinese name only where the duty's name does not already say it.
    keys = "或".join(f"first_responsible.{k}" + ("" if fact_label(k) in duty["name"] else f"（{fact_label(k)}）")
                    for k in duty.get("facts") or [])
    fill = spec["fill_facts"].format(keys=keys) if keys else spec["fill_text"]
    return str(spec["yaml_message"]).format(duty=duty["name"], fill=fill)


def _duty_rules(ctx: _Context) -> tuple[dict[str, bool], list[Finding]]:
    span = ctx.parts.get("first_responsible")
    if span is None:
        return {}, []
    covered = duties_covered(ctx.span_text("first_responsible"))
    label = _heading_label(ctx.blocks, span.start, span.heading)
    where = label if span.form == "heading" else ""
    spec = _rules()["rules"]["duties.missing"]
    findings = [
        Finding("duties.missing", spec["severity"], spec["category"], duty_message(d), span.line, where)
        for d in duty_specs() if not covered[d["id"]]
    ]
    return {d["name"]: covered[d["id"]] for d in duty_specs()}, findings


# -- year ---------------------------------------------------------------------------------------


_RANGE = re.compile(r"\d{4}\s*[—–\-－~～至到]+\s*\d{4}\s*年|\d{4}\s*年?\s*[—–\-－~～至到]+\s*\d{4}")


def _year_rules(ctx: _Context) -> list[Finding]:
    out: list[Finding] = []
    year = ctx.year
    if year is None:
        return [make_finding("year.unknown")]
    title = next((b for b in ctx.blocks[:3] if isinstance(b, Title)), None)
    title_year = None
    if title is not None:
        m = re.search(r"(\d{4})\s*年", normalize_text(title.text))
        title_year = int(m.group(1)) if m else None
    opening = next((i for i, b in enumerate(ctx.blocks[:6]) if isinstance(b, Paragraph) and not b.number), None)
    if title_year is not None and opening is not None:
        m = re.match(r"\s*(\d{4})\s*年(度)?\s*[，,]", ctx.norms[opening])
        if m and int(m.group(1)) != title_year:
            out.append(make_finding("year.title_mismatch", ctx.line(opening), ctx.under[opening],
                                    title_year=title_year, text_year=int(m.group(1))))

    reported: set[str] = set()
    for i, norm in enumerate(ctx.norms):
        for m in re.finditer(r"(\d{4})\s*年(度)?以来", norm):
            since = int(m.group(1))
            # Last year's "以来" is what a copied report keeps; "2019年以来累计……" is a deliberate
            # multi-year figure, and a year after the report year is always wrong.
            stale = year - int(_params()["since_years_back"]) <= since < year
            if (stale or since > year) and m.group(0) not in reported:
                reported.add(m.group(0))
                out.append(make_finding("year.since", ctx.line(i), ctx.under[i],
                                        found=ctx.texts[i][m.start():m.end()], year=year))

    plan = ctx.parts.get("plans")
    if plan is not None and plan.form == "heading":
        wrong: set[int] = set()
        m = re.search(r"(\d{4})\s*年", normalize_text(plan.heading))
        if m and not _RANGE.search(normalize_text(plan.heading)) and int(m.group(1)) != year + 1:
            wrong.add(int(m.group(1)))
            out.append(make_finding("year.plan", plan.line, _heading_label(ctx.blocks, plan.start, plan.heading),
                                    found=m.group(1), expected=year + 1))
        # Under a combined "存在的问题和下一步打算" heading the problems come first and rightly
        # name the report year: only a plans part of its own is read paragraph by paragraph.
        shared = any(s.key != "plans" and (s.start, s.end) == (plan.start, plan.end) for s in ctx.parts.spans)
        for i in range(plan.start, plan.start if shared else plan.end):
            b = ctx.blocks[i]
            text = normalize_text(b.text) if isinstance(b, Paragraph) else ""
            m = re.match(r"\s*(\d{4})\s*年(度)?(?![—–\-－~～至到\d])", text)
            if m and int(m.group(1)) != year + 1 and int(m.group(1)) not in wrong:
                wrong.add(int(m.group(1)))
                out.append(make_finding("year.plan", ctx.line(i), ctx.under[i],
                                        found=m.group(1), expected=year + 1))
    out += _meeting_rules(ctx, year)
    return out


def _meeting_rules(ctx: _Context, year: int) -> list[Finding]:
    data = load_data("meetings.yaml")
    patterns = data.get("patterns", {})
    text = "\n".join(ctx.norms)
    cited: list[dict[str, Any]] = []
    first_line: dict[str, Optional[int]] = {}
    def held(m: dict[str, Any]) -> tuple[int, int]:
        y, mo = str(m["held"]).split("-")[:2]
        return int(y), int(mo)

    # The report is submitted by the deadline (data/deadlines.yaml); the table has a meeting's
    # month, so a meeting is after the deadline only when its month starts after it.
    submitted = submission_deadline(year)

    def after_deadline(m: dict[str, Any]) -> bool:
        return _dt.date(*held(m), 1) > submitted

    collective = data.get("collective") or {}
    for m in data["meetings"]:
        rx = patterns.get(m["name"])
        if collective.get(m["congress"]) and not after_deadline(m):
            # "二十届历次全会" cites every plenum of the congress held before the report was due.
            rx = f"{rx}|{collective[m['congress']]}" if rx else None
        if not rx:
            continue
        for i, norm in enumerate(ctx.norms):
            if re.search(rx, norm):
                cited.append(m)
                first_line[m["name"]] = ctx.line(i)
                break
    out: list[Finding] = []
    if not cited:
        return out

    # A meeting held after the report was submitted cannot be cited.
    for m in cited:
        if after_deadline(m):
            out.append(make_finding("year.future_meeting", first_line[m["name"]], "",
                                    found=m["name"], held=str(m["held"]), year=year))
    current = [m for m in data["meetings"] if held(m)[0] <= year and patterns.get(m["name"])]
    if current:
        expected = max(current, key=held)
        names = {m["name"] for m in cited}
        if expected["name"] not in names and held(expected)[0] >= year - 1 and text:
            older = [m["name"] for m in cited if held(m) < held(expected)]
            if older:
                out.append(make_finding("year.stale_meeting", first_line[older[0]], "",
                                        found="、".join(older), expected=expected["name"], year=year))
    return out


# -- figures ------------------------------------------------------------------------------------


# A number starts where a run of digits starts (the lookbehind): tried at every digit of a long
# run, the patterns below were quadratic in its length.
_NUM = r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万)?"


def _number(value: str, wan: Optional[str]) -> float:
    return float(value) * (10000 if wan else 1)


def _sentences(norm: str) -> Iterable[tuple[int, str]]:
    pos = 0
    for m in re.finditer(r"[^。！？]+[。！？]?", norm):
        yield m.start(), m.group(0)
        pos = m.end()
    del pos


def _figure_rules(ctx: _Context) -> list[Finding]:
    p = _params()
    rate_words = re.compile(p["rate_words"])
    change_words = re.compile(p["change_words"])
    units = p["units"]
    whole_rx = re.compile(r"共(?:计|有)?[^0-9，。；：]{0,12}?" + _NUM + rf"\s*({units})")
    item_rx = _NUM + r"\s*({u})"
    rates_rx = re.compile(rf"({p['completion_rates']})[^0-9。；]{{0,6}}100(?:\.0+)?\s*%")
    out: list[Finding] = []
    for i, b in enumerate(ctx.blocks):
        if not isinstance(b, (Paragraph, Heading)):
            continue
        norm, orig = ctx.norms[i], ctx.texts[i]
        norm = norm.replace("％", "%")
        for m in re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)\s*%", norm):
            if float(m.group(1)) <= 100:
                continue
            # The clause the percentage belongs to (looked for within 60 characters: a rate word is near).
            lo = max(0, m.start() - 60)
            clause_start = max([lo - 1] + [norm.rfind(c, lo, m.start()) for c in "，。；：、"]) + 1
            before = norm[clause_start:m.start()]
            found = orig[clause_start:m.end()].strip()
            if change_words.search(before):
                continue
            rule = "figures.percent_over_100" if rate_words.search(before) else "figures.percent_check"
            out.append(make_finding(rule, ctx.line(i), ctx.under[i], found=_shorten(found, 40)))
        for start, sent in _sentences(norm):
            out += _parts_exceed(ctx, i, start, sent, whole_rx, item_rx, orig)
            rm = rates_rx.search(sent)
            if rm:
                reason = _rate_contradiction(sent, units)
                if reason:
                    out.append(make_finding("figures.rate_contradicted", ctx.line(i), ctx.under[i],
                                            rate=orig[start + rm.start():start + rm.end()], reason=reason))
    return out


def _parts_exceed(ctx: _Context, i: int, start: int, sent: str, whole_rx: re.Pattern[str],
                  item_rx: str, orig: str) -> list[Finding]:
    import bisect

    out: list[Finding] = []
    wholes = list(whole_rx.finditer(sent))
    # Where each 其中 and each 共 stands, found once: searching and slicing the rest of the
    # sentence for every total was quadratic in the number of totals (60,000 共N件 in a line).
    among = [m.start() for m in re.finditer("其中", sent)]
    totals = [m.start() for m in re.finditer("共", sent)]
    for n, wm in enumerate(wholes):
        at = bisect.bisect_left(among, wm.end())
        if at == len(among):
            continue
        k = among[at]
        if n + 1 < len(wholes) and wholes[n + 1].end() <= k:
            continue  # another total sits between this one and 其中: the items belong to it
        whole, unit = _number(wm.group(1), wm.group(2)), wm.group(3)
        # The items run from 其中 to the next total (共…) or the end of the sentence.
        after = bisect.bisect_left(totals, k)
        nxt = totals[after] if after < len(totals) else -1
        seg = sent[k:nxt if nxt > 0 else len(sent)]
        items = [_number(a, w) for a, w, _u in re.findall(item_rx.format(u=re.escape(unit)), seg)]
        if items and sum(items) > whole:
            found = orig[start + wm.start():start + k + len(seg)].rstrip("。")
            out.append(make_finding("figures.parts_exceed_whole", ctx.line(i), ctx.under[i],
                                    parts=_fmt(sum(items)), whole=_fmt(whole), unit=unit,
                                    found=_shorten(found, 50)))
    return out


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


def _rate_contradiction(sent: str, units: str) -> str:
    p = _params()
    u = f"(?:{units})"
    pending, received, done_word = p["pending_words"], p["received_words"], p["done_word"]
    left = (re.search(rf"(?:{pending})[^0-9。，；]{{0,6}}(\d+)\s*{u}", sent)
            or re.search(rf"(\d+)\s*{u}[^0-9。，；]{{0,4}}(?:{pending})", sent))
    if left and int(left.group(1)) > 0:
        return f"同句写有{left.group(0)}"
    got = re.search(rf"(?:{received})[^0-9。；]{{0,10}}?(\d+)\s*{u}", sent)
    done = re.search(rf"{done_word}(?!率)[^0-9。，；]{{0,6}}(\d+)\s*{u}", sent)
    if got and done and int(done.group(1)) < int(got.group(1)):
        return f"{got.group(0)}，{done.group(0)}"
    return ""


# -- leftovers ----------------------------------------------------------------------------------


def _canonical(name: str) -> str:
    for group in _params()["agency_aliases"]:
        for alias in sorted(group, key=len, reverse=True):
            if name.endswith(alias):
                return name[: -len(alias)] + group[0]
    return name


def _split_agency(name: str) -> tuple[str, str, list[str]]:
    """(place, level, body aliases) of an agency name like 九龙坡区城市管理局."""
    for group in _params()["agency_aliases"]:
        for alias in sorted(group, key=len, reverse=True):
            if name.endswith(alias) and len(name) > len(alias):
                rest = name[: -len(alias)]
                if rest[-1] in "省市区县州旗":
                    return rest[:-1], rest[-1], list(group)
    return "", "", []


def _leftover_rules(ctx: _Context) -> list[Finding]:
    return _placeholder_findings(ctx) + _agency_mismatch_findings(ctx) + _other_agency_findings(ctx)


def _placeholder_findings(ctx: _Context) -> list[Finding]:
    """Text left for a clerk to replace (data/placeholders.yaml), once per text and block."""
    out: list[Finding] = []
    pats = [re.compile(p) for p in load_data("placeholders.yaml")["placeholders"]]
    for i, text in enumerate(ctx.texts):
        if isinstance(ctx.blocks[i], Table):
            continue
        reported: set[str] = set()
        covered: list[tuple[int, int]] = []  # "【待补充数字】" is one placeholder, not two
        for rx in pats:
            for m in rx.finditer(text):
                s = m.group(0)
                if any(a < m.end() and m.start() < b for a, b in covered):
                    continue
                covered.append((m.start(), m.end()))
                if not _in_latin_word(text, m) and s not in reported:
                    reported.add(s)
                    out.append(make_finding("leftovers.placeholder", ctx.line(i), ctx.under[i], found=s))
    return out


def _in_latin_word(text: str, m: re.Match[str]) -> bool:
    # "xx" inside a latin word or a web address (xxgk) is not a placeholder.
    return m.group(0).isascii() and (
        (m.start() > 0 and bool(re.match(r"[A-Za-z0-9./_-]", text[m.start() - 1])))
        or (m.end() < len(text) and bool(re.match(r"[A-Za-z0-9./_-]", text[m.end()])))
    )


def _agency_mismatch_findings(ctx: _Context) -> list[Finding]:
    """The 落款, title and opening naming different agencies."""
    out: list[Finding] = []
    cands = ctx.agency_candidates
    for a in range(len(cands)):
        for b in range(a + 1, len(cands)):
            ca, cb = _canonical(cands[a][1]), _canonical(cands[b][1])
            if not (ca.endswith(cb) or cb.endswith(ca)):
                out.append(make_finding("leftovers.agency_mismatch", cands[b][2], "",
                                        where_a=cands[a][0], a=cands[a][1], where_b=cands[b][0], b=cands[b][1]))
    return out


def _other_agency_findings(ctx: _Context) -> list[Finding]:
    """Another place's agency of the same kind (沙坪坝区城市管理局 in 九龙坡区's report): text
    copied from a neighbour's report."""
    place, level, bodies = _split_agency(_canonical(ctx.agency)) if ctx.agency else ("", "", [])
    if not (place and bodies):
        return []
    out: list[Finding] = []
    not_places = re.compile(_params()["not_places"])
    body_alt = "|".join(re.escape(x) for x in sorted(bodies, key=len, reverse=True))
    # A place name starts after punctuation or a one-character function word ("在沙坪坝区…",
    # "与沙坪坝区…") and has none of the characters that mark ordinary words ("整体划入市…").
    rx = re.compile(rf"(?:^|(?<=[{_params()['place_boundary']}]))"
                    rf"([^{_params()['not_place_chars']}\W\d]{{2,4}}?){level}(?:{body_alt})")
    reported = set()
    for i, norm in enumerate(ctx.norms):
        for m in rx.finditer(norm):
            other = m.group(1)
            if other.endswith(place) or place.endswith(other) or not_places.search(other):
                continue
            found = ctx.texts[i][m.start():m.end()]
            if found not in reported:
                reported.add(found)
                out.append(make_finding("leftovers.other_agency", ctx.line(i), ctx.under[i],
                                        found=found, agency=ctx.agency))
    return out


# -- coverage of part one -----------------------------------------------------------------------


def _coverage_rules(ctx: _Context) -> tuple[dict[str, bool], list[Finding]]:
    span = ctx.parts.get("achievements")
    if span is None:
        return {}, []
    text = normalize_text(ctx.span_text("achievements"))
    areas = {a["name"]: any(normalize_text(k) in text for k in a["keywords"])
             for a in load_data("areas.yaml")["areas"]}
    untouched = [n for n, ok in areas.items() if not ok]
    if not untouched:
        return areas, []
    label = _heading_label(ctx.blocks, span.start, span.heading)
    return areas, [make_finding("coverage.areas", span.line, label, areas="、".join(untouched))]


# -- layout (Word only) -------------------------------------------------------------------------


def _layout_rules(facts: dict[str, Any], ctx: _Context) -> list[Finding]:
    spec = load_data("layout.yaml")
    p = _params()
    out: list[Finding] = []
    page = facts.get("page", {})
    w, h = page.get("width_mm"), page.get("height_mm")
    tol = float(p["page_tolerance_mm"])
    want_w, want_h = spec["page"]["width_mm"], spec["page"]["height_mm"]
    if w is not None and h is not None and not (abs(w - want_w) <= tol and abs(h - want_h) <= tol):
        out.append(make_finding("layout.page_size", found=f"{_fmt(w)} × {_fmt(h)} mm"))
    mtol = float(p["margin_tolerance_mm"])
    for side, key in (("上", "top_mm"), ("下", "bottom_mm"), ("左", "left_mm"), ("右", "right_mm")):
        found, want = page.get(key), spec["page"][key]
        if found is not None and abs(found - want) > mtol:
            out.append(make_finding("layout.margin", side=side, found=_fmt(found), expected=want,
                                    tolerance=_fmt(mtol)))
    fonts = facts.get("fonts", {})
    for role, name in _rules()["display"]["roles"].items():
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
            out.append(make_finding("layout.font_size", line, "", what=name, found=_fmt(float(f["size"])),
                                    expected=want_size))
    footer = facts.get("footer", {})
    if footer:
        if not footer.get("page_number"):
            out.append(make_finding("layout.page_number"))
        elif not footer.get("odd_even"):
            out.append(make_finding("layout.page_number_odd_even"))
    return out


# -- output for machines ------------------------------------------------------------------------


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
