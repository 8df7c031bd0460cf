"""The report's own agency and year (authoring/facts.py), read from every place reports put them."""
from __future__ import annotations

import datetime as dt

import pytest

from authoring.blocks import Heading, Paragraph, Signature, Title
from authoring.facts import find_agency, find_year, parse_date, title_agency
from authoring.numerals import chinese_value

OPENING = "在县委、县政府的正确领导下，我局认真贯彻落实上级关于法治政府建设的各项部署，现将有关情况报告如下。"


@pytest.mark.parametrize(("title", "agency"), [
    ("某市某区城市管理局2023年度法治政府建设情况报告", "某市某区城市管理局"),
    ("某局关于2022年法治工作情况暨2023年工作要点的报告", "某局"),
    ("关于2022年法治工作情况的报告", ""),
    ("中共某县委员会 某县人民政府关于2024年度法治政府建设情况的报告", "中共某县委员会 某县人民政府"),
])
def test_the_agency_a_title_names(title: str, agency: str) -> None:
    assert title_agency(title) == agency


def test_the_agency_is_the_fullest_name_given_anywhere() -> None:
    blocks = [Title("关于2022年法治工作情况的报告", 1), Paragraph("中共某县委、某县人民政府：", line=2),
              Paragraph("2022年，县应急管理局坚持以习近平法治思想为指导，依法履行安全生产职责，法治建设取得新成效。", line=3),
              Heading(1, "主要举措和成效", "一、", 4), Signature("某县应急管理局", "2023年1月18日", 9)]
    name, seen = find_agency(blocks)
    assert name == "某县应急管理局"
    assert seen == [("落款", "某县应急管理局", 9), ("开头", "县应急管理局", 3)]  # not "关于", not the 主送


@pytest.mark.parametrize(("blocks", "year", "source", "certain"), [
    ([Title("某局关于2022年法治工作情况暨2023年工作要点的报告", 1)], 2022, "标题", True),
    ([Paragraph("2023年，我局坚持依法行政，法治政府建设取得积极成效，现将有关情况报告如下。", line=1)], 2023, "开头", True),
    ([Heading(1, "2021年法治政府建设工作情况", "一、", 1)], 2021, "第一部分标题", True),
    ([Paragraph("2024年以来，我局坚持依法行政，法治政府建设取得积极成效，现将有关情况报告如下。", line=1)], 2024, "开头", False),
    # the body: the year named most often, not the plans' year, not a range, not "以来"
    ([Paragraph(OPENING, line=1), Heading(1, "主要做法和成效", "一、", 2),
      Paragraph("截至2022年底，现行规范性文件全部公开。2022年全年办理许可530件。", line=3),
      Paragraph("落实《法治政府建设实施纲要（2021—2025年）》，2019年以来累计培训120人次。", line=4),
      Heading(1, "下一步工作打算", "四、", 5), Paragraph("2023年，我局将重点抓好以下工作。2023年全面推行非现场执法。", line=6)],
     2022, "正文", False),
    # nothing but the 落款: January–June reports on the year before, later months on the same year
    ([Paragraph(OPENING, line=1), Signature("某县交通运输局", "2023年2月10日", 5)], 2022, "落款日期", False),
    ([Paragraph(OPENING, line=1), Signature("某市综合行政执法局", "2024年11月26日", 5)], 2024, "落款日期", False),
    ([Paragraph(OPENING, line=1), Signature("某局", "二〇二五年一月二十日", 5)], 2024, "落款日期", False),
])
def test_the_year_from_every_place_reports_put_it(blocks: list, year: int, source: str, certain: bool) -> None:
    found = find_year(blocks)
    assert found is not None and (found.year, found.source, found.certain) == (year, source, certain)


def test_a_body_year_is_told_where_it_was_read() -> None:
    found = find_year([Paragraph(OPENING, line=1), Paragraph("截至2022年底，我局现行有效的规范性文件全部公开。", line=7)])
    assert found is not None and (found.line, found.example) == (7, "截至2022年底")


def test_no_year_anywhere() -> None:
    assert find_year([Paragraph(OPENING, line=1), Signature("某局", "", 3)]) is None


def test_dates_and_chinese_numbers() -> None:
    assert parse_date("2024年11月26日") == dt.date(2024, 11, 26)
    assert parse_date("二〇二五年二月二十日") == dt.date(2025, 2, 20)
    assert parse_date("2024年2月30日") is None and parse_date("二〇二五年十三月一日") is None
    assert [chinese_value(t) for t in ("一", "十", "十二", "二十", "九十九")] == [1, 10, 12, 20, 99]
    for bad in ("", "十十", "一二", "百"):
        with pytest.raises(ValueError):
            chinese_value(bad)
