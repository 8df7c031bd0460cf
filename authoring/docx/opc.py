"""The package of a .docx walked as python-docx's package reader walks it, for docx/fast.py.

python-docx's PackageReader and PartFactory (opc/pkgreader.py, docx/__init__.py) on plain lxml
trees: the [Content_Types].xml look-ups, the walk of the relationships from the package's, the
parts python-docx parses as XML, each parsed with its parser options (stylespart.py). This is the
Open Packaging Conventions layer only (parts, content types, relationships); what the parts say
as WordprocessingML (the body, the styles, the layout) is read in fast.py. Where python-docx
would raise, this raises too, and where it would do something this does not mirror (a repeated
rId, no main document), Declined: either way fast.open_fast declines the document.
"""
from __future__ import annotations

import posixpath
from functools import lru_cache
from typing import Any, Optional

from authoring.docx.stylespart import parse, read_styles

_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
CT_DOCUMENT = _CT + "document.main+xml"
CT_STYLES = _CT + "styles+xml"
CT_SETTINGS = _CT + "settings+xml"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE_DOCUMENT = _RT + "officeDocument"
RT_IMAGE = _RT + "image"
RT_STYLES, RT_SETTINGS, RT_NUMBERING = _RT + "styles", _RT + "settings", _RT + "numbering"
# The content types python-docx loads as XML parts (docx/__init__.py's PartFactory table): it
# parses each when it opens the package, so a broken one makes python-docx refuse the file.
XML_PARTS = frozenset({
    "application/vnd.openxmlformats-package.core-properties+xml", _CT + "comments+xml", CT_DOCUMENT,
    _CT + "footer+xml", _CT + "header+xml", _CT + "numbering+xml", CT_SETTINGS, CT_STYLES,
})


class Declined(Exception):
    """This document is not one the fast path mirrors exactly: read it the general way."""


class Part:
    """One loaded part: content type, its parsed root (XML parts only) and its relationships
    by rId (internal: target part name; external: None), in python-docx's dict order. A
    styles part is parsed when the document has been (fast.FastDocument), the others at once."""

    def __init__(self, content_type: Optional[str], blob: bytes, xml: bool,
                 rels: dict[str, tuple[str, Optional[str]]]) -> None:
        self.content_type = content_type
        self.blob = blob
        self.xml = xml
        self.rels = rels
        self._element: Any = None
        if xml and content_type != CT_STYLES:
            self._element = parse(blob)

    @property
    def element(self) -> Any:
        if self.xml and self._element is None:
            self._element = parse(self.blob)
        return self._element

    def parse_styles(self, wanted: set[str]) -> Any:
        """The styles part's root, read as parse() reads it wherever anything reads it (stylespart.py)."""
        if self._element is None:
            self._element = read_styles(self.blob, wanted)
        return self._element


def load_package(blobs: dict[str, bytes]) -> tuple[dict[str, Part], str]:
    """The package's parts by part name, as python-docx loads them, and the main document's
    part name (its relationship from the package, to a part of the main document's type)."""
    # python-docx's PackageReader.from_file and PartFactory (opc/pkgreader.py, docx/__init__.py),
    # on plain lxml trees: the same [Content_Types].xml look-ups (case-insensitive), the same
    # walk of the relationships from the package's (depth first, each part once), the same
    # parts parsed, with python-docx's parser options. Where python-docx raises, this raises
    # too (fast.open_fast then declines).
    types = parse(blobs["[Content_Types].xml"])
    overrides: dict[str, Optional[str]] = {}
    defaults: dict[str, Optional[str]] = {}
    for o in types.iterfind(_CT_OVERRIDE):
        overrides[o.get("PartName").lower()] = o.get("ContentType")
    for d in types.iterfind(_CT_DEFAULT):
        defaults[d.get("Extension").lower()] = d.get("ContentType")

    def content_type(partname: str) -> Optional[str]:
        if partname.lower() in overrides:
            return overrides[partname.lower()]
        ext = posixpath.splitext(partname)[1]
        ext = ext[1:] if ext.startswith(".") else ext
        if ext.lower() in defaults:
            return defaults[ext.lower()]
        raise KeyError(f"no content type for partname '{partname}' in [Content_Types].xml")

    package_rels = _srels(blobs, "/")
    parts: dict[str, Part] = {}
    todo = [iter(package_rels)]  # python-docx's recursive walk, with a stack
    while todo:
        srel = next(todo[-1], None)
        if srel is None:
            todo.pop()
            continue
        reltype, partname = srel[1], srel[2]
        if partname is None or partname in parts:
            continue
        part_rels = _srels(blobs, partname)
        blob = blobs[partname[1:]]
        ctype = content_type(partname)
        xml = ctype in XML_PARTS and reltype != RT_IMAGE
        parts[partname] = Part(ctype, blob, xml, _rels(part_rels))
        todo.append(iter(part_rels))
    main = [target for rtype, target in _rels(package_rels).values() if rtype == RT_OFFICE_DOCUMENT]
    if len(main) != 1 or main[0] is None or parts[main[0]].content_type != CT_DOCUMENT:
        raise Declined("main document")
    return parts, main[0]


_CT_OVERRIDE = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
_CT_DEFAULT = "{http://schemas.openxmlformats.org/package/2006/content-types}Default"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# One relationship: (rId, type, target part name or None when external).
_SRel = tuple[Optional[str], Optional[str], Optional[str]]


def _srels(blobs: dict[str, bytes], source: str) -> list[_SRel]:
    """The relationships of the part `source` (python-docx's _SerializedRelationships)."""
    base, filename = posixpath.split(source)
    xml = blobs.get(posixpath.join(base, "_rels", f"{filename}.rels")[1:])
    if xml is None:
        return []
    out: list[_SRel] = []
    for rel in parse(xml).iterfind(_RELATIONSHIP):
        external = rel.get("TargetMode", "Internal") == "External"
        target = None if external else _target(base, rel.get("Target"))
        out.append((rel.get("Id"), rel.get("Type"), target))
    return out


@lru_cache(maxsize=1024)
def _target(base: str, ref: str) -> str:
    """python-docx's PackURI.from_rel_ref (the same few targets in every file of a batch)."""
    return posixpath.abspath(posixpath.join(base, ref))


def _rels(srels: list[_SRel]) -> dict[str, tuple[str, Optional[str]]]:
    # As python-docx's _Relationships: keyed by rId, in the order of the .rels part.
    out: dict[str, tuple[str, Optional[str]]] = {}
    for rid, reltype, target in srels:
        if rid in out or rid is None or reltype is None:
            # python-docx keeps the first internal target of a repeated rId apart from the
            # relationship that replaced it: not mirrored here (nor rels without Id or Type).
            raise Declined("repeated rId")
        out[rid] = (reltype, target)
    return out
