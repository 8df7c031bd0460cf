"""One reading of a written date (numerals.parse_date): the date `check` accepts in a 落款 is the
date `import` lifts into signature.date, and the year find_year reads from it.

Before, import and find_year read dates with facts.parse_date and check's date rules with
hygiene.parse_chinese_date, and the two disagreed: “2025年二月二十日” was a date to check (which
asked for it to be written 2025年2月20日) and “无法识别” to import, which dropped it. Both former
parsers are kept below as they were at 7a8b716, as references: the one parser reads every text
exactly as check's did (check's findings are unchanged) and every date import read, the same.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

from authoring import facts, hygiene
from authoring.blocks import Signature
from authoring.main import check_document, import_document
from authoring.numerals import chinese_value, chinese_value_or_none, digits_of, parse_date

D = _dt.date

# -- the forms ------------------------------------------------------------------------------------

ACCEPTED = {
    "2025年2月20日": D(2025, 2, 20),  # GB/T 9704's form, the one check does not ask to rewrite
    "2025年02月20日": D(2025, 2, 20),
    "2025年002月020日": D(2025, 2, 20),  # check's pattern takes three digits: it asks for 2月20日
    "2024年11月26日": D(2024, 11, 26),
    "２０２５年２月２０日": D(2025, 2, 20),  # full-width digits
    "2025 年 2 月 20 日": D(2025, 2, 20),  # white space anywhere
    "2025年\n2月20日": D(2025, 2, 20),
    "二〇二五年二月二十日": D(2025, 2, 20),
    "二○二五年十二月三十一日": D(2025, 12, 31),
    "二零二五年一月一日": D(2025, 1, 1),
    "二〇二五年一十二月三日": D(2025, 12, 3),
    # where the two parsers differed: check took these, import did not
    "2025年二月二十日": D(2025, 2, 20),  # Arabic year, Chinese month and day
    "二〇二五年2月20日": D(2025, 2, 20),  # Chinese year, Arabic month and day
    "2025年2月二十日": D(2025, 2, 20),  # the month Arabic, the day Chinese
    "二0二五年二月二十日": D(2025, 2, 20),  # a year of mixed digits (check also says numbers.mixed_year)
}
REFUSED = [
    "2024年2月30日", "二〇二五年十三月一日", "2025年0月1日", "2025年2月0日",  # no such day
    "2025年2月", "二〇二五年二月", "25年2月20日", "20255年2月20日",  # no day, or not a four-digit year
    "2025-02-20", "2025/2/20", "2025年2月20号", "2025年2月20日前",  # other forms (号 is its own rule)
    "2025年1十月1日", "2025年二十二十月1日", "2025年十十月1日",  # not numbers
    "二O二五年二月二十日", "2O25年2月20日", "", "日期",  # a letter O is no digit
]
FORMERLY_DIFFERENT = ["2025年二月二十日", "二〇二五年2月20日", "2025年2月二十日", "二0二五年二月二十日",
                      "2025年002月020日", "二〇二五年一十二月三日"]


@pytest.mark.parametrize("text", list(ACCEPTED))
def test_the_forms_of_a_date(text: str) -> None:
    assert parse_date(text) == ACCEPTED[text]


@pytest.mark.parametrize("text", REFUSED)
def test_what_is_not_a_date(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize("text", FORMERLY_DIFFERENT)
def test_where_import_and_check_used_to_differ(text: str) -> None:
    assert _old_facts(text) is None and _old_hygiene(text) is not None
    assert parse_date(text) == _old_hygiene(text)


def test_facts_and_check_read_dates_with_the_one_parser() -> None:
    assert facts.parse_date is parse_date and hygiene.parse_date is parse_date


# -- against the two parsers it replaced ----------------------------------------------------------

_PIECES = list("0123456789０２二〇○零一三十年月日OＯ 号-") + ["2025", "二〇二五", "二0二五", "年", "月", "日", "十二",
                                                    "二十", "一十二", "02", "30", "31", "\n"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)
_DATEISH = st.builds(
    lambda y, m, d, sp: f"{y}{sp}年{m}月{sp}{d}日",
    st.sampled_from(["2025", "2024", "二〇二五", "二0二五", "２０２５", "1999", "二〇二四"]),
    st.one_of(st.integers(0, 14).map(str), st.integers(0, 14).map(lambda n: f"{n:02d}"), st.sampled_from(
        ["一", "二", "九", "十", "十一", "十二", "十三", "一十二", "〇", "零"])),
    st.one_of(st.integers(0, 32).map(str), st.integers(0, 32).map(lambda n: f"{n:03d}"), st.sampled_from(
        ["一", "九", "十", "十九", "二十", "二十九", "三十", "三十一", "三十二", "四十"])),
    st.sampled_from(["", " ", "\t"]),
)


@given(st.one_of(_TEXT, _DATEISH))
def test_it_reads_every_text_as_check_did_and_every_date_import_read(text: str) -> None:
    assert parse_date(text) == _old_hygiene(text)
    if _old_facts(text) is not None:
        assert parse_date(text) == _old_facts(text)


def _old_facts(text: str) -> Optional[_dt.date]:
    """facts.parse_date at 7a8b716 (import's 成文日期 and find_year's 落款日期)."""
    t = re.sub(r"\s+", "", text)
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", t)
    if m:
        parts = [int(x) for x in m.groups()]
    else:
        m = re.fullmatch(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日", t)
        if not m:
            return None
        try:
            parts = [int(digits_of(m.group(1))), chinese_value(m.group(2)),
                     chinese_value(m.group(3))]
        except ValueError:
            return None
    try:
        return _dt.date(*parts)
    except ValueError:
        return None


def _old_hygiene(text: str) -> Optional[_dt.date]:
    """hygiene.parse_chinese_date at 7a8b716 (check's date rules)."""
    t = re.sub(r"\s+", "", text)
    m = re.fullmatch(r"([\d〇○零一二三四五六七八九]{4})年([\d一二三四五六七八九十]{1,3})月([\d一二三四五六七八九十]{1,3})日", t)
    if not m:
        return None
    year = digits_of(m.group(1))
    month, day = (int(g) if g.isdigit() else chinese_value_or_none(g) for g in m.groups()[1:])
    if not year.isdigit() or month is None or day is None:
        return None
    try:
        return _dt.date(int(year), month, day)
    except ValueError:
        return None


# -- one verdict: what check accepts, import lifts --------------------------------------------------

REPORT = """\
某市城市管理局关于2024年度法治政府建设情况的报告

2024年，市城管局坚持以习近平法治思想为指导，现将有关情况报告如下：
一、主要举措和成效
全年办理行政许可917件。
二、党政主要负责人履行推进法治建设第一责任人职责情况
局党组会专题研究法治建设4次。
三、存在的不足和原因
法治宣传的针对性还不够强。
四、2025年工作安排
继续推进严格规范公正文明执法。

某市城市管理局
{date}
"""


# 二0二五年: a year typed with a zero for 〇 (data/headings.yaml signature_date took the line for a
# paragraph, so check said the 落款 had no date, and import dropped it)
@pytest.mark.parametrize("written", ["2025年二月二十日", "2025年2月二十日", "二0二五年二月二十日"])
def test_a_date_check_reads_is_the_date_import_lifts(written: str) -> None:
    raw = REPORT.format(date=written).encode("utf-8")
    checked = check_document(raw, "text", "报告.txt")
    dates = [f for f in checked.findings if f.rule.startswith("date.")]
    assert [(f.rule, f.message) for f in dates] == [
        ("date.form", f"成文日期“{written}”应写作“2025年2月20日”（GB/T 9704：阿拉伯数字，年份写全，月、日不编虚位）")]
    imported = import_document(raw, "text", "报告.txt")
    assert imported.data["signature"]["date"] == D(2025, 2, 20)
    assert not [w for w in imported.warnings if "落款日期" in str(w)]


def test_the_year_read_from_a_date_of_mixed_numerals() -> None:
    # The last place find_year looks: a 落款 dated in February is about the year before.
    found = facts.find_year([Signature("某市城市管理局", "二〇二五年2月20日", line=3)])
    assert found is not None and (found.year, found.source) == (2024, "落款日期")
