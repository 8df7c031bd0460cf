"""Make variants of a real report's text, the way clerks and websites change reports: a part
deleted, parts reordered, part two demoted, headings reworded, other brackets and numbers, other
file formats and encodings, website chrome around it.

The variants work on plain lines and find the parts by their 一、二、三、 numbering alone — not
with the code under test — so a test cannot pass because the checker and the variant maker share
a mistake. All three corpus reports have their parts in the order 举措 → 第一责任人 → 不足 → 安排.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
if not CORPUS.is_dir():  # a worktree elsewhere: fall back to the shared path
    CORPUS = Path("/work/shared/corpus")

CORPUS_ORDER = ("achievements", "first_responsible", "shortcomings", "plans")
CN_NUMS = "一二三四五六七八九十"
_TOP = re.compile(r"^([一二三四五六七八九十])、")


def cn_number(n: int) -> str:
    """1 → 一, 11 → 十一, 20 → 二十 (heading numbers up to 99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_NUMS[ones - 1]
    return ("" if tens == 1 else CN_NUMS[tens - 1]) + "十" + ("" if ones == 0 else CN_NUMS[ones - 1])


def corpus_files() -> list[Path]:
    """The real reports used as test inputs."""
    return sorted(CORPUS.glob("*.txt"))


def corpus_text(name: str) -> str:
    """One corpus report's text, by file stem (e.g. 'changzhou-cgj-2024')."""
    return (CORPUS / f"{name}.txt").read_text(encoding="utf-8")


@dataclass
class Report:
    """A report's lines split at its top-level headings: head, parts (heading + body), tail."""

    head: list[str]
    parts: dict[str, tuple[str, list[str]]]  # key → (heading text without number, body lines)
    order: list[str]
    tail: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The report as text again, top-level headings renumbered in their new order."""
        lines = list(self.head)
        for n, key in enumerate(self.order):
            heading, body = self.parts[key]
            lines.append(f"{cn_number(n + 1)}、{heading}")
            lines.extend(body)
        lines.extend(self.tail)
        return "\n".join(lines) + "\n"


def split(text: str) -> Report:
    """Split a corpus report at its 一、二、三、四、 headings (their order is CORPUS_ORDER)."""
    lines = text.splitlines()
    tops = [i for i, line in enumerate(lines) if _TOP.match(line.strip())]
    assert len(tops) == 4, tops
    # The tail (落款, page footer) starts at the first short unpunctuated line after the last
    # heading's body.
    tail_at = len(lines)
    for i in range(tops[-1] + 1, len(lines)):
        s = lines[i].strip()
        if s and len(s) <= 20 and not re.search(r"[。，,；;]", s):
            tail_at = i
            break
    bounds = tops + [tail_at]
    parts = {}
    for n, key in enumerate(CORPUS_ORDER):
        heading = _TOP.sub("", lines[tops[n]].strip())
        parts[key] = (heading, lines[tops[n] + 1:bounds[n + 1]])
    return Report(lines[:tops[0]], parts, list(CORPUS_ORDER), lines[tail_at:])


def delete_part(text: str, key: str) -> str:
    """The report without one part (heading and body)."""
    r = split(text)
    r.order.remove(key)
    return r.text()


def reorder(text: str, order: list[str]) -> str:
    """The report with its parts in another order."""
    r = split(text)
    r.order = list(order)
    return r.text()


def reword(text: str, key: str, heading: str) -> str:
    """The report with one part heading reworded ({year}/{next_year} filled from the text)."""
    r = split(text)
    year = report_year_of(text)
    r.parts[key] = (heading.format(year=year, next_year=year + 1), r.parts[key][1])
    return r.text()


def report_year_of(text: str) -> int:
    """The report year as the corpus files state it (title or opening 'YYYY年')."""
    m = re.search(r"关于(\d{4})年度", text) or re.search(r"^(\d{4})年", text, re.M)
    assert m
    return int(m.group(1))


def _flat(lines: list[str]) -> str:
    # Body lines joined into running text, their own （一） numbers dropped.
    out = []
    for line in lines:
        s = re.sub(r"^[（(][一二三四五六七八九十]+[)）]|^\d+[.．、]", "", line.strip())
        if s:
            out.append(s)
    return "".join(out)


def demote_to_subsection(text: str) -> str:
    """Part two becomes the last （N） subsection of part one; its own （一） become 1. 2. ."""
    r = split(text)
    heading, body = r.parts["first_responsible"]
    a_head, a_body = r.parts["achievements"]
    n = sum(1 for line in a_body if re.match(r"^[（(][一二三四五六七八九十]+[)）]", line.strip()))
    sub = [f"（{cn_number(n + 1)}）{heading}"]
    k = 0
    for line in body:
        s = line.strip()
        if not s:
            sub.append(line)
            continue
        m = re.match(r"^[（(]([一二三四五六七八九十]+)[)）]", s)
        if m:
            k += 1
            s = f"{k}." + s[m.end():]
        sub.append(s)
    r.parts["achievements"] = (a_head, a_body + sub)
    r.order.remove("first_responsible")
    return r.text()


def demote_to_inline(text: str, ordinal: str = "三是") -> str:
    """Part two becomes a 三是… sentence at the end of part one's last paragraph."""
    r = split(text)
    heading, body = r.parts["first_responsible"]
    a_head, a_body = r.parts["achievements"]
    idx = max(i for i, line in enumerate(a_body) if line.strip())
    sentence = f"{ordinal}{heading.rstrip('。')}。{_flat(body)}"
    a_body = list(a_body)
    a_body[idx] = a_body[idx].rstrip() + sentence
    r.parts["achievements"] = (a_head, a_body)
    r.order.remove("first_responsible")
    return r.text()


PREAMBLE_CLAUSE = "局主要负责人认真履行推进法治建设第一责任人职责，亲自部署、亲自过问重要工作"


def demote_to_preamble(text: str, clause: str = PREAMBLE_CLAUSE) -> str:
    """Part two is dropped, leaving only a clause about the 第一责任人 in the opening paragraph."""
    r = split(text)
    idx = max(i for i, line in enumerate(r.head) if len(line.strip()) > 40)
    line = r.head[idx].rstrip()
    cut = max(line.rfind("，"), line.rfind(","))
    r.head = list(r.head)
    r.head[idx] = line[:cut + 1] + clause + "，" + line[cut + 1:]
    r.order.remove("first_responsible")
    return r.text()


def ascii_brackets(text: str) -> str:
    """（一） → (一) and ，→ , throughout, as text copied from some websites has it."""
    return text.translate(str.maketrans("（），", "(),"))


def fullwidth_brackets(text: str) -> str:
    """(一) → （一） and , → ， throughout, as Word users type it."""
    return text.translate(str.maketrans("(),", "（），"))


def numbers_with_dun(text: str) -> str:
    """"1." and "1．" numbering written as "1、"."""
    return re.sub(r"^(\s*\d{1,2})[.．](?!\d)", r"\1、", text, flags=re.M)


HEAD_CHROME = [
    "您当前的位置：首页 > 政务公开 > 法定主动公开内容 > 法治政府建设",
    "【字号：大 中 小】 打印本页",
    "发布日期：2025-03-20  来源：本网  浏览次数：1234",
]
TAIL_CHROME = ["分享到：", "【打印本页】 【关闭窗口】", "上一篇：关于2024年度政务公开工作的报告", "网站地图 | 联系我们",
               "主办单位：某市人民政府办公室  版权所有", "滇ICP备00000000号"]


def add_chrome(text: str) -> str:
    """The report as copied from a web page: breadcrumbs before, share links and footer after."""
    return "\n".join(HEAD_CHROME) + "\n\n" + text.rstrip("\n") + "\n\n" + "\n".join(TAIL_CHROME) + "\n"


def one_line(text: str) -> str:
    """The report with every line break lost, as many CMS pages give it when copied."""
    return "".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


WEB_HEAD = "当前位置： 首页 > 政务公开 > 法治政府建设 > 正文"
WEB_META = "时间：2025-03-31 10:09 微信 微博 QQ空间"
WEB_SOURCE = "来源：某市人民政府办公室"


def web_copy(text: str) -> str:
    """The report as a one-line web copy: breadcrumb, the lines before the first 一、 heading
    (title, opening) with the page's date and share links, then the body with no line breaks at
    all, and the page's 来源 at the end."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = next(i for i, line in enumerate(lines) if _TOP.match(line))
    head = " ".join([WEB_HEAD] + lines[:first - 1] + [WEB_META] + lines[first - 1:first])
    return head + "".join(lines[first:]) + " " + WEB_SOURCE + "\n"


def to_markdown(text: str) -> str:
    """The report as Markdown: # title, ## part headings, ### subsections, other lines as text."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if "法治政府建设情况的报告" in s and len(s) < 60:
            out.append(f"# {s}")
        elif _TOP.match(s):
            out.append(f"## {s}")
        elif re.match(r"^[（(][一二三四五六七八九十]+[)）]", s) and len(s) < 40:
            out.append(f"### {s}")
        else:
            out.append(s)
        out.append("")
    return "\n".join(out)


def to_html(text: str, *, chrome: bool = True) -> str:
    """The report as a saved government web page: nav, breadcrumbs, article, footer, scripts."""
    body = []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if "法治政府建设情况的报告" in s and len(s) < 60:
            body.append(f'<h1 class="title">{s}</h1>')
        else:
            body.append(f'<p style="text-indent:2em">{s}</p>')
    nav = ""
    foot = ""
    if chrome:
        nav = ('<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a>'
               '</li><li><a href="/hdjl">互动交流</a></li></ul></div>\n'
               '<div class="breadcrumb">您当前的位置：<a href="/">首页</a> &gt; 政务公开 &gt; 法治政府建设</div>\n'
               '<div class="info">发布日期：2025-03-20 来源：本网</div>\n')
        foot = ('<div class="share">分享到：<a>微信</a><a>微博</a></div>\n'
                '<footer><p>主办单位：某市人民政府办公室</p><p>版权所有 滇ICP备00000000号</p></footer>\n')
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>某局报告_某市人民政府</title>\n"
            "<style>p{margin:0}</style><script>var a = '一、不是标题';</script></head>\n<body>\n"
            f"{nav}<div class=\"content\" id=\"zoom\">\n" + "\n".join(body) + "\n</div>\n"
            f"{foot}<script>document.write('扫一扫');</script>\n</body></html>\n")


def to_docx(text: str, path: Path, *, gb9704: bool = False, heading_styles: bool = False,
            fonts: Optional[dict[str, str]] = None) -> Path:
    """Write the report's lines as Word paragraphs with python-docx (one line, one paragraph).

    gb9704=True sets A4, the GB/T 9704 margins, East Asian fonts (仿宋_GB2312 body, 黑体 一、,
    楷体_GB2312 （一）, 方正小标宋简体 title) and an odd/even "— 1 —" page-number footer;
    otherwise python-docx's defaults stay (Letter paper, 1-inch margins, no East Asian font).
    """
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    fonts = {"body": "仿宋_GB2312", "title": "方正小标宋简体", "heading1": "黑体", "heading2": "楷体_GB2312",
             **(fonts or {})}
    d = docx.Document()

    def east_asia(run: object, name: str, size: float) -> None:
        run.font.size = Pt(size)  # type: ignore[attr-defined]
        rpr = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = OxmlElement("w:rFonts")
            rpr.insert(0, rfonts)
        rfonts.set(qn("w:eastAsia"), name)

    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        is_title = "法治政府建设情况的报告" in s and len(s) < 60
        level = 1 if _TOP.match(s) else 2 if re.match(r"^[（(][一二三四五六七八九十]+[)）]", s) and len(s) < 40 else 0
        if heading_styles and level:
            p = d.add_paragraph(style=f"Heading {level}")
        elif is_title and heading_styles:
            p = d.add_paragraph(style="Title")
        else:
            p = d.add_paragraph()
        # A run-in heading ("（一）强化组织领导。正文……") is its own run in the heading font.
        runin = re.match(r"^((?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])[^。]{1,60}。)(.+)$", s)
        pieces = [(runin.group(1), 1 if _TOP.match(s) else 2), (runin.group(2), 0)] if runin and not level else [(s, level)]
        for piece, piece_level in pieces:
            run = p.add_run(piece)
            if gb9704:
                role = "title" if is_title else f"heading{piece_level}" if piece_level else "body"
                east_asia(run, fonts[role], 22 if is_title else 16)
        if gb9704 and is_title:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if gb9704:
        sec = d.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
        sec.left_margin, sec.right_margin = Mm(28), Mm(26)
        settings = d.settings.element
        settings.append(OxmlElement("w:evenAndOddHeaders"))
        for footer, align in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT), (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            p = footer.paragraphs[0]
            p.alignment = align
            p.add_run("— ")
            fld = OxmlElement("w:fldSimple")
            fld.set(qn("w:instr"), " PAGE ")
            r = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = "1"
            r.append(t)
            fld.append(r)
            p._p.append(fld)
            p.add_run(" —")
    d.save(str(path))
    return path
