"""The report's own facts read from its blocks — its agency and its year, and the date of its
落款 — with where each was read, so that `check` and `import` name the same agency and year.

The places and patterns are data (data/facts.yaml); this module only walks the blocks.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional, Sequence

from authoring.blocks import Block, Heading, Paragraph, Signature, Title
from authoring.lines import classify_heading, normalize_text
from authoring.numerals import parse_date
from authoring.resources import load_data

# Where a name was seen: (where, name, line); `where` is 落款, 标题 or 开头 (shown in messages).
Candidate = tuple[str, str, Optional[int]]


@dataclass(frozen=True)
class YearFound:
    """The report year, where it was read (标题, 开头, 第一部分标题, 正文, 落款日期) and the line,
    and whether that place states it (title, opening) or only suggests it (body, 落款)."""

    year: int
    source: str
    line: Optional[int] = None
    certain: bool = True
    example: str = ""


@lru_cache(maxsize=None)
def _rx() -> dict[str, Any]:
    data = load_data("facts.yaml")
    agency, year = data["agency"], data["year"]
    return {
        "in_title": re.compile(agency["in_title"]),
        "subject": re.compile(
            rf"(?:^|[，。；])\s*(?:\d{{4}}年度?[，]?)?\s*([\u4e00-\u9fa5（）]{{2,30}}?(?:{agency['suffixes']}))"
            rf"(?={agency['opening_verbs']})"
        ),
        "opening_min": int(agency["opening_min_chars"]),
        "mention": re.compile(year["mention"]),
        "not_mention": re.compile(year["not_mention"]),
        "previous_months": int(year["signature_previous_year_months"]),
    }


# -- agency -------------------------------------------------------------------------------------


def opening_paragraph(blocks: Sequence[Block]) -> Optional[Paragraph]:
    """The opening paragraph: the first long unnumbered one (a 主送 line comes before it)."""
    limit = _rx()["opening_min"]
    return next((b for b in blocks[:6] if isinstance(b, Paragraph) and not b.number and len(b.text) > limit), None)


def agency_candidates(blocks: Sequence[Block]) -> list[Candidate]:
    """Every place the report names its own agency: the 落款, the title, the opening's subject."""
    seen: list[Candidate] = []
    for b in blocks:
        if isinstance(b, Signature) and b.name:
            seen.append(("落款", b.name.strip(), b.line))
    for b in blocks[:3]:
        if isinstance(b, Title) and title_agency(b.text):
            seen.append(("标题", title_agency(b.text), b.line))
    opening = opening_paragraph(blocks)
    if opening is not None:
        m = _rx()["subject"].search(normalize_text(opening.text))
        if m:
            seen.append(("开头", opening.text[m.start(1):m.end(1)], opening.line))
    return seen


def title_agency(title: str) -> str:
    """The agency a title names before 关于 or the year ("" when it opens with 关于 or names none)."""
    m = _rx()["in_title"].match(normalize_text(title))
    return title[m.start(1):m.end(1)].strip() if m and len(m.group(1).strip()) >= 2 else ""


def find_agency(blocks: Sequence[Block]) -> tuple[str, list[Candidate]]:
    """The report's own agency (the fullest name it gives) and where its name was seen."""
    seen = agency_candidates(blocks)
    if not seen:
        return "", seen
    return max((s[1] for s in seen), key=len), seen


# -- year ---------------------------------------------------------------------------------------


def find_year(blocks: Sequence[Block]) -> Optional[YearFound]:
    """The report year from the first place that gives one: the title, the opening "2024年，",
    a part-one heading, an opening "2024年以来", the body's mentions, the 落款 date."""
    for finder in (_title_year, _opening_year, _heading_year, _since_year, _body_year, _signature_year):
        found = finder(blocks)
        if found is not None:
            return found
    return None


def _title_year(blocks: Sequence[Block]) -> Optional[YearFound]:
    for b in blocks[:3]:
        if isinstance(b, Title):
            m = re.search(r"(\d{4})\s*年", normalize_text(b.text))
            if m:
                return YearFound(int(m.group(1)), "标题", b.line)
    return None


def _before_parts(blocks: Sequence[Block]) -> list[Block]:
    # The opening: the first blocks up to the first heading ("2025年，我局将……" in the plans of
    # a short report is not an opening).
    out: list[Block] = []
    for b in blocks[:6]:
        if isinstance(b, Heading) or (isinstance(b, Paragraph) and b.number):
            break
        out.append(b)
    return out


def _opening_year(blocks: Sequence[Block]) -> Optional[YearFound]:
    for b in _before_parts(blocks):
        if isinstance(b, Paragraph) and not b.number:
            m = re.match(r"\s*(\d{4})\s*年(度)?(以来)?\s*[，,]?", normalize_text(b.text))
            if m and not m.group(3):
                return YearFound(int(m.group(1)), "开头", b.line)
    return None


def _heading_year(blocks: Sequence[Block]) -> Optional[YearFound]:
    for b in blocks:
        if isinstance(b, Heading):
            m = re.search(r"(\d{4})\s*年", normalize_text(b.text))
            if m and classify_heading(b.text) == ["achievements"]:
                return YearFound(int(m.group(1)), "第一部分标题", b.line)
    return None


def _since_year(blocks: Sequence[Block]) -> Optional[YearFound]:
    # An opening "2024年以来，……" names the year it reports on.
    for b in _before_parts(blocks):
        if isinstance(b, Paragraph) and not b.number:
            m = re.match(r"\s*(\d{4})\s*年(度)?以来", normalize_text(b.text))
            if m:
                return YearFound(int(m.group(1)), "开头", b.line, False, b.text[m.start():m.end()])
    return None


def _body_year(blocks: Sequence[Block]) -> Optional[YearFound]:
    # "截至2022年底""2022年全年": the year the report talks about is the one it names most often,
    # outside the plans (which name the next year) and outside ranges and "以来".
    counts: Counter[int] = Counter()
    first: dict[int, tuple[Optional[int], str]] = {}
    for b, text in _body_texts(blocks):
        norm = _rx()["not_mention"].sub(lambda m: "#" * len(m.group()), normalize_text(text))
        for m in _rx()["mention"].finditer(norm):
            year = int(m.group(1))
            counts[year] += 1
            first.setdefault(year, (b.line, _phrase(text, m.start(), m.end())))
    if not counts:
        return None
    year = max(counts, key=lambda y: (counts[y], y))
    line, example = first[year]
    return YearFound(year, "正文", line, False, example)


def _phrase(text: str, start: int, end: int) -> str:
    # The words around a mention, within its clause: "截至2022年底".
    left = max((text.rfind(p, 0, start) for p in "，。；：、"), default=-1) + 1
    left = max(left, start - 6)
    right = end
    while right < len(text) and right < end + 3 and text[right] not in "，。；：、（）":
        right += 1
    return text[left:right]


def _body_texts(blocks: Sequence[Block]) -> list[tuple[Block, str]]:
    top = min((b.level for b in blocks if isinstance(b, Heading)), default=1)
    out: list[tuple[Block, str]] = []
    in_plans = False
    for b in blocks:
        if isinstance(b, (Title, Signature)):
            continue
        if isinstance(b, (Heading, Paragraph)) and b.level == top and b.number:
            heading = b.text if isinstance(b, Heading) else (b.lead or b.text[:40])
            in_plans = classify_heading(heading) == ["plans"]
        if not in_plans and isinstance(b, (Heading, Paragraph)):
            out.append((b, b.full_text))
    return out


def _signature_year(blocks: Sequence[Block]) -> Optional[YearFound]:
    for b in blocks:
        if isinstance(b, Signature) and b.date:
            m = re.match(r"(\d{4})年(\d{1,2})月", re.sub(r"\s+", "", normalize_text(b.date)))
            date = parse_date(b.date)
            year_month = (date.year, date.month) if date is not None else (int(m[1]), int(m[2])) if m else None
            if year_month is not None:
                year = year_month[0] - 1 if year_month[1] <= _rx()["previous_months"] else year_month[0]
                return YearFound(year, "落款日期", b.line, False, b.date)
    return None
