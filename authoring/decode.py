"""Bytes → text for every file a clerk gives the tool (report YAML, .txt, .md, .html).

Windows editors save UTF-8 with a BOM, "Unicode" (UTF-16 with a BOM) and "ANSI" (GBK, read as
its superset GB18030); all are read, and the two that other tools misread are said so. One
decoder serves load.py (report YAML: strict) and read.py (any report to check or import:
lenient), so that both read a file alike and word their refusals alike.
"""
from __future__ import annotations

import codecs

from authoring.errors import InputError, Place, Problem

_SAVE_AS_UTF8 = "请在编辑器中另存为 UTF-8 编码"
# A published report is ~100 KB of text; past this a "text" file is something else.
MAX_TEXT_BYTES = 20 * 1024 * 1024


def refuse_size(size: int, kind: str, name: str) -> None:
    """Refuse an empty file, and a text file too big to be a report, before it is read (`kind`
    as main.read_document takes it: a .docx and a report YAML have limits of their own)."""
    if size == 0:
        raise InputError("文件是空的（0 字节）", file=name)
    if kind not in ("docx", "yaml") and size > MAX_TEXT_BYTES:
        raise InputError(f"文件过大（{size // (1024 * 1024)} MB），文本报告不应超过 20 MB", file=name)


def decode_text(raw: bytes, file: str, *, lenient: bool = False) -> tuple[str, str, list[Problem]]:
    """Decode `raw`; return the text, the encoding found and notes (warnings) about it.

    Order: UTF-8 BOM, UTF-16 BOM, UTF-8, GB18030. A file marked UTF-8 by its BOM whose bytes
    are not all UTF-8 is refused, naming the line; `lenient` (a published report to check,
    where one damaged character should not stop the check) reads it with U+FFFD in their place
    and a warning saying how many."""
    notes: list[Problem] = []
    if raw.startswith(codecs.BOM_UTF8):
        body = raw[len(codecs.BOM_UTF8):]
        try:
            return body.decode("utf-8"), "utf-8-sig", notes
        except UnicodeDecodeError as exc:
            if not lenient:
                line = body[: exc.start].count(b"\n") + 1
                raise InputError(
                    f"文件以 UTF-8 标记开头，但有无法按 UTF-8 读取的字节（第 {exc.start + len(codecs.BOM_UTF8) + 1} 字节）；{_SAVE_AS_UTF8}",
                    file=file, line=line,
                ) from exc
            text = body.decode("utf-8", errors="replace")
            count = text.count("\ufffd") - body.decode("utf-8", errors="ignore").count("\ufffd")
            notes.append(Problem(f"文件以 UTF-8 保存，但有 {count} 处字节无法读取，已显示为“\ufffd”；请核对原文",
                                 Place(file), "warning", "encoding-replaced"))
            return text, "utf-8-sig", notes
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"文件以 UTF-16 标记开头，但内容无法按 UTF-16 读取（第 {exc.start + 1} 字节）；{_SAVE_AS_UTF8}", file=file,
            ) from exc
        notes.append(Problem("文件以 UTF-16 编码保存（Windows 记事本的“Unicode”），已按该编码读取；"
                             "建议另存为 UTF-8，以免其他工具读错", Place(file), "warning", "encoding"))
        return text, "utf-16", notes
    try:
        return raw.decode("utf-8"), "utf-8", notes
    except UnicodeDecodeError as utf8_error:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            line = raw[: utf8_error.start].count(b"\n") + 1
            raise InputError(f"文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取；{_SAVE_AS_UTF8}",
                             file=file, line=line) from utf8_error
        notes.append(Problem("文件以 GBK/GB18030 编码保存（Windows 记事本的“ANSI”），已按该编码读取；"
                             "建议另存为 UTF-8，以免其他工具读错", Place(file), "warning", "encoding"))
        return text, "gb18030", notes
