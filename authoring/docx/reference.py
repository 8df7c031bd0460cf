"""An agency's reference .docx (--reference-doc) as the base of a report: opened with
python-docx (imported only here, and only when a reference is given), its body emptied, its
styles, page setup and footers kept, ours added where it has none.

Only what docs/word-output.md says is taken comes along: the styles (with the numbering, font
table and theme they use), the page setup and the headers and footers (with their pictures).
The reference's settings, its attached template and any other external relationship, its
document properties, comments, macros and the pictures of its old body stay behind: a remote
attached template is how a document phones home, and settings such as document protection or
tracked changes are not a style.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Any, Mapping

from lxml import etree

from authoring.docx.base import Base
from authoring.docx.container import check_docx_container
from authoring.docx.layout import Geometry
from authoring.docx.oxml import OxmlElement
from authoring.docx.package import read_parts
from authoring.docx.parts import app_xml, base_part, core_values
from authoring.docx.repair import (
    drop_undefined_paragraph_styles,
    ensure_theme,
    order_run_properties,
    style_ids,
)
from authoring.docx.oxml import part_bytes
from authoring.docx.schema import CONTENT_TYPES_NS, OD_REL, PACKAGE_RELS_NS, R, W, qn
from authoring.docx.sections import fill_page_number
from authoring.docx.styles import font_table, setup_styles
from authoring.errors import InputError


class ReferenceBase(Base):
    """The agency's reference .docx opened with python-docx: its body emptied, its styles,
    page setup and footers kept, ours added where it has none."""

    def __init__(self, layout: Mapping[str, Any], reference_doc: bytes, name: str) -> None:
        self.name = name
        self.doc = _open_template(reference_doc, name)
        try:
            self._take(layout)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 — see _damaged
            raise _damaged(name) from exc

    def _take(self, layout: Mapping[str, Any]) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        geo = Geometry(layout)
        doc = self.doc
        _clear_body(doc)

        def add_style(name: str) -> Any:
            style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            if name != "Normal":
                style.base_style = doc.styles["Normal"]
                style.next_paragraph_style = doc.styles["Normal"]
            return style.element

        styles = doc.styles.element
        style_ids, level_fonts = setup_styles(styles, layout, geo, from_reference=True,
                                               add_style=add_style)
        default = styles.default_for(WD_STYLE_TYPE.PARAGRAPH)
        settings = doc.settings
        settings.odd_and_even_pages_header_footer = True
        lang = settings.element.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        section = doc.sections[0]
        # The reference's own footers are kept; page numbers are added only where it has none.
        for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
            if not _has_footer(footer):
                footer.is_linked_to_previous = False
                p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
                fill_page_number(p._p, layout, geo, odd=odd)
        super().__init__(layout, geo, style_ids,
                         default.styleId if default is not None else None, level_fonts,
                         int(doc._block_width))

    def parts(self, body: str, meta: Mapping[str, Any], chars: int) -> dict[str, bytes]:
        """The report's parts on the reference: its body, our document properties, and of the
        reference only what is taken."""
        try:
            return self._parts(body, meta, chars)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 — see _damaged
            raise _damaged(self.name) from exc

    def _parts(self, body: str, meta: Mapping[str, Any], chars: int) -> dict[str, bytes]:
        doc = self.doc
        wrapper = etree.fromstring(f'<w:body xmlns:w="{W}" xmlns:r="{R}">{body}</w:body>')
        sect = doc.element.body.find(qn("w:sectPr"))
        for child in list(wrapper):
            sect.addprevious(child)
        values = {tag: value for _, tag, value in core_values(meta)}
        props = doc.core_properties
        props.title = values["title"]
        props.author = values["creator"]
        props.last_modified_by = values["lastModifiedBy"]
        props.subject = values["subject"]
        props.comments = values["description"]
        props.keywords = ""
        props.category = ""
        props.revision = 1
        props.created = props.modified = values["created"]
        parts = _only_what_is_taken(_serialize(doc))
        _repair_reference_parts(parts)
        if "word/fontTable.xml" in parts:
            parts["word/fontTable.xml"] = font_table(parts["word/fontTable.xml"], self.layout, True)
        if "docProps/app.xml" in parts:
            parts["docProps/app.xml"] = app_xml(meta, chars)
        return parts


def _damaged(name: str) -> InputError:
    # A reference is a foreign file read with python-docx, whose failures on a damaged or odd
    # one are many (a footer id that points nowhere, a page width of "wide", a style of type
    # "true", a font table cut short…): each was a traceback. To a clerk they are one thing.
    return InputError("参考文档已损坏，或含有本工具无法沿用的内容（样式、页面设置或页脚）；请在 Word 中打开，"
                      "“另存为”一份新的 .docx 后再用作 --reference-doc，或不用 --reference-doc", file=name)


_PACKAGE_TAKEN = {OD_REL + "officeDocument", PACKAGE_RELS_NS + "/metadata/core-properties",
                  OD_REL + "extended-properties"}
# From the main document: what its styles, page setup and footers need. Settings are ours.
_DOCUMENT_TAKEN = {OD_REL + t for t in ("styles", "numbering", "fontTable", "theme", "header", "footer", "settings")}
# From a part taken (a footer, the numbering's picture bullets): its pictures, internal ones.
_PART_TAKEN = {OD_REL + "image"}
_RELS_NS = f"{{{PACKAGE_RELS_NS}}}"


def _rels_name(part: str) -> str:
    folder, _, file = part.rpartition("/")
    return f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels"


def _target(part: str, target: str) -> str:
    """A relationship's target as a part name (relative to the part's folder)."""
    import posixpath

    if target.startswith("/"):
        return target.lstrip("/")
    folder = part.rpartition("/")[0]
    return posixpath.normpath(posixpath.join(folder, target)) if folder else posixpath.normpath(target)


def _only_what_is_taken(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The parts of the reference (body already replaced) that the report keeps: relationships
    of the kinds taken, never an external one, and the parts they reach; our settings."""
    kept: dict[str, bytes] = {}
    dropped_ids: dict[str, set[str]] = {}

    def keep(part: str, allowed: set[str]) -> None:
        kept[part] = parts[part]
        rels_name = _rels_name(part)
        if rels_name not in parts:
            return
        rels = etree.fromstring(parts[rels_name])
        for rel in list(rels):
            target = _target(part, rel.get("Target", ""))
            if rel.get("Type") not in allowed or rel.get("TargetMode") == "External" or target not in parts:
                dropped_ids.setdefault(part, set()).add(rel.get("Id", ""))
                rels.remove(rel)
            elif target not in kept:
                keep(target, _PART_TAKEN)
        kept[rels_name] = part_bytes(rels)

    root = "_rels/.rels"
    rels = etree.fromstring(parts[root])
    for rel in list(rels):
        if rel.get("Type") not in _PACKAGE_TAKEN or rel.get("TargetMode") == "External":
            rels.remove(rel)
        elif rel.get("Type") == OD_REL + "officeDocument":
            keep(_target("", rel.get("Target", "")), _DOCUMENT_TAKEN)
        elif _target("", rel.get("Target", "")) in parts:
            kept[_target("", rel.get("Target", ""))] = parts[_target("", rel.get("Target", ""))]
    kept[root] = part_bytes(rels)
    for name in ("word/settings.xml", "word/_rels/settings.xml.rels"):
        kept.pop(name, None)
    if "word/settings.xml" in parts:
        kept["word/settings.xml"] = base_part("settings.xml")
    for part, ids in dropped_ids.items():
        kept[part] = _without_references(kept[part], ids)
    types = etree.fromstring(parts["[Content_Types].xml"])
    for override in list(types):
        if override.tag == f"{{{CONTENT_TYPES_NS}}}Override" and override.get("PartName", "").lstrip("/") not in kept:
            types.remove(override)
    kept["[Content_Types].xml"] = part_bytes(types)
    return kept


def _without_references(xml: bytes, ids: set[str]) -> bytes:
    """A part without its references to relationships that were not taken: the attribute goes
    (r:link of a remote picture, r:id of a hyperlink), or the element where it cannot stand alone."""
    if not ids or not any(f'"{i}"'.encode() in xml for i in ids):
        return xml
    root = etree.fromstring(xml)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        for attr in [a for a in el.attrib if a.startswith(f"{{{R}}}") and el.get(a) in ids]:
            if el.tag in (qn("w:printerSettings"), qn("w:headerReference"), qn("w:footerReference")):
                parent = el.getparent()
                if parent is not None:
                    parent.remove(el)
                break
            del el.attrib[attr]
    return part_bytes(root)


def _repair_reference_parts(parts: dict[str, bytes]) -> None:
    """Put what a reference brought into schema order, so the file passes the Open XML SDK's
    rules whoever saved the reference (see repair.py)."""
    defined = style_ids(parts["word/styles.xml"]) if "word/styles.xml" in parts else set()
    for name in list(parts):
        if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
            parts[name] = drop_undefined_paragraph_styles(order_run_properties(parts[name]),
                                                          defined)
        elif name == "word/styles.xml":
            parts[name] = order_run_properties(parts[name])
    ensure_theme(parts, base_part("theme1.xml"))


def _has_footer(footer: Any) -> bool:
    if footer.is_linked_to_previous:
        return False
    return any(p.text.strip() or p._p.findall(f".//{qn('w:fldChar')}") for p in footer.paragraphs)


class _PartCollector:
    """Stands in for python-docx's zip writer and keeps the parts in a dict."""

    def __init__(self) -> None:
        self.parts: dict[str, bytes] = {}

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.parts[pack_uri.membername] = blob

    def close(self) -> None:
        pass


def _serialize(doc: Any) -> dict[str, bytes]:
    """The document's parts, without zipping them only to unzip them again for the stamp."""
    package = doc.part.package
    try:
        from docx.opc.pkgwriter import PackageWriter

        for part in package.parts:
            part.before_marshal()
        collector: Any = _PartCollector()
        PackageWriter._write_content_types_stream(collector, package.parts)
        PackageWriter._write_pkg_rels(collector, package.rels)
        PackageWriter._write_parts(collector, package.parts)
        return collector.parts
    except AttributeError:  # a python-docx whose internals moved: take the slow, public way
        buf = io.BytesIO()
        doc.save(buf)
        with zipfile.ZipFile(buf) as zf:
            return {name: zf.read(name) for name in zf.namelist()}


_TEMPLATE_CT = b"wordprocessingml.template.main+xml"
_DOCUMENT_CT = b"wordprocessingml.document.main+xml"
# A reference document is a few hundred kilobytes; past this it is damaged or a zip bomb.
_MAX_REFERENCE_BYTES = 100 * 1024 * 1024


def _open_template(reference_doc: bytes, name: str) -> Any:
    """The agency's reference .docx (a .dotx is read as a .docx), opened with python-docx."""
    from docx import Document

    bad = InputError("不是有效的 Word .docx 文件（.doc、.wps 请先在 Word/WPS 中另存为 .docx）",
                     file=name)
    # The same zip defences as `check` and `import` (declared sizes, ratios, entries that lie about
    # their size), before python-docx inflates anything.
    check_docx_container(reference_doc, name)
    try:
        with zipfile.ZipFile(io.BytesIO(reference_doc)) as zf:
            parts = read_parts(zf, _MAX_REFERENCE_BYTES)
        types = parts.get("[Content_Types].xml", b"")
        if _TEMPLATE_CT in types:
            # A Word template (.dotx) differs from a document only in this content type.
            parts["[Content_Types].xml"] = types.replace(_TEMPLATE_CT, _DOCUMENT_CT)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name, data in parts.items():
                zf.writestr(name, data)
        return Document(buf)
    except InputError:
        raise
    except Exception as exc:  # any way a damaged file can fail to parse is the same to a clerk
        raise bad from exc


def _clear_body(doc: Any) -> None:
    # Keep only the last section properties (page setup, footers); the content is ours.
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    if body.find(qn("w:sectPr")) is None:
        body.append(OxmlElement("w:sectPr"))
