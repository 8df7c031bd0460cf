"""Edit a report YAML in place: change one field, add, remove or move an entry, and keep every
other byte of the file as the clerk (or `init --from`) wrote it — comments, blank lines, key
order, quoting, indentation.

Each edit rewrites the text of one node (a value, or the lines of one entry together with the
comment lines directly above it, which describe it) and nothing else. Every edit is checked:
the new text is parsed again and must give exactly the data the edit meant, or the edit is
refused and the text stays as it was. Nothing here knows about reports: the caller (the web
form) decides what to change; this module only makes the change in the text (where each node
is in the text: yamlnodes.py).
"""
from __future__ import annotations

import copy
import re
from typing import Any, Optional, Sequence

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from authoring.domain import FieldPath as Path
from authoring.errors import AuthoringError
from authoring.load import LoadedReport, format_path, load_text, parse_yaml
from authoring.yamlnodes import EOL_COMMENT, EditError, Found, YamlText
from authoring.yamlout import emit_entry, emit_flow, emit_item, emit_quoted, emit_scalar


class YamlDocument:
    """A report YAML text and its data, changed one checked edit at a time."""

    def __init__(self, text: str, name: str = "report.yaml") -> None:
        self.name = name
        self.text = normalize_newlines(text)
        self.positions: dict[Path, tuple[int, int]] = {}
        self.end: tuple[int, int] = (1, 1)
        self.data: Any = None
        self._set_text(self.text, self._parse(self.text))
        self._text_nodes: Optional[YamlText] = None

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
        node = self._nodes.locate(path).node
        if not isinstance(node, ScalarNode) or node.style in ("|", ">"):
            return ""
        match = EOL_COMMENT.match(self.text[node.end_mark.index:self._nodes.line_end(node.end_mark.index)])
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
        found = self._nodes.locate(path)
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
        column = self._nodes.entry_column(found)
        first, last = self._nodes.entry_lines(found)
        if self._nodes.shares_dash_line(found):
            self._commit(self._delete_first_key(found, first, last, column), expected)
            return
        start = self._nodes.lead_start(first, column)
        lines = self._nodes.lines()
        stop = last + 1
        # Keep one blank line between what stood before and after, not two.
        if start > 0 and not lines[start - 1].strip() and stop < len(lines) and not lines[stop].strip():
            stop += 1
        self._commit(self._nodes.splice_lines(start, stop, []), expected)

    def insert(self, path: Path, index: int, value: Any) -> None:
        """Insert `value` into the list at `path` before entry `index` (at the end when `index`
        is the list's length)."""
        items = self.get(path)
        if not isinstance(items, list):
            raise EditError(f"这一项不是列表：{format_path(path)}", file=self.name)
        index = max(0, min(index, len(items)))
        expected = _copied_along(self.data, path)
        _data_get(expected, path).insert(index, copy.deepcopy(value))
        found = self._nodes.locate(path)
        node = found.node
        if not isinstance(node, SequenceNode) or node.flow_style or not node.value:
            self._commit(self._replace_value(path, _data_get(expected, path)), expected)
            return
        column = self._nodes.item_column(node.value[0])
        lines = emit_item(value, column, seq_indent=self._nodes.seq_indent())
        if index < len(node.value):
            at = self._nodes.lead_start(self._nodes.entry_lines(self._nodes.child(found, index))[0], column)
        else:
            at = self._nodes.entry_lines(self._nodes.child(found, len(node.value) - 1))[1] + 1
        self._commit(self._nodes.splice_lines(at, at, lines), expected)

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
        found = self._nodes.locate(list_path)
        node = found.node
        if not isinstance(node, SequenceNode) or node.flow_style:
            self._commit(self._replace_value(list_path, _data_get(expected, list_path)), expected)
            return
        column = self._nodes.item_column(node.value[0])
        spans = []
        for i in range(len(node.value)):
            first, last = self._nodes.entry_lines(self._nodes.child(found, i))
            spans.append((self._nodes.lead_start(first, column), last + 1))
        lines = self._nodes.lines()
        blocks = [lines[a:b] for a, b in spans]
        # What stands between entries (blank lines) stays in place; the entries change places.
        gaps = [lines[spans[i][1]:spans[i + 1][0]] for i in range(len(spans) - 1)]
        blocks.insert(index, blocks.pop(old))
        out: list[str] = []
        for i, block in enumerate(blocks):
            out += block + (gaps[i] if i < len(gaps) else [])
        self._commit(self._nodes.splice_lines(spans[0][0], spans[-1][1], out), expected)

    def set_comment(self, path: Path, comment: str) -> None:
        """Write `comment` at the end of the line of the one-line value at `path` ("" removes it)."""
        node = self._nodes.locate(path).node
        if not isinstance(node, ScalarNode) or node.style in ("|", ">"):
            raise EditError(f"这一项不能加行尾注释：{format_path(path)}", file=self.name)
        comment = " ".join(comment.split())
        end = node.end_mark.index
        line_end = self._nodes.line_end(end)
        rest = self.text[end:line_end]
        if rest.strip() and not EOL_COMMENT.match(rest):
            raise EditError(f"这一行还有其他内容，不能加注释：{format_path(path)}", file=self.name)
        if EOL_COMMENT.match(rest) is None and not comment:
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
        self._text_nodes = None

    @property
    def _nodes(self) -> YamlText:
        """Where the nodes of the text are now."""
        if self._text_nodes is None:
            self._text_nodes = YamlText(self.text, self.name)
        return self._text_nodes

    # -- writing ----------------------------------------------------------------------------

    def _replace_value(self, path: Path, value: Any) -> str:
        """The text with the value at `path` written anew (it exists)."""
        flow = self._nodes.flow_ancestor(path)
        if flow is not None:
            # Inside [ ] or { }: the whole one-line collection is written again.
            fpath, fnode = flow
            whole = value if fpath == path else copy.deepcopy(self.get(fpath))
            if fpath != path:
                _data_set(whole, path[len(fpath):], value)
            if isinstance(whole, (list, dict)) and whole and not _has_block_text(whole):
                return self.text[:fnode.start_mark.index] + emit_flow(whole) + self.text[fnode.end_mark.index:]
            path, value = fpath, whole
        found = self._nodes.locate(path)
        if found.parent is None:
            raise EditError("不能替换整个文件", file=self.name)
        column = self._nodes.entry_column(found)
        node = found.node
        if isinstance(value, (list, dict)) and value or isinstance(node, (MappingNode, SequenceNode)):
            # A collection (or a collection becoming a scalar): the entry's lines are written
            # anew; the comments above it stay, and so does a comment at the end of its first line.
            first, last = self._nodes.entry_lines(found)
            if found.key is not None:
                lines = emit_entry(str(found.key.value), value, column, seq_indent=self._nodes.seq_indent())
            else:
                lines = emit_item(value, column, seq_indent=self._nodes.seq_indent())
            lines[0] += self._nodes.tail_comment(found)
            original = self._nodes.lines()[first]
            # The first line may hold a dash of the list entry this key is in: keep it.
            lines[0] = original[:column] + lines[0][column:]
            return self._nodes.splice_lines(first, last + 1, lines)
        return self._replace_scalar(found, value, column)

    def _replace_scalar(self, found: Found, value: Any, column: int) -> str:
        node = found.node
        assert isinstance(node, ScalarNode)
        start, end = node.start_mark.index, node.end_mark.index
        was_block = node.style in ("|", ">")
        indent = (self._nodes.block_indent(node) if was_block else 0) or column + 2
        lines = _scalar_lines(value, node, indent)
        if was_block:
            # The old block ran to the start of the next line; a comment after its `|-` stays.
            header = self.text[start:self._nodes.line_end(start)]
            at = header.find("#")
            comment = "  " + header[at:] if at > 0 else ""
            first = lines[0] + comment
            if not first and start > 0 and self.text[start - 1] == " ":
                start -= 1
            return self.text[:start] + "\n".join([first] + lines[1:]) + "\n" + self.text[end:]
        line_end = self._nodes.line_end(end)
        rest = self.text[end:line_end]
        lead = " " if start == end else ""  # an empty value (`key:` or `-`) stands after its colon
        if len(lines) > 1:
            # A block value: its lines go after the rest of this line (a comment there is kept).
            return self.text[:start] + lead + lines[0] + rest + "\n" + "\n".join(lines[1:]) + self.text[line_end:]
        if not lines[0] and start > 0 and self.text[start - 1] == " " and not rest.strip():
            start -= 1  # an emptied value leaves no space at the end of its line
        new = (lead if lines[0] else "") + lines[0]
        return self.text[:start] + new + _realign(rest, _width(new) - _width(self.text[start:end])) + self.text[line_end:]

    def _delete_first_key(self, found: Found, first: int, last: int, column: int) -> str:
        """Remove the first key of a list entry (`- heading: …`): the next key moves up onto
        the dash line, and the comments above the next key move above the dash."""
        parent = found.parent
        assert isinstance(parent, MappingNode)
        nxt = Found(parent.value[1][1], parent.value[1][0], parent, str(parent.value[1][0].value))
        next_first = self._nodes.entry_lines(nxt)[0]
        lead = self._nodes.lead_start(next_first, column)
        lines = self._nodes.lines()
        dash_line = lines[first]
        comments = [" " * max(column - 2, 0) + ln.lstrip(" ") for ln in lines[lead:next_first]]
        moved_up = dash_line[:column] + lines[next_first][column:]
        return self._nodes.splice_lines(first, next_first + 1, comments + [moved_up])

    def _add_key(self, parent_path: Path, key: str, value: Any, order: Sequence[str]) -> str:
        found = self._nodes.locate(parent_path) if parent_path else Found(self._nodes.root(), None, None, None)
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
        lines = emit_entry(key, value, column, seq_indent=self._nodes.seq_indent())
        keys = [str(k.value) for k, _ in node.value]
        before: Optional[int] = None
        if key in order:
            later = set(order[order.index(key) + 1:])
            before = next((i for i, k in enumerate(keys) if k in later), None)
        if before is not None:
            child = self._nodes.child(found, keys[before])
            if before == 0 and self._nodes.shares_dash_line(child):
                # Before the first key of a list entry: the new key takes the dash line.
                first = self._nodes.entry_lines(child)[0]
                original = self._nodes.lines()[first]
                lines[0] = original[:column] + lines[0][column:]
                return self._nodes.splice_lines(first, first + 1, lines + [" " * column + original[column:]])
            at = self._nodes.lead_start(self._nodes.entry_lines(child)[0], column)
            if column == 0:
                lines = lines + [""]  # top-level sections are set apart by a blank line
        else:
            at = self._nodes.entry_lines(self._nodes.child(found, keys[-1]))[1] + 1
            if column == 0:
                lines = [""] + lines
        return self._nodes.splice_lines(at, at, lines)


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
