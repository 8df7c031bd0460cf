"""Read a LibreOffice PDF back as a person sees it: pages of lines, each line's text and box.

Shared by the tests that compare every character of a report with its rendered pages."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

import pytest

MM = 72 / 25.4  # PDF points per millimetre
# Page number lines ("— 3 —") belong to the footer, not to the report's text.
PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")


@dataclass(frozen=True)
class Line:
    """One printed line: its text (words joined without spaces) and its box in points."""

    text: str
    x_min: float
    x_max: float
    y_min: float


def soffice() -> str:
    """The LibreOffice binary, or skip (CI sets AUTHORING_REQUIRE_LIBREOFFICE and installs it)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def convert(paths: Iterable[Path], outdir: Path, *, env: Optional[dict[str, str]] = None) -> None:
    """Convert .docx files to PDF in one LibreOffice run, with a fresh profile."""
    paths = list(paths)
    profile = outdir / "lo-profile"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), *map(str, paths)],
                   check=True, capture_output=True, timeout=300, env=env)
    for path in paths:
        assert (outdir / (path.stem + ".pdf")).exists(), path


def poppler(tool: str, *args: str) -> str:
    """Run a poppler-utils tool and return what it printed."""
    if shutil.which(tool) is None:
        pytest.skip(f"poppler-utils ({tool}) is not installed")
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


_PAGE = re.compile(r"<page\b[^>]*>(.*?)</page>", re.S)
_LINE = re.compile(r"<line\b[^>]*>(.*?)</line>", re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>')


def pages(pdf: Path) -> list[list[Line]]:
    """The body lines of each page, top to bottom (page numbers left out)."""
    out: list[list[Line]] = []
    for page in _PAGE.findall(poppler("pdftotext", "-bbox-layout", str(pdf), "-")):
        lines = []
        for line in _LINE.findall(page):
            words = [(float(a), float(b), float(c), html.unescape(t))
                     for a, b, c, t in _WORD.findall(line)]
            if not words:
                continue
            text = "".join(w[3] for w in words)
            if PAGE_NUMBER.fullmatch(text):
                continue
            lines.append(Line(text, min(w[0] for w in words), max(w[2] for w in words),
                              min(w[1] for w in words)))
        # pdftotext may cut one printed line into several (a wide gap in the 落款): join them.
        merged: list[Line] = []
        for line in sorted(lines, key=lambda ln: (round(ln.y_min), ln.x_min)):
            if merged and abs(merged[-1].y_min - line.y_min) < 2:
                last = merged.pop()
                line = Line(last.text + line.text, min(last.x_min, line.x_min),
                            max(last.x_max, line.x_max), min(last.y_min, line.y_min))
            merged.append(line)
        out.append(merged)
    while out and not out[-1]:
        out.pop()
    return out


def pdf_fonts(pdf: Path) -> list[str]:
    """The names of the fonts embedded in a PDF, without the subset prefix (ABCDEF+)."""
    rows = poppler("pdffonts", str(pdf)).splitlines()[2:]
    return sorted({re.sub(r"^[A-Z]{6}\+", "", row.split()[0]) for row in rows if row.strip()})
