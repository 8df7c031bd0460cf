"""The domain's facts, each read from its table in authoring/data/ through one accessor: the parts
of the report (keys, labels, default headings, which are required), what messages call each
field, the form of a date, the reporting deadlines and the report's default wording. (Chinese
numerals are numerals.py's.)

Change a fact in its table, not here: this module only reads the tables.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Union

from authoring.resources import load_data

# A field's place in the report YAML: ("achievements", 1, "heading") is achievements[2].heading.
FieldPath = tuple[Union[str, int], ...]


# -- the parts (parts.yaml) ----------------------------------------------------------------------


@lru_cache(maxsize=None)
def _parts() -> tuple[dict[str, Any], ...]:
    return tuple(load_data("parts.yaml")["parts"])


def part_keys() -> tuple[str, ...]:
    """Every part's YAML key, in the renderer's default order (the optional part last)."""
    return tuple(p["key"] for p in _parts())


def required_parts() -> tuple[str, ...]:
    """The keys of the parts every report must have."""
    return tuple(p["key"] for p in _parts() if p.get("required"))


def entry_parts() -> tuple[str, ...]:
    """The keys of the parts that are lists of entries (part two's entries are its `duties`)."""
    return tuple(p["key"] for p in _parts() if p.get("entries", "list") == "list")


def part_labels() -> dict[str, str]:
    """Part key → what a clerk calls the part (the label in every message)."""
    return {p["key"]: p["label"] for p in _parts()}


def part_label(key: str) -> str:
    """What a clerk calls one part: 'first_responsible' → 第一责任人."""
    return part_labels()[key]


def part_heading(key: str, year: int) -> str:
    """The heading the renderer writes for a part of a report on `year` (layout may change it)."""
    spec = next(p for p in _parts() if p["key"] == key)
    return str(spec["heading"]).format(year=year, next_year=year + 1)


# -- fields --------------------------------------------------------------------------------------


def format_path(path: FieldPath) -> str:
    """`('achievements', 2, 'heading')` → `achievements[3].heading` (1-based, as a clerk counts)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@lru_cache(maxsize=None)
def _field_labels() -> dict[str, str]:
    labels = part_labels()
    labels.update(load_data("fields.yaml")["fields"])
    return labels


def field_label(path: FieldPath) -> str:
    """How a message names a field: `第一责任人（first_responsible.duties[2]）`."""
    if not path:
        return ""
    label = _field_labels().get(str(path[0]))
    return f"{label}（{format_path(path)}）" if label else format_path(path)


# -- dates ----------------------------------------------------------------------------------------


def chinese_date(date: Union[_dt.date, str, None]) -> str:
    """2025-02-20 → 2025年2月20日 (Arabic numerals, no leading zeros, as GB/T 9704 asks)."""
    if date is None or date == "":
        return ""
    if isinstance(date, str):
        return date
    return f"{date.year}年{date.month}月{date.day}日"


# -- deadlines (deadlines.yaml) ------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """The last day a report on a year is on time for one purpose (公开期限, 报送期限)."""

    due: _dt.date
    what: str


def _due(year: int, entry: dict[str, Any]) -> Deadline:
    month, day = (int(x) for x in str(entry["last"]).split("-"))
    return Deadline(_dt.date(year + 1, month, day), str(entry["what"]))


def deadlines(year: int, agency: str = "") -> list[Deadline]:
    """The deadlines of the report on `year` (in year + 1), latest first: publication, then
    submission unless the agency is a government (no earlier date holds in every province)."""
    table = load_data("deadlines.yaml")
    out = [_due(year, table["publish"])]
    if not re.search(table["government"], agency or ""):
        out.append(_due(year, table["submit"]["department"]))
    return out


def due_day(kind: str) -> str:
    """The day of the following year a report is due, as a clerk reads it: 'submit' (a
    department's 报送) → 3月1日, 'publish' (公开) → 4月1日."""
    table = load_data("deadlines.yaml")
    entry = table["submit"]["department"] if kind == "submit" else table[kind]
    month, day = (int(x) for x in str(entry["last"]).split("-"))
    return f"{month}月{day}日"


def submission_deadline(year: int) -> _dt.date:
    """The last day a department submits (报送) the report on `year`: 1 March of year + 1."""
    return _due(year, load_data("deadlines.yaml")["submit"]["department"]).due


# -- the report's default wording (wording.yaml) -------------------------------------------------


def wording(key: str, **values: Any) -> str:
    """A piece of the report's default wording, its {placeholders} filled from `values`."""
    return str(load_data("wording.yaml")[key]).format(**values)
