"""Where a YAML text's nodes are, for yamledit's edits: the node tree by field path, and for each
entry its lines, its column, the dash of its list, the comment lines above it that describe it and
the comment at the end of its line. Read-only: YamlDocument makes the new text from these places.
"""
from __future__ import annotations

import bisect
import re
from typing import Any, Optional, Union

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from authoring.domain import FieldPath as Path
from authoring.errors import AuthoringError

_Composer: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Where libyaml and PyYAML read a text differently (see load.py): compose with PyYAML there.
_LIBYAML_DIFFERS = re.compile("[\t\r\ufeff\x85\u2028\u2029?!]|[|>][-+0-9]*#")
EOL_COMMENT = re.compile(r"^[ \t]+#(.*)$")


class EditError(AuthoringError):
    """An edit that cannot be made in the text (the text is left as it was)."""


class Found:
    """A node found by path: the node, its key node (in a mapping), its parent and its index."""

    __slots__ = ("node", "key", "parent", "part")

    def __init__(self, node: Node, key: Optional[Node], parent: Optional[Node], part: Any) -> None:
        self.node, self.key, self.parent, self.part = node, key, parent, part


class YamlText:
    """One text of a report YAML and its node tree (composed when first asked for), by path and
    by line; a new text is a new YamlText."""

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self._tree: Optional[Node] = None
        self._starts: Optional[list[int]] = None

    # -- the node tree ----------------------------------------------------------------------

    def root(self) -> Node:
        """The text's node tree (refused when the text is empty)."""
        if self._tree is None:
            loader = yaml.SafeLoader if _LIBYAML_DIFFERS.search(self.text) else _Composer
            self._tree = yaml.compose(self.text, Loader=loader)
        if self._tree is None:
            raise EditError("文件是空的，无法在表单中编辑；请在“YAML”页中填写", file=self.name)
        return self._tree

    def locate(self, path: Path) -> Found:
        """The node at a field path."""
        found = Found(self.root(), None, None, None)
        for part in path:
            found = self.child(found, part)
        return found

    def child(self, found: Found, part: Union[str, int]) -> Found:
        """The node under `found` at a key or index (refused when there is none)."""
        node = found.node
        if isinstance(node, MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if isinstance(key, ScalarNode) and str(key.value) == part:
                    return Found(value, key, node, part)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            return Found(node.value[part], None, node, part)
        raise EditError(f"没有这一项：{part}", file=self.name)

    # -- positions in the text --------------------------------------------------------------

    def lines(self) -> list[str]:
        """The text's lines."""
        return self.text.split("\n")

    def line_start(self, line: int) -> int:
        """Where line `line` (from 0) starts in the text."""
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return self._starts[line]

    def line_of(self, index: int) -> int:
        """The line (from 0) that holds the character at `index`."""
        self.line_start(0)
        assert self._starts is not None
        return bisect.bisect_right(self._starts, index) - 1

    def line_end(self, index: int) -> int:
        """Where the line that holds `index` ends (its line break, or the end of the text)."""
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end

    def splice_lines(self, start: int, stop: int, new: list[str]) -> str:
        """The text with lines `start` to `stop` (not included) replaced by `new`."""
        lines = self.lines()
        return "\n".join(lines[:start] + new + lines[stop:])

    def seq_indent(self) -> int:
        """How far this file sets a list's dashes in from its key: 2 as this tool writes, or 0."""
        lines = self.lines()
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

    def dash_before(self, node: Node) -> int:
        """The index of the dash before a list entry's node, or -1."""
        i = node.start_mark.index - 1
        while i >= 0 and self.text[i] in " \n":
            i -= 1
        return i if i >= 0 and self.text[i] == "-" else -1

    def item_column(self, node: Node) -> int:
        """The column of the dash before a list entry."""
        dash = self.dash_before(node)
        if dash >= 0:
            return dash - self.line_start(self.line_of(dash))
        return max(node.start_mark.column - 2, 0)

    def entry_column(self, found: Found) -> int:
        """The column an entry starts at: its key's, or its list dash's."""
        if found.key is not None:
            return int(found.key.start_mark.column)
        if found.parent is None:
            return 0
        return self.item_column(found.node)

    def entry_lines(self, found: Found) -> tuple[int, int]:
        """The first and last line of an entry: its key (or dash) through its last content."""
        if found.key is not None:
            first = int(found.key.start_mark.line)
        else:
            dash = self.dash_before(found.node)
            first = self.line_of(dash) if dash >= 0 else int(found.node.start_mark.line)
        start, end = found.node.start_mark.index, _last_index(found.node)
        last = self.line_of(end - 1) if end > start else self.line_of(start)
        return first, max(first, last)

    def shares_dash_line(self, found: Found) -> bool:
        """Whether a mapping key stands on the dash line of the list entry that holds it."""
        parent = found.parent
        if found.key is None or not isinstance(parent, MappingNode) or parent.value[0][0] is not found.key:
            return False
        dash = self.dash_before(found.key)
        return dash >= 0 and self.line_of(dash) == found.key.start_mark.line

    def lead_start(self, first: int, column: int) -> int:
        """The first of the comment lines directly above line `first` and indented at least as
        far as the entry (they describe it); `first` when there are none."""
        lines = self.lines()
        start = first
        while start > 0:
            above = lines[start - 1]
            stripped = above.lstrip(" ")
            if not stripped.startswith("#") or len(above) - len(stripped) < column:
                break
            start -= 1
        return start

    def tail_comment(self, found: Found) -> str:
        """The comment at the end of an entry's first line (`key:  # 注释`), kept on rewriting."""
        node = found.node
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            header = self.text[node.start_mark.index:self.line_end(node.start_mark.index)]
            at = header.find("#")
            return "  " + header[at:] if at > 0 else ""
        if isinstance(node, ScalarNode):
            rest = self.text[node.end_mark.index:self.line_end(node.end_mark.index)]
        elif found.key is not None:
            rest = self.text[found.key.end_mark.index:self.line_end(found.key.end_mark.index)]
            rest = rest.split(":", 1)[1] if ":" in rest else ""
        else:
            return ""
        match = EOL_COMMENT.match(rest)
        return "  #" + match.group(1) if match else ""

    def flow_ancestor(self, path: Path) -> Optional[tuple[Path, Node]]:
        """The outermost [ ] or { } collection on the way to `path`, and its path, if any."""
        found = Found(self.root(), None, None, None)
        for i, part in enumerate(path):
            found = self.child(found, part)
            if isinstance(found.node, (MappingNode, SequenceNode)) and found.node.flow_style:
                return path[: i + 1], found.node
        return None

    def block_indent(self, node: ScalarNode) -> int:
        """How far the lines of a | or > block text are indented (0 when it has none)."""
        for line in self.lines()[node.start_mark.line + 1:node.end_mark.line + 1]:
            if line.strip():
                return len(line) - len(line.lstrip(" "))
        return 0

def _last_index(node: Node) -> int:
    """Where the last content of a node ends: its last leaf, so that comments after it (which
    describe what follows) are not counted in."""
    if isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _last_index(last[1] if isinstance(node, MappingNode) else last)
    return int(node.end_mark.index)
