"""The XML parts of a .docx parsed as python-docx parses them, and a styles part read only as far
as anything reads it (for docx/fast.py).

Word's styles part is most of the XML of a short report: python-docx's default template has 164
styles in 349 KB, which took 3.7 ms of the 10 ms `authoring check` spent on such a file, where
the report names three or four of them. So the part is checked whole (python-docx would refuse
it broken: so must the fast path) by libxml2 without building a tree — the same parser, half the
time — and only the styles anything can look at are built whole: those named by the document's
paragraphs or its numbering, the default styles, and those they are based on. The others keep
their start tag (id, type, default: what the style table reads of every style) and lose their
content, as does w:latentStyles (the style gallery's entries: nothing here reads them). Wherever the bytes are not plainly ordinary (comments, processing instructions, CDATA,
an encoding other than UTF-8, a w:style not a child of w:styles, a style read that was cut), the
part is parsed whole, as before; tests/test_docx_fast.py holds the two readings equal.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional

from authoring.docx.schema import W

_W = f"{{{W}}}"
_STYLE = f"{_W}style"
_LATENT_TAG = f"{_W}latentStyles"

@lru_cache(maxsize=None)
def _parser() -> Any:
    # python-docx's parser options (oxml/parser.py), without its custom element classes: the
    # same trees, cheaper to walk. lxml is imported when a .docx is read, as python-docx was,
    # so that text-only use does not pay for it.
    from lxml import etree

    return etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def parse(blob: bytes) -> Any:
    """The root of an XML part, as python-docx's parse_xml builds it (XMLSyntaxError alike)."""
    from lxml import etree

    return etree.fromstring(blob, _parser())


class _NoTree:
    """A parser target that keeps nothing: libxml2 still checks every byte."""

    def close(self) -> None:
        return None


def parses_cleanly(blob: bytes) -> bool:
    """Whether parse(blob) succeeds, checked without building the tree. libxml2 logs namespace
    errors (an undeclared prefix) without raising when it builds no tree, so anything in the
    error log counts as failure (parse() then decides)."""
    from lxml import etree

    parser = etree.XMLParser(target=_NoTree(), remove_blank_text=True, resolve_entities=False)
    try:
        etree.fromstring(blob, parser)
    except etree.XMLSyntaxError:
        return False
    return len(parser.error_log) == 0


# A w:style start tag (attributes as XML writes them: a ">" may stand inside a quoted value), its
# w:styleId (group 1 or 2) and w:default (group 3) as the bytes spell them; group 4 "/" if empty.
_QUOTED = rb"""(?:"[^"]*"|'[^']*')"""
_START = re.compile(rb"""<w:style(?:\s+w:styleId\s*=\s*(?:"([^"]*)"|'([^']*)')|(\s+w:default\s*=\s*""" + _QUOTED
                    + rb")|\s+[^\s=/>]+\s*=\s*" + _QUOTED + rb")*\s*(/?)>")
_END = re.compile(rb"</w:style\s*>")
_LATENT = re.compile(rb"<w:latentStyles(?:\s+[^\s=/>]+\s*=\s*" + _QUOTED + rb")*\s*(/?)>")
_LATENT_END = re.compile(rb"</w:latentStyles\s*>")
_BASED_ON = re.compile(rb"""<w:basedOn\s[^>]*?w:val\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DECLARATION = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
# Below this a styles part parses whole in a fraction of a millisecond (the lean styles of a
# rendered report: 23 KB): cutting it would cost about what it saves.
MIN_CUT = 64 * 1024


class _Segment:
    """One w:style element in the bytes: where it starts, where its start tag and the element
    end, its id and whether it says w:default (both as the bytes read: _same_reads checks)."""

    __slots__ = ("start", "tag_end", "end", "empty", "sid", "default")

    def __init__(self, match: "re.Match[bytes]", end: int) -> None:
        self.start, self.tag_end = match.span()
        self.end = end
        self.empty = bool(match.group(4))
        sid = match.group(1) if match.group(1) is not None else match.group(2)
        self.sid = None if sid is None else sid.decode("utf-8", "replace")
        self.default = match.group(3) is not None


def read_styles(blob: bytes, named: set[str]) -> Any:
    """The styles part's root: whole, except the content of styles that nothing reads (see the
    module's docstring); `named` are the style ids the document and its numbering name."""
    reduced = _reduced(blob, named)
    return reduced if reduced is not None else parse(blob)


def _reduced(blob: bytes, named: set[str]) -> Optional[Any]:
    if len(blob) < MIN_CUT or not _ordinary(blob):
        return None
    segments = _segments(blob)
    if not segments:
        return None
    keep = _kept(blob, segments, named)
    if all(keep):
        return None
    if not parses_cleanly(blob):
        return None  # broken somewhere: parse() raises as python-docx does
    cuts = [(seg.tag_end, seg.end) for seg, kept in zip(segments, keep) if not kept and not seg.empty]
    latent = _latent(blob, segments)
    if latent is not None:
        cuts = sorted(cuts + [latent])
    pieces, cursor = [], 0
    for tag_end, end in cuts:  # each start tag made empty, its content and end tag left out
        pieces += [blob[cursor:tag_end - 1], b"/>"]
        cursor = end
    pieces.append(blob[cursor:])
    root = parse(b"".join(pieces))
    if latent is not None and not _latent_cut(root):
        return None
    return root if _same_reads(root, segments, keep, named) else None


def _latent(blob: bytes, segments: list[_Segment]) -> Optional[tuple[int, int]]:
    """(end of the start tag, end) of the one w:latentStyles (a seventh of the template's
    bytes, which nothing reads) when it stands apart from every w:style; None otherwise."""
    m = _LATENT.search(blob)
    if m is None or m.group(1):
        return None  # (a second one elsewhere is found on the tree: _latent_cut)
    close = _LATENT_END.search(blob, m.end())
    if close is None:
        return None
    start, end = m.start(), close.end()
    if any(seg.start < end and start < seg.end for seg in segments):
        return None
    return m.end(), end


def _latent_cut(root: Any) -> bool:
    """Whether the w:latentStyles cut was a child of the root, the only one, now empty."""
    found = root.findall(_LATENT_TAG)
    return len(found) == 1 and len(found[0]) == 0 and sum(1 for _ in root.iter(_LATENT_TAG)) == 1


def _ordinary(blob: bytes) -> bool:
    """UTF-8, and every "<" a tag: no comment, CDATA or DOCTYPE ("<!"), no processing instruction
    but the XML declaration. Then every "<w:style" in the bytes is a start tag of one."""
    declared = _DECLARATION.match(blob)
    if declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    for mark, allowed in ((b"!", -1), (b"?", 1)):
        at = blob.find(mark)  # rare bytes, found by memchr
        while at != -1:
            if at != allowed and at > 0 and blob[at - 1] == 0x3C:
                return False
            at = blob.find(mark, at + 1)
    return True


def _segments(blob: bytes) -> list[_Segment]:
    out: list[_Segment] = []
    end = -1
    close = _END.search
    for m in _START.finditer(blob):
        start, tag_end = m.span()
        if start < end:
            return []  # a w:style inside a w:style: not cut
        if m.group(4):
            end = tag_end
        else:
            found = close(blob, tag_end)  # the first end tag closes it: none starts inside
            if found is None:
                return []
            end = found.end()
        out.append(_Segment(m, end))
    # Every "<w:style" of a well-formed part is a start tag _START matches (checked before
    # the cut is used), so none is missed.
    return out


def _kept(blob: bytes, segments: list[_Segment], named: set[str]) -> list[bool]:
    """Which styles keep their content: named, default, or what a kept one is based on (read
    from the bytes; _same_reads checks the result on the tree)."""
    wanted = set(named)
    keep = [False] * len(segments)
    grew = True
    while grew:
        grew = False
        for i, seg in enumerate(segments):
            if keep[i] or not (seg.default or seg.sid in wanted):
                continue
            keep[i] = grew = True
            for m in _BASED_ON.finditer(blob, seg.tag_end, seg.end):
                wanted.add((m.group(1) or m.group(2) or b"").decode("utf-8", "replace"))
    return keep


def _same_reads(root: Any, segments: list[_Segment], keep: list[bool], named: set[str]) -> bool:
    """Whether the cut tree reads as the whole one for everything read of it: every w:style a
    child of the root and one of the segments, in order; every style that can be looked at
    (named, marked default, based on by a kept one: exact values from the tree) kept whole."""
    styles = list(root.iterchildren(_STYLE))
    if len(styles) != len(segments) or sum(1 for _ in root.iter(_STYLE)) != len(segments):
        return False
    wanted = set(named)
    for st, kept in zip(styles, keep):
        if kept:
            wanted.update(v for b in st.iterchildren(f"{_W}basedOn") if (v := b.get(f"{_W}val")) is not None)
    for st, kept in zip(styles, keep):
        if not kept and (st.get(f"{_W}default") is not None or st.get(f"{_W}styleId") in wanted):
            return False
    return True
