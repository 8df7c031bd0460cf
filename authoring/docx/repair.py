"""Repairs to the parts of a reference document, so that what we write passes the schema.

A reference .docx saved by LibreOffice has run properties out of schema order in its footers
(w:sz before w:rFonts) and no theme part; Word repairs such files silently, the Open XML SDK
rejects them. We keep the reference's look and put its XML in the order the schema asks.
"""
from __future__ import annotations

from lxml import etree

from authoring.docx.oxml import part_bytes
from authoring.docx.schema import (
    CONTENT_TYPES_NS,
    OD_REL,
    PACKAGE_RELS_NS,
    RANKS,
    W,
    qn,
)

_THEME_REL = OD_REL + "theme"
_THEME_CT = "application/vnd.openxmlformats-officedocument.theme+xml"

# CT_RPr (ISO/IEC 29500-1 17.3.2.28): the order of a run's properties (schema.ORDER); a
# paragraph mark's w:rPr may open with the revision marks and end with w:rPrChange.
_RPR_ORDER = RANKS["rPr"]
_RPR_CHANGE = qn("w:rPrChange")


def _rank(child: etree._Element) -> int:
    if child.tag == _RPR_CHANGE:
        return len(_RPR_ORDER) + 1
    # Extensions (w14:…) and anything else come after the base properties.
    return _RPR_ORDER.get(child.tag, len(_RPR_ORDER))


def order_run_properties(xml: bytes) -> bytes:
    """The part with every w:rPr's children in schema order (unchanged bytes if already so)."""
    root = etree.fromstring(xml)
    changed = False
    for rpr in root.iter(f"{{{W}}}rPr"):
        children = [c for c in rpr if isinstance(c.tag, str)]
        ordered = sorted(children, key=_rank)  # stable: equal ranks keep their order
        if ordered != children:
            changed = True
            for c in children:
                rpr.remove(c)
            rpr.extend(ordered)
    if not changed:
        return xml
    return part_bytes(root)


def ensure_theme(parts: dict[str, bytes], theme: bytes) -> None:
    """Give a package without a theme part ours: the SDK requires one for the main document."""
    rels_name = "word/_rels/document.xml.rels"
    if rels_name not in parts or "[Content_Types].xml" not in parts:
        return
    rels = etree.fromstring(parts[rels_name])
    if any(r.get("Type") == _THEME_REL for r in rels):
        return
    name = "word/theme/theme1.xml"
    while name in parts:
        name = name.replace(".xml", "0.xml")
    ids = {r.get("Id") for r in rels}
    n = 1
    while f"rId{n}" in ids:
        n += 1
    etree.SubElement(rels, f"{{{PACKAGE_RELS_NS}}}Relationship", Id=f"rId{n}", Type=_THEME_REL,
                     Target=name[len("word/"):])
    parts[rels_name] = part_bytes(rels)
    types = etree.fromstring(parts["[Content_Types].xml"])
    etree.SubElement(types, f"{{{CONTENT_TYPES_NS}}}Override", PartName=f"/{name}", ContentType=_THEME_CT)
    parts["[Content_Types].xml"] = part_bytes(types)
    parts[name] = theme


def style_ids(styles_xml: bytes) -> set[str]:
    """The styleIds a styles part defines."""
    root = etree.fromstring(styles_xml)
    return {s.get(f"{{{W}}}styleId") or "" for s in root.iter(f"{{{W}}}style")}


def drop_undefined_paragraph_styles(xml: bytes, defined: set[str]) -> bytes:
    """Remove w:pStyle references to styles the package does not define (python-docx's footer
    template names "Footer", which a LibreOffice-saved reference may lack)."""
    root = etree.fromstring(xml)
    changed = False
    for ps in list(root.iter(f"{{{W}}}pStyle")):
        if ps.get(f"{{{W}}}val") not in defined:
            ps.getparent().remove(ps)
            changed = True
    if not changed:
        return xml
    return part_bytes(root)
