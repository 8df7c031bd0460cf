"""Fonts on the machines clerks have: what `authoring fonts` tells them, and which font
LibreOffice really embeds for each role (pdffonts), with and without the fontconfig rules it
writes. The machines are made in tests/fontsetups.py (renamed copies of free fonts)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from authoring.blocks import Heading, Paragraph, Title
from authoring.cli import cli
from authoring.fonts import (font_file_families, font_report, fontconfig_aliases,
                             installed_families)
from authoring.main import write_docx
from authoring.write import resolve_layout
from fontsetups import make_setup
from pdfpages import convert, pdf_fonts

pytest.importorskip("fontTools")

TEXT = "中法治政府建设情况的报告坚持以习近平法治思想为指导。一、主要举措和成效（一）强化法治学习引领—0123456789"
ROLE_DOCS = {
    "title": [Title("法治政府建设情况的报告")],
    "body": [Paragraph("坚持以习近平法治思想为指导。")],
    "heading1": [Heading(1, "主要举措和成效", "一、")],
    "heading2": [Heading(2, "强化法治学习引领", "（一）")],
}
LAYOUT = resolve_layout()


@pytest.fixture(scope="module")
def machines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    root = tmp_path_factory.mktemp("machines")
    return {name: make_setup(name, TEXT, root) for name in ("gb2312", "windows", "free", "sans-only")}


def embedded(env: dict[str, str], folder: Path, *, aliases: bool) -> dict[str, list[str]]:
    """Convert one document per role on a machine; the fonts each PDF embeds."""
    conf = Path(env["FONTCONFIG_FILE"]).parent / "aliases.conf"
    if aliases:
        conf.write_text(fontconfig_aliases(LAYOUT), encoding="utf-8")
    elif conf.exists():
        conf.unlink()
    folder.mkdir()
    docs = [write_docx(blocks, folder / f"{role}.docx") for role, blocks in ROLE_DOCS.items()]
    convert(docs, folder, env=env)
    return {role: pdf_fonts(folder / f"{role}.pdf") for role in ROLE_DOCS}


def _kind(fonts: list[str]) -> set[str]:
    """What the Chinese faces in a PDF look like: serif (宋/仿宋), sans (黑), kai (楷)."""
    out = set()
    for f in fonts:
        if f.startswith("Liberation"):  # the Latin font (digits, Times New Roman)
            continue
        if re.search(r"Serif|FangSong|SimSun|XiaoBiaoSong|UMing", f):
            out.add("serif")
        elif re.search(r"Sans|SimHei|ZenHei", f):
            out.add("sans")
        elif re.search(r"Kai", f):
            out.add("kai")
    return out


# What LibreOffice embeds for each role, with the fontconfig rules of `authoring fonts
# --fontconfig`. The page number (宋体) is in every PDF: serif wherever a serif exists.
WITH_RULES = {
    "gb2312": {"title": ["FZXiaoBiaoSong-B05S", "LiberationSerif", "SimSun"],
               "body": ["FangSongGB2312", "LiberationSerif", "SimSun"],
               "heading1": ["LiberationSerif", "SimHei", "SimSun"],
               "heading2": ["KaiTiGB2312", "LiberationSerif", "SimSun"]},
    "windows": {"title": ["LiberationSerif", "SimSun"],
                "body": ["FangSong", "LiberationSerif", "SimSun"],
                "heading1": ["LiberationSerif", "SimHei", "SimSun"],
                "heading2": ["KaiTi", "LiberationSerif", "SimSun"]},
}


@pytest.mark.parametrize("machine", ["gb2312", "windows"])
def test_libreoffice_uses_the_right_face_for_every_role(machines, tmp_path: Path, machine) -> None:
    assert embedded(machines[machine], tmp_path / "docs", aliases=True) == WITH_RULES[machine]


def test_free_fonts_give_a_serif_body_and_kai_headings(machines, tmp_path: Path) -> None:
    fonts = embedded(machines["free"], tmp_path / "docs", aliases=True)
    assert _kind(fonts["body"]) == {"serif"}
    assert _kind(fonts["title"]) == {"serif"}
    assert "sans" in _kind(fonts["heading1"])
    assert "kai" in _kind(fonts["heading2"])


def test_without_the_rules_libreoffice_falls_back_to_sans(machines, tmp_path: Path) -> None:
    # What a Windows-fonts or free-fonts Linux machine does on its own: fontconfig does not know
    # 仿宋_GB2312 and gives the default sans face, whatever the font table says.
    windows = embedded(machines["windows"], tmp_path / "windows", aliases=False)
    assert windows["body"] == ["LiberationSerif", "SimHei", "SimSun"]  # SimSun: the page number
    free = embedded(machines["free"], tmp_path / "free", aliases=False)
    assert _kind(free["body"]) == {"sans"}


@pytest.mark.parametrize("machine", ["windows", "free"])
def test_render_to_pdf_gives_a_serif_body_without_the_clerk_changing_the_machine(
        machines, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, machine: str) -> None:
    # `render -o 报告.pdf` runs LibreOffice with the machine's fontconfig plus the rules
    # `authoring fonts --fontconfig` would install, so the clerk need not install them first.
    from authoring.main import build_blocks, output_bytes

    env = machines[machine]
    (Path(env["FONTCONFIG_FILE"]).parent / "aliases.conf").unlink(missing_ok=True)
    monkeypatch.setenv("FONTCONFIG_FILE", env["FONTCONFIG_FILE"])
    monkeypatch.setenv("XDG_CONFIG_HOME", env["XDG_CONFIG_HOME"])
    result = build_blocks(Path(__file__).resolve().parent.parent / "examples" / "chuxiong-zhzf-2024.yaml")
    result.blocks = ROLE_DOCS["body"]
    pdf = tmp_path / "body.pdf"
    pdf.write_bytes(output_bytes(result, "pdf"))
    assert _kind(pdf_fonts(pdf)) == {"serif"}


def test_with_no_chinese_serif_at_all_the_body_is_sans_and_the_clerk_is_told(machines) -> None:
    env = machines["sans-only"]
    statuses = {s.role: s for s in font_report(LAYOUT, families=installed_families(env=env), env=env)}
    assert statuses["body"].suggestion is None and statuses["heading1"].suggestion == "Noto Sans CJK SC"


def test_installed_fonts_are_read_from_the_windows_font_folders(machines, tmp_path: Path) -> None:
    folder = Path(machines["windows"]["FONTCONFIG_FILE"]).parent / "fonts"
    windir, local = tmp_path / "Windows", tmp_path / "AppData" / "Local"
    (windir / "Fonts").mkdir(parents=True)
    (local / "Microsoft" / "Windows" / "Fonts").mkdir(parents=True)
    for font in folder.iterdir():
        # 仿宋 and 黑体 in the system folder, 楷体 installed for this user only.
        target = local / "Microsoft" / "Windows" / "Fonts" if "Kai" in font.name else windir / "Fonts"
        (target / font.name).write_bytes(font.read_bytes())
    families = installed_families(platform="win32",
                                  env={"WINDIR": str(windir), "LOCALAPPDATA": str(local)})
    assert {"仿宋", "FangSong", "楷体", "KaiTi", "黑体", "SimHei", "宋体", "SimSun"} <= families
    report = {s.role: s for s in font_report(LAYOUT, families=families, platform="win32")}
    assert report["body"].word == "仿宋" and report["body"].word_installed
    assert report["body"].libreoffice is None  # no fontconfig on Windows
    assert report["heading2"].suggestion == "楷体"


def test_a_file_that_is_not_a_font_has_no_families(tmp_path: Path) -> None:
    (tmp_path / "x.ttf").write_bytes(b"not a font")
    assert font_file_families(tmp_path / "x.ttf") == set()


def test_authoring_fonts_tells_the_clerk_in_chinese(machines, monkeypatch) -> None:
    env = machines["windows"]
    for key in ("FONTCONFIG_FILE", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(key, env[key])
    conf = Path(env["FONTCONFIG_FILE"]).parent / "aliases.conf"
    if conf.exists():
        conf.unlink()
    result = CliRunner().invoke(cli, ["fonts"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "  正文：仿宋_GB2312　未安装，Word/WPS 改用“仿宋”；LibreOffice 用“SimHei”" in lines
    assert "  一级标题（一、）：黑体　已安装" in lines
    assert "  二级标题（（一））：楷体_GB2312　未安装，Word/WPS 改用“楷体”；LibreOffice 用“SimHei”" in lines
    assert "           body: 仿宋" in lines and "           heading2: 楷体" in lines
    assert "  3. Linux 上让 LibreOffice、WPS 用相近的字体代替：authoring fonts --fontconfig" in lines
    # --fontconfig writes the rules where fontconfig reads a user's own, and LibreOffice follows.
    result = CliRunner().invoke(cli, ["fonts", "--fontconfig"])
    written = Path(env["XDG_CONFIG_HOME"]) / "fontconfig" / "conf.d" / "60-authoring-gbt9704.conf"
    assert f"已写入 {written}：LibreOffice、WPS 重新启动后按上面的顺序代替缺少的字体。" in result.output
    assert "<family>仿宋_GB2312</family>" in written.read_text(encoding="utf-8")
    conf.write_text(written.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["fonts"])
    assert "  正文：仿宋_GB2312　未安装，Word/WPS 改用“仿宋”；LibreOffice 用“FangSong”" in result.output.splitlines()


def test_a_machine_with_the_gb2312_fonts_has_them_all(machines, monkeypatch) -> None:
    env = machines["gb2312"]
    for key in ("FONTCONFIG_FILE", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(key, env[key])
    lines = CliRunner().invoke(cli, ["fonts"]).output.splitlines()
    for line in ("  正文：仿宋_GB2312　已安装", "  标题：方正小标宋简体　已安装",
                 "  二级标题（（一））：楷体_GB2312　已安装", "  页码：宋体　已安装"):
        assert line in lines


def test_the_installed_fonts_are_read_under_a_gbk_locale() -> None:
    # fontconfig writes UTF-8 whatever the locale; read under zh_CN.GBK (a Chinese Linux desktop,
    # or LANG copied from one) its names did not decode: `authoring fonts` stopped with an
    # internal error and the workbench's font line printed a traceback.
    import os
    import subprocess
    import sys

    env = {**os.environ, "LANG": "zh_CN.GBK", "LC_ALL": "zh_CN.GBK", "PYTHONUTF8": "0", "PYTHONIOENCODING": "cp936"}
    result = subprocess.run([sys.executable, "-c", "from authoring.fonts import installed_families; "
                             "print(len(installed_families()))"], capture_output=True, env=env,
                            cwd=str(Path(__file__).resolve().parents[1]))
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
