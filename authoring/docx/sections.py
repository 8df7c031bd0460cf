"""The page: section properties (size, margins, the line grid, odd/even footers) and the page
number footers ("— N —", odd pages right, even pages left)."""
from __future__ import annotations

from typing import Any, Mapping

from lxml import etree

from authoring.docx.layout import Geometry, twips
from authoring.docx.oxml import (
    OxmlElement,
    el,
    indent,
    para_props,
    part_bytes,
    run_props,
)
from authoring.docx.schema import R, W, qn


def section_xml(layout: Mapping[str, Any], geo: Geometry) -> str:
    """The lean document's w:sectPr: page size, margins, the line grid, its two footers."""
    page = layout["page"]
    width, left, right = twips(page["width_mm"]), twips(page["left_mm"]), twips(page["right_mm"])
    return (
        f'<w:sectPr><w:footerReference w:type="default" r:id="rId6"/>'
        f'<w:footerReference w:type="even" r:id="rId7"/>'
        f'<w:pgSz w:w="{width}" w:h="{twips(page["height_mm"])}"/>'
        f'<w:pgMar w:top="{twips(page["top_mm"])}" w:right="{right}" '
        f'w:bottom="{twips(page["bottom_mm"])}" w:left="{left}" '
        f'w:header="{twips(page["header_mm"])}" w:footer="{twips(page["footer_mm"])}" '
        f'w:gutter="0"/><w:cols w:space="720"/>'
        # A line grid (页面设置 shows 每页 22 行); the 28 characters come from Normal's
        # character spacing, which Word, WPS and LibreOffice all honour alike.
        f'<w:docGrid w:type="lines" w:linePitch="{geo.line_pitch}"/></w:sectPr>')


def footer_part(layout: Mapping[str, Any], geo: Geometry, *, odd: bool) -> bytes:
    """A footer part holding the page number, for odd or even pages."""
    ftr = etree.Element(qn("w:ftr"), nsmap={"w": W, "r": R})
    p = etree.SubElement(ftr, qn("w:p"))
    etree.SubElement(etree.SubElement(p, qn("w:pPr")), qn("w:pStyle")).set(qn("w:val"), "Footer")
    fill_page_number(p, layout, geo, odd=odd)
    return part_bytes(ftr)


def fill_page_number(p: Any, layout: Mapping[str, Any], geo: Geometry, *, odd: bool) -> None:
    """"— N —" in 4号 half-width 宋体 around a live PAGE field; odd pages right, even left.
    p is a footer's w:p (its w:pStyle, if any, is kept)."""
    side = float(layout["page_number"]["side_chars"])
    size = float(layout["sizes"]["page_number"])
    ind = indent(0, geo.page_number_char, left_chars=0 if odd else side,
               right_chars=side if odd else 0)
    # line="240" auto is Word's 单倍行距: the page number keeps its own height, off the grid.
    ppr = para_props(snap=False, spacing=el("w:spacing", before=0, after=0, line=240,
                                       lineRule="auto"),
               ind=ind, jc="right" if odd else "left")
    apply_ppr(p, ppr)
    font = layout["fonts"]["page_number"]
    dash = layout["page_number"]["dash"]

    def run(*children: Any, hint: bool = False) -> None:
        r = OxmlElement("w:r")
        # 宋体 on every slot: the numerals are "半角宋体", not the Latin font.
        fonts = el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font)
        if hint:
            fonts.set(qn("w:hint"), "eastAsia")  # the 一字线 drawn full width
        r.append(run_props(fonts, size_pt=size))
        for c in children:
            r.append(c)
        p.append(r)

    def text(s: str) -> Any:
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = s
        return t

    run(text(f"{dash} "), hint=True)
    run(el("w:fldChar", fldCharType="begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run(instr)
    run(el("w:fldChar", fldCharType="separate"))
    run(text("1" if odd else "2"))  # shown until the field is updated; Word updates it on open
    run(el("w:fldChar", fldCharType="end"))
    run(text(f" {dash}"), hint=True)


def apply_ppr(p: Any, ppr: Any) -> None:
    """Give a paragraph our direct formatting, keeping its w:pStyle first as the schema requires."""
    target = p.find(qn("w:pPr"))
    if target is None:
        target = OxmlElement("w:pPr")
        p.insert(0, target)
    for child in list(target):
        if child.tag != qn("w:pStyle"):
            target.remove(child)
    for child in list(ppr):
        target.append(child)
