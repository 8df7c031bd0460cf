"""Report data → what templates see: entries with every key present, the text filters
(paragraphs, points, run-in headings), the meetings a year cites, and where each piece comes from."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from authoring.domain import part_keys, required_parts
from authoring.hygiene import strip_typed_number
from authoring.markup import TemplateText, format_value
from authoring.numerals import chinese_number
from authoring.resources import load_data

_END_PUNCT = "。！？；：…"


def paragraphs(text: Optional[str]) -> list[str]:
    """Text → its paragraphs (one a non-empty line; folded YAML scalars make one line)."""
    if not text:
        return []
    # A macro's output stays the template's markup when split (its values are escaped already).
    kind = TemplateText if isinstance(text, TemplateText) else str
    return [kind(line.strip()) for line in str(text).splitlines() if line.strip()]


def _end_sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in _END_PUNCT else text + "。"


def point_label(n: int) -> str:
    """How the n-th of an entry's points is introduced in print: 1 → 一是."""
    return str(load_data("numbering.yaml")["point"]).format(cn=chinese_number(n), n=n)


def points_text(points: Optional[Iterable[str]]) -> str:
    """['加强学习', '严格执法。'] → 一是加强学习。二是严格执法。"""
    return "".join(point_label(i) + _end_sentence(str(p)) for i, p in enumerate(points or [], 1))


def clause(text: Any) -> str:
    """A clerk's line without its closing punctuation, to be joined into a longer sentence."""
    return str(text).strip().rstrip("。；;，,.、 ")


def series(items: Iterable[Any]) -> str:
    """Items joined by 、, except between two titles in 《》 or two quotations in “”, which GB/T
    15834-2011 (4.5.3.5) writes without it: 《甲》《乙》、丙."""
    out = ""
    for item in (clause(i) for i in items):
        if out and not (out[-1] in "》”" and item[:1] in "《“"):
            out += "、"
        out += item
    return out


def runin(heading: str) -> str:
    """A run-in heading ends with 。 unless it already ends a sentence."""
    return TemplateText(_end_sentence(heading)) if isinstance(heading, TemplateText) else _end_sentence(heading)




def _entry(value: Any, path: str) -> dict[str, Any]:
    """A list entry as a dict with every key present (a plain string means text only), and in
    `at` the YAML field of each of its parts, which the templates pass on with `@at`."""
    plain = isinstance(value, str)
    if plain:
        value = {"text": value}
    items = [_entry(item, f"{path}.items.{i}") for i, item in enumerate(value.get("items") or [])]
    table = [[format_value(c) for c in row] for row in (value.get("table") or [])]
    return {
        # A number typed into a heading would be printed twice (（一）（二）…): the position numbers
        # headings, so the typed one is left out; validate warns about it (yaml.heading_number).
        "heading": strip_typed_number(value.get("heading") or ""),
        "text": value.get("text") or "",
        # A 一是 typed at the start of a point would print 一是一是 (validate: yaml.point_number).
        "points": [strip_typed_number(p) if isinstance(p, str) else p for p in value.get("points") or []],
        "items": items,
        "table": table,
        "path": path,
        "at": {key: path if plain else f"{path}.{key}" for key in ("heading", "text", "points", "table")},
    }


def _duty_entry(value: Any, path: str) -> dict[str, Any]:
    """A first_responsible.duties entry: an entry, plus the facts merged into it."""
    entry = _entry(value, path)
    entry["facts"] = list(value.get("facts") or []) if isinstance(value, dict) else []
    return entry


def current_meetings(year: int) -> str:
    """The meetings a report on `year` cites: `党的二十大和二十届二中、三中全会`."""
    held = [m for m in load_data("meetings.yaml")["meetings"] if int(str(m["held"])[:4]) <= year]
    if not held:
        return ""
    congress = held[-1]["congress"]
    same = [m for m in held if m["congress"] == congress]
    head = next((m["name"] for m in same if not m["short"]), f"党的{congress}")
    plenums = [m["short"] for m in same if m["short"]]
    if not plenums:
        return head
    prefix = same[-1]["name"][: same[-1]["name"].index(plenums[-1])]
    return f"{head}和{prefix}{'、'.join(plenums)}全会"


def part_order(data: dict[str, Any]) -> list[str]:
    """The parts a report prints, in order: its `layout.order`, else the default order of
    parts.yaml (其他需要报告的情况 only when the report has it)."""
    layout = data.get("layout") if isinstance(data.get("layout"), dict) else {}
    given = layout.get("order") if isinstance(layout, dict) else None
    if isinstance(given, list) and given:
        return [k for k in given if isinstance(k, str)]
    return [k for k in part_keys() if k in required_parts() or data.get(k)]


def _sources(data: dict[str, Any], *, headings: dict[str, Any]) -> dict[str, Any]:
    """The YAML field each generated or given piece of the report comes from, for `@at` lines:
    a default text points at the field it is made from (a default title at agency.name)."""
    fr = data.get("first_responsible") or {}
    agency = "agency.short_name" if (data.get("agency") or {}).get("short_name") else "agency.name"
    return {
        "title": "title" if data.get("title") else "agency.name",
        "preamble": "preamble" if data.get("preamble") else agency,
        "headings": {p: f"layout.headings.{p}" if headings.get(p) else p for p in part_keys()},
        "opening": "first_responsible.text" if fr.get("text") else "first_responsible.leader",
        # The 落款's findings are about its date (missing, form, deadline).
        "signature": "signature.date" if (data.get("signature") or {}).get("date") else "signature",
    }
