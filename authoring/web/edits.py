"""The form's edits, made in the report's YAML: each operation the page sends (set a field, add,
delete or move an entry, a figure, a table's row or column, a comment) becomes one `yamledit`
edit, written where the schema puts it. What a typed value means is form.coerce's; an optional
field emptied is left out of the file rather than written empty.
"""
from __future__ import annotations

from typing import Any, Callable

from authoring.domain import FieldPath as Path
from authoring.errors import AuthoringError
from authoring.validate import schema_document
from authoring.web.form import FILL, coerce, parse_key, rule_at, rule_meta
from authoring.yamledit import YamlDocument


def key_order(path: Path) -> list[str]:
    """The order of a mapping's keys in the schema (where a new key is written)."""
    inner = rule_at(path).get("schema") if path else schema_document()
    if isinstance(inner, dict) and "type" not in inner:
        return list(inner)
    from authoring.yamlout import TOP_ORDER

    return list(TOP_ORDER) if not path else []


def new_value(kind: str) -> Any:
    """What the page's "add" buttons put in: an entry, a point, an item, a table, a figure."""
    values: dict[str, Any] = {
        "entry": {"heading": FILL, "text": FILL},
        "paragraph": FILL,
        "point": FILL,
        "points": [FILL],
        "items": [{"heading": FILL, "text": FILL}],
        "item": {"heading": FILL, "text": FILL},
        "table": [["项目", "数量"], [FILL, ""]],
        "row": None,  # filled by the caller with as many cells as the table has columns
    }
    if kind not in values:
        raise AuthoringError(f"不认识的新增内容：{kind}")
    return values[kind]


def apply_edit(doc: YamlDocument, edit: dict[str, Any]) -> None:
    """Make one edit the page sent: set, delete, insert, move, comment, heading (an entry that
    was a text gets a heading), row/column of a table."""
    op = edit.get("op")
    path = parse_key(edit["path"]) if isinstance(edit.get("path"), str) else tuple(edit.get("path") or ())
    make = _EDITS.get(op) if isinstance(op, str) else None
    if make is None:
        raise AuthoringError(f"不认识的操作：{op}")
    make(doc, path, edit)


def _set(doc: YamlDocument, path: Path, edit: dict[str, Any]) -> None:
    value = coerce(path, edit.get("value"))
    if _left_out(path, value):
        if doc.has(path):
            _delete(doc, path)
        return
    doc.set(path, value, order=key_order(path[:-1]))


def _left_out(path: Path, value: Any) -> bool:
    """Whether a value set is written by leaving the field out of the file."""
    if value is None and path and isinstance(path[-1], str) and not rule_at(path).get("nullable") \
            and not _required(path) and path[0] != "figures":
        return True  # An optional field emptied is a field not written: the default applies.
    if isinstance(value, str) and value == "" and path and isinstance(path[-1], str) and not _required(path):
        return True
    meta = rule_meta(rule_at(path))
    # The value a field left out stands for: not written (a box ticked back).
    return "default" in meta and value == meta["default"] and type(value) is type(meta["default"]) \
        and bool(path) and isinstance(path[-1], str) and not _required(path)


def _delete_edit(doc: YamlDocument, path: Path, edit: dict[str, Any]) -> None:
    _delete(doc, path)


def _insert(doc: YamlDocument, path: Path, edit: dict[str, Any]) -> None:
    kind = str(edit.get("kind") or "entry")
    if not doc.has(path):
        doc.set(path, [new_value(kind)] if kind not in ("points", "items", "table") else new_value(kind),
                order=key_order(path[:-1]))
        return
    items = doc.get(path)
    index = int(edit.get("index", len(items) if isinstance(items, list) else 0))
    doc.insert(path, index, new_value(kind))


def _add(doc: YamlDocument, path: Path, edit: dict[str, Any]) -> None:
    """A key of an entry: points, items, table."""
    kind = str(edit.get("kind"))
    doc.set(path, new_value(kind), order=key_order(path[:-1]))


def _move(doc: YamlDocument, path: Path, edit: dict[str, Any]) -> None:
    doc.move(path, int(edit["index"]))


def _comment(doc: YamlDocument, path: Path, edit: dict[str, Any]) -> None:
    doc.set_comment(path, str(edit.get("value") or ""))


def _heading(doc: YamlDocument, path: Path, edit: dict[str, Any]) -> None:
    """A plain text entry becomes {heading, text}."""
    old = doc.get(path)
    if isinstance(old, str) or old is None:
        doc.set(path, {"heading": FILL, "text": old or FILL})


def _figure(doc: YamlDocument, path: Path, edit: dict[str, Any]) -> None:
    """A new figure: name and value."""
    name = str(edit.get("name") or "").strip()
    if not name:
        # No name given: the first free figure_N (the text refers to it by the 插入正文 button,
        # so a clerk need not make one up).
        figures = doc.get(("figures",)) if doc.has(("figures",)) else {}
        n = 1
        while f"figure_{n}" in (figures or {}):
            n += 1
        name = f"figure_{n}"
    if doc.has(("figures", name)):
        raise AuthoringError(f"已有名为“{name}”的数据", field="figures")
    doc.set(("figures", name), coerce(("figures", name), str(edit.get("value") or "")), order=key_order(()))
    if edit.get("comment"):
        doc.set_comment(("figures", name), str(edit["comment"]))


def _row(doc: YamlDocument, path: Path, edit: dict[str, Any]) -> None:
    table = doc.get(path)
    width = max((len(r) for r in table if isinstance(r, list)), default=1)
    doc.insert(path, int(edit.get("index", len(table))), [""] * width)


def _column(doc: YamlDocument, path: Path, edit: dict[str, Any]) -> None:
    table = [list(r) if isinstance(r, list) else [r] for r in doc.get(path)]
    at = int(edit.get("index", max(len(r) for r in table)))
    if edit.get("remove"):
        table = [r[:at] + r[at + 1:] for r in table]
        if not any(table):
            _delete(doc, path)
            return
    else:
        table = [r[:at] + ["" if i else "新列"] + r[at:] for i, r in enumerate(table)]
    doc.set(path, table)


def _choices(doc: YamlDocument, path: Path, edit: dict[str, Any]) -> None:
    values = edit.get("value")
    if not isinstance(values, list):
        raise AuthoringError("选项无效", field=format_key(path))
    if not values and not _required(path):
        if doc.has(path):
            _delete(doc, path)
        return
    doc.set(path, [str(v) for v in values], order=key_order(path[:-1]))


# The page's operations (apply_edit): each makes its change through YamlDocument.
_EDITS: dict[str, Callable[[YamlDocument, Path, dict[str, Any]], None]] = {
    "set": _set, "delete": _delete_edit, "insert": _insert, "add": _add, "move": _move,
    "comment": _comment, "heading": _heading, "figure": _figure, "row": _row, "column": _column,
    "choices": _choices,
}


def format_key(path: Path) -> str:
    """A path as messages write it (achievements[1].heading)."""
    from authoring.load import format_path

    return format_path(path)


def _required(path: Path) -> bool:
    return bool(rule_at(path).get("required"))


def _delete(doc: YamlDocument, path: Path) -> None:
    """Delete a field or entry; a list or mapping left empty that the schema does not require
    (points, items, table, an optional group of facts) goes too, rather than stay as [] or {}."""
    doc.delete(path)
    parent = path[:-1]
    while parent and doc.has(parent):
        value = doc.get(parent)
        if value not in ([], {}) or _required(parent) or isinstance(parent[-1], int):
            break
        doc.delete(parent)
        parent = parent[:-1]
