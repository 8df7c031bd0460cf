"""What the speed-ups of check's rules rely on (no timings here: benchmarks/scale.py measures them).

A rule now tries its pattern only where a line has the characters every match needs (a
half-width mark, 年 before a year, 号 after a date, % for a percentage, 共 and 其中 for a total,
以来, an agency's name), instead of at every character of every line. Each rule is pinned here
against the code it replaced (kept below as the reference, as it was at e5682e8), on reports
drawn from the pieces the rules look for."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Optional

from hypothesis import given, settings
from hypothesis import strategies as st

from authoring import check_figures, check_leftovers, check_years, hygiene
from authoring.blocks import Block, Heading, Paragraph, Signature, Table, Title
from authoring.check_context import Context, heading_label, params, shorten
from authoring.domain import submission_deadline
from authoring.lines import classify_line, finditer_near, normalize_text
from authoring.numerals import digits_of
from authoring.parts import find_parts
from authoring.resources import load_data
from authoring.rules import Finding, make_finding

# -- the patterns tried near a mark ---------------------------------------------------------------

# What the patterns look at: Chinese characters, digits of every kind, the half-width marks and
# their full-width forms, spaces and line ends, and the words around a date.
_CHARS = list("中文年月号日一二三十〇○零OoＯ0１29０.,;:?!()（）“”《》/ \n\t…。，；：") + [
    "...", "……", "//", "中 , 中", "中 ,中", "中; ", "》: “", "): //", "中. ", "中.\n", "(中)", "二0二四年", "12月3号"]
_TEXT = st.lists(st.sampled_from(_CHARS), max_size=40).map("".join)

_NEAR = [(pattern, mark[0], back, 0) for mark, _wide, pattern, back in hygiene._HALF_WIDTH] + [
    (hygiene._MIXED_YEAR, "年", 4, 4),
    (hygiene._HAO, "号", 7, 3),
]


def _found(matches: Any) -> list[tuple[tuple[int, int], tuple[Any, ...]]]:
    return [(m.span(), m.groups()) for m in matches]


@settings(max_examples=3000, deadline=None)
@given(_TEXT, st.sampled_from(_NEAR))
def test_trying_near_a_mark_finds_what_finditer_finds(text: str, case: tuple[str, str, int, int]) -> None:
    pattern, mark, back, near = case
    rx = re.compile(pattern)
    assert _found(finditer_near(rx, text, mark, back, near)) == _found(rx.finditer(text))


# Marks side by side and spaces around them, where one match's end could meet the next's start.
_PACKED = st.lists(st.sampled_from(list("中“”》）)《（(,;:?!./ \t\n") + ["中 , 中", "中 ,", ", 中", "中: //"]),
                   max_size=30).map("".join)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(_TEXT, _PACKED), st.sampled_from(hygiene._HALF_WIDTH))
def test_a_mark_counted_from_the_mark_counts_what_finditer_finds(text: str, case: Any) -> None:
    mark, _wide, pattern, _back = case
    counted = re.compile(hygiene._COUNTED[mark])
    assert len(counted.findall(text)) == len(list(re.compile(pattern).finditer(text)))
    # Each counted match starts at a mark: the engine looks only there.
    assert all(text.startswith(mark[0], m.start()) for m in counted.finditer(text))


def test_the_hygiene_rules_say_where_the_mark_stands() -> None:
    """The table hygiene tries near a mark, read back: the mark of a half-width finding is
    the one its pattern needs, 年 is 4 characters after a year's start, 号 3 to 7 after a date's."""
    assert [m for m, *_ in hygiene._HALF_WIDTH] == [",", ";", ":", "?", "!", ".", "()"]
    for text, rx, mark, back, near in (("二0二四年", hygiene._MIXED_YEAR, "年", 4, 4),
                                       ("十二月三十号", hygiene._HAO, "号", 7, 3),
                                       ("2月3号", hygiene._HAO, "号", 7, 3)):
        m = re.compile(rx).search(text)
        assert m is not None and near <= text.index(mark, m.start()) - m.start() <= back


# -- the rules against the code they replaced -------------------------------------------------------

# Pieces of a report's lines: what each rule looks for, and what comes near it.
_PIECES = [
    "局党组", "推进", "执法", "。", "，", "；", "：", "、", ",", ".", "(", ")", "(中文)", "...", "…", "……", "。。。", "?", "!",
    ":", ";", " , ", "中,中", "二0二四年", "2O24年", "2024年", "2023年", "2025年", "年", "3月5号", "十二月三号", "号",
    "共", "共计", "其中", "10件", "8件", "5件", "12人", "3人", "150%", "100%", "100％", "3.5%", "增长120%", "占比120%",
    "办结率", "办结率100%", "尚有2件未办结", "受理15件", "办结12件", "受理15件，办结12件，办结率100%", "共10件，其中8件、5件", "XX", "xx", "【待补充】", "TODO", "待填", "www.xx.gov",
    "以来", "2023年以来", "2025年度以来", "沙坪坝区城市管理局", "在沙坪坝区城管局", "九龙坡区城市管理局", "区城市管理局",
    "二十届四中全会", "二十届历次全会", "党的二十大", "二十届三中全会",
]
_LINE = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map("".join)
_HEADINGS = ["一、主要举措和成效", "（一）强化学习", "1.深学笃行", "二、党政主要负责人履行推进法治建设第一责任人职责情况",
             "三、存在的不足和原因", "四、2025年工作安排", "四、2026年工作计划"]


@st.composite
def _contexts(draw: Any) -> Context:
    lines = draw(st.lists(st.one_of(_LINE, st.sampled_from(_HEADINGS)), min_size=1, max_size=14))
    blocks: list[Block] = [Title("九龙坡区城市管理局关于2024年度法治政府建设情况的报告", line=1)]
    blocks += [classify_line(text, n + 2) for n, text in enumerate(lines)]
    blocks.append(Signature("九龙坡区城市管理局", draw(st.sampled_from(["2025年2月20日", "", "二〇二五年三月一日"])),
                            line=len(lines) + 2))
    return Context(blocks, find_parts(blocks), "", None)


@settings(max_examples=600, deadline=None)
@given(_contexts())
def test_each_rule_finds_what_the_code_it_replaced_found(ctx: Context) -> None:
    assert hygiene.punctuation_rules(ctx) == _punctuation_rules(ctx)
    assert hygiene.number_rules(ctx) == _number_rules(ctx)
    assert check_figures.figure_rules(ctx) == _figure_rules(ctx)
    assert check_years.year_rules(ctx) == _year_rules(ctx)
    assert check_leftovers.leftover_rules(ctx) == _leftover_rules(ctx)


def test_the_drawn_reports_break_every_rule_pinned() -> None:
    """The pieces are ones the rules find: a report of all of them breaks each rule pinned."""
    blocks: list[Block] = [Title("九龙坡区城市管理局关于2024年度法治政府建设情况的报告", line=1)]
    blocks += [classify_line(p + "中。", n + 2) for n, p in enumerate(_PIECES + ["共10件，其中8件、5件"])]
    blocks.append(Signature("九龙坡区城市管理局", "2025年2月20日"))
    ctx = Context(blocks, find_parts(blocks), "", None)
    found = {f.rule for f in _punctuation_rules(ctx) + _number_rules(ctx) + _figure_rules(ctx) + _year_rules(ctx)
             + _leftover_rules(ctx)}
    assert found >= {"punctuation.half_width", "punctuation.ellipsis", "numbers.mixed_year", "numbers.hao",
                     "figures.percent_over_100", "figures.percent_check", "figures.parts_exceed_whole",
                     "figures.rate_contradicted", "year.since", "year.future_meeting", "leftovers.placeholder",
                     "leftovers.other_agency"}


# -- the reference: the rules as they were (e5682e8), each pattern tried at every character --------

_CJK = "\u4e00-\u9fff"
_HALF_WIDTH = [
    (",", "，", re.compile(rf"(?<=[{_CJK}“”》）)])\s?,\s?(?=[{_CJK}“《（(])")),
    (";", "；", re.compile(rf"(?<=[{_CJK}“”》）)])\s?;\s?(?=[{_CJK}“《（(])")),
    (":", "：", re.compile(rf"(?<=[{_CJK}“”》）)])\s?:(?!//)\s?(?=[{_CJK}“《（(])")),
    ("?", "？", re.compile(rf"(?<=[{_CJK}])\?")),
    ("!", "！", re.compile(rf"(?<=[{_CJK}])!")),
    (".", "。", re.compile(rf"(?<=[{_CJK}])\.(?=[{_CJK}]|\s*$)")),
    ("()", "（）", re.compile(rf"\([^()]*[{_CJK}][^()]*\)")),
]
_ELLIPSIS = re.compile(r"(?<!\.)\.{3,6}(?!\.)|。{3,}|(?<!…)…(?!…)|…{3,}")
_MIXED_YEAR = re.compile(r"(?<![\d〇○零一二三四五六七八九OoＯ０-９])([〇○零一二三四五六七八九OoＯ0-9０-９]{4})(?=年)")
_HAO = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})号")


def _punctuation_rules(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for mark, wide, rx in _HALF_WIDTH:
        hits = [(i, m) for i, text in hygiene._texts(ctx) for m in rx.finditer(text)]
        if hits:
            i, m = hits[0]
            more = f"，共 {len(hits)} 处" if len(hits) > 1 else ""
            out.append(make_finding("punctuation.half_width", ctx.line(i), ctx.under[i], mark=mark, wide=wide,
                                    found=hygiene._excerpt(ctx.texts[i], m.start(), m.end()), more=more))
    for i, text in hygiene._texts(ctx):
        dots = _ELLIPSIS.search(text)
        if dots:
            m = dots
            out.append(make_finding("punctuation.ellipsis", ctx.line(i), ctx.under[i], found=m.group(0),
                                    context=hygiene._excerpt(text, m.start(), m.end())))
    return out


def _number_rules(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for i, text in hygiene._texts(ctx):
        for m in _MIXED_YEAR.finditer(text):
            year = m.group(1)
            if re.search("[〇○零一二三四五六七八九]", year) and re.search("[OoＯ0-9０-９]", year):
                out.append(make_finding("numbers.mixed_year", ctx.line(i), ctx.under[i], found=year + "年",
                                        expected=digits_of(year) + "年"))
        for m in _HAO.finditer(text):
            month, day = (str(hygiene._value(g) or g) for g in m.groups())
            out.append(make_finding("numbers.hao", ctx.line(i), ctx.under[i], found=m.group(0),
                                    expected=f"{month}月{day}日"))
    return out


def _figure_rules(ctx: Context) -> list[Finding]:
    p = params()
    rate_words = re.compile(p["rate_words"])
    change_words = re.compile(p["change_words"])
    units = p["units"]
    whole_rx = re.compile(r"共(?:计|有)?[^0-9，。；：]{0,12}?" + check_figures._NUM + rf"\s*({units})")
    item_rx = check_figures._NUM + r"\s*({u})"
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
            lo = max(0, m.start() - 60)
            clause_start = max([lo - 1] + [norm.rfind(c, lo, m.start()) for c in "，。；：、"]) + 1
            before = norm[clause_start:m.start()]
            found = orig[clause_start:m.end()].strip()
            if change_words.search(before):
                continue
            rule = "figures.percent_over_100" if rate_words.search(before) else "figures.percent_check"
            out.append(make_finding(rule, ctx.line(i), ctx.under[i], found=shorten(found, 40)))
        for start, sent in check_figures._sentences(norm):
            out += check_figures._parts_exceed(ctx, i, start, sent, whole_rx, item_rx, orig)
            rm = rates_rx.search(sent)
            if rm:
                reason = check_figures._rate_contradiction(sent, units)
                if reason:
                    out.append(make_finding("figures.rate_contradicted", ctx.line(i), ctx.under[i],
                                            rate=orig[start + rm.start():start + rm.end()], reason=reason))
    return out


def _year_rules(ctx: Context) -> list[Finding]:
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
            stale = year - int(params()["since_years_back"]) <= since < year
            if (stale or since > year) and m.group(0) not in reported:
                reported.add(m.group(0))
                out.append(make_finding("year.since", ctx.line(i), ctx.under[i],
                                        found=ctx.texts[i][m.start():m.end()], year=year))
    plan = ctx.parts.get("plans")
    if plan is not None and plan.form == "heading":
        wrong: set[int] = set()
        m = re.search(r"(\d{4})\s*年", normalize_text(plan.heading))
        if m and not check_years._RANGE.search(normalize_text(plan.heading)) and int(m.group(1)) != year + 1:
            wrong.add(int(m.group(1)))
            out.append(make_finding("year.plan", plan.line, heading_label(ctx.blocks, plan.start, plan.heading),
                                    found=m.group(1), expected=year + 1))
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


def _meeting_rules(ctx: Context, year: int) -> list[Finding]:
    data = load_data("meetings.yaml")
    patterns = data.get("patterns", {})
    text = "\n".join(ctx.norms)
    cited: list[dict[str, Any]] = []
    first_line: dict[str, Optional[int]] = {}

    def held(m: dict[str, Any]) -> tuple[int, int]:
        y, mo = str(m["held"]).split("-")[:2]
        return int(y), int(mo)

    submitted = submission_deadline(year)

    def after_deadline(m: dict[str, Any]) -> bool:
        return _dt.date(*held(m), 1) > submitted

    collective = data.get("collective") or {}
    for m in data["meetings"]:
        rx = patterns.get(m["name"])
        if collective.get(m["congress"]) and not after_deadline(m):
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


def _leftover_rules(ctx: Context) -> list[Finding]:
    return (_placeholder_findings(ctx) + check_leftovers._agency_mismatch_findings(ctx)
            + _other_agency_findings(ctx))


def _placeholder_findings(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    pats = [re.compile(p) for p in load_data("placeholders.yaml")["placeholders"]]
    for i, text in enumerate(ctx.texts):
        if isinstance(ctx.blocks[i], Table):
            continue
        reported: set[str] = set()
        covered: list[tuple[int, int]] = []
        for rx in pats:
            for m in rx.finditer(text):
                s = m.group(0)
                if any(a < m.end() and m.start() < b for a, b in covered):
                    continue
                covered.append((m.start(), m.end()))
                if not check_leftovers._in_latin_word(text, m) and s not in reported:
                    reported.add(s)
                    out.append(make_finding("leftovers.placeholder", ctx.line(i), ctx.under[i], found=s))
    return out


def _other_agency_findings(ctx: Context) -> list[Finding]:
    canonical, split = check_leftovers._canonical, check_leftovers._split_agency
    place, level, bodies = split(canonical(ctx.agency)) if ctx.agency else ("", "", [])
    if not (place and bodies):
        return []
    out: list[Finding] = []
    not_places = re.compile(params()["not_places"])
    body_alt = "|".join(re.escape(x) for x in sorted(bodies, key=len, reverse=True))
    rx = re.compile(rf"(?:^|(?<=[{params()['place_boundary']}]))"
                    rf"([^{params()['not_place_chars']}\W\d]{{2,4}}?){level}(?:{body_alt})")
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


# -- a number typed into a heading: one joined try before the patterns -----------------------------

def _typed_number(text: str) -> str:
    """hygiene.typed_number as it was (each pattern tried in turn)."""
    norm = normalize_text(text)
    for _level, rx in hygiene._numbering():
        found = rx.match(norm)
        if found:
            break
    else:
        found = hygiene._POINT.match(norm)
    if not found or not text[found.end():].strip():
        return ""
    return text[: found.end()]


_NUMBER_PIECES = list("一二三十是、．.（）() 1２0①⑩，。；\t") + ["一、", "（二）", "(三)", "12.", "3、", "（ 4 ）", "十一是", "一是",
                                                        "1.5", "强化学习", "中"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_NUMBER_PIECES), max_size=8).map("".join))
def test_a_typed_number_is_found_as_each_pattern_in_turn_found_it(text: str) -> None:
    assert hygiene._any_number() is not None  # the patterns join: the quick try is in use
    assert hygiene.typed_number(text) == _typed_number(text)


_PERCENT_TEXT = st.lists(st.sampled_from(list("0123456789.%％ 中，١٣") + ["12.5%", "1.2.5%", "100 %", "..5%", "3.%"]),
                         max_size=20).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_PERCENT_TEXT)
def test_percentages_found_without_the_look_behind_are_the_ones_it_found(text: str) -> None:
    reference = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*%")
    found = check_figures._percents(check_figures._patterns()["percent"], text)
    assert _found(found) == _found(reference.finditer(text))
