"""The 第一责任人 duties given as facts (first_responsible.meetings, .court, …): which facts there
are and what a clerk calls them (the schema), which are given, and which duty of the 2016 规定
each one answers (data/duties.yaml). Render, validate, init --from, import and compare read the
facts through this module only."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator, Mapping, Optional

from authoring.resources import load_data, load_yaml_file, schemas_dir

FactPath = tuple[str, ...]


@lru_cache(maxsize=1)
def _fact_rules() -> dict[str, dict[str, Any]]:
    # Read here, not through validate.schema_document: rendering must not import cerberus.
    fr = load_yaml_file(schemas_dir() / "report.schema.yaml")["first_responsible"]["schema"]
    keys = fr["in_text"]["schema"]["allowed"]  # the one list of fact keys (a YAML anchor in the schema)
    return {key: fr[key] for key in keys}


def fact_keys() -> list[str]:
    """The fact keys under first_responsible, in the schema's order."""
    return list(_fact_rules())


def fact_fields(key: str) -> list[str]:
    """The sub-keys of a fact that is a group (meetings → party, party_name, office, …); [] otherwise."""
    inner = _fact_rules()[key].get("schema")
    return list(inner) if isinstance(inner, dict) else []


def fact_label(key: str, sub: Optional[str] = None) -> str:
    """What a clerk calls a fact or one of its fields (the schema's Chinese title)."""
    rule = _fact_rules()[key]
    if sub is not None:
        rule = rule["schema"][sub]
    return str((rule.get("meta") or {}).get("title") or sub or key)


def fact_help(path: tuple[Any, ...]) -> Optional[str]:
    """The help comment for a fact field in a written YAML (title: description), else None."""
    if len(path) < 2 or path[0] != "first_responsible" or path[1] not in _fact_rules():
        return None
    rule = _fact_rules()[str(path[1])]
    if len(path) == 3:
        rule = (rule.get("schema") or {}).get(path[2]) or {}
    elif len(path) > 3:
        return None
    meta = rule.get("meta") or {}
    title, description = meta.get("title"), meta.get("description")
    if not title:
        return None
    prefix = "履职事实（可选）：" if len(path) == 2 else ""
    return f"{prefix}{title}" + (f"：{description}" if description else "")


# Fields that name things rather than state the year's facts: kept by init --from, not compared.
NAME_FIELDS = frozenset({"party_name", "office_name"})


def is_given(value: Any) -> bool:
    """Whether a fact value says something: not empty, not false, a group with a field given."""
    if value is None or value is False or value == "" or value == [] or value == {}:
        return False
    if isinstance(value, Mapping):
        return any(is_given(v) for k, v in value.items() if k not in NAME_FIELDS)
    return True


def given_facts(first_responsible: Any) -> list[str]:
    """The fact keys a report's first_responsible gives (in_text ones included: they are facts)."""
    if not isinstance(first_responsible, Mapping):
        return []
    return [k for k in fact_keys() if is_given(first_responsible.get(k))]


def party_body(leader: str) -> str:
    """The party body the leader heads, as the facts' sentences name it: 局党组书记、局长 → 局党组."""
    found = re.match(load_data("duties.yaml")["party_body"], leader or "")
    return found.group(1) if found else ""


def default_names(leader: str) -> dict[str, str]:
    """What the facts' sentences call what a report does not name (data/duties.yaml `names`):
    the leading group, the party meeting (局党组会议), the office meeting (局长办公会议)."""
    names = load_data("duties.yaml")["names"]
    return {k: str(v).format(party_body=party_body(leader) or "党组") for k, v in names.items()}


def duty_specs() -> list[dict[str, Any]]:
    """The duties of the 2016 规定 that part two is checked for (data/duties.yaml)."""
    return list(load_data("duties.yaml")["duties"])


def duties_given(first_responsible: Any) -> set[str]:
    """The ids of the duties that a given fact answers."""
    given = set(given_facts(first_responsible))
    return {d["id"] for d in duty_specs() if given & set(d.get("facts") or [])}


def stated_in_text(first_responsible: Any) -> list[str]:
    """The facts the report's own text already states (first_responsible.in_text)."""
    if not isinstance(first_responsible, Mapping):
        return []
    listed = first_responsible.get("in_text")
    return [k for k in listed if isinstance(k, str)] if isinstance(listed, list) else []


def normalized_facts(first_responsible: Mapping[str, Any]) -> dict[str, Any]:
    """Every fact key → its value for the templates: None when not given or stated in the text
    already; a group as a dict with every field present (None when not given)."""
    skip = set(stated_in_text(first_responsible))
    out: dict[str, Any] = {}
    for key in fact_keys():
        value = first_responsible.get(key)
        if key in skip or not is_given(value):
            out[key] = None
        elif fact_fields(key) and isinstance(value, Mapping):
            out[key] = {f: (value.get(f) if is_given(value.get(f)) else None) for f in fact_fields(key)}
        else:
            out[key] = value
    return out


def fact_leaves(first_responsible: Any) -> Iterator[tuple[FactPath, Any]]:
    """(path, value) of every fact field a report writes, groups opened up: (('court', 'cases'), 13)."""
    if not isinstance(first_responsible, Mapping):
        return
    for key in fact_keys():
        if key not in first_responsible:
            continue
        value = first_responsible[key]
        if fact_fields(key) and isinstance(value, Mapping):
            for sub in fact_fields(key):
                if sub in value:
                    yield (key, sub), value[sub]
        else:
            yield (key,), value


def leaf_label(path: FactPath) -> str:
    """A fact field as a clerk names it: 出庭应诉 · 行政诉讼案件（件）."""
    if len(path) == 1:
        return fact_label(path[0])
    return f"{fact_label(path[0])} · {fact_label(path[0], path[1])}"


# What stands for a number in a recognition pattern: digits, or a figure already lifted into its place.
_NUMBER = r"(?P<n>\d+(?:\.\d+)?|\{\{\s*figures\.[A-Za-z_][A-Za-z0-9_]*\s*\}\})"


@dataclass(frozen=True)
class FactPattern:
    """How a fact field's sentence is recognised in a report's text (data/import.yaml)."""

    key: str
    field: Optional[str]
    regex: re.Pattern[str]
    figure: str
    parts: tuple[str, ...]

    def value(self, match: re.Match[str], names: Mapping[str, str]) -> Any:
        """The fact's value in a match: the number (int or float), its {{ figures.x }}, the name
        it gives (a `title` group, unless it is the default name), or True."""
        if "title" in self.regex.groupindex:
            title = match.group("title")
            return True if not title or title == names.get(self.key) else title
        if "n" not in self.regex.groupindex:
            return True
        raw = match.group("n")
        if raw.startswith("{{"):
            return raw
        return float(raw) if "." in raw else int(raw)


@lru_cache(maxsize=1)
def fact_patterns() -> tuple[FactPattern, ...]:
    """The recognition patterns of the facts, in the order they are tried."""
    out: list[FactPattern] = []
    for name, spec in load_data("import.yaml")["facts"].items():
        key, _, field = str(name).partition(".")
        for pattern in spec["patterns"]:
            out.append(FactPattern(key, field or None, re.compile(str(pattern).replace("{n}", _NUMBER)),
                                   str(spec.get("figure") or ""), tuple(spec.get("parts") or ["first_responsible"])))
    return tuple(out)
