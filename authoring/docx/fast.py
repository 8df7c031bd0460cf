"""Reading a .docx straight from its parts, without building python-docx's document.

`authoring check` of a folder of Word files spent most of its time in python-docx's object
model: `Paragraph.style` scans every style of the document for each paragraph without a named
style, and the package is inflated twice (once by the container defences, once by python-docx).
Here the package is inflated once (container.inflate_docx_container), walked as python-docx's
package reader walks it (opc.py: the same parts, content types and relationships, the same
failures), every part python-docx would parse is parsed with python-docx's parser options into
plain lxml trees (stylespart.py; a big styles part is built only where anything reads it), the
styles are resolved once per document, and python-docx is not imported at all. This module
reads what the parts say as WordprocessingML: the body, the styles, the layout facts.

The result must be exactly what reader.py reads through python-docx (the general path): the
same paragraphs, numbers, style hints, tables and layout facts. So this module *declines*
(returns None, and read.py takes the general path) for anything it does not mirror exactly —
a package python-docx would refuse or repair, a style table that would make python-docx raise,
an unusual relationship — and mirrors python-docx only on the ordinary ground in between.
tests/test_docx_fast.py pins that both paths agree on every document the tests make, the
corpus, the bad inputs and generated documents with odd styles, sections, footers, content
types and relationships.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Optional

from authoring.blocks import Block, Table
from authoring.docx.container import inflate_docx_container
from authoring.docx import layoutfacts
from authoring.docx.lists import ListNumbers
from authoring.docx.opc import (CT_SETTINGS, CT_STYLES, RT_NUMBERING, RT_SETTINGS, RT_STYLES, Declined, Part,
                                load_package)
from authoring.docx.schema import R, W

_W = f"{{{W}}}"
_P, _TBL, _BODY, _STYLE = f"{_W}p", f"{_W}tbl", f"{_W}body", f"{_W}style"
_RID = f"{{{R}}}id"
_STYLE_TYPES = {"paragraph", "character", "table", "numbering"}
_ON_OFF = {"1": True, "0": False, "true": True, "false": False, "on": True, "off": False}
# A paragraph's content python-docx's Run.text turns into non-blank text.
_RUN_TEXT = (f"{_W}t", f"{_W}noBreakHyphen")
_RPR = f"{_W}rPr"


class FastDocument:
    """A .docx's parts as python-docx would load them, for reading only."""

    def __init__(self, parts: dict[str, Part], main: str) -> None:
        self._parts = parts
        self.main = parts[main]
        self.root = self.main.element
        body = self.root.find(_BODY)
        if self.root.tag != f"{_W}document" or body is None:
            raise Declined("no w:document/w:body")
        self.body = body
        styles = self._related(self.main, RT_STYLES)
        if styles is None or styles.content_type != CT_STYLES:
            raise Declined("styles part missing or odd")  # python-docx would make a default one
        self.styles_element = styles.parse_styles(self._styles_named())
        for part in parts.values():
            part.element  # every XML part parses, as python-docx parses them all on opening
        settings = self._related(self.main, RT_SETTINGS)
        if settings is None or settings.content_type != CT_SETTINGS:
            raise Declined("settings part missing or odd")
        self.settings_element = settings.element
        self.style_table = _StyleTable(self.styles_element)
        # Each body paragraph's style element, in order, once document_items has read them all
        # (the layout facts look at the same paragraphs' styles again).
        self.paragraph_styles: Optional[list[Any]] = None

    def _styles_named(self) -> set[str]:
        """The style ids the document's paragraphs and its numbering name (all that the fast
        path and ListNumbers look up by id, besides the default styles and w:basedOn)."""
        named = {v for el in self.root.iter(f"{_W}pStyle") if (v := el.get(f"{_W}val")) is not None}
        try:
            numbering = self.numbering_element
        except (LookupError, AttributeError):
            return named
        links = numbering.iter(f"{_W}numStyleLink", f"{_W}styleLink")
        return named | {v for el in links if (v := el.get(f"{_W}val")) is not None}

    # -- relationships, as python-docx's Part.part_related_by -------------------------------------

    def _related(self, part: Part, reltype: str) -> Optional[Part]:
        """The one internal part `part` relates to by `reltype`; None when there is none or more."""
        matching = [target for rtype, target in part.rels.values() if rtype == reltype]
        if len(matching) != 1 or matching[0] is None:
            return None
        return self._parts[matching[0]]

    @property
    def numbering_element(self) -> Any:
        """python-docx's `document.part.numbering_part.element`: it raises (and ListNumbers
        then draws no numbers) unless exactly one internal numbering relationship leads to an
        XML part."""
        matching = [target for rtype, target in self.main.rels.values() if rtype == RT_NUMBERING]
        if len(matching) != 1 or matching[0] is None:
            raise LookupError("no numbering part")
        element = self._parts[matching[0]].element
        if element is None:
            raise AttributeError("numbering part is not XML")
        return element

    def related_element(self, rid: str) -> Any:
        """The parsed root of the part the main document relates to by `rid` (python-docx's
        `related_parts[rid].element`): KeyError or AttributeError as python-docx raises them."""
        rtype, target = self.main.rels[rid]
        if target is None:
            raise KeyError(rid)  # external relationships are not in related_parts
        element = self._parts[target].element
        if element is None:
            raise AttributeError("not an XML part")
        return element


# -- opening ----------------------------------------------------------------------------------------


def open_fast(raw: bytes, name: str) -> Optional[FastDocument]:
    """The document, read the fast way; the container defences raise InputError as on the
    general path; None when the document is not one this module mirrors (read it through
    python-docx)."""
    blobs = inflate_docx_container(raw, name)
    try:
        return FastDocument(*load_package(blobs))
    except Exception:  # anything python-docx might treat otherwise: its own path decides
        return None


# -- styles ---------------------------------------------------------------------------------------


class _StyleTable:
    """The w:style elements of a styles part, resolved once, as python-docx resolves them
    (styles/styles.py, oxml/styles.py): the first style of an id; the paragraph default is the
    last paragraph style marked default. Declines a table on which python-docx would raise
    (an unknown w:type, a bad w:default on a paragraph style)."""

    def __init__(self, styles: Any) -> None:
        self.by_id: dict[str, Any] = {}
        self.types: dict[Any, Optional[str]] = {}
        # ListNumbers' default (lists.py _load_styles): the first paragraph style with an id whose
        # w:default is 1, true or on.
        self.list_default = ""
        default = None
        for st in styles.iterchildren(_STYLE):
            kind = st.get(f"{_W}type")
            if kind is not None and kind not in _STYLE_TYPES:
                raise Declined("style type")
            self.types[st] = kind
            sid = st.get(f"{_W}styleId")
            if sid is not None:
                self.by_id.setdefault(sid, st)
                if kind == "paragraph" and not self.list_default and st.get(f"{_W}default") in ("1", "true", "on"):
                    self.list_default = sid
            if kind == "paragraph":
                flag = st.get(f"{_W}default")
                if flag is not None and flag not in _ON_OFF:
                    raise Declined("style default")
                if flag is not None and _ON_OFF[flag]:
                    default = st
        self.default = default
        self._of_id: dict[Optional[str], Any] = {}

    def paragraph_style(self, p: Any) -> Any:
        """python-docx's `Paragraph.style` element for paragraph `p` (None: no default style)."""
        ppr = p.find(f"{_W}pPr")
        pstyle = ppr.find(f"{_W}pStyle") if ppr is not None else None
        sid = None
        if pstyle is not None:
            sid = pstyle.get(f"{_W}val")
            if sid is None:
                raise Declined("w:pStyle without w:val")  # python-docx raises InvalidXmlError
        if sid in self._of_id:
            return self._of_id[sid]
        if sid and '"' in sid:
            raise Declined("style id python-docx's XPath cannot hold")
        st = self.by_id.get(sid) if sid else None
        if st is None or self.types[st] != "paragraph":
            st = self.default
        self._of_id[sid] = st
        return st

    def chain(self, style: Any) -> list[Any]:
        """The style and the styles it is based on (reader._style_chain: a style seen twice ends it)."""
        out: list[Any] = []
        while style is not None and not any(s is style for s in out):
            out.append(style)
            based = style.find(f"{_W}basedOn")
            if based is None:
                break
            sid = based.get(f"{_W}val")
            if sid is None or '"' in sid:
                raise Declined("w:basedOn python-docx cannot follow")
            style = self.by_id.get(sid)
            if style is not None and self.types[style] is None:
                raise Declined("based on a style without w:type")  # python-docx: KeyError
        return out


def style_name(style: Any) -> Optional[str]:
    """python-docx's `style.name` (lower case is all reader._style_hint reads of it)."""
    if style is None:
        return None
    name = style.find(f"{_W}name")
    if name is None:
        return None
    value = name.get(f"{_W}val")
    if value is None:
        raise Declined("w:name without w:val")
    return str(value)


# -- paragraphs and tables --------------------------------------------------------------------------


def document_items(doc: FastDocument, paragraph_text: Callable[[Any], str],
                   style_hint: Callable[[str], str],
                   table_rows: Callable[[Any], tuple[tuple[str, ...], ...]]) -> list[tuple[int, str, str, Optional[Table]]]:
    """reader.document_items of the same document, read from the parsed parts (the reader's
    own paragraph_text, style_hint and table_rows passed in, so that both paths share them)."""
    items: list[tuple[int, str, str, Optional[Table]]] = []
    numbers = ListNumbers(_ListSource(doc), (doc.style_table.by_id, doc.style_table.list_default))
    styles = doc.style_table
    hints: dict[Any, str] = {}  # by style element: most paragraphs share a few styles
    paragraph_styles: list[Any] = []
    number = 0
    for element in doc.body.iterchildren():
        tag = element.tag
        if not isinstance(tag, str):
            raise Declined("comment or processing instruction in the body")
        local = tag.rsplit("}", 1)[-1]
        if local == "p":
            if tag != _P:
                raise Declined("a p of another namespace")
            number += 1
            style = styles.paragraph_style(element)
            paragraph_styles.append(style)
            hint = hints.get(style)
            if hint is None:
                hint = hints[style] = style_hint(style_name(style) or "")
            items.append((number, numbers.label(element) + paragraph_text(element), hint, None))
        elif local == "tbl":
            if tag != _TBL:
                raise Declined("a tbl of another namespace")
            for cell_p in element.iter(_P):
                numbers.label(cell_p)
            # The reader's own table_rows, as the python-docx path reads them: row.cells built
            # its grid from w:gridSpan as written ("2000000" took a minute, "abc" raised).
            items.append((number + 1, "", "", Table(table_rows(element), True, number + 1)))
    doc.paragraph_styles = paragraph_styles
    return items


class _ListSource:
    """What ListNumbers reads of a python-docx Document (`styles.element`,
    `part.numbering_part.element`), from the parsed parts."""

    def __init__(self, doc: FastDocument) -> None:
        self.styles = _Element(doc.styles_element)
        self.part = _NumberingPart(doc)


class _NumberingPart:
    def __init__(self, doc: FastDocument) -> None:
        self._doc = doc

    @property
    def numbering_part(self) -> "_Element":
        return _Element(self._doc.numbering_element)


class _Element:
    def __init__(self, element: Any) -> None:
        self.element = element


# -- layout ---------------------------------------------------------------------------------------


def docx_layout(doc: FastDocument, blocks: list[Block]) -> dict[str, Any]:
    """reader.docx_layout of the same document: page, fonts, footer. Raises Declined where
    python-docx would raise (the general path then says why)."""
    sectprs = doc.root.xpath("./w:body/w:p/w:pPr/w:sectPr | ./w:body/w:sectPr", namespaces={"w": W})
    if not sectprs:
        raise Declined("no section")
    sec = sectprs[0]
    return {"page": _page(sec), "fonts": _fonts(doc, blocks), "footer": _footer(doc, sec)}


def _page(sec: Any) -> dict[str, Any]:
    def attr(child: str, name: str, kind: Callable[[str], int]) -> Any:
        el = sec.find(f"{_W}{child}")
        value = el.get(f"{_W}{name}") if el is not None else None
        return None if value is None else kind(value)

    return {
        "width_mm": layoutfacts.mm(attr("pgSz", "w", _twips)),
        "height_mm": layoutfacts.mm(attr("pgSz", "h", _twips)),
        "top_mm": layoutfacts.mm(attr("pgMar", "top", _signed_twips)),
        "bottom_mm": layoutfacts.mm(attr("pgMar", "bottom", _signed_twips)),
        "left_mm": layoutfacts.mm(attr("pgMar", "left", _twips)),
        "right_mm": layoutfacts.mm(attr("pgMar", "right", _twips)),
        "footer_mm": layoutfacts.mm(attr("pgMar", "footer", _twips)),
    }


# python-docx's ST_TwipsMeasure, ST_SignedTwipsMeasure and ST_UniversalMeasure
# (oxml/simpletypes.py convert_from_xml, in EMU), so that reading a file does not import
# python-docx (a tenth of a second of every `authoring check`).
_EMU_PER_TWIP = 635
_EMU_PER_UNIT = {"mm": 36000, "cm": 360000, "in": 914400, "pt": 12700, "pc": 152400, "pi": 152400}


def _universal(value: str) -> int:
    return int(round(float(value[:-2]) * _EMU_PER_UNIT[value[-2:]]))


def _twips(value: str) -> int:
    if "i" in value or "m" in value or "p" in value:
        return _universal(value)
    return int(int(value) * _EMU_PER_TWIP)


def _signed_twips(value: str) -> int:
    if "i" in value or "m" in value or "p" in value:
        return _universal(value)
    return int(int(round(float(value))) * _EMU_PER_TWIP)


def _fonts(doc: FastDocument, blocks: list[Block]) -> dict[str, dict[str, Any]]:
    role_of = layoutfacts.roles(blocks)
    rpr_default = doc.styles_element.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
    styles = doc.style_table
    known = doc.paragraph_styles  # the body's paragraphs in order, as counted here
    east_asia, size_of = layoutfacts.east_asia, layoutfacts.size
    counts: dict[str, dict[tuple[Optional[str], Optional[float]], list[int]]] = {}
    chained: dict[tuple[Any, Any], Any] = {}
    number = 0
    for element in doc.body.iterchildren():
        if element.tag != _P:
            continue
        number += 1
        role = role_of.get(number)
        if role is None:
            continue
        run = next((r for r in element.iterchildren(f"{_W}r") if _has_text(r)), None)
        if run is None:
            continue
        style = known[number - 1] if known is not None else styles.paragraph_style(element)
        rpr = run.find(_RPR)
        # Word's order (reader._effective): the run's own properties, then the paragraph style
        # and those it is based on (the same for every paragraph of the style: found once).
        font = east_asia(rpr)
        if font is None:
            font = _inherited(style, styles, rpr_default, east_asia, chained)
        pt = size_of(rpr)
        if pt is None:
            pt = _inherited(style, styles, rpr_default, size_of, chained)
        counts.setdefault(role, {}).setdefault((font, pt), []).append(number)
    fonts: dict[str, dict[str, Any]] = {}
    for role, by_key in counts.items():
        (font, size), numbers = max(by_key.items(), key=lambda kv: len(kv[1]))
        fonts[role] = {"east_asia": font, "size": size, "paragraph": numbers[0], "paragraphs": len(numbers)}
    return fonts


def _has_text(run: Any) -> bool:
    # python-docx's `run.text.strip()`: w:t's text, "-" for w:noBreakHyphen, white space else.
    for child in run.iterchildren(*_RUN_TEXT):
        if child.tag != f"{_W}t" or (child.text or "").strip():
            return True
    return False


def _inherited(style: Any, styles: _StyleTable, defaults: Any, getter: Callable[[Any], Any],
               chained: dict[tuple[Any, Any], Any]) -> Optional[Any]:
    # What a run without the property of its own gets: the paragraph style's and those it is
    # based on, else the document's defaults (memoised by style and property in `chained`).
    key = (style, getter)
    if key not in chained:
        found = None
        for st_ in styles.chain(style):
            found = getter(st_.find(f"{_W}rPr"))
            if found is not None:
                break
        chained[key] = found if found is not None else getter(defaults)
    return chained[key]


def _footer(doc: FastDocument, sec: Any) -> dict[str, Any]:
    from lxml import etree

    odd_even = doc.settings_element.find(f"{_W}evenAndOddHeaders") is not None
    footer_xml = ""
    for kind in ("default", "even"):
        ref = next((r for r in sec.iterchildren(f"{_W}footerReference") if r.get(f"{_W}type") == kind), None)
        if ref is None:
            continue  # linked to the previous section: no part of its own
        try:
            rid = ref.get(_RID)
            if rid is None:
                continue  # python-docx: InvalidXmlError, caught by the reader
            footer_xml += etree.tostring(doc.related_element(rid), encoding="unicode", pretty_print=True)
        except (KeyError, AttributeError):  # a missing footer part: nothing to read
            pass
    page_field = bool(re.search(r'instr="\s*PAGE\b|<w:instrText[^>]*>\s*PAGE\b', footer_xml))
    return {"page_number": page_field, "odd_even": odd_even, "dashes": "—" in footer_xml or "－" in footer_xml}

