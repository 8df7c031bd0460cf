"""WordprocessingML as data: the namespaces, the order in which the schema (ISO/IEC 29500-1)
puts the children of the elements this package writes or edits, and the characters XML cannot
hold. Everything in authoring/ that names a namespace or an element order takes it from here.

Word refuses a file ("unreadable content") whose property elements are out of schema order or
repeated, while python-docx and LibreOffice read it happily: so the builders (oxml.py) and the
repairs (repair.py) order children by these tables, and nothing else decides the order.
"""
from __future__ import annotations

import re

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = "http://www.w3.org/XML/1998/namespace"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# The package (OPC): content types, relationships and their types.
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OD_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
# Document properties: core (Dublin Core), extended (app.xml), custom (our stamp).
CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
APP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"

NS = {"w": W, "r": R, "xml": XML, "mc": MC}


def qn(tag: str) -> str:
    """'w:p' → '{namespace}p' (python-docx's qn, without importing python-docx)."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


# The children of an element in schema order, by the element's local name (w: namespace).
ORDER: dict[str, tuple[str, ...]] = {
    # CT_PPr (17.3.1.26): CT_PPrBase, then the paragraph mark's run properties and the rest.
    "pPr": tuple(
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
        "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
        "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
        "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
        "rPr sectPr pPrChange".split()),
    # CT_RPr (17.3.2.28); a paragraph mark's w:rPr opens with the revision marks (ins … moveTo)
    # and ends with w:rPrChange, which repair.py places after any extension elements.
    "rPr": tuple(
        "ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline "
        "shadow emboss imprint noProof snapToGrid vanish webHidden color spacing w kern position "
        "sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout "
        "specVanish oMath".split()),
    # CT_TblPr (17.4.60)
    "tblPr": tuple(
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook".split()),
    # CT_TblBorders (17.4.39)
    "tblBorders": ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV"),
    # CT_TcPr (17.4.70): a cell's properties (a row's, CT_TrPr, are a choice in any order)
    "tcPr": tuple(
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
        "vAlign hideMark headers cellIns cellDel cellMerge tcPrChange".split()),
    # CT_Style (17.7.4.17)
    "style": tuple(
        "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed "
        "qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr "
        "tblStylePr".split()),
}
# Element tag → its place among its siblings, per parent: RANKS["pPr"][qn("w:jc")].
RANKS: dict[str, dict[str, int]] = {
    parent: {qn(f"w:{child}"): i for i, child in enumerate(children)}
    for parent, children in ORDER.items()
}

# Characters XML 1.0 cannot hold (and so neither can Word): C0 controls other than tab, newline
# and carriage return, lone surrogates (a Python string can carry them after a lossy decode),
# and the non-characters U+FFFE and U+FFFF.
BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
