"""check's rules on the report's figures: a percentage over 100 where a rate is meant, the items
of a 共…其中… adding up to more than the whole, a 100% completion rate the same sentence
contradicts."""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Any, Iterable, Optional

from authoring.blocks import Heading, Paragraph
from authoring.check_context import Context, fmt, params, shorten
from authoring.rules import Finding, make_finding

# A number starts where a run of digits starts (the lookbehind): tried at every digit of a long
# run, the patterns below were quadratic in its length.
_NUM = r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万)?"


def _number(value: str, wan: Optional[str]) -> float:
    return float(value) * (10000 if wan else 1)


def _sentences(norm: str) -> Iterable[tuple[int, str]]:
    pos = 0
    for m in re.finditer(r"[^。！？]+[。！？]?", norm):
        yield m.start(), m.group(0)
        pos = m.end()
    del pos


@lru_cache(maxsize=1)
def _patterns() -> dict[str, Any]:
    p = params()
    return {
        "rate_words": re.compile(p["rate_words"]),
        "change_words": re.compile(p["change_words"]),
        "whole": re.compile(r"共(?:计|有)?[^0-9，。；：]{0,12}?" + _NUM + rf"\s*({p['units']})"),
        "item": _NUM + r"\s*({u})",
        "rates": re.compile(rf"({p['completion_rates']})[^0-9。；]{{0,6}}100(?:\.0+)?\s*%"),
        # Without the look-behind of _NUM, which the engine tried at every character of a line
        # holding a %: _percents checks the character before each match by hand.
        "percent": re.compile(r"(\d+(?:\.\d+)?)\s*%"),
    }


_DIGIT_OR_DOT = re.compile(r"[\d.]")


def _percents(rx: re.Pattern[str], norm: str) -> Iterable[re.Match[str]]:
    """What `(?<![\\d.])` + rx's finditer gives: a match that starts after a digit or a dot is
    not one, and the next try starts a character after it (as the look-behind, failing there,
    would have the engine try the next place); a kept match's end is where the next try starts."""
    pos, search, before = 0, rx.search, _DIGIT_OR_DOT.match
    while (m := search(norm, pos)) is not None:
        start = m.start()
        if start and before(norm, start - 1):
            pos = start + 1
            continue
        yield m
        pos = m.end()


def figure_rules(ctx: Context) -> list[Finding]:
    # Each rule here needs words a line seldom has (%, 共 and 其中, 100 and %): a line without
    # them is not split into sentences nor searched.
    rx = _patterns()
    units = params()["units"]
    out: list[Finding] = []
    for i, b in enumerate(ctx.blocks):
        if not isinstance(b, (Paragraph, Heading)):
            continue
        norm, orig = ctx.norms[i], ctx.texts[i]
        norm = norm.replace("％", "%")
        percent = "%" in norm
        if percent:
            out += _over_100(ctx, i, norm, orig, rx)
        parts = "共" in norm and "其中" in norm
        rates = percent and "100" in norm
        if not (parts or rates):
            continue
        for start, sent in _sentences(norm):
            if parts and "共" in sent and "其中" in sent:
                out += _parts_exceed(ctx, i, start, sent, rx["whole"], rx["item"], orig)
            rm = rx["rates"].search(sent) if rates and "100" in sent else None
            if rm:
                reason = _rate_contradiction(sent, units)
                if reason:
                    out.append(make_finding("figures.rate_contradicted", ctx.line(i), ctx.under[i],
                                            rate=orig[start + rm.start():start + rm.end()], reason=reason))
    return out


def _over_100(ctx: Context, i: int, norm: str, orig: str, rx: dict[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    for m in _percents(rx["percent"], norm):
        if float(m.group(1)) <= 100:
            continue
        # The clause the percentage belongs to (looked for within 60 characters: a rate word is near).
        lo = max(0, m.start() - 60)
        clause_start = max([lo - 1] + [norm.rfind(c, lo, m.start()) for c in "，。；：、"]) + 1
        before = norm[clause_start:m.start()]
        found = orig[clause_start:m.end()].strip()
        if rx["change_words"].search(before):
            continue
        rule = "figures.percent_over_100" if rx["rate_words"].search(before) else "figures.percent_check"
        out.append(make_finding(rule, ctx.line(i), ctx.under[i], found=shorten(found, 40)))
    return out


def _parts_exceed(ctx: Context, i: int, start: int, sent: str, whole_rx: re.Pattern[str],
                  item_rx: str, orig: str) -> list[Finding]:
    out: list[Finding] = []
    wholes = list(whole_rx.finditer(sent))
    # Where each 其中 and each 共 stands, found once: searching and slicing the rest of the
    # sentence for every total was quadratic in the number of totals (60,000 共N件 in a line).
    among = [m.start() for m in re.finditer("其中", sent)]
    totals = [m.start() for m in re.finditer("共", sent)]
    for n, wm in enumerate(wholes):
        at = bisect.bisect_left(among, wm.end())
        if at == len(among):
            continue
        k = among[at]
        if n + 1 < len(wholes) and wholes[n + 1].end() <= k:
            continue  # another total sits between this one and 其中: the items belong to it
        whole, unit = _number(wm.group(1), wm.group(2)), wm.group(3)
        # The items run from 其中 to the next total (共…) or the end of the sentence.
        after = bisect.bisect_left(totals, k)
        nxt = totals[after] if after < len(totals) else -1
        seg = sent[k:nxt if nxt > 0 else len(sent)]
        items = [_number(a, w) for a, w, _u in re.findall(item_rx.format(u=re.escape(unit)), seg)]
        if items and sum(items) > whole:
            found = orig[start + wm.start():start + k + len(seg)].rstrip("。")
            out.append(make_finding("figures.parts_exceed_whole", ctx.line(i), ctx.under[i],
                                    parts=fmt(sum(items)), whole=fmt(whole), unit=unit,
                                    found=shorten(found, 50)))
    return out




def _rate_contradiction(sent: str, units: str) -> str:
    p = params()
    u = f"(?:{units})"
    pending, received, done_word = p["pending_words"], p["received_words"], p["done_word"]
    left = (re.search(rf"(?:{pending})[^0-9。，；]{{0,6}}(\d+)\s*{u}", sent)
            or re.search(rf"(\d+)\s*{u}[^0-9。，；]{{0,4}}(?:{pending})", sent))
    if left and int(left.group(1)) > 0:
        return f"同句写有{left.group(0)}"
    got = re.search(rf"(?:{received})[^0-9。；]{{0,10}}?(\d+)\s*{u}", sent)
    done = re.search(rf"{done_word}(?!率)[^0-9。，；]{{0,6}}(\d+)\s*{u}", sent)
    if got and done and int(done.group(1)) < int(got.group(1)):
        return f"{got.group(0)}，{done.group(0)}"
    return ""


