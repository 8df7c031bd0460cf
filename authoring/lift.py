"""What `import` lifts out of the prose it read: numbers with units into `figures:` entries and
{{ figures.name }} references (`import --figures`, named after the noun beside each number), and
the 第一责任人 facts of part two recognised in its sentences (data/import.yaml) into
first_responsible, listed in `in_text` so that the sentence stays and the fact is not rendered
twice. Each lifted fact is told as a warning, and noted in the YAML beside it."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional, Sequence

from authoring.blocks import Block, block_text
from authoring.domain import part_keys
from authoring.duties import default_names, fact_fields, fact_keys, fact_label, fact_patterns
from authoring.errors import Place, Problem
from authoring.importtext import KEYS, Names, clip, tidy_punctuation
from authoring.markup import LITERAL_BRACE
from authoring.resources import load_data
from authoring.yamlout import FieldPath

PART_KEYS = part_keys()


def _rules() -> dict[str, Any]:
    return load_data("import.yaml")


# -- --figures ----------------------------------------------------------------------------------

def _figure_pattern() -> re.Pattern[str]:
    rules = _rules()
    units = "|".join(re.escape(u["unit"]) for u in rules["units"])
    return re.compile(
        rf"(?<!{rules['not_after']})(\d+(?:\.\d+)?)(?![\d.])(余|多)?(万|亿)?(余|多)?({units})"
    )


def _unit_names() -> dict[str, str]:
    return {u["unit"]: u["name"] for u in _rules()["units"]}


@lru_cache(maxsize=4)
def _longest_first(nouns: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return sorted(nouns, key=lambda kv: -len(kv[0]))


def _noun(before: str, after: str = "") -> str:
    """The English name of the known noun right after a number (“28次党组会议”), else the
    nearest one before it within its clause (“办理行政许可917件”)."""
    nouns = _rules()["nouns"]
    for word, name in _longest_first(tuple(nouns.items())):
        if after.startswith(word):
            return str(name)
    clause = re.split(r"[。；;！？]", before)[-1][-24:]
    best, where = "", -1
    for word, name in nouns.items():
        at = clause.rfind(word)
        if at >= 0 and at + len(word) > where:
            best, where = str(name), at + len(word)
    return best


def lift_figures(data: dict[str, Any], notes: dict[FieldPath, str]) -> None:
    """Numbers with units in the prose → `figures:` entries and {{ figures.name }} references."""
    lifter = _Figures(notes, data.get("figures"))  # the facts' figures come first
    for key in PART_KEYS:
        if key in data:
            data[key] = lifter.walk(data[key], (key,))
    if lifter.figures:
        ordered: dict[str, Any] = {k: data[k] for k in ("agency", "year", "title", "preamble") if k in data}
        ordered["figures"] = lifter.figures
        ordered.update({k: v for k, v in data.items() if k not in ordered})
        data.clear()
        data.update(ordered)


class _Figures:
    """The figures lifted so far, each with the sentence it came from (a note in the YAML)."""

    def __init__(self, notes: dict[FieldPath, str], figures: Any = None) -> None:
        self.pattern = _figure_pattern()
        self.units = _unit_names()
        self.figures: dict[str, Any] = dict(figures) if isinstance(figures, dict) else {}
        self.next_number: dict[str, int] = {}
        self.notes = notes

    def walk(self, value: Any, path: FieldPath) -> Any:
        """The value with the figures in its prose lifted (headings, leader and tables stay)."""
        if isinstance(value, str):
            return self.lift(value, path) if path[-1] != "heading" else value
        if isinstance(value, dict):
            return {k: (v if k in ("heading", "leader", "table") else self.walk(v, path + (k,))) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, path + (i,)) for i, v in enumerate(value)]
        return value

    def lift(self, text: str, path: FieldPath) -> str:
        """One text with each number-with-unit replaced by its {{ figures.name }}."""
        if LITERAL_BRACE in text:
            return text  # text that holds braces of its own stays as read
        titles = [(m.start(), m.end()) for m in re.finditer(r"《[^》]*》|“[^”]*”", text)]
        out, last = [], 0
        for m in self.pattern.finditer(text):
            if any(a <= m.start() < b for a, b in titles):
                continue  # a number inside a document's title or a quotation is part of a name
            name = self.add(m, text, path)
            out.append(text[last:m.start(1)] + "{{ figures." + name + " }}")
            last = m.end(1)
        return "".join(out) + text[last:] if out else text

    def add(self, m: re.Match[str], text: str, path: FieldPath) -> str:
        """A new figure for the number `m` matched in `text`: named after the noun beside it."""
        unit = self.units[m.group(5)] + ("_10k" if m.group(3) == "万" else "_100m" if m.group(3) == "亿" else "")
        # Only the text near the number matters to _noun; slicing the whole text before and after
        # every number was quadratic in a long paragraph of numbers.
        noun = _noun(text[max(0, m.start() - 25):m.start()], text[m.end():m.end() + 32])
        if noun:
            base = noun if noun.endswith(("_rate", "share")) else f"{noun}_{unit}"
        else:
            where = [str(p + 1) if isinstance(p, int) else p for p in path if p not in ("items", "points", "text", "duties")]
            base = "_".join(where) + f"_{unit}"
        # The next free number of each name is kept: probing base_2, base_3… from 2 for every
        # figure of one name was quadratic (20,000 办理行政许可N件: minutes).
        name, n = base, self.next_number.get(base, 2)
        while name in self.figures:
            name, n = f"{base}_{n}", n + 1
        self.next_number[base] = n
        raw = m.group(1)
        self.figures[name] = float(raw) if "." in raw else int(raw)
        context = text[max(0, m.start() - 12):m.end() + 6].replace("\n", " ")
        self.notes[("figures", name)] = f"……{context}……"
        return name


# -- the 第一责任人 facts -------------------------------------------------------------------------

def lift_facts(data: dict[str, Any], notes: dict[FieldPath, str], blocks: Sequence[Block], file: str,
               figures: bool, names: Names = KEYS) -> list[Problem]:
    """Facts of part two recognised in the prose (data/import.yaml) → first_responsible.<fact>,
    listed in `in_text`: the sentence stays where it was, and the fact is not rendered again.
    Returns a warning for each fact (at the line of its sentence in `blocks`); `notes` get the
    YAML's comments beside them. With `figures`, a number lifted is a figure too. The warnings name
    the fields as `names` does (the YAML's keys, or the workbench's form labels)."""
    fr = data.get("first_responsible")
    if not isinstance(fr, dict):
        return []
    found, quotes, lifted = _recognise(data, fr, notes, blocks, figures)
    if not found:
        return []
    warnings: list[Problem] = []
    for key in found:
        quote, line = quotes[key]
        what = "，".join(lifted[key])
        warnings.append(Problem(names.text(
            f"从原文“{clip(quote, 40)}”识别出第一责任人履职事实 {names('first_responsible', key)}：{what}；"
            f"原句保留在正文中，并已列入 {names.leaf('first_responsible', 'in_text')}，生成时不会重复；请核对"),
            Place(file, line), "warning", "import-fact",
        ))
        notes[("first_responsible", key)] = f"请核对：导入时从原文“{clip(quote, 40)}”识别（原句留在正文中）"
    ordered: dict[str, Any] = {k: v for k, v in fr.items() if k in ("leader", "text")}
    ordered.update({k: _ordered_group(k, found[k]) for k in fact_keys() if k in found})
    ordered["in_text"] = [k for k in fact_keys() if k in found]
    ordered.update({k: v for k, v in fr.items() if k not in ordered})
    data["first_responsible"] = ordered
    return warnings


_Recognised = tuple[dict[str, Any], dict[str, tuple[str, Optional[int]]], dict[str, list[str]]]


def _recognise(data: dict[str, Any], fr: dict[str, Any], notes: dict[FieldPath, str], blocks: Sequence[Block],
               figures: bool) -> _Recognised:
    """(each fact found: its value, the sentence and its line, what was lifted as the warning
    says it), the first sentence of each pattern that matches."""
    names = default_names(str(fr.get("leader") or ""))
    found: dict[str, Any] = {}
    quotes: dict[str, tuple[str, Optional[int]]] = {}
    lifted: dict[str, list[str]] = {}
    done: set[tuple[str, Optional[str]]] = set()
    for pattern in fact_patterns():
        if (pattern.key, pattern.field) in done:
            continue
        for path, text in _prose(data, pattern.parts):
            match = pattern.regex.search(text)
            if match is None:
                continue
            done.add((pattern.key, pattern.field))
            value = pattern.value(match, names)
            shown = "是" if value is True else str(value)
            if figures and isinstance(value, (int, float)) and not isinstance(value, bool):
                name = _free_name(data, pattern.figure)
                data.setdefault("figures", {})[name] = value
                notes[("figures", name)] = f"……{match.group(0)}……"
                value = "{{ figures.%s }}" % name
                _set(data, path, text[: match.start("n")] + value + text[match.end("n"):])
            if pattern.field is None:
                found[pattern.key] = value
            else:
                group = found.setdefault(pattern.key, {})
                group[pattern.field] = value
                called = match.group("name") if "name" in pattern.regex.groupindex else None
                if called and called != names.get(f"{pattern.field}_meeting"):
                    group[f"{pattern.field}_name"] = called
            lifted.setdefault(pattern.key, []).append(
                f"{fact_label(pattern.key, pattern.field)}{shown}" if pattern.field
                else (shown if isinstance(value, str) else fact_label(pattern.key)))
            quotes.setdefault(pattern.key, (match.group(0), _source_line(blocks, match.group(0))))
            break
    return found, quotes, lifted


def _ordered_group(key: str, value: Any) -> Any:
    """A group fact with its fields in the schema's order."""
    if not isinstance(value, dict):
        return value
    return {f: value[f] for f in fact_fields(key) if f in value}


def _prose(data: dict[str, Any], parts: Sequence[str]) -> list[tuple[FieldPath, str]]:
    """(path, text) of the running text in these parts: no headings, no text kept raw."""
    out: list[tuple[FieldPath, str]] = []

    def walk(value: Any, path: FieldPath) -> None:
        if isinstance(value, str):
            if LITERAL_BRACE not in value:
                out.append((path, value))
        elif isinstance(value, dict):
            for k, v in value.items():
                if k in ("text", "points", "items", "duties"):
                    walk(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + (i,))

    for part in parts:
        if part == "first_responsible" and isinstance(data.get(part), dict):
            walk(data[part], (part,))
        elif part in data:
            walk(data[part], (part,))
    return out


def _set(data: Any, path: FieldPath, value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _free_name(data: dict[str, Any], base: str) -> str:
    taken = data.get("figures") or {}
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def _source_line(blocks: Sequence[Block], quote: str) -> Optional[int]:
    """The line (Word paragraph) of the block where a recognised sentence stands."""
    probe = re.sub(r"\{\{.*?\}\}", "", quote)[:12]
    for b in blocks:
        if probe and probe in tidy_punctuation(block_text(b)):
            return b.line
    return None
