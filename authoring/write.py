"""Write blocks to a Word .docx laid out to GB/T 9704-2012 (and to plain text for publication).

The numbers come from data/layout.yaml, merged with a report's `layout:` section. Fonts live in
named styles (Normal, Title, Heading 1-4) so that Word's navigation pane and a clerk's later
edits work as usual; only run-in headings carry direct formatting.

Speed: everything but the body and the document properties is the same for every report with
the same layout, so it is built once per layout (from the lean base parts in data/docx/) and
kept as bytes; a report's body is written as WordprocessingML text. python-docx is imported only
for a --reference-doc.
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from functools import lru_cache
from typing import Any, Callable, Mapping, Optional, Sequence

from lxml import etree

from . import __version__
from .blocks import Block, Heading, Paragraph, Signature, Table, Title, block_text
from .errors import AuthoringError, InputError
from .fileio import package_parts, read_parts
from .measure import Geometry, lead_runs_over, signature_lines, title_lines
from .resources import data_dir, load_yaml_file

__all__ = ["resolve_layout", "build_docx", "text_bytes"]

# The styles this writer fills in, by the names Word stores (the UI shows 标题 1 etc.).
_HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}
# Characters XML 1.0 cannot hold (and so neither can Word).
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --- layout --------------------------------------------------------------------------------


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        elif value is not None:
            base[key] = copy.deepcopy(value)
    return base


def resolve_layout(overrides: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
    """layout.yaml deep-merged with a report's `layout:` section (the report wins)."""
    # Deep copy: the defaults are cached and shared, and must never see a report's overrides.
    return _merge(copy.deepcopy(_layout_defaults()), overrides or {})


@lru_cache(maxsize=None)
def _layout_defaults() -> dict[str, Any]:
    """layout.yaml (parsed once)."""
    return load_yaml_file(data_dir() / "layout.yaml")


# The page geometry and the title's line breaks live in measure.py, shared with the HTML page
# preview (which must break the title exactly as this writer does).
_Geometry = Geometry


# --- small XML helpers -----------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS = {"w": _W, "r": _R, "xml": "http://www.w3.org/XML/1998/namespace"}
_W_DECL = f' xmlns:w="{_W}"'
_XML_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
# Templates ship pretty-printed; Word's own parts carry no whitespace between elements.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def qn(tag: str) -> str:
    """'w:p' → '{namespace}p' (python-docx's qn, without importing python-docx)."""
    prefix, local = tag.split(":")
    return f"{{{_NS[prefix]}}}{local}"


def OxmlElement(tag: str) -> Any:  # noqa: N802 (python-docx's name, kept for readability)
    return etree.Element(qn(tag), nsmap={"w": _W})


def _el(tag: str, **attrs: Any) -> Any:
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), str(v))
    return e


def _fonts(east_asia: str, latin: str, *, hint: bool = False) -> Any:
    # python-docx's font.name fills only ascii/hAnsi; Chinese text is drawn from w:eastAsia.
    e = _el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin)
    if hint:
        # Tells Word that “”‘’—… belong to the Chinese font (full width), as typing them does.
        e.set(qn("w:hint"), "eastAsia")
    return e


def _rpr(fonts: Any, *, size_pt: Optional[float] = None, bold: Optional[bool] = None,
         black: bool = False, spacing: Optional[int] = None) -> Any:
    """A fresh w:rPr, children in schema order (Word rejects files with them out of order)."""
    rpr = OxmlElement("w:rPr")
    rpr.append(fonts)
    if bold is not None:
        rpr.append(_el("w:b", val=int(bold)))
        rpr.append(_el("w:bCs", val=int(bold)))
    if black:
        rpr.append(_el("w:color", val="000000"))
    if spacing is not None:
        rpr.append(_el("w:spacing", val=spacing))
    if size_pt is not None:
        rpr.append(_el("w:sz", val=int(round(size_pt * 2))))
        rpr.append(_el("w:szCs", val=int(round(size_pt * 2))))
    return rpr


def _ind(first_chars: float, char: int, *, left_chars: float = 0, right_chars: float = 0) -> Any:
    # Both the character count (Word, WPS) and twips (LibreOffice, older readers) are given;
    # an explicit 0 matters because *Chars values are inherited from Normal and win over twips.
    return _el("w:ind",
               leftChars=int(round(left_chars * 100)), left=int(round(left_chars * char)),
               rightChars=int(round(right_chars * 100)), right=int(round(right_chars * char)),
               firstLineChars=int(round(first_chars * 100)), firstLine=int(round(first_chars * char)))


def _ppr(*, keep_next: bool = False, widow: Optional[bool] = None,
         autospace: Optional[bool] = None, snap: Optional[bool] = None,
         spacing: Optional[Any] = None, ind: Optional[Any] = None, jc: Optional[str] = None,
         outline: Optional[int] = None) -> Any:
    """A fresh w:pPr, children in schema order."""
    ppr = OxmlElement("w:pPr")
    if keep_next:
        ppr.append(_el("w:keepNext"))
    if widow is not None:
        ppr.append(_el("w:widowControl", val=int(widow)))
    if autospace is not None:
        ppr.append(_el("w:autoSpaceDE", val=int(autospace)))
        ppr.append(_el("w:autoSpaceDN", val=int(autospace)))
    if snap is not None:
        ppr.append(_el("w:snapToGrid", val=int(snap)))
    for child in (spacing, ind):
        if child is not None:
            ppr.append(child)
    if jc:
        ppr.append(_el("w:jc", val=jc))
    if outline is not None:
        ppr.append(_el("w:outlineLvl", val=outline))
    return ppr


def _exact(line: int, *, before: int = 0, after: int = 0) -> Any:
    return _el("w:spacing", before=before, after=after, line=line, lineRule="exact")


def _xml_of(el: Any) -> str:
    """An element as text for the body (whose root declares w:), without its own xmlns:w."""
    return etree.tostring(el, encoding="unicode").replace(_W_DECL, "", 1)


def _inner_xml(el: Any) -> str:
    """The children of an element as text: a w:pPr's properties, to go after a w:pStyle."""
    return "".join(_xml_of(c) for c in el)


def _text(s: str) -> str:
    # What lxml escapes in text: the body is written as text, so the same must hold.
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(s: str) -> str:
    return (_text(s).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")
            .replace("\r", "&#13;"))


_RUN_PIECES = re.compile(r"([\t\r\n])")
# Only the hint, as Word writes when a clerk types Chinese: the style gives the fonts.
_HINT_RPR = '<w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>'


def _run_xml(text: str, rpr: str, texts: list[str]) -> str:
    """One w:r as python-docx's run.text writes it: tab → w:tab, CR/LF → w:br, the rest in w:t
    (xml:space="preserve" when it starts or ends with white space). texts collects the w:t text."""
    out = ["<w:r>", rpr]
    if text:
        for piece in _RUN_PIECES.split(text):
            if piece == "\t":
                out.append("<w:tab/>")
            elif piece in ("\r", "\n"):
                out.append("<w:br/>")
            elif piece:
                texts.append(piece)
                if len(piece.strip()) < len(piece):
                    out.append(f'<w:t xml:space="preserve">{_text(piece)}</w:t>')
                else:
                    out.append(f"<w:t>{_text(piece)}</w:t>")
    out.append("</w:r>")
    return "".join(out)


def _replace_props(style_el: Any, ppr: Optional[Any], rpr: Optional[Any]) -> None:
    """Swap a style's pPr/rPr for ours, so nothing of the template's look (theme fonts,
    blue colour, spacing) survives."""
    for tag in ("w:pPr", "w:rPr"):
        for old in style_el.findall(qn(tag)):
            style_el.remove(old)
    # pPr and rPr come after every other child of w:style except tblPr and friends.
    anchor = next((c for c in style_el if c.tag in (qn("w:tblPr"), qn("w:trPr"), qn("w:tcPr"),
                                                     qn("w:tblStylePr"))), None)
    for el in (ppr, rpr):
        if el is None:
            continue
        if anchor is None:
            style_el.append(el)
        else:
            anchor.addprevious(el)


def _style_named(styles: Any, *names: str) -> Optional[Any]:
    """A paragraph style by any of its stored names (Word writes "heading 1", WPS "标题 1")."""
    wanted = {n.lower() for n in names}
    for s in styles.findall(qn("w:style")):
        name = s.find(qn("w:name"))
        if s.get(qn("w:type")) == "paragraph" and name is not None \
                and name.get(qn("w:val"), "").lower() in wanted:
            return s
    return None


def _default_paragraph_style(styles: Any) -> Optional[str]:
    """The styleId of the default paragraph style (the last one marked default, as in the spec)."""
    found = None
    for s in styles.findall(qn("w:style")):
        if s.get(qn("w:type")) == "paragraph" and \
                (s.get(qn("w:default")) or "").lower() in ("1", "true", "on"):
            found = s.get(qn("w:styleId"))
    return found


# --- what every report with the same layout shares ---------------------------------------------


_CHINESE_NAMES = {"Normal": "正文", "Title": "标题", "Heading 1": "标题 1", "Heading 2": "标题 2",
                  "Heading 3": "标题 3", "Heading 4": "标题 4"}


def _setup_styles(styles: Any, layout: Mapping[str, Any], geo: _Geometry, *, from_reference: bool,
                  add_style: Callable[[str], Any]) -> tuple[dict[str, Any], dict[int, str]]:
    """Fill in Normal, Title and Heading 1-4 (a reference doc's own styles win); returns the
    style ids by name and the East Asian font of each heading level."""
    f, latin, sizes = layout["fonts"], layout["fonts"]["latin"], layout["sizes"]
    body = float(sizes["body"])
    first = float(layout["indent"]["first_line_chars"])
    props: dict[str, tuple[Any, Any]] = {
        "Normal": (
            _ppr(widow=False, spacing=_exact(geo.line_pitch), ind=_ind(first, geo.char),
                 jc="both"),
            _rpr(_fonts(f["body"], latin, hint=True), size_pt=body, spacing=geo.char_spacing),
        ),
        "Title": (
            # No grid snapping: LibreOffice would give each 22 pt line two grid lines.
            _ppr(keep_next=True, snap=False,
                 spacing=_exact(geo.line_pitch,
                                after=geo.line_pitch * int(layout["title"]["blank_lines_after"])),
                 ind=_ind(0, geo.char), jc="center"),
            _rpr(_fonts(f["title"], latin, hint=True), size_pt=float(sizes["title"]),
                 bold=False, black=True, spacing=0),
        ),
    }
    heading_fonts = {1: f["heading1"], 2: f["heading2"], 3: f["heading3"], 4: f["heading3"]}
    for level, name in _HEADING_STYLES.items():
        bold = bool(layout.get("heading3_bold")) and level == 3
        props[name] = (
            # Literal numbers, no numPr: a clerk's Word must show exactly what we wrote.
            _ppr(keep_next=True, outline=level - 1),
            _rpr(_fonts(heading_fonts[level], latin, hint=True), size_pt=body, bold=bold,
                 black=True),
        )
    if not from_reference:
        _set_doc_defaults(styles, layout)
    _spell_out_overflow_punct(styles)
    style_ids: dict[str, Any] = {}
    for name, (ppr, rpr) in props.items():
        existing = _style_named(styles, name, _CHINESE_NAMES.get(name, name))
        if existing is not None and from_reference:
            # The agency's own style wins, as in pandoc: that is what a reference doc is for.
            style_ids[name] = existing.get(qn("w:styleId"))
            continue
        if existing is None:
            existing = add_style(name)
        _replace_props(existing, ppr, rpr)
        style_ids[name] = existing.get(qn("w:styleId"))
        _match_linked_style(styles, existing, rpr)
    level_fonts = {level: _east_asia_of(styles, style_ids.get(_HEADING_STYLES[level]))
                   or heading_fonts[level] for level in range(1, 5)}
    return style_ids, level_fonts


def _match_linked_style(styles: Any, style_el: Any, rpr: Any) -> None:
    """Give the character style linked to a paragraph style (标题 1 字符…) the same look:
    Word applies it when a clerk gives part of a paragraph the heading style, and the
    template's version is blue Calibri."""
    link = style_el.find(qn("w:link"))
    if link is None:
        return
    for other in styles.findall(qn("w:style")):
        if other.get(qn("w:styleId")) == link.get(qn("w:val")) \
                and other.get(qn("w:type")) == "character":
            _replace_props(other, None, copy.deepcopy(rpr))


def _set_doc_defaults(styles: Any, layout: Mapping[str, Any]) -> None:
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = _rpr(_fonts(layout["fonts"]["body"], layout["fonts"]["latin"]),
               size_pt=float(layout["sizes"]["body"]))
    # zh-CN so that Word picks Chinese punctuation widths and line-breaking rules.
    rpr.append(_el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    for old in rpr_default.findall(qn("w:rPr")):
        rpr_default.remove(old)
    rpr_default.append(rpr)


# What may follow w:overflowPunct in a w:pPr (CT_PPrBase order).
_AFTER_OVERFLOW_PUNCT = {qn(f"w:{t}") for t in (
    "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
    "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange").split()}


def _spell_out_overflow_punct(styles: Any) -> None:
    """Say w:overflowPunct (允许标点溢出边界) in the document defaults unless they say it.

    Omitted, it means "on" (ISO/IEC 29500-1 17.3.1.21), and Word hangs a line-end mark into
    the margin. LibreOffice reads the element inverted (on → no hanging, as its DOCX import
    maps it to ParaIsHangingPunctuation = not val), takes omission as its own default
    (hanging) and then draws no hanging mark at all in a justified line: 26 marks missing
    from the three examples' PDFs. Spelled out, Word still hangs, LibreOffice moves the
    character before the mark down with it, and every mark is drawn in both."""
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = etree.SubElement(defaults, qn("w:pPrDefault"))
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.SubElement(ppr_default, qn("w:pPr"))
    if ppr.find(qn("w:overflowPunct")) is not None:
        return
    mark = _el("w:overflowPunct", val=1)
    later = next((c for c in ppr if c.tag in _AFTER_OVERFLOW_PUNCT), None)
    if later is None:
        ppr.append(mark)
    else:
        later.addprevious(mark)


def _east_asia_of(styles: Any, sid: Optional[str]) -> Optional[str]:
    """The East Asian font a style ends up with, following basedOn (for reference docs)."""
    seen: set[str] = set()
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    while sid and sid not in seen:
        seen.add(sid)
        style = by_id.get(sid)
        if style is None:
            break
        fonts = style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        based = style.find(qn("w:basedOn"))
        sid = based.get(qn("w:val")) if based is not None else None
    return None


def _fill_page_number(p: Any, layout: Mapping[str, Any], geo: _Geometry, *, odd: bool) -> None:
    """"— N —" in 4号 half-width 宋体 around a live PAGE field; odd pages right, even left.
    p is a footer's w:p (its w:pStyle, if any, is kept)."""
    side = float(layout["page_number"]["side_chars"])
    size = float(layout["sizes"]["page_number"])
    ind = _ind(0, geo.page_number_char, left_chars=0 if odd else side,
               right_chars=side if odd else 0)
    # line="240" auto is Word's 单倍行距: the page number keeps its own height, off the grid.
    ppr = _ppr(snap=False, spacing=_el("w:spacing", before=0, after=0, line=240,
                                       lineRule="auto"),
               ind=ind, jc="right" if odd else "left")
    _apply_ppr(p, ppr)
    font = layout["fonts"]["page_number"]
    dash = layout["page_number"]["dash"]

    def run(*children: Any, hint: bool = False) -> None:
        r = OxmlElement("w:r")
        # 宋体 on every slot: the numerals are "半角宋体", not the Latin font.
        fonts = _el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font)
        if hint:
            fonts.set(qn("w:hint"), "eastAsia")  # the 一字线 drawn full width
        r.append(_rpr(fonts, size_pt=size))
        for c in children:
            r.append(c)
        p.append(r)

    def text(s: str) -> Any:
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = s
        return t

    run(text(f"{dash} "), hint=True)
    run(_el("w:fldChar", fldCharType="begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run(instr)
    run(_el("w:fldChar", fldCharType="separate"))
    run(text("1" if odd else "2"))  # shown until the field is updated; Word updates it on open
    run(_el("w:fldChar", fldCharType="end"))
    run(text(f" {dash}"), hint=True)


def _apply_ppr(p: Any, ppr: Any) -> None:
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


def _font_table(xml: bytes, layout: Mapping[str, Any], from_reference: bool) -> bytes:
    """List the fonts we use, the Chinese ones as GB2312 (charset 86) with a fallback name,
    so that a machine without 仿宋_GB2312 substitutes a Chinese font, not a Latin one."""
    fonts = layout["fonts"]
    root = etree.fromstring(xml, _PARSER)
    used = [fonts["latin"]] + sorted({str(v) for k, v in fonts.items() if k != "latin"})
    if not from_reference:
        # The template's table names Cambria, ＭＳ 明朝 and friends, which we never use.
        for font in root.findall(qn("w:font")):
            if font.get(qn("w:name")) not in used:
                root.remove(font)
    present = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    # A font the base table does not describe gets its first substitute as w:altName.
    fallbacks = {k: v[0] for k, v in (layout.get("font_substitutes") or {}).items() if v}
    for name in used:
        if name in present:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        if fallbacks.get(name):
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), str(fallbacks[name]))
        chinese = any(ord(c) > 0x2E80 for c in name)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86" if chinese else "00")
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "modern" if chinese else "roman")
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "fixed" if chinese else "variable")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _Base:
    """What the body of a report needs to know about the document it goes into: style ids,
    the heading levels' fonts, the text block's width, and the property XML of run-in
    headings and table cells (the same for every report with this layout)."""

    def __init__(self, layout: Mapping[str, Any], geo: _Geometry, style_ids: dict[str, Any],
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
                else f'<w:pStyle w:val="{_attr(str(sid))}"/>'
        self.lead_rpr = {}
        for level in range(1, 5):
            bold = bool(layout.get("heading3_bold")) and level == 3
            self.lead_rpr[level] = _xml_of(_rpr(_fonts(level_fonts[level], latin, hint=True),
                                                bold=True if bold else None))
        size = float(layout["sizes"]["table"])
        self.cell_ppr, self.cell_rpr = {}, {}
        for header in (True, False):
            self.cell_ppr[header] = _inner_xml(_ppr(
                snap=False, spacing=_el("w:spacing", before=0, after=0, line=240, lineRule="auto"),
                ind=_ind(0, geo.char), jc="center" if header else "left"))
            east = fonts["heading1"] if header else fonts["body"]
            self.cell_rpr[header] = _xml_of(_rpr(_fonts(east, latin, hint=True), size_pt=size))


# The lean base document: python-docx's default template without the 160 table and list styles
# nobody uses, stylesWithEffects, numbering for those lists, the bibliography store and the
# thumbnail (authoring/data/docx/, text files); page setup and footers come from the layout.
_DOC_ROOT = (
    '<w:document xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:mo="http://schemas.microsoft.com/office/mac/office/2008/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:mv="urn:schemas-microsoft-com:mac:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    f'xmlns:r="{_R}" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    f'xmlns:w10="urn:schemas-microsoft-com:office:word" xmlns:w="{_W}" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk" '
    'xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'mc:Ignorable="w14 wp14">')
_CT = "application/vnd.openxmlformats-officedocument."
_CONTENT_TYPES = (
    _XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/docProps/app.xml" ContentType="{_CT}extended-properties+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{_CT}wordprocessingml.document.main+xml"/>'
    f'<Override PartName="/word/fontTable.xml" ContentType="{_CT}wordprocessingml.fontTable+xml"/>'
    f'<Override PartName="/word/footer1.xml" ContentType="{_CT}wordprocessingml.footer+xml"/>'
    f'<Override PartName="/word/footer2.xml" ContentType="{_CT}wordprocessingml.footer+xml"/>'
    f'<Override PartName="/word/settings.xml" ContentType="{_CT}wordprocessingml.settings+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{_CT}wordprocessingml.styles+xml"/>'
    f'<Override PartName="/word/theme/theme1.xml" ContentType="{_CT}theme+xml"/>'
    f'<Override PartName="/word/webSettings.xml" ContentType="{_CT}wordprocessingml.webSettings+xml"/>'
    f'<Override PartName="/docProps/custom.xml" ContentType="{_CT}custom-properties+xml"/>'
    '</Types>').encode("utf-8")
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PACKAGE_RELS = (
    _XML_DECL + f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_OD}officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_OD}extended-properties" Target="docProps/app.xml"/>'
    f'<Relationship Id="rId4" Type="{_OD}custom-properties" Target="docProps/custom.xml"/>'
    '</Relationships>').encode("utf-8")
_DOCUMENT_RELS = (
    _XML_DECL + f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_OD}styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{_OD}settings" Target="settings.xml"/>'
    f'<Relationship Id="rId3" Type="{_OD}webSettings" Target="webSettings.xml"/>'
    f'<Relationship Id="rId4" Type="{_OD}fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="rId5" Type="{_OD}theme" Target="theme/theme1.xml"/>'
    f'<Relationship Id="rId6" Type="{_OD}footer" Target="footer1.xml"/>'
    f'<Relationship Id="rId7" Type="{_OD}footer" Target="footer2.xml"/>'
    '</Relationships>').encode("utf-8")


@lru_cache(maxsize=None)
def _base_part(name: str) -> bytes:
    return (data_dir() / "docx" / name).read_bytes()


def _twips(mm: Any) -> int:
    # As python-docx's Mm(...).twips: whole EMUs first, then twips.
    return int(round(int(float(mm) * 36000) / 635))


class _LeanBase(_Base):
    """Every part but the body and the document properties, built once per layout."""

    def __init__(self, layout: Mapping[str, Any]) -> None:
        geo = _Geometry(layout)
        styles = etree.fromstring(_base_part("styles.xml"), _PARSER)
        style_ids, level_fonts = _setup_styles(styles, layout, geo, from_reference=False,
                                               add_style=self._no_style)
        page = layout["page"]
        width, left, right = _twips(page["width_mm"]), _twips(page["left_mm"]), _twips(page["right_mm"])
        super().__init__(layout, geo, style_ids, _default_paragraph_style(styles), level_fonts,
                         (width - left - right) * 635)
        self.head = _XML_DECL + _DOC_ROOT + "<w:body>"
        self.tail = (
            f'<w:sectPr><w:footerReference w:type="default" r:id="rId6"/>'
            f'<w:footerReference w:type="even" r:id="rId7"/>'
            f'<w:pgSz w:w="{width}" w:h="{_twips(page["height_mm"])}"/>'
            f'<w:pgMar w:top="{_twips(page["top_mm"])}" w:right="{right}" '
            f'w:bottom="{_twips(page["bottom_mm"])}" w:left="{left}" '
            f'w:header="{_twips(page["header_mm"])}" w:footer="{_twips(page["footer_mm"])}" '
            f'w:gutter="0"/><w:cols w:space="720"/>'
            # A line grid (页面设置 shows 每页 22 行); the 28 characters come from Normal's
            # character spacing, which Word, WPS and LibreOffice all honour alike.
            f'<w:docGrid w:type="lines" w:linePitch="{geo.line_pitch}"/></w:sectPr>'
            "</w:body></w:document>")
        self.parts = {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": _PACKAGE_RELS,
            "word/_rels/document.xml.rels": _DOCUMENT_RELS,
            "word/styles.xml": etree.tostring(styles, xml_declaration=True, encoding="UTF-8",
                                              standalone=True),
            # Word 2013+ layout (compatibilityMode 15), odd/even footers, zh-CN theme fonts.
            "word/settings.xml": _base_part("settings.xml"),
            "word/webSettings.xml": _base_part("webSettings.xml"),
            "word/theme/theme1.xml": _base_part("theme1.xml"),
            "word/fontTable.xml": _font_table(_base_part("fontTable.xml"), layout, False),
            "word/footer1.xml": self._footer(odd=True),
            "word/footer2.xml": self._footer(odd=False),
        }

    @staticmethod
    def _no_style(name: str) -> Any:
        raise AssertionError(f"the base styles.xml lacks {name}")

    def _footer(self, *, odd: bool) -> bytes:
        ftr = etree.Element(qn("w:ftr"), nsmap={"w": _W, "r": _R})
        p = etree.SubElement(ftr, qn("w:p"))
        etree.SubElement(etree.SubElement(p, qn("w:pPr")), qn("w:pStyle")).set(qn("w:val"), "Footer")
        _fill_page_number(p, self.layout, self.geo, odd=odd)
        return etree.tostring(ftr, xml_declaration=True, encoding="UTF-8", standalone=True)

    def document_xml(self, body: str) -> bytes:
        return (self.head + body + self.tail).encode("utf-8")


_LEAN_BASES: dict[Any, _LeanBase] = {}


def _layout_key(value: Any) -> Any:
    """A hashable image of a resolved layout (mappings sorted, lists as tuples, and the type of
    every scalar, so that 16 and 16.0 or 1 and True stay apart)."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _layout_key(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_layout_key(v) for v in value)
    return (type(value).__name__, repr(value))


def _lean_base(layout: Mapping[str, Any]) -> _LeanBase:
    key = _layout_key(layout)
    base = _LEAN_BASES.get(key)
    if base is None:
        if len(_LEAN_BASES) >= 32:  # a batch of reports with many different layouts
            _LEAN_BASES.clear()
        base = _LEAN_BASES[key] = _LeanBase(layout)
    return base


_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _core_xml(meta: Mapping[str, Any]) -> bytes:
    """docProps/core.xml from meta, element for element as python-docx wrote it."""
    root = etree.Element(f"{{{_CP}}}coreProperties", nsmap={
        "cp": _CP, "dc": _DC, "dcterms": _DCTERMS, "dcmitype": "http://purl.org/dc/dcmitype/",
        "xsi": _XSI})
    for ns, tag, value in _core_values(meta):
        el = etree.SubElement(root, f"{{{ns}}}{tag}")
        if isinstance(value, dt.datetime):
            el.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
            value = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        el.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _core_values(meta: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    when = _meta_date(meta)
    agency = str(meta.get("agency") or "")
    return [
        (_DC, "title", str(meta.get("title") or "")),
        (_DC, "subject", f"{meta['year']}年度法治政府建设情况报告" if meta.get("year") else ""),
        (_DC, "creator", agency),
        (_CP, "keywords", ""),
        (_DC, "description", f"authoring {__version__}"),
        (_CP, "lastModifiedBy", agency),
        (_CP, "revision", "1"),
        (_DCTERMS, "created", when),
        (_DCTERMS, "modified", when),
        (_CP, "category", ""),
    ]


# --- a reference document (python-docx, imported only here) ----------------------------------


class _ReferenceBase(_Base):
    """The agency's reference .docx opened with python-docx: its body emptied, its styles,
    page setup and footers kept, ours added where it has none."""

    def __init__(self, layout: Mapping[str, Any], reference_doc: bytes, name: str) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        geo = _Geometry(layout)
        self.doc = doc = _open_template(reference_doc, name)
        _clear_body(doc)

        def add_style(name: str) -> Any:
            style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            if name != "Normal":
                style.base_style = doc.styles["Normal"]
                style.next_paragraph_style = doc.styles["Normal"]
            return style.element

        styles = doc.styles.element
        style_ids, level_fonts = _setup_styles(styles, layout, geo, from_reference=True,
                                               add_style=add_style)
        default = styles.default_for(WD_STYLE_TYPE.PARAGRAPH)
        settings = doc.settings
        settings.odd_and_even_pages_header_footer = True
        lang = settings.element.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        section = doc.sections[0]
        # The reference's own footers are kept; page numbers are added only where it has none.
        for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
            if not _has_footer(footer):
                footer.is_linked_to_previous = False
                p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
                _fill_page_number(p._p, layout, geo, odd=odd)
        super().__init__(layout, geo, style_ids,
                         default.styleId if default is not None else None, level_fonts,
                         int(doc._block_width))

    def parts(self, body: str, meta: Mapping[str, Any], chars: int) -> dict[str, bytes]:
        doc = self.doc
        wrapper = etree.fromstring(f'<w:body xmlns:w="{_W}" xmlns:r="{_R}">{body}</w:body>')
        sect = doc.element.body.find(qn("w:sectPr"))
        for child in list(wrapper):
            sect.addprevious(child)
        values = {tag: value for _, tag, value in _core_values(meta)}
        props = doc.core_properties
        props.title = values["title"]
        props.author = values["creator"]
        props.last_modified_by = values["lastModifiedBy"]
        props.subject = values["subject"]
        props.comments = values["description"]
        props.keywords = ""
        props.category = ""
        props.revision = 1
        props.created = props.modified = values["created"]
        parts = _serialize(doc)
        _repair_reference_parts(parts)
        if "word/fontTable.xml" in parts:
            parts["word/fontTable.xml"] = _font_table(parts["word/fontTable.xml"], self.layout, True)
        if "docProps/app.xml" in parts:
            parts["docProps/app.xml"] = _app_xml(meta, chars)
        return parts


def _repair_reference_parts(parts: dict[str, bytes]) -> None:
    """Put what a reference brought into schema order, so the file passes the Open XML SDK's
    rules whoever saved the reference (see package_fixes)."""
    from .package_fixes import (drop_undefined_paragraph_styles, ensure_theme,
                                order_run_properties, style_ids)

    defined = style_ids(parts["word/styles.xml"]) if "word/styles.xml" in parts else set()
    for name in list(parts):
        if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
            parts[name] = drop_undefined_paragraph_styles(order_run_properties(parts[name]),
                                                          defined)
        elif name == "word/styles.xml":
            parts[name] = order_run_properties(parts[name])
    ensure_theme(parts, _base_part("theme1.xml"))


def _has_footer(footer: Any) -> bool:
    if footer.is_linked_to_previous:
        return False
    return any(p.text.strip() or p._p.findall(f".//{qn('w:fldChar')}") for p in footer.paragraphs)


class _PartCollector:
    """Stands in for python-docx's zip writer and keeps the parts in a dict."""

    def __init__(self) -> None:
        self.parts: dict[str, bytes] = {}

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.parts[pack_uri.membername] = blob

    def close(self) -> None:
        pass


def _serialize(doc: Any) -> dict[str, bytes]:
    """The document's parts, without zipping them only to unzip them again for the stamp."""
    package = doc.part.package
    try:
        from docx.opc.pkgwriter import PackageWriter

        for part in package.parts:
            part.before_marshal()
        collector: Any = _PartCollector()
        PackageWriter._write_content_types_stream(collector, package.parts)
        PackageWriter._write_pkg_rels(collector, package.rels)
        PackageWriter._write_parts(collector, package.parts)
        return collector.parts
    except AttributeError:  # a python-docx whose internals moved: take the slow, public way
        buf = io.BytesIO()
        doc.save(buf)
        with zipfile.ZipFile(buf) as zf:
            return {name: zf.read(name) for name in zf.namelist()}


_TEMPLATE_CT = b"wordprocessingml.template.main+xml"
_DOCUMENT_CT = b"wordprocessingml.document.main+xml"
# A reference document is a few hundred kilobytes; past this it is damaged or a zip bomb.
_MAX_REFERENCE_BYTES = 100 * 1024 * 1024


def _open_template(reference_doc: bytes, name: str) -> Any:
    """The agency's reference .docx (a .dotx is read as a .docx), opened with python-docx."""
    from docx import Document

    bad = InputError("不是有效的 Word .docx 文件（.doc、.wps 请先在 Word/WPS 中另存为 .docx）",
                     file=name)
    # The same zip defences as `check` and `import` (declared sizes, ratios, entries that lie about
    # their size), before python-docx inflates anything.
    from authoring.read import check_docx_container

    check_docx_container(reference_doc, name)
    try:
        with zipfile.ZipFile(io.BytesIO(reference_doc)) as zf:
            parts = read_parts(zf, _MAX_REFERENCE_BYTES)
        types = parts.get("[Content_Types].xml", b"")
        if _TEMPLATE_CT in types:
            # A Word template (.dotx) differs from a document only in this content type.
            parts["[Content_Types].xml"] = types.replace(_TEMPLATE_CT, _DOCUMENT_CT)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name, data in parts.items():
                zf.writestr(name, data)
        return Document(buf)
    except InputError:
        raise
    except Exception as exc:  # any way a damaged file can fail to parse is the same to a clerk
        raise bad from exc


def _clear_body(doc: Any) -> None:
    # Keep only the last section properties (page setup, footers); the content is ours.
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    if body.find(qn("w:sectPr")) is None:
        body.append(OxmlElement("w:sectPr"))


# --- the body ----------------------------------------------------------------------------------


class _Para:
    """A body paragraph being written: its properties stay open until the next block, because
    a 落款 asks the paragraph above to keep with it."""

    __slots__ = ("pstyle", "keep", "ppr", "runs")

    def __init__(self, pstyle: str, runs: str = "", *, keep: bool = False, ppr: str = "") -> None:
        self.pstyle, self.keep, self.ppr, self.runs = pstyle, keep, ppr, runs

    def xml(self) -> str:
        props = self.pstyle + ("<w:keepNext/>" if self.keep else "") + self.ppr
        return f"<w:p><w:pPr>{props}</w:pPr>{self.runs}</w:p>" if props else f"<w:p>{self.runs}</w:p>"


class _Body:
    """The report's blocks as WordprocessingML text (w:p and w:tbl), as python-docx wrote them."""

    def __init__(self, base: _Base) -> None:
        self.base, self.layout, self.geo = base, base.layout, base.geo
        self.items: list[Any] = []  # _Para or a table's XML
        self.last_para: Optional[_Para] = None
        self.texts: list[str] = []  # every w:t, for the character count

    def xml(self) -> str:
        return "".join(i if isinstance(i, str) else i.xml() for i in self.items)

    def chars(self) -> int:
        return len(re.sub(r"\s", "", "".join(self.texts)))

    def _para(self, style: str, runs: str = "", **kw: Any) -> _Para:
        p = _Para(self.base.pstyle[style], runs, **kw)
        self.items.append(p)
        self.last_para = p
        return p

    def _run(self, text: str, rpr: str = _HINT_RPR) -> str:
        return _run_xml(text, rpr, self.texts)

    def add(self, block: Block) -> None:
        """Append one block to the document."""
        if isinstance(block, Title):
            runs = []
            for i, line in enumerate(self._title_lines(_check(block.text, block))):
                if i:
                    runs.append("<w:r><w:br/></w:r>")
                runs.append(self._run(line))
            self._para("Title", "".join(runs))
        elif isinstance(block, Heading):
            level = min(max(block.level, 1), 4)
            self._para(_HEADING_STYLES[level], self._run(_check(block.full_text, block)))
        elif isinstance(block, Paragraph):
            self._paragraph(block)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Signature):
            self._signature(block)
        else:
            raise AuthoringError(f"无法写入 Word 的内容类型：{type(block).__name__}")

    def _title_lines(self, text: str) -> list[str]:
        """The title's lines: as given, or a long title broken at the most even word break."""
        return title_lines(text, self.layout, self.geo)

    def _paragraph(self, block: Paragraph) -> None:
        if block.lead:
            # The run-in heading takes its level's font (2 → 楷体, 1 → 黑体, 3 → 仿宋, maybe
            # bold); the rest of the paragraph stays in the body font.
            lead_rpr = _HINT_RPR
            if block.level >= 1:
                lead_rpr = self.base.lead_rpr[min(block.level, 4)]
            runs = self._run(_check(block.number + block.lead, block), lead_rpr)
            if block.text:
                runs += self._run(_check(block.text, block))
            self._para("Normal", runs, ppr=self._keep_lead_whole(block))
            return
        runs = self._run(_check(block.number + block.text, block))
        self._para("Normal", runs)

    def _keep_lead_whole(self, block: Paragraph) -> str:
        """Widow/orphan control for a paragraph whose run-in heading runs onto its second line,
        so that the heading is never split over a page break ("（五）坚持……综合" at the foot of
        a page, "行政执法工作体系。" at the top of the next). Normal has it off (it would make
        pages of 21 lines), so it is turned on only where a heading would otherwise break."""
        return "<w:widowControl/>" if lead_runs_over(block, self.layout) else ""

    def _table(self, block: Table) -> None:
        cols = max((len(r) for r in block.rows), default=0)
        if not block.rows or cols == 0:
            return
        # As python-docx's add_table laid it out, with borders and width set directly: a
        # reference doc need not have a "Table Grid" style.
        col_w = int(round((self.base.block_width_emu // cols) / 635))
        out = ['<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>']
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            out.append(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>')
        out.append('</w:tblBorders><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" '
                   'w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>')
        out.append(f'<w:gridCol w:w="{col_w}"/>' * cols)
        out.append("</w:tblGrid>")
        for i, row in enumerate(block.rows):
            is_header = block.header and i == 0
            # The header row repeats on every page.
            out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if is_header else "<w:tr>")
            for j in range(cols):
                text = row[j] if j < len(row) else ""
                out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{col_w}"/></w:tcPr><w:p>'
                           f"<w:pPr>{self.base.cell_ppr[bool(is_header)]}</w:pPr>")
                out.append(self._run(_check(text, block), self.base.cell_rpr[bool(is_header)]))
                out.append("</w:p></w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
        self.items.append("".join(out))

    def _signature(self, block: Signature) -> None:
        """落款 per GB/T 9704 7.3.5.2: one blank line, then the name right-aligned two characters
        in; the date's first character two characters right of the name's first; a date longer
        than the name right-indented two, with the name moved left to keep that offset."""
        geo = self.geo
        name, date = _check(block.name, block), _check(block.date, block)
        before = geo.line_pitch * int(self.layout["signature"]["blank_lines_before"])
        lines = signature_lines(name, date, self.layout, geo)
        # 落款 never stands on a page of its own: the text above keeps its last line with it.
        if self.last_para is not None:
            self.last_para.keep = True
        for k, (text, jc, left, right_tw) in enumerate(lines):
            ind = _el("w:ind", left=left, right=right_tw, firstLineChars=0, firstLine=0)
            # No automatic space between digits and 年月日: the date is as wide as we reckoned.
            ppr = _ppr(autospace=False,
                       spacing=_exact(geo.line_pitch, before=before if k == 0 else 0),
                       ind=ind, jc=jc)
            self._para("Normal", self._run(text), keep=k + 1 < len(lines), ppr=_inner_xml(ppr))


_APP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


def _app_xml(meta: Mapping[str, Any], chars: int) -> bytes:
    """Extended properties that are true of this file: the template's said "Microsoft
    Macintosh Word", 1 page and 0 characters, which Explorer's details pane would show."""
    root = etree.Element(f"{{{_APP_NS}}}Properties", nsmap={None: _APP_NS})
    for tag, value in (("Template", "Normal.dotm"), ("Application", "authoring"),
                       ("Characters", str(chars)), ("Company", str(meta.get("agency") or ""))):
        etree.SubElement(root, f"{{{_APP_NS}}}{tag}").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _BadCharacter(ValueError):
    """Text holds a character Word cannot store; build_docx names the file and line."""


def _check(text: str, block: Block) -> str:
    """Refuse characters Word cannot store, rather than writing a file Word cannot open."""
    m = _BAD_XML.search(text)
    if m:
        before = text[max(0, m.start() - 10):m.start()]
        raise _BadCharacter(
            f"含有 Word 无法保存的字符 U+{ord(m.group(0)):04X}（在“{before}”之后），请删除该字符")
    return text


def _meta_date(meta: Mapping[str, Any]) -> dt.datetime:
    """The document date for core properties: meta's date, else 1 January after the year."""
    value = meta.get("date")
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        m = re.match(r"\s*(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})", value)
        if m:
            try:
                year, month, day = (int(g) for g in m.groups())
                return dt.datetime(year, month, day)
            except ValueError:
                pass
    try:
        return dt.datetime(int(meta["year"]) + 1, 1, 1)
    except (KeyError, TypeError, ValueError, OverflowError):
        return dt.datetime(1980, 1, 1)


# --- public API ------------------------------------------------------------------------------


def build_docx(blocks: Sequence[Block], *, layout: Optional[Mapping[str, Any]] = None,
               reference_doc: Optional[bytes] = None, reference_name: str = "",
               meta: Optional[Mapping[str, Any]] = None) -> bytes:
    """The .docx bytes for blocks: deterministic, and stamped with a hash of their content.

    reference_doc: the bytes of an agency's .docx or .dotx whose styles, page setup and footers
    are kept (reference_name names it in errors). meta: title, agency, year, date (for the
    document properties) and optionally source (the report file, named in errors).
    """
    # `layout` may be a report's partial `layout:` section or a full resolved layout: merging
    # either onto the defaults gives the same result.
    resolved = resolve_layout(layout)
    base: _Base = _lean_base(resolved) if reference_doc is None \
        else _ReferenceBase(resolved, reference_doc, reference_name)
    body = _Body(base)
    for block in blocks:
        try:
            body.add(block)
        except _BadCharacter as exc:
            # meta["source"] (the report's file name), when given, makes the place clickable.
            source = str((meta or {}).get("source") or "")
            raise AuthoringError(str(exc), file=source, line=block.line) from None
    meta = meta or {}
    if isinstance(base, _LeanBase):
        parts = dict(base.parts)
        parts["word/document.xml"] = base.document_xml(body.xml())
        parts["docProps/core.xml"] = _core_xml(meta)
        parts["docProps/app.xml"] = _app_xml(meta, body.chars())
    else:
        assert isinstance(base, _ReferenceBase)
        parts = base.parts(body.xml(), meta, body.chars())
    return package_parts(parts, __version__)


def text_bytes(blocks: Sequence[Block]) -> bytes:
    """The published plain-text version: UTF-8, one block a paragraph with a blank line between
    paragraphs, so that it pastes into a website's editor as paragraphs; trailing newline. The
    落款's name and date, and a table's rows, stay on consecutive lines."""
    return ("\n\n".join(block_text(b) for b in blocks) + "\n").encode("utf-8")
