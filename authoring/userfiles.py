"""The files this tool keeps in the user's folders, beside a report: the JSON Schema installed
where the `$schema` line of every YAML it writes points (and that line mended in a YAML from
another PC), and fontconfig's rules that make LibreOffice and WPS stand in for missing fonts.
main.py re-exports every public name here: they are part of its API."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Union

from authoring.errors import AuthoringError
from authoring.inputs import read_report_file
from authoring.outputs import save_file

PathLike = Union[str, Path]


def schema_text() -> str:
    """The JSON Schema of the report YAML, for editors (VS Code's YAML extension)."""
    from authoring.schema import json_schema_text

    return json_schema_text()


def install_schema() -> Path:
    """Install the JSON Schema in the user's folder (schemafile.py), where the `$schema` line of
    the YAMLs the tool writes points; returns its path."""
    from authoring.schemafile import install_schema as install

    return install()


def point_at_schema(path: PathLike) -> str:
    """Make a report YAML's first line name the installed JSON Schema (after it was e-mailed from
    another PC): only that line is rewritten, atomically; returns the new `$schema` value."""
    from authoring.schemafile import with_schema_line

    ref = install_schema().resolve().as_uri()
    raw = read_report_file(path)
    updated = with_schema_line(raw, ref)
    if updated != raw:
        save_file(path, updated)
    return ref


def schema_line_note(path: PathLike) -> Optional[str]:
    """A note for the clerk when a YAML's `$schema` line names a file this PC does not have."""
    from authoring.schemafile import broken_schema_line

    try:
        raw = read_report_file(path)
    except AuthoringError:
        return None
    broken = broken_schema_line(raw, Path(path))
    if broken is None:
        return None
    return (f"{path}:1: 提示：第一行的 $schema 指向的文件在本机不存在（{broken}），编辑器无法按格式提示；"
            f"运行 authoring schema --install {path} 改为本机的位置")


def save_fontconfig(layout: dict[str, Any]) -> Path:
    """Write the user's fontconfig rules that make LibreOffice and WPS substitute the layout's
    missing fonts in the fonts table's order (Linux); returns the file written."""
    from authoring.fileio import write_atomic
    from authoring.fonts import fontconfig_aliases, user_fontconfig_path

    target = user_fontconfig_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, fontconfig_aliases(layout).encode("utf-8"))
    return target
