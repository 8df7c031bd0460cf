"""load's fast path, its last step: libyaml's events straight into the data and the place of every
field, without PyYAML's tree of nodes in between.

PyYAML composes a node for every event (resolving each through the path resolvers, which a
report never has) and load then walks those nodes again to build the data: two passes in Python
over ~200 nodes were two thirds of loading the largest example. Here one pass builds what
load._build builds from the nodes (the same data, the same positions, the same end), for a file
of plain mappings, lists and scalars. Anything else (an alias or an anchor, a tag, a merge key
`<<`, a key that is not a scalar, a key given twice, nesting past MAX_DEPTH, a scalar that
cannot be built) is _NotPlain: the caller reads the file again with PyYAML's own parser, whose
words every message uses (tests/test_load_speed.py pins both paths to the same answers).
"""
from __future__ import annotations

from typing import Any, Optional

from yaml.events import (
    DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent,
    SequenceStartEvent, StreamEndEvent, StreamStartEvent,
)
from yaml.nodes import ScalarNode

from authoring.domain import FieldPath

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"

Position = tuple[int, int]


class _NotPlain(Exception):
    """What this path does not build: the file is read again with PyYAML's parser."""


class _Builder:
    def __init__(self, loader: Any, max_depth: int) -> None:
        self.next = loader.get_event
        self.resolve = loader.resolve
        self.construct = loader.construct_object
        self.max_depth = max_depth
        self.positions: dict[FieldPath, Position] = {}
        self.end: Any = None  # the end mark of the node last built

    def node(self, event: Any, path: FieldPath, depth: int) -> Any:
        mark = event.start_mark
        self.positions.setdefault(path, (mark.line + 1, mark.column + 1))
        kind = type(event)
        if depth > self.max_depth or kind not in _BUILDERS or event.anchor is not None or event.tag is not None:
            raise _NotPlain
        return _BUILDERS[kind](self, event, path, depth)

    def scalar(self, event: Any, path: FieldPath, depth: int) -> Any:
        self.end = event.end_mark
        tag = self.resolve(ScalarNode, event.value, event.implicit)
        if tag == _STR:
            return event.value  # what SafeConstructor.construct_yaml_str gives
        try:
            return self.construct(ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style),
                                  deep=True)
        except Exception as exc:  # noqa: BLE001 — load._build words it (yaml.bad_value)
            raise _NotPlain from exc

    def sequence(self, event: Any, path: FieldPath, depth: int) -> list[Any]:
        out: list[Any] = []
        while True:
            item = self.next()
            if type(item) is SequenceEndEvent:
                self.end = item.end_mark
                return out
            out.append(self.node(item, path + (len(out),), depth + 1))

    def mapping(self, event: Any, path: FieldPath, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        positions, get, resolve = self.positions, self.next, self.resolve
        while True:
            key = get()
            if type(key) is MappingEndEvent:
                self.end = key.end_mark
                return out
            if depth >= self.max_depth:
                raise _NotPlain  # its value would be past MAX_DEPTH
            if type(key) is not ScalarEvent or key.anchor is not None or key.tag is not None:
                raise _NotPlain
            name = key.value  # a key is the text as written (load._build_mapping)
            if name in out or resolve(ScalarNode, name, key.implicit) == _MERGE:
                raise _NotPlain
            child = path + (name,)
            mark = key.start_mark
            positions[child] = (mark.line + 1, mark.column + 1)  # the value's own start never wins
            value = get()
            if type(value) is ScalarEvent and value.anchor is None and value.tag is None:
                out[name] = self.scalar(value, child, depth + 1)  # most values: no call to node()
            else:
                out[name] = self.node(value, child, depth + 1)


_BUILDERS = {ScalarEvent: _Builder.scalar, SequenceStartEvent: _Builder.sequence,
             MappingStartEvent: _Builder.mapping}


def build_from_events(loader: Any, max_depth: int) -> Optional[tuple[Any, dict[FieldPath, Position], Position]]:
    """(data, positions, end of document) of the single document `loader`'s events hold, or
    None when it is not plain (see the module's docstring), is empty or is more than one."""
    builder = _Builder(loader, max_depth)
    try:
        if type(builder.next()) is not StreamStartEvent or type(builder.next()) is not DocumentStartEvent:
            return None  # no document at all (an empty file, only comments)
        data = builder.node(builder.next(), (), 0)
        end = builder.end
        if type(builder.next()) is not DocumentEndEvent or type(builder.next()) is not StreamEndEvent:
            return None  # a second document: PyYAML's message
    except _NotPlain:
        return None
    return data, builder.positions, (end.line + 1, 1)
