"""Where the report YAML's `$schema` line points, so that it stays valid when the YAML moves.

The first line of every YAML the tool writes tells editors (VS Code's YAML extension) where
the JSON Schema is: ``# yaml-language-server: $schema=<uri>``. A path relative to the YAML
breaks as soon as the file is moved or e-mailed, and a path into the installed package breaks
on the next Python upgrade. So the schema is installed in a stable per-user folder (on Windows
%APPDATA%\\authoring, which a roaming profile carries to every PC the clerk logs on to;
~/Library/Application Support/authoring on macOS; $XDG_DATA_HOME/authoring or
~/.local/share/authoring elsewhere) and the line names it by an absolute file: URI. Moved
anywhere on the machine, the YAML keeps working; e-mailed to a colleague whose folder differs,
`authoring validate` says so and `authoring schema --install report.yaml` points the line at
their copy (only that line is rewritten).
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Mapping, Optional
from urllib.parse import unquote, urlparse

from .fileio import write_atomic
from .schema import json_schema_text

SCHEMA_FILE = "report.schema.json"
LINE_PREFIX = b"# yaml-language-server: $schema="
_LINE = re.compile(rb"^(\xef\xbb\xbf)?# yaml-language-server: \$schema=([^\r\n]*)(\r?\n|$)")


def user_schema_path(env: Optional[Mapping[str, str]] = None) -> Path:
    """The per-user place of the installed JSON Schema ($AUTHORING_SCHEMA_HOME overrides it)."""
    env = os.environ if env is None else env
    if env.get("AUTHORING_SCHEMA_HOME"):
        return Path(env["AUTHORING_SCHEMA_HOME"]) / SCHEMA_FILE
    if sys.platform == "win32" and env.get("APPDATA"):
        return Path(env["APPDATA"]) / "authoring" / SCHEMA_FILE
    home = Path(env.get("HOME") or Path.home())
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "authoring" / SCHEMA_FILE
    data = Path(env["XDG_DATA_HOME"]) if env.get("XDG_DATA_HOME") else home / ".local" / "share"
    return data / "authoring" / SCHEMA_FILE


def install_schema(path: Optional[Path] = None) -> Path:
    """Write the JSON Schema to the per-user place (when it is missing or another version's)."""
    target = path or user_schema_path()
    data = json_schema_text().encode("utf-8")
    try:
        if target.read_bytes() == data:
            return target
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)
    return target


def installed_schema_ref() -> Optional[str]:
    """The `$schema` value for a new YAML: the installed schema's file: URI, installing it
    first; None when the per-user folder cannot be written (the caller then falls back)."""
    try:
        return install_schema().resolve().as_uri()
    except Exception:  # noqa: BLE001 — a read-only profile must not stop init or import
        return None


def schema_target(line_value: str, yaml_path: Path) -> Optional[Path]:
    """The local file a `$schema` value names (a file: URI, or a path relative to the YAML);
    None for a web address."""
    value = line_value.strip()
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme == "file":
        path = unquote(parsed.path)
        if re.match(r"^/[A-Za-z]:/", path):  # file:///C:/Users/… on Windows
            path = path[1:]
        return Path(path)
    if parsed.scheme in ("http", "https"):
        return None
    if re.match(r"^[A-Za-z]:[\\/]", value) or value.startswith(("/", "\\")):
        return Path(value)
    return (yaml_path.parent / value)


def broken_schema_line(raw: bytes, yaml_path: Path) -> Optional[str]:
    """What the first line's `$schema` file: URI names, when that file does not exist here."""
    m = _LINE.match(raw)
    if m is None:
        return None
    value = m.group(2).decode("utf-8", "replace")
    if not value.strip().startswith("file:"):
        # Only the absolute file: URIs this tool writes are noted (an e-mailed YAML); a relative
        # path, as in examples/, is the drafter's own arrangement.
        return None
    target = schema_target(value, yaml_path)
    if target is None or target.is_file():
        return None
    return value


def with_schema_line(raw: bytes, ref: str) -> bytes:
    """The YAML's bytes with its first line naming `ref`: the `$schema` line replaced, or one
    added at the top; nothing else changes (encoding, BOM and line ends kept)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (Notepad's "Unicode"): as text
        text = raw.decode("utf-16")
        return with_schema_line(text.encode("utf-8"), ref).decode("utf-8").encode("utf-16")
    line = LINE_PREFIX + ref.encode("ascii")
    m = _LINE.match(raw)
    if m is not None:
        return (m.group(1) or b"") + line + (m.group(3) or b"") + raw[m.end():]
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    body = raw[len(bom):]
    newline = b"\r\n" if b"\r\n" in body[:4096] else b"\n"
    return bom + line + newline + body
