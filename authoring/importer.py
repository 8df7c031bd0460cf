"""Import a published report (.docx, .txt, .md, .html) into the YAML format, losing nothing."""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Optional, Sequence

from authoring.blocks import Block, Heading, Paragraph, Signature, Table, Title, block_text
from authoring.errors import InputError, Place, Problem
from authoring.parts import find_parts
from authoring.read import ReadResult
from authoring.resources import load_data
from authoring.yamlout import FieldPath, dump_report, schema_ref

PART_KEYS = ("achievements", "first_responsible", "shortcomings", "plans", "other")
_CN_NUM = "一二三四五六七八九十"


@dataclass
class ImportResult:
    """An imported report: the data, the commented YAML to write, and what a person should check."""

    data: dict[str, Any]
    yaml_text: str
    warnings: list[Problem] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)


def import_blocks(read: ReadResult, figures: bool = False, *, output: Optional[str] = None) -> ImportResult:
    """A report document read into blocks → its parts (the checker's recognition) → the YAML data
    and its commented text (`output`: where it will be written, for the $schema path)."""
    name = read.path
    parts = find_parts(read.blocks)
    builder = _Builder(read.blocks, parts, name)
    data = builder.run()
    warnings = list(read.warnings)
    if read.chrome:
        shown = "｜".join(_clip(c, 24) for c in read.chrome)
        warnings.append(Problem(
            f"已略去 {len(read.chrome)} 行网页栏目等非正文内容：{shown}", Place(name), "warning", "import-chrome"
        ))
    if figures:
        _lift_figures(data, builder.notes)
    warnings += builder.warnings
    header = (
        f"由 {PurePath(name).name} 导入（authoring import）。标有“请核对”的注释是导入时拿不准的地方；",
        "核对后运行 authoring validate 检查，authoring render 生成 Word。",
    )
    text = dump_report(data, schema=schema_ref(output), notes=builder.notes, header=header)
    warnings.sort(key=lambda p: p.place.line or 0)
    found = [s.key for s in parts.spans]
    return ImportResult(data, text, warnings, list(read.chrome), found)


def refuse_yaml(name: str) -> InputError:
    """The error for a report YAML given to import: there is nothing to import."""
    return InputError("这已经是 YAML 报告，不需要导入；可直接 authoring validate / render", file=name)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _rules() -> dict[str, Any]:
    return load_data("import.yaml")


def _level(b: Block) -> int:
    """The heading level of a numbered block (0 for body text)."""
    if isinstance(b, Heading):
        return b.level
    if isinstance(b, Paragraph) and b.number:
        return b.level or 0
    return 0


def _lead_heading(lead: str) -> str:
    """A run-in heading as the YAML keeps it: without the 。 the renderer puts back."""
    return lead.strip().removesuffix("。").removesuffix(".").strip()


def _join(*texts: Optional[str]) -> str:
    return "\n".join(t for t in texts if t)


# -- 一是、二是 runs -----------------------------------------------------------------------------------

def split_points(text: str) -> tuple[str, list[str]]:
    """“前言：一是甲。二是乙。” → ("前言：", ["甲。", "乙。"]); no run of two or more → (text, [])."""
    starts: list[int] = []
    pos = 0
    for n in range(1, 11):
        marker = _cn(n) + "是"
        found = -1
        for m in re.finditer(re.escape(marker), text[pos:]):
            at = pos + m.start()
            if at == 0 or text[at - 1] in "。；;，,：:！？!? \n":
                found = at
                break
        if found < 0:
            break
        starts.append(found)
        pos = found + len(marker)
    if len(starts) < 2:
        return text, []
    points = []
    for k, at in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(text)
        points.append(text[at + len(_cn(k + 1)) + 1:end].strip())
    # Points are sentences: "一是甲，二是乙" stays running text (the renderer ends each point with 。).
    if any(not p for p in points) or any(p[-1] not in "。；;！？!?：:" for p in points[:-1]):
        return text, []
    return text[: starts[0]].strip(), points


def _cn(n: int) -> str:
    return _CN_NUM[n - 1] if n <= 10 else str(n)


def _with_points(entry: dict[str, Any]) -> dict[str, Any]:
    """Move an 一是/二是 run at the end of the entry's text into `points`."""
    text = entry.get("text")
    if not isinstance(text, str) or entry.get("points"):
        return entry
    paras = text.split("\n")
    prefix, points = split_points(paras[-1])
    if not points:
        return entry
    out = {k: v for k, v in entry.items() if k != "text"}
    rest = _join(*paras[:-1], prefix)
    ordered: dict[str, Any] = {}
    for key in ("heading",):
        if key in out:
            ordered[key] = out.pop(key)
    if rest:
        ordered["text"] = rest
    ordered["points"] = points
    ordered.update(out)
    return ordered


# -- blocks → entries ---------------------------------------------------------------------------

class _Builder:
    """Walks the blocks once, placing each in the report's structure, and notes what it could not."""

    def __init__(self, blocks: Sequence[Block], parts: Any, file: str) -> None:
        self.blocks = list(blocks)
        self.parts = parts
        self.file = file
        self.used = [False] * len(self.blocks)
        self.warnings: list[Problem] = []
        self.notes: dict[FieldPath, str] = {}

    def warn(self, message: str, line: Optional[int], rule: str, note_at: Optional[FieldPath] = None) -> None:
        self.warnings.append(Problem(message, Place(self.file, line), "warning", rule))
        if note_at is not None:
            self.notes[note_at] = "请核对：" + message

    def run(self) -> dict[str, Any]:
        """The report data."""
        blocks = self.blocks
        data: dict[str, Any] = {}
        title = next((i for i, b in enumerate(blocks) if isinstance(b, Title)), None)
        signature = next((i for i, b in enumerate(blocks) if isinstance(b, Signature)), None)
        for i in (title, signature):
            if i is not None:
                self.used[i] = True
        parts: dict[str, Any] = {}
        headings: dict[str, str] = {}
        order: list[str] = []
        spans = list(self.parts.spans)
        # A part written inside another (a （二） of part one) is taken out of its host first.
        for span in sorted(spans, key=lambda s: s.form == "heading"):
            if span.key in parts:
                continue
            if span.form in ("inline", "preamble"):
                self.warn(
                    f"第一责任人只在一句话中提到（“{_clip(span.heading, 30)}”），没有单列一部分；"
                    "原文留在原处，first_responsible.duties 需要补写",
                    span.line, "import-first-responsible-inline", ("first_responsible",),
                )
                parts[span.key] = self.empty(span.key)
                continue
            shared = [s for s in spans if (s.start, s.end) == (span.start, span.end) and s.key != span.key]
            if shared and any(s.key in parts for s in shared):
                other = next(s for s in shared if s.key in parts)
                self.warn(
                    f"“{span.heading}”一节同时是{_label(other.key)}和{_label(span.key)}，内容已全部放入"
                    f" {other.key}；请把属于{_label(span.key)}的内容移到 {span.key}",
                    span.line, "import-shared-part", (span.key,),
                )
                parts[span.key] = self.empty(span.key)
                order.append(span.key)
                continue
            head = self.heading_index(span)
            if head is not None:
                self.used[head] = True
            content = [i for i in range(span.start, span.end) if not self.used[i]]
            for i in content:
                self.used[i] = True
            parts[span.key] = self.part(span.key, content, span)
            headings[span.key] = span.heading
            if span.form == "heading":
                order.append(span.key)
            else:
                self.warn(
                    f"第一责任人原为其他部分中的小节（“{span.heading}”），已移为单独的第二部分",
                    span.line, "import-first-responsible-moved", ("first_responsible",),
                )
        # The opening paragraphs: everything before the first part's heading that no part took.
        starts: list[int] = []
        for span in spans:
            if span.form == "heading":
                head = self.heading_index(span)
                starts.append(span.start if head is None else head)
        first_head = min(starts, default=len(blocks))
        preamble = [i for i in range(0, first_head) if not self.used[i] and not isinstance(blocks[i], Table)]
        for i in preamble:
            self.used[i] = True

        year = self.parts.year
        agency, short = self.agency(title, signature, preamble)
        data["agency"] = {"name": agency or "【待填：单位全称】"}
        if short:
            data["agency"]["short_name"] = short
        if not agency:
            self.warn("未能从原文识别单位名称，请在 agency.name 填写单位全称", None, "import-agency", ("agency", "name"))
        elif short is None and not (title is not None or signature is not None):
            self.warn(f"单位名称“{agency}”取自开头段，可能是简称；请核对并填写全称", None, "import-agency", ("agency", "name"))
        data["year"] = year
        if year is None:
            self.warn("未能从标题或开头段识别报告年度，请填写 year", None, "import-year", ("year",))
        if title is not None:
            data["title"] = blocks[title].text  # type: ignore[union-attr]
        if preamble:
            data["preamble"] = _join(*(block_text(blocks[i]) for i in preamble))
        else:
            self.warn("原文没有开头段；生成时会按年度和会议自动补写一段，请核对", None, "import-preamble")

        for key in PART_KEYS:
            if key in parts:
                data[key] = parts[key]
                content = parts[key].get("duties") if isinstance(parts[key], dict) else parts[key]
                span = self.parts.get(key)
                if not content and span is not None and span.form in ("heading", "subsection"):
                    self.warn(f"“{span.heading}”部分只有标题，没有内容；validate 会要求补写", span.line,
                              "import-empty-part", (key,))
                    if key == "other":
                        del data[key]  # optional: better absent than an empty list validate refuses
            elif key in self.parts.missing:
                data[key] = self.empty(key)
                self.warn(
                    f"原文没有找到“{_label(key)}”部分，已留空；validate 会要求补写", None, "import-missing-part", (key,)
                )
        if "first_responsible" in data:
            data["first_responsible"] = {"leader": self.leader(), **data["first_responsible"]}
        unplaced = self.unplaced()
        if unplaced:
            data.setdefault("other", [])
            at = len(data["other"])
            data["other"].extend(unplaced)
            self.notes[("other", at)] = "请核对：导入时未能归入任何部分的内容，请移到合适的位置或删除"
        if signature is not None:
            data["signature"] = self.signature(blocks[signature])  # type: ignore[arg-type]
        layout = self.layout(headings, order, data)
        if layout:
            data["layout"] = layout
        return _tidy_all(data)

    def heading_index(self, span: Any) -> Optional[int]:
        """The block holding a part's own heading line, when it stands apart from the content."""
        i = span.start - 1
        if span.form in ("heading", "subsection") and i >= 0 and isinstance(self.blocks[i], Heading):
            if self.blocks[i].text == span.heading:
                return i
        return None

    def empty(self, key: str) -> Any:
        return {"duties": []} if key == "first_responsible" else []

    def part(self, key: str, content: list[int], span: Any) -> Any:
        """One part's content as the YAML holds it."""
        lead_block = self.blocks[content[0]] if content else None
        if (
            isinstance(lead_block, Paragraph) and lead_block.lead and lead_block.number
            and _lead_heading(lead_block.lead) == _lead_heading(span.heading)
        ):
            # The part's heading runs into its first paragraph: keep that paragraph's body only.
            self.blocks[content[0]] = Paragraph(lead_block.text, line=lead_block.line)
        leads, entries = self.entries(content)
        if key == "first_responsible":
            if entries:
                out: dict[str, Any] = {}
                if leads:
                    out["text"] = _join(*leads)
                out["duties"] = entries
                return out
            return {"duties": [_entry_or_text(_with_points({"text": t})) for t in leads]}
        return [_entry_or_text(_with_points({"text": t})) for t in leads] + entries

    def entries(self, content: list[int]) -> tuple[list[str], list[Any]]:
        """(plain paragraphs before the first numbered one, entries with their items)."""
        blocks = self.blocks
        levels = [_level(blocks[i]) for i in content if _level(blocks[i])]
        top = min(levels) if levels else 0
        leads: list[str] = []
        entries: list[dict[str, Any]] = []
        entry: Optional[dict[str, Any]] = None
        item: Optional[dict[str, Any]] = None
        item_level = 0
        for i in content:
            b = blocks[i]
            level = _level(b)
            if isinstance(b, Table):
                rows = [list(r) for r in b.rows]
                target = item if item is not None else entry
                if target is not None and "table" not in target:
                    target["table"] = rows
                else:
                    entry, item = {"table": rows}, None
                    entries.append(entry)
                continue
            if level and (level <= top or entry is None):
                entry, item, item_level = _new_entry(b), None, 0
                entries.append(entry)
            elif level and entry is not None and (not item_level or level <= item_level):
                item_level = level
                item = _new_entry(b)
                entry.setdefault("items", []).append(item)
            elif level:
                # deeper than the schema's items: kept, number and all, as text of the item
                target = item if item is not None else entry
                assert target is not None
                target["text"] = _join(target.get("text"), block_text(b))
            elif entry is None:
                leads.append(block_text(b))
            else:
                target = item if item is not None else (entry["items"][-1] if entry.get("items") else entry)
                target["text"] = _join(target.get("text"), block_text(b))
        return leads, [_finish(e) for e in entries]

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
        self.warn(f"未能从原文识别主要负责人的职务，已填“{default}”；请核对", None, "import-leader",
                  ("first_responsible", "leader"))
        return default

    def agency(self, title: Optional[int], signature: Optional[int], preamble: list[int]) -> tuple[str, Optional[str]]:
        """(full name, short name) from the title, the signature and the opening sentence."""
        rules = _rules()
        names: list[str] = []
        if title is not None:
            m = re.match(rules["agency_in_title"], self.blocks[title].text)  # type: ignore[union-attr]
            if m:
                names.append(m.group(1).strip())
        if signature is not None and self.blocks[signature].name:  # type: ignore[union-attr]
            names.append(self.blocks[signature].name.strip())  # type: ignore[union-attr]
        subject = None
        if preamble:
            m = re.search(rules["agency_in_preamble"], block_text(self.blocks[preamble[0]])[:120])
            if m:
                subject = m.group(1)
                names.append(subject)
        if not names:
            return "", None
        full = max(names, key=len)
        short = subject if subject and subject != full and len(subject) < len(full) else None
        return full, (short if names[:-1] or short else None)

    def signature(self, sig: Signature) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if sig.name:
            out["name"] = sig.name
        if sig.date:
            date = parse_date(sig.date)
            if date is None:
                self.warn(f"落款日期“{sig.date}”无法识别，已略去；请在 signature.date 按 2025-02-20 的形式填写",
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
                out.append({"heading": heading, "text": _join(*(block_text(self.blocks[j]) for j in run))})
                self.warn(f"第 {self.blocks[run[0]].line} 行起 {len(run)} 段未能归入任何部分，已放入 other，请核对",
                          self.blocks[run[0]].line, "import-unplaced")
                run = []
            if i < len(self.blocks) and not self.used[i]:
                table = self.blocks[i]
                out.append({"heading": heading, "table": [list(r) for r in table.rows]})  # type: ignore[union-attr]
                self.warn("有一个表格未能归入任何部分，已放入 other，请核对", table.line, "import-unplaced")
            if i < len(self.blocks):
                self.used[i] = True
        return out

    def layout(self, headings: dict[str, str], order: list[str], data: dict[str, Any]) -> dict[str, Any]:
        """The report's own part headings (always: they are its words) and its order if not the default."""
        layout: dict[str, Any] = {}
        default_order = [k for k in PART_KEYS if k != "other" or data.get("other")]
        full = [k for k in order if k in default_order] + [k for k in default_order if k not in order]
        if full != default_order:
            layout["order"] = full
        if headings:
            layout["headings"] = {k: headings[k] for k in PART_KEYS if k in headings}
        return layout


def _new_entry(b: Block) -> dict[str, Any]:
    if isinstance(b, Heading):
        return {"heading": b.text}
    assert isinstance(b, Paragraph)
    if b.lead:
        entry = {"heading": _lead_heading(b.lead)}
        if b.text:
            entry["text"] = b.text
        return entry
    return {"text": b.text}


def _finish(entry: dict[str, Any]) -> dict[str, Any]:
    out = _with_points(entry)
    if out.get("items"):
        out["items"] = [_entry_or_text(_with_points(i)) for i in out["items"]]
    return out


def _entry_or_text(entry: dict[str, Any]) -> Any:
    """A text-only entry is written as a plain string, as a clerk would write it."""
    return entry["text"] if set(entry) == {"text"} else entry


def _label(key: str) -> str:
    return next(p["label"] for p in load_data("parts.yaml")["parts"] if p["key"] == key)


_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}


def parse_date(text: str) -> Optional[_dt.date]:
    """“2024年11月26日” or “二〇二四年十一月二十六日” → a date (None when it is not one)."""
    t = re.sub(r"\s+", "", text)
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", t)
    if m:
        parts = [int(x) for x in m.groups()]
    else:
        m = re.fullmatch(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日", t)
        if not m:
            return None
        parts = [int("".join(str(_CN_DIGIT[c]) for c in m.group(1))), _cn_value(m.group(2)), _cn_value(m.group(3))]
    try:
        return _dt.date(*parts)
    except ValueError:
        return None


def _cn_value(text: str) -> int:
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)
    return _CN_DIGIT[text]


# -- tidying: punctuation, template braces ------------------------------------------------------

_CJK = r"[\u4e00-\u9fff“”‘’《》、。，；：！？（）]"


def tidy_punctuation(text: str) -> str:
    """ASCII , : ; ( ) ! ? next to Chinese become full-width, as a Chinese document writes them."""
    text = re.sub(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)", r"（\1）", text)
    for ascii_mark, wide in ((",", "，"), (";", "；"), ("!", "！"), ("?", "？")):
        text = re.sub(rf"(?<={_CJK})\s*{re.escape(ascii_mark)}\s*|\s*{re.escape(ascii_mark)}\s*(?={_CJK})", wide, text)
    text = re.sub(rf"(?<={_CJK}):(?!//)\s*", "：", text)
    return text


def _escape_template(text: str) -> str:
    """Prose is a small template over figures: text that happens to hold {{ or {% stays literal."""
    if "{{" in text or "{%" in text or "{#" in text:
        return "{% raw %}" + text + "{% endraw %}"
    return text


def _tidy_all(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        return _escape_template(tidy_punctuation(value))
    if isinstance(value, dict):
        return {k: (v if k in ("order",) else _tidy_all(v, str(k))) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy_all(v, key) for v in value]
    return value


# -- --figures ----------------------------------------------------------------------------------

def _figure_pattern() -> re.Pattern[str]:
    rules = _rules()
    units = "|".join(re.escape(u["unit"]) for u in rules["units"])
    return re.compile(
        rf"(?<!{rules['not_after']})(\d+(?:\.\d+)?)(?![\d.])(余|多)?(万|亿)?(余|多)?({units})"
    )


def _unit_names() -> dict[str, str]:
    return {u["unit"]: u["name"] for u in _rules()["units"]}


def _noun(before: str, after: str = "") -> str:
    """The English name of the known noun right after a number (“28次党组会议”), else the
    nearest one before it within its clause (“办理行政许可917件”)."""
    nouns = _rules()["nouns"]
    for word, name in sorted(nouns.items(), key=lambda kv: -len(kv[0])):
        if after.startswith(word):
            return str(name)
    clause = re.split(r"[。；;！？]", before)[-1][-24:]
    best, where = "", -1
    for word, name in nouns.items():
        at = clause.rfind(word)
        if at >= 0 and at + len(word) > where:
            best, where = str(name), at + len(word)
    return best


def _lift_figures(data: dict[str, Any], notes: dict[FieldPath, str]) -> None:
    """Numbers with units in the prose → `figures:` entries and {{ figures.name }} references."""
    pattern = _figure_pattern()
    names = _unit_names()
    figures: dict[str, Any] = {}

    def lift(text: str, path: FieldPath) -> str:
        if "{% raw %}" in text:
            return text
        titles = [(m.start(), m.end()) for m in re.finditer(r"《[^》]*》|“[^”]*”", text)]
        out, last, count = [], 0, 0
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in titles):
                continue
            count += 1
            unit = names[m.group(5)] + ("_10k" if m.group(3) == "万" else "_100m" if m.group(3) == "亿" else "")
            noun = _noun(text[:m.start()], text[m.end():])
            if noun:
                base = noun if noun.endswith(("_rate", "share")) else f"{noun}_{unit}"
            else:
                base = "_".join(
                    str(p + 1) if isinstance(p, int) else p for p in path if p not in ("items", "points", "text", "duties")
                ) + f"_{unit}"
            name, n = base, 2
            while name in figures:
                name, n = f"{base}_{n}", n + 1
            raw = m.group(1)
            figures[name] = float(raw) if "." in raw else int(raw)
            context = text[max(0, m.start() - 12):m.end() + 6].replace("\n", " ")
            notes[("figures", name)] = f"……{context}……"
            out.append(text[last:m.start(1)] + "{{ figures." + name + " }}")
            last = m.end(1)
        out.append(text[last:])
        return "".join(out) if count else text

    def walk(value: Any, path: FieldPath) -> Any:
        if isinstance(value, str):
            return lift(value, path) if path[-1] != "heading" else value
        if isinstance(value, dict):
            return {k: (v if k in ("heading", "leader", "table") else walk(v, path + (k,))) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, path + (i,)) for i, v in enumerate(value)]
        return value

    for key in PART_KEYS:
        if key in data:
            data[key] = walk(data[key], (key,))
    if figures:
        ordered: dict[str, Any] = {k: data[k] for k in ("agency", "year", "title", "preamble") if k in data}
        ordered["figures"] = figures
        ordered.update({k: v for k, v in data.items() if k not in ordered})
        data.clear()
        data.update(ordered)
