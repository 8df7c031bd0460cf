"""The exported JSON Schema (what VS Code checks as a clerk types) agrees with the validator."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))


def as_editor_sees(value: Any) -> Any:
    # An editor sees `2025-02-20` as text; PyYAML makes it a date.
    if isinstance(value, dict):
        return {k: as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.name)
def test_examples_pass_the_json_schema(example: Path) -> None:
    data = as_editor_sees(yaml.safe_load(example.read_text(encoding="utf-8")))
    jsonschema.validate(data, SCHEMA)


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda d: d.pop("first_responsible"), "required"),
        (lambda d: d.update(year="2024年"), "type"),
        (lambda d: d["agency"].update(nme="x"), "additionalProperties"),
        (lambda d: d.update(plans="明年继续"), "type"),
        (lambda d: d.update(layout={"order": ["achievments"]}), "enum"),
    ],
)
def test_json_schema_refuses_what_the_validator_refuses(change: Any, where: str) -> None:
    data = as_editor_sees(yaml.safe_load((ROOT / "examples" / "changzhou-cgj-2024.yaml").read_text(encoding="utf-8")))
    change(data)
    with pytest.raises(jsonschema.ValidationError) as info:
        jsonschema.validate(data, SCHEMA)
    assert info.value.validator == where
