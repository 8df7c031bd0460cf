"""The checker's rules on real reports, their variants and small handmade texts; JSON/CSV output."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from authoring.check import (
    CheckReport,
    check_blocks,
    exit_code,
    report_to_csv,
    report_to_json,
    rule_ids,
    validate_ignore,
)
from authoring.errors import AuthoringError
from authoring.main import check_path, check_paths, read_file
from authoring.resources import load_data

sys.path.insert(0, str(Path(__file__).resolve().parent))
import variants as V  # noqa: E402  (test helper beside this file)

NAMES = ["changzhou-cgj-2024", "chuxiong-zhzf-2024", "jiulongpo-cgj-2023"]


def _check(tmp_path: Path, text: str, name: str = "报告.txt", **kw: object) -> CheckReport:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return check_path(p, **kw)  # type: ignore[arg-type]


def _rules(report: CheckReport, severity: str = "") -> list[str]:
    return [f.rule for f in report.findings if not severity or f.severity == severity]


def _report(body: str, year: int = 2024, agency: str = "某市城市管理局") -> str:
    """A small complete report around `body` (which lands in part one)."""
    return (f"{agency}关于{year}年度法治政府建设情况的报告\n"
            f"{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，依法行政，现将有关情况报告如下：\n"
            f"一、主要举措和成效\n{body}\n"
            "二、主要负责人履行推进法治建设第一责任人职责情况\n局主要负责人亲自部署重要工作，带头尊法学法守法用法。\n"
            "三、存在的不足和原因\n一是执法队伍素质有待提高。\n"
            f"四、{year + 1}年工作计划\n继续推进依法行政。\n{agency}\n{year + 1}年3月1日\n")


# -- the corpus and its variants --------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_corpus_reports_have_no_errors(name: str) -> None:
    # Their one error: two published pages give no 成文日期 (GB/T 9704 requires one).
    r = check_path(V.CORPUS / f"{name}.txt")
    assert r.missing == [] and r.parts.order == list(V.CORPUS_ORDER)
    dated = name == "chuxiong-zhzf-2024"
    assert _rules(r, "error") == ([] if dated else ["date.missing"])
    assert exit_code([r]) == (0 if dated else 1)
    assert _rules(check_path(V.CORPUS / f"{name}.txt", ignore=["date"]), "error") == []


def test_corpus_facts() -> None:
    r = check_path(V.CORPUS / "jiulongpo-cgj-2023.txt")
    assert (r.agency, r.year, r.kind, r.unit) == ("九龙坡区城市管理局", 2023, "text", "line")
    r = check_path(V.CORPUS / "chuxiong-zhzf-2024.txt")
    assert (r.agency, r.year) == ("楚雄市综合行政执法局", 2024)
    duties = r.duties
    assert duties["亲自部署、亲自过问、亲自协调、亲自督办"] and not duties["行政机关负责人出庭应诉"]
    # one finding for each duty not mentioned, at part two's heading
    found = [f for f in r.findings if f.rule == "duties.missing"]
    assert [f.message for f in found] == [
        "“第一责任人”部分未提及：述法（法治建设列入年终述职）",
        "“第一责任人”部分未提及：行政机关负责人出庭应诉",
        "“第一责任人”部分未提及：重大行政决策合法性审核与集体讨论",
    ]
    assert {(f.severity, f.line, f.heading) for f in found} == {
        ("warning", 13, "二、2024年度党政主要负责人履行推进法治建设第一责任人职责有关情况")}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("key", list(V.CORPUS_ORDER))
def test_a_deleted_part_is_an_error(tmp_path: Path, name: str, key: str) -> None:
    r = _check(tmp_path, V.delete_part(V.corpus_text(name), key))
    missing = [f for f in r.findings if f.rule == "parts.missing"]
    assert len(missing) == 1 and missing[0].severity == "error"
    label = {p["key"]: p["label"] for p in load_data("parts.yaml")["parts"]}[key]
    assert missing[0].message == f"缺少“{label}”部分"
    assert exit_code([r]) == 1


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("demote, form", [(V.demote_to_subsection, "其他部分中的小节"),
                                          (V.demote_to_inline, "段落中的一句话"),
                                          (V.demote_to_preamble, "开头段落中的一句话")])
def test_part_two_not_on_its_own_is_a_warning(tmp_path: Path, name: str, demote, form: str) -> None:  # type: ignore[no-untyped-def]
    r = _check(tmp_path, demote(V.corpus_text(name)), ignore=["date"])
    assert r.ok, r.findings
    f = next(f for f in r.findings if f.rule == "parts.first_responsible_not_separate")
    assert f.severity == "warning" and form in f.message


@pytest.mark.parametrize("name", NAMES)
def test_reordered_parts_are_not_a_finding(tmp_path: Path, name: str) -> None:
    r = _check(tmp_path, V.reorder(V.corpus_text(name), ["first_responsible", "plans", "achievements", "shortcomings"]),
               ignore=["date"])
    assert r.ok and r.parts.order == ["first_responsible", "plans", "achievements", "shortcomings"]
    assert not [f for f in r.findings if f.category == "parts"]


@pytest.mark.parametrize("name", NAMES)
def test_docx_and_gbk_copies_check_like_the_text(tmp_path: Path, name: str) -> None:
    text = V.corpus_text(name)
    base = check_path(V.CORPUS / f"{name}.txt")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    gbk = check_path(tmp_path / "gbk.txt")
    docx = check_path(V.to_docx(text, tmp_path / "a.docx", gb9704=True))
    content = {"parts", "duties", "year", "figures", "leftovers", "coverage"}
    want = [(f.rule, f.message) for f in base.findings if f.category in content]
    for r in (gbk, docx):
        assert [(f.rule, f.message) for f in r.findings if f.category in content] == want
    assert "read.encoding" in _rules(gbk) and docx.unit == "paragraph"
    assert [f for f in docx.findings if f.category == "layout"] == []


# -- figures -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, rule",
    [
        ("群众满意率达到120%。", "figures.percent_over_100"),
        ("案卷合格率为100.5%。", "figures.percent_over_100"),
        ("执法案件数量同比增长150%。", None),
        ("办件量较上年提高230%。", None),
        ("完成年度目标的130%。", "figures.percent_check"),
        ("覆盖率达100%。", None),
        ("全年共办理行政复议案件10件，其中维持6件、撤销5件。", "figures.parts_exceed_whole"),
        ("共有14件案卷参与评查，其中13件被评为优秀、1件被评为合格。", None),
        ("共受理1.2万件，其中网上办理8000件、窗口办理5000件。", "figures.parts_exceed_whole"),
        ("共受理投诉30件，其中办结28次、转办5次。", None),
        ("全年受理信访20件，办结18件，办结率100%。", "figures.rate_contradicted"),
        ("全年受理信访20件，办结率100%，尚有2件正在办理。", "figures.rate_contradicted"),
        ("全年共受理各类信访2691件，及时办理率和办结率均为100%。", None),
        ("全年受理信访20件，办结20件，办结率100%。", None),
    ],
)
def test_figures(tmp_path: Path, sentence: str, rule: str | None) -> None:
    r = _check(tmp_path, _report(sentence))
    got = [f for f in r.findings if f.category == "figures"]
    if rule is None:
        assert got == []
    else:
        assert [f.rule for f in got] == [rule] and got[0].line == 4
        assert got[0].heading == "一、主要举措和成效"


def test_parts_exceed_whole_message(tmp_path: Path) -> None:
    r = _check(tmp_path, _report("全年共办理行政复议案件10件，其中维持6件、撤销5件。"))
    f = next(f for f in r.findings if f.rule == "figures.parts_exceed_whole")
    assert f.message == "分项之和（11件）超过总数（10件）：“共办理行政复议案件10件，其中维持6件、撤销5件”"
    assert f.severity == "error"


# -- year --------------------------------------------------------------------------------------------


def test_year_since_contradicting_the_year(tmp_path: Path) -> None:
    r = _check(tmp_path, _report("2023年以来，我局共开展执法培训12次。2024年以来，新增制度3项。2019年以来累计培训60次。"))
    f = [f for f in r.findings if f.rule == "year.since"]
    assert [x.message for x in f] == ["“2023年以来”与报告年度 2024 年不符，可能沿用了往年的报告"]
    r = _check(tmp_path, _report("2025年以来，新增制度3项。"))
    assert [x.message for x in r.findings if x.rule == "year.since"] == ["“2025年以来”与报告年度 2024 年不符，可能沿用了往年的报告"]


def test_plan_part_about_the_wrong_year(tmp_path: Path) -> None:
    text = _report("正文。").replace("四、2025年工作计划\n继续推进依法行政。", "四、下一步工作打算\n2024年，我局将继续推进依法行政。")
    r = _check(tmp_path, text)
    f = next(f for f in r.findings if f.rule == "year.plan")
    assert f.message == "下一年度安排写的是 2024 年，应为 2025 年" and f.line == 10
    r = _check(tmp_path, _report("正文。").replace("2025年工作计划", "2024年工作计划"))
    assert [x.message for x in r.findings if x.rule == "year.plan"] == ["下一年度安排写的是 2024 年，应为 2025 年"]


def test_plan_part_naming_the_next_year_is_fine(tmp_path: Path) -> None:
    r = _check(tmp_path, _report("正文。").replace("继续推进依法行政。", "2025年，我局将落实《法治政府建设实施纲要（2021—2025年）》。"))
    assert "year.plan" not in _rules(r)


def test_stale_and_future_meetings(tmp_path: Path) -> None:
    r = _check(tmp_path, _report("深入学习贯彻党的二十大精神。"))
    f = next(f for f in r.findings if f.rule == "year.stale_meeting")
    assert f.severity == "info" and "二十届三中全会" in f.message
    r = _check(tmp_path, _report("深入学习贯彻党的二十大和二十届二中、三中全会精神。"))
    assert not [f for f in r.findings if f.rule.endswith("_meeting")]
    r = _check(tmp_path, _report("深入学习贯彻二十届四中全会精神。", year=2023))
    assert "year.future_meeting" in _rules(r)


def test_title_and_opening_years_disagree(tmp_path: Path) -> None:
    text = _report("正文。").replace("2024年，某市", "2023年，某市", 1)
    r = _check(tmp_path, text)
    assert [f.message for f in r.findings if f.rule == "year.title_mismatch"] == ["标题写的是 2024 年度，正文开头写的是 2023 年"]


def test_unknown_year_is_a_warning(tmp_path: Path) -> None:
    r = _check(tmp_path, "一、主要举措和成效\n正文。\n二、存在的不足\n正文。\n")
    assert "year.unknown" in _rules(r, "warning")


# -- leftovers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, found", [("XX局开展了培训。", "XX"), ("共办理××件。", "××"), ("【待补充数字】件。", "【待补充数字】"),
                                         ("TODO 补充。", "TODO"), ("待填。", "待填")])
def test_placeholders(tmp_path: Path, text: str, found: str) -> None:
    r = _check(tmp_path, _report(text))
    f = [f for f in r.findings if f.rule == "leftovers.placeholder"]
    assert [x.message for x in f] == [f"残留占位符“{found}”"] and f[0].severity == "error" and f[0].line == 4


def test_web_addresses_are_not_placeholders(tmp_path: Path) -> None:
    r = _check(tmp_path, _report("详见 http://www.example.gov.cn/xxgk/index.html 。"))
    assert "leftovers.placeholder" not in _rules(r)


def test_another_agency_name(tmp_path: Path) -> None:
    text = _report("在沙坪坝区城管局指导下开展工作，按重庆市城市管理局部署，全区城市管理局系统推进。",
                   agency="九龙坡区城市管理局")
    r = _check(tmp_path, text)
    f = [x for x in r.findings if x.rule == "leftovers.other_agency"]
    assert [x.message for x in f] == [
        "出现其他单位的名称“沙坪坝区城管局”（本单位为“九龙坡区城市管理局”），可能是从其他单位的报告复制而来"]


def test_agency_names_that_disagree(tmp_path: Path) -> None:
    text = _report("正文。", agency="九龙坡区城市管理局").replace("九龙坡区城市管理局\n2025", "沙坪坝区城市管理局\n2025")
    r = _check(tmp_path, text)
    f = [x.message for x in r.findings if x.rule == "leftovers.agency_mismatch"]
    assert f and "沙坪坝区城市管理局" in f[0] and "落款" in f[0]


def test_empty_part(tmp_path: Path) -> None:
    text = _report("正文。").replace("三、存在的不足和原因\n一是执法队伍素质有待提高。\n", "三、存在的不足和原因\n")
    r = _check(tmp_path, text)
    f = next(f for f in r.findings if f.rule == "parts.empty")
    assert f.message == "“存在的不足和原因”部分只有标题，没有内容" and f.line == 7 and not r.ok


# -- coverage of part one ----------------------------------------------------------------------------


def test_coverage_lists_areas_part_one_never_touches(tmp_path: Path) -> None:
    r = _check(tmp_path, _report("深入学习习近平法治思想，严格落实行政执法三项制度。"))
    f = next(f for f in r.findings if f.rule == "coverage.areas")
    assert f.severity == "info" and "突发事件应对体系" in f.message and "行政执法工作体系" not in f.message
    assert r.areas["行政执法工作体系"] and not r.areas["突发事件应对体系"]


# -- layout ------------------------------------------------------------------------------------------


def test_layout_findings_name_the_value_found(tmp_path: Path) -> None:
    text = V.corpus_text("jiulongpo-cgj-2023")
    r = check_path(V.to_docx(text, tmp_path / "a.docx"))
    messages = [f.message for f in r.findings if f.category == "layout"]
    assert "纸张为 215.9 × 279.4 mm，GB/T 9704 要求 A4（210 × 297 mm）" in messages
    assert "上边距为 25.4 mm，GB/T 9704 要求 37 ± 1 mm" in messages
    assert any(m.startswith("正文的中文字体为“主题字体") for m in messages)
    assert "正文字号为 11 磅，GB/T 9704 要求 16 磅" in messages
    assert any(m.startswith("页脚没有页码") for m in messages)


def test_layout_fonts_without_east_asian_slot_and_wrong_fonts(tmp_path: Path) -> None:
    text = V.corpus_text("changzhou-cgj-2024")
    r = check_path(V.to_docx(text, tmp_path / "a.docx", gb9704=True, fonts={"body": "宋体", "heading1": "仿宋_GB2312"}))
    messages = [f.message for f in r.findings if f.category == "layout"]
    assert messages == ["正文的中文字体为“宋体”，GB/T 9704 要求“仿宋_GB2312”",
                        "一级标题（一、）的中文字体为“仿宋_GB2312”，GB/T 9704 要求“黑体”"]
    body = next(f for f in r.findings if f.rule == "layout.font")
    assert body.line == 1  # the first body paragraph, counted as Word paragraphs


def test_layout_rules_only_for_word(tmp_path: Path) -> None:
    r = check_path(V.CORPUS / "changzhou-cgj-2024.txt")
    assert not [f for f in r.findings if f.category == "layout"]


# -- ignore, folders, unreadable files ---------------------------------------------------------------


def test_ignore_a_rule_or_a_category(tmp_path: Path) -> None:
    text = _report("XX局满意率达120%。")
    r = _check(tmp_path, text, ignore=["leftovers.placeholder"])
    assert "leftovers.placeholder" not in _rules(r) and "figures.percent_over_100" in _rules(r)
    r = _check(tmp_path, text, ignore=["figures", "leftovers"])
    assert not [f for f in r.findings if f.category in ("figures", "leftovers")]
    with pytest.raises(AuthoringError, match="未知的规则或类别：nonsense"):
        validate_ignore(["nonsense"])
    with pytest.raises(AuthoringError):
        check_paths([tmp_path], ignore=["nonsense"])


def test_every_rule_is_complete() -> None:
    data = load_data("rules.yaml")
    for rid in rule_ids():
        spec = data["rules"][rid]
        assert spec["severity"] in ("error", "warning", "info")
        assert spec["category"] in data["categories"], rid


def test_a_folder_with_an_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(V.corpus_text("chuxiong-zhzf-2024"), encoding="utf-8")
    (tmp_path / "sub" / "b.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (tmp_path / "sub" / "~$b.docx").write_bytes(b"lock")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "readme.rtf").write_bytes(b"{\\rtf1}")
    reports = check_paths([tmp_path])
    # A PDF in the folder is reported (so the clerk knows it was not checked); an .rtf is not a report.
    assert [Path(r.file).name for r in reports] == ["a.txt", "notes.pdf", "b.docx"]
    bad = reports[2]
    assert bad.unreadable and bad.findings[0].rule == "unreadable" and "旧版 Word" in bad.findings[0].message
    assert reports[1].findings[0].message.startswith("无法读取：PDF 文件无法可靠地还原段落和标题")
    assert reports[0].ok and exit_code(reports) == 2


def test_check_blocks_accepts_plain_blocks() -> None:
    blocks = read_file(V.CORPUS / "chuxiong-zhzf-2024.txt").blocks
    r = check_blocks(blocks, source="x.txt")
    assert r.file == "x.txt" and r.missing == [] and r.agency == "楚雄市综合行政执法局"


# -- JSON and CSV ------------------------------------------------------------------------------------


def test_json_and_csv(tmp_path: Path) -> None:
    (tmp_path / "del.txt").write_text(V.delete_part(V.corpus_text("jiulongpo-cgj-2023"), "first_responsible"),
                                      encoding="utf-8")
    reports = [check_path(V.CORPUS / "chuxiong-zhzf-2024.txt"), check_path(tmp_path / "del.txt")]
    data = json.loads(report_to_json(reports))
    assert data[0]["agency"] == "楚雄市综合行政执法局" and data[0]["year"] == 2024
    assert [p["key"] for p in data[0]["parts"]] == list(V.CORPUS_ORDER)
    assert data[0]["parts"][1]["line"] == 13 and data[0]["parts"][1]["form"] == "heading"
    assert data[1]["missing"] == ["first_responsible"] and data[1]["errors"] == 2  # and no 成文日期
    rows = list(csv.reader(io.StringIO(report_to_csv(reports))))
    assert rows[0] == ["文件", "单位", "年度", "主要举措和成效", "第一责任人", "存在的不足和原因", "下一年度主要安排",
                       "其他需要报告的情况", "错误", "警告", "问题摘要"]
    assert rows[1][1:10] == ["楚雄市综合行政执法局", "2024", "✓", "✓", "✓", "✓", "✗", "0", "7"]
    assert rows[2][1:9] == ["九龙坡区城市管理局", "2023", "✓", "✗", "✓", "✓", "✗", "2"]
    assert rows[2][10].startswith("缺少“第一责任人”部分")


def test_a_part_twice_is_a_warning(tmp_path: Path) -> None:
    text = _report("正文。") .replace("四、2025年工作计划", "四、存在的主要问题\n还有问题。\n五、2025年工作计划")
    r = _check(tmp_path, text)
    f = next(f for f in r.findings if f.rule == "parts.duplicate")
    # The other place by its heading, not its line (a YAML and its .docx number lines differently).
    assert f.message == "“存在的不足和原因”部分出现了两次（另见“三、存在的不足和原因”）" and f.line == 9


def test_docs_list_every_rule() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "check.md").read_text(encoding="utf-8")
    missing = [rid for rid in rule_ids() if f"`{rid}`" not in docs]
    assert missing == [], "docs/check.md does not list these rules"


_PIECES = ["一、", "（二）", "(三)", "1.", "2、", "（1）", "主要举措和成效", "第一责任人", "存在的不足", "下一步工作打算",
           "2024年", "2023年以来", "共10件，其中6件、5件", "办结率100%", "120%", "。", "，", "XX", "\n", "\n\n",
           "某市城市管理局", "2025年3月1日", "您当前的位置", "扫一扫", "一是", "主要负责人履行", "|", " "]


def test_any_text_is_checked_without_crashing(tmp_path: Path) -> None:
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.settings(max_examples=150, deadline=None)
    @hypothesis.given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=8)), max_size=40))
    def run(pieces: list[str]) -> None:
        p = tmp_path / "fuzz.txt"
        p.write_text("".join(pieces), encoding="utf-8", errors="replace")
        r = check_path(p)
        assert all(f.severity in ("error", "warning", "info") for f in r.findings)
        for s in r.parts.spans:
            assert 0 <= s.start <= s.end

    run()


# -- the command line ----------------------------------------------------------------------------------

from click.testing import CliRunner  # noqa: E402

from authoring.cli import cli  # noqa: E402

needs_check_command = pytest.mark.skipif("check" not in cli.commands, reason="authoring check is not in cli.py yet")
_ENV = {"COLUMNS": "110"}  # rich lays tables out to the terminal width; fix it so lines are exact


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, ["check", *args], env=_ENV)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


@needs_check_command
def test_cli_one_report(tmp_path: Path) -> None:
    path = tmp_path / "jiulongpo-cgj-2023.txt"
    path.write_bytes((V.CORPUS / "jiulongpo-cgj-2023.txt").read_bytes())
    result = _run(str(path))
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]  # no 成文日期 (issue 12)
    assert _lines(result.output) == [  # type: ignore[attr-defined]
        f"报告：{path}",
        "单位：九龙坡区城市管理局　年度：2023",
        "组成部分（按出现顺序）：",
        "  ✓ 主要举措和成效　第 9 行　2023年法治政府建设工作情况",
        "  ✓ 第一责任人　第 29 行　主要负责人履行推进法治建设第一责任人职责情况",
        "  ✓ 存在的不足和原因　第 39 行　存在的主要问题",
        "  ✓ 下一年度主要安排　第 43 行　下一步工作打算",
        "级别  位置      问题                                                                    规则",
        "─" * 110,
        "提示            已忽略网页导航等非正文内容 14 行（如“您当前的位置:                      read.chrome",
        "                首页>政务公开>政府信息”）",
        # one warning for each duty of the 2016 规定 that part two does not mention
        "警告  第 29 行  “第一责任人”部分未提及：亲自部署、亲自过问、亲自协调、亲自督办          duties.missing",
        "警告  第 29 行  “第一责任人”部分未提及：带头尊法学法守法用法                            duties.missing",
        "警告  第 29 行  “第一责任人”部分未提及：述法（法治建设列入年终述职）                    duties.missing",
        "警告  第 7 行   中文中用了半角的“,”（“2023年,九龙坡区城市”，共 126                      punctuation.half_width",
        "                处），应为全角的“，”",
        "警告  第 13 行  中文中用了半角的“;”（“行政权力4项;新增公共服务”，共 5                   punctuation.half_width",
        "                处），应为全角的“；”",
        "警告  第 27 行  中文中用了半角的“:”（““三个第一”:第一个通过审”），应为全角的“：”        punctuation.half_width",
        "警告  第 7 行   中文中用了半角的“()”（“中国建设规划(20202025年)》”，共 28               punctuation.half_width",
        "                处），应为全角的“（）”",
        "错误            落款没有成文日期；GB/T 9704 要求写明成文日期，如“2024年2月20日”         date.missing",
        "结论：1 个错误、7 个警告、1 条提示",
    ]


@needs_check_command
def test_cli_missing_part_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "报告.txt"
    path.write_text(V.delete_part(V.corpus_text("chuxiong-zhzf-2024"), "first_responsible"), encoding="utf-8")
    result = _run(str(path), "--ignore", "punctuation")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    lines = _lines(result.output)  # type: ignore[attr-defined]
    assert "  ✗ 第一责任人　缺少" in lines
    assert any(line.startswith("错误") and "缺少“第一责任人”部分" in line and line.endswith("parts.missing") for line in lines)
    assert lines[-1] == "结论：1 个错误、0 个警告、1 条提示"


@needs_check_command
def test_cli_folder_summary_and_unreadable_file(tmp_path: Path) -> None:
    for name in NAMES:
        (tmp_path / f"{name}.txt").write_bytes((V.CORPUS / f"{name}.txt").read_bytes())
    (tmp_path / "旧报告.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    result = _run(str(tmp_path))
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert _lines(result.output) == [  # type: ignore[attr-defined]
        "文件                    单位                  年度  举措成效  第一责任人  不足原因  下年安排  错误  警告",
        "─" * 104,
        "changzhou-cgj-2024.txt  市城管局              2024  ✓         ✓           ✓         ✓         1     5",
        "chuxiong-zhzf-2024.txt  楚雄市综合行政执法局  2024  ✓         ✓           ✓         ✓         0     7",
        "jiulongpo-cgj-2023.txt  九龙坡区城市管理局    2023  ✓         ✓           ✓         ✓         1     7",
        "旧报告.doc              无法读取                    ✗         ✗           ✗         ✗         1     0",
        "changzhou-cgj-2024.txt：第 16 行：警告：“第一责任人”部分未提及：组织领导",
        "changzhou-cgj-2024.txt：第 16 行：警告：“第一责任人”部分未提及：行政机关负责人出庭应诉",
        "changzhou-cgj-2024.txt：第 16 行：警告：“第一责任人”部分未提及：重大行政决策合法性审核与集体讨论",
        "changzhou-cgj-2024.txt：第 1 行：警告：中文中用了半角的“,”（“2024年,市城管局坚持”，共 155 处），应为全角的“，”",
        "changzhou-cgj-2024.txt：第 3 行：警告：中文中用了半角的“()”（“(一)强化法治学习”，共 12 处），应为全角的“（）”",
        "changzhou-cgj-2024.txt：错误：落款没有成文日期；GB/T 9704 要求写明成文日期，如“2025年2月20日”",
        "chuxiong-zhzf-2024.txt：第 13 行：警告：“第一责任人”部分未提及：述法（法治建设列入年终述职）",
        "chuxiong-zhzf-2024.txt：第 13 行：警告：“第一责任人”部分未提及：行政机关负责人出庭应诉",
        "chuxiong-zhzf-2024.txt：第 13 行：警告：“第一责任人”部分未提及：重大行政决策合法性审核与集体讨论",
        "chuxiong-zhzf-2024.txt：第 1 行：警告：中文中用了半角的“,”（“2024年,在市委”，共 371 处），应为全角的“，”",
        "chuxiong-zhzf-2024.txt：第 27 行：警告：中文中用了半角的“;”（“解决矛盾纠纷;深化信访制度”，共 2 处），应为全角的“；”",
        "chuxiong-zhzf-2024.txt：第 4 行：警告：中文中用了半角的“:”（“程中坚决做到:“亮证执法”），应为全角的“：”",
        "chuxiong-zhzf-2024.txt：第 3 行：警告：中文中用了半角的“()”（“(一)坚持以习近平”，共 41 处），应为全角的“（）”",
        "jiulongpo-cgj-2023.txt：第 29 行：警告：“第一责任人”部分未提及：亲自部署、亲自过问、亲自协调、亲自督办",
        "jiulongpo-cgj-2023.txt：第 29 行：警告：“第一责任人”部分未提及：带头尊法学法守法用法",
        "jiulongpo-cgj-2023.txt：第 29 行：警告：“第一责任人”部分未提及：述法（法治建设列入年终述职）",
        "jiulongpo-cgj-2023.txt：第 7 行：警告：中文中用了半角的“,”（“2023年,九龙坡区城市”，共 126 处），应为全角的“，”",
        "jiulongpo-cgj-2023.txt：第 13 行：警告：中文中用了半角的“;”（“行政权力4项;新增公共服务”，共 5 处），应为全角的“；”",
        "jiulongpo-cgj-2023.txt：第 27 行：警告：中文中用了半角的“:”（““三个第一”:第一个通过审”），应为全角的“：”",
        "jiulongpo-cgj-2023.txt：第 7 行：警告：中文中用了半角的“()”（“中国建设规划(20202025年)》”，共 28 处），应为全角的“（）”",
        "jiulongpo-cgj-2023.txt：错误：落款没有成文日期；GB/T 9704 要求写明成文日期，如“2024年2月20日”",
        "旧报告.doc：错误：无法读取：这是旧版 Word（.doc）文件，无法检查；请在 Word 中“另存为”Word 文档（.docx）",
        "共检查 4 个文件：3 个错误、19 个警告、4 条提示",
    ]


@needs_check_command
def test_cli_csv_and_json(tmp_path: Path) -> None:
    path = V.CORPUS / "chuxiong-zhzf-2024.txt"
    result = _run(str(path), "--format", "csv", "--ignore", "punctuation")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert result.output.splitlines() == [  # type: ignore[attr-defined]
        "文件,单位,年度,主要举措和成效,第一责任人,存在的不足和原因,下一年度主要安排,其他需要报告的情况,错误,警告,问题摘要",
        f"{path},楚雄市综合行政执法局,2024,✓,✓,✓,✓,✗,0,3,“第一责任人”部分未提及：述法（法治建设列入年终述职）；"
        "“第一责任人”部分未提及：行政机关负责人出庭应诉；“第一责任人”部分未提及：重大行政决策合法性审核与集体讨论",
    ]
    result = _run(str(path), "--format", "json", "--ignore", "duties", "--ignore", "punctuation")
    data = json.loads(result.output)  # type: ignore[attr-defined]
    assert result.exit_code == 0 and data[0]["warnings"] == 0  # type: ignore[attr-defined]
    assert [p["line"] for p in data[0]["parts"]] == [2, 13, 18, 21]


@needs_check_command
def test_cli_unknown_ignore_is_refused(tmp_path: Path) -> None:
    result = _run(str(V.CORPUS / "chuxiong-zhzf-2024.txt"), "--ignore", "nonsense")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.output.startswith("--ignore：未知的规则或类别：nonsense（可用：read、parts、")  # type: ignore[attr-defined]


@needs_check_command
def test_cli_docx_layout_and_yaml(tmp_path: Path) -> None:
    docx_path = V.to_docx(V.corpus_text("changzhou-cgj-2024"), tmp_path / "报告.docx")
    result = _run(str(docx_path), "--ignore", "duties", "--ignore", "date")
    lines = _lines(result.output)  # type: ignore[attr-defined]
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert "  ✓ 第一责任人　第 16 段　主要负责人履行推进法治建设第一责任人职责情况" in lines
    assert any("纸张为 215.9 × 279.4 mm，GB/T 9704 要求 A4（210 × 297 mm）" in line for line in lines)
    examples = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.yaml"))
    if examples:
        result = _run(str(examples[0]), "--format", "json")
        assert json.loads(result.output)[0]["missing"] == []  # type: ignore[attr-defined]


def test_our_own_word_output_passes_the_layout_rules(tmp_path: Path) -> None:
    main = pytest.importorskip("authoring.main")
    examples = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.yaml"))
    if not examples:
        pytest.skip("no examples")
    for ex in examples:
        out = tmp_path / f"{ex.stem}.docx"
        main.build_report(ex, out, draft=True)
        r = check_path(out)
        assert r.missing == [] and r.parts.order == list(V.CORPUS_ORDER), ex.name
        assert [f.message for f in r.findings if f.category in ("layout", "parts", "figures", "leftovers")] == [], ex.name
        assert all(s.line for s in r.parts.spans)  # Word paragraph numbers


def test_yaml_that_cannot_be_rendered_gets_the_validators_verdict(tmp_path: Path) -> None:
    # One verdict (issue 12): check of a YAML says what validate says, at the YAML's lines.
    p = tmp_path / "report.yaml"
    p.write_text("agency:\n  name: 某局\nyear: 2024\nachievements: []\n", encoding="utf-8")
    r = check_path(p)
    assert not r.unreadable and exit_code([r]) == 1
    assert [(f.rule, f.line, f.message) for f in r.findings] == [
        ("yaml.schema", 4, "至少需要 1 项，请补充"),
        ("yaml.schema", 5, "缺少必填部分；每份报告都必须有这一部分，请补上"),
        ("yaml.schema", 5, "缺少必填部分；每份报告都必须有这一部分，请补上"),
        ("yaml.schema", 5, "缺少必填部分；每份报告都必须有这一部分，请补上"),
        ("yaml.unchecked", None, "以上错误改正后才能生成报告，报告内容（各部分、占位符、数据、标题编号、成文日期等）届时再检查"),
    ]
    assert [f.heading for f in r.findings][:2] == ["主要举措和成效（achievements）", "第一责任人（first_responsible）"]


def test_an_unforeseen_failure_does_not_stop_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import authoring.main as check_mod

    (tmp_path / "a.txt").write_text(V.corpus_text("chuxiong-zhzf-2024"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(V.corpus_text("chuxiong-zhzf-2024"), encoding="utf-8")
    real = check_mod.read_file

    def flaky(path):  # type: ignore[no-untyped-def]
        if str(path).endswith("a.txt"):
            raise KeyError("w:style")
        return real(path)

    monkeypatch.setattr(check_mod, "read_file", flaky)
    a, b = check_paths([tmp_path])
    assert a.unreadable and a.findings[0].message.startswith("无法读取：检查时出错（KeyError")
    assert b.ok and not b.unreadable and exit_code([a, b]) == 2


def test_docx_layout_failure_is_a_warning_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import authoring.docx.reader as read_mod

    def broken(document, blocks):  # type: ignore[no-untyped-def]
        raise KeyError("sectPr")

    monkeypatch.setattr(read_mod, "docx_layout", broken)
    r = check_path(V.to_docx(V.corpus_text("changzhou-cgj-2024"), tmp_path / "a.docx"))
    assert r.missing == [] and "read.layout" in _rules(r, "warning")
    assert not [f for f in r.findings if f.category == "layout"]


def test_combined_problems_and_plans_part_is_not_a_wrong_year(tmp_path: Path) -> None:
    text = _report("正文。").replace("三、存在的不足和原因\n一是执法队伍素质有待提高。\n四、2025年工作计划\n继续推进依法行政。",
                                   "三、存在的问题和下一步工作打算\n2024年，我局执法力量仍显不足。下一步，继续推进依法行政。")
    r = _check(tmp_path, text)
    assert r.missing == [] and "year.plan" not in _rules(r)


# -- many files: in parallel, and one report at a time -----------------------------------------------


def _folder_of_reports(tmp_path: Path) -> Path:
    """The corpus as text and as Word files, a .doc and a broken .docx: every kind of report row."""
    folder = tmp_path / "各单位"
    folder.mkdir()
    for name in NAMES:
        (folder / f"{name}.txt").write_bytes((V.CORPUS / f"{name}.txt").read_bytes())
        V.to_docx(V.corpus_text(name), folder / f"{name}.docx", gb9704=True)
    (folder / "旧报告.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (folder / "坏.docx").write_bytes(b"PK\x03\x04 not really")
    return folder


@needs_check_command
@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_cli_processes_print_what_one_process_prints(tmp_path: Path, fmt: str) -> None:
    folder = _folder_of_reports(tmp_path)
    one = _run(str(folder), "--format", fmt)
    for jobs in ("2", "0"):
        many = _run(str(folder), "--format", fmt, "-j", jobs)
        assert many.exit_code == one.exit_code == 2  # type: ignore[attr-defined]
        assert many.output == one.output  # type: ignore[attr-defined]
    assert len(_lines(one.output)) > 8  # type: ignore[attr-defined]


@needs_check_command
def test_cli_processes_write_the_same_summary_file(tmp_path: Path) -> None:
    folder = _folder_of_reports(tmp_path)
    assert _run(str(folder), "-o", str(tmp_path / "a.json")).exit_code == 2  # type: ignore[attr-defined]
    assert _run(str(folder), "-o", str(tmp_path / "b.json"), "-j", "2").exit_code == 2  # type: ignore[attr-defined]
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


@needs_check_command
def test_cli_processes_must_be_a_count(tmp_path: Path) -> None:
    result = _run(str(V.CORPUS / "chuxiong-zhzf-2024.txt"), "-j", "-1")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.output.splitlines() == [  # type: ignore[attr-defined]
        "用法错误：-j 应为不小于 0 的整数，实际是 -1；运行 authoring check --help 查看用法和示例"]


def test_json_and_csv_piece_by_piece_are_the_whole_text(tmp_path: Path) -> None:
    from authoring.check import csv_chunks, json_chunks

    reports = check_paths([_folder_of_reports(tmp_path)])
    for some in ([], reports[:1], reports):
        assert "".join(json_chunks(iter(some))) == json.dumps(
            [json.loads(report_to_json([r]))[0] for r in some], ensure_ascii=False, indent=2) + "\n"
        assert "".join(csv_chunks(iter(some))) == report_to_csv(some)
        assert report_to_json(some) == "".join(json_chunks(some))


@needs_check_command
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_cli_csv_and_json_let_each_report_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    # A province's thousands of files in the memory of one: each report is written as soon as
    # its file is checked, and no report is still alive when the next file is read.
    import gc
    import weakref

    import authoring.main as main_mod

    folder = _folder_of_reports(tmp_path)
    alive: list[weakref.ref[CheckReport]] = []
    most = [0]
    real = main_mod.check_path

    def counting(path, ignore=()):  # type: ignore[no-untyped-def]
        gc.collect()
        most[0] = max(most[0], sum(1 for ref in alive if ref() is not None))
        report = real(path, ignore)
        alive.append(weakref.ref(report))
        return report

    monkeypatch.setattr(main_mod, "check_path", counting)
    result = _run(str(folder), "--format", fmt)
    assert result.exit_code == 2 and len(alive) == 8  # type: ignore[attr-defined]
    assert most[0] <= 1  # the report being written, at most
    # The table needs every report (its columns fit the longest name): all alive at the end.
    most[0], alive[:] = 0, []
    _run(str(folder))
    assert most[0] == 7


@needs_check_command
def test_cli_processes_not_a_number(tmp_path: Path) -> None:
    result = _run(str(V.CORPUS / "chuxiong-zhzf-2024.txt"), "--processes", "两")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.output.splitlines() == [  # type: ignore[attr-defined]
        "用法错误：-j 应为整数，实际是“两”；运行 authoring check --help 查看用法和示例"]
