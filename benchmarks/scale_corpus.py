"""The files a 依法治市办 checks in March, made for benchmarks/scale.py: N Word files and N text
files, every one with bytes of its own.

The Word files come in three kinds, taking turns:
  authoring  the three examples rendered by `authoring render` (GB/T 9704, a lean styles part)
  word       the corpus reports written paragraph by paragraph with python-docx's default
             template (164 styles, no named style on body paragraphs: a clerk's Word file)
  word-gb    the same with GB/T 9704 page, East Asian fonts and heading styles
The text files take turns between the examples' text output, the corpus reports as saved from a
web page (chrome before and after), and the corpus reports as GBK.

Each file is made unique by its number, written in 甲乙丙… (so that no rule takes it for a
figure or a heading number) before the first 。 of every paragraph ("（编号乙丁）"): every
paragraph of every file is text of its own, as in a real batch, and nothing can be served from a
cache that a real batch would miss. Headings are left as they are (real reports share them). The corpus is /work/shared/corpus
when it is there; without it only the examples are used.
"""
from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = Path("/work/shared/corpus")
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
sys.path.insert(0, str(ROOT))

HEAD_CHROME = ["首页 > 政务公开 > 法治政府建设", "发布时间：2025-03-20  来源：本网  【字体：大 中 小】"]
TAIL_CHROME = ["分享到：", "【打印本页】 【关闭窗口】", "网站地图 | 联系我们", "主办单位：某市人民政府办公室  版权所有"]
_TOP = re.compile(r"^[一二三四五六七八九十]、")
_SUB = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")


def corpus_texts() -> list[str]:
    """The real reports' text (empty when the corpus is not on this machine)."""
    return [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))] if CORPUS.is_dir() else []


def example_texts() -> list[tuple[bytes, bytes]]:
    """(.docx bytes, .txt bytes) of each example, rendered by the library."""
    from authoring.main import build_blocks, output_bytes

    out = []
    for path in EXAMPLES:
        result = build_blocks(path)
        out.append((output_bytes(result, "docx"), output_bytes(result, "text")))
    return out


def word_docx(text: str, *, gb9704: bool) -> bytes:
    """A report's lines as Word paragraphs through python-docx's default template."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    d = docx.Document()
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        level = 1 if _TOP.match(s) else 2 if _SUB.match(s) and len(s) < 40 else 0
        p = d.add_paragraph(style=f"Heading {level}" if gb9704 and level else None)
        run = p.add_run(s)
        if gb9704:
            run.font.size = Pt(16)
            rpr = run._element.get_or_add_rPr()
            fonts = OxmlElement("w:rFonts")
            fonts.set(qn("w:eastAsia"), {0: "仿宋_GB2312", 1: "黑体", 2: "楷体_GB2312"}[level])
            rpr.insert(0, fonts)
    if gb9704:
        sec = d.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def bases() -> tuple[list[bytes], list[bytes]]:
    """The distinct .docx and .txt files that the corpus's files are numbered copies of."""
    rendered = example_texts()
    docx_files = [d for d, _ in rendered]
    txt_files = [t for _, t in rendered]
    for text in corpus_texts():
        docx_files += [word_docx(text, gb9704=False), word_docx(text, gb9704=True)]
        lines = text.rstrip("\n").splitlines()
        txt_files.append(("\n".join(HEAD_CHROME + [""] + lines + [""] + TAIL_CHROME) + "\n").encode("utf-8"))
        txt_files.append(text.encode("gbk", errors="replace"))
    # Take turns between the kinds: authoring, word, word-gb, authoring, …
    ours, words = docx_files[:len(rendered)], docx_files[len(rendered):]
    mixed_docx = [x for pair in zip(ours, words[0::2], words[1::2]) for x in pair] or ours
    return mixed_docx, txt_files


_TEN = "甲乙丙丁戊己庚辛壬癸"


def marker(n: int) -> str:
    """The file's number as a word no rule reads as a number: 17 → （编号甲庚）."""
    return "（编号" + "".join(_TEN[int(d)] for d in str(n)) + "）"


def _numbered_text(raw: bytes, n: int, encoding: str, separator: str) -> bytes:
    # The marker before the first 。 of each paragraph (a line of text, a w:p of Word).
    mark = marker(n) + "。"
    chunks = raw.decode(encoding).split(separator)
    return separator.join(c.replace("。", mark, 1) for c in chunks).encode(encoding)


def numbered_docx(raw: bytes, n: int) -> bytes:
    """The .docx with the file's number written into its first sentence (the zip otherwise as it was)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = _numbered_text(data, n, "utf-8", "</w:p>")
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def numbered_txt(raw: bytes, n: int) -> bytes:
    """The text file with the file's number written into its first sentence, in its own encoding."""
    try:
        return _numbered_text(raw, n, "utf-8", "\n")
    except UnicodeDecodeError:
        return _numbered_text(raw, n, "gbk", "\n")


def make_corpus(folder: Path, count: int) -> tuple[Path, Path]:
    """folder/docx and folder/txt with `count` files each (made once; a larger count adds files)."""
    docx_dir, txt_dir = folder / "docx", folder / "txt"
    docx_dir.mkdir(parents=True, exist_ok=True)
    txt_dir.mkdir(parents=True, exist_ok=True)
    have = len(list(docx_dir.glob("*.docx")))
    if have < count:
        docx_bases, txt_bases = bases()
        for i in range(have, count):
            (docx_dir / f"report-{i + 1:05d}.docx").write_bytes(numbered_docx(docx_bases[i % len(docx_bases)], i + 1))
            (txt_dir / f"report-{i + 1:05d}.txt").write_bytes(numbered_txt(txt_bases[i % len(txt_bases)], i + 1))
    return docx_dir, txt_dir


def subset(folder: Path, source: Path, count: int, suffix: str) -> Path:
    """A folder holding the first `count` files of `source` (hard links: no bytes copied)."""
    import os

    target = folder / f"{source.name}-{count}"
    if not target.is_dir():
        target.mkdir(parents=True)
        for p in sorted(source.glob(f"*{suffix}"))[:count]:
            os.link(p, target / p.name)
    return target


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="make the benchmark's files")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    print(*make_corpus(args.folder, args.count))
