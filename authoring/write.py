"""Write blocks to a Word .docx laid out to GB/T 9704-2012 (and to plain text for publication).

The numbers come from data/layout.yaml, merged with a report's `layout:` section. Fonts live in
named styles (Normal, Title, Heading 1-4) so that Word's navigation pane and a clerk's later
edits work as usual; only run-in headings carry direct formatting.
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from . import __version__
from .blocks import Block, Heading, Paragraph, Signature, Table, Title, blocks_to_text
from .errors import AuthoringError, InputError
from .fileio import (PathLike, guard_overwrite, is_unchanged, package_parts, read_parts,
                     read_stamp, write_atomic)
from .resources import load_data

__all__ = [
    "resolve_layout", "build_docx", "write_docx", "write_text", "read_stamp", "is_unchanged",
]

_TWIPS_PER_MM = 1440 / 25.4
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
    # Deep copy: load_data is cached and shared, and must never see a report's overrides.
    return _merge(copy.deepcopy(load_data("layout.yaml")), overrides or {})


class _Geometry:
    """The twip values Word needs, derived once from the layout numbers."""

    def __init__(self, layout: Mapping[str, Any]) -> None:
        page, grid, sizes = layout["page"], layout["grid"], layout["sizes"]
        tw = lambda mm: int(round(float(mm) * _TWIPS_PER_MM))  # noqa: E731
        self.page_w, self.page_h = tw(page["width_mm"]), tw(page["height_mm"])
        self.top, self.bottom = tw(page["top_mm"]), tw(page["bottom_mm"])
        self.left, self.right = tw(page["left_mm"]), tw(page["right_mm"])
        self.footer = tw(page["footer_mm"])
        self.text_w = text_w = self.page_w - self.left - self.right
        text_h = self.page_h - self.top - self.bottom
        # Round down: a pitch a hair too large would push the 22nd line or 28th character over.
        self.line_pitch = text_h // int(grid["lines_per_page"])
        body_pt = float(sizes["body"])
        pitch_pt = text_w / int(grid["chars_per_line"]) / 20
        # 28 characters of 16 pt do not fit in 156 mm (448 pt > 442 pt): each character is
        # condensed by the difference, in 1/20 pt, rounded down so that the 28th still fits.
        # (A Word character grid with a negative w:charSpace does the same in Word, but
        # LibreOffice then gives every character two grid cells: 14 characters a line.)
        self.char_spacing = math.floor((pitch_pt - body_pt) * 20)
        self.char = int(round(body_pt * 20))  # one body character, in twips
        self.page_number_char = int(round(float(sizes["page_number"]) * 20))


# --- small XML helpers -----------------------------------------------------------------------


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


def _style_named(doc: Any, *names: str) -> Optional[Any]:
    """A paragraph style by any of its stored names (Word writes "heading 1", WPS "标题 1")."""
    wanted = {n.lower() for n in names}
    for s in doc.styles.element.findall(qn("w:style")):
        name = s.find(qn("w:name"))
        if s.get(qn("w:type")) == "paragraph" and name is not None \
                and name.get(qn("w:val"), "").lower() in wanted:
            return s
    return None


# --- document setup --------------------------------------------------------------------------


class _Writer:
    """Builds one document; holds the layout, geometry and resolved fonts while it does."""

    def __init__(self, layout: Mapping[str, Any], reference_doc: Optional[PathLike]) -> None:
        self.layout = layout
        self.geo = _Geometry(layout)
        self.fonts = dict(layout["fonts"])
        self.sizes = layout["sizes"]
        self.doc = _open_template(reference_doc)
        self.from_reference = reference_doc is not None
        if self.from_reference:
            _clear_body(self.doc)
        self.style_ids: dict[str, str] = {}
        self.level_fonts: dict[int, str] = {}
        self._setup_styles()
        default = self.doc.styles.element.default_for(WD_STYLE_TYPE.PARAGRAPH)
        self.default_style_id = default.styleId if default is not None else None
        self._setup_settings()
        self._setup_section()

    # styles

    def _setup_styles(self) -> None:
        f, geo, latin = self.fonts, self.geo, self.fonts["latin"]
        body = float(self.sizes["body"])
        first = float(self.layout["indent"]["first_line_chars"])
        styles: dict[str, tuple[Any, Any]] = {
            "Normal": (
                _ppr(widow=False, spacing=_exact(geo.line_pitch), ind=_ind(first, geo.char),
                     jc="both"),
                _rpr(_fonts(f["body"], latin, hint=True), size_pt=body, spacing=geo.char_spacing),
            ),
            "Title": (
                # No grid snapping: LibreOffice would give each 22 pt line two grid lines.
                _ppr(keep_next=True, snap=False,
                     spacing=_exact(geo.line_pitch,
                                    after=geo.line_pitch * int(self.layout["title"]["blank_lines_after"])),
                     ind=_ind(0, geo.char), jc="center"),
                _rpr(_fonts(f["title"], latin, hint=True), size_pt=float(self.sizes["title"]),
                     bold=False, black=True, spacing=0),
            ),
        }
        heading_fonts = {1: f["heading1"], 2: f["heading2"], 3: f["heading3"], 4: f["heading3"]}
        for level, name in _HEADING_STYLES.items():
            bold = bool(self.layout.get("heading3_bold")) and level == 3
            styles[name] = (
                # Literal numbers, no numPr: a clerk's Word must show exactly what we wrote.
                _ppr(keep_next=True, outline=level - 1),
                _rpr(_fonts(heading_fonts[level], latin, hint=True), size_pt=body, bold=bold,
                     black=True),
            )
        if not self.from_reference:
            self._set_doc_defaults()
        for name, (ppr, rpr) in styles.items():
            existing = _style_named(self.doc, name, _CHINESE_NAMES.get(name, name))
            if existing is not None and self.from_reference:
                # The agency's own style wins, as in pandoc: that is what a reference doc is for.
                self.style_ids[name] = existing.get(qn("w:styleId"))
                continue
            if existing is None:
                style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                existing = style.element
                if name != "Normal":
                    style.base_style = self.doc.styles["Normal"]
                    style.next_paragraph_style = self.doc.styles["Normal"]
            _replace_props(existing, ppr, rpr)
            self.style_ids[name] = existing.get(qn("w:styleId"))
            self._match_linked_style(existing, rpr)
        for level in range(1, 5):
            self.level_fonts[level] = self._east_asia_of(_HEADING_STYLES[level]) or heading_fonts[level]

    def _match_linked_style(self, style_el: Any, rpr: Any) -> None:
        """Give the character style linked to a paragraph style (标题 1 字符…) the same look:
        Word applies it when a clerk gives part of a paragraph the heading style, and the
        template's version is blue Calibri."""
        link = style_el.find(qn("w:link"))
        if link is None:
            return
        for other in self.doc.styles.element.findall(qn("w:style")):
            if other.get(qn("w:styleId")) == link.get(qn("w:val")) \
                    and other.get(qn("w:type")) == "character":
                _replace_props(other, None, copy.deepcopy(rpr))

    def _set_doc_defaults(self) -> None:
        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault"))
        rpr = _rpr(_fonts(self.fonts["body"], self.fonts["latin"]),
                   size_pt=float(self.sizes["body"]))
        # zh-CN so that Word picks Chinese punctuation widths and line-breaking rules.
        rpr.append(_el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
        for old in rpr_default.findall(qn("w:rPr")):
            rpr_default.remove(old)
        rpr_default.append(rpr)
        ppr_default = defaults.find(qn("w:pPrDefault"))
        if ppr_default is not None:
            defaults.remove(ppr_default)

    def _east_asia_of(self, style_name: str) -> Optional[str]:
        """The East Asian font a style ends up with, following basedOn (for reference docs)."""
        sid = self.style_ids.get(style_name)
        seen: set[str] = set()
        by_id = {s.get(qn("w:styleId")): s for s in self.doc.styles.element.findall(qn("w:style"))}
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

    # settings and page

    def _setup_settings(self) -> None:
        settings = self.doc.settings
        settings.odd_and_even_pages_header_footer = True
        lang = settings.element.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        if not self.from_reference:
            # The template says Word 2010: Word would open the report in 兼容模式.
            for compat in settings.element.iter(qn("w:compatSetting")):
                if compat.get(qn("w:name")) == "compatibilityMode":
                    compat.set(qn("w:val"), "15")

    def _setup_section(self) -> None:
        section = self.doc.sections[0]
        geo = self.geo
        if not self.from_reference:
            page = self.layout["page"]
            section.page_width, section.page_height = Mm(page["width_mm"]), Mm(page["height_mm"])
            section.top_margin, section.bottom_margin = Mm(page["top_mm"]), Mm(page["bottom_mm"])
            section.left_margin, section.right_margin = Mm(page["left_mm"]), Mm(page["right_mm"])
            section.footer_distance = Mm(page["footer_mm"])
            section.header_distance = Mm(page["header_mm"])
            section.gutter = 0
            sect = section._sectPr
            grid = sect.find(qn("w:docGrid"))
            if grid is None:
                grid = _el("w:docGrid")
                sect.append(grid)
            # A line grid (页面设置 shows 每页 22 行); the 28 characters come from Normal's
            # character spacing, which Word, WPS and LibreOffice all honour alike.
            grid.set(qn("w:type"), "lines")
            grid.set(qn("w:linePitch"), str(geo.line_pitch))
            if grid.get(qn("w:charSpace")) is not None:
                del grid.attrib[qn("w:charSpace")]
        # A reference doc's own footers are kept; page numbers are added only where it has none.
        if not _has_footer(section.footer):
            self._page_number(section.footer, odd=True)
        if not _has_footer(section.even_page_footer):
            self._page_number(section.even_page_footer, odd=False)

    def _page_number(self, footer: Any, *, odd: bool) -> None:
        """"— N —" in 4号 half-width 宋体 around a live PAGE field; odd pages right, even left."""
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        side = float(self.layout["page_number"]["side_chars"])
        size = float(self.sizes["page_number"])
        ind = _ind(0, self.geo.page_number_char, left_chars=0 if odd else side,
                   right_chars=side if odd else 0)
        # line="240" auto is Word's 单倍行距: the page number keeps its own height, off the grid.
        ppr = _ppr(snap=False, spacing=_el("w:spacing", before=0, after=0, line=240,
                                           lineRule="auto"),
                   ind=ind, jc="right" if odd else "left")
        _apply_ppr(p, ppr)
        font = self.fonts["page_number"]
        dash = self.layout["page_number"]["dash"]

        def run(*children: Any, hint: bool = False) -> None:
            r = OxmlElement("w:r")
            # 宋体 on every slot: the numerals are "半角宋体", not the Latin font.
            fonts = _el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font)
            if hint:
                fonts.set(qn("w:hint"), "eastAsia")  # the 一字线 drawn full width
            r.append(_rpr(fonts, size_pt=size))
            for c in children:
                r.append(c)
            p._p.append(r)

        def text(s: str) -> Any:
            t = OxmlElement("w:t")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = s
            return t

        run(text(f"{dash} "), hint=True)
        run(_el("w:fldChar", fldCharType="begin"))
        instr = OxmlElement("w:instrText")
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        instr.text = " PAGE "
        run(instr)
        run(_el("w:fldChar", fldCharType="separate"))
        run(text("1" if odd else "2"))  # shown until the field is updated; Word updates it on open
        run(_el("w:fldChar", fldCharType="end"))
        run(text(f" {dash}"), hint=True)

    # blocks

    def add(self, block: Block) -> None:
        """Append one block to the document."""
        if isinstance(block, Title):
            p = self._para("Title")
            for i, line in enumerate(self._title_lines(_check(block.text, block))):
                if i:
                    p.add_run().add_break()
                _run(p, line)
        elif isinstance(block, Heading):
            level = min(max(block.level, 1), 4)
            _run(self._para(_HEADING_STYLES[level]), _check(block.full_text, block))
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
        if "\n" in text:
            return text.split("\n")
        conf = self.layout["title"]
        per_line = self.geo.text_w / (float(self.sizes["title"]) * 20)
        if _width(text) <= per_line:
            return [text]
        best: Optional[tuple[float, int]] = None
        for i in range(1, len(text)):
            head, tail = text[:i], text[i:]
            if not (any(head.endswith(w) for w in conf.get("break_after", []))
                    or any(tail.startswith(w) for w in conf.get("break_before", []))):
                continue
            wh, wt = _width(head), _width(tail)
            if wh <= per_line and wt <= per_line:
                score = (abs(wh - wt), i)
                if best is None or score < best:
                    best = score
        return [text] if best is None else [text[:best[1]], text[best[1]:]]

    def _para(self, style: str) -> Any:
        p = self.doc.add_paragraph()
        sid = self.style_ids[style]
        if sid != self.default_style_id:
            # Set w:pStyle directly: python-docx's p.style looks the default style up by
            # scanning every style, which made this the slowest line of the writer.
            p._p.style = sid
        return p

    def _paragraph(self, block: Paragraph) -> None:
        p = self._para("Normal")
        if block.lead:
            # The run-in heading takes its level's font (2 → 楷体, 1 → 黑体, 3 → 仿宋, maybe
            # bold); the rest of the paragraph stays in the body font.
            lead_rpr = None
            if block.level >= 1:
                level = min(block.level, 4)
                fonts = _fonts(self.level_fonts[level], self.fonts["latin"], hint=True)
                bold = bool(self.layout.get("heading3_bold")) and level == 3
                lead_rpr = _rpr(fonts, bold=True if bold else None)
            _run(p, _check(block.number + block.lead, block), lead_rpr)
            if block.text:
                _run(p, _check(block.text, block))
        else:
            _run(p, _check(block.number + block.text, block))

    def _table(self, block: Table) -> None:
        cols = max((len(r) for r in block.rows), default=0)
        if not block.rows or cols == 0:
            return
        table = self.doc.add_table(rows=len(block.rows), cols=cols)
        tbl_pr = table._tbl.tblPr
        # Borders and width set directly: a reference doc need not have a "Table Grid" style.
        for tag in ("w:tblStyle", "w:tblW", "w:tblBorders"):
            for old in tbl_pr.findall(qn(tag)):
                tbl_pr.remove(old)  # one of each: Word refuses a file with two tblW
        tbl_pr.append(_el("w:tblW", w=5000, type="pct"))
        borders = _el("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(_el(f"w:{side}", val="single", sz=4, space=0, color="000000"))
        tbl_pr.append(borders)
        _sort_tblpr(tbl_pr)
        size = float(self.sizes["table"])
        for i, row in enumerate(block.rows):
            is_header = block.header and i == 0
            if is_header:
                tr_pr = table.rows[0]._tr.get_or_add_trPr()
                tr_pr.append(_el("w:tblHeader"))  # repeat the header row on every page
            for j in range(cols):
                text = row[j] if j < len(row) else ""
                cell = table.cell(i, j)
                p = cell.paragraphs[0]
                _apply_ppr(p, _ppr(snap=False, spacing=_el("w:spacing", before=0, after=0,
                                                             line=240, lineRule="auto"),
                                    ind=_ind(0, self.geo.char),
                                    jc="center" if is_header else "left"))
                east = self.fonts["heading1"] if is_header else self.fonts["body"]
                _run(p, _check(text, block),
                     _rpr(_fonts(east, self.fonts["latin"], hint=True), size_pt=size))

    def _signature(self, block: Signature) -> None:
        """落款 per GB/T 9704 7.3.5.2: one blank line, then the name right-aligned two characters
        in; the date's first character two characters right of the name's first; a date longer
        than the name right-indented two, with the name moved left to keep that offset."""
        sig, geo = self.layout["signature"], self.geo
        right = int(round(float(sig["right_chars"]) * geo.char))
        shift = int(round(float(sig["date_shift_chars"]) * geo.char))
        name, date = _check(block.name, block), _check(block.date, block)
        before = geo.line_pitch * int(sig["blank_lines_before"])
        if not name:
            lines = [(date, "right", 0, right)]
        # Half a character of slack: digits are wider in some fonts, and a date that ends
        # exactly at the margin would wrap its last character onto a line of its own.
        elif not date or _width(date) <= _width(name) - 0.5:
            # The name's right edge is fixed; its first character is found from its width
            # (Chinese characters, so the estimate is exact) and the date starts from there,
            # left-aligned, so that the date's own width (digits vary by font) does not matter.
            name_start = geo.text_w - right - self._advance(name)
            # The negative right indent lets a date a little wider than reckoned (a substitute
            # font's digits) run into the margin instead of wrapping its last character.
            lines = [(name, "right", 0, right), (date, "left", name_start + shift, -shift)]
        else:
            date_start = geo.text_w - right - self._advance(date)
            lines = [(name, "left", max(date_start - shift, 0), -shift), (date, "right", 0, right)]
        lines = [line for line in lines if line[0]]
        # 落款 never stands on a page of its own: the text above keeps its last line with it.
        previous = self.doc.element.body.findall(qn("w:p"))
        if previous:
            ppr = previous[-1].get_or_add_pPr()
            if ppr.find(qn("w:keepNext")) is None:
                style = ppr.find(qn("w:pStyle"))
                keep = _el("w:keepNext")
                if style is None:
                    ppr.insert(0, keep)
                else:
                    style.addnext(keep)
        for k, (text, jc, left, right_tw) in enumerate(lines):
            p = self._para("Normal")
            ind = _el("w:ind", left=left, right=right_tw, firstLineChars=0, firstLine=0)
            # No automatic space between digits and 年月日: the date is as wide as we reckoned.
            ppr = _ppr(keep_next=k + 1 < len(lines), autospace=False,
                       spacing=_exact(geo.line_pitch, before=before if k == 0 else 0),
                       ind=ind, jc=jc)
            _apply_ppr(p, ppr)
            _run(p, text)

    def _advance(self, text: str) -> int:
        """Width of text in twips as laid out in the body (condensed full-width characters)."""
        full = self.geo.char + self.geo.char_spacing
        return int(round(_width(text) * full))

    def finish(self, meta: Optional[Mapping[str, Any]]) -> dict[str, bytes]:
        """Core properties from meta, then the package's parts by zip member name."""
        props = self.doc.core_properties
        meta = meta or {}
        when = _meta_date(meta)
        props.title = str(meta.get("title") or "")
        props.author = str(meta.get("agency") or "")
        props.last_modified_by = str(meta.get("agency") or "")
        props.subject = f"{meta['year']}年度法治政府建设情况报告" if meta.get("year") else ""
        props.comments = f"authoring {__version__}"
        props.keywords = ""
        props.category = ""
        props.revision = 1
        props.created = props.modified = when
        parts = _serialize(self.doc)
        if "word/fontTable.xml" in parts:
            parts["word/fontTable.xml"] = self._font_table(parts["word/fontTable.xml"])
        if "docProps/app.xml" in parts:
            parts["docProps/app.xml"] = _app_xml(meta, self.doc)
        return parts

    def _font_table(self, xml: bytes) -> bytes:
        """List the fonts we use, the Chinese ones as GB2312 (charset 86) with a fallback name,
        so that a machine without 仿宋_GB2312 substitutes a Chinese font, not a Latin one."""
        root = etree.fromstring(xml)
        used = [self.fonts["latin"]] + sorted({str(v) for k, v in self.fonts.items() if k != "latin"})
        if not self.from_reference:
            # The template's table names Cambria, ＭＳ 明朝 and friends, which we never use.
            for font in root.findall(qn("w:font")):
                if font.get(qn("w:name")) not in used:
                    root.remove(font)
        present = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
        fallbacks = self.layout.get("font_fallbacks") or {}
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


_CHINESE_NAMES = {"Normal": "正文", "Title": "标题", "Heading 1": "标题 1", "Heading 2": "标题 2",
                  "Heading 3": "标题 3", "Heading 4": "标题 4"}

_TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                "shd", "tblLayout", "tblCellMar", "tblLook"]


def _sort_tblpr(tbl_pr: Any) -> None:
    order = {qn(f"w:{t}"): i for i, t in enumerate(_TBLPR_ORDER)}
    children = sorted(tbl_pr, key=lambda c: order.get(c.tag, len(order)))
    for c in children:
        tbl_pr.remove(c)
        tbl_pr.append(c)


def _run(p: Any, text: str, rpr: Optional[Any] = None) -> Any:
    """Append a run; fonts come from the style unless rpr says otherwise."""
    run = p.add_run(text)
    if rpr is None:
        # Only the hint, as Word writes when a clerk types Chinese: the style gives the fonts.
        rpr = OxmlElement("w:rPr")
        rpr.append(_el("w:rFonts", hint="eastAsia"))
    run._r.insert(0, rpr)
    return run


def _apply_ppr(p: Any, ppr: Any) -> None:
    """Give a paragraph our direct formatting, keeping its w:pStyle first as the schema requires."""
    target = p._p.get_or_add_pPr()
    for child in list(target):
        if child.tag != qn("w:pStyle"):
            target.remove(child)
    for child in list(ppr):
        target.append(child)


_APP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


def _app_xml(meta: Mapping[str, Any], doc: Any) -> bytes:
    """Extended properties that are true of this file: the template's said "Microsoft
    Macintosh Word", 1 page and 0 characters, which Explorer's details pane would show."""
    root = etree.Element(f"{{{_APP_NS}}}Properties", nsmap={None: _APP_NS})
    text = "".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))
    chars = len(re.sub(r"\s", "", text))
    for tag, value in (("Template", "Normal.dotm"), ("Application", "authoring"),
                       ("Characters", str(chars)), ("Company", str(meta.get("agency") or ""))):
        etree.SubElement(root, f"{{{_APP_NS}}}{tag}").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _PartCollector:
    """Stands in for python-docx's zip writer and keeps the parts in a dict."""

    def __init__(self) -> None:
        self.parts: dict[str, bytes] = {}

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.parts[pack_uri.membername] = blob

    def close(self) -> None:
        pass


def _serialize(doc: Any) -> dict[str, bytes]:
    """The document's parts, without zipping them only to unzip them again for the stamp
    (that round trip was a quarter of the writer's time)."""
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


def _has_footer(footer: Any) -> bool:
    if footer.is_linked_to_previous:
        return False
    return any(p.text.strip() or p._p.findall(f".//{qn('w:fldChar')}") for p in footer.paragraphs)


_TEMPLATE_CT = b"wordprocessingml.template.main+xml"
_DOCUMENT_CT = b"wordprocessingml.document.main+xml"
# A reference document is a few hundred kilobytes; past this it is damaged or a zip bomb.
_MAX_REFERENCE_BYTES = 100 * 1024 * 1024


def _open_template(reference_doc: Optional[PathLike]) -> Any:
    """python-docx's template, or the agency's reference .docx (a .dotx is read as a .docx)."""
    if reference_doc is None:
        return Document()
    ref = Path(reference_doc)
    if not ref.is_file():
        raise InputError("找不到参考文档。请检查 --reference-doc 给出的路径", file=str(ref))
    bad = InputError("不是有效的 Word .docx 文件（.doc、.wps 请先在 Word/WPS 中另存为 .docx）",
                     file=str(ref))
    # The same zip defences as `check` and `import` (declared sizes, ratios, entries that lie about
    # their size), before python-docx inflates anything.
    from authoring.read import _check_docx_container

    _check_docx_container(ref, str(ref))
    try:
        with zipfile.ZipFile(ref) as zf:
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


class _BadCharacter(ValueError):
    """Text holds a character Word cannot store; build_docx names the file and line."""


def _check(text: str, block: Block) -> str:
    """Refuse characters Word cannot store, rather than failing deep inside python-docx."""
    m = _BAD_XML.search(text)
    if m:
        before = text[max(0, m.start() - 10):m.start()]
        raise _BadCharacter(
            f"含有 Word 无法保存的字符 U+{ord(m.group(0)):04X}（在“{before}”之后），请删除该字符")
    return text


def _width(text: str) -> float:
    """Width in body characters: CJK and full-width count 1, half-width digits and letters ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


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
               reference_doc: Optional[PathLike] = None,
               meta: Optional[Mapping[str, Any]] = None) -> bytes:
    """The .docx bytes for blocks: deterministic, and stamped with a hash of their content.

    meta: title, agency, year, date (for the document properties) and optionally source (the
    report file, named in errors).
    """
    # `layout` may be a report's partial `layout:` section or a full resolved layout: merging
    # either onto the defaults gives the same result.
    writer = _Writer(resolve_layout(layout), reference_doc)
    for block in blocks:
        try:
            writer.add(block)
        except _BadCharacter as exc:
            # meta["source"] (the report's file name), when given, makes the place clickable.
            source = str((meta or {}).get("source") or "")
            raise AuthoringError(str(exc), file=source, line=block.line) from None
    return package_parts(writer.finish(meta), __version__)


def write_docx(blocks: Sequence[Block], path: PathLike, *,
               layout: Optional[Mapping[str, Any]] = None,
               reference_doc: Optional[PathLike] = None,
               meta: Optional[Mapping[str, Any]] = None, force: bool = False,
               on_backup: Optional[Callable[[Path], None]] = None) -> Path:
    """Build the .docx and write it to path atomically, refusing to overwrite edited files."""
    target = Path(path)
    data = build_docx(blocks, layout=layout, reference_doc=reference_doc, meta=meta)
    backup = guard_overwrite(target, force)
    if backup is not None and on_backup is not None:
        on_backup(backup)
    write_atomic(target, data)
    return target


def write_text(blocks: Sequence[Block], path: PathLike, force: bool = False, *,
               on_backup: Optional[Callable[[Path], None]] = None) -> Path:
    """Write the published plain-text version (UTF-8, one block a line, trailing newline)."""
    target = Path(path)
    data = blocks_to_text(list(blocks)).encode("utf-8")
    # A text file cannot carry a stamp: an existing file is replaced silently only when it
    # already holds exactly this text; otherwise --force, with a backup.
    backup = guard_overwrite(target, force, same_as=data)
    if backup is not None and on_backup is not None:
        on_backup(backup)
    write_atomic(target, data)
    return target

