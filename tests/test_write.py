"""The Word writer: save a report, open the saved file again, and check what a person would see."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from authoring.blocks import Heading, Paragraph, Signature, Table, Title
from authoring.errors import AuthoringError, OutputError
from authoring.resources import load_data
from authoring.fileio import read_stamp
from authoring.main import docx_bytes, write_docx, write_text
from authoring.write import build_docx, resolve_layout

TITLE = "常州市城市管理局关于2024年度法治政府建设情况的报告"
META = {"title": TITLE, "agency": "常州市城市管理局", "year": 2024, "date": "2025-02-20"}
LONG = "坚持以习近平法治思想为指导深入推进严格规范公正文明执法" * 12


def report_blocks() -> list:
    """A small report with every kind of block the renderer produces."""
    return [
        Title(TITLE),
        Paragraph("2024年，市城管局坚持以习近平新时代中国特色社会主义思想为指导，现将有关情况报告如下："),
        Heading(1, "主要举措和成效", "一、"),
        Heading(2, "强化法治学习引领，夯牢政治思想基础", "（一）"),
        Paragraph("把学习宣传贯彻党的二十大精神作为首要任务。", lead="深学笃行习近平法治思想。",
                  number="1.", level=3),
        Heading(3, "建立健全机制", "1."),
        Heading(4, "印发工作要点", "（1）"),
        Paragraph("以身作则，以上率下。", lead="带头抓学习，提高政治站位。", number="（一）", level=2),
        Paragraph(LONG),
        Table((("项目", "数量"), ("行政许可", "917件"), ("行政处罚", "1234件"))),
        Paragraph("特此报告。"),
        Signature("常州市城市管理局", "2025年2月20日"),
    ]


@pytest.fixture
def written(tmp_path: Path) -> Path:
    return write_docx(report_blocks(), tmp_path / "报告.docx", meta=META)


@pytest.fixture
def document(written: Path):
    return docx.Document(str(written))


def body_paragraphs(document) -> list:
    return [p for p in document.paragraphs]


def paragraph_with(document, text: str):
    return next(p for p in document.paragraphs if text in p.text)


def east_asia(rpr) -> str | None:
    fonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def style_east_asia(style) -> str | None:
    return east_asia(style.element.find(qn("w:rPr")))


# --- what the text says ------------------------------------------------------------------


def test_text_reads_back_in_order(document) -> None:
    texts = [p.text for p in document.paragraphs]
    assert texts == [
        "常州市城市管理局关于2024年度\n法治政府建设情况的报告",
        "2024年，市城管局坚持以习近平新时代中国特色社会主义思想为指导，现将有关情况报告如下：",
        "一、主要举措和成效",
        "（一）强化法治学习引领，夯牢政治思想基础",
        "1.深学笃行习近平法治思想。把学习宣传贯彻党的二十大精神作为首要任务。",
        "1.建立健全机制",
        "（1）印发工作要点",
        "（一）带头抓学习，提高政治站位。以身作则，以上率下。",
        LONG,
        "特此报告。",
        "常州市城市管理局",
        "2025年2月20日",
    ]
    table = document.tables[0]
    tbl_pr = table._tbl.tblPr
    assert len(tbl_pr.findall(qn("w:tblW"))) == 1
    assert tbl_pr.find(qn("w:tblW")).get(qn("w:type")) == "pct"
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["项目", "数量"], ["行政许可", "917件"], ["行政处罚", "1234件"]]


def test_long_title_is_broken_where_the_words_allow(tmp_path: Path) -> None:
    # 25 characters of 2号 do not fit the 20 a line holds: broken after 年度, not mid-word.
    doc = docx.Document(io.BytesIO(build_docx([Title(TITLE)])))
    assert doc.paragraphs[0].text.split("\n") == ["常州市城市管理局关于2024年度", "法治政府建设情况的报告"]
    short = docx.Document(io.BytesIO(build_docx([Title("关于法治政府建设情况的报告")])))
    assert short.paragraphs[0].text == "关于法治政府建设情况的报告"
    given = docx.Document(io.BytesIO(build_docx([Title("某局关于\n2024年度工作的报告")])))
    assert given.paragraphs[0].text == "某局关于\n2024年度工作的报告"


# --- the page --------------------------------------------------------------------------------


def test_page_is_a4_with_gbt9704_margins(document) -> None:
    s = document.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert round(s.top_margin.mm) == 37
    assert round(s.bottom_margin.mm) == 35
    assert round(s.left_margin.mm) == 28
    assert round(s.right_margin.mm) == 26
    assert round(s.footer_distance.mm) == 25


def test_22_lines_of_28_characters(document) -> None:
    s = document.sections[0]
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:linePitch")) == "579"
    text_h = s.page_height.twips - s.top_margin.twips - s.bottom_margin.twips
    text_w = s.page_width.twips - s.left_margin.twips - s.right_margin.twips
    normal = document.styles["Normal"]
    pf = normal.paragraph_format
    assert pf.line_spacing == Pt(28.95)  # exact, 579 twips
    assert 22 * 579 <= text_h < 23 * 579
    # 16 pt characters condensed by 0.25 pt: 28 fit the 156 mm line, 29 do not.
    spacing = int(normal.element.find(qn("w:rPr")).find(qn("w:spacing")).get(qn("w:val")))
    assert spacing == -5
    advance = 320 + spacing
    assert 28 * advance <= text_w < 29 * advance


def test_fonts_sit_on_the_east_asian_slot(document) -> None:
    styles = document.styles
    assert style_east_asia(styles["Normal"]) == "仿宋_GB2312"
    assert styles["Normal"].font.name == "Times New Roman"
    assert styles["Normal"].font.size == Pt(16)
    assert style_east_asia(styles["Title"]) == "方正小标宋简体"
    assert styles["Title"].font.size == Pt(22)
    assert style_east_asia(styles["Heading 1"]) == "黑体"
    assert style_east_asia(styles["Heading 2"]) == "楷体_GB2312"
    assert style_east_asia(styles["Heading 3"]) == "仿宋_GB2312"
    assert style_east_asia(styles["Heading 4"]) == "仿宋_GB2312"
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert east_asia(defaults.find(qn("w:rPr"))) == "仿宋_GB2312"
    # No theme fonts left from the template: they would win over the names above.
    xml = styles.element.xml
    for sid in ("Normal", "Title", "Heading1", "Heading2", "Heading3", "Heading4"):
        style = styles.element.get_by_id(sid)
        assert "Theme" not in style.xml, sid
    assert "eastAsiaTheme" not in xml.split("<w:latentStyles")[0]


def test_headings_are_real_styles_without_numbering(document) -> None:
    for level, text in ((1, "一、主要举措和成效"), (2, "（一）强化法治学习引领"),
                        (3, "1.建立健全机制"), (4, "（1）印发工作要点")):
        p = paragraph_with(document, text)
        assert p.style.name == f"Heading {level}"
        style = p.style.element
        ppr = style.find(qn("w:pPr"))
        assert ppr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level - 1)
        assert ppr.find(qn("w:numPr")) is None
        assert p.style.font.color.rgb == docx.shared.RGBColor(0, 0, 0)
        assert p.style.font.size == Pt(16)
        assert not p.style.font.bold
        # Indented two characters like the body (inherited from Normal).
        assert p.paragraph_format.first_line_indent is None
    assert document.styles["Normal"].paragraph_format.first_line_indent == Pt(32)
    ind = document.styles["Normal"].element.find(qn("w:pPr")).find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"


def test_title_is_centred_and_followed_by_one_blank_line(document) -> None:
    title = document.paragraphs[0]
    assert title.style.name == "Title"
    pf = title.style.paragraph_format
    assert pf.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert pf.space_after == Pt(28.95)
    assert pf.first_line_indent == 0


def test_body_is_justified_and_indented_two_characters(document) -> None:
    p = paragraph_with(document, "2024年，市城管局")
    assert p.style.name == "Normal"
    assert p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert p.style.paragraph_format.first_line_indent == Pt(32)


def test_run_in_heading_takes_its_levels_font(document) -> None:
    p = paragraph_with(document, "带头抓学习")
    lead, rest = p.runs
    assert lead.text == "（一）带头抓学习，提高政治站位。"
    assert east_asia(lead._r.rPr) == "楷体_GB2312"
    assert east_asia(rest._r.rPr) is None  # the body font, from Normal
    p3 = paragraph_with(document, "深学笃行")
    assert east_asia(p3.runs[0]._r.rPr) == "仿宋_GB2312"
    assert not p3.runs[0].bold


def test_heading3_bold_is_configurable(tmp_path: Path) -> None:
    path = write_docx(report_blocks(), tmp_path / "b.docx", layout={"heading3_bold": True})
    doc = docx.Document(str(path))
    assert doc.styles["Heading 3"].font.bold is True
    assert not doc.styles["Heading 4"].font.bold
    assert paragraph_with(doc, "深学笃行").runs[0].bold is True


def test_fonts_are_configurable(tmp_path: Path) -> None:
    fonts = {"body": "仿宋", "heading2": "楷体", "title": "宋体"}
    doc = docx.Document(str(write_docx(report_blocks(), tmp_path / "f.docx",
                                       layout={"fonts": fonts})))
    assert style_east_asia(doc.styles["Normal"]) == "仿宋"
    assert style_east_asia(doc.styles["Heading 2"]) == "楷体"
    assert style_east_asia(doc.styles["Title"]) == "宋体"
    assert style_east_asia(doc.styles["Heading 1"]) == "黑体"
    assert east_asia(paragraph_with(doc, "带头抓学习").runs[0]._r.rPr) == "楷体"


def test_resolve_layout_merges_without_touching_the_defaults() -> None:
    merged = resolve_layout({"fonts": {"body": "仿宋"}, "page": {"top_mm": 36}})
    assert merged["fonts"]["body"] == "仿宋"
    assert merged["fonts"]["heading1"] == "黑体"
    assert merged["page"]["top_mm"] == 36 and merged["page"]["left_mm"] == 28
    assert load_data("layout.yaml")["fonts"]["body"] == "仿宋_GB2312"
    assert resolve_layout(None)["page"]["top_mm"] == 37


# --- footer and signature ------------------------------------------------------------------


def footer_xml(footer) -> str:
    return footer._element.xml


def test_page_numbers_odd_right_even_left_with_a_page_field(document) -> None:
    assert document.settings.odd_and_even_pages_header_footer is True
    s = document.sections[0]
    for footer, align, left, right in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT, 0, 280),
                                       (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, 280, 0)):
        assert not footer.is_linked_to_previous
        p = footer.paragraphs[0]
        assert re.fullmatch(r"— \d —", p.text)
        assert p.alignment == align
        assert p.paragraph_format.left_indent.twips == left  # one 4号 character
        assert p.paragraph_format.right_indent.twips == right
        xml = footer_xml(footer)
        kinds = re.findall(r'w:fldCharType="(\w+)"', xml)
        assert kinds == ["begin", "separate", "end"]
        assert "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>" in xml
        for run in p.runs:
            assert east_asia(run._r.rPr) == "宋体"
            assert run.font.name == "宋体"
            assert run.font.size == Pt(14)


def test_signature_is_placed_per_7_3_5_2(document) -> None:
    name, date = document.paragraphs[-2:]
    assert name.text == "常州市城市管理局"
    assert date.text == "2025年2月20日"
    assert name.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert name.paragraph_format.right_indent.twips == 640  # 右空二字
    assert name.paragraph_format.space_before == Pt(28.95)  # 空一行
    assert name.paragraph_format.keep_with_next
    s = document.sections[0]
    text_w = s.page_width.twips - s.left_margin.twips - s.right_margin.twips
    name_start = text_w - 640 - 8 * (320 - 5)
    # 成文日期首字比署名首字右移二字.
    assert date.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert date.paragraph_format.left_indent.twips == name_start + 640


def test_the_signature_never_stands_alone_on_a_page(document) -> None:
    last_text = paragraph_with(document, "特此报告。")
    assert last_text.paragraph_format.keep_with_next


def test_a_date_longer_than_the_name_is_right_indented_two(tmp_path: Path) -> None:
    doc = docx.Document(io.BytesIO(build_docx([Signature("某某局", "2025年12月20日")])))
    name, date = doc.paragraphs
    assert date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date.paragraph_format.right_indent.twips == 640
    assert name.alignment == WD_ALIGN_PARAGRAPH.LEFT
    text_w = 8845
    date_start = text_w - 640 - 7 * (320 - 5)  # 2025年12月20日: 7 characters wide
    assert name.paragraph_format.left_indent.twips == date_start - 640


# Word refuses ("unreadable content") a file whose property elements are out of schema order or
# repeated, while python-docx and LibreOffice read it happily: so check the order here.
PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
             "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
             "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
             "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
             "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange").split()
RPR_ORDER = ("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
             "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
             "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish "
             "oMath").split()
TBLPR_ORDER = ("tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW "
               "jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook").split()


def test_word_opens_it_without_compatibility_mode(document) -> None:
    settings = document.settings.element.xml
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in settings
    assert '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>' in settings


def test_properties_are_in_schema_order(written: Path) -> None:
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(written) as zf:
        names = [n for n in zf.namelist() if re.fullmatch(r"word/(document|styles|footer\d+)\.xml", n)]
        trees = {n: etree.fromstring(zf.read(n)) for n in names}
    checked = 0
    for name, root in trees.items():
        for tag, order in (("pPr", PPR_ORDER), ("rPr", RPR_ORDER), ("tblPr", TBLPR_ORDER)):
            for el in root.iter(w + tag):
                kids = [c.tag.replace(w, "") for c in el]
                if tag == "rPr" and el.getparent().tag == w + "pPr":
                    continue  # a paragraph mark's rPr: same order, checked as rPr anyway
                known = [k for k in kids if k in order]
                assert known == sorted(known, key=order.index), (name, tag, kids)
                assert len(kids) == len(set(kids)), (name, tag, kids)
                checked += 1
    assert checked > 50


# --- files -----------------------------------------------------------------------------------


def test_same_input_same_bytes() -> None:
    one = build_docx(report_blocks(), meta=META)
    two = build_docx(report_blocks(), meta=META)
    assert one == two
    with zipfile.ZipFile(io.BytesIO(one)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.namelist()[0] == "[Content_Types].xml"
        assert "docProps/thumbnail.jpeg" not in zf.namelist()
        assert "word/stylesWithEffects.xml" not in zf.namelist()
    other = build_docx(report_blocks(), meta={**META, "date": "2025-02-21"})
    assert other != one


def test_core_properties_come_from_meta(document) -> None:
    props = document.core_properties
    assert props.title == TITLE
    assert props.author == "常州市城市管理局"
    assert props.created.isoformat().startswith("2025-02-20")
    assert props.modified == props.created
    undated = docx.Document(io.BytesIO(build_docx([Title("x")], meta={"year": 2024})))
    assert undated.core_properties.created.isoformat().startswith("2025-01-01")


def test_extended_properties_tell_the_truth(written: Path, document) -> None:
    with zipfile.ZipFile(written) as zf:
        app = zf.read("docProps/app.xml").decode("utf-8")
    assert "<Application>authoring</Application>" in app
    assert "<Company>常州市城市管理局</Company>" in app
    assert "Macintosh" not in app and "<Pages>" not in app
    chars = len(re.sub(r"\s", "", "".join(p.text for p in document.paragraphs)))
    chars += sum(len(c.text) for row in document.tables[0].rows for c in row.cells)
    assert f"<Characters>{chars}</Characters>" in app


def test_linked_heading_character_styles_look_like_their_paragraph_styles(document) -> None:
    for level, font in ((1, "黑体"), (2, "楷体_GB2312")):
        char_style = document.styles[f"Heading {level} Char"]
        assert style_east_asia(char_style) == font
        assert char_style.font.color.rgb == docx.shared.RGBColor(0, 0, 0)


def test_the_file_is_stamped(written: Path) -> None:
    stamp = read_stamp(written)
    assert stamp is not None and re.fullmatch(r"[0-9a-f]{64}", stamp["hash"])
    assert stamp["version"]


def test_characters_word_cannot_hold_are_refused_with_the_line() -> None:
    with pytest.raises(AuthoringError) as err:
        build_docx([Paragraph("正常文字\x01坏字符", line=14)])
    assert str(err.value) == "<输入>:14: 含有 Word 无法保存的字符 U+0001（在“正常文字”之后），请删除该字符"
    with pytest.raises(AuthoringError) as err:
        build_docx([Title("标题\ud800")], meta={"source": "report.yaml"})
    assert str(err.value) == "report.yaml: 含有 Word 无法保存的字符 U+D800（在“标题”之后），请删除该字符"


def test_write_docx_refuses_to_overwrite_a_foreign_file(tmp_path: Path) -> None:
    target = tmp_path / "报告.docx"
    target.write_bytes(b"somebody else's file")
    with pytest.raises(OutputError):
        write_docx(report_blocks(), target)
    assert target.read_bytes() == b"somebody else's file"


def test_write_text_publishes_utf8_with_a_trailing_newline(tmp_path: Path) -> None:
    path = write_text(report_blocks(), tmp_path / "报告.txt")
    text = path.read_text(encoding="utf-8")
    # A blank line between paragraphs: pasted into a CMS editor they stay paragraphs (issue 11).
    assert text.startswith(TITLE + "\n\n2024年，市城管局")
    assert "\n\n\n" not in text
    assert text.endswith("\n\n常州市城市管理局\n2025年2月20日\n")
    write_text(report_blocks(), path)  # the same text again: no complaint
    with pytest.raises(OutputError):
        write_text(report_blocks()[:3], path)
    backups: list[Path] = []
    write_text(report_blocks()[:3], path, force=True, on_backup=backups.append)
    assert backups == [tmp_path / "报告.bak-1.txt"]
    assert backups[0].read_text(encoding="utf-8") == text


# --- reference document ----------------------------------------------------------------------


def make_reference(path: Path) -> Path:
    ref = docx.Document()
    normal = ref.styles["Normal"]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "华文仿宋")
    h1 = ref.styles["Heading 1"]
    fonts = h1.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    fonts.set(qn("w:eastAsia"), "方正黑体_GBK")
    ref.add_paragraph("这是模板里的示例文字，不应出现在报告中")
    ref.sections[0].footer.is_linked_to_previous = False
    ref.sections[0].footer.paragraphs[0].text = "本机关页脚"
    ref.save(str(path))
    return path


def test_reference_doc_lends_its_styles_and_footer(tmp_path: Path) -> None:
    ref = make_reference(tmp_path / "模板.docx")
    blocks = report_blocks() + [Paragraph("正文。", lead="强化监督。", number="二、", level=1)]
    doc = docx.Document(str(write_docx(blocks, tmp_path / "r.docx", reference_doc=ref)))
    assert "示例文字" not in "".join(p.text for p in doc.paragraphs)
    assert style_east_asia(doc.styles["Normal"]) == "华文仿宋"
    assert style_east_asia(doc.styles["Heading 1"]) == "方正黑体_GBK"
    assert east_asia(paragraph_with(doc, "强化监督").runs[0]._r.rPr) == "方正黑体_GBK"
    s = doc.sections[0]
    assert s.footer.paragraphs[0].text == "本机关页脚"
    assert "PAGE" in footer_xml(s.even_page_footer)  # the reference had no even footer


def test_a_bad_reference_doc_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "模板.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 an old .doc")
    with pytest.raises(AuthoringError) as err:
        docx_bytes(report_blocks(), reference_doc=bad)
    assert str(err.value) == f"{bad}: 这是旧版 Word（.doc）文件，不是 .docx；请在 Word 中“另存为”Word 文档（.docx）"
    with pytest.raises(AuthoringError) as err:
        docx_bytes(report_blocks(), reference_doc=tmp_path / "无.docx")
    assert "找不到参考文档" in str(err.value)


def test_a_reference_that_lies_about_its_size_stays_bounded(tmp_path: Path, monkeypatch) -> None:
    import authoring.docx.reference as write

    ref = make_reference(tmp_path / "模板.docx")
    monkeypatch.setattr(write, "_MAX_REFERENCE_BYTES", 10_000)  # the template is ~40 KB
    with pytest.raises(AuthoringError) as err:
        docx_bytes(report_blocks(), reference_doc=ref)
    assert "不是有效的 Word .docx 文件" in str(err.value)


def test_a_dotx_template_serves_as_reference(tmp_path: Path) -> None:
    ref = make_reference(tmp_path / "模板.docx")
    with zipfile.ZipFile(ref) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"document.main+xml", b"template.main+xml")
    dotx = tmp_path / "模板.dotx"
    with zipfile.ZipFile(dotx, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    doc = docx.Document(io.BytesIO(docx_bytes(report_blocks(), reference_doc=dotx)))
    assert style_east_asia(doc.styles["Normal"]) == "华文仿宋"


def test_the_font_table_offers_fallbacks(document, written: Path) -> None:
    with zipfile.ZipFile(written) as zf:
        table = zf.read("word/fontTable.xml").decode("utf-8")
    fonts = dict(re.findall(r'<w:font w:name="([^"]+)">(.*?)</w:font>', table, re.S))
    assert set(fonts) == {"Times New Roman", "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"}
    assert '<w:altName w:val="仿宋"/>' in fonts["仿宋_GB2312"]
    assert '<w:charset w:val="86"/>' in fonts["黑体"]


def test_a_signature_without_a_name_or_date(tmp_path: Path) -> None:
    only_date = docx.Document(io.BytesIO(build_docx([Signature("", "2025年2月20日")])))
    (date,) = only_date.paragraphs
    assert date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date.paragraph_format.right_indent.twips == 640
    only_name = docx.Document(io.BytesIO(build_docx([Signature("某局")])))
    assert [p.text for p in only_name.paragraphs] == ["某局"]


# --- LibreOffice: the file opens and prints as a report -----------------------------------


def convert_to_pdf(path: Path, tmp_path: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / (path.stem + ".pdf")
    assert pdf.exists()
    return pdf


def poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"poppler-utils ({tool}) is not installed")
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


def test_libreoffice_prints_the_report_on_a4(tmp_path: Path) -> None:
    blocks = report_blocks()
    blocks.insert(-3, Paragraph(LONG * 3))  # long enough for a full second page
    path = write_docx(blocks, tmp_path / "report.docx", meta=META)
    pdf = convert_to_pdf(path, tmp_path)
    info = poppler("pdfinfo", str(pdf))
    assert re.search(r"Page size:\s+595(\.\d+)? x 84[12](\.\d+)? pts \(A4\)", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 2 <= pages <= 4
    text = poppler("pdftotext", str(pdf), "-")
    flat = re.sub(r"\s+", "", text)
    for needle in ("法治政府建设情况的报告", "一、主要举措和成效", "深学笃行习近平法治思想",
                   "行政许可", "常州市城市管理局", "—1—", "—2—"):
        assert needle in flat, needle


def test_libreoffice_sets_22_lines_of_28_characters(tmp_path: Path) -> None:
    pdf = convert_to_pdf(write_docx([Paragraph(LONG * 6)], tmp_path / "grid.docx"), tmp_path)
    layout = poppler("pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-")
    lines = [line for line in layout.splitlines() if re.search(r"[\u4e00-\u9fff]", line)]
    assert len(lines) == 22
    counts = [len(re.findall(r"[\u4e00-\u9fff]", line)) for line in lines]
    assert counts[0] == 26  # 段首空二字
    assert set(counts[1:]) == {28}


# --- any text either writes and reads back, or is refused with our error --------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Everything but surrogates from the text strategy, plus the characters that trip XML.
any_text = st.text(st.one_of(st.characters(blacklist_categories=("Cs",)),
                             st.sampled_from("\x00\x01\x0b\x1f\ufffe\ud800\t\n—“”…")),
                   max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=any_text, heading=any_text, lead=any_text, text=any_text,
       level=st.integers(min_value=1, max_value=4), lead_level=st.integers(min_value=0, max_value=4),
       name=any_text, date=any_text,
       cells=st.lists(st.lists(any_text, min_size=0, max_size=3), min_size=0, max_size=3))
def test_any_text_is_written_faithfully_or_refused(title, heading, lead, text, level, lead_level,
                                                   name, date, cells) -> None:
    blocks = [Title(title), Heading(level, heading, "一、"),
              Paragraph(text, lead=lead, number="（一）", level=lead_level),
              Table(tuple(tuple(r) for r in cells)), Signature(name, date)]
    try:
        data = build_docx(blocks, meta={"year": 2024})
    except AuthoringError as exc:
        assert "含有 Word 无法保存的字符" in str(exc)
        return
    doc = docx.Document(io.BytesIO(data))
    # python-docx reads a carriage return back as a line break.
    seen = [p.text for p in doc.paragraphs]
    expect = lambda s: s.replace("\r", "\n")  # noqa: E731
    assert seen[0].replace("\n", "") == expect(title).replace("\n", "")
    assert seen[1] == expect("一、" + heading)
    assert seen[2] == expect("（一）" + lead + text)
    assert [expect(s) for s in (name, date) if s] == seen[3:]


@pytest.mark.parametrize("block, message", [
    (Heading(7, "标题"), "heading level must be in range 1-4, got 7"),
    (Heading(0, "标题"), "heading level must be in range 1-4, got 0"),
    (Paragraph("正文", lead="小标题。", level=5), "paragraph level must be in range 0-4, got 5"),
    (Paragraph("正文", level=-1), "paragraph level must be in range 0-4, got -1"),
])
def test_a_level_word_has_no_style_for_is_refused_not_clamped(block, message) -> None:
    # GB/T 9704 has four heading levels (一、（一）1.（1）); a fifth would have been written
    # silently as the fourth.
    with pytest.raises(ValueError) as err:
        build_docx([block])
    assert str(err.value) == message



@pytest.mark.parametrize("overrides", [None, {}, {"heading3_bold": True}, {"fonts": {"body": "仿宋"}},
                                       {"fonts": {"body": "仿宋"}, "page": {"top_mm": 36}},
                                       {"sizes": {"body": 16.0}}, {"fonts": {"body": None}}])
def test_the_lean_base_found_by_a_layout_section_is_the_one_of_its_resolved_layout(overrides: Any) -> None:
    """The writer finds the shared parts by the report's `layout:` section (docx/base.py's
    lean_base_of): they must be those lean_base builds for the section resolved, so that the
    same report gives the same bytes whichever way the base was found."""
    from authoring.docx.base import LeanBase, lean_base_of

    found = lean_base_of(overrides)
    fresh = LeanBase(resolve_layout(overrides))
    assert found.layout == resolve_layout(overrides)
    assert found.parts == fresh.parts and (found.head, found.tail) == (fresh.head, fresh.tail)
    assert lean_base_of(overrides) is found
    assert build_docx(report_blocks(), layout=overrides, meta=META) == build_docx(
        report_blocks(), layout=resolve_layout(overrides), meta=META)


def test_the_character_count_leaves_out_what_re_calls_white_space() -> None:
    """docx/body.py counts the characters but white space with str.split, where it used
    re.sub(r"\\s", ...): the two must agree on every code point."""
    import sys

    from authoring.docx.base import lean_base_of
    from authoring.docx.body import Body

    body = Body(lean_base_of(None))
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    body.texts = [every, "中 文\u3000字\t符\n", ""]
    assert body.chars() == len(re.sub(r"\s", "", "".join(body.texts)))
