"""The fast paths of the readers read exactly what the general paths read.

- .docx: authoring/docx/fast.py reads the parts without python-docx's document and declines what
  it does not mirror; every document here is read both ways (the general way by turning the fast
  path off) and the results must be equal: blocks, chrome, notes, warnings and layout facts, or
  the same refusal. Documents: the examples as rendered, the corpus as Word writes it (python-docx's
  template, with and without GB/T 9704 styles), the reference documents, every bad input, and
  generated documents with odd styles, sections, footers, numbering and relationships.
- text: normalize_text (str.replace in place of str.translate) and the heading-number scan of
  run-together lines (the regex engine in place of a loop over every character) against the
  code they replaced.
"""
from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path
from typing import Any, Callable, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import authoring.lines as lines_mod
from authoring.docx import fast
from authoring.errors import AuthoringError
from authoring.main import build_blocks, check_document, output_bytes
from authoring.read import normalize_text, read_blocks

sys.path.insert(0, str(Path(__file__).resolve().parent))
import variants as V  # noqa: E402  (test helper beside this file)

ROOT = Path(__file__).resolve().parents[1]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = f"{{{W}}}"


def _outcome(raw: bytes, name: str) -> Any:
    """What the reader makes of a .docx: its result, or the refusal (type and problems); and
    what `authoring check` says of it (one verdict: the same findings both ways)."""
    verdict = check_document(raw, "docx", name)
    try:
        r = read_blocks(raw, "docx", name)
    except AuthoringError as e:
        return ("refused", type(e).__name__, [str(p) for p in e.problems], verdict)
    except Exception as e:  # noqa: BLE001 — a crash must crash the same way on both paths
        return ("crashed", type(e).__name__, verdict)
    return (r.blocks, r.chrome, r.notes, r.warnings, r.docx_layout, r.encoding, r.kind, r.review, verdict)


def both_ways(raw: bytes, name: str = "report.docx") -> tuple[Any, Any, bool]:
    """(fast, general, whether the fast path read it) for one .docx."""
    taken: list[bool] = []
    real = fast.open_fast

    def spy(raw: bytes, name: str) -> Optional[fast.FastDocument]:
        doc = real(raw, name)
        taken.append(doc is not None)
        return doc

    fast.open_fast = spy  # type: ignore[assignment]
    try:
        quick = _outcome(raw, name)
        fast.open_fast = lambda raw, name: (fast.inflate_docx_container(raw, name), None)[1]  # type: ignore
        general = _outcome(raw, name)
    finally:
        fast.open_fast = real  # type: ignore[assignment]
    return quick, general, bool(taken and taken[0])


def _assert_same(raw: bytes, name: str = "report.docx", *, must_be_fast: bool = False) -> None:
    quick, general, took = both_ways(raw, name)
    assert quick == general
    if must_be_fast:
        assert took, "the fast path declined an ordinary document"


# -- documents as they come --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered() -> list[bytes]:
    return [output_bytes(build_blocks(p), "docx") for p in sorted((ROOT / "examples").glob("*.yaml"))]


def test_rendered_examples(rendered: list[bytes]) -> None:
    for raw in rendered:
        _assert_same(raw, must_be_fast=True)


@pytest.mark.parametrize("name", [p.stem for p in V.corpus_files()])
@pytest.mark.parametrize("options", [{}, {"gb9704": True}, {"heading_styles": True},
                                     {"gb9704": True, "heading_styles": True}], ids=str)
def test_corpus_as_word_writes_it(name: str, options: dict[str, bool], tmp_path: Path) -> None:
    path = V.to_docx(V.corpus_text(name), tmp_path / "r.docx", **options)
    _assert_same(path.read_bytes(), must_be_fast=True)


def test_reference_documents_and_bad_inputs() -> None:
    paths = sorted((ROOT / "tests" / "fixtures").rglob("*.docx")) + sorted((ROOT / "tests" / "bad_inputs").glob("*.docx"))
    assert len(paths) >= 8
    for path in paths:
        _assert_same(path.read_bytes(), path.name)


def test_a_style_based_on_itself_ends_its_chain(rendered: list[bytes]) -> None:
    # python-docx made a new style object at every step of w:basedOn, so the reader's chain
    # never met a style twice and a cycle (Normal → Heading1 → Normal) hung `check` for ever.
    raw = _edit(rendered[0], {"word/styles.xml": lambda root: _based_on(root, "Normal", "Heading1")
                              or _based_on(root, "Heading1", "Normal")})
    quick, general, took = both_ways(raw)
    assert quick == general and took
    assert quick[4]["fonts"]["body"]["size"] == 16.0


# -- generated documents: every odd thing python-docx might treat otherwise --------------------------


def _edit(raw: bytes, edits: dict[str, Callable[[Any], Any]]) -> bytes:
    """The package with some XML parts edited in place (a function of the parsed root)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in edits:
                root = etree.fromstring(data)
                edits[info.filename](root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info.filename, data)
    return out.getvalue()


def _style(root: Any, sid: str) -> Any:
    return next((s for s in root.iter(f"{_W}style") if s.get(f"{_W}styleId") == sid), None)


def _based_on(root: Any, sid: str, base: Optional[str]) -> None:
    st = _style(root, sid)
    if st is None:
        return
    for old in st.findall(f"{_W}basedOn"):
        st.remove(old)
    el = etree.SubElement(st, f"{_W}basedOn")
    if base is not None:
        el.set(f"{_W}val", base)
    name = st.find(f"{_W}name")
    st.remove(el)
    st.insert(list(st).index(name) + 1 if name is not None else 0, el)


STYLE_IDS = ["Normal", "Heading1", "Heading2", "Title", "DefaultParagraphFont", "TableNormal", "Missing", "",
             'Qu"ote', "Heading1Char"]


def _style_edit(kind: str, sid: str, value: str) -> Callable[[Any], None]:
    def edit(root: Any) -> None:
        st = _style(root, sid) if sid else next(iter(root.iter(f"{_W}style")), None)
        if kind == "based_on":
            _based_on(root, sid, value or None)
        elif st is None:
            return
        elif kind == "type":
            if value:
                st.set(f"{_W}type", value)
            else:
                st.attrib.pop(f"{_W}type", None)
        elif kind == "default":
            st.set(f"{_W}default", value)
        elif kind == "name":
            name = st.find(f"{_W}name")
            if name is not None:
                if value == "-":
                    st.remove(name)
                elif value == "no-val":
                    name.attrib.pop(f"{_W}val", None)
                else:
                    name.set(f"{_W}val", value)
        elif kind == "id":
            st.set(f"{_W}styleId", value)
        elif kind == "rpr":
            rpr = st.find(f"{_W}rPr")
            if rpr is None:
                rpr = etree.SubElement(st, f"{_W}rPr")
            sz = rpr.find(f"{_W}sz")
            if sz is None:
                sz = etree.SubElement(rpr, f"{_W}sz")
            sz.set(f"{_W}val", value)
    return edit


def _document_edit(kind: str, index: int, value: str) -> Callable[[Any], None]:
    def edit(root: Any) -> None:
        body = root.find(f"{_W}body")
        paras = body.findall(f"{_W}p")
        p = paras[index % len(paras)] if paras else None
        sect = root.find(f".//{_W}sectPr")
        if kind == "pstyle" and p is not None:
            ppr = p.find(f"{_W}pPr")
            if ppr is None:
                ppr = etree.Element(f"{_W}pPr")
                p.insert(0, ppr)
            for old in ppr.findall(f"{_W}pStyle"):
                ppr.remove(old)
            ps = etree.Element(f"{_W}pStyle")
            if value != "no-val":
                ps.set(f"{_W}val", value)
            ppr.insert(0, ps)
        elif kind == "run_size" and p is not None:
            r = p.find(f"{_W}r")
            if r is not None:
                rpr = r.find(f"{_W}rPr")
                if rpr is None:
                    rpr = etree.Element(f"{_W}rPr")
                    r.insert(0, rpr)
                etree.SubElement(rpr, f"{_W}sz").set(f"{_W}val", value)
        elif kind == "hyphen" and p is not None:
            r = etree.SubElement(p, f"{_W}r")
            etree.SubElement(r, f"{_W}noBreakHyphen")
            p.insert(0, r)
        elif kind == "comment":
            body.insert(index % (len(body) + 1), etree.Comment(value))
        elif kind == "foreign_p":
            body.insert(index % (len(body) + 1), etree.Element("{urn:other}p"))
        elif kind == "table":
            tbl = etree.fromstring(
                f'<w:tbl xmlns:w="{W}"><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>'
                '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>合并</w:t></w:r></w:p></w:tc></w:tr>'
                '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc>'
                f'<w:tc><w:p><w:r><w:t>{value}</w:t></w:r></w:p></w:tc></w:tr>'
                '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc></w:tr>'
                '</w:tbl>')
            body.insert(index % len(body), tbl)
        elif kind == "no_sect" and sect is not None:
            sect.getparent().remove(sect)
        elif kind in ("page_w", "margin_top") and sect is not None:
            child, attr = ("pgSz", "w") if kind == "page_w" else ("pgMar", "top")
            el = sect.find(f"{_W}{child}")
            if el is None:
                el = etree.SubElement(sect, f"{_W}{child}")
            el.set(f"{_W}{attr}", value)
        elif kind == "footer_ref" and sect is not None:
            ref = etree.Element(f"{_W}footerReference")
            ref.set(f"{_W}type", "even" if index % 2 else "default")
            if value != "no-id":
                ref.set(f"{{{R}}}id", value)
            for old in sect.findall(f"{_W}footerReference"):
                if old.get(f"{_W}type") == ref.get(f"{_W}type"):
                    sect.remove(old)
            sect.insert(0, ref)
        elif kind == "tracked" and p is not None:
            r = p.find(f"{_W}r")
            if r is not None:  # an insertion, a deletion and a comment left by the reviewer
                ins = etree.Element(f"{_W}ins")
                p.replace(r, ins)
                ins.append(r)
                deleted = etree.SubElement(etree.SubElement(p, f"{_W}del"), f"{_W}r")
                etree.SubElement(deleted, f"{_W}delText").text = value
                etree.SubElement(etree.SubElement(p, f"{_W}r"), f"{_W}commentReference").set(f"{_W}id", "0")
        elif kind == "numbered" and p is not None:
            ppr = p.find(f"{_W}pPr")
            if ppr is None:
                ppr = etree.Element(f"{_W}pPr")
                p.insert(0, ppr)
            numpr = etree.SubElement(ppr, f"{_W}numPr")
            etree.SubElement(numpr, f"{_W}ilvl").set(f"{_W}val", "0")
            etree.SubElement(numpr, f"{_W}numId").set(f"{_W}val", value)
    return edit


def _rels_edit(kind: str, value: str) -> Callable[[Any], None]:
    def edit(root: Any) -> None:
        rels = list(root)
        target = next((r for r in rels if r.get("Type", "").endswith("/" + value)), None)
        if target is None:
            return
        if kind == "drop":
            root.remove(target)
        elif kind == "external":
            target.set("TargetMode", "External")
        elif kind == "twice":
            copy = etree.fromstring(etree.tostring(target))
            root.append(copy)
        elif kind == "same_id" and len(rels) > 1:
            other = next(r for r in rels if r is not target)
            target.set("Id", other.get("Id"))
    return edit


EDITS = st.one_of(
    st.tuples(st.just("word/styles.xml"),
              st.builds(_style_edit, st.sampled_from(["type", "default", "name", "id", "based_on", "rpr"]),
                        st.sampled_from(STYLE_IDS),
                        st.sampled_from(["", "paragraph", "character", "table", "numbering", "bogus", "1", "0",
                                         "true", "maybe", "on", "Heading 1", "title", "-", "no-val", "Normal",
                                         "Heading1", "Missing", 'Qu"ote', "32", "abc", "heading 2"]))),
    st.tuples(st.just("word/document.xml"),
              st.builds(_document_edit, st.sampled_from(["pstyle", "run_size", "hyphen", "comment", "foreign_p",
                                                         "table", "no_sect", "page_w", "margin_top", "footer_ref",
                                                         "numbered", "tracked"]),
                        st.integers(0, 40),
                        st.sampled_from(STYLE_IDS + ["no-val", "28", "x", "1in", "2.5cm", "-720", "rId9", "rId1",
                                                     "no-id", "1", "0", "7"]))),
    st.tuples(st.just("word/_rels/document.xml.rels"),
              st.builds(_rels_edit, st.sampled_from(["drop", "external", "twice", "same_id"]),
                        st.sampled_from(["styles", "settings", "numbering", "footer", "theme"]))),
)


@pytest.fixture(scope="module")
def bases(rendered: list[bytes], tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    folder = tmp_path_factory.mktemp("bases")
    text = V.corpus_text(V.corpus_files()[0].stem) if V.corpus_files() else ""
    word = [V.to_docx(text, folder / f"w{i}.docx", gb9704=bool(i), heading_styles=bool(i)).read_bytes()
            for i in range(2)] if text else []
    return rendered[:1] + word


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_generated_documents(bases: list[bytes], data: st.DataObject) -> None:
    raw = data.draw(st.sampled_from(bases))
    edits: dict[str, list[Callable[[Any], Any]]] = {}
    for part, edit in data.draw(st.lists(EDITS, min_size=1, max_size=4)):
        edits.setdefault(part, []).append(edit)
    raw = _edit(raw, {part: (lambda fns: lambda root: [f(root) for f in fns])(fns) for part, fns in edits.items()})
    quick, general, _ = both_ways(raw)
    assert quick == general


@pytest.mark.parametrize("edits", [
    # Normal made a numbering style: python-docx's paragraph style then has no base_style, and the
    # general reader's layout facts stopped with AttributeError (read.layout) where the fast
    # reader read them (found by test_generated_documents).
    [_style_edit("type", "Normal", "numbering")],
    [_style_edit("type", "Heading1", "table")],
    # The same edit twice: a name without w:val edited again (the generator's own edit must not fail).
    [_style_edit("name", "Normal", "no-val"), _style_edit("name", "Normal", "no-val")],
])
def test_style_types_python_docx_reads_otherwise(bases: list[bytes], edits: list[Callable[[Any], None]]) -> None:
    raw = _edit(bases[0], {"word/styles.xml": lambda root: [e(root) for e in edits]})
    _assert_same(raw)


# -- text ---------------------------------------------------------------------------------------------


_TRANSLATE = lines_mod._NORMALISE  # the table str.translate was given
_ALPHABET = "()（），,:;!?[]．.　 0０1１9９一二三四五六七八九十①⑪²12、。年号abc\n"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60) | st.text(max_size=40))
def test_normalize_text_is_the_translation_it_replaced(text: str) -> None:
    assert normalize_text(text) == text.translate(_TRANSLATE)
    assert lines_mod._normalize(text) == text.translate(_TRANSLATE)


def _numbers_by_loop(norm: str) -> list[Any]:
    """The heading-number scan as it was: every character of the line tested in Python."""
    from authoring import unflatten as U

    seq = U._Sequence()
    out = []
    first = U._number_at(norm, 0)
    if first is not None:
        seq.take(first)
    for pos in range(1, len(norm)):
        ch = norm[pos]
        if not (ch.isdigit() or ch in "一二三四五六七八九十（" or ch in U._CIRCLED) or norm[pos - 1].isdigit():
            continue
        n = U._number_at(norm, pos)
        if n is not None and seq.follows(n, norm):
            seq.take(n)
            out.append(n)
    return out


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="一二三四五六七八九十（）、．.。；：1234567890①②⑩⑪²³ 年工作是", max_size=80))
def test_heading_numbers_are_found_where_the_loop_found_them(text: str) -> None:
    from authoring import unflatten as U

    norm = normalize_text(text)
    assert U._numbers(norm) == _numbers_by_loop(norm)


def test_heading_numbers_of_the_corpus_as_one_line() -> None:
    from authoring import unflatten as U

    for path in V.corpus_files():
        norm = normalize_text(V.one_line(path.read_text(encoding="utf-8")))
        assert U._numbers(norm) == _numbers_by_loop(norm)
        assert re.search("一、", norm)
