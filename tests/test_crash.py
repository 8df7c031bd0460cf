"""The catch-all of the command line: an exception nobody expected (a module missing from a
damaged installation, a bug) is one Chinese message naming a report file for the maintainers,
and exit code 3; never a traceback on the screen."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from authoring.cli import cli
from authoring.crash import EXIT_INTERNAL

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "chuxiong-zhzf-2024.yaml"


def _report_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("authoring-错误报告-*.txt"))


def _assert_message(output: str, folder: Path, missing: str) -> Path:
    """The exact lines a clerk reads; returns the report file they name."""
    reports = _report_files(folder)
    assert len(reports) == 1, reports
    assert "Traceback" not in output, output
    assert output.splitlines() == [
        "出错了：authoring 遇到了意外的内部错误（ModuleNotFoundError），命令没有完成；未完成的输出文件不会写出。",
        f"程序缺少组件 {missing}，安装可能不完整：请重新安装 authoring（pip install --force-reinstall authoring）后再试。",
        f"详细信息已写入 {reports[0]}；请把这个文件发送给维护者。",
    ], output
    return reports[0]


def test_a_missing_module_is_a_message_and_a_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The finding: openpyxl missing gave a ModuleNotFoundError traceback from check -o .xlsx.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl → ModuleNotFoundError
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE), "-o", "汇总.xlsx"])
    assert result.exit_code == EXIT_INTERNAL
    assert isinstance(result.exception, SystemExit)
    report = _assert_message(result.output, tmp_path, "openpyxl")
    text = report.read_text(encoding="utf-8")
    # What the maintainers need: the command as typed, the versions, the traceback.
    assert f"命令：authoring check {EXAMPLE} -o 汇总.xlsx" in text
    assert "Python " in text and "Traceback (most recent call last)" in text
    assert "ModuleNotFoundError" in text and "summary.py" in text
    assert not (tmp_path / "汇总.xlsx").exists()


def test_a_report_never_overwrites_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two failures in one second: two reports, the first kept.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    for _ in range(2):
        assert CliRunner().invoke(cli, ["check", str(EXAMPLE), "-o", "汇总.xlsx"]).exit_code == EXIT_INTERNAL
    first, second = _report_files(tmp_path)
    assert "ModuleNotFoundError" in first.read_text(encoding="utf-8")
    assert second.name.endswith("-2.txt") or first.name != second.name


def test_a_folder_that_cannot_be_written_sends_the_report_to_the_temporary_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from authoring import crash

    work, temp = tmp_path / "work", tmp_path / "temp"
    work.mkdir()
    temp.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    # A working folder that refuses the file (as a read-only share does; root writes anywhere,
    # so the refusal is made by the folder not being one).
    monkeypatch.setattr(crash.Path, "cwd", staticmethod(lambda: work / "not-a-folder"))
    (work / "not-a-folder").write_text("")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE), "-o", str(temp / "汇总.xlsx")])
    assert result.exit_code == EXIT_INTERNAL
    _assert_message(result.output, temp, "openpyxl")


def test_no_folder_to_write_still_gives_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from authoring import crash

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(crash, "_folders", lambda: [tmp_path / "absent"])
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE), "-o", "汇总.xlsx"])
    assert result.exit_code == EXIT_INTERNAL
    assert "Traceback" not in result.output
    assert result.output.splitlines()[-1] == \
        "详细信息无法写入文件（当前文件夹和临时文件夹都不可写）；请把本消息和所运行的命令发送给维护者。"


def test_any_unexpected_exception_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from authoring import main

    def broken(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("division by zero")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(main, "load_report", broken)
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLE)])
    assert result.exit_code == EXIT_INTERNAL
    assert result.output.splitlines()[0] == \
        "出错了：authoring 遇到了意外的内部错误（ZeroDivisionError），命令没有完成；未完成的输出文件不会写出。"
    assert "Traceback" not in result.output and "division by zero" not in result.output
    assert "ZeroDivisionError: division by zero" in _report_files(tmp_path)[0].read_text(encoding="utf-8")


def _broken_package(folder: Path, name: str) -> dict[str, str]:
    """An environment whose `name` package fails to import, as in a damaged installation."""
    package = folder / "site" / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(f'raise ModuleNotFoundError("No module named {name!r}", name={name!r})\n')
    return {**os.environ, "PYTHONPATH": str(folder / "site")}


def _entry_point() -> list[str]:
    """The installed `authoring` command (the console script pip makes), else its module."""
    script = shutil.which("authoring", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "authoring"]


@pytest.mark.parametrize("name, args", [
    ("openpyxl", ["check", str(EXAMPLE), "-o", "汇总.xlsx"]),  # inside a command
    ("click", ["validate", str(EXAMPLE)]),  # the command line itself cannot be loaded
])
def test_the_real_entry_point_gives_the_message(name: str, args: list[str], tmp_path: Path) -> None:
    done = subprocess.run([*_entry_point(), *args], cwd=tmp_path, capture_output=True, text=True, encoding="utf-8",
                          env=_broken_package(tmp_path, name), timeout=120)
    assert done.returncode == EXIT_INTERNAL, done.stderr
    assert done.stdout == ""
    _assert_message(done.stderr, tmp_path, name)


def test_the_message_reaches_a_chinese_windows_console(tmp_path: Path) -> None:
    # cp936 (GBK): the message is in characters the console has.
    env = {**_broken_package(tmp_path, "click"), "PYTHONIOENCODING": "cp936"}
    done = subprocess.run([*_entry_point(), "validate", str(EXAMPLE)], cwd=tmp_path, capture_output=True, env=env,
                          timeout=120)
    assert done.returncode == EXIT_INTERNAL
    text = done.stderr.decode("cp936")
    assert re.search(r"详细信息已写入 .*authoring-错误报告-\d{8}-\d{6}\.txt；请把这个文件发送给维护者。", text), text
