"""Import a published report (.docx, .txt, .md, .html) into the YAML format, losing nothing."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Callable, Optional, Sequence, Union

from authoring.blocks import Block, Heading, Paragraph, Signature, Table, Title, block_text
from authoring.domain import part_keys, part_label
from authoring.errors import InputError, Place, Problem
from authoring.facts import find_agency, find_year, parse_date
from authoring.importtext import (
    KEYS,
    Entries,
    Names,
    block_level,
    clip,
    entry_or_text,
    finish_entry,
    join_text,
    lead_heading,
    tidy_all,
    with_points,
)
from authoring.lift import lift_facts, lift_figures
from authoring.numerals import chinese_number
from authoring.parts import find_parts
from authoring.read import ReadResult
from authoring.resources import load_data
from authoring.yamlout import FieldPath, dump_report, schema_ref

PART_KEYS = part_keys()


@dataclass
class ImportResult:
    """An imported report: the data, the commented YAML to write, and what a person should check."""

    data: dict[str, Any]
    yaml_text: str
    warnings: list[Problem] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    # The parts as the YAML has them: in the order it renders them, and how each got there.
    order: list[str] = field(default_factory=list)
    how: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """“找到 A、B、C；缺少 D（……）”: the parts in the YAML's order, as a person reads them."""
        found = [_label(k) + _HOW_SHOWN.get(self.how.get(k, ""), "") for k in self.order if self.how.get(k) != "missing"]
        missing = [_label(k) for k in self.order if self.how.get(k) == "missing"]
        text = "找到 " + ("、".join(found) or "（无）")
        if missing:
            text += f"；缺少 {'、'.join(missing)}（已填“{_gaps()['missing']}”，生成的是草稿）"
        return text


# How a part came into the YAML, as the summary says it (a part with its own heading: nothing).
_HOW_SHOWN = {
    "moved": "（原为其他部分中的小节，已单列）",
    "inline": "（原文只有一句话，待补写）",
    "shared": "（与另一部分合写，待分开）",
    "empty": "（原文只有标题，待补写）",
}


_REVIEW_KINDS = (("insertions", "插入"), ("deletions", "删除"), ("moves", "移动"), ("formatting", "格式"))


def _review_warnings(read: ReadResult) -> list[Problem]:
    """A Word file still under review is imported as if every tracked change were accepted and
    without its comments: said, so that nothing is taken or dropped without a word."""
    review = read.review or {}
    out: list[Problem] = []
    changes = [(review.get(k, 0), name) for k, name in _REVIEW_KINDS if review.get(k)]
    if changes:
        shown = "、".join(f"{name} {n} 处" for n, name in changes)
        out.append(Problem(
            f"原文件中还有 {sum(n for n, _ in changes)} 处未处理的修订（{shown}）：已按全部接受导入"
            "（插入的文字在内，删除的文字不在）；请核对", Place(read.path), "warning", "import-review"))
    if review.get("comments"):
        out.append(Problem(f"原文件中有 {review['comments']} 条批注，批注的内容没有导入；请在 Word 中看过批注后再核对",
                           Place(read.path), "warning", "import-review"))
    return out


def import_blocks(read: ReadResult, figures: bool = False, *, output: Optional[str] = None,
                  names: Names = KEYS) -> ImportResult:
    """A report document read into blocks → its parts (the checker's recognition) → the YAML data
    and its commented text (`output`: where it will be written, for the $schema path). The
    warnings name fields as `names` does (the YAML's keys unless the workbench names them by its
    form's labels); the YAML's comments beside the fields always by the keys."""
    name = read.path
    parts = find_parts(read.blocks)
    builder = _Builder(read.blocks, parts, name, names)
    data = builder.run()
    warnings = list(read.warnings) + [Problem(n.message, n.place, "warning", "import-read") for n in read.notes]
    # Chrome cut out of a line is told with its line (in read.notes); whole lines are listed here.
    inline = "".join(n.message for n in read.notes if n.rule == "read.chrome")
    lines = [c for c in read.chrome if c not in inline]
    if lines:
        shown = "｜".join(clip(c, 24) for c in lines)
        warnings.append(Problem(
            f"已略去 {len(lines)} 行网页栏目等非正文内容：{shown}", Place(name), "warning", "import-chrome"
        ))
    warnings += _review_warnings(read)
    builder.warnings += lift_facts(data, builder.notes, builder.blocks, name, figures, names)
    if figures:
        lift_figures(data, builder.notes)
    warnings += builder.warnings
    header = (
        f"由 {PurePath(name).name} 导入（authoring import）。标有“请核对”的注释是导入时拿不准的地方；",
        "核对后运行 authoring validate 检查，authoring render 生成 Word。",
    )
    text = dump_report(data, schema=schema_ref(output), notes=builder.notes, header=header)
    warnings.sort(key=lambda p: p.place.line or 0)
    found = [s.key for s in parts.spans]
    return ImportResult(data, text, warnings, list(read.chrome), found, builder.order, builder.how)


def refuse_yaml(name: str) -> InputError:
    """The error for a report YAML given to import: there is nothing to import."""
    return InputError("这已经是 YAML 报告，不需要导入；可直接 authoring validate / render", file=name)


def _rules() -> dict[str, Any]:
    return load_data("import.yaml")


def _gaps() -> dict[str, str]:
    """The placeholders import writes where the report has nothing (import.yaml `gaps`)."""
    return {k: str(v) for k, v in _rules()["gaps"].items()}


# -- blocks → entries ---------------------------------------------------------------------------

@dataclass
class _Placed:
    """One part as the YAML will hold it, and where it came from (for layout and messages)."""

    value: Any
    how: str  # "heading", "moved", "inline", "shared", "empty", "missing"
    heading: str = ""
    line: Optional[int] = None


class _Builder:
    """Walks the blocks once, placing each in the report's structure, and notes what it could not."""

    def __init__(self, blocks: Sequence[Block], parts: Any, file: str, names: Names = KEYS) -> None:
        self.names = names
        self.blocks = list(blocks)
        self.parts = parts
        self.file = file
        self.used = [False] * len(self.blocks)
        self.warnings: list[Problem] = []
        self.notes: dict[FieldPath, str] = {}
        self.placed: dict[str, _Placed] = {}
        self.order: list[str] = []
        self.how: dict[str, str] = {}

    def warn(self, message: Union[str, Callable[[Names], str]], line: Optional[int], rule: str,
             note_at: Optional[FieldPath] = None) -> None:
        """A warning; a message that names fields is worded by `self.names`, its note in the YAML by the keys."""
        said = self.names.text(message(self.names)) if callable(message) else message
        self.warnings.append(Problem(said, Place(self.file, line), "warning", rule))
        if note_at is not None:
            self.notes[note_at] = "请核对：" + (message(KEYS) if callable(message) else message)

    def run(self) -> dict[str, Any]:
        """The report data: frame, parts, opening, identity, first-responsible facts, the rest."""
        title, signature = self.take_frame()
        self.place_parts()
        preamble = self.take_preamble()
        data = self.identity(title, preamble)
        self.put_parts(data)
        self.put_first_responsible(data)
        self.put_unplaced(data)
        if signature is not None:
            data["signature"] = self.signature(self.blocks[signature])  # type: ignore[arg-type]
        self.put_layout(data)
        return tidy_all(data)

    # -- the frame and the opening ----------------------------------------------------------------

    def take_frame(self) -> tuple[Optional[int], Optional[int]]:
        """The title and the 落款 blocks, taken so that no part holds them."""
        title = next((i for i, b in enumerate(self.blocks) if isinstance(b, Title)), None)
        signature = next((i for i, b in enumerate(self.blocks) if isinstance(b, Signature)), None)
        for i in (title, signature):
            if i is not None:
                self.used[i] = True
        return title, signature

    def take_preamble(self) -> list[int]:
        """The opening paragraphs: everything before the first part heading that no part took."""
        starts = []
        for span in self.parts.spans:
            if span.form == "heading":
                head = self.heading_index(span)
                starts.append(span.start if head is None else head)
        first_head = min(starts, default=len(self.blocks))
        preamble = [i for i in range(first_head) if not self.used[i] and not isinstance(self.blocks[i], Table)]
        for i in preamble:
            self.used[i] = True
        return preamble

    def identity(self, title: Optional[int], preamble: list[int]) -> dict[str, Any]:
        """agency, year, title and preamble: from the same places `check` reads them."""
        data: dict[str, Any] = {"agency": self.agency(), "year": self.year()}
        if title is not None:
            data["title"] = self.blocks[title].text  # type: ignore[union-attr]
        if preamble:
            data["preamble"] = join_text(*(block_text(self.blocks[i]) for i in preamble))
        else:
            self.warn("原文没有开头段；生成时会按年度和会议自动补写一段，请核对", None, "import-preamble")
        return data

    def agency(self) -> dict[str, str]:
        """The agency as check names it (facts.find_agency), with the opening's shorter name."""
        name, seen = find_agency(self.blocks)
        if not name:
            self.warn(lambda n: f"未能从标题、开头段或落款识别单位名称，请在 {n('agency', 'name')} 填写单位全称", None,
                      "import-agency",
                      ("agency", "name"))
            return {"name": _gaps()["agency"]}
        subject = next(((n, line) for where, n, line in seen if where == "开头"), None)
        out = {"name": name}
        if subject is not None and len(subject[0]) < len(name):
            out["short_name"] = subject[0]
        elif subject is not None and len(seen) == 1:
            self.warn(f"单位名称“{name}”取自开头段，可能是简称；请核对并填写全称", subject[1], "import-agency",
                      ("agency", "name"))
        return out

    def year(self) -> Optional[int]:
        """The report year as check reads it (facts.find_year); a guess is said, naming its line."""
        found = find_year(self.blocks)
        if found is None:
            self.warn(lambda n: f"未能从标题、正文或落款识别报告年度，请填写 {n('year')}", None, "import-year", ("year",))
            return None
        if not found.certain:
            why = {"正文": f"正文中最常提到的年份（如“{found.example}”）", "落款日期": f"落款日期“{found.example}”",
                   "开头": f"开头的“{found.example}”"}.get(found.source, found.source)
            self.warn(f"标题和开头没有写明年度，按{why}定为 {found.year} 年；请核对", found.line, "import-year", ("year",))
        return found.year

    # -- the parts ----------------------------------------------------------------------------------

    def place_parts(self) -> None:
        """Each part's content, taken from the blocks; a part inside another first."""
        spans = list(self.parts.spans)
        for span in sorted(spans, key=lambda s: s.form == "heading"):
            if span.key in self.placed:
                continue  # a part written twice: the second stays for the unplaced content
            shared = [s for s in spans if (s.start, s.end) == (span.start, span.end) and s.key in self.placed]
            if span.form in ("inline", "preamble"):
                self.place_inline(span)
            elif shared:
                self.place_shared(span, shared[0])
            else:
                self.place_span(span)

    def place_inline(self, span: Any) -> None:
        self.warn(
            lambda n: f"第一责任人只在一句话中提到（“{clip(span.heading, 30)}”），没有单列一部分；"
            f"原文留在原处，{n('first_responsible', 'duties')} 已填“{_gaps()['first_responsible']}”，需要补写",
            span.line, "import-first-responsible-inline", ("first_responsible",),
        )
        self.placed[span.key] = _Placed({"duties": [_gaps()["first_responsible"]]}, "inline", "", span.line)

    def place_shared(self, span: Any, other: Any) -> None:
        self.warn(
            lambda n: f"“{span.heading}”一节同时是{_label(other.key)}和{_label(span.key)}，内容已全部放入"
            f" {n(other.key)}；请把属于{_label(span.key)}的内容移到 {n(span.key)}",
            span.line, "import-shared-part", (span.key,),
        )
        self.placed[span.key] = _Placed(self.gap(span.key, "shared"), "shared", "", span.line)
        self.order.append(span.key)

    def place_span(self, span: Any) -> None:
        head = self.heading_index(span)
        if head is not None:
            self.used[head] = True
        content = [i for i in range(span.start, span.end) if not self.used[i]]
        for i in content:
            self.used[i] = True
        value = self.part(span.key, content, span)
        how = "heading" if span.form == "heading" else "moved"
        if _is_empty(value):
            self.warn(f"“{span.heading}”部分只有标题，没有内容；已填“{_gaps()['empty']}”，需要补写", span.line,
                      "import-empty-part", (span.key,))
            value, how = self.gap(span.key, "empty"), "empty"
        self.placed[span.key] = _Placed(value, how, span.heading, span.line)
        if span.form == "heading":
            self.order.append(span.key)

    def gap(self, key: str, kind: str) -> Any:
        """What stands for a part the report does not give: a placeholder validate and check flag."""
        text = _gaps()[kind]
        return {"duties": [text]} if key == "first_responsible" else [text]

    def put_parts(self, data: dict[str, Any]) -> None:
        """Every part into the data; a required part the report lacks becomes a marked gap, so that
        the report renders as a draft before anyone fills it."""
        for key in PART_KEYS:
            if key in self.placed:
                if key == "other" and self.placed[key].how == "empty":
                    continue  # optional: better absent than a gap to fill
                data[key] = self.placed[key].value
            elif key in self.parts.missing:
                self.placed[key] = _Placed(self.gap(key, "missing"), "missing")
                data[key] = self.placed[key].value
                self.warn(lambda n: f"原文没有找到“{_label(key)}”部分，已填“{_gaps()['missing']}”；"
                          f"生成的是草稿，{n.step('validate')} 会提醒补写", None, "import-missing-part", (key,))

    def put_first_responsible(self, data: dict[str, Any]) -> None:
        """Part two's leader, lifted from the text (the 第一责任人 facts are lifted from the
        finished data by _lift_facts, which needs every part in place)."""
        if "first_responsible" in data:
            fr = {"leader": self.leader(), **data["first_responsible"]}
            if not fr.get("text"):
                # The report opens part two with no paragraph of its own: render must not add one
                # (import invents nothing; the default opening is ~150 characters of the 规定).
                fr = {"leader": fr["leader"], "default_opening": False, **{k: v for k, v in fr.items() if k != "leader"}}
            data["first_responsible"] = fr

    def put_unplaced(self, data: dict[str, Any]) -> None:
        """Blocks no part took, kept in `other` under a heading that says so."""
        unplaced = self.unplaced()
        if unplaced:
            data.setdefault("other", [])
            at = len(data["other"])
            data["other"].extend(unplaced)
            self.notes[("other", at)] = "请核对：导入时未能归入任何部分的内容，请移到合适的位置或删除"

    def put_layout(self, data: dict[str, Any]) -> None:
        """The report's own part headings (they are its words) and its order if not the default;
        a part moved out of another is said where it now stands."""
        self.order = self.yaml_order(data)
        self.how = {k: self.placed[k].how if k in self.placed else "heading" for k in self.order}
        layout: dict[str, Any] = {}
        default = [k for k in PART_KEYS if k in data]
        if self.order != default:
            layout["order"] = self.order
        headings = {k: p.heading for k, p in self.placed.items() if p.heading and p.how != "shared"}
        if headings:
            layout["headings"] = {k: headings[k] for k in PART_KEYS if k in headings}
        if layout:
            data["layout"] = layout
        for key, placed in self.placed.items():
            if placed.how == "moved":
                self.warn(f"第一责任人原为其他部分中的小节（“{placed.heading}”），已移出，"
                          f"单列为第{chinese_number(self.order.index(key) + 1)}部分", placed.line,
                          "import-first-responsible-moved", ("first_responsible",))

    def yaml_order(self, data: dict[str, Any]) -> list[str]:
        """The parts in the order the YAML renders them: those with their own heading as the report
        has them; any other at its default place, after the part that precedes it by default."""
        order = [k for k in self.order if k in data]
        for key in (k for k in PART_KEYS if k in data and k not in order):
            before = [k for k in PART_KEYS[:PART_KEYS.index(key)] if k in order]
            order.insert(order.index(before[-1]) + 1 if before else 0, key)
        return order

    # -- one part's content -----------------------------------------------------------------------

    def heading_index(self, span: Any) -> Optional[int]:
        """The block holding a part's own heading line, when it stands apart from the content: a
        heading, or an unnumbered line that is only the heading ("存在的主要问题")."""
        i = span.start - 1
        if span.form not in ("heading", "subsection") or i < 0:
            return None
        b = self.blocks[i]
        if isinstance(b, Heading) and b.text == span.heading:
            return i
        if isinstance(b, Paragraph) and not b.number and not b.lead and b.text == span.heading:
            return i
        return None

    def part(self, key: str, content: list[int], span: Any) -> Any:
        """One part's content as the YAML holds it."""
        lead_block = self.blocks[content[0]] if content else None
        if (
            isinstance(lead_block, Paragraph) and lead_block.lead and lead_block.number
            and lead_heading(lead_block.lead) == lead_heading(span.heading)
        ):
            # The part's heading runs into its first paragraph: keep that paragraph's body only.
            self.blocks[content[0]] = Paragraph(lead_block.text, line=lead_block.line)
        leads, entries = self.entries(content)
        if key == "first_responsible":
            if entries:
                out: dict[str, Any] = {}
                if leads:
                    out["text"] = join_text(*leads)
                out["duties"] = entries
                return out
            return {"duties": [entry_or_text(with_points({"text": t})) for t in leads]}
        return [entry_or_text(with_points({"text": t})) for t in leads] + entries

    def entries(self, content: list[int]) -> tuple[list[str], list[Any]]:
        """(plain paragraphs before the first numbered one, entries with their items)."""
        levels = [block_level(self.blocks[i]) for i in content if block_level(self.blocks[i])]
        walk = Entries(min(levels) if levels else 0)
        for i in content:
            walk.add(self.blocks[i])
        bare = [line for line, entry in walk.heads if set(entry) == {"heading"}]
        if bare:
            self.warn(lambda n: f"第 {bare[0]} 行起有 {len(bare)} 项只有一句标题、没有正文，已作为正文导入"
                      f"（生成时不带“（一）”这样的编号）；如需编号，请为各项补写 {n.leaf('achievements', 0, 'text')}", bare[0],
                      "import-bare-heading")
        return walk.leads, [entry_or_text(finish_entry(e)) for e in walk.entries]

    def leader(self) -> str:
        """The main leader's title as the report names it, else the default (flagged)."""
        span = self.parts.get("first_responsible")
        texts = []
        if span is not None:
            texts.append("".join(block_text(b) for b in self.blocks[span.start:span.end]))
        texts.append("".join(block_text(b) for b in self.blocks))
        for text in texts:
            for pattern in _rules()["leader"]:
                m = re.search(pattern, text)
                if m:
                    return m.group(1)
        default = str(_rules()["leader_default"])
        self.warn(f"未能从原文识别主要负责人的职务，已填“{default}”；请核对", span.line if span else None,
                  "import-leader", ("first_responsible", "leader"))
        return default

    def signature(self, sig: Signature) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if sig.name:
            out["name"] = sig.name
        if sig.date:
            date = parse_date(sig.date)
            if date is None:
                self.warn(lambda n: f"落款日期“{sig.date}”无法识别，已略去；请在 {n('signature', 'date')} 按 2025-02-20 的形式填写",
                          sig.line, "import-date", ("signature",))
            else:
                out["date"] = date
        return out

    def unplaced(self) -> list[dict[str, Any]]:
        """Blocks no part took, as `other` entries under a heading that says so, each warned about."""
        heading = str(_rules()["unplaced_heading"])
        out: list[dict[str, Any]] = []
        run: list[int] = []
        for i in list(range(len(self.blocks))) + [len(self.blocks)]:
            if i < len(self.blocks) and not self.used[i] and not isinstance(self.blocks[i], Table):
                run.append(i)
                continue
            if run:
                out.append({"heading": heading, "text": join_text(*(block_text(self.blocks[j]) for j in run))})
                self.warn(lambda n: f"第 {self.blocks[run[0]].line} 行起 {len(run)} 段未能归入任何部分，已放入 {n('other')}，请核对",
                          self.blocks[run[0]].line, "import-unplaced")
                run = []
            if i < len(self.blocks) and not self.used[i]:
                table = self.blocks[i]
                out.append({"heading": heading, "table": [list(r) for r in table.rows]})  # type: ignore[union-attr]
                self.warn(lambda n: f"有一个表格未能归入任何部分，已放入 {n('other')}，请核对", table.line, "import-unplaced")
            if i < len(self.blocks):
                self.used[i] = True
        return out


def _label(key: str) -> str:
    return part_label(key)


def _is_empty(value: Any) -> bool:
    return not (value.get("duties") or value.get("text")) if isinstance(value, dict) else not value


