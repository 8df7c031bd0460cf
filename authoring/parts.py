"""Find the mandated parts of a report in its blocks, whatever their wording, order or form.

This is the one part-recognition implementation: the checker and the importer both use it.
Wording variants live in data/headings.yaml; nothing here depends on part order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional, Sequence

from authoring.blocks import Block, Heading, Paragraph, Signature
from authoring.domain import part_keys, required_parts
from authoring.facts import find_year
from authoring.lines import classify_heading, is_title_text, normalize_text
from authoring.resources import load_data

PART_KEYS = part_keys()
# The forms a part can take (labels for messages are in rules.yaml, display.forms).
FORMS = ("heading", "subsection", "inline", "preamble")


@dataclass(frozen=True)
class PartSpan:
    """Where one part is: its heading as written, the line of that heading, and its content as
    block indexes [start, end). `form` says whether it is a part of its own ('heading'), a
    （二） inside another part ('subsection'), a 一是… sentence ('inline') or a clause of the
    opening paragraph ('preamble')."""

    key: str
    heading: str
    start: int
    end: int
    line: Optional[int] = None
    form: str = "heading"
    # For a part found inside a paragraph ('inline', 'preamble'): the passage that holds it.
    text: str = ""


@dataclass
class PartsResult:
    """The parts found (in the order they appear) and the required parts that are missing."""

    spans: list[PartSpan] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    year: Optional[int] = None

    @property
    def order(self) -> list[str]:
        """Part keys in the order the report has them."""
        return [s.key for s in sorted(self.spans, key=lambda s: (s.start, PART_KEYS.index(s.key)))]

    def get(self, key: str) -> Optional[PartSpan]:
        """The first span of a part, or None."""
        return next((s for s in self.spans if s.key == key), None)


@lru_cache(maxsize=None)
def _rx() -> dict[str, Any]:
    data = load_data("headings.yaml")
    return {
        "parts": {k: [re.compile(p) for p in v] for k, v in data["parts"].items()},
        "exclude": {k: [re.compile(p) for p in v] for k, v in (data.get("exclude") or {}).items()},
        "year": re.compile(data["heading_year"]),
        "inline": re.compile(data["inline_first_responsible"]),
        "point": re.compile(data["point_marker"]),
        "passage": re.compile(data["passage_first_responsible"]),
        "preamble": re.compile(data["preamble_first_responsible"]),
    }


def required_keys() -> list[str]:
    """The part keys parts.yaml marks as required."""
    return list(required_parts())


def report_year(blocks: Sequence[Block]) -> Optional[int]:
    """The report year (facts.find_year: the title, the opening, …, the 落款 date), or None."""
    found = find_year(blocks)
    return found.year if found is not None else None


def _heading_of(b: Block) -> str:
    if isinstance(b, Heading):
        return b.text
    if isinstance(b, Paragraph):
        return b.lead or b.text[:40]
    return ""


def _is_bare_part_heading(b: Block) -> bool:
    # A short unnumbered line naming a part ("存在的主要问题") is a part heading whose number was
    # lost (Word auto-numbering, text copied from a web page). A line worded like the report's
    # title ("某局关于2022年法治工作情况暨2023年工作要点的报告") never is.
    if not isinstance(b, Paragraph) or b.number or b.lead or is_title_text(b.text):
        return False
    norm = normalize_text(b.text).strip()
    return 0 < len(norm) <= 40 and not re.search("[。！？；：]", norm) and bool(classify_heading(norm))


def _top_items(blocks: Sequence[Block]) -> tuple[int, list[int]]:
    levels = [b.level for b in blocks if isinstance(b, Heading)]
    if not levels:
        levels = [b.level for b in blocks if isinstance(b, Paragraph) and b.number and b.level]
    top = min(levels) if levels else 1
    items = [i for i, b in enumerate(blocks)
             if (isinstance(b, Heading) and b.level == top)
             or (isinstance(b, Paragraph) and b.level == top and b.number)]
    bare = [i for i, b in enumerate(blocks) if _is_bare_part_heading(b)]
    if bare:
        # Unnumbered part headings sit above every numbered level; numbered top-level items stay
        # parts only if their wording names one.
        named = [i for i in items if classify_heading(_heading_of(blocks[i]))]
        return 0, sorted(set(bare + named))
    return top, items


def _content_start(blocks: Sequence[Block], i: int) -> int:
    # A run-in heading's paragraph is itself content; a heading on its own line is not.
    b = blocks[i]
    if isinstance(b, Paragraph) and (b.number or b.lead):
        return i
    return i + 1


def _body_end(blocks: Sequence[Block]) -> int:
    end = len(blocks)
    while end > 0 and isinstance(blocks[end - 1], Signature):
        end -= 1
    return end


def find_parts(blocks: Sequence[Block], *, year: Optional[int] = None) -> PartsResult:
    """Find every part in the blocks, with its heading, line, content span and form."""
    if year is None:
        year = report_year(blocks)
    result = PartsResult(year=year)
    top, items = _top_items(blocks)
    body_end = _body_end(blocks)
    bounds = items + [body_end]
    unrecognised: list[int] = []
    for n, i in enumerate(items):
        keys = classify_heading(_heading_of(blocks[i]), year)
        if not keys:
            unrecognised.append(n)
        for key in keys:
            result.spans.append(PartSpan(key, _heading_of(blocks[i]), _content_start(blocks, i),
                                         bounds[n + 1], blocks[i].line, "heading"))

    _rekey_by_wording(result, year)
    found = {s.key for s in result.spans}
    if "achievements" not in found and unrecognised and found:
        # Topical headings (加强领导，不断……) with no part wording: the first unrecognised
        # top-level heading opens part one, which runs to the next recognised part.
        n = unrecognised[0]
        later = [m for m in range(n + 1, len(items)) if m not in unrecognised]
        end = bounds[later[0]] if later else body_end
        i = items[n]
        result.spans.append(PartSpan("achievements", _heading_of(blocks[i]),
                                     _content_start(blocks, i), end, blocks[i].line, "heading"))

    if "first_responsible" not in found:
        span = (_find_subsection(blocks, top, body_end, year, "first_responsible")
                or _find_inline(blocks, body_end)
                or _find_preamble(blocks, items[0] if items else body_end))
        if span is not None:
            result.spans.append(span)
    # Another part written as a （三） of a wrapper section ("一、2024年工作情况 （三）存在的问题"):
    # only direct subsections count, and only when their wording names nothing else.
    have = {s.key for s in result.spans}
    for key in required_keys():
        if key not in have:
            span = _find_subsection(blocks, top, body_end, year, key, max_level=top + 1)
            if span is not None:
                result.spans.append(span)

    result.spans.sort(key=lambda s: (s.start, PART_KEYS.index(s.key)))
    have = {s.key for s in result.spans}
    result.missing = [k for k in required_keys() if k not in have]
    return result


def _rekey_by_wording(result: PartsResult, year: Optional[int]) -> None:
    """A part heading with the wrong year reads as another part: a 2025 report's
    “2025年度……主要安排” looks like this year's work, and “2025年主要工作” in a 2024 report like
    the plan. When that leaves a part missing and a second heading of a part names the missing
    one by its words alone, it is the missing part (and the year rules name its year)."""
    keys = [s.key for s in result.spans]
    for n, span in enumerate(result.spans):
        if keys.count(span.key) < 2 or keys.index(span.key) == n:
            continue
        words = classify_heading(span.heading)
        if len(words) == 1 and words[0] not in keys and words[0] in ("achievements", "plans"):
            result.spans[n] = PartSpan(words[0], span.heading, span.start, span.end, span.line, span.form)
            keys[n] = words[0]


def _find_subsection(blocks: Sequence[Block], top: int, body_end: int, year: Optional[int], key: str,
                     max_level: int = 9) -> Optional[PartSpan]:
    for i, b in enumerate(blocks[:body_end]):
        level = b.level if isinstance(b, (Heading, Paragraph)) else 0
        if not level or level <= top or level > max_level or (isinstance(b, Paragraph) and not b.number):
            continue
        head = _heading_of(b)
        if classify_heading(head, year, strict=True) != [key]:
            continue
        end = i + 1
        while end < body_end:
            nb = blocks[end]
            nl = nb.level if isinstance(nb, (Heading, Paragraph)) else 0
            if nl and nl <= level and (isinstance(nb, Heading) or (isinstance(nb, Paragraph) and nb.number)):
                break
            end += 1
        return PartSpan(key, head, _content_start(blocks, i), end, b.line, "subsection")
    return None


def _find_inline(blocks: Sequence[Block], body_end: int) -> Optional[PartSpan]:
    """Part two as a 一是… of a paragraph: the sentence that names it, else a whole passage."""
    paragraphs = [(i, b) for i, b in enumerate(blocks[:body_end]) if isinstance(b, Paragraph)]
    rx = _rx()["inline"]
    for i, b in paragraphs:
        text = b.full_text
        norm = normalize_text(text)
        m = rx.search(norm)
        if m:
            after = _rx()["point"].search(norm, m.end())
            return PartSpan("first_responsible", text[m.start():m.end()], i, i + 1, b.line, "inline",
                            text[m.start():after.start() if after else len(text)])
    for i, b in paragraphs:
        found = _passage_naming_part_two(b.full_text)
        if found is not None:
            return PartSpan("first_responsible", found[0], i, i + 1, b.line, "inline", found[1])
    return None


def _passage_naming_part_two(text: str) -> Optional[tuple[str, str]]:
    """(heading, passage) of the first 一是/二是 passage that names the 第一责任人 after its first
    sentence; the heading is that first sentence and the one naming it."""
    norm = normalize_text(text)
    starts = [m.start() for m in _rx()["point"].finditer(norm)]
    for start, end in zip(starts, starts[1:] + [len(norm)]):
        m = _rx()["passage"].search(norm, start, end)
        if m is None:
            continue
        first = re.match(r"[^。；]*[。；]?", norm[start:end])
        first_end = start + (first.end() if first else 0)
        if m.start() < first_end:
            return text[start:first_end].rstrip("。；"), text[start:end]
        # the clause that names it, from the punctuation before to the punctuation after
        s_start = max(norm.rfind(p, start, m.start()) for p in "。；，") + 1
        s_end = min((x for x in (norm.find(p, m.end(), end) for p in "。；，") if x >= 0), default=end)
        heading = text[start:first_end].rstrip("。；") + "……" + text[s_start:s_end]
        return heading, text[start:end]
    return None


def _find_preamble(blocks: Sequence[Block], first_item: int) -> Optional[PartSpan]:
    rx = _rx()["preamble"]
    for i, b in enumerate(blocks[:first_item]):
        if not isinstance(b, Paragraph):
            continue
        m = rx.search(normalize_text(b.full_text))
        if m:
            clause = b.full_text[m.start():m.end()].strip("，, ")
            return PartSpan("first_responsible", clause, i, i + 1, b.line, "preamble", clause)
    return None
