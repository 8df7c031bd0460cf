"""A Chinese Windows PC: --help in Chinese throughout, and a GBK (cp936) console or redirect
that never crashes. The GBK cases run the real command in a subprocess, as a clerk would."""
from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from authoring.cli import cli
from authoring.cli_text import _MESSAGES, _PLURALS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_every_translated_message_is_one_click_really_uses() -> None:
    """A click upgrade that rewords a message makes its English come back: caught here."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    source = "".join(inspect.getsource(m) for m in (click.core, click.decorators, click.exceptions,
                                                    click.formatting, click.parser, click.types,
                                                    click.termui, click.utils))
    for message in list(_MESSAGES) + [s for pair in _PLURALS for s in pair]:
        assert repr(message)[1:-1].replace("\\'", "'") in source or message in source, message


@pytest.mark.parametrize("args", [[]] + [[name] for name in sorted(cli.commands)])
def test_help_is_chinese_throughout(args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "--help"])
    assert result.exit_code == 0
    out = result.output
    for english in ("Usage:", "Options:", "Show this message and exit.", "Show the version",
                    "[OPTIONS]", "COMMAND [ARGS]", "default:", "Commands:"):
        assert english not in out, english
    assert not re.search(r" (TEXT|INTEGER|PATH|FILE|DIRECTORY)\b", out)  # option metavars
    assert out.startswith(f"用法： authoring {' '.join(args)}".rstrip() + " [选项]")
    assert "选项：\n" in out and "显示本帮助并退出。" in out
    if not args:
        assert "-V, --version  显示版本号并退出。" in out and "命令：\n" in out
    # The example block (headed 示例：, not English): one command a line, as written.
    assert "Example" not in out
    example = out[out.index("示例：\n"):].split("\n\n")[1]
    assert all(line.strip().startswith("authoring ") and line.count("authoring ") == 1
               for line in example.splitlines()), example


def test_example_blocks_keep_their_lines() -> None:
    out = CliRunner().invoke(cli, ["render", "--help"]).output
    block = out[out.index("示例："):]
    assert [line.strip() for line in block.splitlines()[2:6]] == [
        "authoring render report.yaml -o 报告.docx",
        "authoring render report.yaml -o 报告.pdf",
        "authoring render report.yaml -o 报告.html --figures-page",
        "authoring render report.yaml -o 报告.txt",
    ]
    top = CliRunner().invoke(cli, ["--help"]).output
    assert "\n      authoring validate report.yaml\n" in top
    # A paragraph of Chinese is not broken up by the spaces click puts where the source wraps.
    assert "《法治政府建设与责任落实督察工作规定》的四个部分" in top


def test_a_choice_error_is_chinese() -> None:
    result = CliRunner().invoke(cli, ["check", "x.docx", "--format", "xlsx"])
    assert result.exit_code == 2
    assert result.output == ("用法错误：--format 的值无效：“xlsx”不是可选的值（可选：'table', 'json', 'csv'）；"
                             "运行 authoring check --help 查看用法和示例\n")


# --- the GBK console ---------------------------------------------------------------------------


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONIOENCODING", "PYTHONUTF8", "LC_"))}
    full.update(env)
    full["PYTHONPATH"] = str(ROOT)
    # A GBK terminal hands the program its arguments in GBK, and file names are GBK bytes.
    encoding = "gbk" if env.get("LANG", "").lower().endswith("gbk") else "utf-8"
    return subprocess.run([sys.executable, "-m", "authoring", *(a.encode(encoding) for a in args)],
                          cwd=cwd, env=full, capture_output=True, timeout=300)


def _exists(path: Path, env: dict[str, str]) -> bytes:
    """The file's bytes, under the name the child wrote it (GBK bytes in a GBK locale)."""
    encoding = "gbk" if env.get("LANG", "").lower().endswith("gbk") else "utf-8"
    with open(str(path).encode(encoding), "rb") as fh:
        return fh.read()


def _gbk_locale() -> bool:
    out = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout if sys.platform != "win32" else ""
    return bool(re.search(r"^zh_CN\.gbk$", out, re.M | re.I))


CONSOLES = [pytest.param({"PYTHONIOENCODING": "cp936"}, id="PYTHONIOENCODING=cp936"),
            pytest.param({"PYTHONUTF8": "0", "LANG": "zh_CN.GBK", "LC_ALL": "zh_CN.GBK"},
                         id="PYTHONUTF8=0 LANG=zh_CN.GBK")]


def _need(env: dict[str, str]) -> None:
    if "LANG" in env and not _gbk_locale():
        if os.environ.get("CI"):
            pytest.fail("the zh_CN.GBK locale is missing: .ci/run generates it with localedef")
        pytest.skip("the zh_CN.GBK locale is not generated here (localedef -i zh_CN -f GBK zh_CN.GBK)")


@pytest.mark.parametrize("env", CONSOLES)
def test_check_on_a_gbk_console_writes_gbk_and_never_a_traceback(env: dict[str, str], tmp_path: Path) -> None:
    _need(env)
    folder = tmp_path / "reports 2025"  # (Chinese paths: test_render_and_errors_on_a_gbk_console)
    folder.mkdir()
    for p in EXAMPLES.glob("*.yaml"):
        (folder / p.name).write_bytes(p.read_bytes())
    for args in (["check", str(folder)], ["check", str(folder / "chuxiong-zhzf-2024.yaml")],
                 ["check", str(folder), "--format", "csv"], ["check", str(folder), "--format", "json"]):
        out = _run(args, env, tmp_path)
        # 1: two examples give no 成文日期, an error for check as for validate (issue 12)
        assert out.returncode == (0 if args[1].endswith("chuxiong-zhzf-2024.yaml") else 1), out.stderr.decode("gbk", "replace")
        assert b"Traceback" not in out.stderr and b"UnicodeEncodeError" not in out.stderr
        text = out.stdout.decode("gbk")  # the console's code page, readable there
        assert "楚雄市综合行政执法局" in text or "chuxiong" in text
        if args[-1] != "json":
            assert "√" in text and "✓" not in text  # ✓ has no GBK code; √ has
    single = _run(["check", str(folder / "chuxiong-zhzf-2024.yaml")], env, tmp_path).stdout.decode("gbk")
    assert "  √ 主要举措和成效" in single


@pytest.mark.parametrize("env", CONSOLES)
def test_machine_formats_written_with_o_are_utf8_on_a_gbk_console(env: dict[str, str], tmp_path: Path) -> None:
    _need(env)
    target = tmp_path / "汇总 2025.csv"
    out = _run(["check", str(EXAMPLES), "-o", str(target)], env, tmp_path)
    assert out.returncode == 1, out.stderr.decode("gbk", "replace")  # two examples lack a 成文日期
    assert out.stdout.decode("gbk").startswith(f"已写入 {target}（3 个文件：")
    data = _exists(target, env)
    assert data.startswith(b"\xef\xbb\xbf") and "✓".encode("utf-8") in data
    js = tmp_path / "结果.json"
    assert _run(["check", str(EXAMPLES), "-o", str(js)], env, tmp_path).returncode == 1
    assert "常州市城市管理局" in _exists(js, env).decode("utf-8")


@pytest.mark.parametrize("env", CONSOLES)
def test_render_and_errors_on_a_gbk_console(env: dict[str, str], tmp_path: Path) -> None:
    _need(env)
    folder = tmp_path / "2025 reports"
    folder.mkdir()
    target = folder / "报告 终稿.docx"
    out = _run(["render", str(EXAMPLES / "changzhou-cgj-2024.yaml"), "-o", str(target), "--draft"], env, tmp_path)
    assert out.returncode == 0, out.stderr.decode("gbk", "replace")
    assert out.stdout.decode("gbk") == f"已生成草稿 {target}（4263 字）；还有 1 个错误，改正后才能报送\n"
    assert _exists(target, env).startswith(b"PK")
    bad = _run(["render", str(folder / "没有.yaml")], env, tmp_path)
    assert bad.returncode != 0 and b"Traceback" not in bad.stderr
    assert "没有.yaml" in bad.stderr.decode("gbk")
    helped = _run(["check", "--help"], env, tmp_path)
    assert helped.returncode == 0 and "用法： authoring check [选项]" in helped.stdout.decode("gbk")
