"""Reading every input format into the same blocks, and refusing what cannot be read."""
from __future__ import annotations

import codecs
import re
import sys
import zipfile
from pathlib import Path

import pytest

import authoring.decode as decode
import authoring.docx.container as container
from authoring.blocks import Heading, Paragraph, Signature, Title, blocks_to_text, dump_blocks
from authoring.errors import InputError
from authoring.main import read_file
from authoring.read import classify_line

sys.path.insert(0, str(Path(__file__).resolve().parent))
import variants as V  # noqa: E402  (test helper beside this file)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


# -- lines ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, level, number, lead",
    [
        ("一、主要举措和成效", 1, "一、", None),
        ("（一）强化法治学习引领，夯牢政治思想基础", 2, "（一）", None),
        ("(一)强化法治学习引领,夯牢政治思想基础", 2, "(一)", None),
        ("（一）强化组织领导。在市委领导下，……", 2, "（一）", "强化组织领导。"),
        ("(二)带头抓落实,强化责任担当。以身作则……", 2, "(二)", "带头抓落实,强化责任担当。"),
        ("1.深学笃行习近平法治思想。把学习宣传……", 3, "1.", "深学笃行习近平法治思想。"),
        ("1．深学笃行习近平法治思想。把学习宣传……", 3, "1．", "深学笃行习近平法治思想。"),
        ("1、深学笃行习近平法治思想。把学习宣传……", 3, "1、", "深学笃行习近平法治思想。"),
        ("（1）规范执法。全年……", 4, "（1）", "规范执法。"),
        ("十一、其他需要报告的情况", 1, "十一、", None),
    ],
)
def test_numbered_lines_become_headings_or_run_in_headings(line: str, level: int, number: str,
                                                           lead: str | None) -> None:
    b = classify_line(line, 7)
    if lead is None:
        assert isinstance(b, Heading) and (b.level, b.number, b.line) == (level, number, 7)
        assert b.full_text == line
    else:
        assert isinstance(b, Paragraph) and (b.level, b.number, b.lead) == (level, number, lead)
        assert b.full_text == line  # the original text is kept, brackets and all


@pytest.mark.parametrize("line", ["2024年，市城管局坚持……", "3.5万件案件全部办结。", "一是加强学习。", "12345"])
def test_ordinary_lines_are_paragraphs(line: str) -> None:
    b = classify_line(line)
    assert isinstance(b, Paragraph) and not b.number and not b.lead


# -- the corpus ----------------------------------------------------------------------------------


def test_corpus_web_page_chrome_is_dropped_and_listed() -> None:
    r = read_file(V.CORPUS / "jiulongpo-cgj-2023.txt")
    assert r.kind == "text" and r.encoding == "utf-8"
    assert r.chrome[:2] == ["您当前的位置: 首页>政务公开>政府信息公开目录>法治政府建设年度报告 >区城管局", "日期:2024-03-06"]
    assert "扫一扫在手机打开当前页" in r.chrome and r.chrome[-1] == "区(县)政府网站"
    assert r.blocks[0] == Title("区城市管理局关于2023年度法治政府建设情况的报告", 3)
    text = dump_blocks(r.blocks)
    for chrome in ("扫一扫", "智能问答", "日期:", "您当前的位置"):
        assert chrome not in text
    last = r.blocks[-1]
    assert isinstance(last, Paragraph) and last.number == "(五)" and last.line == 55


def test_corpus_signature_is_found() -> None:
    r = read_file(V.CORPUS / "chuxiong-zhzf-2024.txt")
    assert r.blocks[-1] == Signature("楚雄市综合行政执法局", "2024年11月26日", 28)
    assert r.chrome == []


def test_corpus_noise_line_is_chrome() -> None:
    r = read_file(V.CORPUS / "changzhou-cgj-2024.txt")
    assert r.chrome == ["|"]
    assert not any(isinstance(b, (Title, Signature)) for b in r.blocks)


# -- encodings and formats give the same blocks ----------------------------------------------------


@pytest.mark.parametrize("path", V.corpus_files(), ids=lambda p: p.stem)
@pytest.mark.parametrize(
    "encoding, prefix, expect",
    [("utf-8", b"", "utf-8"), ("utf-8", codecs.BOM_UTF8, "utf-8-sig"), ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
     ("gbk", b"", "gb18030")],
)
def test_encodings_give_the_same_blocks(tmp_path: Path, path: Path, encoding: str, prefix: bytes,
                                        expect: str) -> None:
    text = path.read_text(encoding="utf-8")
    p = tmp_path / "报告.txt"
    p.write_bytes(prefix + text.encode(encoding))
    r = read_file(p)
    assert r.encoding == expect
    assert r.blocks == read_file(path).blocks


@pytest.mark.parametrize("path", V.corpus_files(), ids=lambda p: p.stem)
def test_docx_markdown_html_give_the_same_blocks(tmp_path: Path, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    want = dump_blocks(read_file(path).blocks)
    docx = V.to_docx(text, tmp_path / "报告.docx", gb9704=True)
    md = _write(tmp_path, "报告.md", V.to_markdown(text))
    html = _write(tmp_path, "报告.html", V.to_html(text))
    styled = V.to_docx(text, tmp_path / "样式.docx", heading_styles=True)
    for p in (docx, md, html, styled):
        r = read_file(p)
        assert dump_blocks(r.blocks) == want, p.name
    assert read_file(html).kind == "html" and read_file(md).kind == "markdown"


def test_docx_lines_are_paragraph_numbers(tmp_path: Path) -> None:
    text = "一、主要举措和成效\n\n（一）强化组织领导。正文。\n"
    p = tmp_path / "a.docx"
    import docx

    d = docx.Document()
    for line in text.split("\n")[:-1]:
        d.add_paragraph(line)
    d.save(str(p))
    r = read_file(p)
    assert r.blocks == [Heading(1, "主要举措和成效", "一、", 1), Paragraph("正文。", "强化组织领导。", "（一）", 2, 3)]


def test_html_drops_scripts_navigation_and_footer(tmp_path: Path) -> None:
    text = V.corpus_text("chuxiong-zhzf-2024")
    r = read_file(_write(tmp_path, "报告.htm", V.to_html(text)))
    dump = dump_blocks(r.blocks)
    for junk in ("不是标题", "互动交流", "分享到", "版权所有", "document.write"):
        assert junk not in dump
    assert any("发布日期" in c for c in r.chrome)


def test_html_in_gbk_is_decoded(tmp_path: Path) -> None:
    text = V.corpus_text("changzhou-cgj-2024")
    p = tmp_path / "报告.html"
    p.write_bytes(V.to_html(text).replace('charset="utf-8"', 'charset="gbk"').encode("gbk"))
    r = read_file(p)
    assert r.encoding == "gb18030" and dump_blocks(r.blocks) == dump_blocks(read_file(V.CORPUS / "changzhou-cgj-2024.txt").blocks)


def test_added_chrome_is_dropped(tmp_path: Path) -> None:
    for path in V.corpus_files():
        text = path.read_text(encoding="utf-8")
        r = read_file(_write(tmp_path, "报告.txt", V.add_chrome(text)))
        assert dump_blocks(r.blocks) == dump_blocks(read_file(path).blocks)
        assert all(c in r.chrome for c in V.HEAD_CHROME + V.TAIL_CHROME)


def test_two_line_title_is_joined(tmp_path: Path) -> None:
    p = _write(tmp_path, "a.txt", "某市城市管理局\n关于2024年度法治政府建设情况的报告\n2024年，某市城市管理局坚持依法行政，取得了积极成效。\n")
    assert read_file(p).blocks[0] == Title("某市城市管理局关于2024年度法治政府建设情况的报告", 1)


# -- docx layout facts -----------------------------------------------------------------------------


def test_docx_layout_facts(tmp_path: Path) -> None:
    text = V.corpus_text("jiulongpo-cgj-2023")
    good = read_file(V.to_docx(text, tmp_path / "good.docx", gb9704=True)).docx_layout
    assert good["page"] == {"width_mm": 210.0, "height_mm": 297.0, "top_mm": 37.0, "bottom_mm": 35.0,
                            "left_mm": 28.0, "right_mm": 26.0, "footer_mm": good["page"]["footer_mm"]}
    assert {k: (v["east_asia"], v["size"]) for k, v in good["fonts"].items()} == {
        "title": ("方正小标宋简体", 22.0), "body": ("仿宋_GB2312", 16.0), "heading1": ("黑体", 16.0),
        "heading2": ("楷体_GB2312", 16.0)}
    assert good["footer"] == {"page_number": True, "odd_even": True, "dashes": True}
    plain = read_file(V.to_docx(text, tmp_path / "plain.docx")).docx_layout
    assert (plain["page"]["width_mm"], plain["page"]["height_mm"]) == (215.9, 279.4)
    assert plain["footer"]["page_number"] is False


# -- refusals ----------------------------------------------------------------------------------------


def _refused(path: Path, fragment: str) -> None:
    with pytest.raises(InputError) as e:
        read_file(path)
    assert fragment in str(e.value) and str(path) in str(e.value)
    assert e.value.exit_code == 2


def test_missing_and_empty_files_are_refused(tmp_path: Path) -> None:
    _refused(tmp_path / "无.txt", "文件不存在")
    (tmp_path / "空.txt").write_bytes(b"")
    _refused(tmp_path / "空.txt", "0 字节")
    _refused(tmp_path, "文件夹")
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    _refused(tmp_path / "a.pdf", "PDF 文件无法可靠地还原段落和标题")
    (tmp_path / "a.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    _refused(tmp_path / "a.doc", "另存为")
    (tmp_path / "a.rtf").write_bytes(b"{")
    _refused(tmp_path / "a.rtf", "不支持的文件类型“.rtf”")


@pytest.mark.parametrize(
    "content, fragment",
    [(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Word（.doc）"),
     (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
     (b"just some text, not a zip", "不是有效的 .docx")],
)
def test_docx_that_is_not_docx_is_refused(tmp_path: Path, content: bytes, fragment: str) -> None:
    p = tmp_path / "报告.docx"
    p.write_bytes(content)
    _refused(p, fragment)


def test_zip_without_document_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "报告.docx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("hello.txt", "hi")
    _refused(p, "word/document.xml")


def test_zip_bomb_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "炸弹.docx"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * (4 * 1024 * 1024))
    _refused(p, "压缩比异常")
    monkeypatch.setattr(container, "MAX_ZIP_RATIO", 10 ** 9)
    monkeypatch.setattr(container, "MAX_DOCX_UNPACKED", 1024 * 1024)
    _refused(p, "解压后过大")


def test_big_text_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode, "MAX_TEXT_BYTES", 100)
    _refused(_write(tmp_path, "大.txt", "一" * 100), "20 MB")


def test_binary_disguised_as_text_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "报告.txt"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")
    _refused(p, "旧版 Word")
    p.write_bytes(b"PK\x03\x04rest")
    _refused(p, ".docx")


def test_undecodable_bytes_are_refused_naming_the_line(tmp_path: Path) -> None:
    p = tmp_path / "报告.txt"
    p.write_bytes("第一行\n".encode("utf-8") + b"\x81\x30\xff\xff\n")
    with pytest.raises(InputError) as exc:
        read_file(p)
    assert str(exc.value) == f"{p}:2: 文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取；请在编辑器中另存为 UTF-8 编码"


def test_a_damaged_utf8_bom_text_is_checked_and_the_damage_said(tmp_path: Path) -> None:
    """A published text marked UTF-8 with a few damaged bytes is still read (the check is worth
    more than one character), with U+FFFD in their place and a warning that says how many."""
    p = tmp_path / "报告.txt"
    p.write_bytes(codecs.BOM_UTF8 + "一、主要举措和成效\n共办理".encode("utf-8") + b"\xff\xfe" + "件。\n".encode("utf-8"))
    r = read_file(p)
    assert r.encoding == "utf-8-sig"
    assert "共办理\ufffd\ufffd件。" in blocks_to_text(r.blocks)
    assert [str(w) for w in r.warnings] == [f"{p}: 警告：文件以 UTF-8 保存，但有 2 处字节无法读取，已显示为“\ufffd”；请核对原文"]


# -- YAML goes through the renderer ------------------------------------------------------------------


def test_yaml_goes_through_render_report() -> None:
    pytest.importorskip("authoring.render")
    examples = Path(__file__).resolve().parents[1] / "examples"
    files = sorted(examples.glob("*.yaml"))
    if not files:
        pytest.skip("no examples")
    r = read_file(files[0])
    assert r.kind == "yaml" and any(isinstance(b, Heading) for b in r.blocks)


WEB_COPY = """某某县人民政府 2019年12月3日星期二
无障碍 简体| 繁体
您所在的位置：政务公开 > 工作报告
工作报告
某某县2024年度法治政府建设情况报告
文章来源：司法局 发布时间：2025-03-28 09:18
某某县2024年度法治政府建设情况报告

2024年，某某县坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻习近平法治思想，法治政府建设取得新成效。
一、县政府主要负责同志履行推进法治建设第一责任人职责情况
"""


def test_web_page_header_before_and_around_the_title_is_chrome(tmp_path: Path) -> None:
    r = read_file(_write(tmp_path, "a.txt", WEB_COPY))
    assert r.chrome == ["某某县人民政府 2019年12月3日星期二", "无障碍 简体| 繁体", "您所在的位置：政务公开 > 工作报告",
                        "文章来源：司法局 发布时间：2025-03-28 09:18", "工作报告", "某某县2024年度法治政府建设情况报告"]
    assert r.blocks[0] == Title("某某县2024年度法治政府建设情况报告", 5)
    assert isinstance(r.blocks[1], Paragraph) and r.blocks[1].line == 9


def test_masthead_lines_before_the_title_are_kept(tmp_path: Path) -> None:
    text = "某城管〔2025〕3号\n某市城市管理局\n关于2024年度法治政府建设情况的报告\n2024年，某市城市管理局坚持依法行政，取得了积极成效，现报告如下。\n"
    r = read_file(_write(tmp_path, "a.txt", text))
    assert r.chrome == []
    assert r.blocks[:2] == [Paragraph("某城管〔2025〕3号", line=1), Title("某市城市管理局关于2024年度法治政府建设情况的报告", 2)]


def test_docx_tracked_insertions_are_read_and_deletions_are_not(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    d = docx.Document()
    p = d.add_paragraph("一、主要")
    p._p.append(parse_xml(f'<w:ins {w} w:id="1" w:author="a"><w:r><w:t>举措和成效</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {w} w:id="2" w:author="a"><w:r><w:delText>（删）</w:delText></w:r></w:del>'))
    d.save(str(tmp_path / "a.docx"))
    assert read_file(tmp_path / "a.docx").blocks == [Heading(1, "主要举措和成效", "一、", 1)]


@pytest.mark.parametrize("title", ["某县司法局2024年度法治政府建设工作总结", "某市城市管理局2024年法治政府建设年度报告",
                                   "关于2024年度法治政府建设情况的报告"])
@pytest.mark.parametrize("date", ["2025年1月20日", "二〇二五年一月二十日", "2025年1月"])
def test_title_and_signature_variants(tmp_path: Path, title: str, date: str) -> None:
    text = f"{title}\n2024年，我局坚持依法行政，取得了积极成效，现将有关情况报告如下。\n一、主要举措和成效\n正文。\n某县司法局\n{date}\n"
    blocks = read_file(_write(tmp_path, "a.txt", text)).blocks
    assert blocks[0] == Title(title, 1) and blocks[-1] == Signature("某县司法局", date, 5)


def test_html_site_name_in_h1_is_not_the_title(tmp_path: Path) -> None:
    html = ("<html><body><h1>某某市人民政府</h1><div class='breadcrumb'>首页 &gt; 政务公开</div>"
            "<h2>某某市城市管理局关于2024年度法治政府建设情况的报告</h2>"
            "<p>2024年，某某市城市管理局坚持依法行政，法治政府建设取得积极成效，现将有关情况报告如下。</p>"
            "<p>一、主要举措和成效</p></body></html>")
    r = read_file(_write(tmp_path, "a.html", html))
    assert r.blocks[0] == Title("某某市城市管理局关于2024年度法治政府建设情况的报告", 1)
    assert r.chrome == ["某某市人民政府"]


def test_zip_entry_lying_about_its_size_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    import io
    import tracemalloc

    import docx

    real = io.BytesIO()
    docx.Document().save(real)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z, zipfile.ZipFile(io.BytesIO(real.getvalue())) as src:
        for info in src.infolist():
            z.writestr(info.filename, b" " * (20 * 1024 * 1024) if info.filename == "word/document.xml" else src.read(info))
    data = bytearray(buf.getvalue())
    # Make the central directory claim 1 KB for word/document.xml (what zipfile trusts).
    at = data.find(b"PK\x01\x02")
    while data[at + 46:at + 46 + int.from_bytes(data[at + 28:at + 30], "little")] != b"word/document.xml":
        at = data.find(b"PK\x01\x02", at + 4)
    data[at + 24:at + 28] = (1024).to_bytes(4, "little")
    p = tmp_path / "骗子.docx"
    p.write_bytes(bytes(data))
    tracemalloc.start()
    try:
        _refused(p, "与其声明的大小或校验值不符")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 1024 * 1024


def test_docx_without_content_types_gets_a_chinese_reason(tmp_path: Path) -> None:
    import io

    import docx

    real = io.BytesIO()
    docx.Document().save(real)
    p = tmp_path / "坏.docx"
    with zipfile.ZipFile(p, "w") as z, zipfile.ZipFile(io.BytesIO(real.getvalue())) as src:
        for info in src.infolist():
            if info.filename != "[Content_Types].xml":
                z.writestr(info.filename, src.read(info))
    _refused(p, "缺少 [Content_Types].xml 部件")


# -- Word's automatic list numbering -----------------------------------------------------------------
# A clerk who numbers 一、/（一）/1. with Word's lists has no number in document.xml: Word draws it
# from numbering.xml. These files are built with python-docx and its oxml, the way Word writes them,
# and read back as a person sees them in Word.

_WXMLNS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _lvl(ilvl: int, fmt: str, text: str, start: int = 1, *, restart: int | None = None, style: str = "",
         suff: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            + (f'<w:lvlRestart w:val="{restart}"/>' if restart is not None else "")
            + (f'<w:pStyle w:val="{style}"/>' if style else "")
            + (f'<w:suff w:val="{suff}"/>' if suff else "")
            + f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>')


def _add_list(d: object, abstract_id: int, levels: str = "", *, nums: dict[int, dict[int, int]],
              head: str = "") -> None:
    """An abstract numbering definition (levels, or `head` such as a w:numStyleLink) and its
    w:num instances {numId: {ilvl: startOverride}} in the document's numbering part."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    numbering = d.part.numbering_part.element  # type: ignore[attr-defined]
    abstract = parse_xml(f'<w:abstractNum {_WXMLNS} w:abstractNumId="{abstract_id}">'
                         f'<w:multiLevelType w:val="multilevel"/>{head}{levels}</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # the schema puts every w:abstractNum before the w:num
    else:
        numbering.append(abstract)
    for num_id, overrides in nums.items():
        ov = "".join(f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="{v}"/></w:lvlOverride>'
                     for i, v in overrides.items())
        numbering.append(parse_xml(f'<w:num {_WXMLNS} w:numId="{num_id}">'
                                   f'<w:abstractNumId w:val="{abstract_id}"/>{ov}</w:num>'))


def _set_numpr(ppr: object, num_id: int | None, ilvl: int | None) -> None:
    numpr = ppr.get_or_add_numPr()  # type: ignore[attr-defined]
    if ilvl is not None:
        numpr.get_or_add_ilvl().val = ilvl
    if num_id is not None:
        numpr.get_or_add_numId().val = num_id


def _list_paragraph(d: object, text: str, num_id: int | None = None, ilvl: int | None = None,
                    style: str | None = None) -> None:
    p = d.add_paragraph(text, style=style)  # type: ignore[attr-defined]
    if num_id is not None or ilvl is not None:
        _set_numpr(p._p.get_or_add_pPr(), num_id, ilvl)


# The three-level numbering of a report: 一、 and （一） chineseCounting, 1. decimal, （1） decimal.
# In w:lvlText, %1 is level 0's number, %2 level 1's and so on: a level shows its own with %n.
_REPORT_LEVELS = (_lvl(0, "chineseCounting", "%1、", style="ReportH1") + _lvl(1, "chineseCounting", "（%2）", style="ReportH2")
                  + _lvl(2, "decimal", "%3.") + _lvl(3, "decimal", "（%4）"))
_REPORT_LIST = 40
# (list level of the heading number, or None for text without one; the line as typed)
_REPORT = [
    (None, "某县司法局关于2024年度法治政府建设情况的报告"),
    (None, "2024年，某县司法局坚持以习近平法治思想为指导，全面推进依法行政，法治政府建设取得积极成效，现将有关情况报告如下。"),
    (0, "一、主要举措和成效"),
    (1, "（一）强化组织领导"),
    (2, "1.健全制度机制。全年修订完善法治建设制度5项。"),
    (2, "2.压实工作责任。与各股室签订法治建设责任书12份。"),
    (2, "3.加强学法用法。组织党组理论学习中心组集中学法4次。"),
    (1, "（二）规范行政执法"),
    (2, "1.严格执法程序。全年办理行政处罚案件36件，无一被复议纠错。"),
    (3, "（1）推行行政执法三项制度。执法全过程记录率100%。"),
    (0, "二、党政主要负责人履行推进法治建设第一责任人职责情况"),
    (1, "（一）亲自部署重要工作。局长主持召开党组会专题研究法治建设3次，对重大问题亲自过问。"),
    (1, "（二）带头尊法学法守法用法。主要负责人在年终述职中述法，出庭应诉行政案件1件。"),
    (0, "三、存在的不足和原因"),
    (None, "执法人员力量不足，法治宣传形式较为单一。"),
    (0, "四、2025年工作计划"),
    (1, "（一）深化法治学习。持续开展领导干部集中学法。"),
    (1, "（二）规范执法行为。开展行政执法案卷评查。"),
    (None, "某县司法局"),
    (None, "2025年1月20日"),
]
_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.|（\d+）)")


def _report_docx(path: Path, word_numbers: bool) -> Path:
    """The report above as Word: with word_numbers, every heading number drawn by a Word list
    (一、 and （一） through the headings' paragraph styles, 1. and （1） through the paragraph's own
    numPr); otherwise the numbers typed as text, with the same styles."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    d = docx.Document()
    styles = {}
    for style_level, name in ((0, "ReportH1"), (1, "ReportH2")):
        style = d.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = d.styles["Normal"]
        styles[style_level] = style
        if word_numbers:
            # As Word writes a heading style linked to a list: numId, and ilvl only when not 0.
            _set_numpr(style.element.get_or_add_pPr(), _REPORT_LIST, style_level or None)
    if word_numbers:
        _add_list(d, 41, _REPORT_LEVELS, nums={_REPORT_LIST: {}})
    for level, text in _REPORT:
        style_name = styles[level].name if level in (0, 1) else None
        if level is None or not word_numbers:
            d.add_paragraph(text, style=style_name)
            continue
        bare = _NUMBER.sub("", text)
        assert bare != text
        _list_paragraph(d, bare, _REPORT_LIST if level >= 2 else None, level if level >= 2 else None, style_name)
    d.save(str(path))
    return path


def test_word_list_numbers_are_read_as_word_shows_them(tmp_path: Path) -> None:
    import docx

    from authoring.main import check_path
    from authoring.parts import find_parts

    listed = _report_docx(tmp_path / "自动编号.docx", word_numbers=True)
    typed = _report_docx(tmp_path / "手写编号.docx", word_numbers=False)
    typed_numbers = [p.text for p in docx.Document(str(listed)).paragraphs if _NUMBER.match(p.text)]
    assert typed_numbers == []  # every number is Word's
    blocks = read_file(listed).blocks
    headings = [b.full_text for b in blocks if isinstance(b, Heading)]
    assert headings == ["一、主要举措和成效", "（一）强化组织领导", "（二）规范行政执法", "二、党政主要负责人履行推进法治建设第一责任人职责情况",
                        "三、存在的不足和原因", "四、2025年工作计划"]
    assert Heading(1, "主要举措和成效", "一、", 3) in blocks
    assert Paragraph("全年修订完善法治建设制度5项。", "健全制度机制。", "1.", 3, 5) in blocks
    assert Paragraph("组织党组理论学习中心组集中学法4次。", "加强学法用法。", "3.", 3, 7) in blocks
    assert Paragraph("执法全过程记录率100%。", "推行行政执法三项制度。", "（1）", 4, 10) in blocks
    assert Paragraph("主要负责人在年终述职中述法，出庭应诉行政案件1件。", "带头尊法学法守法用法。", "（二）", 2, 13) in blocks
    # Exactly what the same report with its numbers typed gives, as a Word file and as text.
    assert blocks == read_file(typed).blocks
    txt = _write(tmp_path, "报告.txt", "\n".join(text for _, text in _REPORT) + "\n")
    assert blocks == read_file(txt).blocks
    # The parts, and everything authoring check says, are those of the typed report.
    parts = find_parts(blocks)
    assert parts.missing == [] and [(s.key, s.heading, s.line) for s in parts.spans] == [
        ("achievements", "主要举措和成效", 3), ("first_responsible", "党政主要负责人履行推进法治建设第一责任人职责情况", 11),
        ("shortcomings", "存在的不足和原因", 14), ("plans", "2025年工作计划", 16)]
    got, want = check_path(listed), check_path(typed)
    assert got.missing == [] and got.parts == want.parts
    assert [(f.rule, f.message, f.line, f.heading) for f in got.findings] == \
        [(f.rule, f.message, f.line, f.heading) for f in want.findings]


def _shown(blocks: list) -> list[str]:
    """Each heading's and paragraph's text with its number, as a reader sees it."""
    return [b.full_text for b in blocks if isinstance(b, (Heading, Paragraph))]


def _labels(tmp_path: Path, build: object, name: str = "a.docx") -> list[str]:
    """What a person sees at the start of each paragraph of the document `build` makes."""
    import docx

    d = docx.Document()
    build(d)  # type: ignore[operator]
    d.save(str(tmp_path / name))
    return _shown(read_file(tmp_path / name).blocks)


def test_word_list_counts_like_word(tmp_path: Path) -> None:
    # Two w:num of one definition share its count; a w:startOverride restarts it where its w:num is
    # first used; a level restarts deeper levels, except as w:lvlRestart says; numId 0 is no number.
    def build(d: object) -> None:
        _add_list(d, 30, _lvl(0, "chineseCounting", "%1、", suff="nothing") + _lvl(1, "chineseCounting", "（%2）", suff="nothing")
                  + _lvl(2, "decimal", "%3.", restart=1, suff="nothing"), nums={30: {}, 31: {0: 5}})
        for num_id, ilvl, text in [(30, 0, "加强领导。"), (30, 1, "健全机制。"), (30, 2, "修订制度。"), (30, 1, "规范执法。"),
                                   (30, 2, "评查案卷。"), (31, 0, "深化普法。"), (31, 2, "开展宣传。"), (30, 0, "化解纠纷。"),
                                   (31, 0, "强化监督。"), (30, None, "加强保障。"), (0, None, "不编号的段落。")]:
            _list_paragraph(d, text, num_id, ilvl)

    assert _labels(tmp_path, build) == ["一、加强领导。", "（一）健全机制。", "1.修订制度。", "（二）规范执法。", "2.评查案卷。",
                                        "五、深化普法。", "1.开展宣传。", "六、化解纠纷。", "七、强化监督。", "八、加强保障。", "不编号的段落。"]


@pytest.mark.parametrize(
    "fmt, start, text, shown",
    [("chineseCounting", 9, "%1、", ["九、", "十、", "十一、"]),
     ("chineseCounting", 99, "%1、", ["九十九、", "一百、", "一百零一、"]),
     ("chineseCountingThousand", 19, "%1、", ["十九、", "二十、", "二十一、"]),
     ("ideographTraditional", 1, "%1、", ["甲、", "乙、", "丙、"]),
     ("decimalEnclosedCircle", 1, "%1", ["①", "②", "③"]),
     ("decimalEnclosedCircle", 19, "%1", ["⑲", "⑳", "21"]),
     ("upperLetter", 25, "%1.", ["Y.", "Z.", "AA."]),
     ("lowerLetter", 1, "%1)", ["a)", "b)", "c)"]),
     ("upperRoman", 3, "%1.", ["III.", "IV.", "V."]),
     ("lowerRoman", 8, "%1.", ["viii.", "ix.", "x."]),
     ("decimalFullWidth", 9, "%1．", ["９．", "１０．", "１１．"]),
     ("decimal", 1, "（%1）", ["（1）", "（2）", "（3）"]),
     ("decimalZero", 9, "%1.", ["09.", "10.", "11."]),
     ("madeUpFormat", 1, "%1.", ["1.", "2.", "3."])],
)
def test_word_list_number_formats(tmp_path: Path, fmt: str, start: int, text: str, shown: list[str]) -> None:
    def build(d: object) -> None:
        _add_list(d, 30, _lvl(0, fmt, text, start, suff="nothing"), nums={30: {}})
        for _ in shown:
            _list_paragraph(d, "全年开展专项检查三次。", 30, 0)

    assert _labels(tmp_path, build) == [s + "全年开展专项检查三次。" for s in shown]


def test_word_list_number_is_read_straight_before_the_text(tmp_path: Path) -> None:
    # Word puts a tab (the default w:suff) or a space after the number: spacing, not text, so the
    # number reads as a typed one would ("（一）强化组织领导", not "（一） 强化组织领导").
    def build(d: object) -> None:
        _add_list(d, 30, _lvl(0, "chineseCounting", "（%1）"), nums={30: {}})
        _add_list(d, 31, _lvl(0, "upperLetter", "%1.", suff="space"), nums={31: {}})
        _list_paragraph(d, "强化组织领导", 30, 0)
        _list_paragraph(d, "全年开展专项检查三次。", 31, 0)

    assert _labels(tmp_path, build) == ["（一）强化组织领导", "A.全年开展专项检查三次。"]
    assert read_file(tmp_path / "a.docx").blocks[0] == Heading(2, "强化组织领导", "（一）", 1)


def test_word_bullets_are_not_numbered_headings(tmp_path: Path) -> None:
    # python-docx's own "List Bullet" style and a bullet level of a report's list draw •, never a
    # number; the bullets between numbered headings do not disturb their count.
    def build(d: object) -> None:
        _add_list(d, 30, _lvl(0, "chineseCounting", "%1、", suff="nothing") + _lvl(1, "bullet", "\uf0b7"), nums={30: {}})
        _list_paragraph(d, "主要举措和成效", 30, 0)
        _list_paragraph(d, "加强组织领导", 30, 1)
        d.add_paragraph("健全工作机制", style="List Bullet")  # type: ignore[attr-defined]
        _list_paragraph(d, "存在的不足和原因", 30, 0)

    assert _labels(tmp_path, build) == ["一、主要举措和成效", "加强组织领导", "健全工作机制", "二、存在的不足和原因"]
    blocks = read_file(tmp_path / "a.docx").blocks
    assert blocks[1] == Paragraph("加强组织领导", line=2) and blocks[2] == Paragraph("健全工作机制", line=3)


def test_word_list_through_a_numbering_style(tmp_path: Path) -> None:
    # A list defined by a numbering style: the paragraph's w:num points at an abstract definition
    # that only says w:numStyleLink; the levels are in the one with the matching w:styleLink.
    def build(d: object) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.oxml import parse_xml
        from docx.oxml.ns import qn

        style = d.styles.add_style("ReportList", WD_STYLE_TYPE.PARAGRAPH)  # type: ignore[attr-defined]
        style.element.set(qn("w:type"), "numbering")
        style.element.append(parse_xml(f'<w:pPr {_WXMLNS}><w:numPr><w:numId w:val="50"/></w:numPr></w:pPr>'))
        _add_list(d, 50, _lvl(0, "chineseCounting", "%1、", suff="nothing") + _lvl(1, "chineseCounting", "（%2）", suff="nothing"),
                  head='<w:styleLink w:val="ReportList"/>', nums={50: {}})
        _add_list(d, 51, head='<w:numStyleLink w:val="ReportList"/>', nums={51: {1: 3}})
        _list_paragraph(d, "主要举措和成效", 51, 0)
        _list_paragraph(d, "规范行政执法", 51, 1)
        _list_paragraph(d, "强化执法监督", 51, 1)
        _list_paragraph(d, "存在的不足和原因", 50, 0)

    assert _labels(tmp_path, build) == ["一、主要举措和成效", "（三）规范行政执法", "（四）强化执法监督", "二、存在的不足和原因"]


def _without(path: Path, out: Path, drop: str = "", replace: dict[str, bytes] | None = None) -> Path:
    """A copy of a .docx without the part `drop` (and its relationship), or with parts replaced."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == drop:
                continue
            if drop and info.filename == "word/_rels/document.xml.rels":
                data = re.sub(rb'<Relationship [^>]*Target="' + drop.split("/")[-1].encode() + rb'"[^>]*/>', b"", data)
            dst.writestr(info.filename, (replace or {}).get(info.filename, data))
    return out


@pytest.mark.parametrize("damage", ["missing", "not xml", "no definitions", "nonsense", "style loop"])
def test_bad_or_missing_numbering_gives_the_text_without_numbers(tmp_path: Path, damage: str) -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    d = docx.Document()
    for text in ("主要举措和成效", "存在的不足和原因"):
        _list_paragraph(d, text, 40, 0)
    if damage == "nonsense":  # a level number, a start and an override that are not numbers
        _add_list(d, 41, '<w:lvl w:ilvl="x"><w:start w:val="一"/><w:lvlText w:val="%1、"/></w:lvl>', nums={40: {0: 7}})
    elif damage == "style loop":  # a w:numStyleLink whose numbering style leads back to itself
        _add_list(d, 41, head='<w:numStyleLink w:val="Loop"/>', nums={40: {}})
        _set_numpr(d.styles.add_style("Loop", WD_STYLE_TYPE.PARAGRAPH).element.get_or_add_pPr(), 40, None)
    else:
        _add_list(d, 41, _lvl(0, "chineseCounting", "%1、"), nums={40: {}})
    path = tmp_path / "报告.docx"
    d.save(str(path))
    if damage in ("missing", "not xml", "no definitions"):
        # The intact file shows its numbers; the same file with numbering.xml damaged does not.
        assert _shown(read_file(path).blocks) == ["一、主要举措和成效", "二、存在的不足和原因"]
        damaged = tmp_path / "坏.docx"
        if damage == "missing":
            _without(path, damaged, drop="word/numbering.xml")
            assert "word/numbering.xml" not in zipfile.ZipFile(damaged).namelist()
        else:
            xml = b"<w:numbering><w:num" if damage == "not xml" else f"<w:numbering {_WXMLNS}/>".encode()
            _without(path, damaged, replace={"word/numbering.xml": xml})
        path = damaged
    assert _shown(read_file(path).blocks) == ["主要举措和成效", "存在的不足和原因"]


def _corpus_with_word_lists(text: str, path: Path) -> tuple[Path, int]:
    """The report's lines as Word paragraphs, every 一、 (一) 1. heading number replaced by Word
    list numbering in the number's own style (one list: 一、 level 0, (一) level 1, 1. level 2).
    The headings are found by their numbers here, not by the code under test."""
    import docx

    d = docx.Document()
    _add_list(d, 60, _lvl(0, "chineseCounting", "%1、") + _lvl(1, "chineseCounting", "(%2)") + _lvl(2, "decimal", "%3."),
              nums={60: {}})
    patterns = [(0, re.compile(r"^[一二三四五六七八九十]+、")), (1, re.compile(r"^\([一二三四五六七八九十]+\)")),
                (2, re.compile(r"^\d+\.(?!\d)"))]
    replaced = 0
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        for ilvl, rx in patterns:
            m = rx.match(s)
            if m:
                _list_paragraph(d, s[m.end():], 60, ilvl)
                replaced += 1
                break
        else:
            d.add_paragraph(s)
    d.save(str(path))
    return path, replaced


def test_corpus_report_numbered_by_word_reads_as_its_text(tmp_path: Path) -> None:
    path = V.CORPUS / "changzhou-cgj-2024.txt"
    want = read_file(path)
    docx_path, replaced = _corpus_with_word_lists(path.read_text(encoding="utf-8"), tmp_path / "常州.docx")
    assert replaced == 23  # 4 一、, 10 (一), 9 1.: every heading number is Word's now
    got = read_file(docx_path)
    assert dump_blocks(got.blocks) == dump_blocks(want.blocks)
    assert got.blocks == want.blocks  # levels, numbers, run-in headings and line numbers too
    levels = [(type(b).__name__, b.level) for b in got.blocks if isinstance(b, (Heading, Paragraph)) and b.number]
    assert levels == [(type(b).__name__, b.level) for b in want.blocks if isinstance(b, (Heading, Paragraph)) and b.number]
