"""The parts of a package that hold no report text (content types, relationships, the document
element, the lean base's files in data/docx/) and the document properties (core, app)."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Mapping

from lxml import etree

from authoring import __version__
from authoring.docx.oxml import XML_DECL, part_bytes
from authoring.docx.schema import (
    APP_NS,
    CONTENT_TYPES_NS,
    CORE,
    DC,
    DCTERMS,
    MC,
    OD_REL,
    PACKAGE_RELS_NS,
    XSI,
    R,
    W,
)
from authoring.domain import wording
from authoring.resources import data_dir

# The lean base document: python-docx's default template without the 160 table and list styles
# nobody uses, stylesWithEffects, numbering for those lists, the bibliography store and the
# thumbnail (authoring/data/docx/, text files); page setup and footers come from the layout.
DOC_ROOT = (
    '<w:document xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:mo="http://schemas.microsoft.com/office/mac/office/2008/main" '
    f'xmlns:mc="{MC}" '
    'xmlns:mv="urn:schemas-microsoft-com:mac:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    f'xmlns:r="{R}" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    f'xmlns:w10="urn:schemas-microsoft-com:office:word" xmlns:w="{W}" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk" '
    'xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'mc:Ignorable="w14 wp14">')
_CT = "application/vnd.openxmlformats-officedocument."
CONTENT_TYPES = (
    XML_DECL + f'<Types xmlns="{CONTENT_TYPES_NS}">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/docProps/app.xml" ContentType="{_CT}extended-properties+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{_CT}wordprocessingml.document.main+xml"/>'
    f'<Override PartName="/word/fontTable.xml" ContentType="{_CT}wordprocessingml.fontTable+xml"/>'
    f'<Override PartName="/word/footer1.xml" ContentType="{_CT}wordprocessingml.footer+xml"/>'
    f'<Override PartName="/word/footer2.xml" ContentType="{_CT}wordprocessingml.footer+xml"/>'
    f'<Override PartName="/word/settings.xml" ContentType="{_CT}wordprocessingml.settings+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{_CT}wordprocessingml.styles+xml"/>'
    f'<Override PartName="/word/theme/theme1.xml" ContentType="{_CT}theme+xml"/>'
    f'<Override PartName="/word/webSettings.xml" ContentType="{_CT}wordprocessingml.webSettings+xml"/>'
    f'<Override PartName="/docProps/custom.xml" ContentType="{_CT}custom-properties+xml"/>'
    '</Types>').encode("utf-8")
PACKAGE_RELS = (
    XML_DECL + f'<Relationships xmlns="{PACKAGE_RELS_NS}">'
    f'<Relationship Id="rId1" Type="{OD_REL}officeDocument" Target="word/document.xml"/>'
    f'<Relationship Id="rId2" Type="{PACKAGE_RELS_NS}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{OD_REL}extended-properties" Target="docProps/app.xml"/>'
    f'<Relationship Id="rId4" Type="{OD_REL}custom-properties" Target="docProps/custom.xml"/>'
    '</Relationships>').encode("utf-8")
DOCUMENT_RELS = (
    XML_DECL + f'<Relationships xmlns="{PACKAGE_RELS_NS}">'
    f'<Relationship Id="rId1" Type="{OD_REL}styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{OD_REL}settings" Target="settings.xml"/>'
    f'<Relationship Id="rId3" Type="{OD_REL}webSettings" Target="webSettings.xml"/>'
    f'<Relationship Id="rId4" Type="{OD_REL}fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="rId5" Type="{OD_REL}theme" Target="theme/theme1.xml"/>'
    f'<Relationship Id="rId6" Type="{OD_REL}footer" Target="footer1.xml"/>'
    f'<Relationship Id="rId7" Type="{OD_REL}footer" Target="footer2.xml"/>'
    '</Relationships>').encode("utf-8")


@lru_cache(maxsize=None)
def base_part(name: str) -> bytes:
    return (data_dir() / "docx" / name).read_bytes()


def core_xml(meta: Mapping[str, Any]) -> bytes:
    """docProps/core.xml from meta, element for element as python-docx wrote it."""
    root = etree.Element(f"{{{CORE}}}coreProperties", nsmap={
        "cp": CORE, "dc": DC, "dcterms": DCTERMS, "dcmitype": "http://purl.org/dc/dcmitype/",
        "xsi": XSI})
    for ns, tag, value in core_values(meta):
        el = etree.SubElement(root, f"{{{ns}}}{tag}")
        if isinstance(value, dt.datetime):
            el.set(f"{{{XSI}}}type", "dcterms:W3CDTF")
            value = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        el.text = value
    return part_bytes(root)


def core_values(meta: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    when = meta_date(meta)
    agency = str(meta.get("agency") or "")
    return [
        (DC, "title", str(meta.get("title") or "")),
        (DC, "subject", wording("document_subject", year=meta["year"]) if meta.get("year") else ""),
        (DC, "creator", agency),
        (CORE, "keywords", ""),
        (DC, "description", f"authoring {__version__}"),
        (CORE, "lastModifiedBy", agency),
        (CORE, "revision", "1"),
        (DCTERMS, "created", when),
        (DCTERMS, "modified", when),
        (CORE, "category", ""),
    ]


def app_xml(meta: Mapping[str, Any], chars: int) -> bytes:
    """Extended properties that are true of this file: the template's said "Microsoft
    Macintosh Word", 1 page and 0 characters, which Explorer's details pane would show."""
    root = etree.Element(f"{{{APP_NS}}}Properties", nsmap={None: APP_NS})
    for tag, value in (("Template", "Normal.dotm"), ("Application", "authoring"),
                       ("Characters", str(chars)), ("Company", str(meta.get("agency") or ""))):
        etree.SubElement(root, f"{{{APP_NS}}}{tag}").text = value
    return part_bytes(root)


def meta_date(meta: Mapping[str, Any]) -> dt.datetime:
    """The document date for core properties: meta's date, else 1 January after the year."""
    value = meta.get("date")
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        m = re.match(r"\s*(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})", value)
        if m:
            try:
                year, month, day = (int(g) for g in m.groups())
                return dt.datetime(year, month, day)
            except ValueError:
                pass
    try:
        return dt.datetime(int(meta["year"]) + 1, 1, 1)
    except (KeyError, TypeError, ValueError, OverflowError):
        return dt.datetime(1980, 1, 1)
