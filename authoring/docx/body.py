"""The body of document.xml: a report's blocks as WordprocessingML text (w:p, w:r, w:t, w:tbl).

The body is the one part built for every report, so it is written as text, which is several
times faster than building and serialising lxml elements (docs/performance.md); the user's
text is escaped here and nowhere else. Its property elements (run-in headings, table cells,
the 落款) come from the builders in oxml.py, serialised once per layout by the base.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from authoring.blocks import Block, Heading, Paragraph, Signature, Table, Title, refuse_impossible_level
from authoring.docx.base import Base
from authoring.docx.container import MAX_XML_PART
from authoring.docx.oxml import (
    el,
    exact_spacing,
    inner_xml,
    ordered,
    para_props,
    run_props,
    wrapped,
    xml_of,
)
from authoring.docx.schema import BAD_XML_CHARS
from authoring.docx.styles import HEADING_STYLES
from authoring.errors import AuthoringError
from authoring.measure import lead_runs_over, signature_lines, text_width, title_lines


def _text(s: str) -> str:
    # What lxml escapes in text: the body is written as text, so the same must hold.
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_RUN_PIECES = re.compile(r"([\t\r\n])")
# Property elements the body uses as they are, built once (oxml.py builds every property).
# Only the hint, as Word writes when a clerk types Chinese: the style gives the fonts.
_HINT_RPR = xml_of(run_props(el("w:rFonts", hint="eastAsia")))
_KEEP_NEXT = xml_of(el("w:keepNext"))
_WIDOW_CONTROL = xml_of(el("w:widowControl"))
# A table as python-docx's add_table laid it out, with borders and width set directly: a
# reference doc need not have a "Table Grid" style.
_TABLE_PR = xml_of(ordered("w:tblPr", [
    el("w:tblW", w=5000, type="pct"),
    ordered("w:tblBorders", [el(f"w:{side}", val="single", sz=4, space=0, color="000000")
                             for side in ("top", "left", "bottom", "right", "insideH", "insideV")]),
    el("w:tblLook", firstColumn=1, firstRow=1, lastColumn=0, lastRow=0, noHBand=0, noVBand=1,
       val="04A0"),
]))
# The header row repeats on every page.
_HEADER_ROW_PR = xml_of(wrapped("w:trPr", el("w:tblHeader")))


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


class _Para:
    """A body paragraph being written: its properties stay open until the next block, because
    a 落款 asks the paragraph above to keep with it."""

    __slots__ = ("pstyle", "keep", "ppr", "runs")

    def __init__(self, pstyle: str, runs: str = "", *, keep: bool = False, ppr: str = "") -> None:
        self.pstyle, self.keep, self.ppr, self.runs = pstyle, keep, ppr, runs

    def xml(self) -> str:
        # pStyle, keepNext, then the rest: the schema's order (every other property follows them).
        props = self.pstyle + (_KEEP_NEXT if self.keep else "") + self.ppr
        return f"<w:p><w:pPr>{props}</w:pPr>{self.runs}</w:p>" if props else f"<w:p>{self.runs}</w:p>"


class Body:
    """The report's blocks as WordprocessingML text (w:p and w:tbl), as python-docx wrote them."""

    def __init__(self, base: Base) -> None:
        self.base, self.layout, self.geo = base, base.layout, base.geo
        self.items: list[Any] = []  # _Para or a table's XML
        self.last_para: Optional[_Para] = None
        self.texts: list[str] = []  # every w:t, for the character count
        self.size = 0  # bytes of document.xml so far, counted as it grows

    def _grow(self, piece: str) -> None:
        # Our own reader refuses a document.xml past MAX_XML_PART: the writer never makes one
        # (a table row of 20,000 cells, padded out row by row, took 1.6 GB and gave a file that
        # `authoring check` refused as a zip bomb).
        self.size += len(piece.encode("utf-8"))
        if self.size > MAX_XML_PART:
            raise BodyTooLarge(f"生成的 Word 正文超过 {MAX_XML_PART // (1024 * 1024)} MB，远超任何报告；"
                               "请检查是否有过长的表格或重复的内容")

    def xml(self) -> str:
        return "".join(i if isinstance(i, str) else i.xml() for i in self.items)

    def chars(self) -> int:
        # The characters but white space (re's \s: str.split's white space, every code point
        # alike, tests/test_write.py), without the regex engine's pass over the whole text.
        return len("".join("".join(self.texts).split()))

    def _para(self, style: str, runs: str = "", **kw: Any) -> _Para:
        self._grow(runs)
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
            refuse_impossible_level(block)
            self._para(HEADING_STYLES[block.level], self._run(_check(block.full_text, block)))
        elif isinstance(block, Paragraph):
            self._paragraph(block)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Signature):
            self._signature(block)
        else:
            raise AuthoringError(f"无法写入 Word 的内容类型：{type(block).__name__}")

    def _title_lines(self, text: str) -> list[str]:
        """The title's lines: as given, or a long title broken at the most even word break
        (measure.title_lines, which the HTML page preview shares)."""
        return title_lines(text, self.layout, self.geo)

    def _paragraph(self, block: Paragraph) -> None:
        refuse_impossible_level(block)
        if block.lead:
            # The run-in heading takes its level's font (2 → 楷体, 1 → 黑体, 3 → 仿宋, maybe
            # bold); the rest of the paragraph stays in the body font.
            lead_rpr = _HINT_RPR
            if block.level >= 1:
                lead_rpr = self.base.lead_rpr[block.level]
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
        return _WIDOW_CONTROL if lead_runs_over(block, self.layout) else ""

    def _table(self, block: Table) -> None:
        cols = max((len(r) for r in block.rows), default=0)
        if not block.rows or cols == 0:
            return
        col_w = int(round((self.base.block_width_emu // cols) / 635))
        cell_pr = xml_of(ordered("w:tcPr", [el("w:tcW", type="dxa", w=col_w)]))
        out = ["<w:tbl>", _TABLE_PR, "<w:tblGrid>", f'<w:gridCol w:w="{col_w}"/>' * cols, "</w:tblGrid>"]
        for i, row in enumerate(block.rows):
            is_header = block.header and i == 0
            out.append("<w:tr>" + _HEADER_ROW_PR if is_header else "<w:tr>")
            start = len(out)
            for j in range(cols):
                text = row[j] if j < len(row) else ""
                out.append(f"<w:tc>{cell_pr}<w:p><w:pPr>{self.base.cell_ppr[bool(is_header)]}</w:pPr>")
                out.append(self._run(_check(text, block), self.base.cell_rpr[bool(is_header)]))
                out.append("</w:p></w:tc>")
            out.append("</w:tr>")
            self._grow("".join(out[start:]))
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
            ind = el("w:ind", left=left, right=right_tw, firstLineChars=0, firstLine=0)
            # No automatic space between digits and 年月日: the date is as wide as we reckoned.
            ppr = para_props(autospace=False,
                       spacing=exact_spacing(geo.line_pitch, before=before if k == 0 else 0),
                       ind=ind, jc=jc)
            self._para("Normal", self._run(text), keep=k + 1 < len(lines), ppr=inner_xml(ppr))


class BadCharacter(ValueError):
    """Text holds a character Word cannot store; build_docx names the file and line."""


class BodyTooLarge(ValueError):
    """The body would be more than any reader of ours takes; build_docx names the file."""


def _check(text: str, block: Block) -> str:
    """Refuse characters Word cannot store, rather than writing a file Word cannot open."""
    m = BAD_XML_CHARS.search(text)
    if m:
        before = text[max(0, m.start() - 10):m.start()]
        raise BadCharacter(
            f"含有 Word 无法保存的字符 U+{ord(m.group(0)):04X}（在“{before}”之后），请删除该字符")
    return text


# The width of text in body characters is measure.text_width (shared with the HTML preview).
width = text_width
