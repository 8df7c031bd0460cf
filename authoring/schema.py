"""Export the cerberus report schema as JSON Schema, so that editors complete and check YAML."""
from __future__ import annotations

import json
from typing import Any

from authoring.validate import schema_document

_TYPES = {
    "string": "string",
    "integer": "integer",
    "float": "number",
    "number": "number",
    "boolean": "boolean",
    "dict": "object",
    "list": "array",
    "date": "string",
}


# cerberus rule → JSON Schema keyword, where the value carries over as it is.
_SAME_VALUE = {"min": "minimum", "max": "maximum", "minlength": "minItems"}


def _types(rule: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema `type` (and `format` for a date) of a cerberus rule's `type`."""
    types = rule.get("type")
    if not types:
        return {}
    names = types if isinstance(types, list) else [types]
    json_types = sorted({_TYPES[t] for t in names}, key=list(_TYPES.values()).index)
    if rule.get("nullable"):
        json_types.append("null")
    out: dict[str, Any] = {"type": json_types[0] if len(json_types) == 1 else json_types}
    if "date" in names:
        out["format"] = "date"
    return out


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    meta = rule.get("meta") or {}
    out: dict[str, Any] = {k: meta[k] for k in ("title", "description") if meta.get(k)}
    out.update(_types(rule))
    types = rule.get("type")
    if rule.get("empty") is False and types in ("string", ["string"]):
        out["minLength"] = 1
    out.update({keyword: rule[name] for name, keyword in _SAME_VALUE.items() if name in rule})
    if "allowed" in rule:
        out["enum"] = list(rule["allowed"])
    if "regex" in rule:  # cerberus anchors its regex at both ends; the patterns here are written anchored
        out["pattern"] = rule["regex"]
    inner = rule.get("schema")
    if isinstance(inner, dict) and "type" not in inner:
        out.update(_object(inner))
    elif isinstance(inner, dict):
        out["items"] = _rule(inner)
    if "keysrules" in rule and "regex" in rule["keysrules"]:
        out["propertyNames"] = {"pattern": rule["keysrules"]["regex"]}
    if "valuesrules" in rule:
        out["additionalProperties"] = _rule(rule["valuesrules"])
    return out


def _object(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "properties": {name: _rule(rule) for name, rule in fields.items()},
        "required": [name for name, rule in fields.items() if rule.get("required")],
        "additionalProperties": False,
    }


def json_schema() -> dict[str, Any]:
    """The report schema as a JSON Schema (draft 2020-12) document."""
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "法治政府建设年度报告",
        "description": "authoring 的报告 YAML：一年的事实和数字，渲染为 GB/T 9704 排版的 Word 报告",
        "type": "object",
    }
    doc.update(_object(schema_document()))
    return doc


def json_schema_text() -> str:
    """The JSON Schema as the text shipped in schemas/report.schema.json."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
