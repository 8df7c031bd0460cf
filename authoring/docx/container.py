"""The defences applied to a .docx before anything in it is opened (by the reader, and by the
writer for a reference document): not a .doc or PDF in disguise, a zip, not a zip bomb."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Optional

from authoring.errors import InputError

MAX_DOCX_UNPACKED = 200 * 1024 * 1024
# A real .docx compresses text about 5-20x; a ratio far beyond that on a big entry is a zip bomb.
MAX_ZIP_RATIO = 200
# One XML part (document.xml, a header, styles…). A real report's document.xml is under 1 MB
# (a 300-page one about 15 MB); a 190 MB one, deflated under the ratio above, passed every
# check and was read for minutes. The writer keeps what it makes under the same bound.
MAX_XML_PART = 32 * 1024 * 1024
_XML_SUFFIXES = (".xml", ".rels")
# A DTD (and with it entities, external or not) is never part of an Office document: Word refuses
# one. A part holding one was passed on as unresolved entities and made a corrupt output.
_DOCTYPE = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def check_docx_container(raw: bytes, name: str) -> None:
    """Refuse a .docx that is really a .doc or PDF, not a zip, or a zip bomb, before anything in
    it is inflated whole (also used by the writer for --reference-doc)."""
    _inflate_bounded(raw, name, _checked_infos(raw, name), keep=False)


def inflate_docx_container(raw: bytes, name: str) -> dict[str, bytes]:
    """The defences of check_docx_container, keeping what they inflate: every entry's bytes by
    name (a later entry of the same name wins, as in ZipFile.read), so that a reader need not
    inflate the package a second time."""
    infos = _checked_infos(raw, name)
    blobs = _inflate_ordinary(raw, name, infos)
    return blobs if blobs is not None else _inflate_bounded(raw, name, infos, keep=True)


def _checked_infos(raw: bytes, name: str) -> list[zipfile.ZipInfo]:
    head = raw[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("这是旧版 Word（.doc）文件，不是 .docx；请在 Word 中“另存为”Word 文档（.docx）", file=name)
    if head.startswith(b"%PDF"):
        raise InputError("这是 PDF 文件，扩展名却是 .docx；请提供 Word 原文件", file=name)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError) as e:
        # is_zipfile asks only for the end record, which ZipFile reads first: asked once it fails.
        if not zipfile.is_zipfile(io.BytesIO(raw)):
            raise InputError("不是有效的 .docx 文件（文件已损坏或不是 Word 文档）", file=name) from None
        raise InputError("不是有效的 .docx 文件（压缩包已损坏）", file=name) from e
    total = sum(i.file_size for i in infos)
    if total > MAX_DOCX_UNPACKED:
        raise InputError(f"解压后过大（{total // (1024 * 1024)} MB），拒绝读取", file=name)
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1):
            raise InputError(f"压缩比异常（{i.filename}），疑似压缩炸弹，拒绝读取", file=name)
        if i.filename.lower().endswith(_XML_SUFFIXES) and i.file_size > MAX_XML_PART:
            raise InputError(f"文件中的 {i.filename} 解压后有 {i.file_size // (1024 * 1024)} MB，远超任何报告"
                             f"（上限 {MAX_XML_PART // (1024 * 1024)} MB），拒绝读取；请检查是否选错了文件", file=name)
        if i.flag_bits & 0x1:  # zipfile would raise RuntimeError("File is encrypted…")
            raise InputError(f"文件中的 {i.filename} 被压缩软件加了密码，无法读取；"
                             "请提供未加密的 Word 文件（在 Word 中打开后另存为 .docx）", file=name)
    if "word/document.xml" not in names:
        raise InputError("压缩包中没有 word/document.xml，不是 Word 文档", file=name)
    return infos


def _doctype_refused(part: str, name: str) -> InputError:
    """The refusal of a part holding a DTD, found by either inflating path."""
    return InputError(f"文件中的 {part} 含有 DTD（<!DOCTYPE>），Word 保存的文件不会有这种内容，"
                      "文件可能被改动过，拒绝读取；请在 Word 中打开后另存为 .docx", file=name)


def _inflate_bounded(raw: bytes, name: str, infos: list[zipfile.ZipInfo], *, keep: bool) -> dict[str, bytes]:
    # The sizes above are what the zip *declares*. python-docx later reads each part whole, and
    # zipfile inflates a whole entry before cutting it to the declared size, so an entry that lies
    # ("1 KB") can inflate to gigabytes. Inflating every entry once in small chunks, checked
    # against its declared size and CRC, keeps memory bounded and catches the lie.
    # XML parts are scanned for a DTD on the way (the overlap keeps a "<!DOCTYPE" cut by a chunk).
    blobs: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            for info in infos:
                if info.is_dir():
                    continue
                xml = info.filename.lower().endswith(_XML_SUFFIXES)
                tail = b""
                chunks = []
                with zf.open(info) as fh:
                    while chunk := fh.read(64 * 1024):
                        if xml and any(d in tail + chunk for d in _DOCTYPE):
                            raise _doctype_refused(info.filename, name)
                        tail = chunk[-20:]
                        if keep:
                            chunks.append(chunk)
                if keep:
                    blobs[info.filename] = b"".join(chunks)
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as e:
        # RuntimeError: zipfile's "File is encrypted" for an entry the flags above did not mark.
        raise InputError("压缩包内容与其声明的大小或校验值不符（文件已损坏或疑似压缩炸弹），拒绝读取", file=name) from e
    return blobs


# A local file header (zipfile's structFileHeader): signature, versions, flags, method, time,
# date, CRC, sizes, then the lengths of the name and of the extra field.
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"  # zipfile.stringFileHeader
_UTF8_NAME = 0x800
_IRREGULAR_FLAGS = 0x1 | 0x20 | 0x40  # encrypted, compressed patched data, strong encryption


def _inflate_ordinary(raw: bytes, name: str, infos: list[zipfile.ZipInfo]) -> Optional[dict[str, bytes]]:
    """What _inflate_bounded(keep=True) returns, for a package whose every entry is ordinary
    (stored or deflated, its local header agreeing with the central directory, inflating to
    exactly its declared size and CRC in one bounded call): about ten times cheaper than
    zipfile's chunked reads. None as soon as an entry is anything else: _inflate_bounded then
    reads the package from its first entry and words whatever is wrong. The DTD refusal is the
    same: entries are taken in the same order and an entry is only scanned once it is known to
    inflate cleanly (the chunked scan, with its overlap, finds exactly what a whole scan finds)."""
    blobs: dict[str, bytes] = {}
    for info in infos:
        if info.is_dir():
            continue
        data = _ordinary_entry(raw, info)
        if data is None:
            return None
        if info.filename.lower().endswith(_XML_SUFFIXES) and _has_doctype(data):
            raise _doctype_refused(info.filename, name)
        blobs[info.filename] = data
    return blobs


def _has_doctype(data: bytes) -> bool:
    """Whether any of _DOCTYPE is in `data`. The UTF-16 spellings hold a zero byte, which UTF-8
    XML never does; "!" is rare in XML (Chinese text writes ！), so each one is looked at
    (memchr) instead of searching for a pattern starting with the commonest byte, "<"."""
    if b"\0" in data:
        return any(d in data for d in _DOCTYPE)
    at = data.find(b"!")
    while at != -1:
        if data.startswith(b"<!DOCTYPE", at - 1) and at > 0:
            return True
        at = data.find(b"!", at + 1)
    return False


def _ordinary_entry(raw: bytes, info: zipfile.ZipInfo) -> Optional[bytes]:
    # The checks of ZipFile.open and ZipExtFile, for the ordinary case only.
    if info.flag_bits & _IRREGULAR_FLAGS or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    offset = info.header_offset
    header = raw[offset:offset + _LOCAL.size]
    if len(header) != _LOCAL.size:
        return None
    fields = _LOCAL.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE:
        return None
    name_len, extra_len = fields[-2], fields[-1]
    start = offset + _LOCAL.size
    try:
        local_name = raw[start:start + name_len].decode("utf-8" if fields[3] & _UTF8_NAME else "cp437")
    except UnicodeDecodeError:
        return None
    if local_name != info.orig_filename:
        return None
    start += name_len + extra_len
    packed = raw[start:start + info.compress_size]
    if len(packed) != info.compress_size:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        data = packed if info.compress_size == info.file_size else b""
        if len(data) != info.file_size:
            return None
    else:
        inflater = zlib.decompressobj(-15)
        try:
            # At most one byte beyond the declared size: a lying entry costs no more memory.
            data = inflater.decompress(packed, info.file_size + 1)
        except zlib.error:
            return None
        if not inflater.eof or inflater.unconsumed_tail or inflater.unused_data or len(data) != info.file_size:
            return None
    return data if zlib.crc32(data) == info.CRC else None
