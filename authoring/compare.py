"""Compare two years of one agency's report: figures side by side, last year's plans against this year's work."""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Optional

from authoring.draft import is_introduction
from authoring.errors import AuthoringError

# A plan counts as answered when the best passage scores at least this (cosine of idf-weighted
# character bigrams, 0‥1). Chosen on the corpus: a plan and the passage reporting on it score
# 0.3–0.6; unrelated passages of the same report stay under 0.2.
MATCH_THRESHOLD = 0.25
STRONG_MATCH = 0.35  # below this a match is shown as “可能对应” for a person to confirm
_PLACEHOLDER = re.compile(r"【待填】|待填|待补充|TODO|XX+|××+")
# Words every plan and passage share: they say nothing about which plan a passage answers.
_STOP = re.compile(r"进一步|持续|深入|全面|加强|推进|坚持|不断|扎实|切实|认真|积极|大力|着力|落实\d{4}年安排")


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
class PlanMatch:
    """One plan of the earlier year and the passage of the later year that reports on it."""

    plan: str
    path: str
    status: str  # "matched" | "weak" | "unmatched" | "to_fill"
    score: float = 0.0
    where: str = ""
    passage: str = ""


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

    @property
    def unmatched(self) -> list[PlanMatch]:
        """Plans the later report says nothing about (or has left 待填)."""
        return [p for p in self.plans if p.status not in ("matched", "weak")]


STATUS_LABELS = {"matched": "有对应内容", "weak": "可能对应，请核对", "unmatched": "未找到", "to_fill": "待填"}


def compare(old: dict[str, Any], new: dict[str, Any], *, old_file: str = "", new_file: str = "") -> Comparison:
    """Compare the data of an earlier and a later report (the files are named in the result)."""
    old_year, new_year = old.get("year"), new.get("year")
    if isinstance(old_year, int) and isinstance(new_year, int) and old_year >= new_year:
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
    result.plans = match_plans(old.get("plans"), new)
    result.facts = compare_facts(old, new)
    return result


def compare_facts(old: dict[str, Any], new: dict[str, Any]) -> list[FactChange]:
    """The 第一责任人 facts either year gives, side by side, in the schema's order."""
    from authoring.duties import NAME_FIELDS, fact_leaves, leaf_label

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
    from authoring.duties import fact_fields, fact_keys

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


# -- plans against passages ---------------------------------------------------------------------

def _entry_text(entry: Any) -> tuple[str, str]:
    """(heading, body) of a list entry, body including points and sub-items."""
    if isinstance(entry, str):
        return "", entry
    if not isinstance(entry, dict):
        return "", ""
    body = [entry.get("text")] + list(entry.get("points") or [])
    for sub in entry.get("items") or []:
        body += list(_entry_text(sub))
    heading = entry.get("heading")
    return (heading if isinstance(heading, str) else ""), "".join(b for b in body if isinstance(b, str))


def _passages(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(where, heading, body) of every entry and item of the later report that could answer a plan."""
    out: list[tuple[str, str, str]] = []
    for key in ("achievements", "other"):
        for i, entry in enumerate(data.get(key) or []):
            heading, body = _entry_text(entry)
            out.append((f"{key}[{i + 1}]", heading, body))
            if isinstance(entry, dict):
                for j, item in enumerate(entry.get("items") or []):
                    h, b = _entry_text(item)
                    out.append((f"{key}[{i + 1}].items[{j + 1}]", h, b))
    fr = data.get("first_responsible")
    if isinstance(fr, dict):
        for i, entry in enumerate(fr.get("duties") or []):
            heading, body = _entry_text(entry)
            out.append((f"first_responsible.duties[{i + 1}]", heading, body))
    return out


def _bigrams(text: str) -> Counter[str]:
    text = _STOP.sub(" ", re.sub(r"\{\{.*?\}\}", " ", text))
    chars = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]+", " ", text)
    return Counter(a + b for a, b in zip(chars, chars[1:]) if " " not in (a, b))


def _cosine(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    dot = sum(a[g] * b[g] * idf.get(g, 1.0) ** 2 for g in a.keys() & b.keys())
    na = math.sqrt(sum((n * idf.get(g, 1.0)) ** 2 for g, n in a.items()))
    nb = math.sqrt(sum((n * idf.get(g, 1.0)) ** 2 for g, n in b.items()))
    return dot / (na * nb) if na and nb else 0.0


def match_plans(plans: Any, later: dict[str, Any]) -> list[PlanMatch]:
    """Each plan of the earlier report with the passage of the later report that best answers it."""
    entries = [
        (i, *_entry_text(e)) for i, e in enumerate(plans or []) if not is_introduction(e)
    ]
    passages = _passages(later)
    docs = [_bigrams(h + h + b) for _, h, b in passages]  # the heading counts double
    idf = {g: math.log((1 + len(docs)) / (1 + df)) + 1 for g, df in Counter(g for d in docs for g in d).items()}
    out: list[PlanMatch] = []
    for i, heading, body in entries:
        label = heading or _first_sentence(body)
        if not label:
            continue
        query = _bigrams(heading + heading + body)
        best, score = None, 0.0
        for passage, doc in zip(passages, docs):
            s = _cosine(query, doc, idf)
            if heading and passage[1] and _core(heading) and _core(heading) in passage[1]:
                s = max(s, 0.9)  # the later report names the plan in a heading (init --from checklist)
            if s > score:
                best, score = passage, s
        if best is None or score < MATCH_THRESHOLD:
            out.append(PlanMatch(label, f"plans[{i + 1}]", "unmatched", round(score, 2)))
            continue
        where, h, b = best
        if _PLACEHOLDER.search(b) and len(_PLACEHOLDER.sub("", b).strip()) < 10:
            status = "to_fill"
        else:
            status = "matched" if score >= STRONG_MATCH else "weak"
        out.append(PlanMatch(label, f"plans[{i + 1}]", status, round(score, 2), where, h or _first_sentence(b)))
    return out


def _core(heading: str) -> str:
    return _STOP.sub("", heading).strip("。.，, ")


def _first_sentence(text: str) -> str:
    sentence = re.split(r"[。；;！!？?]", text.strip(), maxsplit=1)[0]
    return sentence if len(sentence) <= 40 else sentence[:40] + "……"


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
    answered = sum(1 for p in c.plans if p.status in ("matched", "weak"))
    lines.append(f"{old_y}报告所列安排的落实（{answered}/{len(c.plans)} 项有对应内容）：")
    for p in c.plans:
        if p.status == "unmatched":
            lines.append(f"  ✗ {p.plan}：{new_y}报告中未找到对应内容")
        else:
            mark = {"matched": "✓", "weak": "?", "to_fill": "…"}[p.status]
            lines.append(f"  {mark} {p.plan} → {p.where} {p.passage}（{STATUS_LABELS[p.status]}，相似度 {p.score:.2f}）")
    return "\n".join(lines) + "\n"
