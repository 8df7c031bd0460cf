"""Read a report from the bytes of any format a clerk has — .docx, .txt (UTF-8/GBK), .md, a saved
web page — into the one block model, dropping website chrome and noting what was dropped.

A report YAML becomes blocks by rendering it, which is the entry layer's job (main.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Optional, Sequence

from authoring.blocks import Block, Heading, Signature, Table, Title, block_text
from authoring.decode import MAX_TEXT_BYTES, decode_text, refuse_size  # noqa: F401 (MAX_TEXT_BYTES: read's old name)
from authoring import unflatten
from authoring.docx import fast as docx_fast
from authoring.docx import reader as docx_reader
from authoring.errors import InputError, Place, Problem
from authoring.lines import (  # noqa: F401 (is_title_text, max_title_chars: read's old names)
    classify_line, is_agency_line, is_body_start, is_date, is_noise, is_title_text, max_title_chars,
    normalize_text, patterns,
)



@dataclass
class ReadResult:
    """What a reader made of one file: the blocks and how it got them."""

    path: str
    kind: str
    blocks: list[Block]
    encoding: str = ""
    chrome: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    docx_layout: dict[str, Any] = field(default_factory=dict)
    # Decisions made on uncertain ground (a line cut where it had no line break, chrome cut out
    # of a line), each naming its line: `import` shows them as warnings.
    notes: list[Problem] = field(default_factory=list)
    # A Word file's review marks still in it: tracked insertions, deletions, moves, formatting
    # changes and comments (counts; the text read is the text with every revision accepted).
    review: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Item:
    """One line or paragraph of input before it becomes a block."""

    line: int
    text: str = ""
    hint: str = ""  # "title" or "h1".."h4" from a Word style or Markdown heading
    table: Optional[Table] = None


# -- public entry point -------------------------------------------------------------------------


KINDS = ("docx", "text", "markdown", "html")


def read_blocks(raw: bytes, kind: str, name: str = "") -> ReadResult:
    """The bytes of one report document of `kind` ("docx", "text", "markdown", "html") → blocks;
    refuse what cannot be read with an InputError naming `name`."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    refuse_size(len(raw), kind, name)
    if kind == "docx":
        return _read_docx(raw, name)
    _refuse_binary(raw, name)
    text, encoding, notes = decode_text(raw, name, lenient=True)
    if "\x00" in text:
        raise InputError("文件含有二进制内容，不是文本文件", file=name)
    if kind == "html":
        items = _html_items(text)
    elif kind == "markdown":
        items = _markdown_items(text)
    else:
        # Blank lines (a third of a report's) are dropped by build_blocks anyway: not made items.
        items = [_Item(i, line) for i, line in enumerate(text.splitlines(), start=1) if line.strip()]
    cuts: list[tuple[Optional[int], str]] = []
    blocks, chrome = build_blocks(items, cuts)
    # How the file was saved is the drafter's business, not the checker's: only a change to
    # the text itself (bytes shown as U+FFFD) is worth a warning here.
    warnings = [n for n in notes if n.rule == "encoding-replaced"]
    return ReadResult(name, kind, blocks, encoding, chrome, warnings, notes=_cut_notes(name, cuts))


def _cut_notes(name: str, cuts: list[tuple[Optional[int], str]]) -> list[Problem]:
    # rule read.chrome: chrome cut out of a line; read.cut: a line of the report's text cut apart
    return [Problem(message.removeprefix("chrome:"), Place(name, line), "warning",
                    "read.chrome" if message.startswith("chrome:") else "read.cut") for line, message in cuts]


def _refuse_binary(raw: bytes, name: str) -> None:
    head = raw[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("这是旧版 Word（.doc）或其他 Office 二进制文件，不是文本；请在 Word 中另存为 .docx", file=name)
    if head.startswith(b"%PDF"):
        raise InputError("这是 PDF 文件，不是文本；请提供 Word（.docx）或文本文件", file=name)
    if head.startswith(b"PK\x03\x04"):
        raise InputError("这是压缩包或 Word（.docx）文件，不是文本；如是 Word 文件请把扩展名改为 .docx", file=name)


# -- lines → blocks -----------------------------------------------------------------------------


def reread(blocks: Sequence[Block]) -> list[Block]:
    """Blocks as a reader finds them once written out — one Word paragraph a block (the 落款 two),
    headings by their style, a number typed at the start of a paragraph read as a number — each
    with `line` = its 1-based position in `blocks`, so that validate knows which of the blocks it
    rendered a block read back came from, and checks what the 依法治市办 will read."""
    items: list[_Item] = []
    for i, b in enumerate(blocks, 1):
        if isinstance(b, Table):
            items.append(_Item(i, table=Table(b.rows, b.header, i)))
        elif isinstance(b, Signature):
            items += [_Item(i, x) for x in (b.name, b.date) if x]
        elif isinstance(b, Title):
            items.append(_Item(i, b.text.replace("\n", ""), "title"))
        elif isinstance(b, Heading):
            items.append(_Item(i, b.full_text, f"h{b.level}"))
        else:
            items.append(_Item(i, block_text(b)))
    return build_blocks(items)[0]


def build_blocks(items: list[_Item], cuts: Optional[list[tuple[Optional[int], str]]] = None
                 ) -> tuple[list[Block], list[str]]:
    """Turn lines (or Word paragraphs) into blocks: chrome dropped, title and signature found.
    Where a line had to be cut (it ran several lines together), `cuts` gets (line, what was done)."""
    chrome: list[str] = []
    cuts = cuts if cuts is not None else []
    kept = _unflatten(_content_items(items, chrome), chrome, cuts)
    head, body = _split_head(kept, chrome)
    body = _drop_tail(body, chrome)
    blocks: list[Block] = []
    blocks.extend(_head_blocks(head, chrome))
    sig_start, signature = _find_signature(body)
    for it in body[:sig_start]:
        if it.table is not None:
            blocks.append(it.table)
        else:
            blocks.append(classify_line(it.text, it.line, it.hint))
    if signature is not None:
        blocks.append(signature)
    return blocks, chrome


def _content_items(items: list[_Item], chrome: list[str]) -> list[_Item]:
    out: list[_Item] = []
    for it in items:
        if it.table is not None:
            out.append(it)
            continue
        t = it.text.strip()
        if not t:
            continue
        if is_noise(t):
            chrome.append(t)
            continue
        out.append(it if t == it.text else _Item(it.line, t, it.hint))
    return out


def _unflatten(items: list[_Item], chrome: list[str], cuts: list[tuple[Optional[int], str]]) -> list[_Item]:
    """Lines that hold several lines cut apart: chrome and the title at the start, the 落款 and
    chrome at the end, headings and paragraphs run together (authoring/unflatten.py)."""
    def apply(it: _Item, cut: unflatten.Cut) -> list[_Item]:
        if cut.pieces == [it.text] and not (cut.chrome or cut.notes or cut.chrome_notes):
            return [it]  # nothing cut (most lines): the item as it was
        chrome.extend(cut.chrome)
        cuts.extend((it.line, "chrome:" + note) for note in cut.chrome_notes)
        cuts.extend((it.line, note) for note in cut.notes)
        return [_Item(it.line, piece, it.hint) for piece in cut.pieces]

    out: list[_Item] = []
    at_head = True
    # After the last numbered line the page footer starts: the tail patterns deal with it.
    footer = _last_numbered(items, len(items))
    for n, it in enumerate(items):
        if it.table is not None:
            out.append(it)
            at_head = False
            continue
        if not at_head and n < footer and unflatten.is_chrome_line(it.text):
            chrome.append(it.text)  # share links, page numbers between the report's lines
            cuts.append((it.line, "chrome:正文中间的一行是网页栏目，已略去：" + it.text))
            continue
        pieces = apply(it, _head_cut(it, unflatten.split_head(it.text, first=n == 0))) if at_head else [it]
        at_head = at_head and not any(is_body_start(p.text) for p in pieces)
        for piece in pieces:
            out.extend(apply(piece, unflatten.split_run_together(piece.text)))
    last = next((i for i in range(len(out) - 1, -1, -1) if out[i].table is None), None)
    if last is not None:
        out[last:last + 1] = apply(out[last], unflatten.split_tail(out[last].text))
    return [piece for it in out for piece in _split_heading_line(it, cuts, unflatten)]


def _last_numbered(items: list[_Item], none: int) -> int:
    """The index of the last line that opens with a heading number, or `none`: looked for from
    the end (the last numbered line is near it), not by testing every line."""
    for n in range(len(items) - 1, -1, -1):
        it = items[n]
        if it.table is None and unflatten.opens_numbered(normalize_text(it.text)):
            return n
    return none


def _head_cut(it: _Item, cut: Any) -> Any:
    # A line that is all chrome is left to the line-level patterns when they know it, so that
    # it is listed (and dropped) as the line it is.
    if not cut.pieces and any(rx.search(normalize_text(it.text)) for rx in patterns()["head"]):
        cut.pieces, cut.chrome = [it.text], []
    return cut


def _split_heading_line(it: _Item, cuts: list[tuple[Optional[int], str]], unflatten: Any) -> list[_Item]:
    """"三、存在问题在看到成绩的同时，……" as a heading line and a paragraph (only where the body
    starts like one: a line of its own is the writer's choice more often than run-together text)."""
    if it.table is not None:
        return [it]
    pieces = unflatten.split_part_heading(it.text, strict=True)
    if pieces is None:
        return [it]
    cuts.append((it.line, unflatten.heading_note(pieces[0])))
    return [_Item(it.line, piece, it.hint) for piece in pieces]


def _split_head(kept: list[_Item], chrome: list[str]) -> tuple[list[_Item], list[_Item]]:
    """Head (page furniture before the body starts: breadcrumbs, 日期:, 字号) and body."""
    pat = patterns()
    start = 0
    while start < len(kept) and (kept[start].table is None) and not is_body_start(kept[start].text):
        start += 1
    head_kept: list[_Item] = []
    for it in kept[:start]:
        if any(rx.search(normalize_text(it.text)) for rx in pat["head"]):
            chrome.append(it.text)
        else:
            head_kept.append(it)
    return head_kept, kept[start:]


def _drop_tail(body: list[_Item], chrome: list[str]) -> list[_Item]:
    """The body without the page footer: from the first footer marker after the last numbered
    heading, everything goes; then a trailing run of links."""
    pat = patterns()
    last_heading = _last_numbered(body, -1)
    cut = len(body)
    for i in range(last_heading + 1, len(body)):
        it = body[i]
        if it.table is None and any(rx.search(normalize_text(it.text)) for rx in pat["tail"]):
            cut = i
            break
    chrome.extend(it.text for it in body[cut:] if it.table is None)
    return _drop_link_run(body[:cut], chrome)


def _drop_link_run(body: list[_Item], chrome: list[str]) -> list[_Item]:
    # A run of short unpunctuated lines at the very end that are not the 落款 is a link list.
    pat = patterns()
    i = len(body)
    while i > 0:
        it = body[i - 1]
        t = it.text
        if it.table is not None or len(t) > pat["link_max"] or re.search(r"[。，；！？]", normalize_text(t)):
            break
        if is_date(t) or is_agency_line(t) or it.hint or unflatten.opens_numbered(normalize_text(t)):
            break
        i -= 1
    if len(body) - i >= pat["link_run"]:
        chrome.extend(it.text for it in body[i:])
        return body[:i]
    return body


def _head_blocks(head: list[_Item], chrome: list[str]) -> list[Block]:
    pat = patterns()

    def reads_as_title(it: _Item) -> bool:
        return is_title_text(it.text)

    # A line worded like a report title wins over a Word "Title" style or an <h1>: web pages
    # often put the site's name in an <h1>.
    at = next((i for i, it in enumerate(head) if reads_as_title(it)), None)
    if at is None:
        at = next((i for i, it in enumerate(head) if it.hint == "title"), None)
    out: list[Block] = []
    if at is None:
        return [classify_line(it.text, it.line, it.hint) for it in head]
    # Before the title: the agency line of a two-line title and the 版头 stay; the rest of a web
    # copy's header (site name, channel name, today's date) is chrome.
    before = head[:at]
    first_line: Optional[_Item] = None
    # Only a line styled like the title continues it (a page's <h1> site name above an <h2>
    # title does not).
    if before and is_agency_line(before[-1].text) and before[-1].hint == head[at].hint:
        first_line = before.pop()
    for it in before:
        if pat["masthead"].search(normalize_text(it.text)):
            out.append(classify_line(it.text, it.line, it.hint))
        else:
            chrome.append(it.text)
    title = head[at]
    if first_line is not None:
        out.append(Title(first_line.text + title.text, first_line.line))
    else:
        out.append(Title(title.text, title.line))
    for it in head[at + 1:]:
        if it.text == title.text or (first_line is not None and it.text == first_line.text + title.text):
            chrome.append(it.text)  # the page repeats the article title
        else:
            out.append(classify_line(it.text, it.line, it.hint))
    return out


def _find_signature(body: list[_Item]) -> tuple[int, Optional[Signature]]:
    if not body or body[-1].table is not None:
        return len(body), None
    last = body[-1]
    if is_date(last.text):
        if len(body) >= 2 and body[-2].table is None and is_agency_line(body[-2].text):
            prev = body[-2]
            return len(body) - 2, Signature(prev.text, last.text, prev.line)
        return len(body) - 1, Signature("", last.text, last.line)
    if is_agency_line(last.text) and not is_body_start(last.text):
        return len(body) - 1, Signature(last.text, "", last.line)
    return len(body), None


# -- Markdown and HTML --------------------------------------------------------------------------


def _markdown_items(text: str) -> list[_Item]:
    items: list[_Item] = []
    for i, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        hint = ""
        m = re.match(r"^(#{1,6})\s+(.*)$", s)
        if m:
            depth = len(m.group(1))
            s = m.group(2).strip().rstrip("#").strip()
            # "# 标题" is the title; "## 一、……" is a level-1 heading.
            hint = "title" if depth == 1 else f"h{min(depth - 1, 4)}"
        else:
            s = re.sub(r"^(?:[-*+]\s+|>\s*)", "", s)
        s = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda mm: mm.group(1) or mm.group(2), s)
        if re.fullmatch(r"[-*_=\s]{3,}", s):
            continue
        items.append(_Item(i, s, hint))
    return items


_SKIP_TAGS = {"script", "style", "nav", "header", "footer", "noscript", "iframe", "aside", "form",
              "select", "button", "svg", "head", "template"}
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "tr", "table", "br",
               "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "dl", "hr"}
_SKIP_CLASS = re.compile(r"(^|[\s_-])(nav|navbar|menu|breadcrumbs?|crumbs?|share|bdshare)([\s_-]|$)", re.I)
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}


class _TextExtractor(HTMLParser):
    """The visible text of a saved web page, one block-level element a line, with source lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[_Item] = []
        self._buf: list[str] = []
        self._line = 1
        self._stack: list[tuple[str, bool]] = []  # (tag, skipping)
        self._open: dict[str, int] = {}  # how many of each tag the stack holds
        self._hint = ""

    @property
    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def _flush(self) -> None:
        text = re.sub(r"[ \t\r\n\u00a0]+", " ", "".join(self._buf)).strip()
        if text:
            self.items.append(_Item(self._line, text, self._hint))
        self._buf = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        if tag in _BLOCK_TAGS or tag == "td":
            if tag == "td" and self._buf:
                self._buf.append(" ")
            else:
                self._flush()
        if tag in _VOID:
            return
        cls = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        skip = self._skipping or tag in _SKIP_TAGS or bool(_SKIP_CLASS.search(cls))
        self._stack.append((tag, skip))
        self._open[tag] = self._open.get(tag, 0) + 1
        if not skip and tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._hint = "title" if tag == "h1" else f"h{min(int(tag[1]) - 1, 4)}"
            self._line = self.getpos()[0]

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            if tag == "br":
                self._flush()
            return
        # Pop to the matching tag: saved pages are rarely well-formed. An end tag nothing opened
        # is passed over without a look at the stack (50,000 stray </span> under 50,000 open
        # <div> scanned the whole stack each).
        if self._open.get(tag):
            for i in range(len(self._stack) - 1, -1, -1):
                if self._stack[i][0] == tag:
                    for closed, _ in self._stack[i:]:
                        self._open[closed] -= 1
                    del self._stack[i:]
                    break
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._hint = ""  # kept until here so that a title broken by <br> stays a title

    def handle_data(self, data: str) -> None:
        if self._skipping or not data.strip():
            if not self._skipping and data and self._buf:
                self._buf.append(" ")
            return
        if not self._buf:
            self._line = self.getpos()[0]
        self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _html_items(text: str) -> list[_Item]:
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return parser.items


# -- Word ---------------------------------------------------------------------------------------


def _read_docx(raw: bytes, name: str) -> ReadResult:
    # The fast path (authoring/docx/fast.py) reads the parts without python-docx's document
    # and declines whatever it does not mirror exactly; python-docx's document (the general
    # path) then reads the file, as it reads every file the fast path declines.
    fast = docx_fast.open_fast(raw, name)
    document: Any = None
    items = _fast_items(fast) if fast is not None else None
    if items is None:
        fast, document = None, docx_reader.open_document(raw, name)
        items = docx_reader.document_items(document)
    cuts: list[tuple[Optional[int], str]] = []
    blocks, chrome = build_blocks([_Item(*item) for item in items], cuts)
    warnings: list[Problem] = []
    layout: Optional[dict[str, Any]] = None
    if fast is not None:
        try:
            layout = docx_reader.docx_layout(fast, blocks)
        except Exception:  # declined, or an error the general path words
            document = docx_reader.open_document(raw, name)
    try:
        if layout is None:
            layout = docx_reader.docx_layout(document, blocks)
    except Exception as e:  # odd styles or sections: the text is still worth checking
        layout = {}
        warnings.append(Problem(f"无法读取版式信息（{type(e).__name__}），版式未检查", Place(name), "warning", "read.layout"))
    return ReadResult(name, "docx", blocks, "", chrome, warnings, layout, _cut_notes(name, cuts),
                      docx_reader.review_marks(fast if fast is not None else document))


def _fast_items(fast: Any) -> Optional[list[Any]]:
    try:
        return docx_fast.document_items(fast, docx_reader.paragraph_text, docx_reader.style_hint,
                                          docx_reader.table_rows)
    except Exception:  # declined, or anything the general path is to decide
        return None
