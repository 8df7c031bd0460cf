"""Write blocks as HTML, from the same blocks the .docx writer consumes, in two modes.

- ``publication``: one self-contained UTF-8 page for the agency's website: semantic headings
  (``h1`` title, ``h2`` 一、, ``h3`` （一）, ``h4`` 1., ``h5`` （1）), tables, the 落款; no
  scripts, no external files, every style an inline ``style=""`` attribute (government CMS
  editors keep those when the page is pasted in, and drop ``<style>`` blocks). An optional
  图解 section shows the year's figures as a table and inline SVG bar charts.
- ``pages``: the report as the A4 pages it prints on (GB/T 9704: 156 × 225 mm text block at
  37/28 mm, 22 lines of 28 characters, "— N —" page numbers odd right / even left), for the
  workbench's live preview. Lines and page breaks come from measure.paginate, which simulates
  LibreOffice's layout of the .docx (CSS cannot paginate flowing text into page boxes). It
  is a whole document with its own <style>, meant for an <iframe> (srcdoc) so that its CSS
  touches nothing of the page around it; it prints as the pages it shows (@page A4, no margin).

Attributes the workbench can rely on (both modes), on the element of every block:

- ``data-block="N"``: the block's index in the report's block list (0-based). In ``pages``
  mode a block split over two pages has one element on each page, both with the same N, and
  ``data-piece="first|middle|last"`` (absent when the block is whole on one page).
- ``data-kind``: ``title``, ``heading``, ``paragraph``, ``table`` or ``signature``;
  ``data-level`` (1-4) on headings and on paragraphs with a run-in heading.
- ``data-field``: the YAML field the block came from (``achievements[1].items[2]``), where the
  block knows it (a ``field`` attribute on the block); ``data-line``: the source line or Word
  paragraph, where the block knows it.
- ``pages`` mode: ``data-page="N"`` on each page (``div.page``).
"""
from __future__ import annotations

import hashlib
import html as _html
import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from . import __version__
from .blocks import Block, Heading, Paragraph, Signature, Table, Title, refuse_impossible_level
from .docx.layout import resolve_layout
from .domain import format_path
from .measure import (
    Geometry,
    LaidOut,
    Piece,
    body_font,
    paginate,
    signature_lines,
    text_height,
    text_width,
)
from .resources import load_data

__all__ = ["FigureItem", "build_html", "html_bytes", "font_stack", "stamp_html",
           "unchanged_html", "MODES"]

MODES = ("publication", "pages")
_TAGS = {1: "h2", 2: "h3", 3: "h4", 4: "h5"}
_KIND = {Title: "title", Heading: "heading", Paragraph: "paragraph", Table: "table",
         Signature: "signature"}
# What HTML cannot carry as text (C0 controls but tab and newline, lone surrogates, non-characters).
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class FigureItem:
    """One of the year's figures for the 图解: what it counts, its value and its unit."""

    name: str
    label: str
    value: float
    unit: str = ""


def _esc(text: str) -> str:
    return _html.escape(_BAD.sub("\ufffd", text), quote=True)


def _resolve(layout: Optional[Mapping[str, Any]]) -> dict[str, Any]:
    return resolve_layout(layout)


_LATIN_FACE = "authoring-latin"


def font_stack(layout: Mapping[str, Any], role: str, *, latin_first: bool = False) -> str:
    """A CSS font-family list for a font role (body, title, heading1…): the layout's font, its
    fallback from layout.yaml, then the names the same faces have on Windows, macOS and Linux,
    then the Latin font. latin_first: the page preview's Latin face (an @font-face limited to
    Latin letters, so that “”—… stay full width in the Chinese font, as in the .docx)."""
    fonts = layout["fonts"]
    first = str(fonts.get(role) or fonts["body"])
    names = [_LATIN_FACE, first] if latin_first else [first]
    fallback = (layout.get("font_fallbacks") or {}).get(first)
    if fallback:
        names.append(str(fallback))
    names.extend(load_data("typesetting.yaml")["css_fonts"].get(role, []))
    names.append(str(fonts["latin"]))
    generic = "sans-serif" if role == "heading1" else "serif"
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return ", ".join(f'"{n}"' if not n.isascii() or " " in n else n for n in seen) + ", " + generic


def _attrs(block: Block, index: int, **extra: str) -> str:
    out = [f'data-block="{index}"', f'data-kind="{_KIND[type(block)]}"']
    level = getattr(block, "level", 0)
    if isinstance(block, Heading) or (isinstance(block, Paragraph) and block.lead and level):
        out.append(f'data-level="{int(level)}"')
    # The blocks carry the YAML field they were rendered from as `source` (a path).
    where = getattr(block, "field", None) or getattr(block, "source", None)
    if where:
        if isinstance(where, tuple):
            where = format_path(where)
        out.append(f'data-field="{_esc(str(where))}"')
    if block.line is not None:
        out.append(f'data-line="{block.line}"')
    out.extend(f'{k.replace("_", "-")}="{_esc(v)}"' for k, v in extra.items() if v)
    return " ".join(out)


def _lead_font(layout: Mapping[str, Any], level: int) -> str:
    role = {1: "heading1", 2: "heading2"}.get(level, "heading3")
    return font_stack(layout, role)


def _bold(layout: Mapping[str, Any], level: int) -> str:
    return "font-weight:bold;" if level == 3 and layout.get("heading3_bold") else "font-weight:normal;"


# --- publication -------------------------------------------------------------------------------


def _publication(blocks: Sequence[Block], layout: Mapping[str, Any], title: str,
                 figures: Optional[Sequence[FigureItem]], year: Any) -> str:
    body = font_stack(layout, "body")
    para = "margin:0;text-indent:2em;text-align:justify;"
    out: list[str] = []
    for i, b in enumerate(blocks):
        if isinstance(b, Title):
            # One line that the browser wraps to the page's width: the .docx's break is for 2号
            # type in 156 mm. A break the drafter wrote into the title is kept.
            lines = "<br>".join(_esc(t) for t in b.text.split("\n"))
            out.append(f'<h1 {_attrs(b, i)} style="margin:0 0 1.8em;text-align:center;'
                       f'font-family:{_q(font_stack(layout, "title"))};font-size:1.375em;'
                       f'font-weight:normal;line-height:1.6;">{lines}</h1>')
        elif isinstance(b, Heading):
            level = b.level
            out.append(f'<{_TAGS[level]} {_attrs(b, i)} style="{para}font-size:1em;'
                       f'{_bold(layout, level)}font-family:{_q(_lead_font(layout, level))};">'
                       f"{_esc(b.full_text)}</{_TAGS[level]}>")
        elif isinstance(b, Paragraph):
            out.append(f'<p {_attrs(b, i)} style="{para}">{_paragraph_html(b, layout)}</p>')
        elif isinstance(b, Table):
            out.append(_table_html(b, i, layout, b.rows, header_rows=1 if b.header else 0))
        elif isinstance(b, Signature):
            out.append(_signature_publication(b, i))
    if figures:
        out.append(_figures_html(figures, layout, year))
    content = "\n".join(out)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="authoring {__version__}">\n'
        f"<title>{_esc(title)}</title>\n</head>\n"
        '<body style="margin:0;background:#fff;color:#000;">\n'
        f'<article class="report" style="max-width:44em;margin:0 auto;padding:2em 1em;'
        f'font-family:{_q(body)};font-size:16px;line-height:1.8;">\n'
        f"{content}\n</article>\n</body>\n</html>\n"
    )


def _q(stack: str) -> str:
    # A font list inside style="…": its double quotes become single ones.
    return stack.replace('"', "'")


def _paragraph_html(b: Paragraph, layout: Mapping[str, Any]) -> str:
    if not b.lead:
        return _esc(b.number + b.text)
    level = b.level or 3
    lead = (f'<span class="lead" style="font-family:{_q(_lead_font(layout, level))};'
            f'{_bold(layout, level)}">{_esc(b.number + b.lead)}</span>')
    return lead + _esc(b.text)


def _table_html(b: Table, index: int, layout: Mapping[str, Any], rows: Sequence[Sequence[str]],
                *, header_rows: int, extra: str = "", cell_extra: str = "") -> str:
    cols = max((len(r) for r in b.rows), default=0)
    if cols == 0:
        return f'<table {_attrs(b, index)}{extra}></table>'
    cell = f"border:1px solid #000;padding:0.2em 0.4em;vertical-align:top;{cell_extra}"
    head_font = _q(font_stack(layout, "heading1"))
    parts = [f'<table {_attrs(b, index)}{extra} style="border-collapse:collapse;width:100%;'
             f'margin:0.5em 0;font-size:0.875em;line-height:1.45;">']
    for r, row in enumerate(rows):
        if r == header_rows and header_rows:
            parts.append("<tbody>")
        if r == 0 and header_rows:
            parts.append("<thead>")
        tag = "th" if r < header_rows else "td"
        style = (f"{cell}text-align:center;font-weight:normal;font-family:{head_font};"
                 if tag == "th" else f"{cell}text-align:left;")
        cells = [row[c] if c < len(row) else "" for c in range(cols)]
        parts.append("<tr>" + "".join(f'<{tag} style="{style}">{_esc(t)}</{tag}>' for t in cells)
                     + "</tr>")
        if r == header_rows - 1:
            parts.append("</thead>")
    if header_rows and len(rows) > header_rows:
        parts.append("</tbody>")
    parts.append("</table>")
    return "".join(parts)


def _signature_publication(b: Signature, index: int) -> str:
    """The 落款 at the right, as GB/T 9704 places it: the name two characters in from the
    right, the date starting two characters right of the name's first character."""
    wn, wd = text_width(b.name), text_width(b.date)
    if not b.name or not b.date:
        pads = [2.0, 2.0]
    elif wd <= wn - 0.5:
        pads = [2.0, wn - wd]
    else:
        pads = [wd - wn + 4.0 - 2.0, 2.0]
    lines = [(t, p) for t, p in zip((b.name, b.date), pads) if t]
    inner = "".join(f'<p style="margin:0;text-align:right;padding-right:{p:g}em;">{_esc(t)}</p>'
                    for t, p in lines)
    return f'<div {_attrs(b, index)} class="signature" style="margin-top:1.8em;">{inner}</div>'


# --- 图解 ----------------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _figures_html(items: Sequence[FigureItem], layout: Mapping[str, Any], year: Any) -> str:
    head = _q(font_stack(layout, "heading1"))
    cell = "border:1px solid #000;padding:0.2em 0.4em;"
    rows = "".join(
        f'<tr><td style="{cell}">{_esc(f.label)}</td>'
        f'<td style="{cell}text-align:right;">{_esc(_fmt(f.value))}</td>'
        f'<td style="{cell}">{_esc(f.unit)}</td></tr>' for f in items)
    table = (f'<table style="border-collapse:collapse;width:100%;margin:0.5em 0;font-size:0.875em;">'
             f'<thead><tr><th style="{cell}font-weight:normal;font-family:{head};">项目</th>'
             f'<th style="{cell}font-weight:normal;font-family:{head};">数值</th>'
             f'<th style="{cell}font-weight:normal;font-family:{head};">单位</th></tr></thead>'
             f"<tbody>{rows}</tbody></table>")
    charts = "".join(_bar_chart(unit, group) for unit, group in _by_unit(items))
    heading = f"图解：{year}年度主要数据" if year else "图解：主要数据"
    # <aside>: beside the report, not part of it; the readers of check and import skip it, so
    # a published page reads back to the report's own blocks.
    return (f'<aside class="figures" data-kind="figures" style="margin-top:3em;">'
            f'<h2 style="margin:0 0 0.5em;font-size:1.125em;font-weight:normal;text-align:center;'
            f'font-family:{head};">{_esc(heading)}</h2>{table}{charts}</aside>')


def _by_unit(items: Sequence[FigureItem]) -> list[tuple[str, list[FigureItem]]]:
    groups: dict[str, list[FigureItem]] = {}
    for f in items:
        if f.value >= 0:
            groups.setdefault(f.unit, []).append(f)
    # A bar chart compares like with like: one chart per unit; percentages are drawn on 0-100.
    return [(u, g) for u, g in groups.items() if len(g) >= 2 or u == "%"]


def _bar_chart(unit: str, items: Sequence[FigureItem]) -> str:
    """Horizontal bars drawn as inline SVG (no script), scaled to the largest value (0-100 for %)."""
    top = 100.0 if unit == "%" else max(f.value for f in items) or 1.0
    label_w, bar_w, row_h = 260, 300, 28
    height = row_h * len(items) + 16
    parts = [f'<figure style="margin:1.5em 0;"><svg xmlns="http://www.w3.org/2000/svg" '
             f'role="img" viewBox="0 0 {label_w + bar_w + 90} {height}" '
             f'style="width:100%;max-width:40em;height:auto;" aria-label="{_esc(unit or "数值")}">']
    for n, f in enumerate(items):
        y = 10 + n * row_h
        w = max(1.0, bar_w * min(f.value, top) / top)
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="14">'
                     f"{_esc(_shorten(f.label, 18))}</text>"
                     f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" '
                     f'fill="#b22222"/>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" font-size="14">'
                     f"{_esc(_fmt(f.value) + f.unit)}</text>")
    caption = f"单位：{unit}" if unit else "数值"
    parts.append(f'</svg><figcaption style="text-align:center;font-size:0.875em;">{_esc(caption)}'
                 f"</figcaption></figure>")
    return "".join(parts)


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --- pages ---------------------------------------------------------------------------------------


def _pt(twips: float) -> str:
    return f"{twips / 20:g}pt"


def _pages_css(layout: Mapping[str, Any], geo: Geometry) -> str:
    page, sizes = layout["page"], layout["sizes"]
    pitch = _pt(geo.line_pitch)
    body = body_font(layout, geo)
    side = float(layout["page_number"]["side_chars"]) * float(sizes["page_number"])
    latin = str(layout["fonts"]["latin"])
    return f"""
@font-face {{ font-family: "{_LATIN_FACE}"; src: local("{latin}"), local("Liberation Serif");
  unicode-range: U+0020-007E, U+00A0-00B6, U+00B8-024F; }}
@page {{ size: {page['width_mm']}mm {page['height_mm']}mm; margin: 0; }}
html {{ background: #e8e8e8; }}
body {{ margin: 0; padding: 12px 0; }}
.page {{ position: relative; box-sizing: border-box; width: {page['width_mm']}mm;
  height: {page['height_mm']}mm; margin: 0 auto 12px; background: #fff; color: #000;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); overflow: hidden; }}
.text-block {{ position: absolute; left: {page['left_mm']}mm; top: {page['top_mm']}mm;
  width: {_pt(geo.text_w)}; height: {_pt(text_height(geo))};
  font-family: {font_stack(layout, 'body', latin_first=True)}; font-size: {body.size:g}pt;
  letter-spacing: {body.spacing:g}pt; line-height: {pitch}; }}
.text-block p, .text-block h1, .text-block h2, .text-block h3, .text-block h4, .text-block h5 {{
  margin: 0; font-size: {body.size:g}pt; font-weight: normal; }}
.line {{ display: block; height: {pitch}; white-space: pre; text-align: justify;
  text-align-last: justify; }}
.line.end {{ text-align: left; text-align-last: left; }}
.first {{ text-indent: {_pt(float(layout['indent']['first_line_chars']) * geo.char)}; }}
h1 {{ font-family: {font_stack(layout, 'title', latin_first=True)}; }}
h1 .line {{ font-size: {float(sizes['title']):g}pt; letter-spacing: 0; text-align: center;
  text-align-last: center; }}
h1 .line:last-child {{ margin-bottom: {_pt(geo.line_pitch * int(layout['title']['blank_lines_after']))}; }}
h2, .lead-1 {{ font-family: {font_stack(layout, 'heading1', latin_first=True)}; }}
h3, .lead-2 {{ font-family: {font_stack(layout, 'heading2', latin_first=True)}; }}
h4, h5, .lead-3, .lead-4 {{ font-family: {font_stack(layout, 'heading3', latin_first=True)}; }}
{'h4, .lead-3 { font-weight: bold; }' if layout.get('heading3_bold') else ''}
.signature {{ margin-top: {_pt(geo.line_pitch * int(layout['signature']['blank_lines_before']))}; }}
.signature .line {{ text-align-last: auto; }}
table {{ border-collapse: collapse; width: 100%; font-size: {float(sizes['table']):g}pt;
  line-height: 1.448; letter-spacing: {body.spacing:g}pt; }}
th, td {{ border: 0.5pt solid #000; padding: 0 5.4pt; vertical-align: top; font-weight: normal; }}
th {{ text-align: center; font-family: {font_stack(layout, 'heading1', latin_first=True)}; }}
.page-number {{ position: absolute; bottom: {page['footer_mm']}mm; font-size: {float(sizes['page_number']):g}pt;
  line-height: 1; font-family: {font_stack(layout, 'page_number')}; white-space: pre; }}
.page-number.odd {{ right: calc({page['right_mm']}mm + {side:g}pt); }}
.page-number.even {{ left: calc({page['left_mm']}mm + {side:g}pt); }}
@media print {{ html {{ background: none; }} body {{ padding: 0; }}
  .page {{ margin: 0; box-shadow: none; break-after: page; }} }}
""".strip()


def _line_spans(lines: Sequence[str], *, ends: bool, lead: int = 0, level: int = 0,
                first: bool = False) -> str:
    """Lines as spans; the first `lead` characters (a run-in heading) in its level's font."""
    out, offset = [], 0
    for n, line in enumerate(lines):
        cls = "line"
        if n == 0 and first:
            cls += " first"
        if ends and n == len(lines) - 1:
            cls += " end"
        text = _esc(line)
        if offset < lead:
            k = min(lead - offset, len(line))
            text = f'<span class="lead lead-{level}">{_esc(line[:k])}</span>{_esc(line[k:])}'
        offset += len(line)
        out.append(f'<span class="{cls}">{text}</span>')
    return "".join(out)


def _piece_html(blocks: Sequence[Block], piece: Piece, laid: LaidOut, done: dict[int, int]) -> str:
    b = blocks[piece.block]
    which = "" if piece.first and piece.last else ("first" if piece.first else
                                                   "last" if piece.last else "middle")
    attrs = _attrs(b, piece.block, data_piece=which)
    layout, geo = laid.layout, laid.geo
    if isinstance(b, Title):
        return f"<h1 {attrs}>{_line_spans(piece.lines, ends=False)}</h1>"
    if isinstance(b, (Heading, Paragraph)):
        lead, level = 0, 0
        if isinstance(b, Paragraph) and b.lead:
            lead, level = len(b.number + b.lead), b.level or 3
        # Skip the characters of this block already shown on earlier pages.
        before = done.get(piece.block, 0)
        done[piece.block] = before + sum(len(t) for t in piece.lines)
        spans = _line_spans(piece.lines, ends=piece.last, lead=max(lead - before, 0), level=level,
                            first=piece.first)
        tag = _TAGS[b.level] if isinstance(b, Heading) else "p"
        return f"<{tag} {attrs}>{spans}</{tag}>"
    if isinstance(b, Table):
        rows = [b.rows[r] for r in piece.rows]
        header = 1 if b.header and (piece.first or piece.repeat_header) else 0
        if piece.repeat_header:
            rows = [b.rows[0]] + rows
        repeat = ' data-repeated-header="1"' if piece.repeat_header else ""
        return _table_html(b, piece.block, layout, rows, header_rows=header, extra=repeat)
    if isinstance(b, Signature):
        sig: list[str] = []
        for text, jc, left, right in signature_lines(b.name, b.date, layout, geo):
            style = f"text-align:{jc};text-align-last:{jc};padding-left:{_pt(left)};" \
                    f"padding-right:{_pt(max(right, 0))};"
            sig.append(f'<span class="line end" style="{style}">{_esc(text)}</span>')
        return f'<div {attrs} class="signature">{"".join(sig)}</div>'
    return ""


def _pages(blocks: Sequence[Block], layout: Mapping[str, Any], title: str) -> str:
    laid = paginate(blocks, layout)
    dash = str(layout["page_number"]["dash"])
    out: list[str] = []
    done: dict[int, int] = {}
    for page in laid.pages:
        parity = "odd" if page.number % 2 else "even"
        body = "".join(_piece_html(blocks, piece, laid, done) for piece in page.pieces)
        out.append(f'<div class="page" data-page="{page.number}"><div class="text-block">{body}'
                   f'</div><div class="page-number {parity}">{dash} {page.number} {dash}</div></div>')
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="generator" content="authoring {__version__}">\n'
        f"<title>{_esc(title)}</title>\n<style>\n{_pages_css(layout, laid.geo)}\n</style>\n"
        f'</head>\n<body data-pages="{len(laid.pages)}">\n' + "\n".join(out) + "\n</body>\n</html>\n"
    )


# --- public API ----------------------------------------------------------------------------------


def build_html(blocks: Sequence[Block], *, mode: str = "publication",
               layout: Optional[Mapping[str, Any]] = None,
               meta: Optional[Mapping[str, Any]] = None,
               figures: Optional[Sequence[FigureItem]] = None) -> str:
    """The HTML text for blocks: mode "publication" (the web page) or "pages" (A4 pages as
    printed, for the preview). meta: title and year; figures: the 图解 (publication only)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    for b in blocks:  # a level no writer draws is refused, not drawn as the nearest
        refuse_impossible_level(b)
    resolved = _resolve(layout)
    meta = meta or {}
    title = str(meta.get("title") or next((b.text for b in blocks if isinstance(b, Title)), ""))
    title = title.replace("\n", "")
    if mode == "pages":
        return _pages(blocks, resolved, title)
    return _publication(blocks, resolved, title, figures, meta.get("year"))


_STAMP = re.compile(rb'<meta name="authoring-hash" content="([0-9a-f]{64})">\n')


def html_bytes(blocks: Sequence[Block], *, mode: str = "publication",
               layout: Optional[Mapping[str, Any]] = None,
               meta: Optional[Mapping[str, Any]] = None,
               figures: Optional[Sequence[FigureItem]] = None) -> bytes:
    """The HTML file's bytes: UTF-8, stamped (see stamp_html)."""
    return stamp_html(build_html(blocks, mode=mode, layout=layout, meta=meta, figures=figures))


def stamp_html(text: str) -> bytes:
    """The page as UTF-8 with a hash of its content in a meta tag, so that a later run can
    tell a page it wrote from one someone edited."""
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    return data.replace(b"<head>\n", b'<head>\n<meta name="authoring-hash" content="'
                        + digest.encode("ascii") + b'">\n', 1)


def unchanged_html(data: bytes) -> bool:
    """True when the bytes are a page this tool wrote and still match its stamp."""
    m = _STAMP.search(data[:4096])
    if m is None:
        return False
    rest = data[:m.start()] + data[m.end():]
    return hashlib.sha256(rest).hexdigest() == m.group(1).decode("ascii")
