"""Build the docxtpl template the benchmark compares against: a .docx made with python-docx whose
paragraphs hold docxtpl's Jinja tags, laid out as close to our GB/T 9704 output as a template
author would reasonably get (A4, margins, the same fonts and sizes in named styles, odd/even
"— N —" page numbers).

The template is generated from code at benchmark time so that no binary is committed. Building it
is not timed: a docxtpl user keeps a finished template beside the script, and so does this
benchmark (see `ensure_template`).

    python benchmarks/docxtpl_template.py [PATH]      # write the template to PATH
"""
from __future__ import annotations

import re
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Optional

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

DEFAULT_PATH = Path(tempfile.gettempdir()) / "authoring-bench-docxtpl-template.docx"

# The same numbers as authoring/data/layout.yaml (GB/T 9704-2012); copied, not imported, so that
# the docxtpl side never imports our package.
FONTS = {"body": "仿宋_GB2312", "title": "方正小标宋简体", "h1": "黑体", "h2": "楷体_GB2312",
         "h3": "仿宋_GB2312", "page": "宋体", "latin": "Times New Roman"}
LINE_PITCH = 579  # twips: 225 mm of text height / 22 lines
CHAR = 320        # twips: one 16 pt character


def _fonts(rpr: Any, east_asia: str, latin: str = FONTS["latin"]) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia), ("hint", "eastAsia")):
        fonts.set(qn(f"w:{attr}"), value)


def _style(doc: Any, name: str, east_asia: str, size: float, *, first_line: bool = True,
           align: Optional[int] = None, keep_next: bool = False) -> Any:
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.color.rgb = None
    _fonts(style.element.get_or_add_rPr(), east_asia)
    pf = style.paragraph_format
    pf.first_line_indent = Pt(size * 2) if first_line else Pt(0)
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing = Pt(LINE_PITCH / 20)  # exact 28.95 pt: 22 lines a page
    pf.keep_with_next = keep_next
    if align is not None:
        pf.alignment = align
    return style


def _page_number(footer: Any, align: int) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.alignment = align

    def run(text: str = "", field: Optional[str] = None) -> None:
        r = p.add_run(text)
        r.font.size = Pt(14)
        _fonts(r._r.get_or_add_rPr(), FONTS["page"], FONTS["page"])
        if field:
            el = OxmlElement("w:fldChar") if field != "instr" else OxmlElement("w:instrText")
            if field == "instr":
                el.text = " PAGE "
            else:
                el.set(qn("w:fldCharType"), field)
            r._r.append(el)

    run("— ")
    run(field="begin")
    run(field="instr")
    run(field="separate")
    run("1")
    run(field="end")
    run(" —")


def build_template(path: Path = DEFAULT_PATH, *, lean: bool = False) -> Path:
    """Write the docxtpl template (styles + Jinja tags) to path and return it.

    python-docx's default template, which this starts from (as authoring's writer does), carries a
    438 KB styles.xml (164 styles) and a 438 KB stylesWithEffects.xml that docxtpl parses and zips
    on every render. lean=True drops stylesWithEffects.xml (Word 2013 and later do not write it)
    and the styles the template does not use, keeping the latent styles: about what a template
    saved by Word holds."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    _style(doc, "Normal", FONTS["body"], 16)
    _style(doc, "Title", FONTS["title"], 22, first_line=False, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)
    for level in (1, 2, 3):
        _style(doc, f"Heading {level}", FONTS[f"h{level}"], 16, keep_next=True)

    def para(text: str, style: str = "Normal", align: Optional[int] = None) -> Any:
        p = doc.add_paragraph(style=style)
        if text:
            p.add_run(text)
        if align is not None:
            p.alignment = align
        return p

    def lead_para(lead_font: Optional[str]) -> None:
        # A run-in heading ("（一）小标题。") in its level's font, then the paragraph's text.
        p = doc.add_paragraph(style="Normal")
        lead = p.add_run("{{ b.lead }}")
        if lead_font:
            _fonts(lead._r.get_or_add_rPr(), lead_font)
        p.add_run("{{ b.text }}")

    # The first paragraph of a fresh document is empty; the body is all ours.
    body = doc.element.body
    for child in list(body):
        if child.tag == qn("w:p"):
            body.remove(child)

    para("{{ title }}", "Title")
    para("{%p for para in preamble %}")
    para("{{ para }}")
    para("{%p endfor %}")
    para("{%p for part in parts %}")
    para("{{ part.heading }}", "Heading 1")
    para("{%p for b in part.blocks %}")
    para('{%p if b.kind == "h2" %}')
    para("{{ b.text }}", "Heading 2")
    para('{%p elif b.kind == "h3" %}')
    para("{{ b.text }}", "Heading 3")
    para("{%p elif b.level == 2 %}")
    lead_para(FONTS["h2"])
    para("{%p elif b.level == 1 %}")
    lead_para(FONTS["h1"])
    para("{%p else %}")
    lead_para(None)
    para("{%p endif %}")
    para("{%p endfor %}")
    para("{%p endfor %}")
    para("")
    sign = para("{{ signature.name }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    sign.paragraph_format.right_indent = Pt(32)
    sign.paragraph_format.first_line_indent = Pt(0)
    para("{%p if signature.date %}")
    date = para("{{ signature.date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(32)
    date.paragraph_format.first_line_indent = Pt(0)
    para("{%p endif %}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    if lean:
        _make_lean(path)
    return path


def _make_lean(path: Path) -> None:
    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    parts.pop("word/stylesWithEffects.xml", None)
    parts["word/_rels/document.xml.rels"] = re.sub(
        rb"<Relationship [^>]*stylesWithEffects[^>]*/>", b"", parts["word/_rels/document.xml.rels"])
    parts["[Content_Types].xml"] = re.sub(
        rb"<Override [^>]*stylesWithEffects[^>]*/>", b"", parts["[Content_Types].xml"])
    used = set(re.findall(rb'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', parts["word/document.xml"]))
    used |= {b"Normal", b"DefaultParagraphFont", b"TableNormal", b"NoList", b"Title",
             b"Heading1", b"Heading2", b"Heading3", b"Heading1Char", b"Heading2Char",
             b"Heading3Char", b"TitleChar"}
    root = etree.fromstring(parts["word/styles.xml"])
    for style in root.findall(qn("w:style")):
        if style.get(qn("w:styleId")).encode() not in used:
            root.remove(style)
    parts["word/styles.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def ensure_template(path: Path = DEFAULT_PATH) -> Path:
    """The template at path, built first if it is not there yet."""
    return path if path.is_file() else build_template(path)


if __name__ == "__main__":
    print(build_template(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH))
