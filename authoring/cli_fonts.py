"""`authoring fonts`' run and what it prints: each font a report's layout names, whether this
machine has it, what Word, WPS and LibreOffice show instead, and what a clerk can do (install it,
name a font the machine has, or write fontconfig's rules). The command is in cli.py."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

from authoring.cli_print import EXIT_ERRORS, say
from authoring import main


def run_fonts(yaml_file: Optional[Path], write_fontconfig: bool) -> None:
    """The fonts report of a report YAML (or of the default layout); exit 1 when one is missing."""
    layout, statuses = main.fonts_report(yaml_file)
    missing = [s for s in statuses if not s.installed]
    for st in statuses:
        _say_status(st)
    if not missing:
        say("报告所需的字体本机都有。", "green")
        return
    names = "、".join(dict.fromkeys(s.font for s in missing))
    say(f"本机缺少 {names}。可以：", "bold")
    say("  1. 安装这些字体（正版字体请向本单位信息化部门索取）；")
    suggest = [(s.role, s.suggestion) for s in missing if s.suggestion and s.role != "latin"]
    if suggest:
        say("  2. 或在报告 YAML 中改用本机已有的字体（生成的 Word 文件将写明这些字体）：")
        say("       layout:\n         fonts:")
        for role, font in suggest:
            say(f"           {role}: {font}")
    no_serif = [s for s in missing if s.role in ("body", "title", "heading3") and not s.suggestion]
    if no_serif:
        say("  本机没有任何宋体、仿宋类中文字体，正文只能用黑体类字体显示；"
            "请安装仿宋（FangSong）或 Noto Serif CJK SC（思源宋体）。", "yellow")
    if write_fontconfig:
        target = main.save_fontconfig(layout)
        say(f"已写入 {target}：LibreOffice、WPS 重新启动后按上面的顺序代替缺少的字体。", "green")
    elif sys.platform.startswith("linux"):
        say("  3. Linux 上让 LibreOffice、WPS 用相近的字体代替：authoring fonts --fontconfig")
    sys.exit(EXIT_ERRORS)


def _say_status(st: Any) -> None:
    """One font: installed, or what stands in for it in Word/WPS and in LibreOffice."""
    if st.installed:
        say(f"  {st.role_name}：{st.font}　已安装", "green")
        return
    word = ""
    if st.word:
        word = f"Word/WPS 改用“{st.word}”" + ("" if st.word_installed else "（本机也没有）")
    lo = f"LibreOffice 用“{st.libreoffice}”" if st.libreoffice else ""
    told = "；".join(x for x in (word, lo) if x)
    say(f"  {st.role_name}：{st.font}　未安装" + (f"，{told}" if told else ""), "yellow")
