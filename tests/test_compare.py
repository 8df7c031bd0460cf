"""compare: figures of two years side by side, and last year's plans against this year's report."""
from __future__ import annotations

from pathlib import Path

import pytest

from authoring.compare import format_comparison
from authoring.main import compare_reports, init_from
from authoring.errors import AuthoringError

ROOT = Path(__file__).resolve().parents[1]

OLD = """agency: {name: 某区城市管理局}
year: 2023
figures: {licenses: 3767, complaints: 2691, trainings: 6, rate: 92.16}
achievements:
  - heading: 依法行政
    text: 办理行政审批{{ figures.licenses }}件，受理信访{{ figures.complaints }}件，演练{{ figures.trainings }}次，处置率{{ figures.rate }}%。
first_responsible: {leader: 局长, duties: [带头学法。]}
shortcomings: [基层执法队伍建设还需加强。]
plans:
  - 2024年，区城市管理局将重点推进以下工作。
  - heading: 持续深化“放管服”改革优化营商环境
    text: 建设水电气讯等市政公用基础设施联合报装“一站式”服务平台。全面落实“双随机、一公开”监管。
  - heading: 深入推进普法依法治理
    text: 落实城市管理“八五”普法规划，全面落实“谁执法谁普法”普法责任制。
  - heading: 建立城市管理执法过错责任追究制度
    text: 研究制定执法过错责任追究实施细则。
"""

NEW = """agency: {name: 某区城市管理局}
year: 2024
figures: {licenses: 4120, complaints: 2691, trainings: 0, cases: 12}
achievements:
  - heading: 优化营商环境，深化“放管服”改革
    text: 建成市政公用基础设施联合报装“一站式”服务平台，水电气讯一窗受理；全面落实“双随机、一公开”监管，办理行政审批{{ figures.licenses }}件。
  - heading: 创新普法方式，落实“谁执法谁普法”责任制
    text: 落实“八五”普法规划，开展普法宣传活动，受理信访{{ figures.complaints }}件，演练{{ figures.trainings }}次，案件{{ figures.cases }}件。
first_responsible: {leader: 局长, duties: [带头学法。]}
shortcomings: [基层执法队伍建设还需加强。]
plans: [继续深化改革。]
"""


@pytest.fixture()
def two_years(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "report-2023.yaml", tmp_path / "report-2024.yaml"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    return old, new


def test_figures_in_both_years_with_change_and_percent(two_years: tuple[Path, Path]) -> None:
    c = compare_reports(*two_years)
    assert (c.old_year, c.new_year) == (2023, 2024)
    rows = {f.name: (f.old, f.new, f.change, f.percent) for f in c.figures}
    assert rows == {
        "licenses": (3767, 4120, 353, 9.4),
        "complaints": (2691, 2691, 0, 0.0),
        "trainings": (6, 0, -6, -100.0),
    }
    assert c.only_old == ["rate"]
    assert c.only_new == ["cases"]


def test_plans_matched_to_what_the_later_year_reports(two_years: tuple[Path, Path]) -> None:
    c = compare_reports(*two_years)
    summary = [(p.path, p.status, p.where) for p in c.plans]
    # the introduction ("重点推进以下工作。") is not a plan
    assert summary == [
        ("plans[2]", "matched", "achievements[1]"),
        ("plans[3]", "matched", "achievements[2]"),
        ("plans[4]", "unmatched", ""),
    ]
    assert [p.plan for p in c.unmatched] == ["建立城市管理执法过错责任追究制度"]


def test_plain_text_output(two_years: tuple[Path, Path]) -> None:
    text = format_comparison(compare_reports(*two_years))
    lines = text.splitlines()
    assert lines[0] == "数据对比（2023年 → 2024年）："
    assert lines[2].split() == ["licenses", "3767", "4120", "+353", "+9.4%"]
    assert lines[4].split() == ["trainings", "6", "0", "-6", "-100.0%"]
    assert "  仅2023年有：rate" in lines
    assert "  仅2024年有：cases" in lines
    assert "2023年报告所列安排的落实（2/3 项有对应内容）：" in lines
    assert "  ✗ 建立城市管理执法过错责任追究制度：2024年报告中未找到对应内容" in lines


def test_a_fresh_draft_shows_its_checklist_as_to_fill(tmp_path: Path) -> None:
    old = ROOT / "examples" / "changzhou-cgj-2024.yaml"
    new = tmp_path / "report-2025.yaml"
    new.write_text(init_from(old).yaml_text, encoding="utf-8")
    c = compare_reports(old, new)
    assert [(p.status, p.where) for p in c.plans] == [
        ("to_fill", "achievements[1].items[1]"),
        ("to_fill", "achievements[1].items[2]"),
        ("to_fill", "achievements[1].items[3]"),
    ]
    assert all(f.new is None and f.change is None for f in c.figures)
    assert "  … 进一步提升法治业务素养 → achievements[1].items[1] 落实2024年安排：进一步提升法治业务素养（待填，相似度 0.90）" in format_comparison(c).splitlines()


def test_files_in_the_wrong_order_are_refused(two_years: tuple[Path, Path]) -> None:
    old, new = two_years
    with pytest.raises(AuthoringError) as err:
        compare_reports(new, old)
    assert str(err.value) == (
        f"{new}: 第一个文件应是较早年度的报告：report-2024.yaml 是 2024 年度，"
        "report-2023.yaml 是 2023 年度；请交换两个文件的顺序"
    )


def test_reports_of_two_agencies_are_compared_with_a_warning(tmp_path: Path) -> None:
    import variants as V

    c = compare_reports(V.CORPUS / "jiulongpo-cgj-2023.txt", V.CORPUS / "chuxiong-zhzf-2024.txt")
    lines = format_comparison(c).splitlines()
    assert lines[0] == "注意：两份报告的单位不同（九龙坡区城市管理局 / 楚雄市综合行政执法局），请确认是否选对了文件"
    # documents are imported with --figures: numbers named after the same noun line up
    assert [(f.name, f.old, f.new, f.change) for f in c.figures if f.name == "completion_rate"] == [
        ("completion_rate", 100, 100, 0)
    ]
    # 九龙坡's 28 党组会议 studied 法治建设 (a 第一责任人 fact); 楚雄's 23 are all its 党组会议 of the
    # year (a figure of part one): they are different numbers, and are not lined up as one.
    assert "  研究法治建设的会议 · 党组（党委）会议（次）         28    未写" in lines
    assert [f.name for f in c.figures if "meetings" in f.name] == []


def test_cli_compare_prints_the_table_and_the_plans(two_years: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from authoring.cli import cli

    old, new = two_years
    monkeypatch.chdir(old.parent)
    result = CliRunner().invoke(cli, ["compare", old.name, new.name])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        '数据对比（2023年 → 2024年）：',
        '  名称        2023年  2024年  变化     幅度',
        '  licenses      3767    4120  +353    +9.4%',
        '  complaints    2691    2691    +0    +0.0%',
        '  trainings        6       0    -6  -100.0%',
        '  仅2023年有：rate',
        '  仅2024年有：cases',
        '2023年报告所列安排的落实（2/3 项有对应内容）：',
        '  ✓ 持续深化“放管服”改革优化营商环境 → achievements[1] 优化营商环境，深化“放管服”改革（有对应内容，相似度 0.90）',
        '  ✓ 深入推进普法依法治理 → achievements[2] 创新普法方式，落实“谁执法谁普法”责任制（有对应内容，相似度 0.74）',
        '  ✗ 建立城市管理执法过错责任追究制度：2024年报告中未找到对应内容',
    ]


# -- issue 12: compare tells the truth -------------------------------------------------------------


def _answered(tmp_path: Path, old: Path, answers: list[str]) -> Path:
    """Next year's draft (init --from) with its checklist items answered by `answers`."""
    text = init_from(old).yaml_text
    for answer in answers:
        text = text.replace("text: 【待填】", f"text: {answer}", 1)
    new = tmp_path / "report-2024.yaml"
    new.write_text(text, encoding="utf-8")
    return new


def test_a_checklist_heading_with_nothing_said_under_it_is_not_a_follow_up(two_years: tuple[Path, Path],
                                                                             tmp_path: Path) -> None:
    # Before: “天气晴朗。” under the headings init --from wrote was ✓ 3/3, similarity 0.90.
    old, _ = two_years
    c = compare_reports(old, _answered(tmp_path, old, ["天气晴朗。"] * 3))
    lines = format_comparison(c).splitlines()
    assert lines[lines.index("2023年报告所列安排的落实（0/3 项有对应内容）："):] == [
        "2023年报告所列安排的落实（0/3 项有对应内容）：",
        "  ✗ 持续深化“放管服”改革优化营商环境 → achievements[1].items[1] 落实2023年安排：持续深化“放管服”改革优化营商环境"
        "（只有标题，正文没有写到这项安排）",
        "  ✗ 深入推进普法依法治理 → achievements[1].items[2] 落实2023年安排：深入推进普法依法治理（只有标题，正文没有写到这项安排）",
        "  ✗ 建立城市管理执法过错责任追究制度 → achievements[1].items[3] 落实2023年安排：建立城市管理执法过错责任追究制度"
        "（只有标题，正文没有写到这项安排）",
        # the rest of the draft is last year's text, as init --from carried it over
        "看起来沿用了2023年的报告：2024年报告 10 句中有 9 句（90%）与2023年报告相同（年份不计）；请核对是否已按2024年的情况改写",
    ]
    assert [p.status for p in c.unmatched] == ["heading_only"] * 3


def test_a_real_answer_under_the_checklist_heading_is_a_follow_up(two_years: tuple[Path, Path], tmp_path: Path) -> None:
    old, _ = two_years
    answers = ["建成市政公用基础设施联合报装“一站式”服务平台，落实“双随机、一公开”监管。",
               "落实“八五”普法规划和“谁执法谁普法”普法责任制，开展普法活动12场。",
               "天气晴朗。"]
    c = compare_reports(old, _answered(tmp_path, old, answers))
    assert [(p.status, p.where) for p in c.plans] == [
        ("matched", "achievements[1].items[1]"), ("matched", "achievements[1].items[2]"),
        ("heading_only", "achievements[1].items[3]"),
    ]


def test_last_years_report_with_the_years_moved_on_looks_copied(tmp_path: Path) -> None:
    # Before: ✓ for every plan and +0.0% for every figure, and not a word that it looks copied.
    import re

    old = ROOT / "examples" / "chuxiong-zhzf-2024.yaml"
    text = old.read_text(encoding="utf-8")
    bumped = re.sub("2024", "2025", re.sub("2025", "2026", text)).replace("date: 2025-11-26", "date: 2026-02-20")
    new = tmp_path / "report-2025.yaml"
    new.write_text(bumped, encoding="utf-8")
    c = compare_reports(old, new)
    lines = format_comparison(c).splitlines()
    assert lines[-1] == ("看起来沿用了2024年的报告：2025年报告 104 句中有 99 句（95%）与2024年报告相同（年份不计）；"
                         "两年都有的 21 项数据中 21 项数值未变；请核对是否已按2025年的情况改写")
    assert (c.copied.sentences, c.copied.same, c.copied.figures, c.copied.figures_same) == (104, 99, 21, 21)
    assert {p.status for p in c.plans} == {"copied"}  # last year's own text answers no plan of last year
    assert "（对应的文字与上一年报告相同，不能说明今年已落实）" in lines[-2]


def test_a_rewritten_report_does_not_look_copied(two_years: tuple[Path, Path]) -> None:
    c = compare_reports(*two_years)
    assert not c.copied.looks_copied and c.copied.share < 0.5
    assert not any(line.startswith("看起来沿用了") for line in format_comparison(c).splitlines())


def test_a_possible_match_is_not_counted_as_followed_up(tmp_path: Path) -> None:
    # The changzhou example's next-year draft with every 【待填】 answered “天气晴朗。”: one plan finds
    # a passage of last year's part one that might be it (?), which the count said was 1/3 done.
    draft = init_from(ROOT / "examples" / "changzhou-cgj-2024.yaml", output=str(tmp_path / "2025.yaml"))
    path = tmp_path / "2025.yaml"
    path.write_text(draft.yaml_text.replace("【待填】", "天气晴朗。"), encoding="utf-8")
    lines = format_comparison(compare_reports(ROOT / "examples" / "changzhou-cgj-2024.yaml", path)).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("2024年报告所列安排的落实"))
    assert lines[at] == "2024年报告所列安排的落实（0/3 项有对应内容，另有 1 项可能对应，请核对）："
    assert lines[at + 1].startswith("  ? 进一步提升法治业务素养 → ")


def test_plans_past_the_bound_are_counted_not_compared() -> None:
    # issue 16, class 15: plans × passages is bounded; the clerk is told how many were left out.
    from authoring.compare import MAX_PLANS, compare

    old = {"year": 2024, "plans": [f"推进第{i}项综合行政执法改革工作。" for i in range(MAX_PLANS + 5)]}
    new = {"year": 2025, "achievements": [{"heading": "执法改革", "text": "推进综合行政执法改革工作。"}]}
    result = compare(old, new)
    assert len(result.plans) == MAX_PLANS and result.plans_not_compared == 5
    assert f"  （只对比了前 {MAX_PLANS} 项安排，另有 5 项未对比）" in format_comparison(result).splitlines()
