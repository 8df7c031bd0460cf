"""Start a report: an empty commented scaffold, or next year's draft from this year's YAML."""
from __future__ import annotations

import copy
import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Callable, Optional, Sequence

from authoring.domain import part_keys, wording
from authoring.duties import NAME_FIELDS, fact_fields, fact_keys, fact_leaves, leaf_label
from authoring.errors import AuthoringError, Place, Problem
from authoring.load import LoadedReport
from authoring.resources import load_data
from authoring.yamlout import FieldPath, dump_report, line_map, schema_ref

FILL = wording("to_fill")  # what a checklist item holds until the clerk writes it; validate warns on it
UNNAMED = "<新报告>"  # the file a draft's changes name until it is known where the draft goes


@dataclass
class Draft:
    """A drafted report: its data, the commented YAML to write, and what was changed or flagged."""

    data: dict[str, Any]
    yaml_text: str
    changes: list[Problem] = field(default_factory=list)


def init_scaffold(agency: str, year: int, *, output: Optional[str] = None) -> str:
    """A commented YAML with every required field present and empty, for a clerk to fill in."""
    name = (agency or "").strip()
    if not name:
        raise AuthoringError("请给出单位全称，例如：--agency 常州市城市管理局", path=("agency", "name"), field="agency")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise AuthoringError(f"年度应为四位数字的年份（2000—2100），实际是 {year}", path=("year",), field="year")
    data: dict[str, Any] = {
        "agency": {"name": name},
        "year": year,
        "achievements": [{"heading": None, "items": [{"heading": None, "text": None}]}],
        "first_responsible": {"leader": None, **_empty_facts(), "duties": [{"heading": None, "text": None}]},
        "shortcomings": [None],
        "plans": [{"heading": None, "text": None}],
        "signature": {"name": name, "date": None},
    }
    header = (
        f"{name} {year} 年度法治政府建设情况报告：在冒号后填写内容，空着的项 validate 会逐项列出。",
        "  检查：authoring validate <本文件>    生成 Word：authoring render <本文件> -o 报告.docx",
        "长段文字可写成“text: |-”并在下一行缩进两格接着写；文字里的英文冒号后如有空格，请整段加引号。",
    )
    return dump_report(data, schema=schema_ref(output), header=header, examples=True)


def draft_next_year(
    report: LoadedReport,
    *,
    output: Optional[str] = None,
    schema: Optional[str] = None,
    warnings: Sequence[Problem] = (),
) -> Draft:
    """Next year's draft from a loaded report: year + 1, plans → checklist, figures emptied,
    year-bound phrases updated or flagged.

    output: the file name the clerk gave (named in the changes); schema: the `$schema` target
    for the file the draft will be written to; warnings: what was noticed while reading the
    report (an import's warnings), reported first.
    """
    carried = list(warnings)
    year = report.data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year < 2100:
        raise AuthoringError(
            "需要年度（year: 2024 这样的四位数字）才能生成下一年度的报告",
            file=report.path, line=report.place(("year",)).line, path=("year",), field="year",
            problems=carried,
        )
    source = PurePath(report.path).name
    drafter = _Drafter(report.data, year, source)
    data = drafter.run()
    header = (
        f"{data['year']} 年度报告草稿，由 {source}（{year} 年度）生成：authoring init --from",
        "标有“请核对”的注释是沿用上一年的文字，【待填】是需要填写的内容；改完后运行 authoring validate 检查。",
    )
    text = dump_report(data, schema=schema or schema_ref(output), notes=drafter.notes, header=header,
                       examples=True)
    lines = line_map(text)
    name = output or UNNAMED
    changes = [
        Problem(msg, Place(name, lines.get(p), None, p), severity, rule)
        for p, msg, severity, rule in drafter.changes
    ]
    changes.sort(key=lambda c: c.place.line or 0)
    return Draft(data, text, carried + changes)


def _empty_facts() -> dict[str, Any]:
    """Every 第一责任人 fact with its fields, empty: what a new report can say about part two."""
    return {k: ({f: None for f in fact_fields(k) if f not in NAME_FIELDS} or None) for k in fact_keys()}


def refuse_wrong_types(report: LoadedReport, problems: Sequence[Problem]) -> None:
    """A field of the wrong type (a list where a text belongs) has no meaning to carry over, and a
    character Word cannot hold would only move the problem a year on: refuse, with validate's
    messages (`problems`). Empty or missing parts are fine: the draft flags them."""
    wrong = [p for p in problems if p.severity == "error" and p.rule in ("yaml.type", "yaml.bad_char")]
    if wrong:
        raise AuthoringError(
            f"上一年度的报告有 {len(wrong)} 处类型不对或含有无法保存的字符，无法据此起草；请先按下列提示改正",
            file=report.path, problems=wrong,
        )


# -- year-bound phrases ------------------------------------------------------------------------

def _meetings() -> list[dict[str, Any]]:
    rows = load_data("meetings.yaml")["meetings"]
    return sorted(rows, key=lambda m: str(m["held"]))


def _held_year(meeting: dict[str, Any]) -> int:
    return int(str(meeting["held"])[:4])


def _mentions(text: str, meeting: dict[str, Any]) -> Optional[re.Match[str]]:
    """Where `text` names a meeting: its full name, or its short form in a list (二中、三中全会)."""
    found = re.search(re.escape(meeting["name"]), text)
    if found or not meeting.get("short"):
        return found
    return re.search(re.escape(meeting["short"]) + r"(?=全会|[、和及与])", text)


def update_meetings(text: str, year: int) -> tuple[str, str]:
    """Add the latest meeting of `year` after the latest one `text` names → (text, what was done)."""
    meetings = _meetings()
    current = [m for m in meetings if _held_year(m) <= year]
    if not current:
        return text, ""
    latest = current[-1]
    collective = (load_data("meetings.yaml").get("collective") or {}).get(latest.get("congress"))
    if collective and re.search(collective, text):
        return text, ""  # "二十届历次全会" already covers the plenum held this year
    named = [m for m in meetings if _mentions(text, m)]
    if not named:
        return text, f"未提到会议；{year}年的报告通常提及“{latest['name']}”，请核对"
    last = named[-1]
    if str(last["held"]) >= str(latest["held"]):
        return text, ""
    if last.get("short") and latest.get("short") and last.get("congress") == latest.get("congress"):
        # 二十届三中全会 → 二十届三中、四中全会; 二中、三中全会 → 二中、三中、四中全会
        match = re.search(re.escape(last["short"]) + "全会", text)
        if match:
            new = f"{last['short']}、{latest['short']}全会"
            return text[: match.start()] + new + text[match.end():], f"会议改为“……{new}”"
    match = _mentions(text, last)
    if match and match.group() == last["name"]:
        new = f"{last['name']}和{latest['name']}"
        return text[: match.start()] + new + text[match.end():], f"会议改为“{new}”"
    return text, f"{year}年的报告通常提及“{latest['name']}”，文中最新的是“{last['name']}”，请核对"


def _year(y: int) -> str:
    return rf"(?<![\d０-９]){y}(?=年)"


class _Drafter:
    """Turns one year's data into the next year's, noting every change and every flag."""

    def __init__(self, data: dict[str, Any], year: int, source: str) -> None:
        self.old = data
        self.year = year
        self.new_year = year + 1
        self.source = source
        self.notes: dict[FieldPath, str] = {}
        self.changes: list[tuple[FieldPath, str, str, str]] = []

    def change(self, path: FieldPath, message: str, rule: str) -> None:
        self.changes.append((path, "已更新：" + message, "note", rule))

    def flag(self, path: FieldPath, message: str, rule: str, note: Optional[str] = None) -> None:
        self.changes.append((path, "请核对：" + message, "warning", rule))
        if note:
            self.notes[path] = (self.notes[path] + "\n" if path in self.notes else "") + note

    def run(self) -> dict[str, Any]:
        """The new year's data."""
        y, n = self.year, self.new_year
        data = copy.deepcopy(self.old)
        data["year"] = n
        self.change(("year",), f"年度 {y} → {n}", "init-year")
        if isinstance(data.get("title"), str):
            data["title"] = self.replace_year(data["title"], ("title",), y, n)
        self.signature(data)
        self.figures(data)
        self.facts(data)
        if isinstance(data.get("preamble"), str):
            self.preamble(data)
        headings = (data.get("layout") or {}).get("headings") if isinstance(data.get("layout"), dict) else None
        if isinstance(headings, dict):
            for key, text in headings.items():
                if isinstance(text, str):
                    shift = (n, n + 1) if key == "plans" else (y, n)
                    headings[key] = self.replace_year(text, ("layout", "headings", key), *shift)
        for key in (k for k in part_keys() if k != "plans"):  # the plans move on a year below
            if key in data:
                data[key] = self.prose(data[key], (key,))
        checklist, originals = self.checklist(data.get("plans"))
        if "plans" in data:
            data["plans"] = self.plans(data["plans"])
        if isinstance(data.get("achievements"), list):
            if data["achievements"]:
                self.notes[("achievements", 0)] = (
                    f"以下沿用 {y} 年报告的举措和成效：请改写为 {n} 年的情况，过时的删去"
                )
            if checklist:
                data["achievements"].insert(0, checklist)
                self.notes = {_shift(p): v for p, v in self.notes.items()}
                self.changes = [(_shift(p), *rest) for p, *rest in self.changes]  # type: ignore[misc]
                self.notes[("achievements", 0)] = (
                    f"{y} 年报告所列的下一年度安排，逐项写明 {n} 年的落实情况（原文见各项上方的注释）"
                )
                for i, original in enumerate(originals):
                    self.notes[("achievements", 0, "items", i)] = f"{y}年报告原文：{original}"
                count = len(checklist["items"])
                self.change(("achievements", 0), f"新增“落实{y}年安排”{count} 项，待填写落实情况", "init-checklist")
        if isinstance(data.get("shortcomings"), list) and data["shortcomings"]:
            self.notes.setdefault(("shortcomings", 0), f"沿用 {y} 年的表述：请核对这些不足在 {n} 年是否仍然存在")
        if isinstance(data.get("first_responsible"), dict):
            self.notes.setdefault(("first_responsible",), f"沿用 {y} 年的表述：请改写为 {n} 年主要负责人的履职情况")
        return data

    def signature(self, data: dict[str, Any]) -> None:
        sig = data.get("signature")
        if isinstance(sig, dict) and sig.get("date") is not None:
            old = sig["date"]
            sig["date"] = None
            shown = old.isoformat() if isinstance(old, _dt.date) else str(old)
            self.change(("signature", "date"), f"成文日期 {shown} 已清空，成文时填写", "init-date")
            self.notes[("signature", "date")] = "待填：成文日期，如 {}-02-20".format(self.new_year + 1)

    def figures(self, data: dict[str, Any]) -> None:
        figures = data.get("figures")
        if not isinstance(figures, dict) or not figures:
            return
        prose = "\n".join(text for _, text in _strings(data))
        # A figure that a 第一责任人 fact refers to is best named by the fact it counts.
        counted = {m.group(1): leaf_label(path) for path, value in fact_leaves(data.get("first_responsible"))
                   if isinstance(value, str) for m in [re.search(r"figures\.(\w+)", value)] if m}
        contexts = _contexts(prose)  # one pass for all figures (re-substituting per figure was quadratic)
        for name, value in figures.items():
            figures[name] = None
            where = f"：{counted[name]}" if name in counted else contexts.get(str(name), "")
            self.notes[("figures", name)] = f"待填（{self.year}年：{value}）{where}"
        self.change(("figures",), f"{len(figures)} 项数据保留名称、清空数值，待填（注释中是 {self.year} 年的数）", "init-figures")

    def facts(self, data: dict[str, Any]) -> None:
        """The 第一责任人 facts keep their keys and lose their values (last year's are the hint);
        a reference to a figure stays (the figure is emptied), and so do the meetings' names."""
        fr = data.get("first_responsible")
        emptied = 0
        for path, value in list(fact_leaves(fr)):
            if path[-1] in NAME_FIELDS or value is None or (isinstance(value, str) and "{{" in value):
                continue
            assert isinstance(fr, dict)
            holder = fr if len(path) == 1 else fr[path[0]]
            holder[path[-1]] = None
            emptied += 1
            self.notes[("first_responsible",) + path] = f"待填（{self.year}年：{_shown(value)}）"
        if emptied:
            self.change(("first_responsible",), f"第一责任人履职事实 {emptied} 项保留名称、清空内容，待填（注释中是 {self.year} 年的情况）",
                        "init-facts")
        if isinstance(fr, dict) and fr.get("in_text"):
            self.notes[("first_responsible", "in_text")] = (
                f"这些事实 {self.year} 年写在正文中，不另生成句子：改写正文时一并核对；正文不再写的，请从这里删去"
            )

    def preamble(self, data: dict[str, Any]) -> None:
        y, n = self.year, self.new_year
        path: FieldPath = ("preamble",)
        text = self.leading_year(data["preamble"], path, y, n)
        text = self.since(text, path)
        text, done = update_meetings(text, n)
        if done.startswith("会议改为"):
            self.change(path, done + f"（{n}年的报告通常提及当年的全会）", "init-meetings")
        elif done:
            self.flag(path, done, "init-meetings", note="请核对：" + done)
        data["preamble"] = self.flag_old_years(text, path)

    def replace_year(self, text: str, path: FieldPath, old: int, new: int) -> str:
        """Every `old年` → `new年` (titles and part headings, which name the report's year)."""
        out, count = re.subn(_year(old), str(new), text)
        if count:
            self.change(path, f"“{old}年”改为“{new}年”", "init-year-text")
        return out

    def leading_year(self, text: str, path: FieldPath, old: int, new: int) -> str:
        """A paragraph that opens with the report year (“2024年，我局……”) opens with the new one."""
        match = re.match(rf"\s*({old})(?=年度?[，,、：:\s])", text)
        if not match:
            return text
        self.change(path, f"段首“{old}年”改为“{new}年”", "init-year-text")
        return text[: match.start(1)] + str(new) + text[match.end(1):]

    def since(self, text: str, path: FieldPath) -> str:
        """“2024年以来” describes the report year: it becomes “2025年以来”."""
        out, count = re.subn(_year(self.year) + r"(?=年以来)", str(self.new_year), text)
        if count:
            self.change(path, f"“{self.year}年以来”改为“{self.new_year}年以来”", "init-year-text")
        return out

    def flag_old_years(self, text: str, path: FieldPath) -> str:
        """Other mentions of the old year stay (they may name real documents) and are flagged."""
        count = len(re.findall(_year(self.year), text))
        if count:
            message = f"沿用的文字提到“{self.year}年”{count} 处：请改写为 {self.new_year} 年的情况，或确认保留"
            self.flag(path, message, "init-old-year", note="请核对：" + message)
        return text

    def prose(self, value: Any, path: FieldPath) -> Any:
        """Walk a part: update what belongs to the report year, flag the rest."""

        def fix(text: str, p: FieldPath) -> str:
            text = self.since(text, p)
            if p[-1] != "heading":
                text = self.leading_year(text, p, self.year, self.new_year)
            return self.flag_old_years(text, p)

        return _map_strings(value, path, fix)

    def plans(self, value: Any) -> Any:
        """Last year's plans stay as a start for the new ones, moved on by a year and flagged."""
        y, n = self.year, self.new_year

        def fix(text: str, p: FieldPath) -> str:
            out, count = re.subn(_year(n), str(n + 1), text)
            if count:
                self.change(p, f"安排的年度“{n}年”改为“{n + 1}年”", "init-plan-year")
            out = self.since(out, p)
            return self.flag_old_years(out, p)

        out = _map_strings(value, ("plans",), fix)
        if isinstance(out, list) and out:
            self.notes.setdefault(("plans", 0), f"沿用 {y} 年报告中 {n} 年的安排：请改写为 {n + 1} 年的安排")
            self.flag(("plans",), f"第四部分沿用了上一年的安排，请改写为 {n + 1} 年的安排", "init-plans")
        return out

    def checklist(self, plans: Any) -> tuple[Optional[dict[str, Any]], list[str]]:
        """Last year's plans as this year's items to fill in (“落实2024年安排：……”), and their texts."""
        if not isinstance(plans, list):
            return None, []
        items: list[dict[str, Any]] = []
        originals: list[str] = []
        for entry in plans:
            title, original = _plan_title(entry)
            if not title:
                continue
            items.append({"heading": f"落实{self.year}年安排：{title}", "text": FILL})
            originals.append(original)
        if not items:
            return None, []
        return {"heading": f"落实{self.year}年安排情况", "items": items}, originals


def _shown(value: Any) -> str:
    """Last year's value of a fact, as its hint shows it."""
    if value is True:
        return "是"
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    return str(value)


def _shift(path: FieldPath) -> FieldPath:
    """A path into achievements after the checklist was inserted at its head."""
    if len(path) >= 2 and path[0] == "achievements" and isinstance(path[1], int):
        return ("achievements", path[1] + 1) + path[2:]
    return path


_INTRODUCTION = re.compile(r"(以下[^。；]{0,10}|如下)[：:。]?\s*$|[：:]\s*$")


def is_introduction(entry: Any) -> bool:
    """A plain paragraph that introduces the plans (“重点做好以下工作：”) rather than being one."""
    return isinstance(entry, str) and bool(_INTRODUCTION.search(entry.strip()))


def _plan_title(entry: Any) -> tuple[str, str]:
    """(what the checklist item is called, the plan's whole text) for one plan entry."""
    if isinstance(entry, str):
        text = entry.strip()
        if not text or is_introduction(text):
            return "", ""
        return _first_sentence(text), _short(text)
    if isinstance(entry, dict):
        body = " ".join(
            str(x) for x in [entry.get("text")] + list(entry.get("points") or []) if isinstance(x, str)
        )
        for sub in entry.get("items") or []:
            if isinstance(sub, dict):
                body += " " + " ".join(str(sub.get(k) or "") for k in ("heading", "text")).strip()
            elif isinstance(sub, str):
                body += " " + sub
        heading = entry.get("heading")
        if isinstance(heading, str) and heading.strip():
            return heading.strip().rstrip("。."), _short(body.strip() or heading)
        if body.strip():
            return _first_sentence(body.strip()), _short(body.strip())
    return "", ""


def _first_sentence(text: str) -> str:
    sentence = re.split(r"[。；;！!？?]", text, maxsplit=1)[0]
    return sentence if len(sentence) <= 40 else sentence[:40] + "……"


def _short(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= 120 else text[:120] + "……"


def _strings(value: Any, path: FieldPath = ()) -> list[tuple[FieldPath, str]]:
    """Every string in `value` with its path."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _strings(v, path + (k,))]
    if isinstance(value, list):
        return [x for i, v in enumerate(value) for x in _strings(v, path + (i,))]
    return []


_TAG = re.compile(r"\{\{.*?\}\}")
_FIGURE_TAG = re.compile(r"\{\{\s*figures\.(\w+)\s*\}\}")


def _contexts(prose: str) -> dict[str, str]:
    """The words around each figure's first {{ figures.name }} ("：……办理行政许可□件……"), so a
    clerk knows which number it is: one pass over the prose, each template tag standing as "…",
    the words read from a window of their own (re-substituting all the prose once per figure
    was quadratic: 6,000 figures, minutes)."""
    pieces: list[str] = []
    first: dict[str, int] = {}
    last, size = 0, 0
    for m in _TAG.finditer(prose):
        pieces.append(prose[last:m.start()])
        size += m.start() - last
        named = _FIGURE_TAG.fullmatch(m.group())
        if named and named.group(1) not in first:
            first[named.group(1)] = size
        pieces.append("…")
        size += 1
        last = m.end()
    pieces.append(prose[last:])
    marked = "".join(pieces)
    out = {}
    for name, at in first.items():
        before = re.split(r"[。；\n]", marked[max(0, at - 13):at])[-1][-12:]
        after = re.split(r"[。；，\n]", marked[at + 1:at + 7])[0][:6]
        out[name] = f"：……{before}□{after}……"
    return out


def _map_strings(value: Any, path: FieldPath, fn: Callable[[str, FieldPath], str]) -> Any:
    """A copy of `value` with `fn` applied to every string, given its path."""
    if isinstance(value, str):
        return fn(value, path)
    if isinstance(value, dict):
        return {k: _map_strings(v, path + (k,), fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, path + (i,), fn) for i, v in enumerate(value)]
    return value


_FIGURE_NOTE = re.compile(r"^待填（(\d{4})年：([^）]*)）")


def figure_note(comment: str) -> Optional[tuple[int, Any]]:
    """Last year's value of a figure, read back from the comment `init --from` writes beside it
    (“待填（2024年：917）：……”), as (year, value); None for any other comment."""
    match = _FIGURE_NOTE.match(comment.strip())
    if not match:
        return None
    import yaml

    try:
        value = yaml.safe_load(match.group(2))
    except yaml.YAMLError:
        value = match.group(2)
    return int(match.group(1)), value


_DRAFT_SOURCE = re.compile(r"^# \d{4} 年度报告草稿，由 (.+?)（(\d{4}) 年度）生成：authoring init --from$", re.M)


def draft_source(text: str) -> Optional[tuple[str, int]]:
    """The file and year a draft was made from, read back from the header `init --from` writes
    (“2025 年度报告草稿，由 report-2024.yaml（2024 年度）生成”); None for any other file."""
    match = _DRAFT_SOURCE.search(text[:2000])
    return (match.group(1), int(match.group(2))) if match else None
