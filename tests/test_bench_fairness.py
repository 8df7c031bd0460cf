"""The benchmark compares like with like: for every example, the docxtpl side of benchmarks/
produces the same paragraphs of text as `authoring render` (no timings here)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("docxtpl")  # a benchmark extra: pip install -e '.[bench]'

import yaml  # noqa: E402
from docx import Document  # noqa: E402

from authoring.main import build_report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from docxtpl_render import render_bytes  # noqa: E402
from docxtpl_template import build_template  # noqa: E402


def _paragraphs(path: Path) -> list[str]:
    # A line break inside a paragraph (the writer breaks a long title) is layout, not text.
    return [p.text.replace("\n", "") for p in Document(str(path)).paragraphs if p.text.strip()]


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("tpl")
    return [build_template(folder / "full.docx"), build_template(folder / "lean.docx", lean=True)]


@pytest.mark.parametrize("example", sorted(ROOT.glob("examples/*.yaml")), ids=lambda p: p.stem)
def test_docxtpl_renders_the_same_text(example: Path, templates: list[Path], tmp_path: Path) -> None:
    ours = tmp_path / "ours.docx"
    build_report(example, ours, draft=True)
    expected = _paragraphs(ours)
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    for template in templates:
        theirs = tmp_path / f"docxtpl-{template.stem}.docx"
        theirs.write_bytes(render_bytes(template, data))
        assert _paragraphs(theirs) == expected
