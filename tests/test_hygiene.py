"""The 公文 hygiene rules of issue 12, each as a clerk or the 依法治市办 reads it: `authoring check`
of a report (exact message, severity and line, from --format json, which the summary workbook is
made of) and `authoring validate` of a report YAML (the exact lines printed). The reports are
synthetic: no real agency's sentences.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from docx.oxml import parse_xml

from authoring.cli import cli

# A short report that passes every rule (coverage aside: it is two sections long).
REPORT = """\
某市城市管理局关于2024年度法治政府建设情况的报告

2024年，市城管局坚持以习近平法治思想为指导，全面贯彻党的二十大和二十届二中、三中全会精神，现将有关情况报告如下：
一、主要举措和成效
（一）强化法治学习
局党组理论学习中心组集体学法4次。
（二）规范执法行为
全年办理行政许可917件。
二、党政主要负责人履行推进法治建设第一责任人职责情况
局党组会专题研究法治建设4次，主要负责人对重要工作亲自部署、亲自督办，带头尊法学法守法用法，局党组中心组学法4次，\
年终述职同步述法，重大行政决策全部经过合法性审核和集体讨论，行政机关负责人出庭应诉3次。
三、存在的不足和原因
法治宣传的针对性还不够强。
四、2025年工作安排
继续推进严格规范公正文明执法。

某市城市管理局
2025年2月20日
"""

SIGNATURE_LINE = 16  # the 落款's first line: where a finding about the 成文日期 points


def check_findings(path: Path, *extra: str) -> list[tuple[str, str, str, Any]]:
    """What `authoring check --format json` finds in a file: (rule, severity, message, line)."""
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json", "--ignore", "coverage", *extra])
    assert result.exit_code in (0, 1), result.output
    return [(f["rule"], f["severity"], f["message"], f["line"]) for f in json.loads(result.output)[0]["findings"]]


def variant(tmp_path: Path, *subs: tuple[str, str], name: str = "报告.txt") -> Path:
    text = REPORT
    for old, new in subs:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_synthetic_report_passes(tmp_path: Path) -> None:
    assert check_findings(variant(tmp_path)) == []


# -- heading numbers: in any report, at every level ------------------------------------------------

NUMBERING = {
    "skipped": ([("（二）规范执法行为", "（三）规范执法行为")],
                ("numbering.skipped", "warning", "标题编号不连续：“（一）”之后应为“（二）”，实际是“（三）”", 7)),
    "skipped_top": ([("三、存在的不足和原因", "四、存在的不足和原因"), ("四、2025年工作安排", "五、2025年工作安排")],
                    ("numbering.skipped", "warning", "标题编号不连续：“二、”之后应为“三、”，实际是“四、”", 11)),
    "repeated": ([("（二）规范执法行为", "（一）规范执法行为")],
                 ("numbering.repeated", "warning", "标题编号“（一）”与上一个同级标题重复，应为“（二）”", 7)),
    "level_skipped": ([("（一）强化法治学习", "1.强化法治学习"), ("（二）规范执法行为", "2.规范执法行为")],
                      ("numbering.level_skipped", "warning",
                       "“1.”直接排在“一、”之下，跳过了“（一）”一级；标题层次依次为 一、（一）1.（1）", 5)),
    "typed_twice": ([("（一）强化法治学习", "（一）（一）强化法治学习")],
                    ("numbering.typed_twice", "warning", "标题编号写了两次：“（一）（一）”", 5)),
}


@pytest.mark.parametrize("case", list(NUMBERING))
def test_heading_numbers_that_skip_repeat_or_jump_a_level(case: str, tmp_path: Path) -> None:
    subs, found = NUMBERING[case]
    assert check_findings(variant(tmp_path, *subs)) == [found]


# -- the 成文日期 ------------------------------------------------------------------------------------

DATES = {
    "missing": ("\n2025年2月20日", "", ("date.missing", "error", "落款没有成文日期；GB/T 9704 要求写明成文日期，如“2025年2月20日”")),
    "leading_zeros": ("2025年2月20日", "2025年02月20日", (
        "date.form", "warning", "成文日期“2025年02月20日”应写作“2025年2月20日”（GB/T 9704：阿拉伯数字，年份写全，月、日不编虚位）")),
    "chinese_numerals": ("2025年2月20日", "二〇二五年二月二十日", (
        "date.form", "warning", "成文日期“二〇二五年二月二十日”应写作“2025年2月20日”（GB/T 9704：阿拉伯数字，年份写全，月、日不编虚位）")),
    "after_deadline": ("2025年2月20日", "2025年3月10日", (
        "date.late", "warning", "成文日期 2025年3月10日 晚于2025年3月1日（报送期限）；请核对")),
    "before_the_year": ("2025年2月20日", "2023年12月1日", (
        "date.before_year", "warning", "成文日期 2023年12月1日 早于报告年度（2024年）；请核对日期或年度")),
}


@pytest.mark.parametrize("case", list(DATES))
def test_the_date_of_the_document(case: str, tmp_path: Path) -> None:
    old, new, found = DATES[case]
    assert check_findings(variant(tmp_path, (old, new))) == [(*found, SIGNATURE_LINE)]


def test_a_missing_date_makes_check_exit_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(variant(tmp_path, ("\n2025年2月20日", ""))), "--ignore", "coverage"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "结论：1 个错误、0 个警告、0 条提示"


# -- a mistake named as itself ---------------------------------------------------------------------


def test_a_plan_heading_with_last_years_year_is_named_as_that(tmp_path: Path) -> None:
    # Not “缺少下一年度主要安排” plus “主要举措和成效出现了两次”.
    found = check_findings(variant(tmp_path, ("四、2025年工作安排", "四、2024年工作安排")))
    assert found == [("year.plan", "warning", "下一年度安排写的是 2024 年，应为 2025 年", 13)]


NEXT_YEAR = [("2024年，", "2025年，"), ("2024年度", "2025年度"), ("2025年工作安排", "2026年工作安排"),
             ("2025年2月20日", "2026年2月20日")]


def test_the_collective_form_of_the_plenums_cites_them_all(tmp_path: Path) -> None:
    # What real 2025 reports write: no word that the 四中全会 is missing.
    path = variant(tmp_path, *NEXT_YEAR, ("二十届二中、三中全会", "二十届历次全会"))
    assert check_findings(path) == []


def test_last_years_plenums_in_a_2025_report_are_pointed_out(tmp_path: Path) -> None:
    assert check_findings(variant(tmp_path, *NEXT_YEAR)) == [
        ("year.stale_meeting", "info", "正文提到党的二十大、二十届二中全会、二十届三中全会，但未提到 2025 年前后召开的"
         "二十届四中全会，请核实是否沿用了往年的表述", 3)]


# -- what a Word file still holds from its review --------------------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_tracked_changes_and_comments_left_in_a_word_file(tmp_path: Path) -> None:
    clean = variant(tmp_path)
    assert CliRunner().invoke(cli, ["import", str(clean), "-o", str(tmp_path / "r.yaml")]).exit_code == 0
    made = CliRunner().invoke(cli, ["render", str(tmp_path / "r.yaml"), "-o", str(tmp_path / "报告.docx")])
    assert made.exit_code == 0, made.output
    document = docx.Document(str(tmp_path / "报告.docx"))
    paragraph = next(p for p in document.paragraphs if "全年办理" in p.text)
    stamp = 'w:author="副局长" w:date="2025-02-18T00:00:00Z"'
    paragraph._p.append(parse_xml(f'<w:ins {_W} w:id="91" {stamp}><w:r><w:t>另办理备案12件。</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(f'<w:del {_W} w:id="92" {stamp}><w:r><w:delText>删去的话。</w:delText></w:r></w:del>'))
    paragraph._p.append(parse_xml(f'<w:r {_W}><w:commentReference w:id="0"/></w:r>'))
    document.save(str(tmp_path / "审阅中.docx"))
    assert check_findings(tmp_path / "审阅中.docx") == [
        ("revisions.tracked", "warning",
         "Word 文件中还有 2 处未处理的修订（插入 1 处、删除 1 处）；请在“审阅”中接受或拒绝全部修订后再报送", None),
        ("revisions.comments", "warning", "Word 文件中还有 1 条批注；请删除批注后再报送", None),
    ]
    # Each switchable: --ignore by rule, or the whole category.
    assert check_findings(tmp_path / "审阅中.docx", "--ignore", "revisions.comments") == [
        ("revisions.tracked", "warning",
         "Word 文件中还有 2 处未处理的修订（插入 1 处、删除 1 处）；请在“审阅”中接受或拒绝全部修订后再报送", None)]
    assert check_findings(tmp_path / "审阅中.docx", "--ignore", "revisions") == []
    # import takes the text as if every change were accepted, and says so, and that the comment stays behind
    imported = CliRunner().invoke(cli, ["import", str(tmp_path / "审阅中.docx"), "-o", str(tmp_path / "审阅中.yaml")])
    assert imported.exit_code == 0
    assert imported.output.splitlines()[:2] == [
        f"{tmp_path / '审阅中.docx'}: 警告：原文件中还有 2 处未处理的修订（插入 1 处、删除 1 处）：已按全部接受导入"
        "（插入的文字在内，删除的文字不在）；请核对",
        f"{tmp_path / '审阅中.docx'}: 警告：原文件中有 1 条批注，批注的内容没有导入；请在 Word 中看过批注后再核对",
    ]
    text = (tmp_path / "审阅中.yaml").read_text(encoding="utf-8")
    assert "另办理备案12件。" in text and "删去的话" not in text


# -- in a report YAML: validate says it at the field ------------------------------------------------

YAML = """\
agency:
  name: 某市城市管理局
  short_name: 市城管局
year: 2024
achievements:
  - heading: 强化法治学习
    points:
      - 局党组理论学习中心组集体学法4次
      - 组织执法人员参加法律知识培训。
  - heading: 规范执法行为
    text: 全年办理行政许可917件。
first_responsible:
  leader: 局党组书记、局长
  duties:
    - heading: 加强组织领导
      text: 局党组会专题研究法治建设4次，主要负责人对重要工作亲自部署、亲自督办。
    - heading: 带头尊法学法守法用法
      text: 局党组中心组学法4次，年终述职同步述法。
    - heading: 依法决策
      text: 重大行政决策全部经过合法性审核和集体讨论，行政机关负责人出庭应诉3次。
shortcomings:
  - 法治宣传的针对性还不够强。
plans:
  - heading: 深化执法规范化建设
    text: 2025年，继续推进严格规范公正文明执法。
signature:
  date: 2025-02-20
"""


def validate_lines(tmp_path: Path, *subs: tuple[str, str], args: tuple[str, ...] = ()) -> tuple[int, list[str]]:
    text = YAML
    for old, new in subs:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "report.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "report.yaml", "--ignore", "coverage", *args])
    return result.exit_code, result.output.splitlines()


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # messages name the file as the clerk typed it
    return tmp_path


def test_the_synthetic_yaml_passes(here: Path) -> None:
    assert validate_lines(here) == (0, ["report.yaml：校验通过，没有错误"])


def test_punctuation_and_numbers_in_the_yaml_at_their_fields(here: Path) -> None:
    code, lines = validate_lines(
        here, ("全年办理行政许可917件。", "全年办理行政许可917件,规范管理。"),
        ("参加法律知识培训。", "参加法律知识培训等...于3月5号召开会议，二0二四年完成。"),
        ("date: 2025-02-20", "date: 2025-03-05"))
    assert (code, lines) == (0, [
        "report.yaml:9:9: 警告：主要举措和成效（achievements[1].points[2]）：省略号应为“……”（两个“…”），"
        "实际是“...”（“律知识培训等...于3月5号召”）",
        "report.yaml:9:9: 警告：主要举措和成效（achievements[1].points[2]）：“二0二四年”混用了汉字和阿拉伯数字，应写作“2024年”",
        "report.yaml:9:9: 警告：主要举措和成效（achievements[1].points[2]）：日期“3月5号”应写作“3月5日”（用“日”，不用“号”）",
        "report.yaml:11:5: 警告：主要举措和成效（achievements[2].text）：中文中用了半角的“,”（“许可917件,规范管理”），应为全角的“，”",
        "report.yaml:27:3: 警告：落款（signature.date）：成文日期 2025年3月5日 晚于2025年3月1日（报送期限）；请核对",
        "report.yaml：校验通过，没有错误（5 个警告）",
    ])
    # --ignore, by rule and by category
    code, lines = validate_lines(here, ("全年办理行政许可917件。", "全年办理行政许可917件,规范管理。"),
                                 args=("--ignore", "punctuation.half_width"))
    assert lines == ["report.yaml：校验通过，没有错误"]


def test_a_missing_date_is_an_error_for_validate_render_and_check(here: Path) -> None:
    missing = "report.yaml:26:1: 落款（signature）：落款没有成文日期；GB/T 9704 要求写明成文日期，如“2025年2月20日”"
    assert validate_lines(here, ("signature:\n  date: 2025-02-20\n", "")) == (1, [missing, "发现 1 个错误"])
    refused = CliRunner().invoke(cli, ["render", "report.yaml", "-o", "报告.docx", "--ignore", "coverage"])
    assert refused.exit_code == 1
    assert refused.output.splitlines() == [
        missing, "发现 1 个错误，未生成任何文件",
        "报告还有错误，不能作为报送稿；请改正后再生成，或加 --draft 先生成草稿（草稿会列出尚待完成的内容）"]
    assert not (here / "报告.docx").exists()
    draft = CliRunner().invoke(cli, ["render", "report.yaml", "-o", "报告.docx", "--draft", "--ignore", "coverage"])
    assert draft.exit_code == 0
    assert draft.output.splitlines()[-1].startswith("已生成草稿 报告.docx（")
    assert draft.output.splitlines()[-1].endswith("；还有 1 个错误，改正后才能报送")
    assert check_findings(here / "报告.docx") == [
        ("date.missing", "error", "落款没有成文日期；GB/T 9704 要求写明成文日期，如“2025年2月20日”", 15)]


def test_numbers_typed_into_headings_and_points_are_printed_once_with_a_warning(here: Path) -> None:
    # Stripped with a warning, not refused: the clerk's text is kept, and the report is still
    # numbered by position, as the other headings are (docs/yaml-format.md says why).
    code, lines = validate_lines(
        here, ("  - heading: 强化法治学习", "  - heading: （二）强化法治学习"),
        ("  - heading: 规范执法行为", "  - heading: 1.规范执法行为"),
        ("    - heading: 依法决策", "    - heading: 一是依法决策"),
        ("      - 局党组理论学习中心组集体学法4次", "      - 一是局党组理论学习中心组集体学法4次"),
        ("      - 组织执法人员参加法律知识培训。", "      - 2.组织执法人员参加法律知识培训。"))
    assert (code, lines) == (0, [
        "report.yaml:6:5: 警告：主要举措和成效（achievements[1].heading）：小标题开头写了编号“（二）”；"
        "编号由程序按顺序生成，生成时已去掉，请从 heading 中删去",
        "report.yaml:8:9: 警告：主要举措和成效（achievements[1].points[1]）：这一条开头写了编号“一是”；"
        "“一是、二是”由程序按顺序加上，生成时已去掉，请从这一条中删去",
        "report.yaml:9:9: 警告：主要举措和成效（achievements[1].points[2]）：这一条开头写了编号“2.”；"
        "“一是、二是”由程序按顺序加上，生成时已去掉，请从这一条中删去",
        "report.yaml:10:5: 警告：主要举措和成效（achievements[2].heading）：小标题开头写了编号“1.”；"
        "编号由程序按顺序生成，生成时已去掉，请从 heading 中删去",
        "report.yaml:19:7: 警告：第一责任人（first_responsible.duties[3].heading）：小标题开头写了编号“一是”；"
        "编号由程序按顺序生成，生成时已去掉，请从 heading 中删去",
        "report.yaml：校验通过，没有错误（5 个警告）",
    ])
    made = CliRunner().invoke(cli, ["render", "report.yaml", "-o", "报告.docx", "--ignore", "coverage"])
    assert made.exit_code == 0, made.output
    paragraphs = [p.text for p in docx.Document(str(here / "报告.docx")).paragraphs]
    assert "（一）强化法治学习。一是局党组理论学习中心组集体学法4次。二是组织执法人员参加法律知识培训。" in paragraphs
    assert "（二）规范执法行为。全年办理行政许可917件。" in paragraphs
    assert any(p.startswith("（三）依法决策。重大行政决策") for p in paragraphs)
    # and check of the file the 依法治市办 receives finds no number twice
    assert check_findings(here / "报告.docx") == []


# -- every problem in one run ----------------------------------------------------------------------


def test_a_duplicate_key_and_an_impossible_date_do_not_hide_the_content(here: Path) -> None:
    code, lines = validate_lines(
        here, ("year: 2024\n", "year: 2024\nyear: 2024\n"), ("date: 2025-02-20", "date: 2025-02-30"),
        ("全年办理行政许可917件。", "全年办理行政许可XX件，办结率120%。"))
    assert (code, lines) == (1, [
        "report.yaml:5:1: 年度（year）：字段“year”重复出现（第一次在第 4 行）；YAML 只会保留后一个，前一个的内容会丢失：请合并或删除其中一个",
        "report.yaml:12:5: 主要举措和成效（achievements[2].text）：比率超过 100%：“办结率120%”",
        "report.yaml:12:5: 主要举措和成效（achievements[2].text）：残留占位符“XX”",
        # no “落款没有成文日期” beside it: the date was written, wrongly
        "report.yaml:28:9: 落款（signature.date）：“2025-02-30”不是有效的日期；日期请写成 2025-02-20 的形式",
        "report.yaml: 提示：以上错误改正后才能生成报告；报告内容已按现有的内容检查（重复的字段按后一个检查，无效的值未计入）",
        "发现 4 个错误、1 条提示",
    ])
    # render refuses it, even as a draft: which of two values is meant only the clerk can say
    refused = CliRunner().invoke(cli, ["render", "report.yaml", "-o", "报告.docx", "--draft", "--ignore", "coverage"])
    assert refused.exit_code == 1
    assert refused.output.splitlines()[-1] == "发现 4 个错误、1 条提示，未生成任何文件"
    assert not (here / "报告.docx").exists()


def test_a_duplicate_key_is_checked_as_yaml_keeps_it_the_later_one(here: Path) -> None:
    twice = "shortcomings:\n  - 法治宣传的针对性还不够强。\nshortcomings:\n  - 执法队伍还有XX人未持证。\n"
    code, lines = validate_lines(here, ("shortcomings:\n  - 法治宣传的针对性还不够强。\n", twice))
    assert (code, lines[:2]) == (1, [
        "report.yaml:23:1: 存在的不足和原因（shortcomings）：字段“shortcomings”重复出现（第一次在第 21 行）；YAML 只会保留后一个，"
        "前一个的内容会丢失：请合并或删除其中一个",
        "report.yaml:24:5: 存在的不足和原因（shortcomings[1]）：残留占位符“XX”",
    ])
    first = "shortcomings:\n  - 执法队伍还有XX人未持证。\nshortcomings:\n  - 法治宣传的针对性还不够强。\n"
    code, lines = validate_lines(here, ("shortcomings:\n  - 法治宣传的针对性还不够强。\n", first))
    assert not any("XX" in line for line in lines)  # what YAML drops is not what is checked


# -- never ✓ when it is not --------------------------------------------------------------------------


def test_a_part_that_is_only_a_heading_is_not_ticked(tmp_path: Path) -> None:
    path = variant(tmp_path, ("法治宣传的针对性还不够强。\n", ""))
    result = CliRunner().invoke(cli, ["check", str(path), "--ignore", "coverage"])
    assert result.exit_code == 1
    assert result.output.splitlines()[2:7] == [
        "组成部分（按出现顺序）：",
        "  ✓ 主要举措和成效　第 4 行　主要举措和成效",
        "  ✓ 第一责任人　第 9 行　党政主要负责人履行推进法治建设第一责任人职责情况",
        "  ✗ 存在的不足和原因　第 11 行　存在的不足和原因（只有标题，没有内容）",
        "  ✓ 下一年度主要安排　第 12 行　2025年工作安排",
    ]
    # and the 依法治市办's summary row says ✗ for it too, even with the rule switched off
    for ignore in (["--ignore", "coverage"], ["--ignore", "coverage", "--ignore", "parts.empty"]):
        summary = CliRunner().invoke(cli, ["check", str(path), "--format", "csv", *ignore])
        assert summary.output.splitlines()[1].split(",")[3:8] == ["✓", "✓", "✗", "✓", "✗"]


# -- every rule switchable ---------------------------------------------------------------------------


def test_every_rule_can_be_switched_off_by_its_id_except_those_without_which_nothing_renders(tmp_path: Path) -> None:
    from authoring.rules import rule_ids, stops_render

    path = variant(tmp_path)
    for rule in rule_ids():
        result = CliRunner().invoke(cli, ["check", str(path), "--ignore", rule])
        if stops_render(rule):
            assert result.exit_code == 2, rule
            assert result.output.splitlines() == [f"--ignore：规则 {rule} 不能忽略：有这类错误时无法生成报告，请改正 YAML"]
        else:
            assert result.exit_code == 0, (rule, result.output)
