"""What a reader sees on the printed pages: every character of the blocks, 22 lines of at most 28
characters on the grid, and no heading left at the foot of a page (LibreOffice's PDF, read back
with poppler)."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from authoring.blocks import Block, Heading, Paragraph, Signature, Table, Title, block_text
from authoring.main import build_blocks, write_docx
from authoring.write import resolve_layout
from pdfpages import MM, Line, convert, pages

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
LAYOUT = resolve_layout()
PITCH_PT = 579 / 20  # the line grid: one body line, in points
RIGHT_EDGE_PT = (LAYOUT["page"]["width_mm"] - LAYOUT["page"]["right_mm"]) * MM
LONG = "坚持以习近平法治思想为指导，深入推进严格规范公正文明执法，全面提升依法行政水平。"


def every_kind_of_block() -> list[Block]:
    """A synthetic report with every block the renderer makes: a title over two lines, the four
    heading levels, run-in headings of each level (one longer than a line), 一是/二是 points,
    numbered items, marks of every kind at line ends, a table, and the 落款."""
    marks = "“双随机、一公开”监管；《行政处罚法》（2021年修订）——执法全过程记录……是否到位？是！"
    return [
        Title("某某省某某市某某区城市管理综合行政执法局关于2024年度法治政府建设情况的报告"),
        Paragraph("2024年，区城管执法局坚持以习近平新时代中国特色社会主义思想为指导，"
                  "现将有关情况报告如下："),
        Heading(1, "主要举措和成效", "一、"),
        Heading(2, "强化法治学习引领，夯牢政治思想基础", "（一）"),
        Paragraph(LONG * 3, lead="深学笃行习近平法治思想。", number="1.", level=3),
        Heading(3, "建立健全机制", "1."),
        Heading(4, "印发工作要点", "（1）"),
        Paragraph("一是" + LONG + "二是" + marks + "三是" + LONG * 2),
        Paragraph(LONG * 2, lead="坚持以习近平法治思想为指导，全面推进城市管理领域严格规范公正文明执法。",
                  number="（二）", level=2),
        Paragraph(LONG, lead="坚持依法决策。", number="二、", level=1),
        Paragraph(LONG * 2, lead="严格合法性审核。", number="（1）", level=4),
        Paragraph("1.第一项没有标题的分项，" + marks),
        Table((("项目", "数量", "同比"), ("行政许可", "917件", "增长12.5%"),
               ("行政处罚", "1234件", "下降3%"))),
        *[Paragraph(LONG * 4 + marks) for _ in range(6)],
        Paragraph("特此报告。"),
        Signature("某某省某某市某某区城市管理综合行政执法局", "2025年2月20日"),
    ]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[Block], list[list[Line]]]]:
    """Each example and the synthetic report: its blocks and the lines LibreOffice printed."""
    out = tmp_path_factory.mktemp("printed")
    reports: dict[str, list[Block]] = {p.stem: build_blocks(p).blocks for p in EXAMPLES}
    reports["every-kind-of-block"] = every_kind_of_block()
    docs = [write_docx(blocks, out / f"{name}.docx", meta={"year": 2024})
            for name, blocks in reports.items()]
    convert(docs, out)
    return {name: (blocks, pages(out / f"{name}.pdf")) for name, blocks in reports.items()}


NAMES = [p.stem for p in EXAMPLES] + ["every-kind-of-block"]


def chars(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize("name", NAMES)
def test_every_character_of_the_blocks_is_on_the_pages(printed, name: str) -> None:
    blocks, lines = printed[name]
    want = chars("".join(block_text(b) for b in blocks))
    got = chars("".join(line.text for page in lines for line in page))
    if got != want:
        at = next(i for i, (a, b) in enumerate(zip(want + "\0", got + "\0")) if a != b)
        pytest.fail(f"{name}: the pages differ from the blocks at character {at}: "
                    f"blocks …{want[max(0, at - 12):at + 3]}…, pages …{got[max(0, at - 12):at + 3]}…")
    assert len(got) == len(want)


@pytest.mark.parametrize("name", NAMES)
def test_every_line_sits_on_the_grid_inside_the_text_block(printed, name: str) -> None:
    blocks, lines = printed[name]
    title = chars(next(b.text for b in blocks if isinstance(b, Title)))
    for number, page in enumerate(lines, 1):
        assert len(page) <= 22, f"page {number} has {len(page)} lines"
        below: float | None = None  # the body line below, bottom up; a table starts afresh
        for line in reversed(page):
            # Title (2号) and table rows (single spacing, 4号) are off the body's grid.
            if chars(line.text) in title or _in_table(line):
                below = None
                continue
            steps = 0.0 if below is None else (below - line.y_min) / PITCH_PT
            below = line.y_min
            if abs(steps - round(steps)) > 0.02:
                pytest.fail(f"page {number}: “{line.text[:10]}” is off the 28.95 pt grid")
            # Nothing hangs into the margin (LibreOffice would not draw it).
            assert line.x_max <= RIGHT_EDGE_PT + 0.6, f"page {number}: “{line.text}” overflows"


def _in_table(line: Line) -> bool:
    return any(cell in line.text for cell in ("项目", "行政许可", "行政处罚"))


def _width(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


@pytest.mark.parametrize("name", NAMES)
def test_full_lines_hold_28_characters_and_full_pages_22_lines(printed, name: str) -> None:
    blocks, lines = printed[name]
    widths = [_width(line.text) for page in lines for line in page
              if re.fullmatch(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—…]+", line.text)]
    assert max(widths) <= 28
    # The usual line holds 28; a few hold 27, where a mark that may not start a line took the
    # character before it to the next line (LibreOffice), and first lines 26 (段首空二字).
    assert max(set(widths), key=widths.count) == 28
    # Every page but the first (title) and the last is full, unless the next page starts with a
    # heading that was kept with its text (a heading is never left at the foot of a page).
    starts = _block_starts(blocks)
    for number, page in enumerate(lines[1:-1], 2):
        if len(page) < 22:
            first = chars(lines[number][0].text)
            assert any(first.startswith(s) for s in starts), (
                f"page {number} has {len(page)} lines and the next page does not start a block")


def _block_starts(blocks: list[Block]) -> list[str]:
    return [chars(block_text(b))[:6] for b in blocks if chars(block_text(b))]


@pytest.mark.parametrize("name", NAMES)
def test_no_heading_is_left_at_the_foot_of_a_page(printed, name: str) -> None:
    blocks, lines = printed[name]
    page_of: list[int] = []  # the page of every character, in reading order
    for number, page in enumerate(lines, 1):
        for line in page:
            page_of.extend([number] * len(chars(line.text)))
    at = 0
    for i, block in enumerate(blocks):
        text = chars(block_text(block))
        if isinstance(block, Heading):
            # The heading and the first character of what follows share a page.
            assert page_of[at] == page_of[at + len(text)], f"{name}: “{text}” stands alone"
        if isinstance(block, Paragraph) and block.lead:
            lead = chars(block.number + block.lead)
            assert page_of[at] == page_of[at + len(lead) - 1], f"{name}: “{lead}” is split"
        at += len(text)
    assert at == len(page_of)


def test_the_synthetic_report_has_every_kind_of_block() -> None:
    blocks = every_kind_of_block()
    kinds = {type(b) for b in blocks}
    assert kinds == {Title, Heading, Paragraph, Table, Signature}
    assert {b.level for b in blocks if isinstance(b, Heading)} == {1, 2, 3, 4}
    assert {b.level for b in blocks if isinstance(b, Paragraph) and b.lead} == {1, 2, 3, 4}
