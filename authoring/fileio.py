"""Writing outputs without losing anything: deterministic, stamped .docx packages, atomic writes,
and a guard that refuses to overwrite a report someone edited by hand."""
from __future__ import annotations

import errno
import hashlib
import io
import os
import secrets
import shutil
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Optional, Union

from lxml import etree

from .errors import OutputError

PathLike = Union[str, "os.PathLike[str]"]

# Every entry gets this timestamp, so that the same content gives the same bytes (the zip format
# cannot hold dates before 1980; the document's own dates live in docProps/core.xml).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

STAMP_HASH = "authoring-hash"
STAMP_VERSION = "authoring-version"
CUSTOM_PART = "docProps/custom.xml"

_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_THUMB_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
_EFFECTS_REL = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
# The format id Office uses for user-defined custom properties.
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

# A stamped file is re-hashed before it is overwritten; past this size it is not ours anyway.
_MAX_HASHED_BYTES = 256 * 1024 * 1024


# --- the package: deterministic zip and stamp ------------------------------------------------


def content_hash(parts: dict[str, bytes]) -> str:
    """SHA-256 over every part except the custom properties that hold the stamp itself."""
    h = hashlib.sha256()
    for name in sorted(parts):
        if name == CUSTOM_PART:
            continue
        data = parts[name]
        h.update(name.encode("utf-8") + b"\0" + len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_related(parts: dict[str, bytes], rels_name: str, base: str, rel_type: str) -> None:
    """Remove the parts a relationship of rel_type points to, with the relationship and any
    content-type override for them."""
    if rels_name not in parts or rel_type.encode("utf-8") not in parts[rels_name]:
        return  # nothing of that type (the lean base never has any): no need to parse
    rels = etree.fromstring(parts[rels_name])
    types = etree.fromstring(parts["[Content_Types].xml"])
    for rel in list(rels):
        if rel.get("Type") != rel_type or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        name = target.lstrip("/") if target.startswith("/") else base + target
        parts.pop(name, None)
        rels.remove(rel)
        for override in list(types):
            if override.get("PartName") == "/" + name:
                types.remove(override)
    parts[rels_name] = _xml(rels)
    parts["[Content_Types].xml"] = _xml(types)


def _without_template_leftovers(parts: dict[str, bytes]) -> None:
    # python-docx's template carries a thumbnail of some other document (Explorer would show it
    # as the report's preview) and a stale copy of its styles for Word 2010 (stylesWithEffects),
    # which still has the template's blue headings; both go.
    _drop_related(parts, "_rels/.rels", "", _THUMB_REL)
    _drop_related(parts, "word/_rels/document.xml.rels", "word/", _EFFECTS_REL)


def _register_custom_part(parts: dict[str, bytes]) -> None:
    types = etree.fromstring(parts["[Content_Types].xml"])
    if not any(o.get("PartName") == "/" + CUSTOM_PART for o in types):
        etree.SubElement(
            types, f"{{{_CT_NS}}}Override", PartName="/" + CUSTOM_PART, ContentType=_CUSTOM_CT
        )
        parts["[Content_Types].xml"] = _xml(types)
    rels = etree.fromstring(parts["_rels/.rels"])
    if not any(r.get("Type") == _CUSTOM_REL for r in rels):
        ids = {r.get("Id") for r in rels}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        etree.SubElement(rels, f"{{{_REL_NS}}}Relationship", Id=f"rId{n}", Type=_CUSTOM_REL,
                         Target=CUSTOM_PART)
        parts["_rels/.rels"] = _xml(rels)


def _custom_xml(existing: Optional[bytes], stamp: dict[str, str]) -> bytes:
    # Keep custom properties a reference document brought along; replace only ours.
    if existing:
        root = etree.fromstring(existing)
    else:
        root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
    for prop in list(root):
        if prop.get("name") in stamp:
            root.remove(prop)
    pid = max([int(p.get("pid", "1")) for p in root] + [1])
    for name, value in stamp.items():
        pid += 1
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property", fmtid=_FMTID, pid=str(pid),
                                name=name)
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = value
    return _xml(root)


def _zip(parts: dict[str, bytes]) -> bytes:
    # [Content_Types].xml first (some readers expect it there), then a fixed order.
    first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in parts]
    names = first + sorted(n for n in parts if n not in first)
    if sum(len(d) for d in parts.values()) >= 1 << 31 or len(names) >= 0xFFFF:
        return _zip_with_zipfile(names, parts)  # would need ZIP64: let zipfile do it
    local, central, offset = [], [], 0
    for name in names:
        crc, packed, size = _deflated(parts[name])
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800  # bit 11: the name is UTF-8
        # version 2.0, deflated, 1980-01-01 00:00 (DOS date 33, time 0), no extra field
        fields = (20, flags, 8, 0, 33, crc, len(packed), size, len(encoded))
        local.append(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0))
        local.append(encoded)
        local.append(packed)
        # made by version 2.0 on MS-DOS (the same bytes whatever the OS), no attributes
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0,
                                   offset))
        central.append(encoded)
        offset += 30 + len(encoded) + len(packed)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(names), len(names), len(directory),
                      offset, 0)
    return b"".join(local) + directory + end


def _deflated(data: bytes) -> tuple[int, bytes, int]:
    """CRC-32 and raw deflate of a part, as zipfile writes them. The parts a report shares with
    every report of its layout (styles, theme, footers, settings) are the very same bytes
    objects each time, so their deflate is kept, by identity: a report's own parts are
    compressed every time, even when their content repeats."""
    with _DEFLATED_LOCK:
        hit = _DEFLATED.get(id(data))
        if hit is not None and hit[0] is data:
            _DEFLATED.move_to_end(id(data))
            return hit[1]
    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    result = (zlib.crc32(data) & 0xFFFFFFFF, c.compress(data) + c.flush(), len(data))
    with _DEFLATED_LOCK:
        _DEFLATED[id(data)] = (data, result)  # holding data keeps its id from being reused
        while len(_DEFLATED) > 64:
            _DEFLATED.popitem(last=False)
    return result


_DEFLATED: "OrderedDict[int, tuple[bytes, tuple[int, bytes, int]]]" = OrderedDict()
_DEFLATED_LOCK = threading.Lock()


def _zip_with_zipfile(names: list[str], parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", allowZip64=True) as zf:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the same bytes whether built on Windows or Linux
            info.external_attr = 0
            zf.writestr(info, parts[name])
    return buf.getvalue()


def package_docx(raw: bytes, version: str) -> bytes:
    """Rewrite a saved .docx with fixed timestamps and order, stamped with its content hash."""
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        return package_parts({name: zf.read(name) for name in zf.namelist()}, version)


def package_parts(parts: dict[str, bytes], version: str) -> bytes:
    """Zip a package's parts (member name → bytes) deterministically, stamped with their hash."""
    parts = dict(parts)
    _without_template_leftovers(parts)
    _register_custom_part(parts)
    stamp = {STAMP_HASH: content_hash(parts), STAMP_VERSION: version}
    parts[CUSTOM_PART] = _custom_xml(parts.get(CUSTOM_PART), stamp)
    return _zip(parts)


class TooLarge(ValueError):
    """A zip whose parts inflate past the budget (damaged, or a zip bomb)."""


def read_parts(zf: zipfile.ZipFile, budget: int, *, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every member of an open zip, inflated in chunks and stopped once `budget` bytes are
    exceeded: a zip can declare 1 KB for a part that inflates to gigabytes."""
    parts: dict[str, bytes] = {}
    left = budget
    for info in zf.infolist():
        if info.filename in skip or info.is_dir():
            continue
        chunks = []
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(min(1 << 20, left + 1))
                if not chunk:
                    break
                left -= len(chunk)
                if left < 0:
                    raise TooLarge(info.filename)
                chunks.append(chunk)
        parts[info.filename] = b"".join(chunks)
    return parts


def read_stamp(path: PathLike) -> Optional[dict[str, str]]:
    """The stamp this tool left in a .docx ({'hash', 'version'}), or None if there is none."""
    try:
        with zipfile.ZipFile(path) as zf:
            zf.getinfo(CUSTOM_PART)  # KeyError when there is none
            others = tuple(n for n in zf.namelist() if n != CUSTOM_PART)
            data = read_parts(zf, 1024 * 1024, skip=others)[CUSTOM_PART]
        root = etree.fromstring(data)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError,
            NotImplementedError, EOFError):
        return None
    found = {p.get("name"): "".join(p.itertext()).strip() for p in root}
    if not found.get(STAMP_HASH):
        return None
    return {"hash": found[STAMP_HASH], "version": found.get(STAMP_VERSION, "")}


def is_unchanged(path: PathLike) -> bool:
    """True when the .docx was made by this tool and nobody has saved it since."""
    stamp = read_stamp(path)
    if stamp is None:
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            parts = read_parts(zf, _MAX_HASHED_BYTES, skip=(CUSTOM_PART,))
    except (OSError, ValueError, zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError,
            EOFError):
        return False
    return content_hash(parts) == stamp["hash"]


# --- files: atomic write and overwrite guard -------------------------------------------------


def _fail(path: PathLike, message: str) -> OutputError:
    return OutputError(message, file=str(path))


def _explain(path: PathLike, exc: OSError, *, replacing: bool) -> OutputError:
    """Turn an OSError into a message a clerk can act on."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return _fail(path, "磁盘空间不足，文件未写入（原有文件未改动）。请清理磁盘空间后重试，"
                           "或用 -o 保存到其他磁盘")
    if isinstance(exc, IsADirectoryError):
        return _fail(path, "这是一个文件夹，不是文件。请用 -o 指定要保存的文件名，如 -o 报告.docx")
    if isinstance(exc, FileNotFoundError):
        return _fail(path, f"文件夹“{Path(path).parent}”不存在。请先创建该文件夹，或用 -o 保存到已有的文件夹")
    if isinstance(exc, PermissionError):
        if replacing:
            # On Windows, replacing a file that Word or WPS has open fails exactly like this.
            return _fail(path, "文件被占用或没有写权限，请先在 Word/WPS 中关闭该文件，"
                               "或用 -o 另存为其他文件名")
        return _fail(path, "没有在该文件夹中写文件的权限。请用 -o 保存到有权限的文件夹（如“文档”或桌面）")
    if exc.errno == errno.EROFS:
        return _fail(path, "该位置是只读的。请用 -o 保存到可写的文件夹")
    reason = exc.strerror or exc.__class__.__name__
    return _fail(path, f"无法写入（{reason}），原有文件未改动。请检查路径，或用 -o 保存到其他位置")


def write_atomic(path: PathLike, data: bytes) -> None:
    """Write bytes to path via a temp file in the same folder, so a failure never leaves half a file."""
    target = Path(path)
    if target.is_dir():
        raise _explain(path, IsADirectoryError(errno.EISDIR, "is a directory"), replacing=False)
    if not target.parent.is_dir():
        raise _explain(path, FileNotFoundError(errno.ENOENT, "no such directory"), replacing=False)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    # O_EXCL: never clobber someone else's file; 0o666 lets the umask decide, as open() would.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o666)
    except OSError as exc:
        raise _explain(path, exc, replacing=False) from exc
    try:
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise _explain(path, exc, replacing=False) from exc
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise _explain(path, exc, replacing=True) from exc
    except BaseException:
        # Whatever went wrong (even Ctrl-C), the temp goes and the old file stays as it was.
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_dir(target.parent)


def _sync_dir(folder: Path) -> None:
    # Make the rename itself durable where the OS allows it (POSIX); Windows has no directory fds.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup_path(path: PathLike) -> Path:
    """The first free backup name beside path: 报告.bak-1.docx, 报告.bak-2.docx, ..."""
    target = Path(path)
    n = 1
    while True:
        candidate = target.with_name(f"{target.stem}.bak-{n}{target.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def _backup(path: Path) -> Path:
    while True:
        dest = backup_path(path)
        try:
            # "xb": if another process took the name meanwhile, try the next one; never overwrite.
            with open(path, "rb") as src, open(dest, "xb") as dst:
                shutil.copyfileobj(src, dst)
        except FileExistsError:
            continue
        except OSError as exc:
            try:
                dest.unlink()  # a half-written backup is worse than none: it looks like one
            except OSError:
                pass
            if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
                reason = "磁盘空间不足"
            else:
                reason = exc.strerror or exc.__class__.__name__
            raise _fail(path, f"无法备份原文件（{reason}），没有覆盖。请用 -o 另存为其他文件名") from exc
        try:
            shutil.copystat(path, dest)  # keep the old file's dates on its backup
        except OSError:
            pass
        return dest


def guard_overwrite(path: PathLike, force: bool, *, same_as: Optional[bytes] = None) -> Optional[Path]:
    """Refuse to overwrite a file this tool did not make or that was edited since; with force,
    back it up first and return the backup's path.

    `same_as`: for files that carry no stamp (plain text), the bytes about to be written; an
    existing file with exactly these bytes is overwritten silently.
    """
    target = Path(path)
    if not target.exists():
        return None
    if target.is_dir():
        raise _explain(path, IsADirectoryError(errno.EISDIR, "is a directory"), replacing=False)
    if same_as is not None:
        if _has_bytes(target, same_as):
            return None
        made_by_us, edited = False, False
    else:
        made_by_us = read_stamp(target) is not None
        edited = made_by_us and not is_unchanged(target)
        if made_by_us and not edited:
            return None
    if not force:
        if edited:
            why = "该文件生成后被修改过（可能在 Word/WPS 中编辑过），为免丢失修改，没有覆盖。"
        elif same_as is not None:
            why = "该文件已存在且内容与本次生成的不同，为免丢失内容，没有覆盖。"
        else:
            why = "该文件已存在且不是本工具生成的，为免丢失内容，没有覆盖。"
        raise _fail(path, why + "要保留两份，请用 -o 另一个文件名；要覆盖（原文件会先备份），请加 --force")
    return _backup(target)


def _has_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_new_file(path: PathLike, data: bytes, force: bool) -> Optional[Path]:
    """Write a file a clerk goes on to edit (a report YAML): never over an existing file unless
    `force`, and then only after copying it to a backup, whose path is returned."""
    target = Path(path)
    backup = None
    if target.exists():
        if not force:
            raise _fail(path, "文件已存在，为避免覆盖已填写的内容，未写入；请用 -o 另一个文件名，或加 --force 覆盖（原文件会先备份）")
        backup = _backup(target)
    write_atomic(target, data)
    return backup
