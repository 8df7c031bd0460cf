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
from authoring.duties import NAME_FIELDS, fact_fields, fact_keys, fact_leaves, leaf_label
from authoring.domain import FieldPath, format_path, part_keys
from authoring.errors import AuthoringError

# A plan counts as answered when the best passage scores at least this (cosine of idf-weighted
# character bigrams, 0‥1). Chosen on the corpus: a plan and the passage reporting on it score
# 0.3–0.6; unrelated passages of the same report stay under 0.2.
MATCH_THRESHOLD = 0.25
STRONG_MATCH = 0.35  # below this a match is shown as “可能对应” for a person to confirm
# A passage answers a plan only if its text, heading aside, shares at least this much with the
# plan: "天气晴朗。" under the heading init --from wrote (落实2024年安排：…) scores 0 and answers
# nothing; a terse real answer ("全年组织执法培训12期") shares the plan's words and scores over it.
EVIDENCE = 0.1
# The checklist headings init --from writes: they repeat the plan, so they are no evidence.
_GENERATED = re.compile(r"^落实\d{4}年安排([：:]|情况$)")
# "Looks copied from last year" once at least this share of this year's sentences are last year's
# (years aside, figures filled in): part one, the part rewritten every year, is 66–77 % of the
# examples' sentences, so a report that rewrote it and kept the rest word for word stays under a
# third; over half means part one itself was kept. The same share of unchanged figures (of at
# least MIN_FIGURES both years give) says the same of the numbers.
COPIED_SHARE = 0.5
MIN_FIGURES = 3
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
    source: FieldPath = ()  # the field `where` names, for a caller that shows it (the workbench)


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


STATUS_LABELS = {"matched": "有对应内容", "weak": "可能对应，请核对", "unmatched": "未找到", "to_fill": "待填",
                 "heading_only": "只有标题，正文没有写到这项安排",
                 "copied": "对应的文字与上一年报告相同，不能说明今年已落实"}




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

_PROSE_KEYS = ("title", "preamble", *part_keys())


def sentences(data: dict[str, Any]) -> list[str]:
    """The report's sentences as compared across years: figures filled in with the year's values,
    every year written as Y (2024年 and 2025年 are the same words), without spaces and punctuation;
    a checklist heading init --from wrote and a sentence under 8 characters are left out."""
    given = data.get("figures")
    figures: dict[str, Any] = given if isinstance(given, dict) else {}
    out: list[str] = []
    for text in _prose(data):
        if _GENERATED.match(text):
            continue
        text = re.sub(r"\{\{\s*figures\.(\w+)\s*\}\}", lambda m: str(figures.get(m.group(1))), text)
        for sentence in re.split(r"[。！？；;!?\n]", re.sub(r"\d{4}(?=\s*年)", "Y", text)):
            words = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", sentence)
            if len(words) >= 8:
                out.append(words)
    return out


def _prose(value: Any, key: str = "") -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        keys = _PROSE_KEYS if not key else list(value)
        return [t for k in keys if k in value and k not in ("leader", "layout") for t in _prose(value[k], str(k))]
    if isinstance(value, list):
        return [t for v in value for t in _prose(v, key)]
    return []


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


# -- plans against passages ---------------------------------------------------------------------

def _entry_text(entry: Any) -> tuple[str, str]:
    """(heading, body) of a list entry, body including points and sub-items."""
    if isinstance(entry, str):
        return "", entry
    if not isinstance(entry, dict):
        return "", ""
    body = [entry.get("text")] + list(entry.get("points") or [])
    for sub in entry.get("items") or []:
        h, b = _entry_text(sub)
        body += [_own(h), b]  # a checklist heading init --from wrote says nothing of its own
    heading = entry.get("heading")
    return (heading if isinstance(heading, str) else ""), "".join(b for b in body if isinstance(b, str))


_Passage = tuple[FieldPath, str, str]  # (where, heading, body)


def _passages(data: dict[str, Any]) -> list[_Passage]:
    """(where, heading, body) of every entry and item of the later report that could answer a plan."""
    out: list[_Passage] = []
    for key in ("achievements", "other"):
        for i, entry in enumerate(data.get(key) or []):
            heading, body = _entry_text(entry)
            out.append(((key, i), heading, body))
            if isinstance(entry, dict):
                for j, item in enumerate(entry.get("items") or []):
                    h, b = _entry_text(item)
                    out.append(((key, i, "items", j), h, b))
    fr = data.get("first_responsible")
    if isinstance(fr, dict):
        for i, entry in enumerate(fr.get("duties") or []):
            heading, body = _entry_text(entry)
            out.append((("first_responsible", "duties", i), heading, body))
    return out


def _bigrams(text: str) -> Counter[str]:
    text = _STOP.sub(" ", re.sub(r"\{\{.*?\}\}", " ", text))
    chars = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]+", " ", text)
    return Counter(a + b for a, b in zip(chars, chars[1:]) if " " not in (a, b))


# Every plan is compared with every passage: bounded so that a report of 20,000 plans (a 2 MB
# YAML allows it) is compared in seconds, not hours (300 × 3,000 took 7 s of CPU when every
# passage shares the plans' words). Real reports have tens of plans and a hundred passages.
MAX_PLANS = 200
MAX_PASSAGES = 2000


class _Vectors:
    """Bigram counts of many texts, for the cosine of one query with each of them: each text's
    norm computed once and the dot products summed from an index of bigram → texts. Computed
    pair by pair, norms included, matching was plans × passages × their text."""

    def __init__(self, docs: list[Counter[str]], idf: dict[str, float]) -> None:
        self.idf = idf
        self.norms = [_norm(d, idf) for d in docs]
        self.index: dict[str, list[tuple[int, int]]] = {}
        for n, doc in enumerate(docs):
            for g, count in doc.items():
                self.index.setdefault(g, []).append((n, count))

    def cosines(self, query: Counter[str]) -> list[float]:
        """The cosine of the idf-weighted counts of `query` with those of every doc, in order."""
        out = [0.0] * len(self.norms)
        nq = _norm(query, self.idf)
        if not nq:
            return out
        for g, count in query.items():
            weight = count * self.idf.get(g, 1.0) ** 2
            for n, c in self.index.get(g, ()):
                out[n] += weight * c
        return [dot / (nq * norm) if norm else 0.0 for dot, norm in zip(out, self.norms)]


def _norm(bigrams: Counter[str], idf: dict[str, float]) -> float:
    return math.sqrt(sum((n * idf.get(g, 1.0)) ** 2 for g, n in bigrams.items()))


def match_plans(plans: Any, later: dict[str, Any], earlier: Optional[dict[str, Any]] = None) -> list[PlanMatch]:
    """Each plan of the earlier report with the passage of the later report that best answers it.
    A passage answers only by what its text says (EVIDENCE); a heading that names the plan, as the
    checklist headings of init --from do, is not an answer by itself (status heading_only), nor is
    a passage that is the `earlier` report's own text (status copied)."""
    entries = [
        (i, *_entry_text(e)) for i, e in enumerate(plans or []) if not is_introduction(e)
    ]
    old = set(sentences(earlier)) if earlier else set()
    given = _passages(later)[:MAX_PASSAGES]
    passages = [p for p in given if not _copied_text(p[2], old)]
    kept = {p[0] for p in passages}
    copies = [p for p in given if p[0] not in kept]
    # The heading counts double, but not a checklist heading init --from wrote: it is the plan's.
    docs = [_bigrams(_own(h) * 2 + b) for _, h, b in passages]
    idf = {g: math.log((1 + len(docs)) / (1 + df)) + 1 for g, df in Counter(g for d in docs for g in d).items()}
    candidates = _Candidates(passages, _Vectors(docs, idf), _Vectors([_bigrams(b) for _, _, b in passages], idf))
    copied = _Vectors([_bigrams(_own(h) * 2 + b) for _, h, b in copies], idf)
    out: list[PlanMatch] = []
    for i, heading, body in entries:
        label = heading or _first_sentence(body)
        if label:
            query = _bigrams(heading + heading + body)
            match = _answer(label, f"plans[{i + 1}]", heading, query, candidates)
            out.append(_copied_answer(match, query, copies, copied) if match.status == "unmatched" else match)
    return out


@dataclass
class _Candidates:
    """The passages that may answer a plan, with what is computed of them once for all plans."""

    passages: list[_Passage]
    docs: _Vectors  # heading (twice) and text
    bodies: _Vectors  # text only

    def __post_init__(self) -> None:
        self.cores = [_core(h) if h else "" for _, h, _ in self.passages]
        self.to_fill = [_to_fill(b) for _, _, b in self.passages]


def _copied_text(body: str, old: set[str]) -> bool:
    """Whether at least COPIED_SHARE of a passage's sentences are last year's, word for word."""
    said = sentences({"achievements": [body]}) if old else []
    return bool(said) and sum(1 for s in said if s in old) >= COPIED_SHARE * len(said)


def _found(label: str, path: str, status: str, score: float, passage: _Passage) -> PlanMatch:
    """A plan answered (or only named) by a passage of the later report."""
    where, h, b = passage
    return PlanMatch(label, path, status, round(score, 2), format_path(where), h or _first_sentence(b), where)


def _copied_answer(match: PlanMatch, query: Counter[str], copies: list[_Passage],
                   vectors: _Vectors) -> PlanMatch:
    """A plan that only last year's own text, carried over, would answer: said so."""
    scored = list(zip(vectors.cosines(query), copies))
    empty: _Passage = ((), "", "")
    score, best = max(scored, default=(0.0, empty), key=lambda x: x[0])
    if score < MATCH_THRESHOLD:
        return match
    return _found(match.plan, match.path, "copied", score, best)


def _own(heading: str) -> str:
    """A passage's heading as evidence: none when init --from wrote it."""
    return "" if _GENERATED.match(heading) else heading


def _answer(label: str, path: str, heading: str, query: Counter[str], candidates: _Candidates) -> PlanMatch:
    """The passage that best answers one plan, or why none does."""
    best, score, named = None, 0.0, None
    core = _core(heading) if heading else ""
    alike, evidences = candidates.docs.cosines(query), candidates.bodies.cosines(query)
    for n, passage in enumerate(candidates.passages):
        evidence = evidences[n]
        names = bool(core and passage[1] and core in candidates.cores[n])
        if candidates.to_fill[n] and names:
            return _found(label, path, "to_fill", 0.9, passage)
        if evidence < EVIDENCE:
            if named is None and (names or alike[n] >= MATCH_THRESHOLD):
                named = (passage, evidence)  # named, or alike by its heading: nothing said under it
            continue
        s = max(alike[n], 0.9 if names else 0.0)
        if s > score:
            best, score = passage, s
    if best is not None and score >= MATCH_THRESHOLD:
        return _found(label, path, "matched" if score >= STRONG_MATCH else "weak", score, best)
    if named is not None:
        return _found(label, path, "heading_only", named[1], named[0])
    return PlanMatch(label, path, "unmatched", round(score, 2))


def _to_fill(body: str) -> bool:
    return bool(_PLACEHOLDER.search(body)) and len(_PLACEHOLDER.sub("", body).strip()) < 10


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
