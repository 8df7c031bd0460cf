"""Compare two years of one agency's report: figures side by side, last year's plans against this year's work."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Optional

from authoring.duties import NAME_FIELDS, fact_fields, fact_keys, fact_leaves, leaf_label
from authoring.errors import AuthoringError
from authoring.plans import COPIED_SHARE, MAX_PLANS, STATUS_LABELS, PlanMatch, match_plans, sentences

# A report looks copied from last year when COPIED_SHARE of its sentences are (plans.py), or the
# same share of the figures both years give, if they give at least MIN_FIGURES.
MIN_FIGURES = 3


@dataclass
class FigureChange:
    """One figure in both years: values, the change and its percentage (None when undefined)."""

    name: str
    old: Optional[float]
    new: Optional[float]

    @property
    def change(self) -> Optional[float]:
        """new − old, when both are numbers."""
        if _number(self.old) and _number(self.new):
            return _tidy(self.new - self.old)  # type: ignore[operator]
        return None

    @property
    def percent(self) -> Optional[float]:
        """The change as a percentage of the old value (None when the old value is 0 or missing)."""
        if self.change is None or not self.old:
            return None
        return round(self.change / abs(self.old) * 100, 1)  # type: ignore[arg-type]


@dataclass
class FactChange:
    """One 第一责任人 fact field in both years (first_responsible.court.cases …), values as given
    (figure references resolved): numbers, True, texts, lists, or None when not given."""

    path: str
    label: str
    old: Any
    new: Any
    old_written: bool = True  # False: the report does not have the field at all (not: left empty)
    new_written: bool = True

    @property
    def change(self) -> Optional[float]:
        """new − old, when both are numbers."""
        if _number(self.old) and _number(self.new):
            return _tidy(self.new - self.old)
        return None


@dataclass
class Copied:
    """How much of the later report is the earlier one's: sentences (years aside, figures
    filled in) and figures that did not change."""

    sentences: int = 0
    same: int = 0
    figures: int = 0
    figures_same: int = 0

    @property
    def share(self) -> float:
        """The share of this year's sentences found word for word in last year's report."""
        return self.same / self.sentences if self.sentences else 0.0

    @property
    def figures_share(self) -> float:
        """The share of the figures both years give whose value did not change."""
        return self.figures_same / self.figures if self.figures else 0.0

    @property
    def looks_copied(self) -> bool:
        """Over COPIED_SHARE of the sentences, or of (enough) figures, are last year's."""
        return self.share >= COPIED_SHARE or (self.figures >= MIN_FIGURES and self.figures_share >= COPIED_SHARE)


@dataclass
class Comparison:
    """What changed between two reports of one agency."""

    old_file: str
    new_file: str
    old_year: Optional[int]
    new_year: Optional[int]
    figures: list[FigureChange] = field(default_factory=list)
    only_old: list[str] = field(default_factory=list)
    only_new: list[str] = field(default_factory=list)
    plans: list[PlanMatch] = field(default_factory=list)
    old_agency: str = ""
    facts: list[FactChange] = field(default_factory=list)
    new_agency: str = ""
    copied: Copied = field(default_factory=Copied)
    plans_not_compared: int = 0  # plans past MAX_PLANS (no report has that many)

    @property
    def unmatched(self) -> list[PlanMatch]:
        """Plans the later report says nothing about (or has left 待填)."""
        return [p for p in self.plans if p.status not in ("matched", "weak")]  # heading_only included





def compare(old: dict[str, Any], new: dict[str, Any], *, old_file: str = "", new_file: str = "") -> Comparison:
    """Compare the data of an earlier and a later report (the files are named in the result)."""
    old_year, new_year = old.get("year"), new.get("year")
    if isinstance(old_year, int) and isinstance(new_year, int) and old_year == new_year:
        raise AuthoringError(
            f"两份报告都是 {old_year} 年度；对比需要同一单位相邻两个年度的报告，先给较早年度的，再给较晚年度的",
            file=old_file,
        )
    if isinstance(old_year, int) and isinstance(new_year, int) and old_year > new_year:
        raise AuthoringError(
            f"第一个文件应是较早年度的报告：{PurePath(old_file).name} 是 {old_year} 年度，"
            f"{PurePath(new_file).name} 是 {new_year} 年度；请交换两个文件的顺序",
            file=old_file,
        )
    result = Comparison(old_file, new_file, _int(old_year), _int(new_year),
                        old_agency=_agency(old), new_agency=_agency(new))
    old_figures: dict[Any, Any] = old["figures"] if isinstance(old.get("figures"), dict) else {}
    new_figures: dict[Any, Any] = new["figures"] if isinstance(new.get("figures"), dict) else {}
    for name in old_figures:
        if name in new_figures:
            result.figures.append(FigureChange(str(name), _value(old_figures[name]), _value(new_figures[name])))
        else:
            result.only_old.append(str(name))
    result.only_new = [str(n) for n in new_figures if n not in old_figures]
    given = old.get("plans")
    plans: list[Any] = given if isinstance(given, list) else []
    result.plans = match_plans(plans[:MAX_PLANS], new, old)
    result.plans_not_compared = max(len(plans) - MAX_PLANS, 0)
    result.facts = compare_facts(old, new)
    result.copied = copy_measure(old, new, result.figures)
    return result


# -- looks copied ---------------------------------------------------------------------------------

def copy_measure(old: dict[str, Any], new: dict[str, Any], figures: list[FigureChange]) -> Copied:
    """How much of `new` is `old` (see Copied and COPIED_SHARE)."""
    before = set(sentences(old))
    now = sentences(new)
    both = [f for f in figures if f.change is not None]
    return Copied(len(now), sum(1 for s in now if s in before), len(both), sum(1 for f in both if f.change == 0))


def compare_facts(old: dict[str, Any], new: dict[str, Any]) -> list[FactChange]:
    """The 第一责任人 facts either year gives, side by side, in the schema's order."""
    def values(data: dict[str, Any]) -> dict[tuple[str, ...], Any]:
        figures = data.get("figures") if isinstance(data.get("figures"), dict) else {}
        out: dict[tuple[str, ...], Any] = {}
        for path, value in fact_leaves(data.get("first_responsible")):
            if path[-1] in NAME_FIELDS:
                continue
            ref = re.fullmatch(r"\{\{\s*figures\.(\w+)\s*\}\}", value) if isinstance(value, str) else None
            out[path] = figures.get(ref.group(1)) if ref and isinstance(figures, dict) else value
        return out

    before, after = values(old), values(new)
    order = [p for k in fact_keys() for p in [(k,)] + [(k, f) for f in fact_fields(k)]]
    paths = sorted(set(before) | set(after), key=lambda p: order.index(p) if p in order else len(order))
    return [FactChange(".".join(p), leaf_label(p), before.get(p), after.get(p), p in before, p in after)
            for p in paths if before.get(p) is not None or after.get(p) is not None]


def _agency(data: dict[str, Any]) -> str:
    agency = data.get("agency")
    return str(agency.get("name") or "") if isinstance(agency, dict) else ""


def _int(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _value(value: Any) -> Optional[float]:
    return value if _number(value) else None


def _tidy(value: float) -> float:
    """Drop float noise (9.25 − 4.1 = 5.1499999…) without hiding real decimals."""
    return round(value, 6) if isinstance(value, float) else value


# -- plain text, for the CLI and the docs ---------------------------------------------------------

def _show(value: Optional[float]) -> str:
    if value is None:
        return "待填"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _fact_shown(value: Any, written: bool = True) -> str:
    """A fact's value in the comparison: numbers as such, 是 for true, 已写明 for texts and lists,
    待填 for a field left empty, 未写 for one the report does not have."""
    if not written:
        return "未写"
    if value is None or value is False:
        return "否" if value is False else "待填"
    if value is True:
        return "是"
    if _number(value):
        return _show(value)
    if isinstance(value, list):
        return f"{len(value)} 项"
    return "已写明"


def _width(text: str) -> int:
    """Columns a text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def format_comparison(c: Comparison) -> str:
    """The comparison as plain text: a figures table, then the plans one a line."""
    old_y = f"{c.old_year}年" if c.old_year else "前一份"
    new_y = f"{c.new_year}年" if c.new_year else "后一份"
    lines = []
    if c.old_agency and c.new_agency and c.old_agency != c.new_agency:
        lines.append(f"注意：两份报告的单位不同（{c.old_agency} / {c.new_agency}），请确认是否选对了文件")
    lines.append(f"数据对比（{old_y} → {new_y}）：")
    if c.figures:
        rows = [("名称", old_y, new_y, "变化", "幅度")] + [
            (f.name, _show(f.old), _show(f.new), "" if f.change is None else f"{f.change:+g}",
             "" if f.percent is None else f"{f.percent:+.1f}%")
            for f in c.figures
        ]
        widths = [max(_width(r[i]) for r in rows) for i in range(5)]
        for row in rows:
            cells = [_pad(row[0], widths[0])] + [_pad(cell, w, right=True) for cell, w in zip(row[1:], widths[1:])]
            lines.append("  " + "  ".join(cells).rstrip())
    else:
        lines.append("  两份报告没有同名的数据（figures）")
    if c.only_old:
        lines.append(f"  仅{old_y}有：{'、'.join(c.only_old)}")
    if c.only_new:
        lines.append(f"  仅{new_y}有：{'、'.join(c.only_new)}")
    if c.facts:
        lines.append(f"第一责任人履职事实（{old_y} → {new_y}）：")
        fact_rows = [("事实", old_y, new_y, "变化")] + [
            (f.label, _fact_shown(f.old, f.old_written), _fact_shown(f.new, f.new_written),
             "" if f.change is None else f"{f.change:+g}")
            for f in c.facts
        ]
        fact_widths = [max(_width(r[i]) for r in fact_rows) for i in range(4)]
        for fact_row in fact_rows:
            cells = [_pad(fact_row[0], fact_widths[0])] + [
                _pad(cell, w, right=True) for cell, w in zip(fact_row[1:], fact_widths[1:])]
            lines.append("  " + "  ".join(cells).rstrip())
    # Only a plan the text answers counts as answered; a possible match is told apart (never
    # counted as done: a clerk reads the count, not each line).
    answered = sum(1 for p in c.plans if p.status == "matched")
    weak = sum(1 for p in c.plans if p.status == "weak")
    maybe = f"，另有 {weak} 项可能对应，请核对" if weak else ""
    lines.append(f"{old_y}报告所列安排的落实（{answered}/{len(c.plans)} 项有对应内容{maybe}）：")
    if c.plans_not_compared:
        lines.append(f"  （只对比了前 {MAX_PLANS} 项安排，另有 {c.plans_not_compared} 项未对比）")
    for p in c.plans:
        if p.status == "unmatched":
            lines.append(f"  ✗ {p.plan}：{new_y}报告中未找到对应内容")
        elif p.status in ("heading_only", "copied"):
            lines.append(f"  ✗ {p.plan} → {p.where} {p.passage}（{STATUS_LABELS[p.status]}）")
        else:
            mark = {"matched": "✓", "weak": "?", "to_fill": "…"}[p.status]
            lines.append(f"  {mark} {p.plan} → {p.where} {p.passage}（{STATUS_LABELS[p.status]}，相似度 {p.score:.2f}）")
    lines += _copied_lines(c.copied, old_y, new_y)
    return "\n".join(lines) + "\n"


def _copied_lines(copy: Copied, old_y: str, new_y: str) -> list[str]:
    """The "looks copied" finding, when there is one, with its measure."""
    if not copy.looks_copied:
        return []
    said = []
    if copy.share >= COPIED_SHARE:
        said.append(f"{new_y}报告 {copy.sentences} 句中有 {copy.same} 句（{copy.share:.0%}）与{old_y}报告相同（年份不计）")
    if copy.figures >= MIN_FIGURES and copy.figures_share >= COPIED_SHARE:
        said.append(f"两年都有的 {copy.figures} 项数据中 {copy.figures_same} 项数值未变")
    return [f"看起来沿用了{old_y}的报告：{'；'.join(said)}；请核对是否已按{new_y}的情况改写"]
