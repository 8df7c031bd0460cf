"""The seam between the templates and the blocks: templates print one directive a line
(templates/README.md: `@h1 文字`, `@row 甲⇥乙`), every value they print is escaped so that it can
never make a line, a cell or a directive, and parse_markup turns the lines into blocks, numbering
the headings from their order (一、（一）1.（1）, data/numbering.yaml). An `@at field.path` line
names the YAML field the blocks that follow come from."""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Optional

from authoring.blocks import Block, Heading, Paragraph, Signature, Source, Table, Title
from authoring.domain import wording
from authoring.numerals import chinese_number
from authoring.resources import load_data


def format_value(value: Any) -> Any:
    """How a value prints in prose: 917 → 917, 98.50 → 98.5, None → 【待填】 (validate warns)."""
    if value is None:
        return wording("to_fill")
    if isinstance(value, float):  # is_integer(), not int(): NaN and inf must not raise here
        return f"{value:.2f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return value


# -- the template → blocks seam ---------------------------------------------------------------
# Templates print lines of markup (`@h1 文字`, `@row 甲⇥乙`). Whatever a *value* holds — a YAML
# heading with "\n@h1 …", a cell with a tab, a name starting with "@" — it must never make a line,
# a cell or a directive: every value printed with {{ }} is escaped by the environment (finalize),
# and parse_markup decodes it after splitting lines and cells. Only text the template itself
# wrote (and what its macros and blocks return, TemplateText) is markup.

_ESC = "\ue000"  # a private-use character; escaped itself, so any text survives the round trip
_ESCAPES = ((_ESC, _ESC + "\ue001"), ("\n", _ESC + "\ue002"), ("\t", _ESC + "\ue003"), ("@", _ESC + "\ue004"))
_UNESCAPE = {"\ue001": _ESC, "\ue002": "\n", "\ue003": "\t", "\ue004": "@"}
_ESCAPED = re.compile(_ESC + "([\ue001-\ue004])")


class TemplateText(str):
    """Text a template made (its lines, a macro's or a block's output): markup, printed as it is."""


def template_text(parts: Iterable[str]) -> TemplateText:
    """The joined output of a template's code (its macros, blocks, {% set %}): markup as written."""
    return TemplateText("".join(parts))


def markup_value(value: Any) -> str:
    """How a value prints in a report template: as data, escaped so that nothing in it is markup."""
    if isinstance(value, TemplateText):
        return value
    text = str(format_value(value))
    for char, escaped in _ESCAPES:  # str.replace, escape character first: C speed (translate was 1 µs a character)
        if char in text:
            text = text.replace(char, escaped)
    return text


def unescape(text: str) -> str:
    """A value's text back from the markup (see markup_value)."""
    return _ESCAPED.sub(lambda m: _UNESCAPE[m.group(1)], text) if _ESC in text else text


# Prose in the YAML is a small template; text that must stay text (what `import` reads from a
# document) is written so that it cannot be template code: every "{" that could open a Jinja tag
# ({{, {%, {#) is printed by an expression of its own. Unlike {% raw %}…{% endraw %}, which
# "{% endraw %}" in the text broke out of, no text can end this escape.
LITERAL_BRACE = '{{ "{" }}'
_OPENS_TAG = re.compile(r"\{(?=[{%#])")


def literal_prose(text: str) -> str:
    """Prose that renders to exactly `text`, whatever it holds (for text read from a document)."""
    return _OPENS_TAG.sub(LITERAL_BRACE, text)


def table_cells(row: Iterable[Any]) -> TemplateText:
    """A table row as one `@row` line's cells: each cell a value, separated by the markup's tab."""
    return TemplateText("\t".join(markup_value(c) for c in row))


# ---------------------------------------------------------------------------------------------
# Template output (one directive a line) → blocks, numbering headings from their order.

_DIRECTIVE = re.compile(r"^@(title|h[1-4]|lead[1-4]|p|table|row|sign|date|at)(?:\s(.*))?$")


def parse_source(text: str) -> Source:
    """`achievements.0.items.1.text` (an `@at` line) → ("achievements", 0, "items", 1, "text")."""
    return tuple(int(part) if part.isdigit() else part for part in text.split(".") if part)


def _common(a: Source, b: Source) -> Source:
    """The longest path both start with: a run-in heading and its text share their entry."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def parse_markup(text: str) -> list[Block]:
    """Parse the templates' line markup (templates/README.md) into blocks, numbering headings.
    An `@at field.path` line names the YAML field the following blocks come from."""
    parser = _MarkupParser()
    # Lines are the template's own "\n" only, never str.splitlines (which also breaks at NEL,
    # U+2028, U+2029, CR, FF…): values cannot hold a "\n" (markup_value escapes it), so no value
    # starts a line, and a value is unescaped only once its line and cells are found.
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            parser.line(line)
    parser.flush_table()
    parser.flush_lead()
    return parser.blocks


class _MarkupParser:
    """The state of one parse: the blocks so far, the heading counters, an open table, a run-in
    heading waiting for its text, the 落款's name, and the YAML field of the lines being read."""

    def __init__(self) -> None:
        self.numbering = load_data("numbering.yaml")["levels"]
        self.counters = [0] * 6
        self.blocks: list[Block] = []
        self.pending_lead: Optional[tuple[int, str, str, Source]] = None
        self.rows: Optional[list[tuple[str, ...]]] = None
        self.rows_at: Source = ()
        self.sign_name: Optional[str] = None
        self.at: Source = ()

    def line(self, line: str) -> None:
        match = _DIRECTIVE.match(line)
        kind, value = (match.group(1), (match.group(2) or "").strip()) if match else ("p", line)
        cells = tuple(unescape(c).strip() for c in value.split("\t")) if kind == "row" else ()
        value = unescape(value).strip()
        if kind == "at":
            self.at = parse_source(value)
            return
        if kind != "row":
            self.flush_table()
        if kind != "p":
            self.flush_lead()
        _HANDLERS[kind.rstrip("1234")](self, kind, value, cells)

    def number(self, level: int) -> str:
        counters = self.counters
        counters[level] += 1
        for deeper in range(level + 1, len(counters)):
            counters[deeper] = 0
        n = counters[level]
        return str(self.numbering[level]).format(n=n, cn=chinese_number(n))

    def flush_table(self) -> None:
        if self.rows:
            self.blocks.append(Table(tuple(self.rows), source=self.rows_at))
        self.rows = None

    def flush_lead(self) -> None:
        if self.pending_lead:
            level, num, lead, lead_at = self.pending_lead
            self.blocks.append(Paragraph("", lead=lead, number=num, level=level, source=lead_at))
        self.pending_lead = None

    def title(self, kind: str, value: str, cells: tuple[str, ...]) -> None:
        self.blocks.append(Title(value, source=self.at))

    def heading(self, kind: str, value: str, cells: tuple[str, ...]) -> None:
        level = int(kind[1])
        self.blocks.append(Heading(level, value, self.number(level), source=self.at))

    def lead(self, kind: str, value: str, cells: tuple[str, ...]) -> None:
        level = int(kind[4])
        self.pending_lead = (level, self.number(level), value, self.at)

    def paragraph(self, kind: str, value: str, cells: tuple[str, ...]) -> None:
        if self.pending_lead:
            level, num, lead, lead_at = self.pending_lead
            self.pending_lead = None
            self.blocks.append(Paragraph(value, lead=lead, number=num, level=level, source=_common(lead_at, self.at)))
        elif value:
            self.blocks.append(Paragraph(value, source=self.at))

    def table(self, kind: str, value: str, cells: tuple[str, ...]) -> None:
        self.rows, self.rows_at = [], self.at

    def row(self, kind: str, value: str, cells: tuple[str, ...]) -> None:
        if self.rows is None:
            self.rows = []
        self.rows.append(cells)

    def sign(self, kind: str, value: str, cells: tuple[str, ...]) -> None:
        self.sign_name = value
        self.blocks.append(Signature(value, source=self.at))

    def date(self, kind: str, value: str, cells: tuple[str, ...]) -> None:
        blocks = self.blocks
        if blocks and isinstance(blocks[-1], Signature) and self.sign_name is not None:
            blocks[-1] = Signature(self.sign_name, value, source=blocks[-1].source)
        else:
            blocks.append(Signature("", value, source=self.at))


# The directive (its level digits taken off) → what the parser does with its line.
_HANDLERS: dict[str, Callable[[_MarkupParser, str, str, tuple[str, ...]], None]] = {
    "title": _MarkupParser.title, "h": _MarkupParser.heading, "lead": _MarkupParser.lead,
    "p": _MarkupParser.paragraph, "table": _MarkupParser.table, "row": _MarkupParser.row,
    "sign": _MarkupParser.sign, "date": _MarkupParser.date,
}
