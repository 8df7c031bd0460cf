"""Blocks → the bytes of a GB/T 9704-2012 .docx.

The numbers come from data/layout.yaml, merged with a report's `layout:` section. Fonts live in
named styles (Normal, Title, Heading 1-4) so that Word's navigation pane and a clerk's later
edits work as usual; only run-in headings carry direct formatting.

Speed: everything but the body and the document properties is the same for every report with
the same layout, so it is built once per layout (from the lean base parts in data/docx/) and
kept as bytes; a report's body is written as WordprocessingML text. python-docx is imported only
for a reference document.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from authoring import __version__
from authoring.blocks import Block
from authoring.docx.base import Base, LeanBase, lean_base_of
from authoring.docx.body import BadCharacter, Body, BodyTooLarge
from authoring.docx.layout import resolve_layout
from authoring.docx.package import package_parts
from authoring.docx.parts import app_xml, core_xml
from authoring.docx.reference import ReferenceBase
from authoring.errors import AuthoringError


def build_docx(blocks: Sequence[Block], *, layout: Optional[Mapping[str, Any]] = None,
               reference_doc: Optional[bytes] = None, reference_name: str = "",
               meta: Optional[Mapping[str, Any]] = None) -> bytes:
    """The .docx bytes for blocks: deterministic, and stamped with a hash of their content.

    reference_doc: the bytes of an agency's .docx or .dotx whose styles, page setup and footers
    are kept (reference_name names it in errors). meta: title, agency, year, date (for the
    document properties) and optionally source (the report file, named in errors).
    """
    # `layout` may be a report's partial `layout:` section or a full resolved layout: merging
    # either onto the defaults gives the same result.
    base: Base = lean_base_of(layout) if reference_doc is None \
        else ReferenceBase(resolve_layout(layout), reference_doc, reference_name)
    body = Body(base)
    for block in blocks:
        try:
            body.add(block)
        except (BadCharacter, BodyTooLarge) as exc:
            # meta["source"] (the report's file name), when given, makes the place clickable.
            source = str((meta or {}).get("source") or "")
            raise AuthoringError(str(exc), file=source, line=block.line) from None
    meta = meta or {}
    if isinstance(base, LeanBase):
        parts = dict(base.parts)
        parts["word/document.xml"] = base.document_xml(body.xml())
        parts["docProps/core.xml"] = core_xml(meta)
        parts["docProps/app.xml"] = app_xml(meta, body.chars())
    else:
        assert isinstance(base, ReferenceBase)
        parts = base.parts(body.xml(), meta, body.chars())
    return package_parts(parts, __version__)
