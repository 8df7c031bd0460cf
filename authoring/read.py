"""Read a report from the bytes of any format a clerk has — .docx, .txt (UTF-8/GBK), .md, a saved
web page — into the one block model, dropping website chrome and noting what was dropped.

A report YAML becomes blocks by rendering it, which is the entry layer's job (main.py)."""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any, Optional

from authoring.blocks import Block, Heading, Paragraph, Signature, Table, Title
from authoring.decode import decode_text
from authoring.errors import InputError, Place, Problem
from authoring.resources import load_data
from authoring.wordlists import ListNumbers, open_without_broken_numbering

MAX_TEXT_BYTES = 20 * 1024 * 1024
MAX_DOCX_UNPACKED = 200 * 1024 * 1024
# A real .docx compresses text about 5-20x; a ratio far beyond that on a big entry is a zip bomb.
MAX_ZIP_RATIO = 200
# ASCII and full-width variants mapped one character to one character, so that positions in the
# normalised text are positions in the original.
_NORMALISE = str.maketrans(
    {
        "(": "（",
        ")": "）",
        ",": "，",
        ":": "：",
        ";": "；",
        "!": "！",
        "?": "？",
        "[": "【",
        "]": "】",
        "\u3000": " ",
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
    }
)


def normalize_text(text: str) -> str:
    """Text with ASCII brackets/punctuation made full-width and full-width digits made ASCII,
    for recognition only (same length, so positions carry over to the original)."""
    return text.translate(_NORMALISE)


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


@dataclass(frozen=True)
class _Item:
    """One line or paragraph of input before it becomes a block."""

    line: int
    text: str = ""
    hint: str = ""  # "title" or "h1".."h4" from a Word style or Markdown heading
    table: Optional[Table] = None


@lru_cache(maxsize=None)
def _patterns() -> dict[str, Any]:
    data = load_data("headings.yaml")
    chrome = data["chrome"]
    return {
        "numbering": [(n["level"], re.compile(n["pattern"])) for n in data["numbering"]],
        "lead_end": re.compile(data["lead_end"]),
        "max_heading": int(data["max_heading_chars"]),
        "max_lead": int(data["max_lead_chars"]),
        "title": [re.compile(t) for t in data["title"]],
        "max_title": int(data["max_title_chars"]),
        "date": re.compile(data["signature_date"]),
        "agency": re.compile(data["agency_suffix"]),
        "max_agency": int(data["max_agency_chars"]),
        "head": [re.compile(p) for p in chrome["head"]],
        "masthead": re.compile(chrome["masthead"]),
        "tail": [re.compile(p) for p in chrome["tail"]],
        "link_run": int(chrome["tail_link_run"]),
        "link_max": int(chrome["link_max_chars"]),
    }


# -- public entry point -------------------------------------------------------------------------


KINDS = ("docx", "text", "markdown", "html")


def refuse_size(size: int, kind: str, name: str) -> None:
    """Refuse an empty file, and a text file too big to be a report, before it is read."""
    if size == 0:
        raise InputError("文件是空的（0 字节）", file=name)
    if kind not in ("docx", "yaml") and size > MAX_TEXT_BYTES:
        raise InputError(f"文件过大（{size // (1024 * 1024)} MB），文本报告不应超过 20 MB", file=name)


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
        items = [_Item(i, line) for i, line in enumerate(text.splitlines(), start=1)]
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


def classify_line(text: str, line: Optional[int] = None, hint: str = "") -> Block:
    """One line or Word paragraph as a Heading or a Paragraph (with a run-in heading if it has one)."""
    pat = _patterns()
    norm = normalize_text(text)
    for level, rx in pat["numbering"]:
        m = rx.match(norm)
        if not m:
            continue
        number, rest, nrest = text[: m.end()], text[m.end():].strip(), norm[m.end():].strip()
        if not rest:
            break
        end = pat["lead_end"].search(nrest)
        if end is None:
            if len(rest) <= pat["max_heading"]:
                return Heading(level, rest, number, line)
            return Paragraph(rest, "", number, level, line)
        body = rest[end.end():].strip()
        if not body and len(rest) <= pat["max_heading"]:
            return Heading(level, rest, number, line)
        if end.end() <= pat["max_lead"]:
            return Paragraph(body, rest[: end.end()], number, level, line)
        return Paragraph(rest, "", number, level, line)
    if hint.startswith("h") and len(text) <= pat["max_heading"]:
        return Heading(int(hint[1:]), text, "", line)
    return Paragraph(text, line=line)


def is_title_text(text: str) -> bool:
    """A line worded like a report title: short, not a sentence (no 。，；), matching headings.yaml's `title`."""
    pat = _patterns()
    norm = normalize_text(text).strip()
    return (0 < len(norm) <= pat["max_title"] and not re.search("[。，；]", norm)
            and any(rx.search(norm) for rx in pat["title"]))


def max_title_chars() -> int:
    """The longest a title line can be (headings.yaml)."""
    return int(_patterns()["max_title"])


def _is_date(text: str) -> bool:
    return bool(_patterns()["date"].match(normalize_text(text).replace(" ", "")))


def is_agency_line(text: str) -> bool:
    """A short line without sentence punctuation ending like an agency name (…局, …委员会)."""
    pat = _patterns()
    t = text.strip()
    return (
        0 < len(t) <= pat["max_agency"]
        and not re.search(r"[。，；：！？,.;:!?]", t)
        and bool(pat["agency"].search(t))
    )


def _is_noise(text: str) -> bool:
    # A line with no letter, digit or CJK character ("|", "——", "***") carries nothing.
    return not re.search(r"[\w\u4e00-\u9fff]", text)


def _is_body_start(text: str) -> bool:
    pat = _patterns()
    norm = normalize_text(text)
    if any(rx.match(norm) for _, rx in pat["numbering"]):
        return True
    return len(text) > 40 and bool(re.search(r"[，。]", norm))


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
        if _is_noise(t):
            chrome.append(t)
            continue
        out.append(_Item(it.line, t, it.hint))
    return out


def _unflatten(items: list[_Item], chrome: list[str], cuts: list[tuple[Optional[int], str]]) -> list[_Item]:
    """Lines that hold several lines cut apart: chrome and the title at the start, the 落款 and
    chrome at the end, headings and paragraphs run together (authoring/unflatten.py)."""
    from authoring import unflatten  # it uses this module's patterns

    def apply(it: _Item, cut: unflatten.Cut) -> list[_Item]:
        chrome.extend(cut.chrome)
        cuts.extend((it.line, "chrome:" + note) for note in cut.chrome_notes)
        cuts.extend((it.line, note) for note in cut.notes)
        return [_Item(it.line, piece, it.hint) for piece in cut.pieces]

    out: list[_Item] = []
    at_head = True
    # After the last numbered line the page footer starts: the tail patterns deal with it.
    numbered = [n for n, it in enumerate(items)
                if it.table is None and any(rx.match(normalize_text(it.text)) for _, rx in _patterns()["numbering"])]
    footer = numbered[-1] if numbered else len(items)
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
        at_head = at_head and not any(_is_body_start(p.text) for p in pieces)
        for piece in pieces:
            out.extend(apply(piece, unflatten.split_run_together(piece.text)))
    last = next((i for i in range(len(out) - 1, -1, -1) if out[i].table is None), None)
    if last is not None:
        out[last:last + 1] = apply(out[last], unflatten.split_tail(out[last].text))
    return [piece for it in out for piece in _split_heading_line(it, cuts, unflatten)]


def _head_cut(it: _Item, cut: Any) -> Any:
    # A line that is all chrome is left to the line-level patterns when they know it, so that
    # it is listed (and dropped) as the line it is.
    if not cut.pieces and any(rx.search(normalize_text(it.text)) for rx in _patterns()["head"]):
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
    pat = _patterns()
    start = 0
    while start < len(kept) and (kept[start].table is None) and not _is_body_start(kept[start].text):
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
    pat = _patterns()
    last_heading = -1
    for i, it in enumerate(body):
        if it.table is None and any(rx.match(normalize_text(it.text)) for _, rx in pat["numbering"]):
            last_heading = i
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
    pat = _patterns()
    i = len(body)
    while i > 0:
        it = body[i - 1]
        t = it.text
        if it.table is not None or len(t) > pat["link_max"] or re.search(r"[。，；！？]", normalize_text(t)):
            break
        if _is_date(t) or is_agency_line(t) or it.hint or any(rx.match(normalize_text(t)) for _, rx in pat["numbering"]):
            break
        i -= 1
    if len(body) - i >= pat["link_run"]:
        chrome.extend(it.text for it in body[i:])
        return body[:i]
    return body


def _head_blocks(head: list[_Item], chrome: list[str]) -> list[Block]:
    pat = _patterns()

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
    if _is_date(last.text):
        if len(body) >= 2 and body[-2].table is None and is_agency_line(body[-2].text):
            prev = body[-2]
            return len(body) - 2, Signature(prev.text, last.text, prev.line)
        return len(body) - 1, Signature("", last.text, last.line)
    if is_agency_line(last.text) and not _is_body_start(last.text):
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
        if not skip and tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._hint = "title" if tag == "h1" else f"h{min(int(tag[1]) - 1, 4)}"
            self._line = self.getpos()[0]

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            if tag == "br":
                self._flush()
            return
        # Pop to the matching tag: saved pages are rarely well-formed.
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
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

_WNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{_WNS}}}"


def check_docx_container(raw: bytes, name: str) -> None:
    """Refuse a .docx that is really a .doc or PDF, not a zip, or a zip bomb, before anything in
    it is inflated whole (also used by the writer for --reference-doc)."""
    head = raw[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("这是旧版 Word（.doc）文件，不是 .docx；请在 Word 中“另存为”Word 文档（.docx）", file=name)
    if head.startswith(b"%PDF"):
        raise InputError("这是 PDF 文件，扩展名却是 .docx；请提供 Word 原文件", file=name)
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise InputError("不是有效的 .docx 文件（文件已损坏或不是 Word 文档）", file=name)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError("不是有效的 .docx 文件（压缩包已损坏）", file=name) from e
    total = sum(i.file_size for i in infos)
    if total > MAX_DOCX_UNPACKED:
        raise InputError(f"解压后过大（{total // (1024 * 1024)} MB），拒绝读取", file=name)
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1):
            raise InputError(f"压缩比异常（{i.filename}），疑似压缩炸弹，拒绝读取", file=name)
    if "word/document.xml" not in names:
        raise InputError("压缩包中没有 word/document.xml，不是 Word 文档", file=name)
    _inflate_bounded(raw, name, infos)


def _inflate_bounded(raw: bytes, name: str, infos: list[zipfile.ZipInfo]) -> None:
    # The sizes above are what the zip *declares*. python-docx later reads each part whole, and
    # zipfile inflates a whole entry before cutting it to the declared size, so an entry that lies
    # ("1 KB") can inflate to gigabytes. Inflating every entry once in small chunks, checked
    # against its declared size and CRC, keeps memory bounded and catches the lie.
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            for info in infos:
                if info.is_dir():
                    continue
                with zf.open(info) as fh:
                    while fh.read(64 * 1024):
                        pass
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as e:
        raise InputError("压缩包内容与其声明的大小或校验值不符（文件已损坏或疑似压缩炸弹），拒绝读取", file=name) from e


def _read_docx(raw: bytes, name: str) -> ReadResult:
    check_docx_container(raw, name)
    import docx  # python-docx; imported here so that text-only use does not pay for it
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as e:  # python-docx raises several types for broken packages, in English
        document = open_without_broken_numbering(raw)
        if document is None:
            raise InputError(_docx_failure(e), file=name) from e
    items: list[_Item] = []
    numbers = ListNumbers(document)
    number = 0  # paragraph number as a clerk would count them in Word (empty ones included)
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            number += 1
            para = DocxParagraph(element, document)
            # Word's automatic number ("一、" from a list) is not in the text: put it back.
            items.append(_Item(number, numbers.label(element) + paragraph_text(element), _style_hint(para)))
        elif tag == "tbl":
            # List paragraphs inside a table count in Word's numbering like any other.
            for cell_p in element.iter(f"{_W}p"):
                numbers.label(cell_p)
            table = DocxTable(element, document)
            rows = tuple(tuple(c.text.strip() for c in row.cells) for row in table.rows)
            items.append(_Item(number + 1, table=Table(rows, True, number + 1)))
    cuts: list[tuple[Optional[int], str]] = []
    blocks, chrome = build_blocks(items, cuts)
    warnings: list[Problem] = []
    try:
        layout = docx_layout(document, blocks)
    except Exception as e:  # odd styles or sections: the text is still worth checking
        layout = {}
        warnings.append(Problem(f"无法读取版式信息（{type(e).__name__}），版式未检查", Place(name), "warning", "read.layout"))
    return ReadResult(name, "docx", blocks, "", chrome, warnings, layout, _cut_notes(name, cuts))


_SKIP_SUBTREES = {
    f"{{{_WNS}}}del",  # a tracked deletion is not in the text a reader sees
    f"{{{_WNS}}}txbxContent",  # text boxes float outside the paragraph's text
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",  # duplicate of the Choice
}


def paragraph_text(element: Any) -> str:
    """The text of a Word paragraph as a reader sees it, tracked insertions included.

    python-docx's `Paragraph.text` reads only direct runs and hyperlinks, so it drops text inside
    tracked insertions (`w:ins`), smart tags and content controls: a report still under review
    would lose words.
    """
    out: list[str] = []
    stack = [iter(element)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIP_SUBTREES:
            continue
        if tag == f"{{{_WNS}}}t":
            out.append(child.text or "")
        elif tag == f"{{{_WNS}}}tab":
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
    low = style.lower()
    if low in ("title", "标题"):
        return "title"
    m = re.match(r"^(heading|标题)\s*(\d)$", low)
    if m:
        return f"h{min(int(m.group(2)), 4)}"
    return ""


def _mm(length: Any) -> Optional[float]:
    return None if length is None else round(length / 36000, 1)  # EMU → mm


def _east_asia(rpr: Any) -> Optional[str]:
    if rpr is None:
        return None
    fonts = rpr.find(f"{_W}rFonts")
    if fonts is None:
        return None
    value = fonts.get(f"{_W}eastAsia")
    if value:
        return str(value)
    theme = fonts.get(f"{_W}eastAsiaTheme")
    return f"主题字体（{theme}）" if theme else None


def _size(rpr: Any) -> Optional[float]:
    if rpr is None:
        return None
    sz = rpr.find(f"{_W}sz")
    return None if sz is None else int(sz.get(f"{_W}val")) / 2


def _style_chain(style: Any) -> list[Any]:
    chain, seen = [], set()
    while style is not None and id(style) not in seen:
        seen.add(id(style))
        chain.append(style)
        style = style.base_style
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
    """Page, font and footer facts of a Word document that the GB/T 9704 layout rules compare."""
    sec = document.sections[0]
    facts: dict[str, Any] = {
        "page": {
            "width_mm": _mm(sec.page_width),
            "height_mm": _mm(sec.page_height),
            "top_mm": _mm(sec.top_margin),
            "bottom_mm": _mm(sec.bottom_margin),
            "left_mm": _mm(sec.left_margin),
            "right_mm": _mm(sec.right_margin),
            "footer_mm": _mm(sec.footer_distance),
        }
    }
    from docx.text.paragraph import Paragraph as DocxParagraph

    roles: dict[int, str] = {}
    for b in blocks:
        if b.line is None:
            continue
        if isinstance(b, Title):
            roles[b.line] = "title"
        elif isinstance(b, Heading) and b.level in (1, 2):
            roles[b.line] = f"heading{b.level}"
        elif isinstance(b, Paragraph):
            roles[b.line] = f"heading{b.level}" if b.lead and b.level in (1, 2) else "body"
    styles_el = document.styles.element
    rpr_default = styles_el.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
    fonts: dict[str, dict[str, Any]] = {}
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
    for role, by_key in counts.items():
        (font, size), numbers = max(by_key.items(), key=lambda kv: len(kv[1]))
        fonts[role] = {"east_asia": font, "size": size, "paragraph": numbers[0], "paragraphs": len(numbers)}
    facts["fonts"] = fonts

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
    facts["footer"] = {
        "page_number": page_field,
        "odd_even": odd_even,
        "dashes": "—" in footer_xml or "－" in footer_xml,
    }
    return facts
