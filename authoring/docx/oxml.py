"""Builders of WordprocessingML property elements (lxml), children in schema order.

Properties (w:rPr, w:pPr and their children) are built here and only here, as lxml elements:
the same properties go into parsed trees (styles.xml of the base or of a reference document,
footers), and the body takes them as text serialised once per layout (xml_of). The schema order
of children is data (schema.ORDER): a builder sorts what it was given by it.
"""
from __future__ import annotations

from typing import Any, Optional

from lxml import etree

from authoring.docx.schema import RANKS, W, qn

XML_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
W_DECL = f' xmlns:w="{W}"'
# Templates ship pretty-printed; Word's own parts carry no whitespace between elements.
PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def OxmlElement(tag: str) -> Any:  # noqa: N802 (python-docx's name, kept for readability)
    """A new element in the w: namespace ('w:p')."""
    return etree.Element(qn(tag), nsmap={"w": W})


def el(tag: str, **attrs: Any) -> Any:
    """A new element with w: attributes, in the order given: el("w:jc", val="center")."""
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), str(v))
    return e


def ordered(tag: str, children: list[Any]) -> Any:
    """A new `tag` element ('w:rPr') holding `children` in schema order (schema.ORDER)."""
    parent = OxmlElement(tag)
    ranks = RANKS[tag.split(":")[1]]
    # A child the table does not name is a bug here, not something to place by guess.
    for child in sorted(children, key=lambda c: ranks[c.tag]):
        parent.append(child)
    return parent


def wrapped(tag: str, *children: Any) -> Any:
    """A new `tag` element holding `children` as given (for elements whose children are a
    choice in any order, such as w:trPr)."""
    parent = OxmlElement(tag)
    for child in children:
        parent.append(child)
    return parent


def run_fonts(east_asia: str, latin: str, *, hint: bool = False) -> Any:
    """w:rFonts naming the East Asian font (python-docx's font.name fills only ascii/hAnsi,
    and Chinese text is drawn from w:eastAsia) and the Latin one."""
    e = el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin)
    if hint:
        # Tells Word that “”‘’—… belong to the Chinese font (full width), as typing them does.
        e.set(qn("w:hint"), "eastAsia")
    return e


def run_props(fonts: Any, *, size_pt: Optional[float] = None, bold: Optional[bool] = None,
              black: bool = False, spacing: Optional[int] = None) -> Any:
    """A fresh w:rPr (Word rejects a file whose run properties are out of schema order)."""
    children = [fonts]
    if bold is not None:
        children += [el("w:b", val=int(bold)), el("w:bCs", val=int(bold))]
    if black:
        children.append(el("w:color", val="000000"))
    if spacing is not None:
        children.append(el("w:spacing", val=spacing))
    if size_pt is not None:
        half_points = int(round(size_pt * 2))
        children += [el("w:sz", val=half_points), el("w:szCs", val=half_points)]
    return ordered("w:rPr", children)


def indent(first_chars: float, char: int, *, left_chars: float = 0, right_chars: float = 0) -> Any:
    """w:ind in characters (Word, WPS) and in twips (LibreOffice, older readers) alike: an
    explicit 0 matters, because *Chars values are inherited from Normal and win over twips."""
    return el("w:ind",
              leftChars=int(round(left_chars * 100)), left=int(round(left_chars * char)),
              rightChars=int(round(right_chars * 100)), right=int(round(right_chars * char)),
              firstLineChars=int(round(first_chars * 100)), firstLine=int(round(first_chars * char)))


def para_props(*, keep_next: bool = False, widow: Optional[bool] = None,
               autospace: Optional[bool] = None, snap: Optional[bool] = None,
               spacing: Optional[Any] = None, ind: Optional[Any] = None, jc: Optional[str] = None,
               outline: Optional[int] = None) -> Any:
    """A fresh w:pPr."""
    children = []
    if keep_next:
        children.append(el("w:keepNext"))
    if widow is not None:
        children.append(el("w:widowControl", val=int(widow)))
    if autospace is not None:
        children += [el("w:autoSpaceDE", val=int(autospace)), el("w:autoSpaceDN", val=int(autospace))]
    if snap is not None:
        children.append(el("w:snapToGrid", val=int(snap)))
    children += [c for c in (spacing, ind) if c is not None]
    if jc:
        children.append(el("w:jc", val=jc))
    if outline is not None:
        children.append(el("w:outlineLvl", val=outline))
    return ordered("w:pPr", children)


def exact_spacing(line: int, *, before: int = 0, after: int = 0) -> Any:
    """w:spacing with an exact line height (the GB/T 9704 line pitch) in twips."""
    return el("w:spacing", before=before, after=after, line=line, lineRule="exact")


def xml_of(element: Any) -> str:
    """An element as text for the body (whose root declares w:), without its own xmlns:w."""
    return etree.tostring(element, encoding="unicode").replace(W_DECL, "", 1)


def inner_xml(element: Any) -> str:
    """The children of an element as text: a w:pPr's properties, to go after a w:pStyle."""
    return "".join(xml_of(c) for c in element)


def insert_in_order(parent: Any, child: Any) -> None:
    """Put `child` into `parent` where the schema wants it: before the first child the schema
    puts after it (children the schema table does not name are passed over)."""
    ranks = RANKS[etree.QName(parent).localname]
    mine = ranks[child.tag]
    later = next((c for c in parent if ranks.get(c.tag, -1) > mine), None)
    if later is None:
        parent.append(child)
    else:
        later.addprevious(child)


def part_bytes(root: Any) -> bytes:
    """A part's root element as the bytes of a part (declaration, UTF-8, standalone)."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
