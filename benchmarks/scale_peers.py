"""The peers of `authoring check` in benchmarks/scale.py: readers doing far less, as someone
would write them in an afternoon. Each prints one CSV row per file: the file and whether each
of the four mandated parts is mentioned at all (a regular expression on the whole text).

    python benchmarks/scale_peers.py docx DIR    # python-docx: Document(), paragraph text, regex
    python benchmarks/scale_peers.py lxml DIR    # zipfile + lxml: the w:t text of document.xml, regex
    python benchmarks/scale_peers.py txt DIR     # read, decode (UTF-8, else GBK), regex
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

PARTS = {
    "举措和成效": re.compile(r"举措|做法|成效|工作情况|主要工作"),
    "第一责任人": re.compile(r"第一责任人|主要负责(人|同志)"),
    "不足和原因": re.compile(r"不足|存在的?.{0,6}(问题|困难)"),
    "下一年度安排": re.compile(r"下一步|下一年度?|工作计划|工作打算|主要安排"),
}


def docx_text(path: Path) -> str:
    """python-docx's paragraph text, joined."""
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def lxml_text(path: Path) -> str:
    """The w:t text of word/document.xml, paragraph by paragraph."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{w}t")) for p in root.iter(f"{w}p"))


def txt_text(path: Path) -> str:
    """The file's text, UTF-8 or else GBK."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gbk", errors="replace")


def main(argv: list[str]) -> int:
    kind, folder = argv[0], Path(argv[1])
    read = {"docx": docx_text, "lxml": lxml_text, "txt": txt_text}[kind]
    suffix = ".txt" if kind == "txt" else ".docx"
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["文件", *PARTS])
    for path in sorted(folder.rglob(f"*{suffix}")):
        text = read(path)
        out.writerow([str(path), *("✓" if rx.search(text) else "✗" for rx in PARTS.values())])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
