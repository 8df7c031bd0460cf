"""Cutting a line that holds several lines (authoring/unflatten.py): where it is cut, and where not."""
from __future__ import annotations

import pytest

from authoring import unflatten


@pytest.mark.parametrize(("line", "pieces"), [
    # numbers that continue the sequence, after a sentence end, a space or a higher heading
    ("一、主要举措和成效（一）健全制度。全年修订制度5项。（二）规范执法。办理案件9件。二、存在的问题执法力量不足。",
     ["一、主要举措和成效", "（一）健全制度。全年修订制度5项。", "（二）规范执法。办理案件9件。", "二、存在的问题", "执法力量不足。"]),
    ("四、下一步工作打算：1.加强执法。2.完善规则。3.深化普法。4.化解纠纷。",
     ["四、下一步工作打算：", "1.加强执法。", "2.完善规则。", "3.深化普法。", "4.化解纠纷。"]),
    ("（一）强化执法1.健全制度。2.压实责任。", ["（一）强化执法", "1.健全制度。", "2.压实责任。"]),
    # a heading lost after a figure ("100%(八)") does not stop the sequence
    ("（七）化解纠纷。办结率100%（八）强化监督。一是监督。（九）数字赋能。一是建设。",
     ["（七）化解纠纷。办结率100%", "（八）强化监督。一是监督。", "（九）数字赋能。一是建设。"]),
    # part headings run into their bodies
    ("三、存在问题在看到成绩的同时，执法力量不足。四、下一步工作打算2024年，我局将继续推进。",
     ["三、存在问题", "在看到成绩的同时，执法力量不足。", "四、下一步工作打算", "2024年，我局将继续推进。"]),
    ("三、存在的主要问题和不足一是执法力量不足。二是宣传不够。四、下一步工作打算一是加强培训。",
     ["三、存在的主要问题和不足", "一是执法力量不足。二是宣传不够。", "四、下一步工作打算", "一是加强培训。"]),
])
def test_run_together_lines_are_cut_at_their_headings(line: str, pieces: list[str]) -> None:
    cut = unflatten.split_run_together(line)
    assert cut.pieces == pieces and cut.notes


@pytest.mark.parametrize("line", [
    "全年重点抓好：1.加强学习；2.严格执法；3.规范程序。",  # a list inside a sentence
    "共办理3.5万件，同比增长2.3个百分点。落实第（二）项要求。",  # decimals, a cited item
    "一是加强学习。二是严格执法。三是规范程序。",  # 一是/二是 are points, not headings
    "三、存在的问题",  # a heading alone
    "（一）强化组织领导。在市委领导下，全年召开会议5次。",  # a run-in heading: one paragraph
    "。二、三季度开展专项检查，共检查200家。",  # 二、 not in turn
])
def test_ordinary_lines_stay_whole(line: str) -> None:
    assert unflatten.split_run_together(line).pieces == [line]


def test_a_part_heading_on_a_line_of_its_own_is_cut_only_where_a_body_starts() -> None:
    assert unflatten.split_part_heading("三、存在问题在看到成绩的同时，执法力量不足。", strict=True) == [
        "三、存在问题", "在看到成绩的同时，执法力量不足。"]
    assert unflatten.split_part_heading("三、存在问题主要是执法力量不足。", strict=True) is None
    assert unflatten.split_part_heading("一、坚持党的领导，全面推进依法行政", strict=True) is None  # topical


def test_the_head_of_a_one_line_web_copy() -> None:
    cut = unflatten.split_head("当前位置： 首页 > 政务公开 > 正文 某县某局关于2022年度法治政府建设情况的报告 时间：2023-03-31 10:09 "
                               "微信 微博 QQ空间 中共某县委：2022年，我局坚持依法行政。", first=True)
    assert cut.chrome == ["当前位置： 首页 > 政务公开 > 正文", "时间：2023-03-31 10:09", "微信", "微博", "QQ空间"]
    assert cut.pieces == ["某县某局关于2022年度法治政府建设情况的报告", "中共某县委：", "2022年，我局坚持依法行政。"]
    # a breadcrumb whose spaces were lost stops where the title starts, after a channel named like an agency
    glued = unflatten.split_head("您当前的位置：首页>法治政府建设年度报告>区城管局区城市管理局关于2023年度法治政府建设情况的报告"
                                 "日期:2024-03-062023年，区城市管理局坚持依法行政。", first=True)
    assert glued.pieces[0] == "区城市管理局关于2023年度法治政府建设情况的报告"
    assert glued.pieces[1].startswith("2023年，")
    # a line that does not open with chrome, a title or a 主送 is left as it is
    assert unflatten.split_head("2022年，微信公众号发布普法信息120条。", first=True).pieces == ["2022年，微信公众号发布普法信息120条。"]


def test_the_end_of_a_one_line_web_copy() -> None:
    cut = unflatten.split_tail("……提升群众满意度。某县某局 2023年3月28日 来源：某县某局 【打印本页】")
    assert cut.chrome == ["来源：某县某局", "【打印本页】"]
    assert cut.pieces == ["……提升群众满意度。", "某县某局", "2023年3月28日"]
    footer = unflatten.split_tail("……提升质量。扫一扫在手机打开当前页智能问答便民地图")
    assert footer.pieces == ["……提升质量。"] and footer.chrome == ["扫一扫在手机打开当前页智能问答便民地图"]


@pytest.mark.parametrize(("line", "chrome"), [
    ("分享到：微信 微博 QQ空间", True), ("上一页 1 2 下一页", True), ("【打印本页】 【关闭窗口】", True),
    ("1 2 3", False), ("微信公众号发布普法信息", False), ("收藏家协会开展普法", False),
])
def test_a_line_of_chrome_between_the_report_s_lines(line: str, chrome: bool) -> None:
    assert unflatten.is_chrome_line(line) is chrome
