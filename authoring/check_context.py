"""What check's rules share about one report: its blocks and their text (as written and
normalised), its parts, year and agency, and the part heading each block sits under; and the
small helpers the rule families use to word their findings."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from authoring.blocks import Block, Heading, Paragraph, Signature, block_text
from authoring.facts import find_agency
from authoring.lines import normalize_text
from authoring.parts import PartSpan, PartsResult
from authoring.read import ReadResult
from authoring.rules import rules_table


def params() -> dict[str, Any]:
    """The rules' parameters (data/rules.yaml, params)."""
    return rules_table()["params"]


class Context:
    """The blocks, their parts and the facts several rules need (year, agency, part headings)."""

    def __init__(self, blocks: list[Block], parts: PartsResult, source: str,
                 read: Optional[ReadResult]) -> None:
        self.blocks = blocks
        self.parts = parts
        self.source = source
        self.read = read
        self.year = parts.year
        self.texts = [block_text(b) for b in blocks]
        self.norms = [normalize_text(t) for t in self.texts]
        self.agency, self.agency_candidates = find_agency(blocks)
        # The part heading each block sits under, for the place of a finding.
        self.under: list[str] = [""] * len(blocks)
        for span in parts.spans:
            if span.form != "heading":
                continue
            label = heading_label(blocks, span.start, span.heading)
            for i in range(max(span.start - 1, 0), span.end):
                self.under[i] = label

    def span_text(self, key: str) -> str:
        """All the text of a part (its first span), heading included."""
        return part_text(self.blocks, self.parts, key)

    def line(self, i: int) -> Optional[int]:
        """The line (or Word paragraph number) of block i."""
        return self.blocks[i].line if 0 <= i < len(self.blocks) else None


def heading_label(blocks: list[Block], start: int, heading: str) -> str:
    for j in (start - 1, start):
        if 0 <= j < len(blocks):
            b = blocks[j]
            if isinstance(b, Heading) and b.text == heading:
                return b.full_text
            if isinstance(b, Paragraph) and b.lead == heading:
                return b.number + b.lead
    return heading




def part_text(blocks: list[Block], parts: PartsResult, key: str) -> str:
    """All the text of a part (its first span), heading included."""
    span = parts.get(key)
    if span is None:
        return ""
    if span.form in ("inline", "preamble"):
        return span.text or span.heading
    return span.heading + "\n" + "\n".join(block_text(b) for b in blocks[span.start:span.end])


def part_body(blocks: Sequence[Block], span: PartSpan) -> str:
    """The text under a part's heading (nothing for a heading alone)."""
    return "".join(_content_text(b) for b in blocks[span.start:span.end]).strip()


def _content_text(b: Block) -> str:
    if isinstance(b, Paragraph):
        return b.text
    if isinstance(b, Signature):
        return ""
    return block_text(b)


def shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)
