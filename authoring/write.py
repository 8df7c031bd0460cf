"""Step 4, write: blocks → the bytes of an output format.

The Word format is a package of its own (authoring/docx/); plain text for publication is one
block a line. Writers only map blocks to a format: a new format is a function here (blocks →
bytes) and an entry in main.OUTPUT_KINDS.
"""
from __future__ import annotations

from typing import Sequence

from authoring.blocks import Block, blocks_to_text
from authoring.docx.layout import resolve_layout
from authoring.docx.writer import build_docx

__all__ = ["build_docx", "resolve_layout", "text_bytes"]


def text_bytes(blocks: Sequence[Block]) -> bytes:
    """The published plain-text version: UTF-8, one block a line, trailing newline."""
    return blocks_to_text(list(blocks)).encode("utf-8")
