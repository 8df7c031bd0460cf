"""layout.yaml deep-merged with a report's `layout:` section, and the twips Word needs."""
from __future__ import annotations

import copy
import math
from functools import lru_cache
from typing import Any, Mapping, Optional

from authoring.resources import data_dir, load_yaml_file

_TWIPS_PER_MM = 1440 / 25.4


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        elif value is not None:
            base[key] = copy.deepcopy(value)
    return base


def resolve_layout(overrides: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
    """layout.yaml deep-merged with a report's `layout:` section (the report wins)."""
    # Deep copy: the defaults are cached and shared, and must never see a report's overrides.
    return _merge(copy.deepcopy(_layout_defaults()), overrides or {})


@lru_cache(maxsize=None)
def _layout_defaults() -> dict[str, Any]:
    """layout.yaml (parsed once)."""
    return load_yaml_file(data_dir() / "layout.yaml")


class Geometry:
    """The twip values Word needs, derived once from the layout numbers."""

    def __init__(self, layout: Mapping[str, Any]) -> None:
        page, grid, sizes = layout["page"], layout["grid"], layout["sizes"]
        tw = lambda mm: int(round(float(mm) * _TWIPS_PER_MM))  # noqa: E731
        self.page_w, self.page_h = tw(page["width_mm"]), tw(page["height_mm"])
        self.top, self.bottom = tw(page["top_mm"]), tw(page["bottom_mm"])
        self.left, self.right = tw(page["left_mm"]), tw(page["right_mm"])
        self.footer = tw(page["footer_mm"])
        self.text_w = text_w = self.page_w - self.left - self.right
        text_h = self.page_h - self.top - self.bottom
        # Round down: a pitch a hair too large would push the 22nd line or 28th character over.
        self.line_pitch = text_h // int(grid["lines_per_page"])
        body_pt = float(sizes["body"])
        pitch_pt = text_w / int(grid["chars_per_line"]) / 20
        # 28 characters of 16 pt do not fit in 156 mm (448 pt > 442 pt): each character is
        # condensed by the difference, in 1/20 pt, rounded down so that the 28th still fits.
        # (A Word character grid with a negative w:charSpace does the same in Word, but
        # LibreOffice then gives every character two grid cells: 14 characters a line.)
        self.char_spacing = math.floor((pitch_pt - body_pt) * 20)
        self.char = int(round(body_pt * 20))  # one body character, in twips
        self.page_number_char = int(round(float(sizes["page_number"]) * 20))


def twips(mm: Any) -> int:
    # As python-docx's Mm(...).twips: whole EMUs first, then twips.
    return int(round(int(float(mm) * 36000) / 635))


def layout_key(value: Any) -> Any:
    """A hashable image of a resolved layout (mappings sorted, lists as tuples, and the type of
    every scalar, so that 16 and 16.0 or 1 and True stay apart)."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), layout_key(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(layout_key(v) for v in value)
    return (type(value).__name__, repr(value))
