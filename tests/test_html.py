"""The HTML writer read back as a person would: the page parsed, its text compared with the
blocks character for character; the page preview's line and page breaks measured against
LibreOffice's PDF of the same report."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Optional

import pytest

from authoring.blocks import Block, Heading, Paragraph, Signature, Table, Title, block_text
from authoring.html import build_html, unchanged_html
from authoring.main import build_blocks
from authoring.measure import Font, break_lines, paginate
from authoring.write import build_docx, resolve_layout

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


class _Collect(HTMLParser):
    """Text of every element that carries data-block, in order, with its tag and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[dict] = []
        self.stack: list[Optional[dict]] = []
        self.tags: list[str] = []
        self.cell: Optional[list[str]] = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag in ("br", "meta"):
            self.tags.pop()
            if tag == "br" and self.stack and self.stack[-1] is not None:
                self.stack[-1]["text"].append("\n")
            return
        if "data-block" in a:
            item = {"tag": tag, "attrs": a, "text": [], "rows": []}
            self.items.append(item)
            self.stack.append(item)
        else:
            self.stack.append(None)
        if tag == "tr":
            self._current()["rows"].append([])
        if tag in ("td", "th"):
            self.cell = []

    def _current(self) -> dict:
        return next(i for i in reversed(self.stack) if i is not None)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self._current()["rows"][-1].append("".join(self.cell))
            self.cell = None
        if self.tags and self.tags[-1] == tag:
            self.tags.pop()
            self.stack.pop()
        if tag == "span" and False:
            pass

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        elif any(i is not None for i in self.stack):
            self._current()["text"].append(data)


def parse(text: str) -> list[dict]:
    p = _Collect()
    p.feed(text)
    p.close()
    return p.items


def _expected(block: Block) -> str:
    if isinstance(block, Title):
        return block.text.replace("\n", "")
    if isinstance(block, Signature):
        return "".join(x for x in (block.name, block.date))
    return block_text(block)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_publication_page_holds_every_character_of_every_block(example: Path) -> None:
    result = build_blocks(example)
    page = build_html(result.blocks, meta={"year": 2024})
    items = parse(page)
    assert [int(i["attrs"]["data-block"]) for i in items] == list(range(len(result.blocks)))
    for item, block in zip(items, result.blocks):
        if isinstance(block, Table):
            assert [tuple(r) for r in item["rows"]] == list(block.rows)
            continue
        text = "".join(item["text"])
        assert text.replace("\n", "") == _expected(block)
        if isinstance(block, Title):
            assert item["tag"] == "h1"
            assert "\n" not in text  # the browser wraps it; the .docx's break is for print
        elif isinstance(block, Heading):
            assert item["tag"] == {1: "h2", 2: "h3", 3: "h4", 4: "h5"}[block.level]
            assert item["attrs"]["data-level"] == str(block.level)
        elif isinstance(block, Paragraph):
            assert item["tag"] == "p"
        elif isinstance(block, Signature):
            assert item["attrs"]["data-kind"] == "signature"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_published_page_reads_back_to_the_same_blocks(example: Path, tmp_path: Path) -> None:
    """One verdict: `authoring check 报告.html` on the page we publish finds what it finds in the
    .docx and the .txt (the golden blocks)."""
    import dataclasses

    from authoring.blocks import dump_blocks
    from authoring.main import build_report, read_file

    target = tmp_path / "报告.html"
    build_report(example, target, figures_page=True, draft=True)  # two examples give no 成文日期
    blocks = [dataclasses.replace(b, line=None) for b in read_file(target).blocks]
    assert dump_blocks(blocks) == (ROOT / "tests" / "golden" / f"{example.stem}.txt").read_text(encoding="utf-8")


def test_the_publication_page_is_self_contained_and_pastes_into_a_cms() -> None:
    blocks = [Title("某市城市管理局关于2024年度法治政府建设情况的报告"), Heading(1, "主要举措和成效", "一、"),
              Paragraph("正文<b>不是标签</b> & “引号”", lead="强化组织领导。", number="（一）", level=2),
              Table((("项目", "数量"), ("=1+1", "917"))), Signature("某市城市管理局", "2025年2月20日")]
    page = build_html(blocks)
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">")
    assert '<meta charset="utf-8">' in page
    for forbidden in ("<script", "<link", "<style", "src=", "href=", "@import", "url("):
        assert forbidden not in page
    items = parse(page)
    assert "".join(items[2]["text"]) == "（一）强化组织领导。正文<b>不是标签</b> & “引号”"
    assert '<span class="lead" style="font-family:\'楷体_GB2312\'' in page  # the run-in heading's font
    assert items[3]["rows"] == [["项目", "数量"], ["=1+1", "917"]]
    assert "<thead><tr><th" in page and "<tbody><tr><td" in page
    assert "".join(items[4]["text"]) == "某市城市管理局2025年2月20日"
    # Right-aligned two characters in; the date starts two characters right of the name.
    assert 'text-align:right;padding-right:2em;">某市城市管理局</p>' in page
    assert 'text-align:right;padding-right:0.5em;">2025年2月20日</p>' in page


def test_fonts_come_from_the_layout_with_named_fallbacks() -> None:
    page = build_html([Paragraph("正文")], layout={"fonts": {"body": "仿宋", "heading2": "楷体"}})
    assert "font-family:'仿宋', FangSong, STFangsong, 'Noto Serif CJK SC'" in page
    pages = build_html([Heading(2, "标题", "（一）")], mode="pages",
                       layout={"fonts": {"heading2": "华文楷体"}})
    assert 'h3, .lead-2 { font-family: authoring-latin, "华文楷体", KaiTi' in pages


def test_the_figures_page_shows_each_figure_in_a_table_and_bars() -> None:
    from authoring.figures import figure_items
    from authoring.main import load_report

    example = ROOT / "examples" / "chuxiong-zhzf-2024.yaml"
    report = load_report(example)
    items = figure_items(report, example.read_text(encoding="utf-8"))
    licenses = next(f for f in items if f.name == "licenses")
    assert (licenses.label, licenses.value, licenses.unit) == ("办理行政许可", 917.0, "件")
    page = build_html(build_blocks(example).blocks, meta={"year": 2024}, figures=items)
    section = page[page.index('<aside class="figures"'):]
    assert "图解：2024年度主要数据" in section
    assert "<td style=\"border:1px solid #000;padding:0.2em 0.4em;\">办理行政许可</td>" in section
    assert section.count("<svg ") >= 2 and "<script" not in section
    assert re.search(r'<rect x="260" y="\d+" width="[\d.]+" height="18" fill="#b22222"/>'
                     r'<text x="[\d.]+" y="\d+" font-size="14">917件</text>', section)


def test_a_figure_without_a_comment_is_labelled_from_the_sentence_that_uses_it(tmp_path: Path) -> None:
    from authoring.figures import figure_items
    from authoring.main import load_report

    path = tmp_path / "r.yaml"
    path.write_text("agency: {name: 某局}\nyear: 2024\nfigures:\n  licenses: 917\n  blank:\n"
                    "achievements:\n  - 全年共办理行政许可{{ figures.licenses }}件。\n", encoding="utf-8")
    items = figure_items(load_report(path), path.read_text(encoding="utf-8"))
    assert [(f.name, f.label, f.value, f.unit) for f in items] == [("licenses", "办理行政许可", 917.0, "件")]


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_page_preview_holds_every_character_on_numbered_pages(example: Path) -> None:
    result = build_blocks(example)
    layout = resolve_layout(result.report.data.get("layout"))
    text = build_html(result.blocks, mode="pages", layout=layout)
    laid = paginate(result.blocks, layout)
    pages = re.findall(r'<div class="page" data-page="(\d+)">', text)
    assert pages == [str(n) for n in range(1, len(laid.pages) + 1)]
    numbers = re.findall(r'<div class="page-number (odd|even)">— (\d+) —</div>', text)
    assert numbers == [("odd" if n % 2 else "even", str(n)) for n in range(1, len(pages) + 1)]
    seen: dict[int, str] = {}
    for item in parse(text):
        k = int(item["attrs"]["data-block"])
        block = result.blocks[k]
        if isinstance(block, Table):
            continue
        seen[k] = seen.get(k, "") + "".join(item["text"])
    for k, block in enumerate(result.blocks):
        if not isinstance(block, Table):
            assert seen[k] == _expected(block), k
    assert "<script" not in text


def test_a_paragraph_split_over_two_pages_is_marked_on_both() -> None:
    blocks = [Paragraph("测" * 28 * 30)]
    text = build_html(blocks, mode="pages")
    items = parse(text)
    assert [(i["attrs"]["data-block"], i["attrs"].get("data-piece")) for i in items] == \
        [("0", "first"), ("0", "last")]
    assert text.count('class="line') == 31  # 30 lines of 28 and the 2 characters the indent pushed on
    assert re.search(r'<div class="page" data-page="2"><div class="text-block"><p data-block="0" '
                     r'data-kind="paragraph" data-piece="last"><span class="line">', text)


def test_a_table_split_over_pages_repeats_its_header_row() -> None:
    rows = (("项目", "数量"),) + tuple((f"第{i}项", str(i)) for i in range(60))
    text = build_html([Table(rows)], mode="pages")
    items = parse(text)
    assert len(items) >= 2
    assert items[1]["attrs"].get("data-repeated-header") == "1"
    assert items[1]["rows"][0] == ["项目", "数量"]
    body = [r for it in items for r in it["rows"][1:]]
    assert [tuple(r) for r in body] == list(rows[1:])


def test_line_breaking_follows_chinese_rules() -> None:
    font = Font(16, -0.25)
    width = 442.25
    # Punctuation past the 28th character takes the character before it down (LibreOffice with
    # the .docx's w:overflowPunct: no hanging); so does a closing bracket.
    assert break_lines("测" * 28 + "，测", width, font) == ["测" * 27, "测，测"]
    assert break_lines("测" * 28 + "》测", width, font) == ["测" * 27, "测》测"]
    # An opening bracket never ends a line; a number is never split.
    assert break_lines("测" * 27 + "《测》", width, font) == ["测" * 27, "《测》"]
    assert break_lines("测" * 26 + "2024年", width, font) == ["测" * 26, "2024年"]
    assert "".join(break_lines("测a" * 100, width, font)) == "测a" * 100


def test_a_page_this_tool_wrote_is_replaced_silently_an_edited_one_is_kept(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from authoring.cli import cli

    example = str(EXAMPLES[0])
    target = tmp_path / "报告.html"
    runner = CliRunner()
    draft = ["--draft"]  # the example gives no 成文日期 (issue 12)
    assert runner.invoke(cli, ["render", example, "-o", str(target), *draft]).exit_code == 0
    assert unchanged_html(target.read_bytes())
    again = runner.invoke(cli, ["render", example, "-o", str(target), "--figures-page", *draft])
    assert again.exit_code == 0, again.output  # ours and unchanged: no --force needed
    assert "图解" in target.read_text(encoding="utf-8")
    target.write_text(target.read_text(encoding="utf-8").replace("图解", "改过"), encoding="utf-8")
    refused = runner.invoke(cli, ["render", example, "-o", str(target), *draft])
    assert refused.exit_code == 1
    assert "该文件已存在且内容与本次生成的不同，为免丢失内容，没有覆盖" in refused.output
    forced = runner.invoke(cli, ["render", example, "-o", str(target), "--force", *draft])
    assert forced.exit_code == 0 and "原文件已备份为" in forced.output
    assert "改过" in (tmp_path / "报告.bak-1.html").read_text(encoding="utf-8")


# --- the simulation against LibreOffice --------------------------------------------------------


def _soffice() -> str:
    from authoring.pdf import find_soffice

    found = find_soffice()
    if found is None or shutil.which("pdftotext") is None:
        if os.environ.get("AUTHORING_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice and poppler are required (AUTHORING_REQUIRE_LIBREOFFICE)")
        pytest.skip("LibreOffice or poppler-utils is not installed")
    return found


def _pdf_lines(pdf: Path) -> list[list[str]]:
    """The text lines of every page, page numbers left out (pdftotext -bbox, grouped by y)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        rows: dict[int, list[tuple[float, str]]] = {}
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</word>', page):
            rows.setdefault(round(float(m[2])), []).append((float(m[1]), m[3]))
        lines = ["".join(w for _, w in sorted(rows[y])) for y in sorted(rows)]
        lines = [re.sub("&quot;", '"', re.sub("&amp;", "&", t)) for t in lines]
        pages.append([t for t in lines if not re.fullmatch(r"—\d+—", t)])
    return pages


_HANG = "，。、；：？！．,.;:!?"


def _norm(line: str) -> str:
    # pdftotext leaves out a full stop or comma hung in the margin: compare without them.
    return re.sub(r"\s+", "", line).rstrip(_HANG)


def agreement(blocks: list[Block], layout: dict, tmp_path: Path) -> dict:
    """Page count, pages holding the same characters, page starts and lines of the simulation
    against LibreOffice's PDF of the same blocks."""
    from collections import Counter

    from authoring.pdf import docx_to_pdf

    pdf = tmp_path / "lo.pdf"
    pdf.write_bytes(docx_to_pdf(build_docx(blocks, layout=layout), soffice=_soffice()))
    real = _pdf_lines(pdf)
    laid = paginate(blocks, layout)
    sim = [[line for piece in page.pieces for line in piece.lines] for page in laid.pages]

    def page_chars(page) -> Counter:
        text = ""
        for piece in page.pieces:
            b = blocks[piece.block]
            text += "".join(piece.lines)
            if isinstance(b, Table):
                rows = ([0] if piece.repeat_header else []) + list(piece.rows)
                text += "".join("".join(b.rows[r]) for r in rows)
        return Counter(re.sub(r"\s+", "", text))

    same_pages = sum(1 for page, lines in zip(laid.pages, real)
                     if page_chars(page) == Counter(re.sub(r"\s+", "", "".join(lines))))
    starts = sum(1 for a, b in zip(sim, real) if a and b and _norm(a[0]) == _norm(b[0]))
    flat_sim = [_norm(x) for page in sim for x in page]
    flat_real = [_norm(x) for page in real for x in page]
    same = sum(1 for a, b in zip(flat_sim, flat_real) if a == b)
    return {"pages": (len(sim), len(real)), "same_pages": same_pages, "starts": starts,
            "lines": (same, len(flat_real))}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_page_preview_breaks_pages_where_libreoffice_does(example: Path, tmp_path: Path) -> None:
    """Measured on the three examples (35 pages, 724 lines): every page count, every page's
    first line and every line agree. Tolerance: page count and page starts exact (what the
    preview promises: where the pages break); lines 98%, because the simulation's widths are
    Times New Roman's and Noto CJK's, and a line that ends within a fraction of a point of the
    margin (one did before the .docx stopped hanging punctuation: 0.2 pt) moves one character,
    which changes two lines but no page break unless it is a page's last line, which the
    page-start check catches."""
    result = build_blocks(example)
    layout = resolve_layout(result.report.data.get("layout"))
    found = agreement(result.blocks, layout, tmp_path)
    assert found["pages"][0] == found["pages"][1]
    assert found["same_pages"] == found["pages"][1], found
    assert found["starts"] == found["pages"][1]
    same, total = found["lines"]
    assert same >= 0.98 * total, found


def test_tables_latin_words_and_dashes_break_pages_where_libreoffice_does(tmp_path: Path) -> None:
    """A synthetic report with what the examples lack: tables split over pages (the header row
    repeated, never left alone at a page's foot), cells that wrap, Latin words and numbers,
    ——, ……, 《》“”, run-in headings. Measured: 4 pages, every page holds the same characters as
    LibreOffice's. Tolerance: page count and every page's content exact. (Rows of a table are
    compared as the characters a page holds, since pdftotext interleaves wrapped cells.)"""
    text = "本局坚持依法行政，推进严格规范公正文明执法，全年办理行政许可917件，办结率100%，群众满意度达98.5%。"
    blocks: list[Block] = [Title("某市城市管理局关于2024年度法治政府建设情况的报告")]
    for i in range(1, 4):
        blocks += [Heading(1, f"主要举措和成效第{i}部分", "一、"), Heading(2, "强化组织领导，压实工作责任", "（一）"),
                   Paragraph(text * 3, lead="深学笃行习近平法治思想。", number="1.", level=3),
                   Paragraph("引进VR-虚拟现实技术和AI辅助审核系统，《行政处罚法》《行政许可法》“谁执法谁普法”——落实到位……" * 2),
                   Table((("项目", "数量", "说明"),) + tuple((f"第{j}项行政执法事项", str(j * 37), "依法办理，按时办结，群众满意")
                                                        for j in range(1, 9)))]
    blocks += [Paragraph(text * 2), Signature("某市城市管理局", "2025年2月20日")]
    found = agreement(blocks, resolve_layout(None), tmp_path)
    assert found["pages"] == (4, 4)
    assert found["same_pages"] == 4, found


@pytest.mark.parametrize("mode", ["publication", "pages"])
@pytest.mark.parametrize("block, message", [
    (Heading(7, "标题"), "heading level must be in range 1-4, got 7"),
    (Heading(0, "标题"), "heading level must be in range 1-4, got 0"),
    (Paragraph("正文", lead="小标题。", level=5), "paragraph level must be in range 0-4, got 5"),
    (Paragraph("正文", level=-1), "paragraph level must be in range 0-4, got -1"),
])
def test_a_level_the_page_has_no_heading_for_is_refused_not_clamped(block: Block, message: str, mode: str) -> None:
    # As the .docx writer refuses it (test_write): a level 7 heading was drawn as an h4 before.
    with pytest.raises(ValueError) as err:
        build_html([block], mode=mode)
    assert str(err.value) == message
