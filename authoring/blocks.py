"""The block model between render and write: what every reader produces and every writer and
checker consumes, so that structure rules work the same for YAML, Word and text."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from authoring.domain import FieldPath

# Where a rendered block's text came from in the report YAML: a field path such as
# ("achievements", 0, "items", 1, "text"). Blocks read from Word or text have none. It takes no
# part in equality (a block read back equals the block rendered) and writers never output it; it
# lets validate name the YAML field of a finding made on the rendered report.
Source = FieldPath


def _source() -> Source:
    return field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Title:
    """The report's title (2号小标宋, centred); may hold line breaks chosen by the writer."""

    text: str
    line: Optional[int] = None
    source: Source = _source()


@dataclass(frozen=True)
class Heading:
    """A heading on its own line. level 1 = 一、 (黑体), 2 = （一） (楷体), 3 = 1. , 4 = （1）."""

    level: int
    text: str
    number: str = ""
    line: Optional[int] = None
    source: Source = _source()

    @property
    def full_text(self) -> str:
        """Number and text as a reader sees them."""
        return f"{self.number}{self.text}"


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph, optionally opening with a run-in heading (`lead`) such as
    "（一）强化组织领导。" or "1.深学笃行习近平法治思想。" whose level decides its font."""

    text: str
    lead: str = ""
    number: str = ""
    level: int = 0
    line: Optional[int] = None
    source: Source = _source()

    @property
    def full_text(self) -> str:
        """Number, run-in heading and text as a reader sees them."""
        if self.lead:
            return f"{self.number}{self.lead}{self.text}"
        return f"{self.number}{self.text}"


@dataclass(frozen=True)
class Table:
    """A simple table: rows of cell texts; the first row is the header when `header` is true."""

    rows: tuple[tuple[str, ...], ...]
    header: bool = True
    line: Optional[int] = None
    source: Source = _source()


@dataclass(frozen=True)
class Signature:
    """The 落款: agency name and date (Arabic numerals, no leading zeros), right-aligned."""

    name: str
    date: str = ""
    line: Optional[int] = None
    source: Source = _source()


Block = Union[Title, Heading, Paragraph, Table, Signature]


def block_text(block: Block) -> str:
    """The text a reader sees in one block."""
    if isinstance(block, (Heading, Paragraph)):
        return block.full_text
    if isinstance(block, Table):
        return "\n".join("\t".join(row) for row in block.rows)
    if isinstance(block, Signature):
        return "\n".join(x for x in (block.name, block.date) if x)
    return block.text


def refuse_impossible_level(block: Block) -> None:
    """Raise ValueError for a level no writer can draw: GB/T 9704 has four heading levels
    (一、（一）1.（1）), and a paragraph's run-in heading is one of them or none (0). Both writers
    ask this, so that neither draws a fifth as the fourth."""
    if isinstance(block, Heading) and not 1 <= block.level <= 4:
        raise ValueError(f"heading level must be in range 1-4, got {block.level}")
    if isinstance(block, Paragraph) and not 0 <= block.level <= 4:
        raise ValueError(f"paragraph level must be in range 0-4, got {block.level}")


def dump_blocks(blocks: list[Block]) -> str:
    """A stable, human-readable text dump of blocks, used for golden files and debugging."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Title):
            out.append(f"[标题] {b.text}")
        elif isinstance(b, Heading):
            out.append(f"[标题{b.level}] {b.number}{b.text}")
        elif isinstance(b, Paragraph):
            if b.lead:
                out.append(f"[段落·{b.level}] {b.number}{b.lead}|{b.text}")
            else:
                out.append(f"[段落] {b.number}{b.text}")
        elif isinstance(b, Table):
            out.append("[表格]")
            out.extend("  " + " | ".join(row) for row in b.rows)
        elif isinstance(b, Signature):
            out.append(f"[落款] {b.name} / {b.date}")
    return "\n".join(out) + "\n"


def blocks_to_text(blocks: list[Block]) -> str:
    """Plain text of the report, one block a paragraph, as published on a website."""
    return "\n".join(block_text(b) for b in blocks) + "\n"
