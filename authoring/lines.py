"""What a line of a report is, whatever file it came from: its text normalised for recognition,
and the patterns of data/headings.yaml — heading numbers (一、（一）1.（1）), run-in headings,
titles, dates, agency names, and the part a heading's wording names.

The readers (read.py, unflatten.py), the part finder (parts.py) and the report's facts
(facts.py) all recognise lines through this module, which needs none of them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable, Iterator, Optional

from authoring.blocks import Block, Heading, Paragraph
from authoring.domain import part_keys
from authoring.resources import load_data

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


# The same mapping as (from, to) pairs. str.translate with a mapping looks up every character of
# the text in a dict (about 0.5 µs a character: more than half of `check` on text files went
# there); str.replace of the few characters a line holds is done in C. Replacing one pair after
# another gives what one translate gives because no pair's result is another pair's source.
_NORMALISE_PAIRS = tuple((chr(a), b) for a, b in _NORMALISE.items())


class _Normalized(dict[str, str]):
    """The normalised text of the lines seen last. The reader and the rules ask for the same
    line's normalised text many times (each pattern family, each rule, some 300 asks a report):
    a line is normalised once and remembered. Looking it up is the dict's own subscript, in C
    (a Python function in front of a cache cost more than the lookup: a tenth of the time a .txt
    file's check spent in the reader). Only lines of a report's size are kept, and only the last
    few thousand (the oldest goes first), so memory stays flat over a batch."""

    def __missing__(self, text: str) -> str:
        norm = _normalize(text)
        if len(text) <= _MEMO_CHARS:
            if len(self) >= _MEMO_LINES:
                try:
                    del self[next(iter(self))]
                except (KeyError, RuntimeError, StopIteration):
                    pass  # another thread took it out first: the size is kept the next time
            self[text] = norm
        return norm


_MEMO_CHARS = 2000
_MEMO_LINES = 4096

# Text with ASCII brackets/punctuation made full-width and full-width digits made ASCII, for
# recognition only (same length, so positions carry over to the original).
_MEMO = _Normalized()
normalize_text: Callable[[str], str] = _MEMO.__getitem__


# Most lines of a report hold none of the characters mapped: one search of a character class
# (in C) tells, where the loop below tests each pair in turn (about 5 µs a line).
_ANY_MAPPED = re.compile("[" + re.escape("".join(a for a, _ in _NORMALISE_PAIRS)) + "]")


def _normalize(text: str) -> str:
    if _ANY_MAPPED.search(text) is None:
        return text
    for a, b in _NORMALISE_PAIRS:
        if a in text:
            text = text.replace(a, b)
    return text


def finditer_near(rx: re.Pattern[str], text: str, mark: str, back: int, near: int = 0) -> Iterator[re.Match[str]]:
    """What `rx.finditer(text)` gives, for a pattern whose every match (wherever it is tried) is
    not empty and has `mark` starting `near` to `back` characters after its start: only those
    places before each `mark` are tried. A rule's pattern that opens with a look-behind is tried
    by finditer at every character of every line, most of which have no such mark near; here a
    line without one costs one search of a string (str.find, in C)."""
    # (max() written out and the methods looked up once: this runs for every mark of every line
    # a rule looks at, and the calls were a third of its time.)
    find, match = text.find, rx.match
    p = find(mark)
    lo = 0  # where the next try may start: after the last match, and after the places tried
    while p >= 0:
        q, last = p - back, p - near
        if q < lo:
            q = lo
        while q <= last:
            m = match(text, q)
            if m is None:
                q += 1
                continue
            yield m
            end = m.end()
            q = end if end > q else q + 1
        if q > lo:
            lo = q
        p = find(mark, p + 1 if p + 1 > lo - back else lo - back)


def joined(patterns: list[str]) -> Optional[re.Pattern[str]]:
    """One expression matching where any of `patterns` matches, tried in their order (None when
    they cannot be joined: a group referred to by number or name, a condition on a group, flags
    of their own). A filter: where it finds nothing, none of the patterns would."""
    if any(re.search(r"\\\d|\(\?P=|\(\?\(|\(\?[aiLmsux]", p) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error:
        return None


@lru_cache(maxsize=None)
def patterns() -> dict[str, Any]:
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


def classify_line(text: str, line: Optional[int] = None, hint: str = "") -> Block:
    """One line or Word paragraph as a Heading or a Paragraph (with a run-in heading if it has one)."""
    pat = patterns()
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
    pat = patterns()
    norm = normalize_text(text).strip()
    return (0 < len(norm) <= pat["max_title"] and not re.search("[。，；]", norm)
            and any(rx.search(norm) for rx in pat["title"]))


def max_title_chars() -> int:
    """The longest a title line can be (headings.yaml)."""
    return int(patterns()["max_title"])


def is_date(text: str) -> bool:
    return bool(patterns()["date"].match(normalize_text(text).replace(" ", "")))


def is_agency_line(text: str) -> bool:
    """A short line without sentence punctuation ending like an agency name (…局, …委员会)."""
    pat = patterns()
    t = text.strip()
    return (
        0 < len(t) <= pat["max_agency"]
        and not re.search(r"[。，；：！？,.;:!?]", t)
        and bool(pat["agency"].search(t))
    )


_WORD_CHAR = re.compile(r"[\w\u4e00-\u9fff]")


def is_noise(text: str) -> bool:
    # A line with no letter, digit or CJK character ("|", "——", "***") carries nothing.
    return _WORD_CHAR.search(text) is None


def is_body_start(text: str) -> bool:
    pat = patterns()
    norm = normalize_text(text)
    if any(rx.match(norm) for _, rx in pat["numbering"]):
        return True
    return len(text) > 40 and bool(re.search(r"[，。]", norm))


@lru_cache(maxsize=None)
def _heading_words() -> dict[str, Any]:
    data = load_data("headings.yaml")
    return {
        "parts": {k: _finder(v) for k, v in data["parts"].items()},
        "exclude": {k: _finder(v) for k, v in (data.get("exclude") or {}).items()},
        "year": re.compile(data["heading_year"]),
    }


def _finder(patterns: list[str]) -> Callable[[str], Any]:
    """Whether any of `patterns` is found in a heading (truthy or not): one search of them joined
    (a heading is short; a Python generator over each pattern cost more than the searching), or
    each on its own where they cannot be joined."""
    one = joined(patterns)
    if one is not None:
        return one.search
    each = [re.compile(p) for p in patterns]
    return lambda norm: any(p.search(norm) for p in each)


def classify_heading(text: str, year: Optional[int] = None, *, strict: bool = False) -> list[str]:
    """The part keys a heading's wording names ([] for a topical heading). `strict` (for
    subsections, where a part is only a guess) also applies headings.yaml's `exclude` words."""
    norm = normalize_text(text)
    pats = _heading_words()["parts"]
    exclude = _heading_words()["exclude"] if strict else {}
    # Part one is what a heading names when its wording names no other part.
    keys = [k for k in part_keys() if k != "achievements"
            and pats[k](norm) and not (k in exclude and exclude[k](norm))]
    if "first_responsible" in keys:
        # "主要负责人履行……职责情况" is part two even if it also says 情况 or 安排.
        return ["first_responsible"]
    if not keys and pats["achievements"](norm):
        keys = ["achievements"]
    m = _heading_words()["year"].search(norm)
    if year is not None and m and keys in (["achievements"], ["plans"]):
        # "2025年主要工作" in a 2024 report is the plan; "2024年工作安排" would be odd but is the year's work.
        named = int(m.group(1))
        if named == year + 1:
            keys = ["plans"]
        elif named == year and keys == ["plans"] and not re.search("下一|计划|打算", norm):
            keys = ["achievements"]
    return keys
