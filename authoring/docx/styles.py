"""The styles a report uses (Normal, Title, Heading 1-4 and their linked character styles), the
document defaults and the font table, filled in from the layout."""
from __future__ import annotations

import copy
from typing import Any, Callable, Mapping, Optional

from lxml import etree

from authoring.docx.layout import Geometry
from authoring.docx.oxml import (
    PARSER,
    el,
    exact_spacing,
    indent,
    insert_in_order,
    para_props,
    part_bytes,
    run_fonts,
    run_props,
)
from authoring.docx.schema import qn

# The styles this writer fills in, by the names Word stores (the UI shows 标题 1 etc.).
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}


def _replace_props(style_el: Any, ppr: Optional[Any], rpr: Optional[Any]) -> None:
    """Swap a style's pPr/rPr for ours, so nothing of the template's look (theme fonts,
    blue colour, spacing) survives."""
    for tag in ("w:pPr", "w:rPr"):
        for old in style_el.findall(qn(tag)):
            style_el.remove(old)
    for props in (ppr, rpr):
        if props is not None:
            insert_in_order(style_el, props)


def _style_named(styles: Any, *names: str) -> Optional[Any]:
    """A paragraph style by any of its stored names (Word writes "heading 1", WPS "标题 1")."""
    wanted = {n.lower() for n in names}
    for s in styles.findall(qn("w:style")):
        name = s.find(qn("w:name"))
        if s.get(qn("w:type")) == "paragraph" and name is not None \
                and name.get(qn("w:val"), "").lower() in wanted:
            return s
    return None


def default_paragraph_style(styles: Any) -> Optional[str]:
    """The styleId of the default paragraph style (the last one marked default, as in the spec)."""
    found = None
    for s in styles.findall(qn("w:style")):
        if s.get(qn("w:type")) == "paragraph" and \
                (s.get(qn("w:default")) or "").lower() in ("1", "true", "on"):
            found = s.get(qn("w:styleId"))
    return found


_CHINESE_NAMES = {"Normal": "正文", "Title": "标题", "Heading 1": "标题 1", "Heading 2": "标题 2",
                  "Heading 3": "标题 3", "Heading 4": "标题 4"}


def setup_styles(styles: Any, layout: Mapping[str, Any], geo: Geometry, *, from_reference: bool,
                  add_style: Callable[[str], Any]) -> tuple[dict[str, Any], dict[int, str]]:
    """Fill in Normal, Title and Heading 1-4 (a reference doc's own styles win); returns the
    style ids by name and the East Asian font of each heading level."""
    f, latin, sizes = layout["fonts"], layout["fonts"]["latin"], layout["sizes"]
    body = float(sizes["body"])
    first = float(layout["indent"]["first_line_chars"])
    props: dict[str, tuple[Any, Any]] = {
        "Normal": (
            para_props(widow=False, spacing=exact_spacing(geo.line_pitch), ind=indent(first, geo.char),
                 jc="both"),
            run_props(run_fonts(f["body"], latin, hint=True), size_pt=body, spacing=geo.char_spacing),
        ),
        "Title": (
            # No grid snapping: LibreOffice would give each 22 pt line two grid lines.
            para_props(keep_next=True, snap=False,
                 spacing=exact_spacing(geo.line_pitch,
                                after=geo.line_pitch * int(layout["title"]["blank_lines_after"])),
                 ind=indent(0, geo.char), jc="center"),
            run_props(run_fonts(f["title"], latin, hint=True), size_pt=float(sizes["title"]),
                 bold=False, black=True, spacing=0),
        ),
    }
    heading_fonts = {1: f["heading1"], 2: f["heading2"], 3: f["heading3"], 4: f["heading3"]}
    for level, name in HEADING_STYLES.items():
        bold = bool(layout.get("heading3_bold")) and level == 3
        props[name] = (
            # Literal numbers, no numPr: a clerk's Word must show exactly what we wrote.
            para_props(keep_next=True, outline=level - 1),
            run_props(run_fonts(heading_fonts[level], latin, hint=True), size_pt=body, bold=bold,
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
    level_fonts = {level: _east_asia_of(styles, style_ids.get(HEADING_STYLES[level]))
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
    rpr = run_props(run_fonts(layout["fonts"]["body"], layout["fonts"]["latin"]),
                    size_pt=float(layout["sizes"]["body"]))
    # zh-CN so that Word picks Chinese punctuation widths and line-breaking rules.
    insert_in_order(rpr, el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    for old in rpr_default.findall(qn("w:rPr")):
        rpr_default.remove(old)
    rpr_default.append(rpr)


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
    insert_in_order(ppr, el("w:overflowPunct", val=1))


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


def font_table(xml: bytes, layout: Mapping[str, Any], from_reference: bool) -> bytes:
    """List the fonts we use, the Chinese ones as GB2312 (charset 86) with a fallback name,
    so that a machine without 仿宋_GB2312 substitutes a Chinese font, not a Latin one."""
    fonts = layout["fonts"]
    root = etree.fromstring(xml, PARSER)
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
    return part_bytes(root)
