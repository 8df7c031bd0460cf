"""The text `import` writes into the YAML: a part's blocks as entries and items (numbered blocks
open them, text follows the one it comes after), a run of 一是、二是 as `points`, ASCII
punctuation beside Chinese made full-width, and template braces escaped (prose is a small
template over figures; text read from a document never is template code)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from authoring.blocks import Block, Heading, Paragraph, Table, block_text
from authoring.domain import FieldPath
from authoring.markup import literal_prose
from authoring.numerals import chinese_number


_MARK = "\x1f"  # around a name in quotes while a message is built; no document text holds it


@dataclass(frozen=True)
class Names:
    """How an import message names a field of the report and a step: by the YAML's key and the
    command, as the command line prints them beside the file's line (agency.name, validate), or,
    given `label`, as the place showing the message names them, in quotes (the workbench: its
    form's “单位全称”, and `steps`' words for a command). The wording lives once, in the message."""

    label: Optional[Callable[[FieldPath], str]] = None
    steps: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, *path: Any) -> str:
        if self.label is None:
            return ".".join(str(p) for p in path)
        return f"{_MARK}“{self.label(tuple(path))}”{_MARK}"

    def leaf(self, *path: Any) -> str:
        """A field named by the key it ends in on the command line (text), by its label in the page."""
        return str(path[-1]) if self.label is None else self(*path)

    def step(self, command: str) -> str:
        """A command as the place showing the message names it (`validate`, or the page's 问题列表)."""
        return f"{_MARK}{self.steps[command]}{_MARK}" if command in self.steps else command

    def text(self, message: str) -> str:
        """The message finished: a name in quotes needs no space to stand apart from the Chinese."""
        return re.sub(f" ?{_MARK} ?", "", message) if self.label is not None or self.steps else message


KEYS = Names()  # the command line's: the YAML's keys


def block_level(b: Block) -> int:
    """The heading level of a numbered block (0 for body text)."""
    if isinstance(b, Heading):
        return b.level
    if isinstance(b, Paragraph) and b.number:
        return b.level or 0
    return 0


def lead_heading(lead: str) -> str:
    """A run-in heading as the YAML keeps it: without the 。 the renderer puts back."""
    return lead.strip().removesuffix("。").removesuffix(".").strip()


def join_text(*texts: Optional[str]) -> str:
    return "\n".join(t for t in texts if t)


# -- 一是、二是 runs -----------------------------------------------------------------------------------

def split_points(text: str) -> tuple[str, list[str]]:
    """“前言：一是甲。二是乙。” → ("前言：", ["甲。", "乙。"]); no run of two or more → (text, [])."""
    starts: list[int] = []
    pos = 0
    for n in range(1, 11):
        marker = _cn(n) + "是"
        found = -1
        for m in re.finditer(re.escape(marker), text[pos:]):
            at = pos + m.start()
            if at == 0 or text[at - 1] in "。；;，,：:！？!? \n":
                found = at
                break
        if found < 0:
            break
        starts.append(found)
        pos = found + len(marker)
    if len(starts) < 2:
        return text, []
    points = []
    for k, at in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(text)
        points.append(text[at + len(_cn(k + 1)) + 1:end].strip())
    # Points are sentences: "一是甲，二是乙" stays running text (the renderer ends each point with 。).
    if any(not p for p in points) or any(p[-1] not in "。；;！？!?：:" for p in points[:-1]):
        return text, []
    return text[: starts[0]].strip(), points


def _cn(n: int) -> str:
    return chinese_number(n)


def with_points(entry: dict[str, Any]) -> dict[str, Any]:
    """Move an 一是/二是 run at the end of the entry's text into `points`."""
    text = entry.get("text")
    if not isinstance(text, str) or entry.get("points"):
        return entry
    paras = text.split("\n")
    prefix, points = split_points(paras[-1])
    if not points:
        return entry
    out = {k: v for k, v in entry.items() if k != "text"}
    rest = join_text(*paras[:-1], prefix)
    ordered: dict[str, Any] = {}
    for key in ("heading",):
        if key in out:
            ordered[key] = out.pop(key)
    if rest:
        ordered["text"] = rest
    ordered["points"] = points
    ordered.update(out)
    return ordered


# -- blocks → entries ---------------------------------------------------------------------------

class Entries:
    """The entries of one part, built block by block: numbered blocks at the part's top level open
    an entry, deeper ones an item of it; text goes to the entry or item it follows."""

    def __init__(self, top: int) -> None:
        self.top = top
        self.leads: list[str] = []
        self.entries: list[dict[str, Any]] = []
        self.heads: list[tuple[Optional[int], dict[str, Any]]] = []  # (line, entry) of each entry
        self.entry: Optional[dict[str, Any]] = None
        self.item: Optional[dict[str, Any]] = None
        self.item_level = 0

    def add(self, b: Block) -> None:
        """Place one block."""
        level = block_level(b)
        if isinstance(b, Table):
            self.table(b)
        elif level and (level <= self.top or self.entry is None):
            self.entry, self.item, self.item_level = _new_entry(b), None, 0
            self.entries.append(self.entry)
            self.heads.append((b.line, self.entry))
        elif level and (not self.item_level or level <= self.item_level):
            assert self.entry is not None
            self.item_level = level
            self.item = _new_entry(b)
            self.entry.setdefault("items", []).append(self.item)
        elif level:
            self.append(block_text(b), self.item)  # deeper than the schema's items: kept, number and all
        elif self.entry is None:
            self.leads.append(block_text(b))
        else:
            self.append(block_text(b), self.item if self.item is not None else (self.entry.get("items") or [None])[-1])

    def table(self, b: Table) -> None:
        rows = [list(r) for r in b.rows]
        target = self.item if self.item is not None else self.entry
        if target is not None and "table" not in target:
            target["table"] = rows
        else:
            self.entry, self.item = {"table": rows}, None
            self.entries.append(self.entry)

    def append(self, text: str, target: Optional[dict[str, Any]]) -> None:
        target = target if target is not None else self.entry
        assert target is not None
        target["text"] = join_text(target.get("text"), text)


def _new_entry(b: Block) -> dict[str, Any]:
    if isinstance(b, Heading):
        return {"heading": b.text}
    assert isinstance(b, Paragraph)
    if b.lead:
        entry = {"heading": lead_heading(b.lead)}
        if b.text:
            entry["text"] = b.text
        return entry
    return {"text": b.text}


def finish_entry(entry: dict[str, Any]) -> dict[str, Any]:
    out = with_points(entry)
    if out.get("items"):
        out["items"] = [entry_or_text(with_points(_bare_as_text(i))) for i in out["items"]]
    return _bare_as_text(out)


def _bare_as_text(entry: dict[str, Any]) -> dict[str, Any]:
    # "（一）开展执法能力提升行动。" with nothing under it is a one-sentence entry: its text (an
    # entry with only a heading would not validate, and the report could not be rendered).
    return {"text": entry["heading"]} if set(entry) == {"heading"} else entry


def entry_or_text(entry: dict[str, Any]) -> Any:
    """A text-only entry is written as a plain string, as a clerk would write it."""
    return entry["text"] if set(entry) == {"text"} else entry


# -- tidying: punctuation, template braces ------------------------------------------------------

_CJK = r"[\u4e00-\u9fff“”‘’《》、。，；：！？（）]"


_HAN = re.compile(r"[\u4e00-\u9fff]")
_CJK_CHAR = re.compile(_CJK)


def _widen(text: str, mark: str, wide: str) -> str:
    r"""`mark` with Chinese right before or after the spaces around it → `wide`, spaces and all:
    what re.sub(r"(?<=CJK)\s*,\s*|\s*,\s*(?=CJK)") made, found from each mark outward."""
    out: list[str] = []
    pos = 0  # where the text not yet copied starts
    floor = 0  # spaces before a mark are taken back to here at most (not from a match before)
    while True:
        at = text.find(mark, floor)
        if at < 0:
            break
        start = at
        while start > floor and text[start - 1].isspace():
            start -= 1
        end = at + len(mark)
        while end < len(text) and text[end].isspace():
            end += 1
        if (start > 0 and _CJK_CHAR.match(text[start - 1])) or (end < len(text) and _CJK_CHAR.match(text[end])):
            out.append(text[pos:start])
            out.append(wide)
            pos = floor = end
        else:
            floor = at + len(mark)
    out.append(text[pos:])
    return "".join(out)


def tidy_punctuation(text: str) -> str:
    """ASCII , : ; ( ) ! ? next to Chinese become full-width, as a Chinese document writes them."""
    # Linear forms of the rules (issue 16): "([^()]*CJK[^()]*)" backtracked over every split of a
    # long bracket that never closes, and "\s*,\s*" was tried at every character of a long run
    # of spaces. A bracket pair holding Chinese; a mark with Chinese right before or after its
    # spaces, the spaces taken from where their run starts.
    text = re.sub(r"\(([^()]*)\)", lambda m: f"（{m.group(1)}）" if _HAN.search(m.group(1)) else m.group(0), text)
    for ascii_mark, wide in ((",", "，"), (";", "；"), ("!", "！"), ("?", "？")):
        text = _widen(text, ascii_mark, wide)
    text = re.sub(rf"(?<={_CJK}):(?!//)\s*", "：", text)
    return text


def _escape_template(text: str) -> str:
    """Prose is a small template over figures: text read from a document is never template code
    (markup.literal_prose; a {% raw %} wrapping was broken out of by "{% endraw %}")."""
    return literal_prose(text)


def tidy_all(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        return _escape_template(tidy_punctuation(value))
    if isinstance(value, dict):
        return {k: (v if k in ("order",) else tidy_all(v, str(k))) for k, v in value.items()}
    if isinstance(value, list):
        return [tidy_all(v, key) for v in value]
    return value



# -- messages -------------------------------------------------------------------------------------

def clip(text: str, n: int) -> str:
    """A text cut to `n` characters for a message (… where it was cut)."""
    return text if len(text) <= n else text[:n] + "…"
