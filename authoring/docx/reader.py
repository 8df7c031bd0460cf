"""Reading a .docx: its paragraphs and tables in document order, as a reader sees them (tracked
insertions in, deletions out, Word's automatic list numbers put back), and the page, font and
footer facts that the GB/T 9704 layout rules compare. read.py turns the paragraphs into blocks.

python-docx is imported only when a .docx is read, so that text-only use does not pay for it.
"""
from __future__ import annotations

import io
import re
from typing import Any, Optional

from authoring.blocks import Block, Table
from authoring.docx import fast
from authoring.docx.container import check_docx_container
from authoring.docx.layoutfacts import east_asia as _east_asia, mm as _mm, roles as _roles, size as _size
from authoring.docx.lists import ListNumbers, open_without_broken_numbering
from authoring.docx.schema import MC, W
from authoring.errors import InputError

_W = f"{{{W}}}"
# One paragraph or table of the document: (Word paragraph number, text, style hint, table).
Item = tuple[int, str, str, Optional[Table]]


def open_document(raw: bytes, name: str) -> Any:
    """The python-docx Document of a .docx's bytes, after the container defences; a damaged
    numbering part is dropped (the text is still worth reading), anything else refused."""
    check_docx_container(raw, name)
    import docx

    try:
        return docx.Document(io.BytesIO(raw))
    except Exception as e:  # python-docx raises several types for broken packages, in English
        document = open_without_broken_numbering(raw)
        if document is None:
            raise InputError(_docx_failure(e), file=name) from e
        return document


def document_items(document: Any) -> list[Item]:
    """The document's paragraphs and tables in order, numbered as a clerk counts paragraphs in
    Word (empty ones included; a table is numbered as the paragraph after it would be)."""
    from docx.text.paragraph import Paragraph as DocxParagraph

    items: list[Item] = []
    numbers = ListNumbers(document)
    number = 0
    for element in document.element.body.iterchildren():
        if not isinstance(element.tag, str):
            continue  # an XML comment or processing instruction between paragraphs: no text
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            number += 1
            para = DocxParagraph(element, document)
            # Word's automatic number ("一、" from a list) is not in the text: put it back.
            items.append((number, numbers.label(element) + paragraph_text(element), _style_hint(para), None))
        elif tag == "tbl":
            # List paragraphs inside a table count in Word's numbering like any other.
            for cell_p in element.iter(f"{_W}p"):
                numbers.label(cell_p)
            items.append((number + 1, "", "", Table(table_rows(element), True, number + 1)))
    return items


_REVIEW = {
    "insertions": ("ins",),
    "deletions": ("del",),
    "moves": ("moveFrom", "moveTo"),
    "formatting": ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange"),
}


def review_marks(document: Any) -> dict[str, int]:
    """How many tracked changes of each kind, and comments, a Word document still holds (the
    text read is the text with every revision accepted; the checker tells the reviewer)."""
    body = document.body if isinstance(document, fast.FastDocument) else document.element.body
    counts = {kind: sum(len(body.findall(f".//{_W}{tag}")) for tag in tags) for kind, tags in _REVIEW.items()}
    counts["comments"] = len(body.findall(f".//{_W}commentReference"))
    return {kind: n for kind, n in counts.items() if n}


# Word's own limit on the columns of a table.
MAX_COLUMNS = 63


def table_rows(tbl: Any) -> tuple[tuple[str, ...], ...]:
    """The rows of a w:tbl as python-docx's row.cells gives them (a cell spanning two grid columns
    twice, a vertically merged cell's text again below), read from the XML: python-docx built
    its cell grid from w:gridSpan as written, so "2000000" took a minute and "abc" raised."""
    rows: list[tuple[str, ...]] = []
    above: list[str] = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        row: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            pr = tc.find(f"{_W}tcPr")
            span, merge = 1, None
            if pr is not None:
                grid = pr.find(f"{_W}gridSpan")
                value = (grid.get(f"{_W}val") or "") if grid is not None else ""
                span = min(max(int(value), 1), MAX_COLUMNS) if value.isdigit() else 1
                vmerge = pr.find(f"{_W}vMerge")
                merge = None if vmerge is None else (vmerge.get(f"{_W}val") or "continue")
            if merge == "continue" and len(row) < len(above):
                text = above[len(row)]
            else:
                text = "\n".join(paragraph_text(p) for p in tc.iterchildren(f"{_W}p")).strip()
            row.extend([text] * min(span, MAX_COLUMNS - len(row)))
            if len(row) >= MAX_COLUMNS:
                break
        rows.append(tuple(row))
        above = row
    return tuple(rows)


_SKIP_SUBTREES = {
    f"{{{W}}}del",  # a tracked deletion is not in the text a reader sees
    f"{{{W}}}txbxContent",  # text boxes float outside the paragraph's text
    f"{{{MC}}}Fallback",  # duplicate of the Choice
}
_T, _TAB = f"{_W}t", f"{_W}tab"
_WALKED = (_T, _TAB, *_SKIP_SUBTREES)


def paragraph_text(element: Any) -> str:
    """The text of a Word paragraph as a reader sees it, tracked insertions included.

    python-docx's `Paragraph.text` reads only direct runs and hyperlinks, so it drops text inside
    tracked insertions (`w:ins`), smart tags and content controls: a report still under review
    would lose words.
    """
    # Most paragraphs have nothing to leave out: the text and tabs in the order lxml walks them,
    # the walk left for the one below at the first element to leave out.
    out: list[str] = []
    for el in element.iterdescendants(*_WALKED):
        tag = el.tag
        if tag == _T:
            out.append(el.text or "")
        elif tag == _TAB:
            out.append(" ")
        else:
            break
    else:
        return "".join(out)
    out = []
    stack = [iter(element)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIP_SUBTREES:
            continue
        if tag == f"{{{W}}}t":
            out.append(child.text or "")
        elif tag == f"{{{W}}}tab":
            out.append(" ")
        stack.append(iter(child))
    return "".join(out)


def _docx_failure(error: Exception) -> str:
    """A clerk's reason for a .docx that python-docx cannot open (its own messages are English)."""
    text = str(error)
    if "[Content_Types].xml" in text:
        return "缺少 [Content_Types].xml 部件，文件已损坏或不是 Word 保存的 .docx；请在 Word 中打开后另存为 .docx"
    if type(error).__name__ == "XMLSyntaxError":
        return "Word 文件内部的 XML 已损坏，无法读取；请在 Word 中打开（Word 会尝试修复）后另存为 .docx"
    if "content type" in text.lower() or "not a Word file" in text:
        return "这不是 Word 文档（.docx）：压缩包中的主文档类型不对；请提供 Word 保存的 .docx"
    return "无法打开 Word 文件（文件已损坏）；请在 Word 中打开后另存为 .docx"


def _style_hint(para: Any) -> str:
    try:
        style = (para.style.name or "") if para.style is not None else ""
    except (KeyError, AttributeError):
        return ""
    return style_hint(style)


def style_hint(style: str) -> str:
    """A paragraph style's name → "title", "h1".."h4", or "" (what the line-reader takes as a hint)."""
    low = style.lower()
    if low in ("title", "标题"):
        return "title"
    m = re.match(r"^(heading|标题)\s*(\d)$", low)
    if m:
        return f"h{min(int(m.group(2)), 4)}"
    return ""


def _style_chain(style: Any) -> list[Any]:
    # A style met again ends the chain. python-docx makes a new style object at every step, so
    # the element (kept alive by the chain, hence one Python object per node) is what is
    # compared: comparing the style objects never stopped, and a w:basedOn cycle hung the reader.
    chain, seen = [], set()
    while style is not None and id(style.element) not in seen:
        seen.add(id(style.element))
        chain.append(style)
        # A numbering or table style named by a paragraph has no base_style in python-docx;
        # its own properties still apply, as the fast reader reads them.
        style = getattr(style, "base_style", None)
    return chain


def _effective(para: Any, run: Any, defaults: Any, getter: Any) -> Optional[Any]:
    # Word's order: the run's own properties, then the paragraph style and the styles it is
    # based on, then the document defaults.
    value = getter(run._element.rPr) if run is not None else None
    if value is not None:
        return value
    try:
        style = para.style
    except (KeyError, AttributeError):
        style = None
    for s in _style_chain(style):
        value = getter(s.element.rPr)
        if value is not None:
            return value
    return getter(defaults)


def docx_layout(document: Any, blocks: list[Block]) -> dict[str, Any]:
    """Page, font and footer facts of a Word document that the GB/T 9704 layout rules compare
    (of a python-docx document, or of a fast.FastDocument: fast.Declined where it cannot tell)."""
    if isinstance(document, fast.FastDocument):
        return fast.docx_layout(document, blocks)
    sec = document.sections[0]
    return {"page": _page_facts(sec), "fonts": _font_facts(document, blocks), "footer": _footer_facts(document, sec)}


def _page_facts(sec: Any) -> dict[str, Any]:
    return {
        "width_mm": _mm(sec.page_width),
        "height_mm": _mm(sec.page_height),
        "top_mm": _mm(sec.top_margin),
        "bottom_mm": _mm(sec.bottom_margin),
        "left_mm": _mm(sec.left_margin),
        "right_mm": _mm(sec.right_margin),
        "footer_mm": _mm(sec.footer_distance),
    }


def _font_facts(document: Any, blocks: list[Block]) -> dict[str, dict[str, Any]]:
    """For each role, the East Asian font and size most of its paragraphs are drawn in."""
    from docx.text.paragraph import Paragraph as DocxParagraph

    roles = _roles(blocks)
    rpr_default = document.styles.element.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
    counts: dict[str, dict[tuple[Optional[str], Optional[float]], list[int]]] = {}
    number = 0
    for element in document.element.body.iterchildren():
        if element.tag != f"{_W}p":
            continue
        number += 1
        role = roles.get(number)
        if role is None:
            continue
        para = DocxParagraph(element, document)
        run = next((r for r in para.runs if r.text.strip()), None)
        if run is None:
            continue
        key = (
            _effective(para, run, rpr_default, _east_asia),
            _effective(para, run, rpr_default, _size),
        )
        counts.setdefault(role, {}).setdefault(key, []).append(number)
    fonts: dict[str, dict[str, Any]] = {}
    for role, by_key in counts.items():
        (font, size), numbers = max(by_key.items(), key=lambda kv: len(kv[1]))
        fonts[role] = {"east_asia": font, "size": size, "paragraph": numbers[0], "paragraphs": len(numbers)}
    return fonts


def _footer_facts(document: Any, sec: Any) -> dict[str, Any]:
    settings = document.settings.element
    odd_even = settings.find(f"{_W}evenAndOddHeaders") is not None
    footer_xml = ""
    for f in (sec.footer, sec.even_page_footer):
        try:
            # A linked footer has no part of its own; touching `_element` would create one.
            if not f.is_linked_to_previous:
                footer_xml += f._element.xml
        except Exception:  # a missing footer part: nothing to read
            pass
    page_field = bool(re.search(r'instr="\s*PAGE\b|<w:instrText[^>]*>\s*PAGE\b', footer_xml))
    return {
        "page_number": page_field,
        "odd_even": odd_even,
        "dashes": "—" in footer_xml or "－" in footer_xml,
    }
