"""The faster text reading (issue 17) against the code it replaced, kept here as the reference,
and each fast path against the general code behind it: the same heading numbers, the same
pieces, the same blocks."""
from __future__ import annotations

import itertools
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import example, given, settings, strategies as st

from authoring import unflatten as U
from authoring.lines import normalize_text
from authoring.loosen import without_assertions
from authoring.read import read_blocks

sys.path.insert(0, str(Path(__file__).resolve().parent))
import variants as V  # noqa: E402  (test helper beside this file)


# -- heading numbers: the places tried ----------------------------------------------------------


def _numbers_tried_everywhere(norm: str) -> list[Any]:
    """_numbers as it was before may_number: every place _NUMBER_START finds is tried."""
    seq = U._Sequence()
    out = []
    first = U._number_at(norm, 0)
    if first is not None:
        seq.take(first)
    for m in U._NUMBER_START.finditer(norm, 1):
        pos = m.start()
        if norm[pos - 1].isdigit():
            continue
        n = U._number_at(norm, pos)
        if n is not None and seq.follows(n, norm):
            seq.take(n)
            out.append(n)
    return out


_NUMBER_TEXT = "一二三四五六七八九十（）、．.。；：1234567890①②⑩⑪²³ \u3000\t年工作是"


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=_NUMBER_TEXT, max_size=80))
def test_heading_numbers_are_those_found_trying_every_place(text: str) -> None:
    assert U._rx()["may_number"] is not None  # the data's patterns can be loosened
    norm = normalize_text(text)
    assert U._numbers(norm) == _numbers_tried_everywhere(norm)


# Patterns as headings.yaml could hold them: atoms, every kind of assertion among them, each
# atom with a quantifier or none ("x(?=a){2}" matches "xa": it must not become "x{2}").
_ATOMS = ["^", "$", r"\b", r"\B", "(?![\\d])", "(?=[、.])", "(?<=一)", "(?<!二)", r"\d", "[一二]", "一", r"\s", "[、.]",
          "（", "）", "(?:一|二)", "(?P<n>二)", ".", "|"]
_QUANTIFIERS = ["", "", "?", "*", "+", "{2}", "{1,3}", "*?", "++"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_ATOMS), st.sampled_from(_QUANTIFIERS)).map("".join), min_size=1, max_size=4),
       st.text(alphabet="一二（）、.1 ", max_size=8))
def test_a_loosened_pattern_matches_wherever_the_pattern_matches_a_window(pieces: list[str], text: str) -> None:
    pattern = "".join(pieces)
    try:
        exact = re.compile(pattern)
    except re.error:
        return
    loose = without_assertions(pattern)
    if loose is None:
        assert re.search(r"[*+?}]\+", pattern), pattern  # only a possessive quantifier is declined here
        return
    try:
        loosened = re.compile(loose)
    except re.error:
        return  # _may_number then declines (a compile error there gives None)
    for pos in range(len(text) + 1):
        for width in (12, 3, 1):
            if exact.match(text[pos:pos + width]):
                assert loosened.match(text, pos), (pattern, loose, text, pos)


def _assert_loosened_covers(pattern: str, texts: list[str]) -> None:
    exact, loosened = re.compile(pattern), re.compile(without_assertions(pattern) or "(?!)")
    for text in texts:
        for pos in range(len(text) + 1):
            if exact.match(text[pos:pos + 12]):
                assert loosened.match(text, pos), (pattern, text, pos)


def test_every_assertion_quantified_or_not_after_an_atom_is_loosened_to_cover_it() -> None:
    # Every short text over a few characters, every assertion after every atom with every
    # quantifier Python allows there: what hypothesis's mix above reaches only by chance.
    texts = ["".join(t) for n in range(4) for t in itertools.product("一、1 .", repeat=n)]
    assertions = ["^", "$", r"\b", r"\B", "(?![\\d])", "(?=[、.])", "(?<=一)", "(?<!一)", "(?=1)"]
    for atom, assertion, quantifier in itertools.product(["一", r"\d", "[、.]", "", r"\s?"], assertions,
                                                         ["", "?", "*", "+", "{2}", "{1,3}", "*?"]):
        for pattern in (atom + assertion + quantifier, assertion + quantifier + atom):
            try:
                re.compile(pattern)
            except re.error:
                continue  # "^*": nothing to repeat
            _assert_loosened_covers(pattern, texts)


def test_what_cannot_be_loosened_is_declined() -> None:
    for pattern in [r"(一)\1", "(?P<a>一)(?P=a)", "(?>一+)一", "一++", "(?i)一", "(?#c)一", "[一", "(?=一"]:
        assert without_assertions(pattern) is None or U._may_number([pattern]) is None, pattern
    assert U._may_number(["[一", "一"]) is None
    assert without_assertions(r"^[\^$]\$(?=x(?:y))\b一$") == r"(?:)[\^$]\$(?:)(?:)一(?:)"
    assert without_assertions("x(?=a){2}") == "x(?:){2}"  # "xa" matches; "x{2}" would not


def test_without_may_number_every_place_is_tried(monkeypatch: Any) -> None:
    norm = normalize_text("一、工作情况（一）健全制度。（二）落实责任。二、存在问题1.学习不够。2.制度不全。")
    found = U._numbers(norm)
    monkeypatch.setitem(U._rx(), "may_number", None)
    assert U._numbers(norm) == found == _numbers_tried_everywhere(norm)
    assert len(found) == 5


# -- a line that needs no cutting, told by one match ---------------------------------------------
# Each fast path below is a filter in front of the general code: with the filter's expression
# taken away (None, as when headings.yaml's patterns cannot be joined), the general code runs
# alone, and that is the reference.

_FILTERS = ("may_number", "any_chrome", "up_to_level_one")


@contextmanager
def _general() -> Iterator[None]:
    """unflatten with every filter off: each line goes through the general code."""
    rx = U._rx()
    saved = {k: rx[k] for k in _FILTERS}
    try:
        rx.update(dict.fromkeys(_FILTERS))
        yield
    finally:
        rx.update(saved)


def _both(f: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    fast = f(*args, **kwargs)
    with _general():
        general = f(*args, **kwargs)
    return fast, general


def test_the_filters_are_in_use() -> None:
    assert all(U._rx()[k] is not None for k in _FILTERS)


_CHROME_WORDS = ["当前位置：", "首页 > 政务公开 > ", "发布时间：2024-03-01 10:00", "来源：某局", "【打印本页】", "微信", "微博",
                 "QQ空间", "上一页", "下一页", "第 1 页", "扫一扫在手机打开当前页", "分享到：", "12", " ", "某局关于2024年度法治政府建设情况的报告",
                 "某市城市管理局：", "一、", "（二）", "3.", "（4）", "②", "存在问题", "下一步工作打算", "在看到成绩的同时，", "。", "工作",
                 "2024年", "健全制度", "某市城市管理局2024年3月1日", "(一)", "1、", "十一、", "是"]


@settings(max_examples=500, deadline=None)
@example("一、（一）健全制度。")  # the only number after the first as near the start as it can be
@example(" 二、存在问题在看到成绩的同时，三、")
@example("微信 微博 2022年，一、工作")
@given(st.lists(st.sampled_from(_CHROME_WORDS) | st.text(alphabet="一二（）、.1 年是。", max_size=4), max_size=12).map("".join))
def test_each_line_is_cut_as_the_general_code_cuts_it(text: str) -> None:
    for first in (True, False):
        fast, general = _both(U.split_head, text, first=first)
        assert fast == general
    for f in (U.split_run_together, U.is_chrome_line, U.split_tail):
        fast, general = _both(f, text)
        assert fast == general, f
    for strict in (True, False):
        fast, general = _both(U.split_part_heading, text, strict=strict)
        assert fast == general


def _variants() -> list[str]:
    out = []
    for path in V.corpus_files():
        text = path.read_text(encoding="utf-8")
        out += [text, V.one_line(text), V.web_copy(text), V.add_chrome(text), V.ascii_brackets(text),
                V.numbers_with_dun(text), V.demote_to_subsection(text)]
    return out


def test_the_corpus_reads_as_the_general_code_reads_it() -> None:
    texts = _variants()
    assert len(texts) >= 21
    for text in texts:
        raw = text.encode("utf-8")
        fast, general = _both(read_blocks, raw, "text", "r.txt")
        assert fast == general
        for line in text.splitlines():
            for f in (U.split_run_together, U.is_chrome_line, U.split_tail):
                fast, general = _both(f, line)
                assert fast == general, f
    # A line is read stripped: indented (as Word's text export gives it) or not, the same blocks.
    for text in texts[::3]:
        indented = "".join(f"\u3000\u3000{line} \n" for line in text.splitlines())
        plain, padded = read_blocks(text.encode(), "text", "r.txt"), read_blocks(indented.encode(), "text", "r.txt")
        assert (padded.blocks, padded.chrome) == (plain.blocks, plain.chrome)
    # and some of them were cut: the fast paths were not only ever declining
    assert any(read_blocks(V.web_copy(t).encode(), "text", "r.txt").notes for t in texts)


# -- the normalised text remembered ----------------------------------------------------------------


def test_the_normalised_lines_remembered_stay_few_and_short() -> None:
    from authoring import lines as L

    table = str.maketrans(L._NORMALISE)
    for n in range(L._MEMO_LINES + 500):
        text = f"(第{n}行),１２：．"
        assert L.normalize_text(text) == text.translate(table)
        assert len(L._MEMO) <= L._MEMO_LINES
    assert "(第0行),１２：．" not in L._MEMO  # the oldest went first
    assert f"(第{L._MEMO_LINES + 499}行),１２：．" in L._MEMO
    long = "(一)" * (L._MEMO_CHARS // 3 + 1)
    assert L.normalize_text(long) == long.translate(table) and long not in L._MEMO
    assert L.normalize_text(long) == long.translate(table)  # and asked again, made again


# -- patterns joined into one filter -----------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["TODO", "XX+", "【[^】]{0,12}】", "待填", "^一", "二$", "(?<=，)三", r"\d{2}", "(一|二)+"]),
                min_size=1, max_size=5),
       st.text(alphabet="TODOX【】待填一二三，12 ", max_size=12))
def test_joined_patterns_find_something_where_one_of_them_does(patterns: list[str], text: str) -> None:
    from authoring.lines import joined

    one = joined(patterns)
    assert one is not None
    assert (one.search(text) is not None) == any(re.search(p, text) for p in patterns)
    assert (one.match(text) is not None) == any(re.match(p, text) for p in patterns)


def test_what_cannot_be_joined_is_not() -> None:
    from authoring.lines import joined

    for patterns in (["(a)?(?(1)b|c)", "x"], [r"(a)\1"], ["(?P<n>a)", "(?P<n>b)"], ["(?i)x", "y"], ["(?P<n>a)(?P=n)"]):
        assert joined(patterns) is None, patterns


# -- a heading's part words, one search a part ------------------------------------------------------


def _classify_heading_each(text: str, year: Any = None, *, strict: bool = False) -> list[str]:
    """lines.classify_heading as it was: every pattern of a part searched on its own."""
    from authoring.domain import part_keys
    from authoring.resources import load_data

    data = load_data("headings.yaml")
    norm = normalize_text(text)
    pats = {k: [re.compile(p) for p in v] for k, v in data["parts"].items()}
    exclude = {k: [re.compile(p) for p in v] for k, v in (data.get("exclude") or {}).items()} if strict else {}
    keys = [k for k in part_keys() if k != "achievements"
            and any(p.search(norm) for p in pats[k]) and not any(x.search(norm) for x in exclude.get(k, []))]
    if "first_responsible" in keys:
        return ["first_responsible"]
    if not keys and any(p.search(norm) for p in pats["achievements"]):
        keys = ["achievements"]
    m = re.compile(data["heading_year"]).search(norm)
    if year is not None and m and keys in (["achievements"], ["plans"]):
        named = int(m.group(1))
        if named == year + 1:
            keys = ["plans"]
        elif named == year and keys == ["plans"] and not re.search("下一|计划|打算", norm):
            keys = ["achievements"]
    return keys


_HEADING_WORDS = ["第一责任人", "党政主要负责人", "主要领导", "履行", "职责", "一把手", "不足", "存在的", "问题", "困难", "和", "原因",
                  "主要", "下一步", "下年度", "今后", "计划", "打算", "思路", "安排", "展望", "要点", "建议", "措施", "2025年", "重点",
                  "其他", "需要", "报告", "说明", "事项", "情况", "举措", "成效", "做法", "工作", "开展", "推进", "进展", "基本",
                  "法治政府建设", "成绩", "成果", "整改", "解决", "化解", "排查", "一、", "（二）", "2024年", "的", "及", "与", "(", "，"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_HEADING_WORDS), max_size=6).map("".join), st.sampled_from([None, 2023, 2024]),
       st.booleans())
def test_a_heading_names_the_parts_it_named_pattern_by_pattern(text: str, year: Any, strict: bool) -> None:
    from authoring.lines import classify_heading

    assert classify_heading(text, year, strict=strict) == _classify_heading_each(text, year, strict=strict)


def test_the_corpus_headings_name_the_parts_they_named_pattern_by_pattern() -> None:
    from authoring.lines import classify_heading

    lines = [line for text in _variants() for line in text.splitlines() if 0 < len(line.strip()) <= 60]
    assert len(lines) > 100
    for line in lines:
        for year, strict in ((None, False), (2024, True), (2023, False)):
            assert classify_heading(line, year, strict=strict) == _classify_heading_each(line, year, strict=strict)


def test_parts_that_cannot_be_joined_are_searched_pattern_by_pattern() -> None:
    from authoring import lines as L

    finder = L._finder([r"(一)\1", "问题"])
    assert finder("存在问题") and finder("一一") and not finder("一二")


# -- a file's kind from its Path, without copying it ------------------------------------------------


@pytest.mark.parametrize("name", ["a.txt", "A.TXT", "a.tar.txt", "a.", ".txt", "a", "目录.d/报告.Docx", "a.doc", "a.pdf",
                                  "a.yml", "a.txt/", "./a.md"])
def test_a_path_and_its_text_are_of_one_kind(tmp_path: Path, name: str) -> None:
    from authoring.errors import InputError
    from authoring.inputs import document_kind, is_yaml, kind_of, read_document_file

    def outcome(f: Any, arg: Any) -> Any:
        try:
            return f(arg)
        except InputError as e:
            return str(e)

    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not name.endswith("/"):
        target.write_bytes("一、工作".encode())
    for f in (kind_of, is_yaml, document_kind, read_document_file):
        assert outcome(f, target) == outcome(f, str(target)) == outcome(f, Path(str(target))), (f, name)


def test_blank_lines_not_made_items_read_as_when_they_were() -> None:
    from authoring.read import _Item, build_blocks

    for text in _variants()[::2]:
        spaced = "".join(f"{line}\n\n \u3000\t\n\u2028" for line in text.splitlines())
        read = read_blocks(spaced.encode(), "text", "r.txt")
        cuts: list[Any] = []
        every = [_Item(i, line) for i, line in enumerate(spaced.splitlines(), start=1)]
        blocks, chrome = build_blocks(every, cuts)
        assert (read.blocks, read.chrome, [(n.place.line, n.message) for n in read.notes]) == (blocks, chrome, [
            (line, message.removeprefix("chrome:")) for line, message in cuts])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["一、工作", "（二）落实", "3.学习", "（4）", "②", "正文。", "来源：某局", "", "2024年", "TABLE"]),
                max_size=12))
def test_the_last_numbered_line_is_the_last_one_the_forward_walk_found(texts: list[str]) -> None:
    from authoring.blocks import Table
    from authoring.read import _Item, _last_numbered

    items = [_Item(n, table=Table([["a"]])) if t == "TABLE" else _Item(n, t) for n, t in enumerate(texts)]
    numbered = [n for n, it in enumerate(items) if it.table is None and U.opens_numbered(normalize_text(it.text))]
    assert _last_numbered(items, -7) == (numbered[-1] if numbered else -7)
