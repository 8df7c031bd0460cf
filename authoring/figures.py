"""The year's figures for the 图解: each number under `figures:` with what it counts and its
unit, taken from the comment a clerk writes beside it (``licenses: 917  # 办理行政许可（件）``),
else from the sentence that uses it (``共办理行政许可{{ figures.licenses }}件``)."""
from __future__ import annotations

import re
from typing import Any

from .html import FigureItem
from .load import LoadedReport
from .resources import load_data

_UNIT_IN_BRACKETS = re.compile(r"^(.*?)[（(]([^（）()]{1,12})[）)]\s*$")
_USE = re.compile(r"\{\{-?\s*figures\.(\w+)\s*-?\}\}")


def figure_items(report: LoadedReport, source: str = "") -> list[FigureItem]:
    """The report's filled-in figures, in the order written, with labels and units; `source`
    is the YAML text (for the comments beside the figures)."""
    figures = report.data.get("figures") or {}
    if not isinstance(figures, dict):
        return []
    lines = source.splitlines()
    uses = _uses(report.data)
    out: list[FigureItem] = []
    for name, value in figures.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue  # an empty (to be filled in) or non-numeric figure is not drawn
        label, unit = "", ""
        line = report.positions.get(("figures", name), (0, 0))[0]
        if 0 < line <= len(lines):
            label, unit = _from_comment(lines[line - 1])
        if not label and name in uses:
            label, unit2 = uses[name]
            unit = unit or unit2
        out.append(FigureItem(str(name), label or str(name), float(value), unit))
    return out


def _from_comment(line: str) -> tuple[str, str]:
    # The comment after the value: "  licenses: 917   # 办理行政许可（件）".
    m = re.search(r"\s#\s*(.+?)\s*$", line)
    if not m:
        return "", ""
    text = m.group(1)
    unit = _UNIT_IN_BRACKETS.match(text)
    if unit:
        return unit.group(1).strip(), unit.group(2).strip()
    return text, ""


def _uses(data: Any) -> dict[str, tuple[str, str]]:
    """figure name → (the words before its first use, the unit after it)."""
    units = re.compile(rf"\s*({load_data('rules.yaml')['params']['units']})")
    found: dict[str, tuple[str, str]] = {}

    def walk(value: Any) -> None:
        if isinstance(value, str):
            for m in _USE.finditer(value):
                if m.group(1) in found:
                    continue
                before = re.split(r"[，。；：、！？,;:\s}]", value[:m.start()])[-1]
                before = re.sub(r"^(?:全年|累计|共计|共|其中|达到?)+", "", before)
                after = units.match(value, m.end())
                found[m.group(1)] = (before[-16:], after.group(1) if after else "")
        elif isinstance(value, dict):
            for k, v in value.items():
                if k != "figures":
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(data)
    return found
