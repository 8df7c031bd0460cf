"""The package: parts zipped deterministically (the same content gives the same bytes), stamped
with a hash of their content, and the check that a stamped file is unchanged since (the
overwrite guard in fileio.py asks it)."""
from __future__ import annotations

import hashlib
import io
import os
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from typing import Optional, Union

from lxml import etree

from authoring.docx.oxml import part_bytes
from authoring.docx.schema import (
    CONTENT_TYPES_NS,
    CUSTOM_NS,
    OD_REL,
    PACKAGE_RELS_NS,
    VT_NS,
)

PathLike = Union[str, "os.PathLike[str]"]

# Every entry gets this timestamp, so that the same content gives the same bytes (the zip format
# cannot hold dates before 1980; the document's own dates live in docProps/core.xml).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

STAMP_HASH = "authoring-hash"
STAMP_VERSION = "authoring-version"
CUSTOM_PART = "docProps/custom.xml"

_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = OD_REL + "custom-properties"
_THUMB_REL = PACKAGE_RELS_NS + "/metadata/thumbnail"
_EFFECTS_REL = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
# The format id Office uses for user-defined custom properties.
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

# A stamped file is re-hashed before it is overwritten; past this size it is not ours anyway.
_MAX_HASHED_BYTES = 256 * 1024 * 1024


def content_hash(parts: dict[str, bytes]) -> str:
    """SHA-256 over every part and every custom property except the stamp itself."""
    h = hashlib.sha256()
    for name in sorted(parts):
        data = parts[name]
        if name == CUSTOM_PART:
            # The stamp cannot hash itself, but the other custom properties are content: a
            # document system adding 文号 or 密级 there is an edit (they were lost unguarded).
            data = _properties_beyond_stamp(data)
            if not data:
                continue
        h.update(name.encode("utf-8") + b"\0" + len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _properties_beyond_stamp(data: bytes) -> bytes:
    """The custom properties other than the stamp, canonically (b"" when there are none); a part
    that is not XML counts whole."""
    try:
        root = etree.fromstring(data, _SAFE_PARSER)
    except etree.XMLSyntaxError:
        return data
    others = [p for p in root if p.get("name") not in (STAMP_HASH, STAMP_VERSION)]
    return b"".join(etree.tostring(p, method="c14n") for p in others)


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
    parts[rels_name] = part_bytes(rels)
    parts["[Content_Types].xml"] = part_bytes(types)


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
            types, f"{{{CONTENT_TYPES_NS}}}Override", PartName="/" + CUSTOM_PART, ContentType=_CUSTOM_CT
        )
        parts["[Content_Types].xml"] = part_bytes(types)
    rels = etree.fromstring(parts["_rels/.rels"])
    if not any(r.get("Type") == _CUSTOM_REL for r in rels):
        ids = {r.get("Id") for r in rels}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        etree.SubElement(rels, f"{{{PACKAGE_RELS_NS}}}Relationship", Id=f"rId{n}", Type=_CUSTOM_REL,
                         Target=CUSTOM_PART)
        parts["_rels/.rels"] = part_bytes(rels)


def _custom_xml(existing: Optional[bytes], stamp: dict[str, str]) -> bytes:
    # Keep custom properties a reference document brought along; replace only ours.
    if existing:
        root = etree.fromstring(existing)
    else:
        root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    for prop in list(root):
        if prop.get("name") in stamp:
            root.remove(prop)
    pid = max([int(p.get("pid", "1")) for p in root if str(p.get("pid", "1")).isdigit()] + [1])
    for name, value in stamp.items():
        pid += 1
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=_FMTID, pid=str(pid),
                                name=name)
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    return part_bytes(root)


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
        root = etree.fromstring(data, _SAFE_PARSER)
    except (OSError, KeyError, ValueError, RuntimeError, zipfile.BadZipFile, etree.XMLSyntaxError,
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
            parts = read_parts(zf, _MAX_HASHED_BYTES)
    except (OSError, ValueError, RuntimeError, zipfile.BadZipFile, zipfile.LargeZipFile,
            NotImplementedError, EOFError):
        return False
    return content_hash(parts) == stamp["hash"]
