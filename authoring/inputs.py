"""The files a user names, read for the entry layer (main.py): which kind a suffix is, what is
refused before anything is read, and reads bounded so that a wrong file cannot fill memory.

Only the entry layer imports this module: every step (load, read, render, …) takes bytes or data.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Union

from authoring.decode import refuse_size
from authoring.errors import InputError, reason
from authoring.load import MAX_BYTES as MAX_YAML_BYTES

PathLike = Union[str, "os.PathLike[str]"]

# Suffix → the kind of document the readers take (read.read_blocks, or load for "yaml").
SUFFIXES = {
    ".docx": "docx",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".yaml": "yaml",
    ".yml": "yaml",
}
# Formats a clerk's folder often holds that cannot be checked: named, so that a folder check
# reports them instead of silently skipping them.
REFUSED_SUFFIXES = {
    ".doc": "这是旧版 Word（.doc）文件，无法检查；请在 Word 中“另存为”Word 文档（.docx）",
    ".wps": "这是 WPS 文字（.wps）文件，无法检查；请在 WPS 中“另存为”.docx",
    ".pdf": "PDF 文件无法可靠地还原段落和标题，无法检查；请提供 Word（.docx）或文本文件",
}


def _path(path: PathLike) -> Path:
    # A Path as it is (they cannot change), not a copy made of it: a check asks for a file's
    # suffix three times and its path once more, and each copy parsed the path again.
    return path if isinstance(path, Path) else Path(path)


def kind_of(path: PathLike) -> str:
    """The document kind of a file by its suffix ("docx", "text", "yaml", …), or ""."""
    return SUFFIXES.get(_path(path).suffix.lower(), "")


def is_yaml(path: PathLike) -> bool:
    """Whether the file is a report YAML (by its suffix)."""
    return kind_of(path) == "yaml"


def read_report_file(path: PathLike) -> bytes:
    """The bytes of a report YAML, refused with the file named when missing, a folder or too big."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError("找不到这个文件；请检查路径和文件名", file=name) from None
    except OSError as exc:
        raise _unreadable(exc, name) from None
    if p.is_dir():
        raise InputError("这是一个文件夹，不是报告文件；请给出 .yaml 文件的路径", file=name)
    if size > MAX_YAML_BYTES:
        raise InputError(
            f"文件过大（{size / 1024 / 1024:.1f} MB）；一份报告的 YAML 通常不到 100 KB，"
            f"上限为 {MAX_YAML_BYTES // 1024 // 1024} MB：请检查是否选错了文件",
            file=name,
        )
    try:
        # At most one byte past the limit: a device or pipe (/dev/zero) reports size 0 and never ends.
        with open(p, "rb") as fh:
            raw = fh.read(MAX_YAML_BYTES + 1)
    except OSError as exc:
        raise _unreadable(exc, name) from None
    if len(raw) > MAX_YAML_BYTES:
        raise InputError(
            f"文件超过 {MAX_YAML_BYTES // 1024 // 1024} MB（或不是普通文件）；请给出报告 YAML 文件的路径", file=name
        )
    return raw


def read_document_file(path: PathLike) -> tuple[bytes, str]:
    """The bytes and kind of a report document (Word, text, Markdown, web page or YAML), refused
    with the file named when it is missing, a folder, of a kind no reader takes, or empty."""
    p = _path(path)
    name = str(path)
    if not p.exists():
        raise InputError("文件不存在", file=name)
    if p.is_dir():
        try:
            os.scandir(p).close()
        except OSError as exc:  # collect_paths gives a sub-folder it could not open
            raise InputError(f"无法打开这个文件夹（{reason(exc)}），其中的报告没有检查；请检查文件夹的权限",
                             file=name) from None
        raise InputError("这是一个文件夹，不是报告文件", file=name)
    kind = document_kind(path)
    # Sizes are refused before the file is read whole (a 50 MB "text" is not read into memory).
    refuse_size(p.stat().st_size, kind, name)
    if kind == "yaml":
        return read_report_file(path), kind
    try:
        return p.read_bytes(), kind
    except OSError as exc:
        raise _unreadable(exc, name) from None


def _unreadable(exc: OSError, name: str) -> InputError:
    # A file held open elsewhere, or not ours to read: PermissionError's English reached the
    # clerk as "检查时出错（PermissionError: …），请把这个文件反馈给维护者".
    if isinstance(exc, PermissionError):
        return InputError("没有读取权限，无法读取；请检查文件的权限（或先在 Word/WPS 中关闭它），"
                          "或把文件复制到自己的文件夹再试", file=name)
    return InputError(f"无法读取这个文件（{reason(exc)}）", file=name)


def document_kind(name: PathLike) -> str:
    """The kind of a report document by its file name (a path, or an uploaded file's name);
    refused, naming the file, when no reader takes it (.doc, .pdf … are named)."""
    suffix = _path(name).suffix.lower()
    if suffix in REFUSED_SUFFIXES:
        raise InputError(REFUSED_SUFFIXES[suffix], file=str(name))
    kind = SUFFIXES.get(suffix)
    if kind is None:
        supported = "、".join(sorted(SUFFIXES))
        raise InputError(f"不支持的文件类型“{Path(name).suffix or '（无扩展名）'}”，支持：{supported}", file=str(name))
    return kind


def read_reference_doc(path: PathLike) -> bytes:
    """The bytes of an agency's reference .docx (or .dotx) for --reference-doc."""
    ref = Path(path)
    if not ref.is_file():
        raise InputError("找不到参考文档。请检查 --reference-doc 给出的路径", file=str(ref))
    try:
        return ref.read_bytes()
    except OSError as exc:
        raise _unreadable(exc, str(ref)) from None


def collect_paths(paths: Iterable[PathLike]) -> list[Path]:
    """Files to check: files as given, folders expanded to the report files inside them. A
    sub-folder that cannot be opened is given too (its check says so; it was skipped silently)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found: list[Path] = []

            def unreadable(error: OSError) -> None:
                found.append(Path(error.filename) if error.filename else p)

            for folder, _dirs, files in os.walk(p, onerror=unreadable):
                found.extend(
                    Path(folder) / f for f in files
                    if (Path(f).suffix.lower() in SUFFIXES or Path(f).suffix.lower() in REFUSED_SUFFIXES)
                    # Word's lock files (~$报告.docx) and hidden files are not reports.
                    and not f.startswith(("~$", ".")) and (Path(folder) / f).is_file()
                )
            out.extend(sorted(found))
        else:
            out.append(p)
    return out
