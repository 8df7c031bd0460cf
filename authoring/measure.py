"""The GB/T 9704 page as numbers, and how a report's text fills it: the .docx writer's geometry
and title breaking, and a simulation of the line and page layout that LibreOffice gives the
.docx (28 characters a line, 22 lines a page, Chinese line-breaking rules), for the HTML page
preview. The simulation's rules and metrics are data (data/typesetting.yaml); its agreement
with LibreOffice is measured in tests/test_html.py and docs/outputs.md."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping, Optional, Sequence

from .blocks import Block, Heading, Paragraph, Signature, Table, Title
from .docx.layout import Geometry as _Geometry
from .resources import load_data

# The twips of the page (the .docx writer's, one class for both).
Geometry = _Geometry


def text_height(geo: Geometry) -> int:
    """The text block's height in twips (225 mm on A4 at 37/35 mm)."""
    return geo.page_h - geo.top - geo.bottom


def text_width(text: str) -> float:
    """Width in body characters: CJK and full-width count 1, half-width digits and letters ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def title_lines(text: str, layout: Mapping[str, Any], geo: Geometry) -> list[str]:
    """The title's lines as the .docx writer breaks them: as given, or a long title broken at
    the most even word break (layout title.break_after / break_before)."""
    if "\n" in text:
        return text.split("\n")
    conf = layout["title"]
    per_line = geo.text_w / (float(layout["sizes"]["title"]) * 20)
    total = text_width(text)
    if total <= per_line or total > 2 * per_line:
        return [text]  # one line; or no break leaves two lines that fit, and Word wraps it as it is
    # Widths from running sums, and no slices: measuring both halves at every break point was
    # quadratic in the title's length (issue 16).
    after, before = conf.get("break_after", []), conf.get("break_before", [])
    best: Optional[tuple[float, int]] = None
    wh = 0.0
    for i in range(1, len(text)):
        wh += text_width(text[i - 1])
        if not (any(text.endswith(w, 0, i) for w in after) or any(text.startswith(w, i) for w in before)):
            continue
        wt = total - wh
        if wh <= per_line and wt <= per_line:
            score = (abs(wh - wt), i)
            if best is None or score < best:
                best = score
    return [text] if best is None else [text[:best[1]], text[best[1]:]]


def lead_runs_over(block: Paragraph, layout: Mapping[str, Any]) -> bool:
    """True when a paragraph's run-in heading runs onto its second line: the .docx gives it
    widow/orphan control then, so that the heading is never split over a page break."""
    if not block.lead:
        return False
    first_line = float(layout["grid"]["chars_per_line"]) - float(layout["indent"]["first_line_chars"])
    return text_width(block.number + block.lead) > first_line


# --- lines ---------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _rules() -> dict[str, Any]:
    data = load_data("typesetting.yaml")
    return {
        "latin": [w / float(data["latin_units_per_em"]) for w in data["latin_widths"]],
        "latin_extra": {c: w / float(data["latin_units_per_em"])
                        for c, w in data["latin_extra"].items()},
        "autospace": float(data["autospace_em"]),
        "hanging": frozenset(data["hanging"] or ""),
        "no_start": frozenset(data["hanging"] or "") | frozenset(data["no_line_start"]),
        "no_end": frozenset(data["no_line_end"]),
        "pairs": frozenset(data["unbreakable_pairs"]),
        "cell_line_em": float(data["cell_line_em"]),
        "cell_margin": int(data["cell_margin_twips"]),
    }


def _is_ideograph(c: str) -> bool:
    # Chinese characters (and kana, hangul): what 中西文间距 puts space beside; not punctuation.
    return unicodedata.east_asian_width(c) in "WF" and unicodedata.category(c) == "Lo"


def _is_latin_word(c: str) -> bool:
    return c.isascii() and c.isalnum()


@dataclass(frozen=True)
class Font:
    """A run's size and character spacing, in points."""

    size: float
    spacing: float = 0.0


def _is_weak(c: str) -> bool:
    # “”‘’—…· and the like: no script of their own (see typesetting.yaml).
    return unicodedata.east_asian_width(c) == "A" and not c.isalnum()


def _latin_script(c: str) -> bool:
    return ord(c) < 0x250 and not _is_weak(c)


def advance(c: str, font: Font, *, after: str = "") -> float:
    """How far one character moves the pen, in points; `after` is the character before it,
    whose script a weak character (“”—…) takes."""
    r = _rules()
    if " " <= c <= "~":
        return r["latin"][ord(c) - 32] * font.size + font.spacing
    if c == "\t":
        return 2 * font.size
    latin = _latin_script(c) or (_is_weak(c) and after != "" and _latin_script(after))
    if latin:
        return r["latin_extra"].get(c, 0.5) * font.size + font.spacing
    return font.size + font.spacing


def _can_break_before(text: str, i: int) -> bool:
    r = _rules()
    a, b = text[i - 1], text[i]
    if b in r["no_start"] or a in r["no_end"] or (a + b) in r["pairs"] or b == " ":
        return False
    if not a.isspace() and not b.isspace() and a.isascii() and b.isascii():
        return False  # inside a Latin word or a number ("2024", "95%", "VR-")
    if a in r["no_start"] and _is_latin_word(b):
        return False  # "〔2023〕1号": LibreOffice keeps a number with the bracket before it
    return True


def break_lines(text: str, width: float, font: Font, *, indent: float = 0.0) -> list[str]:
    """Text broken into lines of at most `width` points (the first line `indent` narrower), as
    Word and LibreOffice break Chinese: anywhere between characters, except before closing
    punctuation (，。、 and the like hang into the margin instead), after opening punctuation,
    inside a Latin word or number, and inside ——. The lines joined give back the text.
    (Which marks hang, if any, is data: typesetting.yaml.)"""
    return list(_break_lines(text, width, font, indent))


@lru_cache(maxsize=8192)
def _break_lines(text: str, width: float, font: Font, indent: float) -> tuple[str, ...]:
    # Kept per paragraph: the workbench lays out the whole report on every keystroke, and
    # breaking every paragraph's lines again was nine tenths of the page preview's time.
    return tuple(_break(text, width, font, indent))


def _break(text: str, width: float, font: Font, indent: float) -> list[str]:
    if not text:
        return [""]
    r = _rules()
    gap = r["autospace"] * font.size
    lines: list[str] = []
    start, x, limit = 0, 0.0, width - indent
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        w = advance(c, font, after=text[i - 1] if i else "")
        if i > start and ((_is_ideograph(text[i - 1]) and _is_latin_word(c))
                          or (_is_latin_word(text[i - 1]) and _is_ideograph(c))):
            w += gap
        if x + w <= limit + 1e-6 or i == start or c == " ":
            x += w
            i += 1
            continue
        # c does not fit on this line.
        if c in r["hanging"] and (i + 1 == n or _can_break_before(text, i + 1)):
            cut = i + 1
        else:
            cut = next((j for j in range(i, start, -1) if _can_break_before(text, j)), i)
        lines.append(text[start:cut])
        start, i, x, limit = cut, cut, 0.0, width
    if start < n:
        lines.append(text[start:])
    return lines


# --- pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """The part of one block that falls on one page: its index in the report's blocks, its
    lines (table rows: the indices of its rows), and whether the page holds its start and end."""

    block: int
    lines: tuple[str, ...] = ()
    rows: tuple[int, ...] = ()
    first: bool = True
    last: bool = True
    repeat_header: bool = False


@dataclass
class Page:
    """One printed page: its number and the pieces of blocks on it, in order."""

    number: int
    pieces: list[Piece] = field(default_factory=list)


@dataclass(frozen=True)
class _Line:
    block: int
    text: str  # a table's row index as text for rows
    height: int  # twips, with the spacing before or after that belongs to it
    glue: bool  # no page break allowed after this line
    row: int = -1
    index: int = 0  # the line's place in its block


@dataclass
class LaidOut:
    """Blocks laid out on pages, with the numbers the page preview draws them with."""

    pages: list[Page]
    layout: Mapping[str, Any]
    geo: Geometry
    block_lines: dict[int, list[str]] = field(default_factory=dict)
    row_lines: dict[tuple[int, int], list[list[str]]] = field(default_factory=dict)
    row_heights: dict[tuple[int, int], int] = field(default_factory=dict)


def body_font(layout: Mapping[str, Any], geo: Geometry) -> Font:
    """The body text's size and condensed spacing."""
    return Font(float(layout["sizes"]["body"]), geo.char_spacing / 20)


def paginate(blocks: Sequence[Block], layout: Mapping[str, Any]) -> LaidOut:
    """Lay blocks out on pages as LibreOffice prints the .docx: exact line pitch, headings and
    the title kept with what follows, the paragraph above the 落款 kept with it, table rows
    whole with the header row repeated, no widow control (as the .docx turns it off)."""
    geo = Geometry(layout)
    r = _rules()
    pitch = geo.line_pitch
    width = geo.text_w / 20
    body = body_font(layout, geo)
    indent = float(layout["indent"]["first_line_chars"]) * geo.char / 20
    out = LaidOut([], layout, geo)
    lines: list[_Line] = []
    for k, block in enumerate(blocks):
        nxt = blocks[k + 1] if k + 1 < len(blocks) else None
        keep = isinstance(block, (Title, Heading)) or isinstance(nxt, Signature)
        texts: list[str]
        if isinstance(block, Title):
            font = Font(float(layout["sizes"]["title"]))
            texts = [piece for line in title_lines(block.text, layout, geo)
                     for piece in break_lines(line, width, font)]
            after = pitch * int(layout["title"]["blank_lines_after"])
            heights = [pitch] * len(texts)
            heights[-1] += after
            glues = [True] * len(texts)
        elif isinstance(block, (Heading, Paragraph)):
            texts = break_lines(block.full_text, width, body, indent=indent)
            heights = [pitch] * len(texts)
            # A paragraph kept with the next block moves to the next page whole (measured:
            # the paragraph above the 落款), as headings do.
            glues = [keep] * len(texts)
            if isinstance(block, Paragraph) and lead_runs_over(block, layout) and len(texts) > 1:
                # Widow/orphan control: two lines at least at the foot and at the head.
                glues[0] = True
                glues[-2] = True
        elif isinstance(block, Signature):
            texts = [t for t in (block.name, block.date) if t]
            heights = [pitch] * len(texts)
            if heights:
                heights[0] += pitch * int(layout["signature"]["blank_lines_before"])
            glues = [True] * len(texts)
        elif isinstance(block, Table):
            _table_lines(out, k, block, lines, r, keep)
            continue
        else:
            continue
        out.block_lines[k] = texts
        if not texts:
            continue
        glues[-1] = keep
        lines.extend(_Line(k, t, h, g, index=n)
                     for n, (t, h, g) in enumerate(zip(texts, heights, glues)))
    out.pages = _fill_pages(lines, text_height(geo), out, blocks)
    return out


def _table_lines(out: LaidOut, k: int, table: Table, lines: list[_Line], r: dict[str, Any],
                 keep: bool) -> None:
    geo, layout = out.geo, out.layout
    cols = max((len(row) for row in table.rows), default=0)
    if not table.rows or cols == 0:
        return
    font = Font(float(layout["sizes"]["table"]), geo.char_spacing / 20)
    cell_w = (geo.text_w // cols - 2 * r["cell_margin"]) / 20
    line_h = int(round(r["cell_line_em"] * font.size * 20))
    for j, row in enumerate(table.rows):
        cells = [break_lines(row[c] if c < len(row) else "", cell_w, font) for c in range(cols)]
        height = max(len(c) for c in cells) * line_h + 10  # and half a point of border
        out.row_lines[(k, j)] = cells
        out.row_heights[(k, j)] = height
        # A header row is never left alone at the foot of a page (it repeats on the next).
        glue = j == 0 and table.header and len(table.rows) > 1
        lines.append(_Line(k, str(j), height, glue, row=j, index=j))
    if keep:
        last = lines[-1]
        lines[-1] = _Line(last.block, last.text, last.height, True, last.row, last.index)


def _fill_pages(lines: list[_Line], height: int, out: LaidOut,
                blocks: Sequence[Block]) -> list[Page]:
    breaks: list[int] = []  # index of the first line of every page after the first
    start, y, i = 0, 0, 0
    while i < len(lines):
        line = lines[i]
        extra = 0
        if i == start and line.row > 0 and blocks[line.block].header:  # type: ignore[union-attr]
            extra = out.row_heights[(line.block, 0)]  # the header row repeats on the new page
        if i == start or y + extra + line.height <= height:
            y += extra + line.height
            i += 1
            continue
        cut = i
        # Move the break up past lines that must stay with the next one (a heading with its
        # paragraph, the last line above the 落款); give up when the page would be empty.
        while cut > start and lines[cut - 1].glue:
            cut -= 1
        if cut == start:
            cut = i
        breaks.append(cut)
        start, y, i = cut, 0, cut
    pages: list[Page] = []
    bounds = [0] + breaks + [len(lines)]
    for n in range(len(bounds) - 1):
        page = Page(n + 1)
        for line in lines[bounds[n]:bounds[n + 1]]:
            prev = page.pieces[-1] if page.pieces else None
            if prev is not None and prev.block == line.block:
                page.pieces[-1] = Piece(prev.block, prev.lines + (() if line.row >= 0 else (line.text,)),
                                        prev.rows + ((line.row,) if line.row >= 0 else ()),
                                        prev.first, False, prev.repeat_header)
            elif line.row >= 0:
                repeat = line.row > 0 and bool(blocks[line.block].header)  # type: ignore[union-attr]
                page.pieces.append(Piece(line.block, rows=(line.row,), first=line.row == 0,
                                         last=False, repeat_header=repeat))
            else:
                page.pieces.append(Piece(line.block, (line.text,), first=line.index == 0, last=False))
        pages.append(page)
    # The last piece of each block ends it.
    ends: dict[int, tuple[int, int]] = {}
    for p, page in enumerate(pages):
        for q, piece in enumerate(page.pieces):
            ends[piece.block] = (p, q)
    for p, q in ends.values():
        piece = pages[p].pieces[q]
        pages[p].pieces[q] = Piece(piece.block, piece.lines, piece.rows, piece.first, True,
                                   piece.repeat_header)
    return pages


def signature_lines(name: str, date: str, layout: Mapping[str, Any],
                    geo: Geometry) -> list[tuple[str, str, int, int]]:
    """The 落款's lines per GB/T 9704 7.3.5.2 as (text, alignment, left indent, right indent),
    indents in twips: the name right-aligned two characters in, the date's first character two
    characters right of the name's first; a date longer than the name right-indented two, with
    the name moved left to keep that offset."""
    sig = layout["signature"]
    right = int(round(float(sig["right_chars"]) * geo.char))
    shift = int(round(float(sig["date_shift_chars"]) * geo.char))

    def advance_of(text: str) -> int:
        # Width in twips as laid out in the body (condensed full-width characters).
        return int(round(text_width(text) * (geo.char + geo.char_spacing)))

    if not name:
        lines = [(date, "right", 0, right)]
    # Half a character of slack: digits are wider in some fonts, and a date that ends
    # exactly at the margin would wrap its last character onto a line of its own.
    elif not date or text_width(date) <= text_width(name) - 0.5:
        # The name's right edge is fixed; its first character is found from its width
        # (Chinese characters, so the estimate is exact) and the date starts from there,
        # left-aligned, so that the date's own width (digits vary by font) does not matter.
        name_start = geo.text_w - right - advance_of(name)
        # The negative right indent lets a date a little wider than reckoned (a substitute
        # font's digits) run into the margin instead of wrapping its last character.
        lines = [(name, "right", 0, right), (date, "left", name_start + shift, -shift)]
    else:
        date_start = geo.text_w - right - advance_of(date)
        lines = [(name, "left", max(date_start - shift, 0), -shift), (date, "right", 0, right)]
    return [line for line in lines if line[0]]
