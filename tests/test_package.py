"""Every part of every file we write passes the Open XML SDK's rules (openxml-audit, strict),
with and without a reference document, and names no font a Chinese machine would lack."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from authoring.main import build_blocks, docx_bytes
from authoring.write import build_docx, resolve_layout

openxml_audit = pytest.importorskip("openxml_audit")
from openxml_audit import FileFormat, OpenXmlValidator  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = sorted((Path(__file__).parent / "fixtures" / "reference").glob("*.docx"))
EXAMPLE = ROOT / "examples" / "changzhou-cgj-2024.yaml"


def audit(path: Path, file_format: FileFormat) -> list[str]:
    """openxml-audit's errors for a file, as "part: description" lines."""
    result = OpenXmlValidator(file_format=file_format, max_errors=0, strict=True).validate(path)
    return [f"{getattr(e, 'part', '')}: {e.description}" for e in result.errors]


@pytest.mark.parametrize("file_format", [FileFormat.OFFICE_2013, FileFormat.MICROSOFT_365],
                         ids=["office2013", "microsoft365"])
@pytest.mark.parametrize("reference", [None, *REFERENCES],
                         ids=["lean", *(p.stem for p in REFERENCES)])
def test_every_part_passes_the_open_xml_sdk_rules(tmp_path: Path, reference, file_format) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(docx_bytes(build_blocks(EXAMPLE).blocks, reference_doc=reference,
                                meta={"year": 2024}))
    assert audit(path, file_format) == []


def test_the_audit_does_find_a_broken_part(tmp_path: Path) -> None:
    # The check itself can fail: a part with an element the schema does not allow.
    data = build_docx(build_blocks(EXAMPLE).blocks, meta={"year": 2024})
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as out, zipfile.ZipFile(io.BytesIO(data)) as src:
        for name in src.namelist():
            part = src.read(name)
            if name == "word/settings.xml":
                part = part.replace(b"<w:evenAndOddHeaders/>", b"<w:evenAndOddHeaders/><w:bogus/>")
            out.writestr(name, part)
    assert any("bogus" in e for e in audit(path, FileFormat.OFFICE_2013))


def test_settings_give_the_zoom_its_required_percentage() -> None:
    # ISO/IEC 29500-1 17.15.1.95: w:percent is required (the SDK does not insist; the schema does).
    with zipfile.ZipFile(io.BytesIO(build_docx([]))) as zf:
        settings = zf.read("word/settings.xml").decode("utf-8")
    assert re.search(r'<w:zoom w:percent="\d+"/>', settings)


def _font_names(data: bytes) -> set[str]:
    names: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if not name.endswith(".xml"):
                continue
            xml = zf.read(name).decode("utf-8")
            names |= set(re.findall(r'\btypeface="([^"]*)"', xml))
            for fonts in re.findall(r"<w:rFonts [^>]*>", xml):
                names |= set(re.findall(r'w:(?:ascii|hAnsi|eastAsia|cs)="([^"]*)"', fonts))
            names |= set(re.findall(r'<w:(?:font w:name|altName w:val)="([^"]*)"', xml))
            names |= set(re.findall(r'<m:mathFont m:val="([^"]*)"', xml))
    return names - {""}


def test_no_part_names_a_font_of_another_script_or_one_windows_lacks() -> None:
    layout = resolve_layout()
    names = _font_names(build_docx(build_blocks(EXAMPLE).blocks, meta={"year": 2024}))
    # The layout's fonts, what the font table offers in their place, and the theme's 宋体/黑体.
    allowed = set(layout["fonts"].values()) | {"仿宋", "楷体", "宋体", "黑体", "SimSun", "SimHei",
                                                 "FangSong", "KaiTi"}
    assert names <= allowed, names - allowed
    for foreign in ("Calibri", "Cambria", "ＭＳ 明朝", "ＭＳ ゴシック", "맑은 고딕", "新細明體", "Arial"):
        assert foreign not in names
