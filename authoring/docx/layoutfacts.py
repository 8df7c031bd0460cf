"""The layout facts both readers of a .docx compare, read the same way on both paths (reader.py
through python-docx, fast.py from the parsed parts): a length in mm, a run's East Asian font and
size, and what each paragraph of the blocks is (title, heading1, heading2, body)."""
from __future__ import annotations

from typing import Any, Optional

from authoring.blocks import Block, Heading, Paragraph, Title
from authoring.docx.schema import W

_W = f"{{{W}}}"


def mm(length: Any) -> Optional[float]:
    """A length in EMU → mm, to a tenth (None stays None)."""
    return None if length is None else round(length / 36000, 1)  # EMU → mm


def east_asia(rpr: Any) -> Optional[str]:
    """The East Asian font a w:rPr names (a theme font by its name), or None."""
    if rpr is None:
        return None
    fonts = rpr.find(f"{_W}rFonts")
    if fonts is None:
        return None
    value = fonts.get(f"{_W}eastAsia")
    if value:
        return str(value)
    theme = fonts.get(f"{_W}eastAsiaTheme")
    return f"主题字体（{theme}）" if theme else None


def size(rpr: Any) -> Optional[float]:
    """The size in points a w:rPr gives (w:sz is in half-points), or None."""
    if rpr is None:
        return None
    sz = rpr.find(f"{_W}sz")
    return None if sz is None else int(sz.get(f"{_W}val")) / 2


def roles(blocks: list[Block]) -> dict[int, str]:
    """Word paragraph number → what its text is (title, heading1, heading2, body)."""
    roles: dict[int, str] = {}
    for b in blocks:
        if b.line is None:
            continue
        if isinstance(b, Title):
            roles[b.line] = "title"
        elif isinstance(b, Heading) and b.level in (1, 2):
            roles[b.line] = f"heading{b.level}"
        elif isinstance(b, Paragraph):
            roles[b.line] = f"heading{b.level}" if b.lead and b.level in (1, 2) else "body"
    return roles
