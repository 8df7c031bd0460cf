"""The PDF output read back as a person would: page count and every character through poppler,
fonts embedded; LibreOffice found where Windows installs it, run with a private profile and a
time limit, and a clear message when it is missing."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from authoring.blocks import blocks_to_text
from authoring.cli import cli
from authoring.errors import OutputError
from authoring.main import build_blocks
from authoring.measure import paginate
from authoring.pdf import NOT_FOUND, docx_to_pdf, find_soffice, unchanged_pdf
from authoring.write import resolve_layout

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jiulongpo-cgj-2023.yaml"
DRAFT = "--draft"  # the example gives no 成文日期, which render refuses for submission (issue 12)
_HANG = "，。、；：？！．,.;:!?"


def _need_tools() -> None:
    if find_soffice() is None or shutil.which("pdftotext") is None or shutil.which("pdffonts") is None:
        if os.environ.get("AUTHORING_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice and poppler are required (AUTHORING_REQUIRE_LIBREOFFICE)")
        pytest.skip("LibreOffice or poppler-utils is not installed")


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


def test_render_to_pdf_keeps_every_character_and_the_page_count(tmp_path: Path) -> None:
    _need_tools()
    target = tmp_path / "报 告 2024.pdf"  # a space and Chinese in the name
    result = CliRunner().invoke(cli, ["render", str(EXAMPLE), "-o", str(target), DRAFT])
    assert result.exit_code == 0, result.output
    built = build_blocks(EXAMPLE)
    assert result.output.splitlines()[-1] == f"已生成草稿 {target}（{built.characters} 字）；还有 1 个错误，改正后才能报送"
    blocks = built.blocks
    pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(target)))[1])
    assert pages == len(paginate(blocks, resolve_layout(None)).pages) == 10
    text = _run("pdftotext", str(target), "-")
    # Every character, in order, apart from page numbers and the punctuation that hangs in the
    # margin (pdftotext leaves it out).
    got = re.sub(r"—\s*\d+\s*—", "", re.sub(r"\s+", "", text))
    want = re.sub(r"\s+", "", blocks_to_text(blocks))
    strip = str.maketrans("", "", _HANG)
    assert got.translate(strip) == want.translate(strip)
    for n in (1, 2, 10):
        assert f"—{n}—" in re.sub(r"\s+", "", text)
    fonts = _run("pdffonts", str(target)).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # the emb column


def test_a_pdf_this_tool_wrote_is_replaced_an_edited_one_is_kept(tmp_path: Path) -> None:
    _need_tools()
    target = tmp_path / "报告.pdf"
    runner = CliRunner()
    assert runner.invoke(cli, ["render", str(EXAMPLE), "-o", str(target), DRAFT]).exit_code == 0
    assert unchanged_pdf(target.read_bytes())
    again = runner.invoke(cli, ["render", str(EXAMPLE), "-o", str(target), DRAFT])
    assert again.exit_code == 0, again.output
    target.write_bytes(target.read_bytes() + b"\n% touched by a PDF editor\n")
    refused = runner.invoke(cli, ["render", str(EXAMPLE), "-o", str(target), DRAFT])
    assert refused.exit_code == 1
    assert "该文件已存在且内容与本次生成的不同，为免丢失内容，没有覆盖" in refused.output


def test_without_libreoffice_the_clerk_is_told_how_to_get_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("AUTHORING_SOFFICE", str(tmp_path / "没有这个程序.exe"))
    target = tmp_path / "报告.pdf"
    result = CliRunner().invoke(cli, ["render", str(EXAMPLE), "-o", str(target), DRAFT])
    assert result.exit_code == 1
    assert result.output == f"<输入>: {NOT_FOUND}\n发现 1 个错误，未生成任何文件\n"
    assert "zh-cn.libreoffice.org" in NOT_FOUND and "另存为" in NOT_FOUND
    assert not target.exists()


def test_libreoffice_is_found_in_the_windows_install_folder(tmp_path: Path, monkeypatch) -> None:
    program = tmp_path / "Program Files" / "LibreOffice" / "program"
    program.mkdir(parents=True)
    exe = program / "soffice.exe"
    exe.write_bytes(b"")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_soffice({"ProgramFiles": str(tmp_path / "Program Files")}) == str(exe)
    assert find_soffice({"ProgramFiles": str(tmp_path / "nowhere")}) in (None, *_system_soffice())
    assert find_soffice({"AUTHORING_SOFFICE": str(exe)}) == str(exe)


def _system_soffice() -> list[str]:
    from authoring.pdf import _FIXED

    return [p for p in _FIXED if Path(p).is_file()]


def _fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-soffice"
    script.write_text(f"#!{sys.executable}\nimport sys, time, pathlib\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX script stands in for soffice")
def test_each_conversion_has_its_own_profile_and_a_time_limit(tmp_path: Path) -> None:
    log = tmp_path / "args.txt"
    record = _fake_soffice(tmp_path, f"pathlib.Path({str(log)!r}).write_text(repr(sys.argv))\n"
                           "out = pathlib.Path(sys.argv[sys.argv.index('--outdir') + 1])\n"
                           "(out / 'report.pdf').write_bytes(b'%PDF-1.4 fake')")
    assert docx_to_pdf(b"PK", soffice=record) == b"%PDF-1.4 fake"
    args = eval(log.read_text())  # noqa: S307 (our own repr)
    profile = next(a for a in args if a.startswith("-env:UserInstallation=file:///"))
    assert "authoring-pdf-" in profile and "--headless" in args
    hang = _fake_soffice(tmp_path, "time.sleep(60)")
    with pytest.raises(OutputError, match="LibreOffice 在 1 秒内没有完成转换，已停止"):
        docx_to_pdf(b"PK", soffice=hang, timeout=1)
    fail = _fake_soffice(tmp_path, "sys.stderr.write('Error: source file could not be loaded'); sys.exit(1)")
    with pytest.raises(OutputError, match=r"LibreOffice 未能把报告转换为 PDF（Error: source file could not be loaded）"):
        docx_to_pdf(b"PK", soffice=fail)
