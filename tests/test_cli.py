"""The command line as a clerk uses it: exact messages, exit codes, files made."""
from __future__ import annotations

import os
import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from authoring import __version__
from authoring.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "changzhou-cgj-2024.yaml"
# The one example whose published source gives a 成文日期: ready to submit (issue 12: a report
# without one is refused by render unless --draft).
READY = ROOT / "examples" / "chuxiong-zhzf-2024.yaml"
READY_NOTES = [
    f"{READY}:51:1: 提示：主要举措和成效（achievements）：第一部分未涉及纲要的以下方面：法治政府建设科技保障体系",
    f"{READY}:139:1: 警告：第一责任人（first_responsible）：“第一责任人”部分未提及：述法（法治建设列入年终述职）；"
    "请填写 first_responsible.report_on_law（年终述法），或在 duties 中写明",
    f"{READY}:139:1: 警告：第一责任人（first_responsible）：“第一责任人”部分未提及：行政机关负责人出庭应诉；"
    "请填写 first_responsible.court，或在 duties 中写明",
    f"{READY}:139:1: 警告：第一责任人（first_responsible）：“第一责任人”部分未提及：重大行政决策合法性审核与集体讨论；"
    "请填写 first_responsible.decisions，或在 duties 中写明",
]
# What validate says of EXAMPLE: a note, two duties its part two does not mention, and no 成文日期.
EXAMPLE_NOTES = [
    f"{EXAMPLE}:34:1: 提示：主要举措和成效（achievements）：第一部分未涉及纲要的以下方面：行政决策制度体系",
    f"{EXAMPLE}:108:1: 警告：第一责任人（first_responsible）：“第一责任人”部分未提及：行政机关负责人出庭应诉；"
    "请填写 first_responsible.court，或在 duties 中写明",
    f"{EXAMPLE}:108:1: 警告：第一责任人（first_responsible）：“第一责任人”部分未提及：重大行政决策合法性审核与集体讨论；"
    "请填写 first_responsible.decisions，或在 duties 中写明",
    f"{EXAMPLE}:145:1: 落款（signature）：落款没有成文日期；GB/T 9704 要求写明成文日期，如“2025年2月20日”",
]


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"authoring {__version__}\n"


def test_the_installed_command_enters_through_the_tuned_start_up(tmp_path: Path) -> None:
    """pyproject's `authoring` script is authoring.__main__:main: it runs the same CLI, with the
    collector's first threshold raised and everything alive frozen at exit (the cold-start
    settings benchmarks/bench.py measures). A hook registered before it runs after it."""
    import subprocess
    import sys

    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^authoring = "authoring.__main__:main"$', pyproject, re.M)
    code = ("import atexit, gc, sys; "
            "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, gc.get_threshold()[0])); "
            "sys.argv = ['authoring', '--version']; import authoring.__main__ as entry; "
            # The thresholds go back after SHORT_PROCESS_S; a loaded machine can take longer than
            # that for --version, so the test gives the short command all the time it needs.
            "entry.SHORT_PROCESS_S = 600; entry.main()")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"authoring {__version__}\nfrozen True 50000\n"


def test_a_long_command_gets_the_collector_thresholds_back(tmp_path: Path) -> None:
    """After SHORT_PROCESS_S the entry point puts Python's own thresholds back, so that a long
    check or batch does not keep python-docx's reference cycles for 50,000 allocations."""
    import subprocess
    import sys

    code = ("import atexit, gc, sys, time; default = gc.get_threshold()[0]; "
            "atexit.register(lambda: (time.sleep(0.5), print(gc.get_threshold()[0] == default))); "
            "sys.argv = ['authoring', '--version']; import authoring.__main__ as entry; "
            "entry.SHORT_PROCESS_S = 0.05; entry.main()")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"authoring {__version__}\nTrue\n"


def test_validation_does_not_load_importlib_metadata(tmp_path: Path) -> None:
    """cerberus reads its own version through importlib.metadata (40-50 ms of every start);
    validate.py imports it with a stand-in so that `authoring render` never loads it, and the
    stand-in is gone afterwards (a later import gets the real module)."""
    import subprocess
    import sys

    code = ("import sys; from authoring.main import check_report; "
            f"check_report({str(EXAMPLE)!r}); "
            "print('importlib.metadata' in sys.modules, sys.modules['cerberus'].__version__); "
            "import importlib.metadata as m; print(m.version('cerberus'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.splitlines()
    assert first == "False unknown"
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?", second), second


def test_every_command_has_an_example_and_is_in_the_readme(runner: CliRunner) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "示例：\n" in result.output, f"{name} --help has no example"
        assert f"authoring {name}" in result.output, name
        assert f"authoring {name}" in readme, f"README does not show authoring {name}"


def test_validate_clean_example(runner: CliRunner) -> None:
    # validate runs check's rules on the rendered report (one verdict): its warning and note too.
    result = runner.invoke(cli, ["validate", str(READY)])
    assert result.exit_code == 0
    assert result.output.splitlines() == READY_NOTES + [f"{READY}：校验通过，没有错误（3 个警告、1 条提示）"]


def test_validate_an_example_without_a_date_is_an_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", str(EXAMPLE)])
    assert result.exit_code == 1
    assert result.output.splitlines() == EXAMPLE_NOTES + ["发现 1 个错误、2 个警告、1 条提示"]


def test_validate_lists_every_error_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "report.yaml"
    path.write_text("agency:\n  name: 某局\nyear: 2024\nachievements: []\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}:4:1: 主要举措和成效（achievements）：至少需要 1 项，请补充",
        f"{path}:5:1: 第一责任人（first_responsible）：缺少必填部分；每份报告都必须有这一部分，请补上",
        f"{path}:5:1: 下一年度主要安排（plans）：缺少必填部分；每份报告都必须有这一部分，请补上",
        f"{path}:5:1: 存在的不足和原因（shortcomings）：缺少必填部分；每份报告都必须有这一部分，请补上",
        f"{path}: 提示：以上错误改正后才能生成报告，报告内容（各部分、占位符、数据、标题编号、成文日期等）届时再检查",
        "发现 4 个错误、1 条提示",
    ]
    assert "Traceback" not in result.output


def test_validate_missing_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["validate", str(tmp_path / "没有.yaml")])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"{tmp_path / '没有.yaml'}: 找不到这个文件；请检查路径和文件名",
        "发现 1 个错误",
    ]


def test_render_writes_a_docx_a_person_can_open(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "报告.docx"
    result = runner.invoke(cli, ["render", str(READY), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:-1] == READY_NOTES
    assert re.fullmatch(rf"已生成 {re.escape(str(out))}（\d+ 字）", result.output.splitlines()[-1])
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "楚雄市综合行政执法局关于2024年度法治政府建设情况的报告" in text.replace("\n", "")
    for heading in ("一、", "二、", "三、", "四、"):
        assert heading in text


def test_render_text_for_publishing(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "报告.txt"
    result = runner.invoke(cli, ["render", str(EXAMPLE), "-o", str(out), "--draft"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "常州市城市管理局关于2024年度法治政府建设情况的报告"
    assert "二、主要负责人履行推进法治建设第一责任人职责情况" in text


@pytest.mark.parametrize("suffix", [".docx", ".txt"])
def test_render_refuses_a_report_that_is_not_ready_unless_draft(runner: CliRunner, tmp_path: Path, suffix: str) -> None:
    # Issue 12: the published source of this example gives no 成文日期, so it is not ready to submit.
    out = tmp_path / f"报告{suffix}"
    notes = EXAMPLE_NOTES
    refused = runner.invoke(cli, ["render", str(EXAMPLE), "-o", str(out)])
    assert refused.exit_code == 1
    assert refused.output.splitlines() == notes + [
        "发现 1 个错误、2 个警告、1 条提示，未生成任何文件",
        "报告还有错误，不能作为报送稿；请改正后再生成，或加 --draft 先生成草稿（草稿会列出尚待完成的内容）",
    ]
    assert not out.exists()
    drafted = runner.invoke(cli, ["render", str(EXAMPLE), "-o", str(out), "--draft"])
    assert drafted.exit_code == 0
    assert drafted.output.splitlines()[:-1] == notes
    assert re.fullmatch(rf"已生成草稿 {re.escape(str(out))}（\d+ 字）；还有 1 个错误，改正后才能报送",
                        drafted.output.splitlines()[-1])
    assert out.exists()


def test_render_refuses_on_errors_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace("year: 2024", "year: 二〇二四"), encoding="utf-8")
    out = tmp_path / "报告.docx"
    result = runner.invoke(cli, ["render", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "发现 1 个错误、1 条提示，未生成任何文件"
    assert "年度（year）：应为整数，实际是文字“二〇二四”" in result.output
    assert not out.exists()


def test_render_unknown_output_format(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "报告.odt"
    result = runner.invoke(cli, ["render", str(READY), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{out}: 不支持的输出格式“.odt”；请用 .docx（报送）、.pdf、.html（网站公开）或 .txt（公开文本）")


def test_schema_command_matches_the_shipped_json_schema(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    shipped = (ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8")
    assert result.output == shipped, "schemas/report.schema.json is stale: run `authoring schema -o schemas/report.schema.json`"


def test_examples_point_editors_at_the_schema() -> None:
    for example in (ROOT / "examples").glob("*.yaml"):
        first = example.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), example.name


@pytest.mark.parametrize(
    "args, line",
    [
        (["render"], "用法错误：缺少参数 YAML_FILE；运行 authoring render --help 查看用法和示例"),
        (["render", "r.yaml", "--fo"], "用法错误：没有选项 --fo，是否想写 --force？；运行 authoring render --help 查看用法和示例"),
        (["init", "--year", "二〇二五"], "用法错误：--year 应为整数，实际是“二〇二五”；运行 authoring init --help 查看用法和示例"),
        (["rendr"], "用法错误：没有命令“rendr”；运行 authoring --help 查看用法和示例"),
    ],
)
def test_usage_errors_are_in_chinese_and_point_at_help(runner: CliRunner, args: list[str], line: str) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.output.splitlines() == [line]
