"""PDF through LibreOffice headless: the very .docx the tool writes, converted, so the PDF keeps
its layout (22 × 28, page numbers) and embeds its fonts.

Each conversion uses a private LibreOffice profile in a temporary folder, so it works while the
clerk has LibreOffice open (a running LibreOffice would otherwise take the job over, or refuse
it), and a time limit, so a hung conversion ends with a message instead of hanging the command.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Mapping, Optional

from .errors import OutputError

__all__ = ["find_soffice", "docx_to_pdf", "stamp_pdf", "unchanged_pdf", "TIMEOUT_SECONDS"]

TIMEOUT_SECONDS = 180

# Where the LibreOffice installer puts soffice on Windows and macOS (PATH rarely has it there).
_INSTALL_DIRS = [
    ("ProgramFiles", ("LibreOffice", "program", "soffice.exe")),
    ("ProgramFiles(x86)", ("LibreOffice", "program", "soffice.exe")),
    ("ProgramW6432", ("LibreOffice", "program", "soffice.exe")),
    ("LOCALAPPDATA", ("Programs", "LibreOffice", "program", "soffice.exe")),
]
_FIXED = [
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
]

NOT_FOUND = ("没有找到 LibreOffice，无法生成 PDF。请从 LibreOffice 官网（zh-cn.libreoffice.org）"
             "下载安装免费的 LibreOffice 后重新运行；或者先生成 .docx，在 Word/WPS 中“另存为”PDF。"
             "已装在其他位置时，把环境变量 AUTHORING_SOFFICE 设为 soffice 程序的完整路径")


def find_soffice(env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The LibreOffice program: $AUTHORING_SOFFICE, then PATH, then the usual install folders."""
    env = os.environ if env is None else env
    given = env.get("AUTHORING_SOFFICE")
    if given:
        return given if Path(given).is_file() else None
    for name in ("soffice", "libreoffice", "soffice.exe"):
        found = shutil.which(name)
        if found:
            return found
    candidates = [Path(env[var]).joinpath(*rel) for var, rel in _INSTALL_DIRS if env.get(var)]
    candidates += [Path(p) for p in _FIXED]
    for path in candidates:
        if path.is_file():
            return str(path)
    return None


def docx_to_pdf(docx: bytes, *, soffice: Optional[str] = None,
                timeout: float = TIMEOUT_SECONDS, name: str = "report",
                font_rules: Optional[str] = None) -> bytes:
    """Convert .docx bytes to PDF bytes with LibreOffice headless (private profile, time limit).

    `font_rules` is a fontconfig file (fonts.fontconfig_aliases) saying what stands in for the
    report's fonts: where LibreOffice asks fontconfig (Linux and other Unix desktops), the
    conversion runs with the machine's own configuration plus these rules, so that a machine
    without 仿宋_GB2312 gets a serif Chinese body rather than fontconfig's default sans, without
    the clerk having to change the machine's settings (`authoring fonts --fontconfig`)."""
    program = soffice or find_soffice()
    if program is None:
        raise OutputError(NOT_FOUND)
    with tempfile.TemporaryDirectory(prefix="authoring-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / f"{name}.docx"
        source.write_bytes(docx)
        env = _with_font_rules(folder, font_rules) if font_rules and sys.platform != "win32" else None
        profile = (folder / "profile").as_uri()  # file:///C:/… on Windows, file:///tmp/… here
        args = [program, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                "--nologo", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(folder),
                str(source)]
        kwargs: dict[str, Any] = {"stdin": subprocess.DEVNULL, "stdout": subprocess.PIPE,
                                  "stderr": subprocess.PIPE, "env": env}
        if sys.platform == "win32":
            kwargs["creationflags"] = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        else:
            kwargs["start_new_session"] = True  # so a timeout ends soffice and what it started
        try:
            proc = subprocess.Popen(args, **kwargs)
        except OSError as exc:
            raise OutputError(f"无法启动 LibreOffice（{program}：{exc.strerror or exc}）。"
                              "请确认 LibreOffice 安装完整，或重新安装") from exc
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise OutputError(f"LibreOffice 在 {timeout:g} 秒内没有完成转换，已停止。"
                              "请关闭卡住的 LibreOffice 窗口后重试，或在 Word/WPS 中“另存为”PDF") from None
        target = folder / f"{name}.pdf"
        if proc.returncode != 0 or not target.is_file():
            detail = err.decode("utf-8", "replace").strip().splitlines()
            why = f"（{detail[-1][:200]}）" if detail else ""
            raise OutputError(f"LibreOffice 未能把报告转换为 PDF{why}。"
                              "请先生成 .docx，在 Word/WPS 中“另存为”PDF")
        return target.read_bytes()


def _with_font_rules(folder: Path, rules: str) -> dict[str, str]:
    """The environment for soffice: fontconfig reads the configuration it would read anyway
    (FONTCONFIG_FILE if set, else the system's fonts.conf), then `rules`."""
    from xml.sax.saxutils import escape

    (folder / "authoring-fonts.conf").write_text(rules, encoding="utf-8")
    system = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    (folder / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f'<fontconfig>\n  <include ignore_missing="yes">{escape(system)}</include>\n'
        f'  <include ignore_missing="yes">{escape(str(folder / "authoring-fonts.conf"))}</include>\n'
        "</fontconfig>\n", encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf")}


def _kill(proc: "subprocess.Popen[bytes]") -> None:
    try:
        if sys.platform != "win32":
            import signal

            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except OSError:
        pass
    try:
        proc.communicate(timeout=10)
    except (subprocess.TimeoutExpired, OSError):
        pass


_STAMP_PREFIX = b"\n%authoring-sha256:"


def stamp_pdf(data: bytes) -> bytes:
    """The PDF with a hash of its bytes in a comment after %%EOF (PDF readers skip comments),
    so that a later run can tell a PDF it wrote from one changed since."""
    return data + _STAMP_PREFIX + hashlib.sha256(data).hexdigest().encode("ascii") + b"\n"


def unchanged_pdf(data: bytes) -> bool:
    """True when the bytes are a PDF this tool wrote and still match its stamp."""
    at = data.rfind(_STAMP_PREFIX)
    if at < 0 or not data.startswith(b"%PDF"):
        return False
    digest = data[at + len(_STAMP_PREFIX):].strip()
    return hashlib.sha256(data[:at]).hexdigest().encode("ascii") == digest
