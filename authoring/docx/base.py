"""What every report with the same layout shares: the parts but the body and the document
properties, built once per layout (the lean base), and what the body needs to know of them."""
from __future__ import annotations

from typing import Any, Mapping, Optional

from lxml import etree

from authoring.docx.layout import Geometry, layout_key, resolve_layout, twips
from authoring.docx.oxml import (
    PARSER,
    XML_DECL,
    el,
    indent,
    inner_xml,
    para_props,
    part_bytes,
    run_fonts,
    run_props,
    xml_of,
)
from authoring.docx.parts import (
    CONTENT_TYPES,
    DOC_ROOT,
    DOCUMENT_RELS,
    PACKAGE_RELS,
    base_part,
)
from authoring.docx.sections import footer_part, section_xml
from authoring.docx.styles import default_paragraph_style, font_table, setup_styles


class Base:
    """What the body of a report needs to know about the document it goes into: style ids,
    the heading levels' fonts, the text block's width, and the property XML of run-in
    headings and table cells (the same for every report with this layout)."""

    def __init__(self, layout: Mapping[str, Any], geo: Geometry, style_ids: dict[str, Any],
                 default_style_id: Optional[str], level_fonts: dict[int, str],
                 block_width_emu: int) -> None:
        self.layout, self.geo = layout, geo
        self.style_ids, self.default_style_id = style_ids, default_style_id
        self.block_width_emu = block_width_emu
        fonts, latin = layout["fonts"], layout["fonts"]["latin"]
        self.pstyle = {}
        for name, sid in style_ids.items():
            # python-docx wrote w:pStyle only for a style other than the default one.
            self.pstyle[name] = "" if sid is None or sid == default_style_id \
                else xml_of(el("w:pStyle", val=str(sid)))
        self.lead_rpr = {}
        for level in range(1, 5):
            bold = bool(layout.get("heading3_bold")) and level == 3
            self.lead_rpr[level] = xml_of(run_props(run_fonts(level_fonts[level], latin, hint=True),
                                                bold=True if bold else None))
        size = float(layout["sizes"]["table"])
        self.cell_ppr, self.cell_rpr = {}, {}
        for header in (True, False):
            self.cell_ppr[header] = inner_xml(para_props(
                snap=False, spacing=el("w:spacing", before=0, after=0, line=240, lineRule="auto"),
                ind=indent(0, geo.char), jc="center" if header else "left"))
            east = fonts["heading1"] if header else fonts["body"]
            self.cell_rpr[header] = xml_of(run_props(run_fonts(east, latin, hint=True), size_pt=size))


class LeanBase(Base):
    """Every part but the body and the document properties, built once per layout."""

    def __init__(self, layout: Mapping[str, Any]) -> None:
        geo = Geometry(layout)
        styles = etree.fromstring(base_part("styles.xml"), PARSER)
        style_ids, level_fonts = setup_styles(styles, layout, geo, from_reference=False,
                                               add_style=self._no_style)
        page = layout["page"]
        width, left, right = twips(page["width_mm"]), twips(page["left_mm"]), twips(page["right_mm"])
        super().__init__(layout, geo, style_ids, default_paragraph_style(styles), level_fonts,
                         (width - left - right) * 635)
        self.head = XML_DECL + DOC_ROOT + "<w:body>"
        self.tail = section_xml(layout, geo) + "</w:body></w:document>"
        self.parts = {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": PACKAGE_RELS,
            "word/_rels/document.xml.rels": DOCUMENT_RELS,
            "word/styles.xml": part_bytes(styles),
            # Word 2013+ layout (compatibilityMode 15), odd/even footers, zh-CN theme fonts.
            "word/settings.xml": base_part("settings.xml"),
            "word/webSettings.xml": base_part("webSettings.xml"),
            "word/theme/theme1.xml": base_part("theme1.xml"),
            "word/fontTable.xml": font_table(base_part("fontTable.xml"), layout, False),
            "word/footer1.xml": footer_part(layout, geo, odd=True),
            "word/footer2.xml": footer_part(layout, geo, odd=False),
        }

    @staticmethod
    def _no_style(name: str) -> Any:
        raise AssertionError(f"the base styles.xml lacks {name}")

    def document_xml(self, body: str) -> bytes:
        """document.xml around a body's text."""
        return (self.head + body + self.tail).encode("utf-8")


LEAN_BASES: dict[Any, LeanBase] = {}


def lean_base(layout: Mapping[str, Any]) -> LeanBase:
    """The lean base of a resolved layout (kept for the next report with the same layout)."""
    key = layout_key(layout)
    base = LEAN_BASES.get(key)
    if base is None:
        if len(LEAN_BASES) >= 32:  # a batch of reports with many different layouts
            LEAN_BASES.clear()
        base = LEAN_BASES[key] = LeanBase(layout)
    return base


_BY_OVERRIDES: dict[Any, LeanBase] = {}


def lean_base_of(overrides: Optional[Mapping[str, Any]]) -> LeanBase:
    """lean_base(resolve_layout(overrides)), found by the report's own `layout:` section (most
    reports have none): merging it onto a copy of layout.yaml and keying the whole result was
    a third of the writer's time for every report. Two sections that resolve alike share the
    base lean_base keeps for their resolved layout."""
    key = layout_key(overrides or {})
    base = _BY_OVERRIDES.get(key)
    if base is None:
        if len(_BY_OVERRIDES) >= 32:
            _BY_OVERRIDES.clear()
        base = _BY_OVERRIDES[key] = lean_base(resolve_layout(overrides))
    return base
