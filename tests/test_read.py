"""Reading every input format into the same blocks, and refusing what cannot be read."""
from __future__ import annotations

import codecs
import sys
import zipfile
from pathlib import Path

import pytest

import authoring.read as read_mod
from authoring.blocks import Heading, Paragraph, Signature, Title, dump_blocks
from authoring.errors import InputError
from authoring.read import classify_line, decode_bytes, read_blocks

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
    r = read_blocks(V.CORPUS / "jiulongpo-cgj-2023.txt")
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
    r = read_blocks(V.CORPUS / "chuxiong-zhzf-2024.txt")
    assert r.blocks[-1] == Signature("楚雄市综合行政执法局", "2024年11月26日", 28)
    assert r.chrome == []


def test_corpus_noise_line_is_chrome() -> None:
    r = read_blocks(V.CORPUS / "changzhou-cgj-2024.txt")
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
    r = read_blocks(p)
    assert r.encoding == expect
    assert r.blocks == read_blocks(path).blocks


@pytest.mark.parametrize("path", V.corpus_files(), ids=lambda p: p.stem)
def test_docx_markdown_html_give_the_same_blocks(tmp_path: Path, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    want = dump_blocks(read_blocks(path).blocks)
    docx = V.to_docx(text, tmp_path / "报告.docx", gb9704=True)
    md = _write(tmp_path, "报告.md", V.to_markdown(text))
    html = _write(tmp_path, "报告.html", V.to_html(text))
    styled = V.to_docx(text, tmp_path / "样式.docx", heading_styles=True)
    for p in (docx, md, html, styled):
        r = read_blocks(p)
        assert dump_blocks(r.blocks) == want, p.name
    assert read_blocks(html).kind == "html" and read_blocks(md).kind == "markdown"


def test_docx_lines_are_paragraph_numbers(tmp_path: Path) -> None:
    text = "一、主要举措和成效\n\n（一）强化组织领导。正文。\n"
    p = tmp_path / "a.docx"
    import docx

    d = docx.Document()
    for line in text.split("\n")[:-1]:
        d.add_paragraph(line)
    d.save(str(p))
    r = read_blocks(p)
    assert r.blocks == [Heading(1, "主要举措和成效", "一、", 1), Paragraph("正文。", "强化组织领导。", "（一）", 2, 3)]


def test_html_drops_scripts_navigation_and_footer(tmp_path: Path) -> None:
    text = V.corpus_text("chuxiong-zhzf-2024")
    r = read_blocks(_write(tmp_path, "报告.htm", V.to_html(text)))
    dump = dump_blocks(r.blocks)
    for junk in ("不是标题", "互动交流", "分享到", "版权所有", "document.write"):
        assert junk not in dump
    assert any("发布日期" in c for c in r.chrome)


def test_html_in_gbk_is_decoded(tmp_path: Path) -> None:
    text = V.corpus_text("changzhou-cgj-2024")
    p = tmp_path / "报告.html"
    p.write_bytes(V.to_html(text).replace('charset="utf-8"', 'charset="gbk"').encode("gbk"))
    r = read_blocks(p)
    assert r.encoding == "gb18030" and dump_blocks(r.blocks) == dump_blocks(read_blocks(V.CORPUS / "changzhou-cgj-2024.txt").blocks)


def test_added_chrome_is_dropped(tmp_path: Path) -> None:
    for path in V.corpus_files():
        text = path.read_text(encoding="utf-8")
        r = read_blocks(_write(tmp_path, "报告.txt", V.add_chrome(text)))
        assert dump_blocks(r.blocks) == dump_blocks(read_blocks(path).blocks)
        assert all(c in r.chrome for c in V.HEAD_CHROME + V.TAIL_CHROME)


def test_two_line_title_is_joined(tmp_path: Path) -> None:
    p = _write(tmp_path, "a.txt", "某市城市管理局\n关于2024年度法治政府建设情况的报告\n2024年，某市城市管理局坚持依法行政，取得了积极成效。\n")
    assert read_blocks(p).blocks[0] == Title("某市城市管理局关于2024年度法治政府建设情况的报告", 1)


# -- docx layout facts -----------------------------------------------------------------------------


def test_docx_layout_facts(tmp_path: Path) -> None:
    text = V.corpus_text("jiulongpo-cgj-2023")
    good = read_blocks(V.to_docx(text, tmp_path / "good.docx", gb9704=True)).docx_layout
    assert good["page"] == {"width_mm": 210.0, "height_mm": 297.0, "top_mm": 37.0, "bottom_mm": 35.0,
                            "left_mm": 28.0, "right_mm": 26.0, "footer_mm": good["page"]["footer_mm"]}
    assert {k: (v["east_asia"], v["size"]) for k, v in good["fonts"].items()} == {
        "title": ("方正小标宋简体", 22.0), "body": ("仿宋_GB2312", 16.0), "heading1": ("黑体", 16.0),
        "heading2": ("楷体_GB2312", 16.0)}
    assert good["footer"] == {"page_number": True, "odd_even": True, "dashes": True}
    plain = read_blocks(V.to_docx(text, tmp_path / "plain.docx")).docx_layout
    assert (plain["page"]["width_mm"], plain["page"]["height_mm"]) == (215.9, 279.4)
    assert plain["footer"]["page_number"] is False


# -- refusals ----------------------------------------------------------------------------------------


def _refused(path: Path, fragment: str) -> None:
    with pytest.raises(InputError) as e:
        read_blocks(path)
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
    monkeypatch.setattr(read_mod, "MAX_ZIP_RATIO", 10 ** 9)
    monkeypatch.setattr(read_mod, "MAX_DOCX_UNPACKED", 1024 * 1024)
    _refused(p, "解压后过大")


def test_big_text_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_mod, "MAX_TEXT_BYTES", 100)
    _refused(_write(tmp_path, "大.txt", "一" * 100), "20 MB")


def test_binary_disguised_as_text_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "报告.txt"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")
    _refused(p, "旧版 Word")
    p.write_bytes(b"PK\x03\x04rest")
    _refused(p, ".docx")


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(InputError):
        decode_bytes(b"\x81\x30\xff\xff", "x.txt")


# -- YAML goes through the renderer ------------------------------------------------------------------


def test_yaml_goes_through_render_report() -> None:
    pytest.importorskip("authoring.render")
    examples = Path(__file__).resolve().parents[1] / "examples"
    files = sorted(examples.glob("*.yaml"))
    if not files:
        pytest.skip("no examples")
    r = read_blocks(files[0])
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
    r = read_blocks(_write(tmp_path, "a.txt", WEB_COPY))
    assert r.chrome == ["某某县人民政府 2019年12月3日星期二", "无障碍 简体| 繁体", "您所在的位置：政务公开 > 工作报告",
                        "文章来源：司法局 发布时间：2025-03-28 09:18", "工作报告", "某某县2024年度法治政府建设情况报告"]
    assert r.blocks[0] == Title("某某县2024年度法治政府建设情况报告", 5)
    assert isinstance(r.blocks[1], Paragraph) and r.blocks[1].line == 9


def test_masthead_lines_before_the_title_are_kept(tmp_path: Path) -> None:
    text = "某城管〔2025〕3号\n某市城市管理局\n关于2024年度法治政府建设情况的报告\n2024年，某市城市管理局坚持依法行政，取得了积极成效，现报告如下。\n"
    r = read_blocks(_write(tmp_path, "a.txt", text))
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
    assert read_blocks(tmp_path / "a.docx").blocks == [Heading(1, "主要举措和成效", "一、", 1)]


@pytest.mark.parametrize("title", ["某县司法局2024年度法治政府建设工作总结", "某市城市管理局2024年法治政府建设年度报告",
                                   "关于2024年度法治政府建设情况的报告"])
@pytest.mark.parametrize("date", ["2025年1月20日", "二〇二五年一月二十日", "2025年1月"])
def test_title_and_signature_variants(tmp_path: Path, title: str, date: str) -> None:
    text = f"{title}\n2024年，我局坚持依法行政，取得了积极成效，现将有关情况报告如下。\n一、主要举措和成效\n正文。\n某县司法局\n{date}\n"
    blocks = read_blocks(_write(tmp_path, "a.txt", text)).blocks
    assert blocks[0] == Title(title, 1) and blocks[-1] == Signature("某县司法局", date, 5)


def test_html_site_name_in_h1_is_not_the_title(tmp_path: Path) -> None:
    html = ("<html><body><h1>某某市人民政府</h1><div class='breadcrumb'>首页 &gt; 政务公开</div>"
            "<h2>某某市城市管理局关于2024年度法治政府建设情况的报告</h2>"
            "<p>2024年，某某市城市管理局坚持依法行政，法治政府建设取得积极成效，现将有关情况报告如下。</p>"
            "<p>一、主要举措和成效</p></body></html>")
    r = read_blocks(_write(tmp_path, "a.html", html))
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
