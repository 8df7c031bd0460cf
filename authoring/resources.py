"""Where the shipped templates, schemas and domain data are, in a checkout and in a wheel."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    # In a wheel, templates/ and schemas/ are inside the package (see pyproject's force-include);
    # in a source checkout or an editable install they stand beside it at the repository's top.
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def templates_dir() -> Path:
    """The shipped Jinja2 templates."""
    return _shipped("templates")


def schemas_dir() -> Path:
    """The shipped cerberus schema (and its JSON Schema export)."""
    return _shipped("schemas")


def data_dir() -> Path:
    """Domain facts kept as data: parts, phrases, meetings, layout numbers, rules."""
    return _PACKAGE / "data"


def load_yaml_file(path: Path) -> Any:
    """A shipped YAML file (data table, schema, layout), read with libyaml where PyYAML has it:
    the same data as PyYAML's pure-Python parser gives for these plain files, at a tenth of the
    time (the pure parser took some 20 ms of every cold start for the data tables alone)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 (a safe loader)


@lru_cache(maxsize=None)
def load_data(name: str) -> Any:
    """One of the domain data tables in authoring/data/, parsed (cached: they never change)."""
    return load_yaml_file(data_dir() / name)
