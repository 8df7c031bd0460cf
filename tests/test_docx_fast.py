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


def _types_edit(kind: str, value: str) -> Callable[[Any], None]:
    def edit(root: Any) -> None:
        ct = "{http://schemas.openxmlformats.org/package/2006/content-types}"
        target = next((o for o in root if (o.get("PartName") or "").endswith("/" + value)), None)
        if kind == "upper" and target is not None:  # python-docx looks part names up case-insensitively
            target.set("PartName", target.get("PartName").upper())
        elif kind == "drop" and target is not None:  # then the Default for .xml: not a styles part
            root.remove(target)
        elif kind == "default_upper":
            for d in root.iter(f"{ct}Default"):
                d.set("Extension", d.get("Extension").upper())
        elif kind == "no_type" and target is not None:
            target.attrib.pop("ContentType", None)
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
    st.tuples(st.just("[Content_Types].xml"),
              st.builds(_types_edit, st.sampled_from(["upper", "drop", "default_upper", "no_type"]),
                        st.sampled_from(["styles.xml", "settings.xml", "numbering.xml", "document.xml",
                                         "footer1.xml", "core.xml"]))),
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


# -- the package inflated in one call per entry (container._inflate_ordinary) -----------------------


def _inflated(raw: bytes, *, ordinary: bool) -> Any:
    """What the container defences make of `raw`: the blobs, or the refusal (or crash) as shown."""
    from authoring.docx import container

    try:
        if ordinary:
            return container.inflate_docx_container(raw, "r.docx")
        return container._inflate_bounded(raw, "r.docx", container._checked_infos(raw, "r.docx"), keep=True)
    except AuthoringError as e:
        return ("refused", str(e))
    except Exception as e:  # noqa: BLE001 — a crash must crash the same way
        return ("crashed", type(e).__name__)


def _zip_fields(raw: bytes) -> list[tuple[int, int]]:
    """(offset, size) of every header field of every entry, local and central: where a lie goes."""
    out: list[tuple[int, int]] = []
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        for info in zf.infolist():
            local = info.header_offset
            out += [(local + o, n) for o, n in ((6, 2), (8, 2), (14, 4), (18, 4), (22, 4), (26, 2), (30, 1))]
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        out += [(central + o, n) for o, n in ((8, 2), (10, 2), (16, 4), (20, 4), (24, 4), (46, 1))]
        central = raw.find(b"PK\x01\x02", central + 4)
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_inflating_in_one_call_is_zipfiles_reading(bases: list[bytes], data: st.DataObject) -> None:
    # Every entry inflated by one bounded zlib call must give what zipfile's chunked reads give
    # (the blobs, or the same refusal) whatever lies the headers tell: flags, method, CRC, sizes,
    # names, a flipped byte in the data or a cut-off file.
    base = data.draw(st.sampled_from(bases))
    fields = _zip_fields(base)
    raw = bytearray(base)
    for _ in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.sampled_from(["field", "field", "byte", "cut"]))
        if kind == "field":
            offset, size = data.draw(st.sampled_from(fields))
            value = data.draw(st.sampled_from([0, 1, 8, 9, 12, 0x800, 0x808, 0xFFFF, 0xFFFFFFFF])
                              | st.integers(0, 2 ** (8 * size) - 1))
            if offset + size <= len(raw):
                raw[offset:offset + size] = (value % 2 ** (8 * size)).to_bytes(size, "little")
        elif kind == "byte":
            at = data.draw(st.integers(0, len(raw) - 1))
            raw[at] ^= data.draw(st.integers(1, 255))
        else:
            del raw[data.draw(st.integers(len(raw) // 2, len(raw) - 1)):]
    assert _inflated(bytes(raw), ordinary=True) == _inflated(bytes(raw), ordinary=False)


def test_ordinary_packages_are_inflated_in_one_call(bases: list[bytes]) -> None:
    from authoring.docx import container

    for raw in bases:
        infos = container._checked_infos(raw, "r.docx")
        assert container._inflate_ordinary(raw, "r.docx", infos) == _inflated(raw, ordinary=False)


def test_bad_input_packages_inflate_alike() -> None:
    paths = sorted((ROOT / "tests" / "bad_inputs").glob("*.docx")) + sorted((ROOT / "tests" / "fixtures").rglob("*.docx"))
    for path in paths:
        raw = path.read_bytes()
        assert _inflated(raw, ordinary=True) == _inflated(raw, ordinary=False), path.name


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200).map(lambda b: b.replace(b"DOCTYPE", b"")), st.integers(0, 2), st.booleans())
def test_the_dtd_scan_finds_what_the_chunked_scan_found(data: bytes, where: int, doctype: bool) -> None:
    from authoring.docx import container

    if doctype:
        mark = container._DOCTYPE[where]
        data = data[:len(data) // 2] + mark + data[len(data) // 2:]
    assert container._has_doctype(data) == any(d in data for d in container._DOCTYPE)


# -- the styles part cut to what is read (docx/stylespart.py) ---------------------------------------


@pytest.fixture(scope="module")
def big_styles(bases: list[bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(bases[-1])) as zf:
        blob = zf.read("word/styles.xml")
    from authoring.docx import stylespart

    assert len(blob) >= stylespart.MIN_CUT  # python-docx's template: the case the cut is for
    return blob


def _reachable(root: Any, named: set[str]) -> set[int]:
    """Positions of the styles anything can read (named, default, based on by one of those)."""
    styles = list(root.iterchildren(f"{_W}style"))
    wanted, seen = set(named), -1
    while len(wanted) != seen:
        seen = len(wanted)
        for st_ in styles:
            if st_.get(f"{_W}default") is not None or st_.get(f"{_W}styleId") in wanted:
                wanted.update(b.get(f"{_W}val") for b in st_.iterchildren(f"{_W}basedOn"))
    return {i for i, st_ in enumerate(styles) if st_.get(f"{_W}default") is not None or st_.get(f"{_W}styleId") in wanted}


def _assert_reads_alike(blob: bytes, named: set[str]) -> None:
    from authoring.docx import stylespart

    try:
        whole = stylespart.parse(blob)
    except etree.XMLSyntaxError:
        with pytest.raises(etree.XMLSyntaxError):
            stylespart.read_styles(blob, named)
        return
    cut = stylespart.read_styles(blob, named)
    assert cut.tag == whole.tag and cut.attrib == whole.attrib and cut.nsmap == whole.nsmap
    reachable = _reachable(whole, named)
    assert len(cut) == len(whole)
    styles = [el for el in whole if el.tag == f"{_W}style"]
    for el_cut, el_whole in zip(cut, whole):
        assert el_cut.tag == el_whole.tag and el_cut.attrib == el_whole.attrib
        if el_whole.tag == f"{_W}latentStyles":
            assert len(el_cut) in (0, len(el_whole))  # nothing reads the style gallery's entries
        elif el_whole.tag != f"{_W}style" or styles.index(el_whole) in reachable:
            assert etree.tostring(el_cut) == etree.tostring(el_whole)


def test_the_styles_part_is_cut_where_nothing_reads(big_styles: bytes) -> None:
    from authoring.docx import stylespart

    named = {"Heading1", "Title"}
    cut = stylespart._reduced(big_styles, named)
    assert cut is not None and len(etree.tostring(cut)) < len(big_styles) // 4
    _assert_reads_alike(big_styles, named)


_STYLE_INSERTS = [
    b"<!-- a comment -->", b"<![CDATA[x]]>", b"<?pi x?>", b'<w:style w:type="paragraph" w:styleId="Inner"/>',
    b"<x:bad/>", b'<w:rPr x:y="1"/>', b"<w:b>", b"</w:b>", b"&bogus;", b"&amp;", b'<w:name w:val="a&gt;b"/>',
    b'<w:basedOn w:val="Heading1"/>', b'<w:basedOn w:val="Normal"/>', b"\x01", b"<", b'<w:p xmlns:w="urn:x"/>',
    b'<w:style xmlns:w="urn:other"/>', b'<w:style w:styleId="Missing"/>', b"<w:latentStyles/>",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_cut_styles_part_reads_as_the_whole_one(big_styles: bytes, data: st.DataObject) -> None:
    # Whatever is put into the part (between tags, inside a style's content, into a start tag),
    # the cut part reads as the whole one where anything reads it, or both refuse.
    blob = big_styles
    for _ in range(data.draw(st.integers(0, 3))):
        tags = [m.start() for m in re.finditer(rb"<", blob)]
        at = data.draw(st.sampled_from(tags))
        kind = data.draw(st.sampled_from(["insert", "attr", "end_space", "quote", "id", "default"]))
        if kind == "insert":
            blob = blob[:at] + data.draw(st.sampled_from(_STYLE_INSERTS)) + blob[at:]
        elif kind == "attr":
            end = blob.find(b">", at)
            blob = blob[:end] + data.draw(st.sampled_from([b" w:default='1'", b' w:x="a>b"', b" foo:bar='1'",
                                                           b' w:styleId="Title"'])) + blob[end:]
        elif kind == "end_space":
            blob = blob.replace(b"</w:style>", b"</w:style  >", 1)
        elif kind == "quote":
            blob = blob.replace(b'w:styleId="Heading1"', b"w:styleId='Heading1'")
        elif kind == "id":
            blob = blob.replace(b'w:styleId="Heading2"', b'w:styleId="Heading&#50;"')
        else:
            blob = blob.replace(b'w:type="character" w:default="1"', b'w:type="character"')
    named = set(data.draw(st.lists(st.sampled_from(["Heading1", "Heading2", "Title", "Normal", "Quote", "Inner",
                                                    "Missing", "ListNumber"]), max_size=3)))
    _assert_reads_alike(blob, named)


_XML_BITS = [b"<a>", b"</a>", b"<b/>", b'<c x="1">', b"</c>", b"<p:d/>", b'<e xmlns:p="urn:p"/>', b'<f p:x="1"/>',
             b"&amp;", b"&nope;", b"&#0;", b"&#x41;", b"<!-- c -->", b"<![CDATA[<]]>", b"<?pi?>", b"\x01", b"\xff",
             b"text", b" ", b"<", b">", b'"', b'<g xmlns:q="urn:q" xmlns:r="urn:q" q:a="1" r:a="2"/>',
             b'<h xmlns:s=""/>', b'<i xmlns="http://www.w3.org/2000/xmlns/"/>', b"<xmlns:j/>"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_XML_BITS), max_size=12))
def test_parses_cleanly_only_where_the_parser_would(bits: list[bytes]) -> None:
    from authoring.docx import stylespart

    blob = b'<?xml version="1.0" encoding="UTF-8"?><root xmlns:w="urn:w">' + b"".join(bits) + b"</root>"
    try:
        stylespart.parse(blob)
        parsed = True
    except etree.XMLSyntaxError:
        parsed = False
    assert stylespart.parses_cleanly(blob) == parsed


# -- paragraph text and heading numbers: the quick ways against the ways they replaced --------------


def _paragraph_text_by_walk(element: Any) -> str:
    """reader.paragraph_text as it was: one walk of every node, skipping what a reader does not see."""
    from authoring.docx.reader import _SKIP_SUBTREES

    out: list[str] = []
    stack = [iter(element)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIP_SUBTREES:
            continue
        if tag == f"{_W}t":
            out.append(child.text or "")
        elif tag == f"{_W}tab":
            out.append(" ")
        stack.append(iter(child))
    return "".join(out)


_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_RUN_TAGS = [f"{_W}{t}" for t in ("r", "t", "tab", "del", "ins", "hyperlink", "txbxContent", "delText", "smartTag")] + [
    f"{{{_MC}}}AlternateContent", f"{{{_MC}}}Choice", f"{{{_MC}}}Fallback", "{urn:other}t"]


def _tree(draw: Any, depth: int) -> Any:
    el = etree.Element(draw(st.sampled_from(_RUN_TAGS)))
    el.text = draw(st.sampled_from([None, "", "法治", " ", "一、"]))
    if depth < 3:
        for _ in range(draw(st.integers(0, 3))):
            child = _tree(draw, depth + 1)
            child.tail = draw(st.sampled_from([None, "尾"]))
            el.append(child)
        if draw(st.booleans()):
            el.append(etree.Comment("c"))
    return el


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_paragraph_text_is_the_walk_it_replaced(data: st.DataObject) -> None:
    from authoring.docx.reader import paragraph_text

    p = etree.Element(f"{_W}p")
    for _ in range(data.draw(st.integers(0, 4))):
        p.append(_tree(data.draw, 0))
    assert paragraph_text(p) == _paragraph_text_by_walk(p)


def _boundary_by_copy(norm: str, pos: int, level: int) -> str:
    """unflatten._boundary as it was (the text before the number copied and stripped)."""
    from authoring import unflatten as U

    before = norm[:pos]
    stripped = before.rstrip()
    ends = U._rx()["end"] if level <= 2 else U._rx()["item_end"]
    if not stripped or ends.fullmatch(stripped[-1]):
        return "strong"
    if len(stripped) < len(before) and not stripped[-1].isdigit():
        return "strong"
    return "weak" if stripped[-1] in "%％”’》）】」』" else ""


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="一（）。；：1２²%％”》 \u3000\t\n年是", max_size=20), st.integers(0, 25), st.integers(1, 4))
def test_the_boundary_before_a_number_is_what_the_copy_found(norm: str, pos: int, level: int) -> None:
    from authoring import unflatten as U

    pos = min(pos, len(norm))
    assert U._boundary(norm, pos, level) == _boundary_by_copy(norm, pos, level)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="一二三十（）、．. 1234567890①⑩²年工作", max_size=16))
def test_a_heading_number_is_what_each_pattern_in_turn_found(text: str) -> None:
    from authoring import unflatten as U

    norm = normalize_text(text)
    for pos in range(len(norm)):
        window = norm[pos:pos + 12]
        found = next(((level, m) for level, rx in U._rx()["numbering"] if (m := rx.match(window))), None)
        expected = None if found is None else U._Number(pos, pos + found[1].end(), found[0], U._value(found[1].group()))
        assert U._number_at(norm, pos) == expected


def _retold(raw: bytes, name: str, size: int, crc: int) -> bytes:
    """The package with `name`'s declared size and CRC rewritten in its central directory entry."""
    data = bytearray(raw)
    central = data.find(b"PK\x01\x02")
    while data[central + 46:central + 46 + int.from_bytes(data[central + 28:central + 30], "little")] != name.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 16:central + 20] = crc.to_bytes(4, "little")
    data[central + 24:central + 28] = size.to_bytes(4, "little")
    return bytes(data)


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
@pytest.mark.parametrize("shift", [-1, 1, -100])
def test_an_entry_declaring_another_size_with_its_crc_inflates_as_zipfile_reads_it(method: int, shift: int) -> None:
    # zipfile reads an entry up to its declared size and checks the CRC of what it read: a
    # shorter size with the CRC of the shorter bytes reads those bytes. So must the one-call path.
    import zlib

    body = ("<w:document>" + "法治" * 500 + "</w:document>").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        zf.writestr("word/document.xml", body)
        zf.writestr("[Content_Types].xml", b"<Types/>")
    size = len(body) + shift
    raw = _retold(out.getvalue(), "word/document.xml", size, zlib.crc32(body[:size]))
    assert _inflated(raw, ordinary=True) == _inflated(raw, ordinary=False)


@pytest.mark.parametrize("edit, named", [
    # Values the byte scan does not decode: the tree says which styles are read, and nothing is cut.
    ((b'w:styleId="Heading2"', b'w:styleId="Heading&#50;"'), {"Heading2"}),
    ((b'w:styleId="Heading1"', b"w:styleId='Heading1'"), {"Heading1"}),
    ((b'w:styleId="Title"', b'w:styleId="Ti&#116;le"'), {"Title"}),
    ((b'w:default="1"', b'w:default = "1"'), set()),
    ((b'<w:basedOn w:val="Heading1"/>', b'<w:basedOn w:val="Heading&#49;"/>'), {"Heading2"}),
    ((b'<w:basedOn w:val="Normal"/>', b"<w:basedOn w:val='Heading1'/>"), {"Title"}),
    # What makes the bytes not plainly tags: a comment, CDATA, a processing instruction, a
    # w:style inside another, an end tag with space, a w:style of another namespace.
    ((b"<w:latentStyles", b"<!-- <w:style w:styleId='X'> --><w:latentStyles"), {"Heading1"}),
    ((b"<w:latentStyles", b"<![CDATA[</w:style>]]><w:latentStyles"), {"Heading1"}),
    ((b"<w:latentStyles", b"<?pi <w:style?><w:latentStyles"), {"Heading1"}),
    ((b'<w:name w:val="heading 1"/>', b'<w:name w:val="heading 1"/><w:style w:styleId="In"/>'), {"Heading1"}),
    ((b"</w:style>", b"</w:style\n>"), {"Heading1"}),
    ((b"<w:latentStyles", b'<w:style xmlns:w="urn:other" w:styleId="Heading1"/><w:latentStyles'), {"Heading1"}),
    ((b"<w:latentStyles", b'<w:x><w:style w:styleId="Deep"/></w:x><w:latentStyles'), {"Deep"}),
    # w:latentStyles cut only where it stands alone among the root's children.
    ((b"</w:latentStyles>", b'<w:style w:styleId="Heading1"/></w:latentStyles>'), {"Heading1"}),
    ((b"</w:latentStyles>", b"</w:latentStyles><w:latentStyles/>"), {"Heading1"}),
    ((b"<w:docDefaults>", b"<w:docDefaults><w:latentStyles/>"), {"Heading1"}),
    ((b"<w:latentStyles", b"<w:latentStyles xmlns:q='urn:q' q:a='>'"), {"Heading1"}),
    # Broken inside a style nothing reads: refused as the whole part is.
    ((b'<w:name w:val="Quote"/>', b'<w:name w:val="Quote"><x:undeclared/></w:name>'), {"Heading1"}),
    ((b'<w:name w:val="Quote"/>', b'<w:name w:val="Quote">'), {"Heading1"}),
    ((b'<w:name w:val="Quote"/>', b'<w:name w:val="Quote" w:val="again"/>'), {"Heading1"}),
])
def test_styles_parts_the_cut_must_not_misread(big_styles: bytes, edit: tuple[bytes, bytes], named: set[str]) -> None:
    old, new = edit
    assert old in big_styles
    _assert_reads_alike(big_styles.replace(old, new, 1), named)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="一二三十（）、．. 1234567890①⑩²年工作", max_size=16))
def test_a_line_opens_numbered_where_a_pattern_matches(text: str) -> None:
    from authoring import unflatten as U
    from authoring.lines import patterns

    norm = normalize_text(text)
    assert U.opens_numbered(norm) == any(rx.match(norm) for _, rx in patterns()["numbering"])


def _numbered_style(sid: str, num_id: str) -> Callable[[Any], None]:
    def edit(root: Any) -> None:
        st_ = _style(root, sid)
        if st_ is None:
            return
        ppr = st_.find(f"{_W}pPr")
        if ppr is None:
            ppr = etree.SubElement(st_, f"{_W}pPr")
        numpr = etree.SubElement(ppr, f"{_W}numPr")
        etree.SubElement(numpr, f"{_W}numId").set(f"{_W}val", num_id)
    return edit


@pytest.mark.parametrize("edits", [
    # The default paragraph style numbered: every paragraph without a style of its own draws the
    # number (ListNumbers' default is the first style marked default, python-docx's the last).
    [_numbered_style("Normal", "9")],
    [_numbered_style("Normal", "9"), _style_edit("default", "Heading1", "1")],
    [_numbered_style("Heading1", "8"), _style_edit("default", "Heading1", "true"), _style_edit("default", "Normal", "0")],
    [_numbered_style("Title", "7"), _style_edit("default", "Title", "on")],
])
def test_numbering_drawn_from_the_default_style(bases: list[bytes], edits: list[Callable[[Any], None]]) -> None:
    for base in bases[1:]:  # python-docx's template: a numbering part
        raw = _edit(base, {"word/styles.xml": lambda root: [e(root) for e in edits]})
        quick, general, took = both_ways(raw)
        assert quick == general and took


def test_checking_text_imports_neither_lxml_nor_python_docx(tmp_path: Path) -> None:
    # Reading a .docx imports lxml (and the general path python-docx); a text file needs neither
    # (each costs a text-only `check` tens of milliseconds and megabytes).
    import subprocess

    path = tmp_path / "r.txt"
    path.write_text(V.corpus_text(V.corpus_files()[0].stem) if V.corpus_files() else "一、工作\n", encoding="utf-8")
    code = ("import sys; from authoring.main import check_path; check_path(sys.argv[1]); "
            "print(sorted(m for m in ('lxml', 'lxml.etree', 'docx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
