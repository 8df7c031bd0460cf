"""The 第一责任人 part from facts (issue 14): the duties of the 2016 规定 as YAML fields, rendered
in its language, checked by one rule in validate and check, carried through init --from, import
and compare. Tests read the written Word file back and pin the sentences and the exact messages."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner

from authoring.cli import cli
from authoring.main import (
    build_report, check_path, compare_reports, import_report, init_from, validate_file,
)

ROOT = Path(__file__).resolve().parent.parent

# A synthetic report (no real agency's sentences) that gives every fact.
FULL = """\
agency: {name: 某市城市管理局, short_name: 市城管局}
year: 2025
figures:
  party_meetings: 4
achievements:
  - heading: 深化改革
    text: 全年办理行政许可10件。
first_responsible:
  leader: 局党组书记、局长
  leading_group: true
  meetings:
    party: "{{ figures.party_meetings }}"
    office: 2
    topics: [年度法治政府建设工作要点, 行政执法突出问题专项整治方案。]
  personally:
    deploy: 主持制定年度法治政府建设工作要点
    inquire: 听取行政复议被纠错案件情况汇报并督促整改。
    coordinate: 协调解决跨部门联合执法中的职责交叉问题
    supervise: 督办行政执法突出问题专项整治
  study:
    sessions: 6
    topics: [《中华人民共和国行政复议法》, 《中华人民共和国行政处罚法》]
  decisions: {count: 3, reviewed: 3, discussed: 3}
  court: {cases: 12, attended: 12, rate: 100, in_person: 2}
  report_on_law: true
  duties:
    - heading: 带头抓落实，强化责任担当
      text: 把法治建设列入局重要工作。
shortcomings: [执法能力有待提升。]
plans: [{heading: 加强学习, text: 继续学习。}]
signature: {date: 2026-02-20}
"""

# The same report giving no fact at all: part two is the default opening and one duty.
NONE = re.sub(r"  leading_group:.*?(?=  duties:)", "", FULL.replace("figures:\n  party_meetings: 4\n", ""), flags=re.S)

OPENING = (
    "局党组书记、局长认真履行推进法治建设第一责任人职责，切实履行依法治国重要组织者、推动者和实践者的职责，"
    "对法治建设重要工作亲自部署、重大问题亲自过问、重点环节亲自协调、重要任务亲自督办，以身作则、以上率下，"
    "带头尊法学法守法用法，加强对法治政府建设的组织领导，及时研究解决法治建设重大问题，为推进法治建设提供有力保障。"
)

# Part two of FULL, as a 法制科 would submit it: each fact in the 规定's language, in its section.
PART_TWO = [
    "二、党政主要负责人履行推进法治建设第一责任人职责情况",
    OPENING,
    "（一）加强组织领导，履行第一责任人职责。市城管局法治建设领导小组由局党组书记、局长担任组长。"
    "全年召开局党组会议4次、局长办公会议2次研究部署法治建设工作，研究审议年度法治政府建设工作要点、"
    "行政执法突出问题专项整治方案。对法治建设重要工作亲自部署，主持制定年度法治政府建设工作要点；"
    "重大问题亲自过问，听取行政复议被纠错案件情况汇报并督促整改；重点环节亲自协调，协调解决跨部门联合执法中的"
    "职责交叉问题；重要任务亲自督办，督办行政执法突出问题专项整治。",
    "（二）带头尊法学法，提升法治素养。局党组书记、局长带头学法，局党组理论学习中心组全年专题学法6次，"
    "集中学习《中华人民共和国行政复议法》《中华人民共和国行政处罚法》。",
    "（三）坚持依法决策，规范决策程序。严格执行重大行政决策程序，全年作出重大行政决策3项，均经合法性审核和集体讨论决定。",
    "（四）带头出庭应诉，维护司法权威。严格落实行政机关负责人出庭应诉制度，全年应诉行政诉讼案件12件，"
    "负责人出庭应诉12件，出庭应诉率100%，其中局党组书记、局长亲自出庭应诉2件。",
    "（五）落实述法制度，压实法治责任。严格落实年终述法制度，将履行推进法治建设第一责任人职责情况列入年终述职内容。",
    "（六）带头抓落实，强化责任担当。把法治建设列入局重要工作。",
]


def write(tmp_path: Path, text: str, name: str = "report.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def part_two(path: Path) -> list[str]:
    """The paragraphs of part two as Word shows them (read back with python-docx)."""
    paras = [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]
    start = next(i for i, t in enumerate(paras) if t.startswith("二、"))
    end = next(i for i, t in enumerate(paras) if t.startswith("三、"))
    return paras[start:end]


def validate_lines(path: Path) -> list[str]:
    # The 纲要 coverage note (check's rule on part one, which validate runs too) is not part two's.
    result = CliRunner().invoke(cli, ["validate", str(path), "--ignore", "coverage"])
    assert "Traceback" not in result.output
    return result.output.splitlines()


# -- rendered in the 规定's language ------------------------------------------------------------


def test_a_report_giving_the_facts_renders_the_part_two_a_clerk_submits(tmp_path: Path) -> None:
    result = build_report(write(tmp_path, FULL), tmp_path / "报告.docx")
    assert part_two(tmp_path / "报告.docx") == PART_TWO
    assert [p for p in result.problems if p.rule == "duties.missing"] == []
    # the section headings are 楷体 run-in headings, as every other （一）
    paragraph = next(p for p in docx.Document(str(tmp_path / "报告.docx")).paragraphs if p.text.startswith("（四）"))
    assert paragraph.runs[0].text == "（四）带头出庭应诉，维护司法权威。"


def test_a_fact_not_given_says_nothing(tmp_path: Path) -> None:
    text = FULL.replace("  court: {cases: 12, attended: 12, rate: 100, in_person: 2}\n", "  court: {rate: 100}\n")
    text = text.replace("  report_on_law: true\n", "").replace("    office: 2\n", "")
    text = re.sub(r"  personally:\n(    .*\n)+", "  personally:\n    supervise: 督办行政执法突出问题专项整治\n", text)
    build_report(write(tmp_path, text), tmp_path / "报告.docx")
    paras = part_two(tmp_path / "报告.docx")
    assert paras[2] == (
        "（一）加强组织领导，履行第一责任人职责。市城管局法治建设领导小组由局党组书记、局长担任组长。"
        "全年召开局党组会议4次研究部署法治建设工作，研究审议年度法治政府建设工作要点、行政执法突出问题专项整治方案。"
        "重要任务亲自督办，督办行政执法突出问题专项整治。"
    )
    assert paras[5] == "（四）带头出庭应诉，维护司法权威。严格落实行政机关负责人出庭应诉制度，出庭应诉率100%。"
    assert not any("述法" in p for p in paras[2:])  # the opening names 述法 nowhere, nor does anything else


@pytest.mark.parametrize(
    ("facts", "sentence"),
    [
        ("  decisions: {count: 0}\n", "（一）坚持依法决策，规范决策程序。严格执行重大行政决策程序，全年未作出重大行政决策。"),
        ("  decisions: {count: 4, reviewed: 4, discussed: 3}\n",
         "（一）坚持依法决策，规范决策程序。严格执行重大行政决策程序，全年作出重大行政决策4项，经合法性审核4项，经集体讨论决定3项。"),
        ("  court: {cases: 0}\n", "（一）带头出庭应诉，维护司法权威。严格落实行政机关负责人出庭应诉制度，全年未发生行政诉讼案件。"),
        ("  court: {cases: 5, in_person: 1}\n",
         "（一）带头出庭应诉，维护司法权威。严格落实行政机关负责人出庭应诉制度，全年应诉行政诉讼案件5件，局长亲自出庭应诉1件。"),
        ("  leading_group: 法治政府建设工作领导小组\n", "（一）加强组织领导，履行第一责任人职责。某局法治政府建设工作领导小组由局长担任组长。"),
        ("  meetings: {party: 3, party_name: 党委会议, office: 1, office_name: 局务会议}\n",
         "（一）加强组织领导，履行第一责任人职责。全年召开党委会议3次、局务会议1次研究部署法治建设工作。"),
        ("  study: {topics: [宪法]}\n", "（一）带头尊法学法，提升法治素养。局长带头学法，理论学习中心组坚持专题学法，集中学习宪法。"),
        # GB/T 15834: no 、 between two titles in 《》, one before the next item that is not a title
        ("  study: {sessions: 2, topics: [《宪法》, 《行政复议法》。, 习近平法治思想]}\n",
         "（一）带头尊法学法，提升法治素养。局长带头学法，理论学习中心组全年专题学法2次，集中学习《宪法》《行政复议法》、习近平法治思想。"),
    ],
)
def test_each_fact_in_its_standard_sentence(tmp_path: Path, facts: str, sentence: str) -> None:
    text = ("agency: {name: 某局}\nyear: 2025\nachievements: [甲。]\nfirst_responsible:\n  leader: 局长\n" + facts
            + "shortcomings: [乙。]\nplans: [丙。]\n")
    build_report(write(tmp_path, text), tmp_path / "报告.docx", draft=True)  # no 成文日期: a draft (issue 12)
    assert part_two(tmp_path / "报告.docx")[2:] == [sentence]


def test_a_duty_entry_takes_its_facts_into_its_own_text(tmp_path: Path) -> None:
    text = FULL.replace("      text: 把法治建设列入局重要工作。", "      facts: [meetings, study]\n      text: 把法治建设列入局重要工作。")
    build_report(write(tmp_path, text), tmp_path / "报告.docx")
    paras = part_two(tmp_path / "报告.docx")
    # The agency builds part two on its own entries: the facts no entry took follow them.
    assert paras[2] == (
        "（一）带头抓落实，强化责任担当。全年召开局党组会议4次、局长办公会议2次研究部署法治建设工作，研究审议年度法治政府"
        "建设工作要点、行政执法突出问题专项整治方案。局党组书记、局长带头学法，局党组理论学习中心组全年专题学法6次，"
        "集中学习《中华人民共和国行政复议法》《中华人民共和国行政处罚法》。把法治建设列入局重要工作。"
    )
    assert [p[:12] for p in paras[3:]] == [
        "（二）加强组织领导，履行", "（三）坚持依法决策，规范", "（四）带头出庭应诉，维护", "（五）落实述法制度，压实"]
    assert paras[3].startswith("（二）加强组织领导，履行第一责任人职责。市城管局法治建设领导小组由局党组书记、局长担任组长。"
                               "对法治建设重要工作亲自部署")
    assert not any("中心组" in p or "局长办公会议" in p for p in paras[3:])  # said once, where the entry takes it


def test_a_fact_stated_in_the_text_is_recorded_not_said_again(tmp_path: Path) -> None:
    text = FULL.replace("  duties:\n", "  in_text: [court, report_on_law]\n  duties:\n").replace(
        "      text: 把法治建设列入局重要工作。", "      text: 把法治建设列入局重要工作，严格落实年终述法制度。")
    path = write(tmp_path, text)
    build_report(path, tmp_path / "报告.docx")
    paras = part_two(tmp_path / "报告.docx")
    assert not any("出庭应诉率" in p for p in paras)
    assert paras[-1] == "（四）带头抓落实，强化责任担当。把法治建设列入局重要工作，严格落实年终述法制度。"
    # 出庭应诉 is listed as stated, but the text does not state it: the duty is missing, as check
    # of the Word file says (one verdict), and validate says why
    assert validate_lines(path) == [
        f"{path}:26:3: 警告：第一责任人（first_responsible.in_text）：“第一责任人”部分未提及：行政机关负责人出庭应诉；"
        "in_text 列有 court，报告中不会另写这一事实；请在正文中写明，或从 in_text 中删去 court",
        f"{path}：校验通过，没有错误（1 个警告）",
    ]


def test_templates_override_changes_the_wording(tmp_path: Path) -> None:
    mine = tmp_path / "我的模板"
    mine.mkdir()
    shipped = (ROOT / "templates" / "duties.j2").read_text(encoding="utf-8")
    (mine / "duties.j2").write_text(
        shipped.replace("严格落实年终述法制度，将履行推进法治建设第一责任人职责情况列入年终述职内容。",
                        "{{ leader }}在年终述职中专题述法。")
        .replace('"落实述法制度，压实法治责任"', '"认真开展年终述法"'),
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(write(tmp_path, FULL)), "-o", str(tmp_path / "报告.docx"),
                                      "--templates", str(mine)])
    assert result.exit_code == 0, result.output
    assert part_two(tmp_path / "报告.docx")[6] == "（五）认真开展年终述法。局党组书记、局长在年终述职中专题述法。"


def test_a_template_that_leaves_a_fact_out_is_told_the_report_does_not_say_it(tmp_path: Path) -> None:
    # The rule runs on what was rendered (one verdict, issue 12: check of this Word file finds
    # the duty missing): a fact given that the agency's template does not print answers nothing,
    # and validate says why the report does not show it.
    mine = tmp_path / "t"
    mine.mkdir()
    shipped = (ROOT / "templates" / "duties.j2").read_text(encoding="utf-8")
    (mine / "duties.j2").write_text(shipped.replace('{"heading": "落实述法制度，压实法治责任", "facts": ["report_on_law"]},', ""),
                                    encoding="utf-8")
    result = build_report(write(tmp_path, FULL), tmp_path / "报告.docx", templates=mine)
    assert not any("述法" in p for p in part_two(tmp_path / "报告.docx"))
    assert [p.message for p in result.problems if p.rule == "duties.missing"] == [
        "“第一责任人”部分未提及：述法（法治建设列入年终述职）；已填写 report_on_law，但生成的报告“第一责任人”部分中"
        "没有这句话：自定的模板（--templates）没有写出它，或正文开头误写的编号把它分到了别处；请检查模板或正文"]
    assert [f.message for f in check_path(tmp_path / "报告.docx").findings if f.rule == "duties.missing"] == [
        "“第一责任人”部分未提及：述法（法治建设列入年终述职）"]


# -- checked: one rule, in validate and in check --------------------------------------------------


def test_a_report_giving_no_facts_says_exactly_which_duties_are_missing(tmp_path: Path) -> None:
    path = write(tmp_path, NONE)
    at = f"{path}:6:1: 警告：第一责任人（first_responsible）：“第一责任人”部分未提及："
    assert validate_lines(path) == [
        at + "学法（理论学习中心组、会前学法）；请填写 first_responsible.study（理论学习中心组学法），或在 duties 中写明",
        at + "述法（法治建设列入年终述职）；请填写 first_responsible.report_on_law（年终述法），或在 duties 中写明",
        at + "行政机关负责人出庭应诉；请填写 first_responsible.court，或在 duties 中写明",
        at + "重大行政决策合法性审核与集体讨论；请填写 first_responsible.decisions，或在 duties 中写明",
        f"{path}：校验通过，没有错误（4 个警告）",
    ]


def test_check_of_the_word_file_names_the_same_duties(tmp_path: Path) -> None:
    path = write(tmp_path, NONE)
    build_report(path, tmp_path / "报告.docx")
    from_yaml = [p.message.split("；")[0] for p in validate_file(path) if p.rule == "duties.missing"]
    report = check_path(tmp_path / "报告.docx")
    from_word = [f.message for f in report.findings if f.rule == "duties.missing"]
    assert from_word == from_yaml == [
        "“第一责任人”部分未提及：学法（理论学习中心组、会前学法）",
        "“第一责任人”部分未提及：述法（法治建设列入年终述职）",
        "“第一责任人”部分未提及：行政机关负责人出庭应诉",
        "“第一责任人”部分未提及：重大行政决策合法性审核与集体讨论",
    ]
    assert {f.severity for f in report.findings if f.rule == "duties.missing"} == {"warning"}
    # and the Word file of the report that gives the facts: nothing missing for either
    build_report(write(tmp_path, FULL, "full.yaml"), tmp_path / "full.docx")
    assert [f for f in check_path(tmp_path / "full.docx").findings if f.rule == "duties.missing"] == []


def test_cli_check_names_the_duty_not_the_field(tmp_path: Path) -> None:
    build_report(write(tmp_path, NONE), tmp_path / "报告.docx")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "报告.docx"), "--format", "csv"],
                                env={"COLUMNS": "200"})
    summary = result.output.splitlines()[1].split(",")[-1]
    assert summary.split("；")[:4] == [
        "“第一责任人”部分未提及：学法（理论学习中心组、会前学法）",
        "“第一责任人”部分未提及：述法（法治建设列入年终述职）",
        "“第一责任人”部分未提及：行政机关负责人出庭应诉",
        "“第一责任人”部分未提及：重大行政决策合法性审核与集体讨论",
    ]
    assert "first_responsible" not in result.output


def test_an_emptied_fact_points_at_its_own_line(tmp_path: Path) -> None:
    path = write(tmp_path, NONE.replace("  duties:\n", "  court:\n    cases:\n  report_on_law:\n  duties:\n"))
    lines = validate_lines(path)
    assert f"{path}:8:3: 警告：第一责任人（first_responsible.court）：“第一责任人”部分未提及：行政机关负责人出庭应诉；" \
           "请填写 first_responsible.court，或在 duties 中写明" in lines
    assert f"{path}:10:3: 警告：第一责任人（first_responsible.report_on_law）：“第一责任人”部分未提及：述法（法治建设列入年终述职）；" \
           "请填写 first_responsible.report_on_law（年终述法），或在 duties 中写明" in lines
    assert not any("待填" in line and "court" in line for line in lines)  # one line at one place, not two


def test_a_fact_also_written_in_the_prose_is_flagged(tmp_path: Path) -> None:
    path = write(tmp_path, FULL.replace("把法治建设列入局重要工作。", "全年召开4次党组会议研究法治建设工作。"))
    assert validate_lines(path) == [
        f"{path}:28:7: 警告：第一责任人（first_responsible.duties[1].text）：已写有“召开4次党组会议研究法治”，"
        "与 first_responsible.meetings（研究法治建设的会议）生成的句子重复；请删去其中一处，或把 meetings 列入 first_responsible.in_text",
        f"{path}：校验通过，没有错误（1 个警告）",
    ]


def test_duties_may_be_left_out_when_facts_are_given(tmp_path: Path) -> None:
    text = re.sub(r"  duties:\n(    .*\n|      .*\n)+", "", FULL)
    build_report(write(tmp_path, text), tmp_path / "报告.docx")
    assert part_two(tmp_path / "报告.docx") == PART_TWO[:-1]
    bare = "agency: {name: 某局}\nyear: 2025\nachievements: [甲。]\nfirst_responsible: {leader: 局长}\nshortcomings: [乙。]\nplans: [丙。]\n"
    path = write(tmp_path, bare, "bare.yaml")
    assert validate_lines(path) == [
        f"{path}:4:1: 第一责任人（first_responsible.duties）：缺少必填项“duties”；请补上履职情况，"
        "或填写 leading_group、meetings 等履职事实（见 docs/yaml-format.md）",
        f"{path}: 提示：以上错误改正后才能生成报告，报告内容（各部分、占位符、数据、标题编号、成文日期等）届时再检查",
        "发现 1 个错误、1 条提示",
    ]


def test_a_count_must_be_a_number_or_a_figure(tmp_path: Path) -> None:
    path = write(tmp_path, FULL.replace("    office: 2\n", "    office: 2次\n"))
    assert validate_lines(path) == [
        f"{path}:13:5: 第一责任人（first_responsible.meetings.office）：应为数字，或写成 \"{{{{ figures.名称 }}}}\" 引用数据，"
        "实际是文字“2次”",
        f"{path}: 提示：以上错误改正后才能生成报告，报告内容（各部分、占位符、数据、标题编号、成文日期等）届时再检查",
        "发现 1 个错误、1 条提示",
    ]


# -- carried through the year ----------------------------------------------------------------------


def test_init_from_keeps_the_keys_empties_the_values_with_last_years_as_hints(tmp_path: Path) -> None:
    draft = init_from(write(tmp_path, FULL), output=str(tmp_path / "next.yaml"))
    fr = draft.data["first_responsible"]
    assert fr["leading_group"] is None and fr["report_on_law"] is None
    assert fr["meetings"] == {"party": "{{ figures.party_meetings }}", "office": None, "topics": None}
    assert fr["court"] == {"cases": None, "attended": None, "rate": None, "in_person": None}
    for line in [
        "  leading_group:  # 待填（2025年：是）",
        "    office:  # 待填（2025年：2）",
        "    topics:  # 待填（2025年：年度法治政府建设工作要点；行政执法突出问题专项整治方案。）",
        "    supervise:  # 待填（2025年：督办行政执法突出问题专项整治）",
        "    cases:  # 待填（2025年：12）",
        "  report_on_law:  # 待填（2025年：是）",
        '    party: "{{ figures.party_meetings }}"',
        "  party_meetings:  # 待填（2025年：4）：研究法治建设的会议 · 党组（党委）会议（次）",
    ]:
        assert line in draft.yaml_text.splitlines(), line
    assert f"{tmp_path / 'next.yaml'}:46: 第一责任人（first_responsible）：已更新：第一责任人履职事实 17 项保留名称、清空内容，待填" \
           "（注释中是 2025 年的情况）" in [str(c) for c in draft.changes]
    assert yaml.safe_load(draft.yaml_text) == draft.data


def test_our_word_file_imports_back_to_the_same_facts(tmp_path: Path) -> None:
    build_report(write(tmp_path, FULL.replace('"{{ figures.party_meetings }}"', "4")), tmp_path / "报告.docx")
    result = import_report(tmp_path / "报告.docx")
    fr = result.data["first_responsible"]
    assert {k: fr[k] for k in ("leading_group", "study", "decisions", "court", "report_on_law")} == {
        "leading_group": True, "study": {"sessions": 6}, "decisions": {"count": 3, "reviewed": 3, "discussed": 3},
        "court": {"cases": 12, "attended": 12, "rate": 100, "in_person": 2}, "report_on_law": True}
    assert fr["meetings"] == {"party": 4, "office": 2}
    assert fr["in_text"] == ["leading_group", "meetings", "study", "decisions", "court", "report_on_law"]
    # the sentences stay where they were: rendering the import gives part two again, once
    path = tmp_path / "imported.yaml"
    path.write_text(result.yaml_text, encoding="utf-8")
    build_report(path, tmp_path / "again.docx")
    assert part_two(tmp_path / "again.docx")[2:] == PART_TWO[2:]
    assert [str(w) for w in result.warnings if w.rule == "import-fact"][0] == (
        f"{tmp_path / '报告.docx'}:7: 警告：从原文“法治建设领导小组由局党组书记、局长担任组长”识别出第一责任人履职事实 "
        "first_responsible.leading_group：法治建设领导小组；原句保留在正文中，并已列入 in_text，生成时不会重复；请核对"
    )
    assert len([w for w in result.warnings if w.rule == "import-fact"]) == 6


def test_compare_shows_the_facts_year_over_year(tmp_path: Path) -> None:
    old = write(tmp_path, FULL, "2025.yaml")
    new = write(tmp_path, FULL.replace("year: 2025", "year: 2026").replace("party_meetings: 4", "party_meetings: 6")
                .replace("  report_on_law: true\n", "").replace("rate: 100", "rate: 92.5")
                .replace("2026-02-20", "2027-02-20"), "2026.yaml")
    result = CliRunner().invoke(cli, ["compare", str(old), str(new)])
    lines = result.output.splitlines()
    start = lines.index("第一责任人履职事实（2025年 → 2026年）：")
    assert lines[start:start + 5] == [
        "第一责任人履职事实（2025年 → 2026年）：",
        "  事实                                               2025年  2026年  变化",
        "  法治建设领导小组                                       是      是",
        "  研究法治建设的会议 · 党组（党委）会议（次）             4       6    +2",
        "  研究法治建设的会议 · 局长办公会议（次）                 2       2    +0",
    ]
    assert "  行政机关负责人出庭应诉 · 负责人出庭应诉率（%）        100    92.5  -7.5" in lines
    assert "  年终述法                                               是    未写" in lines
    c = compare_reports(old, new)
    assert [(f.path, f.old, f.new) for f in c.facts][:2] == [("leading_group", True, True), ("meetings.party", 4, 6)]


# -- the schema and its labels ------------------------------------------------------------------------


def _meta(node: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        node = node[key] if key in node else node["properties"][key]
    return node


def test_every_fact_has_a_chinese_title_in_the_schema_and_the_json_schema() -> None:
    import json

    from authoring.duties import fact_fields, fact_keys

    exported = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    fr = exported["properties"]["first_responsible"]
    for key in fact_keys():
        assert re.search(r"[\u4e00-\u9fff]", fr["properties"][key]["title"]), key
        for sub in fact_fields(key):
            assert re.search(r"[\u4e00-\u9fff]", fr["properties"][key]["properties"][sub]["title"]), (key, sub)
    assert fr["properties"]["court"]["properties"]["cases"]["type"] == ["string", "integer", "null"]
    assert "duties" not in fr["required"]


def test_the_duties_table_and_the_schema_name_the_same_facts() -> None:
    from authoring.duties import duty_specs, fact_keys

    linked = [k for d in duty_specs() for k in d["facts"]]
    assert sorted(linked) == sorted(fact_keys())  # every fact answers exactly one duty
    documented = (ROOT / "docs" / "yaml-format.md").read_text(encoding="utf-8")
    for key in fact_keys():
        assert f"`{key}`" in documented, key
