"""Text that lost its line breaks, and web-page chrome inside a line.

Many CMS pages (and PDF viewers) give a report as one line: "当前位置： 首页 > … 时间：2023-03-31 10:09
微信 微博 QQ空间 某局关于……的报告 2022年，……。一、……（一）……。二、……来源：某局". The reader asks
this module to cut such a line back into what a person sees as lines: the chrome (dropped), the
title, the 主送, headings and paragraphs, the 落款. Heading numbers are trusted only where they
continue the numbering sequence, and every cut made on such evidence is described in a note so
that the reader can warn about it, naming the line. Patterns are data (headings.yaml).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Optional

from authoring.facts import title_agency
from authoring.lines import classify_heading, is_title_text, joined, max_title_chars, normalize_text
from authoring.loosen import may_match_at
from authoring.numerals import chinese_value
from authoring.resources import load_data

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


@dataclass
class Cut:
    """A line cut into pieces: the text pieces in order, the chrome cut out, and what was decided
    (notes about chrome separate from notes about cuts in the report's own text)."""

    pieces: list[str]
    chrome: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chrome_notes: list[str] = field(default_factory=list)


@lru_cache(maxsize=None)
def _rx() -> dict[str, Any]:
    data = load_data("headings.yaml")
    run, chrome = data["run_together"], data["chrome"]
    closers = "|".join(sorted(map(re.escape, run["heading_closers"]), key=len, reverse=True))
    return {
        "numbering": [(n["level"], re.compile(n["pattern"])) for n in data["numbering"]],
        "any_number": joined([n["pattern"] for n in data["numbering"]]),
        "may_number": _may_number([n["pattern"] for n in data["numbering"]]),
        "up_to_level_one": joined(_up_to_level_one(data["numbering"])),
        "end": re.compile(run["sentence_end"]),
        "item_end": re.compile(run["item_end"]),
        "max_gap": int(data["max_heading_chars"]),
        "closer": re.compile(closers),
        "join": re.compile(run["closer_join"]),
        "max_heading": int(run["max_heading"]),
        "opener": re.compile(run["body_opener"]),
        "signature": re.compile(run["signature"]),
        "addressee": re.compile(run["addressee"]),
        "tokens": [re.compile(p) for p in chrome["inline"]],
        "words": re.compile(rf"(?:{chrome['inline_words']})(?=\s|$)"),
        # Where neither a token nor a word matches (most places asked: a line's first character),
        # one match of them joined tells.
        "any_chrome": joined(chrome["inline"] + [rf"(?:{chrome['inline_words']})(?=\s|$)"]),
        "tail_tokens": [re.compile(rf"(?:{p})\s*$") for p in chrome["inline"]],
        "tail_words": re.compile(rf"(?:^|(?<=\s))(?:{chrome['inline_words']})\s*$"),
        "footer": [re.compile(p) for p in chrome["tail"]],
        "agency_end": re.compile(rf"(?:{load_data('facts.yaml')['agency']['suffixes']})(?![\u4e00-\u9fff]{{0,1}}关于)"),
    }


# -- chrome and the head of a line ----------------------------------------------------------------


def _chrome_at(text: str, pos: int) -> int:
    """The end of a chrome token starting at `pos`, or -1. A breadcrumb ends where the report's
    title starts inside it ("…>正文区城市管理局关于……的报告", spaces lost in the copy)."""
    any_chrome = _rx()["any_chrome"]
    if any_chrome is not None and any_chrome.match(text, pos) is None:
        return -1
    for rx in _rx()["tokens"]:
        m = rx.match(text, pos)
        if m and m.end() > pos:
            return _before_title(text, pos, m.end())
    m = _rx()["words"].match(text, pos)
    return m.end() if m else -1


def _before_title(text: str, start: int, end: int) -> int:
    # An item of the breadcrumb that holds a title with more after it is where the title starts
    # (an item that is all title-like, "法治政府建设年度报告", is a channel name).
    for sep in re.finditer(r"[>＞»›/]\s*", text[start:end]):
        item = start + sep.end()
        after = re.search(r"\s*[>＞»›/]", text[item:end])
        item_end = item + after.start() if after else end
        title_end = _title_at(text, item)
        if 0 < title_end < item_end:
            return _after_channel(text, item, title_end)
    return end


def _after_channel(text: str, item: int, title_end: int) -> int:
    # "区城管局区城市管理局关于……的报告": the breadcrumb's last item, a channel named like an agency,
    # glued to a title that names its own agency; the title starts after the channel.
    start = int(item)
    for m in _rx()["agency_end"].finditer(text, start, title_end):
        if _title_at(text, m.end()) == title_end and title_agency(text[m.end():title_end]):
            return m.end()
    return start


def _title_at(text: str, pos: int) -> int:
    """The end of a report title starting at `pos` (followed by more text), or -1."""
    window = text[pos:pos + max_title_chars()]
    for m in re.finditer(r"(报告|总结)([（(][^）)]{1,12}[）)])?", window):
        if re.search(r"[>＞»›\s]", window[:m.end()]):
            break  # a title holds no breadcrumb arrow and no space
        if is_title_text(window[:m.end()]):
            return pos + m.end()
    return -1


def split_head(text: str, *, first: bool) -> Cut:
    """The start of a line cut into chrome tokens, the title and a 主送, then the rest:
    "当前位置：首页>… 某局关于……的报告 时间：… 微信 2022年，……" → [title, "2022年，……"] + chrome.
    Nothing is cut from a line that does not open with chrome, a title or (on the first line) a 主送."""
    norm = normalize_text(text)
    cut = Cut([])
    pos, title_seen = 0, False
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        end = _chrome_at(norm, pos)
        if end > 0:
            cut.chrome.append(text[pos:end].strip())
            pos = end
            continue
        end, what = (-1, "") if title_seen else (_title_at(norm, pos), "标题")
        if end < 0 and (title_seen or first) and pos < len(text):
            m = _rx()["addressee"].match(norm, pos)
            end, what = (m.end(), "主送") if m and m.end() < len(text) else (-1, "")
        if end < 0 or end >= len(text.rstrip()):
            break
        title_seen = True
        cut.pieces.append(text[pos:end].strip())
        cut.notes.append(f"{what}“{_clip(text[pos:end].strip(), 40)}”与其后的文字连在一行，已拆开")
        pos = end
    rest = text[pos:].strip()
    if not cut.chrome and not cut.pieces:
        return Cut([text])
    if not rest and not cut.pieces:
        return Cut([], [text.strip()])  # a line of chrome only, dropped as a whole like any other
    if rest:
        cut.pieces.append(rest)
    if cut.chrome:
        cut.chrome_notes.append("开头的网页栏目已略去：" + "｜".join(cut.chrome))
    return cut


def is_chrome_line(text: str) -> bool:
    """A line that is nothing but chrome tokens, one at least not a bare number ("上一页 1 2 下一页")."""
    norm = normalize_text(text)
    pos, words = 0, []
    while pos < len(norm):
        while pos < len(norm) and norm[pos].isspace():
            pos += 1
        if pos >= len(norm):
            break
        end = _chrome_at(norm, pos)
        if end <= pos:
            return False
        words.append(norm[pos:end].strip())
        pos = end
    return any(not w.isdigit() for w in words)


def split_tail(text: str) -> Cut:
    """The end of a line: chrome tokens ("来源：某局", "【打印本页】") cut off, and a 落款 run into the
    last sentence ("……工作。某局2023年3月28日") cut into its own lines."""
    cut = Cut([])
    rest = text.rstrip()
    while rest:
        shorter = _cut_footer(rest, cut.chrome)
        norm = normalize_text(shorter)
        m = next((m for rx in _rx()["tail_tokens"] + [_rx()["tail_words"]] if (m := rx.search(norm))), None)
        if m is not None and m.start() > 0:  # a line that is all chrome is the line-level patterns' business
            cut.chrome.insert(0, shorter[m.start():].strip())
            shorter = shorter[:m.start()].rstrip()
        if shorter == rest:
            break
        rest = shorter
    pieces = _split_signature(rest) if rest else []
    cut.pieces = pieces
    if cut.chrome:
        cut.chrome_notes.append("末尾的网页栏目已略去：" + "｜".join(cut.chrome))
    if len(pieces) > 1:
        cut.notes.append("落款与正文连在一行，已拆开：" + "｜".join(pieces[1:]))
    return cut


def _cut_footer(text: str, chrome: list[str]) -> str:
    # The page footer glued on after the last sentence ("……质量。扫一扫在手机打开当前页智能问答…"):
    # from the first footer marker on, everything goes.
    norm = normalize_text(text)
    ends = [m.end() for m in _rx()["end"].finditer(norm)]
    if not ends:
        return text  # a footer line of its own is the line-level patterns' business
    last = ends[-1]
    found = [m.start() for rx in _rx()["footer"] if (m := rx.search(norm[last:]))]
    if not found:
        return text
    at = last + min(found)
    chrome.append(text[at:].strip())
    return text[:at].rstrip()


def _split_signature(text: str) -> list[str]:
    m = _rx()["signature"].search(normalize_text(text))
    if m is None or m.start() == 0:
        return [text]
    pieces = [text[:m.start()].rstrip()]
    if m.group(1):
        pieces.append(text[m.start(1):m.end(1)])
    pieces.append(text[m.start(3):m.end(3)])
    return pieces


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n] + "…"


# -- heading numbers in running text --------------------------------------------------------------


@dataclass(frozen=True)
class _Number:
    at: int
    end: int
    level: int
    value: int


def _number_at(norm: str, pos: int) -> Optional[_Number]:
    """The heading number (一、 （一） 1. （1） ①) starting at `pos`, with its level and value."""
    window = norm[pos:pos + 12]
    first = _rx()["any_number"]
    if first is not None and first.match(window) is None:
        return None  # one match tells whether any pattern matches (at most places: none)
    return _number_in(window, pos)


def opens_numbered(norm: str) -> bool:
    """Whether a heading number (any of headings.yaml's numbering patterns) opens `norm`."""
    first = _rx()["any_number"]
    if first is not None:
        return first.match(norm) is not None
    return any(rx.match(norm) for _, rx in _rx()["numbering"])


def _number_in(window: str, pos: int) -> Optional[_Number]:
    for level, pattern in _rx()["numbering"]:
        m = pattern.match(window)
        if m:
            return _Number(pos, pos + m.end(), level, _value(m.group()))
    return None


def _up_to_level_one(numbering: list[dict[str, Any]]) -> list[str]:
    """The numbering patterns up to the last of level 1: where none of them matches, the number
    found (the first pattern in turn that matches) is not of level 1."""
    last = max((i for i, n in enumerate(numbering) if n["level"] == 1), default=-1)
    return [n["pattern"] for n in numbering[:last + 1]] or ["(?!)"]


@lru_cache(maxsize=4096)
def _value(number: str) -> int:
    circled = [c for c in number if c in _CIRCLED]
    if circled:
        return _CIRCLED.index(circled[0]) + 1
    digits = re.sub(r"[^\d]", "", number)
    if digits:
        return int(digits)
    try:
        return chinese_value(re.sub(r"[^一二三四五六七八九十]", "", number))
    except ValueError:
        return 0


def _boundary(norm: str, pos: int, level: int) -> str:
    """What stands before a number at `pos`: "strong" (the start, a sentence end, a space),
    "weak" (a mark that ends a phrase: 100%(八)、……”（二）) or "" (running text)."""
    # norm[:pos].rstrip() without copying the text before (a long paragraph has many numbers).
    last = pos
    while last > 0 and norm[last - 1].isspace():
        last -= 1
    ends = _rx()["end"] if level <= 2 else _rx()["item_end"]
    if last == 0 or ends.fullmatch(norm[last - 1]):
        return "strong"
    if last < pos and not norm[last - 1].isdigit():
        return "strong"
    return "weak" if norm[last - 1] in "%％”’》）】」』" else ""


class _Sequence:
    """The numbering seen so far: what number each level expects next."""

    def __init__(self) -> None:
        self.last: dict[int, int] = {}
        self.current: Optional[_Number] = None

    def follows(self, n: _Number, norm: str) -> bool:
        """Whether `n` continues the sequence and stands where a heading can start. After a
        sentence end one number may be missing (a heading lost where it stood after a figure)."""
        expected = self.last.get(n.level, 0) + 1
        in_turn = n.value == expected or (n.value == 1 and n.level not in self.last)
        boundary = _boundary(norm, n.at, n.level)
        if boundary == "strong":
            return in_turn or (n.level in self.last and n.value == expected + 1)
        if boundary == "weak":
            return in_turn
        # Right after a higher heading with no full stop of its own: "一、工作情况（一）……",
        # "四、下一步工作打算：1.……".
        cur = self.current
        return (in_turn and cur is not None and cur.level < n.level and n.at - cur.end <= _rx()["max_gap"]
                and not _rx()["item_end"].search(norm, cur.end, n.at))

    def take(self, n: _Number) -> None:
        """Accept `n`: deeper levels start again at 1."""
        self.last[n.level] = n.value
        for level in [lv for lv in self.last if lv > n.level]:
            del self.last[level]
        self.current = n


# Where a heading number can start: the first characters of headings.yaml's numbering patterns
# (一…十, （, a digit, ①…⑩). Found by the regex engine rather than by testing every character
# of a line in Python (that loop was a tenth of `check` on text files).
_START_CHARS = r"[\d一二三四五六七八九十（" + _CIRCLED + "]"
_NUMBER_START = re.compile(f"(?={_START_CHARS})")


def _numbers(norm: str) -> list[_Number]:
    """The heading numbers of a run-together line that continue the numbering sequence."""
    seq = _Sequence()
    out: list[_Number] = []
    first = _number_at(norm, 0)
    if first is not None:
        seq.take(first)  # a line may open anywhere in the sequence ("三、存在的问题……")
    any_number = _rx()["any_number"]
    # A report's line has a couple of hundred places where a number could start (every 一, （
    # and digit) and seldom one where a numbering pattern matches: may_number finds, in one
    # scan by the engine, the places where one may match, and only those are tried.
    may = _rx()["may_number"]
    places = (m.start() for m in may.finditer(norm, 1)) if may is not None else (
        m.start() for m in _NUMBER_START.finditer(norm, 1))
    for pos in places:
        if norm[pos - 1].isdigit():
            continue
        window = norm[pos:pos + 12]  # _number_at, inline: this runs for every candidate place
        if any_number is not None and any_number.match(window) is None:
            continue
        n = _number_in(window, pos)
        if n is not None and seq.follows(n, norm):
            seq.take(n)
            out.append(n)
    return out


def _may_number(patterns: list[str]) -> Optional[re.Pattern[str]]:
    """A scan that stops at each place (a first character of _START_CHARS) where one of
    `patterns` may match the 12 characters from there (loosen.may_match_at)."""
    return may_match_at(_START_CHARS, patterns)


def split_run_together(text: str) -> Cut:
    """A line holding several headings and paragraphs, cut before each heading number that
    continues the sequence, each part heading cut from a body run into it. Other lines: as they are."""
    norm = normalize_text(text)
    may = _rx()["may_number"]
    if may is not None and may.search(norm, 1) is None:
        return Cut([text])  # no number after the first character: _numbers finds none (most lines)
    numbers = _numbers(norm)
    opens = _number_at(norm, 0) is not None
    if len(numbers) < (1 if opens else 2):
        return Cut([text])
    cuts = [0] + [n.at for n in numbers] + [len(text)]
    pieces = [text[a:b].strip() for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]
    out = Cut([])
    out.notes.append(f"原文没有换行，一行中含有多个标题和段落，已按标题编号（{_shown(numbers, text)}）拆为 {len(pieces)} 段")
    for piece in pieces:
        for part in _split_bare_headings(piece, out.notes):
            split = split_part_heading(part, strict=False)
            if split is not None:
                out.notes.append(heading_note(split[0]))
            out.pieces.extend(split or [part])
    return out


def _shown(numbers: list[_Number], text: str) -> str:
    marks = [text[n.at:n.end].strip() for n in numbers]
    return "".join(marks[:6]) + ("…" if len(marks) > 6 else "")


def heading_note(heading: str) -> str:
    """What a warning says when a heading was cut from the body run into it."""
    return f"标题“{_clip(heading, 30)}”与正文连写，已拆为单独的标题"


# -- part headings run into their bodies ----------------------------------------------------------


def _heading_end(norm: str, start: int, is_part: Callable[[str], bool]) -> int:
    """Where a part heading starting at `start` ends when its body runs straight on
    ("存在问题|在看到成绩的同时"), or -1: the first closer word whose heading names a part,
    extended over closers close behind it ("存在的主要问题|和不足")."""
    limit = start + _rx()["max_heading"]
    stop = _rx()["end"].search(norm, start)
    clause_end = min(limit, stop.start() if stop else len(norm), len(norm))
    clause_end = min(clause_end, _first_comma(norm, start, clause_end))
    end = -1
    for m in _rx()["closer"].finditer(norm, start, clause_end):
        if end < 0 and is_part(norm[start:m.end()]):
            end = m.end()
        elif end >= 0 and _rx()["join"].fullmatch(norm[end:m.start()]):
            end = m.end()
        elif end >= 0:
            break
    return end


def _first_comma(norm: str, start: int, limit: int) -> int:
    at = norm.find("，", start, limit)
    return at if at >= 0 else limit


def _names_part(text: str) -> bool:
    return bool(classify_heading(text))


def split_part_heading(text: str, *, strict: bool) -> Optional[list[str]]:
    """"三、存在问题在看到成绩的同时，……" → ["三、存在问题", "在看到成绩的同时，……"]: a numbered part
    heading whose body runs straight on. `strict` (a line of its own, not run-together text) asks
    that the body start like one (headings.yaml body_opener). None when there is nothing to cut."""
    norm = normalize_text(text)
    top = _rx()["up_to_level_one"]
    if top is not None and top.match(norm[:12]) is None:
        return None  # no part number (一、) opens the line: most lines, told by one match
    n = _number_at(norm, 0)
    if n is None or n.level != 1:
        return None
    start = n.end
    while start < len(norm) and norm[start].isspace():
        start += 1
    end = _heading_end(norm, start, _names_part)
    if end < 0 or end >= len(norm.rstrip()) or _rx()["end"].match(norm, end) or norm[end] in "，、":
        return None
    if _number_at(norm, end) is None and strict and not _rx()["opener"].match(norm, end):
        return None
    return [text[:end].strip(), text[end:].strip()]


def _split_bare_headings(text: str, notes: list[str]) -> list[str]:
    """In run-together text, an unnumbered part heading after a sentence end, with its body right
    behind it ("……成效。存在问题一是……"), becomes a line of its own."""
    norm = normalize_text(text)
    cuts: list[int] = []
    for m in _rx()["end"].finditer(norm):
        start = m.end()
        end = _heading_end(norm, start, _names_part)
        if end < 0 or end >= len(norm):
            continue
        if _number_at(norm, end) is not None or _rx()["opener"].match(norm, end):
            cuts += [start, end]
            notes.append(f"句号后的“{text[start:end]}”看作没有编号的部分标题，已与前后的正文拆开")
    if not cuts:
        return [text]
    bounds = [0] + cuts + [len(text)]
    return [text[a:b].strip() for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]
