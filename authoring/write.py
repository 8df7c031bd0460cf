"""Step 4, write: blocks → the bytes of an output format.

The Word format is a package of its own (authoring/docx/); plain text for publication is one
block a paragraph with a blank line between paragraphs. The web page and the PDF are html.py
and pdf.py. Writers only map blocks to a format: a new format is a function here (blocks →
bytes) and an entry in main.OUTPUT_KINDS.
"""
from __future__ import annotations

from typing import Sequence

from authoring.blocks import Block, block_text
from authoring.docx.layout import resolve_layout
from authoring.docx.writer import build_docx

__all__ = ["build_docx", "resolve_layout", "text_bytes"]


def text_bytes(blocks: Sequence[Block]) -> bytes:
    """The published plain-text version: UTF-8, one block a paragraph with a blank line between
    paragraphs, so that it pastes into a website's editor as paragraphs; trailing newline. The
    落款's name and date, and a table's rows, stay on consecutive lines."""
    return ("\n\n".join(block_text(b) for b in blocks) + "\n").encode("utf-8")
