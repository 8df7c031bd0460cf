"""The defences applied to a .docx before anything in it is opened (by the reader, and by the
writer for a reference document): not a .doc or PDF in disguise, a zip, not a zip bomb."""
from __future__ import annotations

import io
import zipfile
import zlib

from authoring.errors import InputError

MAX_DOCX_UNPACKED = 200 * 1024 * 1024
# A real .docx compresses text about 5-20x; a ratio far beyond that on a big entry is a zip bomb.
MAX_ZIP_RATIO = 200


def check_docx_container(raw: bytes, name: str) -> None:
    """Refuse a .docx that is really a .doc or PDF, not a zip, or a zip bomb, before anything in
    it is inflated whole (also used by the writer for --reference-doc)."""
    _inflate_bounded(raw, name, _checked_infos(raw, name), keep=False)


def inflate_docx_container(raw: bytes, name: str) -> dict[str, bytes]:
    """The defences of check_docx_container, keeping what they inflate: every entry's bytes by
    name (a later entry of the same name wins, as in ZipFile.read), so that a reader need not
    inflate the package a second time."""
    return _inflate_bounded(raw, name, _checked_infos(raw, name), keep=True)


def _checked_infos(raw: bytes, name: str) -> list[zipfile.ZipInfo]:
    head = raw[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("这是旧版 Word（.doc）文件，不是 .docx；请在 Word 中“另存为”Word 文档（.docx）", file=name)
    if head.startswith(b"%PDF"):
        raise InputError("这是 PDF 文件，扩展名却是 .docx；请提供 Word 原文件", file=name)
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise InputError("不是有效的 .docx 文件（文件已损坏或不是 Word 文档）", file=name)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError("不是有效的 .docx 文件（压缩包已损坏）", file=name) from e
    total = sum(i.file_size for i in infos)
    if total > MAX_DOCX_UNPACKED:
        raise InputError(f"解压后过大（{total // (1024 * 1024)} MB），拒绝读取", file=name)
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1):
            raise InputError(f"压缩比异常（{i.filename}），疑似压缩炸弹，拒绝读取", file=name)
    if "word/document.xml" not in names:
        raise InputError("压缩包中没有 word/document.xml，不是 Word 文档", file=name)
    return infos


def _inflate_bounded(raw: bytes, name: str, infos: list[zipfile.ZipInfo], *, keep: bool) -> dict[str, bytes]:
    # The sizes above are what the zip *declares*. python-docx later reads each part whole, and
    # zipfile inflates a whole entry before cutting it to the declared size, so an entry that lies
    # ("1 KB") can inflate to gigabytes. Inflating every entry once in small chunks, checked
    # against its declared size and CRC, keeps memory bounded and catches the lie.
    blobs: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            for info in infos:
                if info.is_dir():
                    continue
                chunks = []
                with zf.open(info) as fh:
                    while chunk := fh.read(64 * 1024):
                        if keep:
                            chunks.append(chunk)
                if keep:
                    blobs[info.filename] = b"".join(chunks)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as e:
        raise InputError("压缩包内容与其声明的大小或校验值不符（文件已损坏或疑似压缩炸弹），拒绝读取", file=name) from e
    return blobs
