"""The 起草 form, built from the report schema (schemas/report.schema.yaml and its Chinese titles),
so that a field added to the schema appears on the page without a change here.

A form is a tree of `Field`s over the report's data: each knows its path in the YAML, its label,
what kind of input shows it and its value. What a typed input means is read as the YAML file
would read it (`coerce`); the edits the form sends become `yamledit` edits (web/edits.py).
Nothing here decides what a report must contain: the validator says that, beside the fields.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Collection, Optional, Sequence, Union

import yaml

from authoring.domain import FieldPath as Path
from authoring.domain import part_heading, part_keys
from authoring.errors import AuthoringError
from authoring.validate import schema_document
from authoring.yamledit import YamlDocument

# What a new entry, point, item or table holds until the clerk writes it: the placeholder that
# `authoring validate` reports (an error: the report is not ready to submit until it is written;
# the preview still shows the draft).
FILL = "【待填】"


@dataclass
class Field:
    """One field of the form: where it is in the YAML, how it is labelled and shown."""

    path: Path
    label: str
    kind: str  # group, text, integer, number, date, boolean, flag_text, entries, entry, strings,
    #            table, figures, choices, unknown, raw
    value: Any = None
    hint: str = ""
    required: bool = False
    present: bool = True
    children: list["Field"] = field(default_factory=list)
    rule: dict[str, Any] = field(default_factory=dict)
    options: list[tuple[str, str]] = field(default_factory=list)
    placeholder: str = ""  # what an empty field stands for (layout's default font, a part's heading)
    figure: Optional[tuple[str, Any]] = None  # the figure a "{{ figures.名称 }}" value stands for

    @property
    def key(self) -> str:
        """The path as the page names it (a data-path attribute)."""
        return path_key(self.path)

    @property
    def checked(self) -> bool:
        """Whether a box shows ticked: the value, or the default a field left out stands for."""
        if self.value is None:
            return rule_meta(self.rule).get("default") is True
        return self.value is True

    @property
    def types(self) -> list[str]:
        """The schema types of the field."""
        t = self.rule.get("type")
        return list(t) if isinstance(t, list) else ([t] if t else [])


def path_key(path: Sequence[Union[str, int]]) -> str:
    """A field path as the page names it: JSON, so that any key survives."""
    return json.dumps(list(path), ensure_ascii=False, separators=(",", ":"))


def parse_key(key: str) -> Path:
    """The page's name of a field back to its path."""
    try:
        value = json.loads(key)
    except ValueError:
        raise AuthoringError("字段路径无效", field=key) from None
    if not isinstance(value, list) or not all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in value):
        raise AuthoringError("字段路径无效", field=key)
    return tuple(value)


def rule_meta(rule: dict[str, Any]) -> dict[str, Any]:
    """A schema rule's `meta` (its Chinese title, hint, default …)."""
    return rule.get("meta") or {}


def _is_entry_rule(rule: dict[str, Any]) -> bool:
    """An entry of a part: a text, or a mapping with heading/text/points/items/table."""
    types = rule.get("type")
    return isinstance(types, list) and "string" in types and "dict" in types and isinstance(rule.get("schema"), dict)


def build_form(data: Any, order: Sequence[str], labels: dict[str, str]) -> list[Field]:
    """The form's sections for a report's data: the schema's top-level fields, the parts in
    `order` (the report's order, numbered as printed), then the rest; unknown keys at the end."""
    schema = schema_document()
    data = data if isinstance(data, dict) else {}
    keys = list(schema)
    parts = [k for k in order if k in schema]
    # Top-level fields in schema order, with the parts moved to where the first part stands.
    first_part = min((keys.index(k) for k in parts), default=len(keys))
    head = [k for k in keys[:first_part] if k not in parts]
    tail = [k for k in keys[first_part:] if k not in parts]
    out: list[Field] = []
    for key in head + parts + tail:
        label = labels.get(key) or rule_meta(schema[key]).get("title") or key
        out.append(_field((key,), schema[key], data.get(key), key in data, label, scopes=(schema,)))
    for key in data:
        if key not in schema:
            out.append(Field((key,), str(key), "unknown", data[key]))
    _set_placeholders(out, _defaults(data))
    figures = data.get("figures")
    _set_figures(out, figures if isinstance(figures, dict) else {})
    return out


_FIGURE_REF = re.compile(r"\{\{\s*figures\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def _set_figures(fields: Sequence[Field], figures: dict[str, Any]) -> None:
    """A count written as "{{ figures.名称 }}" shows the figure's value beside it."""
    for f in fields:
        if f.kind in ("integer", "number", "text") and isinstance(f.value, str):
            m = _FIGURE_REF.fullmatch(f.value.strip())
            if m and m.group(1) in figures:
                f.figure = (m.group(1), figures[m.group(1)])
        _set_figures(f.children, figures)


def _defaults(data: dict[str, Any]) -> dict[Path, str]:
    """What the fields of `layout` left empty stand for: the default fonts (layout.yaml) and
    each part's default heading for the report's year (parts.yaml), as render takes them."""
    from authoring.docx.layout import resolve_layout

    out: dict[Path, str] = {("layout", "fonts", str(k)): str(v) for k, v in resolve_layout(None)["fonts"].items()}
    year = data.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        for key in part_keys():
            out[("layout", "headings", key)] = part_heading(key, year)
    return out


def _set_placeholders(fields: Sequence[Field], defaults: dict[Path, str]) -> None:
    for f in fields:
        if f.path in defaults:
            f.placeholder = defaults[f.path]
        _set_placeholders(f.children, defaults)


def _field(path: Path, rule: dict[str, Any], value: Any, present: bool, label: str = "",
           scopes: tuple[dict[str, Any], ...] = ()) -> Field:
    # scopes: the schemas of the mappings the field stands in, outermost first (the report's
    # top level, then e.g. first_responsible, then a duty's entry fields): where the names of
    # a list of choices are looked up.
    meta = rule_meta(rule)
    label = label or meta.get("title") or str(path[-1])
    # The page's own wording of the description where the schema gives one (ticks, not true/false).
    hint = meta.get("page") or meta.get("description", "")
    f = Field(path, label, "text", value, hint, bool(rule.get("required")), present, rule=rule)
    types = f.types
    inner = rule.get("schema")
    if _is_entry_rule(rule):
        f.kind = "entry"
        if isinstance(value, dict) and isinstance(inner, dict):
            f.children = _mapping_children(path, inner, value, scopes)
        elif value is not None and not isinstance(value, str):
            f.kind = "raw"
        return f
    if types == ["dict"] or (isinstance(inner, dict) and "type" not in inner and "dict" in types):
        if value is not None and not isinstance(value, dict):
            f.kind = "raw"
            return f
        if "valuesrules" in rule:
            f.kind = "figures"
            return f
        f.kind = "group"
        f.children = _mapping_children(path, inner or {}, value or {}, scopes)
        return f
    if "list" in types:
        return _list_field(f, inner, scopes)
    f.kind = _scalar_kind(types)
    return f


def _list_field(f: Field, inner: Any, scopes: tuple[dict[str, Any], ...]) -> Field:
    """A list field: entries, choices, a table or strings (raw when the value is no list)."""
    if f.value is not None and not isinstance(f.value, list):
        f.kind = "raw"
        return f
    item = inner if isinstance(inner, dict) else {}
    if _is_entry_rule(item):
        f.kind = "entries"
        f.children = [_field(f.path + (i,), item, v, True, f"第 {i + 1} 项", scopes=scopes)
                      for i, v in enumerate(f.value or [])]
    elif "allowed" in item and not all(isinstance(v, str) for v in f.value or []):
        # A list in the list (typed in the YAML tab: order: [[plans]]) is no choice the boxes
        # can tick: shown as written, to mend in the YAML tab, as the validator's problem says.
        f.kind = "raw"
    elif "allowed" in item:
        f.kind = "choices"
        f.options = [(v, _choice_label(v, scopes)) for v in item["allowed"]]
    elif item.get("type") == "list":
        f.kind = "table"
    else:
        f.kind = "strings"
    return f


def _scalar_kind(types: list[str]) -> str:
    """The input that shows a one-value field of these schema types."""
    if types == ["boolean"]:
        return "boolean"
    if "boolean" in types and "string" in types:
        return "flag_text"
    if types == ["integer"]:
        return "integer"
    if types == ["date"]:
        return "date"
    if "string" not in types and any(t in ("integer", "float", "number") for t in types):
        return "number"
    return "text"


def _mapping_children(path: Path, schema: dict[str, Any], value: dict[str, Any],
                      scopes: tuple[dict[str, Any], ...]) -> list[Field]:
    inner = scopes + (schema,)
    out = [_field(path + (k,), r, value.get(k), k in value, scopes=inner) for k, r in schema.items()]
    out += [Field(path + (k,), str(k), "unknown", v) for k, v in value.items() if k not in schema]
    return out


def _choice_label(value: str, scopes: Sequence[dict[str, Any]]) -> str:
    """An allowed value named as the field it stands for, in the nearest mapping that has it
    (`plans` → 下一年度主要安排; a duty's facts `meetings` → 研究法治建设的会议)."""
    for table in reversed(scopes):
        if isinstance(table.get(value), dict):
            title = rule_meta(table[value]).get("title")
            if title:
                return str(title)
    return value


def blank_report(agency: str, year: int, output: str) -> str:
    """A new report for the workbench: `authoring init`'s scaffold (its comments kept), with
    【待填】 in every slot the report must fill, where the scaffold leaves it empty. The page
    then shows the blank report as pages at once (a draft, 【待填】 where text is due), as it
    shows a new entry; `authoring validate` still reports each 【待填】 as to be written."""
    from authoring.draft import init_scaffold

    doc = YamlDocument(init_scaffold(agency or FILL, year, output=output), name=output)
    for path in _blanks(doc.data, ()):
        doc.set(path, FILL)
    return doc.text


def _blanks(value: Any, path: Path) -> list[Path]:
    """The paths of empty values the schema wants text in (not a nullable fact, not a date)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _blanks(v, path + (k,))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _blanks(v, path + (i,))]
    if value is not None or not path:
        return []
    rule = rule_at(path)
    types = rule.get("type") or []
    types = list(types) if isinstance(types, list) else [types]
    return [path] if "string" in types and not rule.get("nullable") and "date" not in types else []


# -- what a typed value means --------------------------------------------------------------------


def rule_at(path: Path) -> dict[str, Any]:
    """The schema rule of the field at `path` ({} when the schema does not know it)."""
    node: Any = {"type": "dict", "schema": schema_document()}
    for part in path:
        inner = node.get("schema") if isinstance(node, dict) else None
        if isinstance(part, int):
            node = inner if isinstance(inner, dict) else {}
        elif isinstance(inner, dict) and "type" not in inner:
            node = inner.get(part, {})
        elif "valuesrules" in node:
            node = node["valuesrules"]
        else:
            return {}
    return node if isinstance(node, dict) else {}


def field_label(path: Path) -> str:
    """A field as the form labels it: its schema title (the key where the schema has none)."""
    return str(rule_meta(rule_at(path)).get("title") or path[-1])


def coerce(path: Path, raw: Any) -> Any:
    """A value typed into the field at `path`, read as the YAML file would read it: "917" is a
    number where the schema wants one, "2025-02-20" a date; text stays text. Anything that is
    not what the schema wants is kept as typed, for the validator to say so."""
    if not isinstance(raw, str):
        return raw
    rule = rule_at(path)
    types = rule.get("type") or []
    types = list(types) if isinstance(types, list) else [types]
    if not raw.strip() and "string" not in types:
        return None
    if types == ["string"] or not types:
        return raw
    try:
        read = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    wanted: dict[str, Any] = {"integer": int, "float": (int, float), "number": (int, float), "boolean": bool,
                              "date": _dt.date}
    for t in types:
        kind = wanted.get(t)
        if kind is not None and isinstance(read, kind) and not (isinstance(read, bool) and t != "boolean"):
            return read
    return raw


# -- problems beside their fields ----------------------------------------------------------------


def problem_path(problem: Any) -> Path:
    """The field path a validation problem names (its place carries it as a tuple)."""
    return tuple(problem.place.path)


def anchor(path: Path, keys: Collection[str]) -> str:
    """The form field a problem at `path` is shown beside: the deepest field of the form on
    its path (a problem inside a text shows at the text; a missing part at the part)."""
    for n in range(len(path), 0, -1):
        k = path_key(path[:n])
        if k in keys:
            return k
    return ""


def field_keys(fields: Sequence[Field]) -> set[str]:
    """The data-path of every field in a form (figures rows included)."""
    out: set[str] = set()
    for f in fields:
        out.add(f.key)
        if f.kind == "figures" and isinstance(f.value, dict):
            out.update(path_key(f.path + (k,)) for k in f.value)
        if f.kind in ("strings", "table") and isinstance(f.value, list):
            out.update(path_key(f.path + (i,)) for i in range(len(f.value)))
            if f.kind == "table":
                out.update(path_key(f.path + (i, j)) for i, r in enumerate(f.value) if isinstance(r, list) for j in range(len(r)))
        out |= field_keys(f.children)
    return out


def field_places(fields: Sequence[Field], within: str = "") -> dict[str, str]:
    """Each field's place as the form names it, for the list of problems: 一、主要举措和成效 › 第 2 项 ›
    小标题 (the page's labels, not the YAML's path)."""
    out: dict[str, str] = {}
    for f in fields:
        here = f"{within} › {f.label}" if within else f.label
        out[f.key] = here
        if f.kind == "figures" and isinstance(f.value, dict):
            out.update({path_key(f.path + (k,)): f"{here} › {k}" for k in f.value})
        if f.kind in ("strings", "table") and isinstance(f.value, list):
            from authoring.render import point_label

            word = "行" if f.kind == "table" else "条"
            for i, row in enumerate(f.value):
                # points are named as printed (一是、二是), other lists by their count
                out[path_key(f.path + (i,))] = (f"{within} › {point_label(i + 1)}" if f.path[-1] == "points"
                                                else f"{here} 第 {i + 1} {word}")
                if f.kind == "table" and isinstance(row, list):
                    out.update({path_key(f.path + (i, j)): f"{here} 第 {i + 1} 行第 {j + 1} 列" for j in range(len(row))})
        out.update(field_places(f.children, here))
    return out
