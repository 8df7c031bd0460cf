"""The 依法治市办's summary read back as a person would: the workbook opened with openpyxl, the
CSV's first bytes, the list of departments matched by full name and 简称."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from authoring.cli import cli
from authoring.main import check_paths, read_expected, save_summary
from authoring.summary import build_csv, summarize

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


@pytest.fixture()
def reports_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "各单位 报告"
    folder.mkdir()
    for p in EXAMPLES.glob("*.yaml"):
        (folder / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    # A report that lost its part two, with a cell that looks like a formula to Excel.
    text = (EXAMPLES / "changzhou-cgj-2024.yaml").read_text(encoding="utf-8")
    (folder / "缺第二部分.txt").write_text(
        "某县司法局关于2024年度法治政府建设情况的报告\n\n2024年，某县司法局坚持以习近平法治思想为指导，扎实推进法治政府建设。\n\n"
        "一、主要举措和成效\n\n=SUM(A1:A9)件行政许可全部办结。\n\n二、存在的不足和原因\n\n执法能力仍需提升。\n\n"
        "三、2025年工作安排\n\n继续推进依法行政。\n\n某县司法局\n2025年2月20日\n", encoding="utf-8")
    del text
    return folder


def test_the_workbook_has_a_row_per_report_and_every_finding(reports_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(cli, ["check", str(reports_dir), "-o", str(target)])
    assert result.exit_code == 1, result.output  # one report has errors
    assert result.output.startswith(f"已写入 {target}（4 个文件：")
    wb = load_workbook(target)
    assert wb.sheetnames == ["汇总", "问题明细"]
    ws = wb["汇总"]
    header = [c.value for c in ws[1]]
    assert header == ["文件", "单位", "年度", "举措成效", "第一责任人", "不足原因", "下年安排", "其他",
                      "第一责任人职责（写到的）", "第一责任人职责（未写到的）", "成文日期", "错误", "警告", "结论"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"changzhou-cgj-2024.yaml", "chuxiong-zhzf-2024.yaml", "jiulongpo-cgj-2023.yaml",
                         "缺第二部分.txt"}
    bad = rows["缺第二部分.txt"]
    assert bad[1:8] == ("某县司法局", 2024, "✓", "✗", "✓", "✓", "✗")
    assert bad[10] == "2025年2月20日" and bad[11] >= 1 and bad[13] == "有错误"
    good = rows["chuxiong-zhzf-2024.yaml"]
    assert good[4] == "✓" and "组织领导" in good[8] and "出庭应诉" in good[9]
    assert good[10] == "2024年11月26日"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:N{ws.max_row}"
    for col, name in zip("ABCDEFGHIJKLMN", header):
        widest = max(_width(name), *(_width(r[ord(col) - 65] or "") for r in rows.values()))
        assert ws.column_dimensions[col].width >= min(widest + 2, 60)
    findings = wb["问题明细"]
    assert [c.value for c in findings[1]] == ["文件", "单位", "级别", "位置", "所在部分", "问题", "规则", "类别"]
    missing = [r for r in findings.iter_rows(min_row=2, values_only=True) if r[6] == "parts.missing"]
    assert missing and missing[0][0] == "缺第二部分.txt" and missing[0][2] == "错误"
    assert findings.freeze_panes == "A2" and findings.auto_filter.ref
    # Text from a report never turns into a formula.
    for sheet in wb:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value


def test_a_formula_like_cell_is_written_as_text(tmp_path: Path) -> None:
    (tmp_path / "=cmd.txt").write_text("=HYPERLINK(\"x\")单位关于2024年度法治政府建设情况的报告\n\n一、主要举措和成效\n\n正文。\n",
                                       encoding="utf-8")
    reports = check_paths([tmp_path])
    target = tmp_path / "汇总.xlsx"
    save_summary(reports, target)
    cell = load_workbook(target)["汇总"]["A2"]
    assert cell.value == "=cmd.txt" and cell.data_type == "s"
    csv = build_csv(summarize(reports)).decode("utf-8-sig")
    assert "\r\n'=cmd.txt," in csv


def test_the_csv_starts_with_a_bom_and_is_utf8(reports_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "汇总.csv"
    result = CliRunner().invoke(cli, ["check", str(reports_dir), "-o", str(target)])
    assert result.exit_code == 1
    data = target.read_bytes()
    assert data[:3] == b"\xef\xbb\xbf"
    assert data[3:].decode("utf-8").startswith("文件,单位,年度,举措成效,第一责任人,")
    assert "\r\n" in data.decode("utf-8")


def test_json_written_with_o_is_utf8(reports_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "结果.json"
    CliRunner().invoke(cli, ["check", str(reports_dir), "-o", str(target)])
    data = json.loads(target.read_bytes().decode("utf-8"))
    assert {d["agency"] for d in data} >= {"某县司法局", "常州市城市管理局"}


def test_expect_lists_who_has_not_reported(reports_dir: Path, tmp_path: Path) -> None:
    names = Workbook()
    ws = names.active
    for n in ("单位名称", "常州市城管局", "楚雄市综合行政执法局", "重庆市九龙坡区城市管理局", "某县司法局", "某县教育局"):
        ws.append([n])
    roster = tmp_path / "名单.xlsx"
    names.save(roster)
    assert read_expected(roster)[0] == "常州市城管局"
    target = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(cli, ["check", str(reports_dir), "-o", str(target), "--expect", str(roster)])
    assert result.output.splitlines()[-1] == "名单中 5 个单位，未报送 1 个：某县教育局"
    sheet = load_workbook(target)["报送情况"]
    assert [r for r in sheet.iter_rows(values_only=True)] == [
        ("应报单位", "已报送", "文件"),
        ("常州市城管局", "✓", "changzhou-cgj-2024.yaml"),
        ("楚雄市综合行政执法局", "✓", "chuxiong-zhzf-2024.yaml"),
        ("重庆市九龙坡区城市管理局", "✓", "jiulongpo-cgj-2023.yaml"),
        ("某县司法局", "✓", "缺第二部分.txt"),
        ("某县教育局", "✗", None),
    ]
    txt = tmp_path / "名单.txt"
    txt.write_bytes("# 2025年应报单位\n市城管局\n某县教育局\n".encode("gbk"))  # saved by Notepad as GBK
    result = CliRunner().invoke(cli, ["check", str(reports_dir), "--expect", str(txt)])
    assert result.output.splitlines()[-1] == "名单中 2 个单位，未报送 1 个：某县教育局"


def test_a_summary_edited_in_excel_is_not_overwritten(reports_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "汇总.xlsx"
    runner = CliRunner()
    runner.invoke(cli, ["check", str(reports_dir), "-o", str(target)])
    again = runner.invoke(cli, ["check", str(reports_dir), "-o", str(target)])
    assert again.output.startswith(f"已写入 {target}")  # ours, unchanged: replaced, no complaint
    assert "备份" not in again.output
    wb = load_workbook(target)
    wb["汇总"]["O2"] = "已电话催报"
    wb.save(target)
    refused = runner.invoke(cli, ["check", str(reports_dir), "-o", str(target)])
    assert "该文件已存在且不是本工具生成的" in refused.output or "修改过" in refused.output
    assert load_workbook(target)["汇总"]["O2"].value == "已电话催报"
    forced = runner.invoke(cli, ["check", str(reports_dir), "-o", str(target), "--force"])
    assert "原文件已备份为" in forced.output
