"""Word's automatic list numbers, drawn as Word draws them (used by reader.py for .docx input).

A heading numbered by Word itself ("一、" from a list with numFmt chineseCounting) has no number
in document.xml: Word draws it from numbering.xml. ListNumbers draws it the same way, counting
through the document as Word counts, so that such a report keeps its 一、/（一）/1. levels.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

from authoring.docx.schema import MC, W
from authoring.numerals import counted_numeral
from authoring.resources import load_data

_W = f"{{{W}}}"

_NUM_REF = re.compile(r"%([1-9])")
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@lru_cache(maxsize=None)
def _number_formats() -> dict[str, Any]:
    return load_data("word_numbering.yaml")


def _counted(n: int, spec: dict[str, Any]) -> str:
    return counted_numeral(n, str(spec["digits"]), str(spec["units"]), bool(spec.get("bare_ten")))


def format_list_number(n: int, fmt: str) -> str:
    """One number as Word draws it in a list of the given w:numFmt (decimal for a format it does
    not know or a number beyond the format's range)."""
    data = _number_formats()
    if fmt in data["no_number"]:
        return ""
    if n < 0:
        return str(n)
    if fmt in data["counting"] and n <= 9999:
        return _counted(n, data["counting"][fmt])
    if fmt in data["digital"]:
        digits = str(data["digital"][fmt])
        return "".join(digits[int(c)] for c in str(n))
    seq = data["sequences"].get(fmt)
    if seq is not None:
        return seq[n - 1] if 1 <= n <= len(seq) else str(n)
    if fmt in data["full_width"]:
        return "".join(chr(0xFF10 + int(c)) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    # Letters repeat once per 26 (AA, BB…), up to Word's 780 (30 Zs): a list starting at
    # w:start="1000000000" drew 38 million letters per paragraph (11 GB for a 36 KB file).
    if fmt in ("upperLetter", "lowerLetter") and 1 <= n <= 780:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= n <= 3999:
        out, rest = "", n
        for value, numeral in _ROMAN:
            while rest >= value:
                out, rest = out + numeral, rest - value
        return out if fmt == "upperRoman" else out.lower()
    return str(n)


@dataclass(frozen=True)
class _Level:
    """One level of a list as a paragraph of one w:num shows it (w:lvlOverride applied)."""

    fmt: str
    text: Optional[str]
    start: int
    restart: Optional[int]
    legal: bool
    style: str
    forced_start: bool  # a w:startOverride: the first paragraph of this w:num here restarts the count


def _val(el: Any, name: str) -> Optional[str]:
    child = el.find(f"{_W}{name}") if el is not None else None
    return None if child is None else child.get(f"{_W}val")


def _int(value: Optional[str]) -> Optional[int]:
    return None if value is None else int(value)


class ListNumbers:
    """The numbers Word draws in front of list paragraphs, counted through one document.

    Feed it every paragraph in document order (`label`): a paragraph's w:numPr, direct or from its
    paragraph style, names a w:num, whose w:abstractNum (through w:numStyleLink if it has one) holds
    each level's w:lvlText, w:numFmt, w:start and w:lvlRestart; w:lvlOverride/w:startOverride in
    the w:num change a level for that w:num only. As in Word, every w:num of one abstract
    definition shares one count (a w:startOverride restarts it where its w:num is first used), and
    using a level restarts the deeper ones. Anything missing or malformed gives no number, never
    an error."""

    def __init__(self, document: Any, styles: Optional[tuple[dict[str, Any], str]] = None) -> None:
        self._document = document
        self._styles_loaded = False
        self._numbering_loaded = False
        self._nums: dict[int, Any] = {}
        self._abstracts: dict[int, Any] = {}
        self._styles: dict[str, Any] = {}
        self._default_style = ""
        self._style_numpr: dict[str, tuple[Optional[int], Optional[int], str]] = {}
        self._levels: dict[int, Optional[tuple[int, dict[int, _Level]]]] = {}
        self._counts: dict[int, dict[int, int]] = {}
        self._seen: set[tuple[int, int]] = set()
        if styles is not None:  # what _load_styles finds, found by a reader that walked the styles already
            self._styles, self._default_style = styles
            self._styles_loaded = True

    def label(self, p: Any) -> str:
        """The number Word shows before this paragraph ("一、", "（二）", "3."), or ""."""
        try:
            return self._label(p)
        except Exception:  # a broken numbering definition: the text is still worth reading
            return ""

    def _load_styles(self) -> None:
        self._styles_loaded = True
        try:
            styles = self._document.styles.element
            for st in styles.iterchildren(f"{_W}style"):
                sid = st.get(f"{_W}styleId")
                if sid is not None:
                    self._styles.setdefault(sid, st)
                    if (st.get(f"{_W}type") == "paragraph" and st.get(f"{_W}default") in ("1", "true", "on")
                            and not self._default_style):
                        self._default_style = sid
        except Exception:  # no usable styles part: only direct numbering counts
            self._styles = {}

    def _load_numbering(self) -> None:
        self._numbering_loaded = True
        try:
            # python-docx's accessor; it raises (NotImplementedError) when the part is missing.
            numbering = self._document.part.numbering_part.element
        except Exception:
            return
        for el in numbering.iterchildren(f"{_W}num"):
            try:
                self._nums.setdefault(int(el.get(f"{_W}numId")), el)
            except (TypeError, ValueError):
                continue
        for el in numbering.iterchildren(f"{_W}abstractNum"):
            try:
                self._abstracts.setdefault(int(el.get(f"{_W}abstractNumId")), el)
            except (TypeError, ValueError):
                continue

    def _from_style(self, style_id: str) -> tuple[Optional[int], Optional[int], str]:
        """numId, ilvl and the id of the style that numbers, from a style and those it is based on."""
        if style_id in self._style_numpr:
            return self._style_numpr[style_id]
        num_id: Optional[int] = None
        ilvl: Optional[int] = None
        source, seen, sid = "", set(), style_id
        while sid and sid not in seen and (num_id is None or ilvl is None):
            seen.add(sid)
            st = self._styles.get(sid)
            if st is None:
                break
            numpr = st.find(f"{_W}pPr/{_W}numPr")
            if numpr is not None:
                if num_id is None and numpr.find(f"{_W}numId") is not None:
                    num_id, source = _int(_val(numpr, "numId")), sid
                if ilvl is None and numpr.find(f"{_W}ilvl") is not None:
                    ilvl = _int(_val(numpr, "ilvl"))
            sid = _val(st, "basedOn") or ""
        self._style_numpr[style_id] = (num_id, ilvl, source)
        return num_id, ilvl, source

    def _abstract(self, num: Any) -> Optional[tuple[int, Any]]:
        aid = _int(_val(num, "abstractNumId"))
        seen: set[int] = set()
        while aid is not None and aid not in seen:
            seen.add(aid)
            abstract = self._abstracts.get(aid)
            if abstract is None:
                return None
            link = _val(abstract, "numStyleLink")
            if link is None:
                return aid, abstract
            # The list is defined by a numbering style: that style's w:num has the levels.
            style = self._styles.get(link)
            linked_id = _int(_val(style.find(f"{_W}pPr/{_W}numPr"), "numId")) if style is not None else None
            linked = self._nums.get(linked_id) if linked_id is not None else None
            if linked is None:
                return None
            aid = _int(_val(linked, "abstractNumId"))
        return None

    def _list(self, num_id: int) -> Optional[tuple[int, dict[int, _Level]]]:
        if num_id in self._levels:
            return self._levels[num_id]
        result: Optional[tuple[int, dict[int, _Level]]] = None
        num = self._nums.get(num_id)
        found = self._abstract(num) if num is not None else None
        if num is not None and found is not None:
            aid, abstract = found
            defs = {int(lvl.get(f"{_W}ilvl") or 0): lvl for lvl in abstract.iterchildren(f"{_W}lvl")}
            starts: dict[int, int] = {}
            for ov in num.iterchildren(f"{_W}lvlOverride"):
                i = int(ov.get(f"{_W}ilvl") or 0)
                lvl = ov.find(f"{_W}lvl")
                if lvl is not None:
                    defs[i] = lvl
                start = _int(_val(ov, "startOverride"))
                if start is not None:
                    starts[i] = start
            levels = {i: self._level(lvl, starts.get(i)) for i, lvl in defs.items()}
            result = (aid, levels)
        self._levels[num_id] = result
        return result

    @staticmethod
    def _level(lvl: Any, start_override: Optional[int]) -> _Level:
        fmt = _val(lvl, "numFmt")
        if fmt is None:
            # Word 2010+ writes custom formats in mc:AlternateContent, with a plain fallback.
            fallback = lvl.find(f"{{{MC}}}AlternateContent/{{{MC}}}Fallback")
            fmt = _val(fallback, "numFmt") if fallback is not None else None
        if lvl.find(f"{_W}lvlPicBulletId") is not None:
            fmt = "bullet"
        legal = lvl.find(f"{_W}isLgl")
        return _Level(
            fmt=fmt or "decimal",
            text=_val(lvl, "lvlText"),
            start=start_override if start_override is not None else (_int(_val(lvl, "start")) or 0),
            restart=_int(_val(lvl, "lvlRestart")),
            legal=legal is not None and legal.get(f"{_W}val", "1") not in ("0", "false", "off"),
            style=_val(lvl, "pStyle") or "",
            forced_start=start_override is not None,
        )

    def _label(self, p: Any) -> str:
        ppr = p.find(f"{_W}pPr")
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        style_id = (_val(ppr, "pStyle") if ppr is not None else None) or ""
        num_id = ilvl = None
        if numpr is not None:
            num_id, ilvl = _int(_val(numpr, "numId")), _int(_val(numpr, "ilvl"))
        if not self._styles_loaded:
            self._load_styles()
        source = ""
        if num_id is None or ilvl is None:
            own = style_id if style_id in self._styles else self._default_style
            s_num, s_ilvl, source = self._from_style(own)
            num_id = s_num if num_id is None else num_id
            ilvl = s_ilvl if ilvl is None else ilvl
        if not num_id:  # absent, or numId 0: "no numbering", even over a numbered style
            return ""
        if not self._numbering_loaded:
            self._load_numbering()
        found = self._list(num_id)
        if found is None:
            return ""
        aid, levels = found
        if ilvl is None:
            # A style linked to a list level (w:lvl/w:pStyle) numbers at that level.
            ilvl = next((i for i, lv in levels.items() if lv.style and lv.style in (style_id, source)), 0)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counts = self._counts.setdefault(aid, {})
        if level.forced_start and (num_id, ilvl) not in self._seen:
            counts[ilvl] = level.start
        elif ilvl in counts:
            counts[ilvl] += 1
        else:
            counts[ilvl] = level.start
        self._seen.add((num_id, ilvl))
        for deeper in [i for i in counts if i > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            after = deeper if restart is None or restart > deeper else restart
            if after and ilvl < after:  # lvlRestart 0: never restarts
                del counts[deeper]
        if level.fmt in _number_formats()["bullet"] or not level.text:
            return ""

        def number(m: re.Match[str]) -> str:
            i = int(m.group(1)) - 1
            lv = levels.get(i)
            n = counts.get(i, lv.start if lv is not None else 0)
            fmt = "decimal" if level.legal else (lv.fmt if lv is not None else "decimal")
            return format_list_number(n, fmt)

        # The w:suff after the number (tab, space) is spacing, not text, as in a typed "一、主要……".
        return _NUM_REF.sub(number, level.text)


_EMPTY_NUMBERING = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    b'<w:numbering xmlns:w="' + W.encode() + b'"/>')


def open_without_broken_numbering(raw: bytes) -> Any:
    """The document with an unreadable numbering part (XML Word itself would have to repair)
    replaced by an empty one, so that its text is read without list numbers; None when something
    else is broken."""
    import docx
    from docx.oxml import parse_xml

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
            broken = set()
            for info in infos:
                if info.filename.lower().endswith("numbering.xml"):
                    try:
                        parse_xml(zf.read(info))
                    except Exception:
                        broken.add(info.filename)
            if not broken:
                return None
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
                for info in infos:
                    out.writestr(info.filename, _EMPTY_NUMBERING if info.filename in broken else zf.read(info))
        buf.seek(0)
        return docx.Document(buf)
    except Exception:  # still unreadable: the caller explains why
        return None

