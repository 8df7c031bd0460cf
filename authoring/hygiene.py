"""The 公文 hygiene rules reviewers check (../shared/DOMAIN.md): heading numbers in sequence,
full-width punctuation in Chinese text, years and dates written as GB/T 15835 and GB/T 9704 ask,
the 成文日期 and its deadline, and a Word file's left-over revisions and comments.

Each rule runs on blocks, so it says the same of a YAML, the Word file rendered from it and a
published text; its id, severity and message are in data/rules.yaml."""
from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Iterator, Optional

from authoring.blocks import Block, Heading, Paragraph, Signature, Table
from authoring.domain import chinese_date, deadlines
from authoring.lines import finditer_near, joined, normalize_text
from authoring.numerals import chinese_number, chinese_value_or_none, digits_of, parse_date
from authoring.resources import load_data
from authoring.rules import Finding, make_finding

if TYPE_CHECKING:
    from authoring.check_context import Context as _Context

# Heading numbers as a reader sees them ("（二）", "2.", "一是"), for the numbers typed into a YAML
# heading; the patterns are headings.yaml's, matched on normalised text.
_POINT = re.compile(r"^[一二三四五六七八九十]{1,3}是(?=[^，。；、\s])")


@lru_cache(maxsize=1)
def _numbering() -> list[tuple[int, re.Pattern[str]]]:
    return [(int(n["level"]), re.compile(n["pattern"])) for n in load_data("headings.yaml")["numbering"]]


@lru_cache(maxsize=1)
def _any_number() -> Optional[re.Pattern[str]]:
    # One expression where any of the patterns below matches (None: they cannot be joined). Most
    # headings hold no second number: one try tells, instead of one for each pattern.
    return joined([rx.pattern for _level, rx in _numbering()] + [_POINT.pattern])


def typed_number(text: str) -> str:
    """The heading number a clerk typed at the start of a heading (“（二）”, “1.”, “一是”), or ""
    when there is none or nothing would be left of the heading without it."""
    norm = normalize_text(text)
    quick = _any_number()
    if quick is not None and quick.match(norm) is None:
        return ""
    for _level, rx in _numbering():
        found = rx.match(norm)
        if found:
            break
    else:
        found = _POINT.match(norm)
    if not found or not text[found.end():].strip():
        return ""
    return text[: found.end()]


def strip_typed_number(text: str) -> str:
    """A heading without the number typed into it (the renderer numbers headings by position)."""
    number = typed_number(text)
    return text[len(number):].strip() if number else text


# -- heading numbers ------------------------------------------------------------------------------


def _value(number: str) -> Optional[int]:
    core = re.sub(r"[\s（）()、.．,，]", "", number)
    if core.isdigit():
        return int(core)
    circled = "①②③④⑤⑥⑦⑧⑨⑩"
    if len(core) == 1 and core in circled:
        return circled.index(core) + 1
    return chinese_value_or_none(core)


def _label(level: int, value: int) -> str:
    fmt = str(load_data("numbering.yaml")["levels"][level])
    return fmt.format(n=value, cn=chinese_number(value))


def _numbered(blocks: list[Block]) -> Iterator[tuple[int, int, str, str]]:
    """(block index, level, number as written, text) of every numbered heading or run-in heading."""
    for i, b in enumerate(blocks):
        if isinstance(b, (Heading, Paragraph)) and b.number and b.level:
            yield i, b.level, b.number.strip(), (b.text if isinstance(b, Heading) else b.lead)


def numbering_rules(ctx: "_Context") -> list[Finding]:
    """Numbers at one level run 1, 2, 3 (no 一、二、四、, no repeated （三）); a level is not skipped
    downward (一、 then 1. with no （一） between); no number typed twice (（一）（二）…)."""
    out: list[Finding] = []
    last: dict[int, tuple[int, str]] = {}
    for i, level, number, text in _numbered(ctx.blocks):
        value = _value(number)
        for deeper in [k for k in last if k > level]:
            del last[deeper]
        if value is not None:
            out += _sequence(ctx, i, level, number, value, last.get(level), last)
            last[level] = (value, number)
        twice = typed_number(text)
        if twice and _value(twice) is not None:
            out.append(make_finding("numbering.typed_twice", ctx.line(i), ctx.under[i], found=number + twice))
    return out


def _sequence(ctx: "_Context", i: int, level: int, number: str, value: int,
              previous: Optional[tuple[int, str]], open_levels: dict[int, tuple[int, str]]) -> list[Finding]:
    line, under = ctx.line(i), ctx.under[i]
    out: list[Finding] = []
    shallower = [k for k in open_levels if k < level]
    if shallower and level - 1 not in open_levels and previous is None:
        parent = open_levels[max(shallower)][1]
        missing = "、".join(_label(k, 1) for k in range(max(shallower) + 1, level))
        out.append(make_finding("numbering.level_skipped", line, under, found=number, parent=parent, missing=missing))
    if previous is None:
        if value != 1:
            out.append(make_finding("numbering.skipped", line, under, found=number, expected=_label(level, 1),
                                    after="这一级的第一个标题"))
    elif value == previous[0]:
        out.append(make_finding("numbering.repeated", line, under, found=number, expected=_label(level, value + 1)))
    elif value != previous[0] + 1:
        out.append(make_finding("numbering.skipped", line, under, found=number,
                                expected=_label(level, previous[0] + 1), after=f"“{previous[1]}”之后"))
    return out


# -- punctuation and numbers ----------------------------------------------------------------------

_CJK = "\u4e00-\u9fff"
# A half-width mark between Chinese characters (or closing a Chinese sentence), with the
# full-width one it stands for, and how far before the mark a match can start (the space of
# " , "). Parentheses count when what they hold is Chinese. The patterns are compiled when a
# text first holds the mark: each costs about a millisecond to compile (the CJK range), which
# every cold `authoring render` paid at import.
_HALF_WIDTH = (
    (",", "，", rf"(?<=[{_CJK}“”》）)])\s?,\s?(?=[{_CJK}“《（(])", 1),
    (";", "；", rf"(?<=[{_CJK}“”》）)])\s?;\s?(?=[{_CJK}“《（(])", 1),
    (":", "：", rf"(?<=[{_CJK}“”》）)])\s?:(?!//)\s?(?=[{_CJK}“《（(])", 1),
    ("?", "？", rf"(?<=[{_CJK}])\?", 0),
    ("!", "！", rf"(?<=[{_CJK}])!", 0),
    (".", "。", rf"(?<=[{_CJK}])\.(?=[{_CJK}]|\s*$)", 0),
    ("()", "（）", rf"\([^()]*[{_CJK}][^()]*\)", 0),
)
# The same marks counted by patterns that start with the mark itself, so that the engine looks
# only where a mark stands: the patterns above open with a look-behind, which findall tries at
# every character (two thirds of these rules' time on Word files written with half-width
# commas). The look-behind moves past the mark (the leading space of " , " is looked behind, not
# matched). Each match holds one mark and no match reaches the next mark, so every mark the
# pattern above matches at is counted once: the same count (tests/test_rules_speed.py).
_BEFORE, _AFTER = f"[{_CJK}“”》）)]", f"(?=[{_CJK}“《（(])"
_COUNTED = {
    ",": rf",(?:(?<={_BEFORE},)|(?<={_BEFORE}\s,))\s?{_AFTER}",
    ";": rf";(?:(?<={_BEFORE};)|(?<={_BEFORE}\s;))\s?{_AFTER}",
    ":": rf":(?:(?<={_BEFORE}:)|(?<={_BEFORE}\s:))(?!//)\s?{_AFTER}",
    "?": rf"\?(?<=[{_CJK}]\?)",
    "!": rf"!(?<=[{_CJK}]!)",
    ".": rf"\.(?<=[{_CJK}]\.)(?=[{_CJK}]|\s*$)",
    "()": _HALF_WIDTH[-1][2],
}
_ELLIPSIS = r"(?<!\.)\.{3,6}(?!\.)|。{3,}|(?<!…)…(?!…)|…{3,}"
# Four digits before 年 (the look-ahead): the 年 stands 4 characters after the match's start.
_MIXED_YEAR = r"(?<![\d〇○零一二三四五六七八九OoＯ０-９])([〇○零一二三四五六七八九OoＯ0-9０-９]{4})(?=年)"
# X月Y号: the 号 is 3 to 7 characters after the match's start.
_HAO = r"(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})号"


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _texts(ctx: "_Context") -> Iterator[tuple[int, str]]:
    for i, b in enumerate(ctx.blocks):
        if not isinstance(b, (Table, Signature)):
            yield i, ctx.texts[i]


def _excerpt(text: str, start: int, end: int) -> str:
    """A few characters either side of a mark, cut at the clause around it."""
    before = re.split(r"[。，；：、！？]", text[max(0, start - 6):start])[-1]
    after = re.split(r"[。，；：、！？]", text[end:end + 6])[0]
    return (before + text[start:end] + after).strip()


def punctuation_rules(ctx: "_Context") -> list[Finding]:
    """Half-width , ; : ? ! . ( ) inside Chinese text (GB/T 15834), one finding per mark with the
    count and the first place; an ellipsis that is not ……."""
    out: list[Finding] = []
    texts = list(_texts(ctx))
    for mark, wide, pattern, back in _HALF_WIDTH:
        first: Optional[tuple[int, re.Match[str]]] = None
        count = 0
        for i, text in texts:
            if mark[0] not in text:
                continue
            if first is None:
                m = next(finditer_near(_compiled(pattern), text, mark[0], back), None)
                first = (i, m) if m is not None else None
            count += len(_compiled(_COUNTED[mark]).findall(text)) if first is not None else 0
        if first is not None:
            i, m = first
            more = f"，共 {count} 处" if count > 1 else ""
            out.append(make_finding("punctuation.half_width", ctx.line(i), ctx.under[i], mark=mark, wide=wide,
                                    found=_excerpt(ctx.texts[i], m.start(), m.end()), more=more))
    for i, text in texts:
        maybe = "..." in text or "。。。" in text or "…" in text  # what every ellipsis _ELLIPSIS finds starts with
        dots = _compiled(_ELLIPSIS).search(text) if maybe else None
        if dots:
            m = dots
            out.append(make_finding("punctuation.ellipsis", ctx.line(i), ctx.under[i], found=m.group(0),
                                    context=_excerpt(text, m.start(), m.end())))
    return out


def number_rules(ctx: "_Context") -> list[Finding]:
    """Years mixing Chinese and Arabic digits (二0二四年), dates with 号 (2月20号)."""
    out: list[Finding] = []
    for i, text in _texts(ctx):
        if "年" in text:
            for m in finditer_near(_compiled(_MIXED_YEAR), text, "年", 4, 4):
                year = m.group(1)
                if re.search("[〇○零一二三四五六七八九]", year) and re.search("[OoＯ0-9０-９]", year):
                    out.append(make_finding("numbers.mixed_year", ctx.line(i), ctx.under[i], found=year + "年",
                                            expected=digits_of(year) + "年"))
        if "号" in text:
            for m in finditer_near(_compiled(_HAO), text, "号", 7, 3):
                month, day = (str(_value(g) or g) for g in m.groups())
                out.append(make_finding("numbers.hao", ctx.line(i), ctx.under[i], found=m.group(0),
                                        expected=f"{month}月{day}日"))
    return out


# -- the 成文日期 -----------------------------------------------------------------------------------

_ARABIC_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def deadlines_for(year: int, agency: str) -> list[tuple[_dt.date, str]]:
    """The last days (in year + 1) a report on `year` is on time, latest first: publication,
    then submission for a department (domain.deadlines)."""
    return [(d.due, d.what) for d in deadlines(year, agency)]


def date_rules(ctx: "_Context") -> list[Finding]:
    """The 落款 carries a 成文日期, in GB/T 9704's form (2025年2月20日), in the reporting window."""
    signature = next((i for i in range(len(ctx.blocks) - 1, -1, -1) if isinstance(ctx.blocks[i], Signature)), None)
    example = chinese_date(_dt.date((ctx.year or 2024) + 1, 2, 20))
    if signature is None or not ctx.blocks[signature].date.strip():  # type: ignore[union-attr]
        return [make_finding("date.missing", ctx.line(signature) if signature is not None else None, "",
                             example=example)]
    found = re.sub(r"\s+", "", ctx.blocks[signature].date)  # type: ignore[union-attr]
    line = ctx.line(signature)
    date = parse_date(found)
    if date is None:
        return [make_finding("date.form", line, "", found=found, expected=f"如“{example}”，写明年、月、日")]
    out: list[Finding] = []
    if not _ARABIC_DATE.match(found) or found != chinese_date(date):
        out.append(make_finding("date.form", line, "", found=found, expected=f"“{chinese_date(date)}”"))
    if ctx.year is not None:
        out += _window(ctx, line, date)
    return out


def _window(ctx: "_Context", line: Optional[int], date: _dt.date) -> list[Finding]:
    year = ctx.year
    assert year is not None
    if date.year < year:
        return [make_finding("date.before_year", line, "", date=chinese_date(date), year=year)]
    for due, what in deadlines_for(year, ctx.agency):
        if date > due:
            return [make_finding("date.late", line, "", date=chinese_date(date), deadline=chinese_date(due), what=what)]
    return []


# -- a Word file's review marks -------------------------------------------------------------------


def review_rules(ctx: "_Context") -> list[Finding]:
    """Tracked changes and comments still in a Word file (the reader counts them)."""
    review = getattr(ctx.read, "review", None) or {}
    out: list[Finding] = []
    kinds = [(review.get(k, 0), name) for k, name in (("insertions", "插入"), ("deletions", "删除"),
                                                     ("moves", "移动"), ("formatting", "格式"))]
    total = sum(n for n, _ in kinds)
    if total:
        shown = "、".join(f"{name} {n} 处" for n, name in kinds if n)
        out.append(make_finding("revisions.tracked", None, "", count=total, kinds=shown))
    if review.get("comments"):
        out.append(make_finding("revisions.comments", None, "", count=review["comments"]))
    return out


def hygiene_rules(ctx: "_Context") -> list[Finding]:
    """Every hygiene rule, in the order a reviewer reads them."""
    return numbering_rules(ctx) + punctuation_rules(ctx) + number_rules(ctx) + date_rules(ctx) + review_rules(ctx)
