"""Edit a report YAML in place: change one field, add, remove or move an entry, and keep every
other byte of the file as the clerk (or `init --from`) wrote it — comments, blank lines, key
order, quoting, indentation.

Each edit rewrites the text of one node (a value, or the lines of one entry together with the
comment lines directly above it, which describe it) and nothing else. Every edit is checked:
the new text is parsed again and must give exactly the data the edit meant, or the edit is
refused and the text stays as it was. Nothing here knows about reports: the caller (the web
form) decides what to change; this module only makes the change in the text.
"""
from __future__ import annotations

import bisect
import copy
import re
from typing import Any, Optional, Sequence, Union

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from authoring.domain import FieldPath as Path
from authoring.errors import AuthoringError
from authoring.load import LoadedReport, format_path, load_text, parse_yaml
from authoring.yamlout import emit_entry, emit_flow, emit_item, emit_quoted, emit_scalar


_Composer: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Where libyaml and PyYAML read a text differently (see load.py): compose with PyYAML there.
_LIBYAML_DIFFERS = re.compile("[\t\r\ufeff\x85\u2028\u2029?!]|[|>][-+0-9]*#")
_EOL_COMMENT = re.compile(r"^[ \t]+#(.*)$")


class EditError(AuthoringError):
    """An edit that cannot be made in the text (the text is left as it was)."""


class _Found:
    """A node found by path: the node, its key node (in a mapping), its parent and its index."""

    __slots__ = ("node", "key", "parent", "part")

    def __init__(self, node: Node, key: Optional[Node], parent: Optional[Node], part: Any) -> None:
        self.node, self.key, self.parent, self.part = node, key, parent, part


class YamlDocument:
    """A report YAML text and its data, changed one checked edit at a time."""

    def __init__(self, text: str, name: str = "report.yaml") -> None:
        self.name = name
        self.text = normalize_newlines(text)
        self.positions: dict[Path, tuple[int, int]] = {}
        self.end: tuple[int, int] = (1, 1)
        self.data: Any = None
        self._set_text(self.text, self._parse(self.text))
        self._tree: Optional[Node] = None
        self._starts: Optional[list[int]] = None

    # -- reading ----------------------------------------------------------------------------

    def get(self, path: Path) -> Any:
        """The value at `path` (KeyError, IndexError or TypeError when absent)."""
        return _data_get(self.data, path)

    def has(self, path: Path) -> bool:
        """Whether `path` exists in the data."""
        try:
            self.get(path)
        except (KeyError, IndexError, TypeError):
            return False
        return True

    def comment(self, path: Path) -> str:
        """The comment at the end of the line of the one-line value at `path` ("" when none):
        what a clerk wrote beside a number, `licenses: 917  # 办理行政许可（件）`."""
        node = self._locate(path).node
        if not isinstance(node, ScalarNode) or node.style in ("|", ">"):
            return ""
        match = _EOL_COMMENT.match(self.text[node.end_mark.index:self._line_end(node.end_mark.index)])
        return match.group(1).strip() if match else ""

    # -- edits ------------------------------------------------------------------------------

    def set(self, path: Path, value: Any, *, order: Sequence[str] = ()) -> None:
        """Set the field at `path` to `value`, creating it (and missing parent mappings).

        A new key goes before the first existing sibling that comes after it in `order`, else
        after the last one. A text keeps its quoting or block style where the new value allows.
        """
        if not path:
            raise EditError("不能替换整个文件", file=self.name)
        if self.has(path):
            if _same_value(self.get(path), value):
                return
            expected = _copied_along(self.data, path[:-1])
            _data_set(expected, path, value)
            self._commit(self._replace_value(path, value), expected)
            return
        # The deepest part of the path that exists: the new key goes there, holding the rest.
        depth = len(path) - 1
        while depth > 0 and not self.has(path[:depth]):
            depth -= 1
        parent_path, key = path[:depth], path[depth]
        parent = self.get(parent_path) if parent_path else self.data
        if not isinstance(key, str) or not isinstance(parent, dict):
            raise EditError(f"没有这一项：{format_path(path)}", file=self.name)
        nested: Any = copy.deepcopy(value)
        for part in reversed(path[depth + 1:]):
            if not isinstance(part, str):
                raise EditError(f"没有这一项：{format_path(path)}", file=self.name)
            nested = {part: nested}
        expected = _copied_along(self.data, parent_path)
        _data_get(expected, parent_path)[key] = nested
        self._commit(self._add_key(parent_path, key, nested, order), expected)

    def delete(self, path: Path) -> None:
        """Remove the key or list entry at `path`, with the comment lines directly above it."""
        if not path:
            raise EditError("不能删除整个文件", file=self.name)
        found = self._locate(path)
        expected = _copied_along(self.data, path[:-1])
        del _data_get(expected, path[:-1])[path[-1]]
        parent = found.parent
        assert parent is not None
        if parent.flow_style or len(parent.value) == 1:
            # The only entry of its collection, or one inside [ ] / { }: the collection is
            # written again ([] or {}), or on one line.
            if len(path) == 1:
                raise EditError("不能删除文件中唯一的字段；请在“YAML”页中修改", file=self.name)
            self._commit(self._replace_value(path[:-1], _data_get(expected, path[:-1])), expected)
            return
        column = self._entry_column(found)
        first, last = self._entry_lines(found)
        if self._shares_dash_line(found):
            self._commit(self._delete_first_key(found, first, last, column), expected)
            return
        start = self._lead_start(first, column)
        lines = self._lines()
        stop = last + 1
        # Keep one blank line between what stood before and after, not two.
        if start > 0 and not lines[start - 1].strip() and stop < len(lines) and not lines[stop].strip():
            stop += 1
        self._commit(self._splice_lines(start, stop, []), expected)

    def insert(self, path: Path, index: int, value: Any) -> None:
        """Insert `value` into the list at `path` before entry `index` (at the end when `index`
        is the list's length)."""
        items = self.get(path)
        if not isinstance(items, list):
            raise EditError(f"这一项不是列表：{format_path(path)}", file=self.name)
        index = max(0, min(index, len(items)))
        expected = _copied_along(self.data, path)
        _data_get(expected, path).insert(index, copy.deepcopy(value))
        found = self._locate(path)
        node = found.node
        if not isinstance(node, SequenceNode) or node.flow_style or not node.value:
            self._commit(self._replace_value(path, _data_get(expected, path)), expected)
            return
        column = self._item_column(node.value[0])
        lines = emit_item(value, column, seq_indent=self._seq_indent())
        if index < len(node.value):
            at = self._lead_start(self._entry_lines(self._child(found, index))[0], column)
        else:
            at = self._entry_lines(self._child(found, len(node.value) - 1))[1] + 1
        self._commit(self._splice_lines(at, at, lines), expected)

    def move(self, path: Path, index: int) -> None:
        """Move the list entry at `path` to position `index` of its list, with its comments."""
        list_path, old = path[:-1], path[-1]
        items = self.get(list_path)
        if not isinstance(old, int) or not isinstance(items, list):
            raise EditError(f"这一项不在列表中：{format_path(path)}", file=self.name)
        index = max(0, min(index, len(items) - 1))
        if index == old:
            return
        expected = _copied_along(self.data, list_path)
        moved = _data_get(expected, list_path).pop(old)
        _data_get(expected, list_path).insert(index, moved)
        found = self._locate(list_path)
        node = found.node
        if not isinstance(node, SequenceNode) or node.flow_style:
            self._commit(self._replace_value(list_path, _data_get(expected, list_path)), expected)
            return
        column = self._item_column(node.value[0])
        spans = []
        for i in range(len(node.value)):
            first, last = self._entry_lines(self._child(found, i))
            spans.append((self._lead_start(first, column), last + 1))
        lines = self._lines()
        blocks = [lines[a:b] for a, b in spans]
        # What stands between entries (blank lines) stays in place; the entries change places.
        gaps = [lines[spans[i][1]:spans[i + 1][0]] for i in range(len(spans) - 1)]
        blocks.insert(index, blocks.pop(old))
        out: list[str] = []
        for i, block in enumerate(blocks):
            out += block + (gaps[i] if i < len(gaps) else [])
        self._commit(self._splice_lines(spans[0][0], spans[-1][1], out), expected)

    def set_comment(self, path: Path, comment: str) -> None:
        """Write `comment` at the end of the line of the one-line value at `path` ("" removes it)."""
        node = self._locate(path).node
        if not isinstance(node, ScalarNode) or node.style in ("|", ">"):
            raise EditError(f"这一项不能加行尾注释：{format_path(path)}", file=self.name)
        comment = " ".join(comment.split())
        end = node.end_mark.index
        line_end = self._line_end(end)
        rest = self.text[end:line_end]
        if rest.strip() and not _EOL_COMMENT.match(rest):
            raise EditError(f"这一行还有其他内容，不能加注释：{format_path(path)}", file=self.name)
        if _EOL_COMMENT.match(rest) is None and not comment:
            return
        # A comment that stood in a column (aligned with its neighbours) stays in that column.
        pad = re.match(r"[ \t]*", rest).group() if rest.strip() else "  "  # type: ignore[union-attr]
        self._commit(self.text[:end] + (f"{pad}# {comment}" if comment else "") + self.text[line_end:],
                     self.data)

    def replace_text(self, text: str) -> None:
        """Take a whole new text (typed in the YAML tab), if it parses; the data follows it."""
        text = normalize_newlines(text)
        self._set_text(text, self._parse(text))

    # -- the check --------------------------------------------------------------------------

    def _parse(self, text: str) -> tuple[Any, dict[Path, tuple[int, int]], tuple[int, int]]:
        data, positions, end, problems = parse_yaml(text, self.name)
        if problems:
            raise AuthoringError(problems=problems)
        return data, positions, end

    def loaded(self, warnings: Sequence[Any] = (), encoding: str = "utf-8") -> LoadedReport:
        """The text as `load_text` reads it (data and the line of every field), for the
        validator and the renderer: the verdict of `authoring validate` on this text."""
        if not isinstance(self.data, dict):
            load_text(self.text, self.name)  # raises the loader's own message
        return LoadedReport(self.name, self.data, dict(self.positions), self.end, encoding, list(warnings))

    def _commit(self, text: str, expected: Any) -> None:
        try:
            parsed = self._parse(text)
        except AuthoringError:
            parsed = (_UNPARSABLE, {}, (1, 1))
        if not _same_value(parsed[0], expected):
            raise EditError("这一修改无法在文件中准确写出，文件没有改动；请在“YAML”页中修改", file=self.name)
        self._set_text(text, parsed)

    def _set_text(self, text: str, parsed: tuple[Any, dict[Path, tuple[int, int]], tuple[int, int]]) -> None:
        self.text = text
        self.data, self.positions, self.end = parsed
        self._tree = None
        self._starts = None

    # -- the node tree ----------------------------------------------------------------------

    def _root(self) -> Node:
        if self._tree is None:
            loader = yaml.SafeLoader if _LIBYAML_DIFFERS.search(self.text) else _Composer
            self._tree = yaml.compose(self.text, Loader=loader)
        if self._tree is None:
            raise EditError("文件是空的，无法在表单中编辑；请在“YAML”页中填写", file=self.name)
        return self._tree

    def _locate(self, path: Path) -> _Found:
        found = _Found(self._root(), None, None, None)
        for part in path:
            found = self._child(found, part)
        return found

    def _child(self, found: _Found, part: Union[str, int]) -> _Found:
        node = found.node
        if isinstance(node, MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if isinstance(key, ScalarNode) and str(key.value) == part:
                    return _Found(value, key, node, part)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            return _Found(node.value[part], None, node, part)
        raise EditError(f"没有这一项：{part}", file=self.name)

    # -- positions in the text --------------------------------------------------------------

    def _lines(self) -> list[str]:
        return self.text.split("\n")

    def _line_start(self, line: int) -> int:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return self._starts[line]

    def _line_of(self, index: int) -> int:
        self._line_start(0)
        assert self._starts is not None
        return bisect.bisect_right(self._starts, index) - 1

    def _line_end(self, index: int) -> int:
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end

    def _splice_lines(self, start: int, stop: int, new: list[str]) -> str:
        lines = self._lines()
        return "\n".join(lines[:start] + new + lines[stop:])

    def _seq_indent(self) -> int:
        """How far this file sets a list's dashes in from its key: 2 as this tool writes, or 0."""
        lines = self._lines()
        for n, line in enumerate(lines):
            stripped = line.lstrip(" ")
            if not (stripped.startswith("- ") or stripped == "-"):
                continue
            prev = n - 1
            while prev >= 0 and (not lines[prev].strip() or lines[prev].lstrip().startswith("#")):
                prev -= 1
            if prev >= 0 and lines[prev].rstrip().endswith(":") and not lines[prev].lstrip().startswith("-"):
                return max(0, (len(line) - len(stripped)) - (len(lines[prev]) - len(lines[prev].lstrip(" "))))
        return 2

    def _dash_before(self, node: Node) -> int:
        """The index of the dash before a list entry's node, or -1."""
        i = node.start_mark.index - 1
        while i >= 0 and self.text[i] in " \n":
            i -= 1
        return i if i >= 0 and self.text[i] == "-" else -1

    def _item_column(self, node: Node) -> int:
        """The column of the dash before a list entry."""
        dash = self._dash_before(node)
        if dash >= 0:
            return dash - self._line_start(self._line_of(dash))
        return max(node.start_mark.column - 2, 0)

    def _entry_column(self, found: _Found) -> int:
        if found.key is not None:
            return int(found.key.start_mark.column)
        if found.parent is None:
            return 0
        return self._item_column(found.node)

    def _entry_lines(self, found: _Found) -> tuple[int, int]:
        """The first and last line of an entry: its key (or dash) through its last content."""
        if found.key is not None:
            first = int(found.key.start_mark.line)
        else:
            dash = self._dash_before(found.node)
            first = self._line_of(dash) if dash >= 0 else int(found.node.start_mark.line)
        start, end = found.node.start_mark.index, _last_index(found.node)
        last = self._line_of(end - 1) if end > start else self._line_of(start)
        return first, max(first, last)

    def _shares_dash_line(self, found: _Found) -> bool:
        """Whether a mapping key stands on the dash line of the list entry that holds it."""
        parent = found.parent
        if found.key is None or not isinstance(parent, MappingNode) or parent.value[0][0] is not found.key:
            return False
        dash = self._dash_before(found.key)
        return dash >= 0 and self._line_of(dash) == found.key.start_mark.line

    def _lead_start(self, first: int, column: int) -> int:
        """The first of the comment lines directly above line `first` and indented at least as
        far as the entry (they describe it); `first` when there are none."""
        lines = self._lines()
        start = first
        while start > 0:
            above = lines[start - 1]
            stripped = above.lstrip(" ")
            if not stripped.startswith("#") or len(above) - len(stripped) < column:
                break
            start -= 1
        return start

    def _tail_comment(self, found: _Found) -> str:
        """The comment at the end of an entry's first line (`key:  # 注释`), kept on rewriting."""
        node = found.node
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            header = self.text[node.start_mark.index:self._line_end(node.start_mark.index)]
            at = header.find("#")
            return "  " + header[at:] if at > 0 else ""
        if isinstance(node, ScalarNode):
            rest = self.text[node.end_mark.index:self._line_end(node.end_mark.index)]
        elif found.key is not None:
            rest = self.text[found.key.end_mark.index:self._line_end(found.key.end_mark.index)]
            rest = rest.split(":", 1)[1] if ":" in rest else ""
        else:
            return ""
        match = _EOL_COMMENT.match(rest)
        return "  #" + match.group(1) if match else ""

    # -- writing ----------------------------------------------------------------------------

    def _replace_value(self, path: Path, value: Any) -> str:
        """The text with the value at `path` written anew (it exists)."""
        flow = self._flow_ancestor(path)
        if flow is not None:
            # Inside [ ] or { }: the whole one-line collection is written again.
            fpath, fnode = flow
            whole = value if fpath == path else copy.deepcopy(self.get(fpath))
            if fpath != path:
                _data_set(whole, path[len(fpath):], value)
            if isinstance(whole, (list, dict)) and whole and not _has_block_text(whole):
                return self.text[:fnode.start_mark.index] + emit_flow(whole) + self.text[fnode.end_mark.index:]
            path, value = fpath, whole
        found = self._locate(path)
        if found.parent is None:
            raise EditError("不能替换整个文件", file=self.name)
        column = self._entry_column(found)
        node = found.node
        if isinstance(value, (list, dict)) and value or isinstance(node, (MappingNode, SequenceNode)):
            # A collection (or a collection becoming a scalar): the entry's lines are written
            # anew; the comments above it stay, and so does a comment at the end of its first line.
            first, last = self._entry_lines(found)
            if found.key is not None:
                lines = emit_entry(str(found.key.value), value, column, seq_indent=self._seq_indent())
            else:
                lines = emit_item(value, column, seq_indent=self._seq_indent())
            lines[0] += self._tail_comment(found)
            original = self._lines()[first]
            # The first line may hold a dash of the list entry this key is in: keep it.
            lines[0] = original[:column] + lines[0][column:]
            return self._splice_lines(first, last + 1, lines)
        return self._replace_scalar(found, value, column)

    def _flow_ancestor(self, path: Path) -> Optional[tuple[Path, Node]]:
        found = _Found(self._root(), None, None, None)
        for i, part in enumerate(path):
            found = self._child(found, part)
            if isinstance(found.node, (MappingNode, SequenceNode)) and found.node.flow_style:
                return path[: i + 1], found.node
        return None

    def _replace_scalar(self, found: _Found, value: Any, column: int) -> str:
        node = found.node
        assert isinstance(node, ScalarNode)
        start, end = node.start_mark.index, node.end_mark.index
        was_block = node.style in ("|", ">")
        indent = (self._block_indent(node) if was_block else 0) or column + 2
        lines = _scalar_lines(value, node, indent)
        if was_block:
            # The old block ran to the start of the next line; a comment after its `|-` stays.
            header = self.text[start:self._line_end(start)]
            at = header.find("#")
            comment = "  " + header[at:] if at > 0 else ""
            first = lines[0] + comment
            if not first and start > 0 and self.text[start - 1] == " ":
                start -= 1
            return self.text[:start] + "\n".join([first] + lines[1:]) + "\n" + self.text[end:]
        line_end = self._line_end(end)
        rest = self.text[end:line_end]
        lead = " " if start == end else ""  # an empty value (`key:` or `-`) stands after its colon
        if len(lines) > 1:
            # A block value: its lines go after the rest of this line (a comment there is kept).
            return self.text[:start] + lead + lines[0] + rest + "\n" + "\n".join(lines[1:]) + self.text[line_end:]
        if not lines[0] and start > 0 and self.text[start - 1] == " " and not rest.strip():
            start -= 1  # an emptied value leaves no space at the end of its line
        new = (lead if lines[0] else "") + lines[0]
        return self.text[:start] + new + _realign(rest, _width(new) - _width(self.text[start:end])) + self.text[line_end:]

    def _block_indent(self, node: ScalarNode) -> int:
        for line in self._lines()[node.start_mark.line + 1:node.end_mark.line + 1]:
            if line.strip():
                return len(line) - len(line.lstrip(" "))
        return 0

    def _delete_first_key(self, found: _Found, first: int, last: int, column: int) -> str:
        """Remove the first key of a list entry (`- heading: …`): the next key moves up onto
        the dash line, and the comments above the next key move above the dash."""
        parent = found.parent
        assert isinstance(parent, MappingNode)
        nxt = _Found(parent.value[1][1], parent.value[1][0], parent, str(parent.value[1][0].value))
        next_first = self._entry_lines(nxt)[0]
        lead = self._lead_start(next_first, column)
        lines = self._lines()
        dash_line = lines[first]
        comments = [" " * max(column - 2, 0) + ln.lstrip(" ") for ln in lines[lead:next_first]]
        moved_up = dash_line[:column] + lines[next_first][column:]
        return self._splice_lines(first, next_first + 1, comments + [moved_up])

    def _add_key(self, parent_path: Path, key: str, value: Any, order: Sequence[str]) -> str:
        found = self._locate(parent_path) if parent_path else _Found(self._root(), None, None, None)
        node = found.node
        if not isinstance(node, MappingNode) or node.flow_style or not node.value:
            if not parent_path:
                raise EditError("文件的最外层不是“字段: 内容”的形式；请在“YAML”页中修改", file=self.name)
            merged = dict(self.get(parent_path))
            merged[key] = value
            if order:
                merged = {k: merged[k] for k in sorted(merged, key=lambda k: _rank(order, k))}
            return self._replace_value(parent_path, merged)
        column = int(node.value[0][0].start_mark.column)
        lines = emit_entry(key, value, column, seq_indent=self._seq_indent())
        keys = [str(k.value) for k, _ in node.value]
        before: Optional[int] = None
        if key in order:
            later = set(order[order.index(key) + 1:])
            before = next((i for i, k in enumerate(keys) if k in later), None)
        if before is not None:
            child = self._child(found, keys[before])
            if before == 0 and self._shares_dash_line(child):
                # Before the first key of a list entry: the new key takes the dash line.
                first = self._entry_lines(child)[0]
                original = self._lines()[first]
                lines[0] = original[:column] + lines[0][column:]
                return self._splice_lines(first, first + 1, lines + [" " * column + original[column:]])
            at = self._lead_start(self._entry_lines(child)[0], column)
            if column == 0:
                lines = lines + [""]  # top-level sections are set apart by a blank line
        else:
            at = self._entry_lines(self._child(found, keys[-1]))[1] + 1
            if column == 0:
                lines = [""] + lines
        return self._splice_lines(at, at, lines)


_UNPARSABLE = object()


def normalize_newlines(text: str) -> str:
    """One kind of line break inside (a file's own is put back when it is saved)."""
    return text.replace("\r\n", "\n")


def _width(text: str) -> int:
    """Columns a text takes in an editor's monospace font (CJK characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _realign(rest: str, grown: int) -> str:
    """The rest of a line after a value that grew by `grown` columns: a comment set off by a run
    of spaces keeps its column where the run allows (two spaces at least)."""
    match = re.match(r"( {2,})#", rest)
    if not match or grown == 0:
        return rest
    pad = max(2, len(match.group(1)) - grown)
    return " " * pad + rest[len(match.group(1)):]


def _rank(order: Sequence[str], key: str) -> int:
    return order.index(key) if key in order else len(order)


def _last_index(node: Node) -> int:
    """Where the last content of a node ends: its last leaf, so that comments after it (which
    describe what follows) are not counted in."""
    if isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _last_index(last[1] if isinstance(node, MappingNode) else last)
    return int(node.end_mark.index)


def _has_block_text(value: Any) -> bool:
    """Whether a value holds text that a one-line [ ] collection cannot show well."""
    if isinstance(value, str):
        return "\n" in value
    if isinstance(value, dict):
        return any(_has_block_text(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_block_text(v) for v in value)
    return False


def _scalar_lines(value: Any, node: ScalarNode, indent: int) -> list[str]:
    """The new value in the old scalar's style where it can hold it, else as this tool writes it."""
    style = node.style
    one_line = isinstance(value, str) and bool(value) and "\n" not in value and value.strip() == value
    if one_line and style == "'":
        return ["'" + value.replace("'", "''") + "'"]
    if one_line and style == '"':
        return [emit_quoted(value)]
    if one_line and style in (">", "|"):
        return [style + "-", " " * indent + value]
    return emit_scalar(value, indent)


def _same_value(a: Any, b: Any) -> bool:
    """Equal, and of the same types throughout (1 == 1.0 == True to Python, not to a report)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        # Key order is the file's business (a new key goes where the schema puts it).
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _copied_along(data: Any, path: Path) -> Any:
    """`data` with the containers from the root to the one at `path` copied (one level each), so
    that the edit's expected data can be made there without copying the whole report."""
    root = copy.copy(data)
    node = root
    for part in path:
        child = copy.copy(node[part])
        node[part] = child
        node = child
    return root


def _data_get(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _data_set(data: Any, path: Path, value: Any) -> None:
    _data_get(data, path[:-1])[path[-1]] = copy.deepcopy(value)
