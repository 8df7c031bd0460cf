"""Part recognition on the real reports and on variants of them made the way clerks change reports."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

from authoring.blocks import Heading, Paragraph
from authoring.parts import classify_heading, find_parts
from authoring.main import load_report, read_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
import variants as V  # noqa: E402  (test helper beside this file)

# What a person reading each corpus report sees: part → (heading, line).
CORPUS_PARTS = {
    "changzhou-cgj-2024": {
        "achievements": ("主要举措和成效", 2),
        "first_responsible": ("主要负责人履行推进法治建设第一责任人职责情况", 16),
        "shortcomings": ("存在的主要问题", 20),
        "plans": ("下一步工作打算", 22),
    },
    "chuxiong-zhzf-2024": {
        "achievements": ("2024年度推进法治政府建设的主要举措和成效", 2),
        "first_responsible": ("2024年度党政主要负责人履行推进法治建设第一责任人职责有关情况", 13),
        "shortcomings": ("2024年度推进法治政府建设存在的不足和原因", 18),
        "plans": ("2025年度推进法治政府建设的主要安排", 21),
    },
    "jiulongpo-cgj-2023": {
        "achievements": ("2023年法治政府建设工作情况", 9),
        "first_responsible": ("主要负责人履行推进法治建设第一责任人职责情况", 29),
        "shortcomings": ("存在的主要问题", 39),
        "plans": ("下一步工作打算", 43),
    },
}
NAMES = sorted(CORPUS_PARTS)
ALL = list(V.CORPUS_ORDER)


def _parts_of(text: str, tmp_path: Path, name: str = "报告.txt"):  # type: ignore[no-untyped-def]
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return find_parts(read_file(p).blocks)


def _headings(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {s.key: s.heading for s in result.spans}


@pytest.mark.parametrize("name", NAMES)
def test_corpus_reports_have_exactly_the_four_parts(name: str) -> None:
    r = find_parts(read_file(V.CORPUS / f"{name}.txt").blocks)
    assert {s.key: (s.heading, s.line) for s in r.spans} == CORPUS_PARTS[name]
    assert [s.form for s in r.spans] == ["heading"] * 4
    assert r.missing == [] and r.order == ALL


@pytest.mark.parametrize("name", NAMES)
def test_spans_cover_the_part_content(name: str) -> None:
    blocks = read_file(V.CORPUS / f"{name}.txt").blocks
    r = find_parts(blocks)
    for a, b in zip(r.spans, r.spans[1:]):
        assert a.end == b.start - 1  # the next part's heading sits between them
    last = r.spans[-1]
    assert all(isinstance(x, Paragraph) for x in blocks[last.start:last.end])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("key", ALL)
def test_a_deleted_part_is_missing(tmp_path: Path, name: str, key: str) -> None:
    r = _parts_of(V.delete_part(V.corpus_text(name), key), tmp_path)
    assert r.missing == [key]
    want = {k: h for k, (h, _line) in CORPUS_PARTS[name].items() if k != key}
    assert _headings(r) == want


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("order", [p for p in itertools.permutations(ALL)][1::4])
def test_reordered_parts_are_found_and_their_order_reported(tmp_path: Path, name: str, order: tuple[str, ...]) -> None:
    r = _parts_of(V.reorder(V.corpus_text(name), list(order)), tmp_path)
    assert r.order == list(order) and r.missing == []
    assert _headings(r) == {k: h for k, (h, _l) in CORPUS_PARTS[name].items()}


@pytest.mark.parametrize("name", NAMES)
def test_part_two_as_a_subsection_of_part_one(tmp_path: Path, name: str) -> None:
    text = V.demote_to_subsection(V.corpus_text(name))
    r = _parts_of(text, tmp_path)
    span = next(s for s in r.spans if s.key == "first_responsible")
    assert span.form == "subsection" and span.heading == CORPUS_PARTS[name]["first_responsible"][0]
    line = text.splitlines()[span.line - 1]
    assert line.startswith("（") and line.endswith(span.heading)
    ach = next(s for s in r.spans if s.key == "achievements")
    assert ach.start < span.start < span.end == ach.end  # inside part one, to its end
    assert r.missing == []


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("ordinal", ["一是", "三是"])
def test_part_two_as_an_inline_sentence(tmp_path: Path, name: str, ordinal: str) -> None:
    text = V.demote_to_inline(V.corpus_text(name), ordinal)
    r = _parts_of(text, tmp_path)
    span = next(s for s in r.spans if s.key == "first_responsible")
    assert span.form == "inline" and span.heading.startswith(ordinal)
    assert CORPUS_PARTS[name]["first_responsible"][0] in span.heading
    assert span.end == span.start + 1 and r.missing == []


@pytest.mark.parametrize("name", NAMES)
def test_part_two_only_in_the_opening_paragraph(tmp_path: Path, name: str) -> None:
    r = _parts_of(V.demote_to_preamble(V.corpus_text(name)), tmp_path)
    span = next(s for s in r.spans if s.key == "first_responsible")
    assert span.form == "preamble" and "第一责任人" in span.heading and r.missing == []
    assert r.order[0] == "first_responsible"


# Heading wordings from DOMAIN.md ("How real reports word the part headings") and similar ones.
WORDINGS = {
    "achievements": ["主要举措和成效", "主要举措及成效", "主要做法和成效", "{year}年主要工作", "{year}年法治政府建设工作情况",
                     "{year}年度推进法治政府建设的主要举措和成效", "工作开展情况", "重点工作开展情况", "主要工作及成效"],
    "first_responsible": ["主要负责人履行推进法治建设第一责任人职责情况", "主要负责同志履行推进法治建设第一责任人职责情况",
                          "党政负责人履行法治建设职责情况", "推进法治建设第一责任人职责履行情况",
                          "党政主要负责人履行推进法治政府建设第一责任人职责，加强法治政府建设的有关情况"],
    "shortcomings": ["存在的主要问题", "存在的困难和问题", "存在的不足和原因", "推进法治政府建设存在的不足",
                     "存在的问题及原因分析", "困难和问题"],
    "plans": ["下一步工作打算", "{next_year}年工作计划", "下一年度推进法治政府建设的主要安排", "{next_year}年度推进法治政府建设工作初步安排",
              "{next_year}年主要工作", "下一步工作思路", "今后工作打算"],
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("key, wording", [(k, w) for k, ws in WORDINGS.items() for w in ws])
def test_reworded_headings_are_recognised(tmp_path: Path, name: str, key: str, wording: str) -> None:
    text = V.reword(V.corpus_text(name), key, wording)
    r = _parts_of(text, tmp_path)
    year = V.report_year_of(text)
    assert r.missing == [] and r.order == ALL
    assert _headings(r)[key] == wording.format(year=year, next_year=year + 1)


def test_combined_heading_counts_for_both_parts(tmp_path: Path) -> None:
    text = V.corpus_text("changzhou-cgj-2024")
    text = V.delete_part(V.reword(text, "shortcomings", "存在的问题和下一步工作打算"), "plans")
    r = _parts_of(text, tmp_path)
    assert r.missing == [] and {s.key for s in r.spans} == set(ALL)


@pytest.mark.parametrize("name", NAMES)
def test_topical_first_heading_is_part_one(tmp_path: Path, name: str) -> None:
    r = _parts_of(V.reword(V.corpus_text(name), "achievements", "坚持依法行政，全面提升城市管理水平"), tmp_path)
    assert r.missing == [] and _headings(r)["achievements"] == "坚持依法行政，全面提升城市管理水平"


def test_several_topical_headings_make_one_part_one(tmp_path: Path) -> None:
    text = ("2024年，某区司法局坚持以习近平新时代中国特色社会主义思想为指导，现将有关情况报告如下：\n"
            "一、加强党的领导，压实法治建设责任\n正文一。\n二、深化改革，优化营商环境\n正文二。\n"
            "三、党政主要负责人履行推进法治建设第一责任人职责情况\n正文三。\n四、存在的不足\n正文四。\n五、2025年工作计划\n正文五。\n")
    r = _parts_of(text, tmp_path)
    ach = next(s for s in r.spans if s.key == "achievements")
    assert ach.heading == "加强党的领导，压实法治建设责任" and ach.line == 2 and r.missing == []
    assert ach.end == 5  # both topical parts, up to the 第一责任人 heading


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("change", ["ascii", "fullwidth", "dun", "chrome"])
def test_brackets_numbers_and_chrome_do_not_matter(tmp_path: Path, name: str, change: str) -> None:
    text = V.corpus_text(name)
    text = {"ascii": V.ascii_brackets, "fullwidth": V.fullwidth_brackets, "dun": V.numbers_with_dun,
            "chrome": V.add_chrome}[change](text)
    r = _parts_of(text, tmp_path)
    assert {s.key: s.heading for s in r.spans} == {
        k: h.translate(str.maketrans("(),", "（），")) if change == "fullwidth" else h
        for k, (h, _l) in CORPUS_PARTS[name].items()}


@pytest.mark.parametrize("name", NAMES)
def test_other_formats_find_the_same_parts(tmp_path: Path, name: str) -> None:
    text = V.corpus_text(name)
    (tmp_path / "a.md").write_text(V.to_markdown(text), encoding="utf-8")
    (tmp_path / "a.html").write_text(V.to_html(text), encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    V.to_docx(text, tmp_path / "a.docx", gb9704=True)
    want = {k: h for k, (h, _l) in CORPUS_PARTS[name].items()}
    for f in ("a.md", "a.html", "gbk.txt", "a.docx"):
        r = find_parts(read_file(tmp_path / f).blocks)
        assert _headings(r) == want and r.missing == [], f


def test_docx_part_lines_are_paragraph_numbers(tmp_path: Path) -> None:
    text = V.corpus_text("jiulongpo-cgj-2023")
    r = find_parts(read_file(V.to_docx(text, tmp_path / "a.docx")).blocks)
    # Empty lines are not written, so the paragraph number is the count of non-empty lines so far.
    nonempty = [line for line in text.splitlines() if line.strip()]
    for s in r.spans:
        assert nonempty[s.line - 1].endswith(s.heading)


def test_no_structure_means_everything_missing() -> None:
    r = find_parts([Paragraph("今年我们做了很多工作。", line=1)])
    assert r.spans == [] and r.missing == ALL


def test_classify_heading_uses_the_year() -> None:
    assert classify_heading("2025年主要工作", 2024) == ["plans"]
    assert classify_heading("2024年主要工作", 2024) == ["achievements"]
    assert classify_heading("主要负责同志履行法治建设职责情况") == ["first_responsible"]
    assert classify_heading("其他需要报告的情况") == ["other"]
    assert classify_heading("加强领导，不断提升依法行政水平") == []


def test_parts_work_on_rendered_yaml_blocks() -> None:
    render = pytest.importorskip("authoring.render")
    examples = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.yaml"))
    if not examples:
        pytest.skip("no examples")
    for ex in examples:
        r = find_parts(render.render_report(load_report(ex)))
        assert r.missing == [] and r.order == ALL, ex.name


def test_heading_blocks_only_at_top_level_split_parts() -> None:
    blocks = [Heading(1, "主要举措和成效", "一、", 1), Heading(2, "存在问题的整改", "（一）", 2),
              Paragraph("正文。", line=3)]
    r = find_parts(blocks)
    assert [s.key for s in r.spans] == ["achievements"]


def test_topical_report_with_inline_part_two_and_a_combined_last_part(tmp_path: Path) -> None:
    # The shape of many government (not department) reports: every section topical, the
    # 第一责任人 only as a 二是… sentence, problems and plans under one heading.
    text = ("2024年，某省人民政府坚持以习近平新时代中国特色社会主义思想为指导，法治政府建设取得新成效。\n"
            "一、坚持党的领导，坚决扛牢法治政府建设政治责任\n"
            "一是深学笃行习近平法治思想。省政府常务会议专题学法4次。二是扛牢法治建设第一责任人职责。省政府主要负责同志主持研究法治政府建设工作。\n"
            "二、创新工作思路，持续优化法治化营商环境\n深化“放管服”改革。\n"
            "三、坚持严格规范公正文明执法\n全面落实行政执法三项制度。\n"
            "四、存在的不足和下一步工作安排\n一是基层执法力量不足。2025年，将继续推进依法行政。\n")
    r = _parts_of(text, tmp_path)
    assert r.missing == []
    forms = {s.key: (s.form, s.line) for s in r.spans}
    assert forms == {"achievements": ("heading", 2), "first_responsible": ("inline", 3),
                     "shortcomings": ("heading", 8), "plans": ("heading", 8)}
    ach = next(s for s in r.spans if s.key == "achievements")
    assert ach.heading == "坚持党的领导，坚决扛牢法治政府建设政治责任" and ach.end == 7
    fr = next(s for s in r.spans if s.key == "first_responsible")
    assert fr.heading == "二是扛牢法治建设第一责任人职责"


@pytest.mark.parametrize("heading", ["创新工作思路，提升执法水平", "精心安排部署，压实工作责任", "聚焦群众关切，提升服务水平"])
def test_topical_headings_are_not_parts(heading: str) -> None:
    assert classify_heading(heading, 2024) == []


def test_word_headings_numbered_by_word_itself(tmp_path: Path) -> None:
    # Word's automatic numbering leaves no "一、" in the text; the Heading style still says it.
    import docx

    d = docx.Document()
    d.add_paragraph("2024年，某县司法局坚持以习近平法治思想为指导，全面推进依法行政，现将有关情况报告如下。")
    for heading, body in [("主要举措和成效", "全年办理行政复议案件12件。"), ("党政主要负责人履行推进法治建设第一责任人职责情况", "局长亲自部署。"),
                          ("存在的不足和原因", "执法力量不足。"), ("2025年工作计划", "继续推进依法行政。")]:
        d.add_paragraph(heading, style="Heading 1")
        d.add_paragraph(body)
    d.save(str(tmp_path / "a.docx"))
    r = find_parts(read_file(tmp_path / "a.docx").blocks)
    assert r.missing == [] and [(s.key, s.line) for s in r.spans] == [
        ("achievements", 2), ("first_responsible", 4), ("shortcomings", 6), ("plans", 8)]


def test_parts_as_subsections_of_a_wrapper_section(tmp_path: Path) -> None:
    text = ("2024年，某区城市管理局坚持依法行政，法治政府建设取得积极成效，现将有关情况报告如下。\n"
            "一、2024年法治政府建设情况\n（一）主要举措和成效\n正文一。\n（二）主要负责人履行推进法治建设第一责任人职责情况\n正文二。\n"
            "（三）存在的问题\n正文三。\n二、2025年工作计划\n正文四。\n")
    r = _parts_of(text, tmp_path)
    assert r.missing == []
    assert {s.key: (s.form, s.line) for s in r.spans} == {
        "achievements": ("heading", 2), "first_responsible": ("subsection", 5),
        "shortcomings": ("subsection", 7), "plans": ("heading", 9)}


def test_problem_rectification_subsection_is_not_part_three() -> None:
    assert classify_heading("存在的问题及整改措施") == ["shortcomings"]  # a top-level part three
    assert classify_heading("存在问题的整改", strict=True) == []  # a subsection of part one


@pytest.mark.parametrize("name", NAMES)
def test_a_report_run_into_one_line_is_split_at_its_headings(tmp_path: Path, name: str) -> None:
    # Text taken from a PDF or a web viewer often loses its line breaks.
    text = V.corpus_text(name)
    lines = [line for line in text.splitlines() if line.strip()]
    r = _parts_of("".join(lines) + "\n", tmp_path)
    assert r.missing == [] and r.order == ALL
    for key, (heading, _line) in CORPUS_PARTS[name].items():
        got = next(s.heading for s in r.spans if s.key == key)
        assert got.startswith(heading.rstrip("。")), (key, got)
