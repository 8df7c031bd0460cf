"""check's rules on what a report kept from a template or a neighbour's report: placeholders
(placeholders.yaml), the 落款, title and opening naming different agencies, another place's
agency of the same kind."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from authoring.blocks import Table
from authoring.check_context import Context, params
from authoring.lines import finditer_near, joined
from authoring.resources import load_data
from authoring.rules import Finding, make_finding


def _canonical(name: str) -> str:
    for group in params()["agency_aliases"]:
        for alias in sorted(group, key=len, reverse=True):
            if name.endswith(alias):
                return name[: -len(alias)] + group[0]
    return name


def _split_agency(name: str) -> tuple[str, str, list[str]]:
    """(place, level, body aliases) of an agency name like 九龙坡区城市管理局."""
    for group in params()["agency_aliases"]:
        for alias in sorted(group, key=len, reverse=True):
            if name.endswith(alias) and len(name) > len(alias):
                rest = name[: -len(alias)]
                if rest[-1] in "省市区县州旗":
                    return rest[:-1], rest[-1], list(group)
    return "", "", []


def leftover_rules(ctx: Context) -> list[Finding]:
    return _placeholder_findings(ctx) + _agency_mismatch_findings(ctx) + _other_agency_findings(ctx)


@lru_cache(maxsize=None)
def _placeholders() -> tuple[list[re.Pattern[str]], Optional[re.Pattern[str]]]:
    """The placeholder patterns, and the one expression any of them matching matches."""
    patterns = load_data("placeholders.yaml")["placeholders"]
    return [re.compile(p) for p in patterns], joined(patterns)


def _placeholder_findings(ctx: Context) -> list[Finding]:
    """Text left for a clerk to replace (data/placeholders.yaml), once per text and block."""
    out: list[Finding] = []
    pats, anyone = _placeholders()
    for i, text in enumerate(ctx.texts):
        if isinstance(ctx.blocks[i], Table):
            continue
        if anyone is not None and anyone.search(text) is None:
            continue  # most lines hold none: one scan (its first characters a set) says so, not ten
        reported: set[str] = set()
        covered: list[tuple[int, int]] = []  # "【待补充数字】" is one placeholder, not two
        for rx in pats:
            for m in rx.finditer(text):
                s = m.group(0)
                if any(a < m.end() and m.start() < b for a, b in covered):
                    continue
                covered.append((m.start(), m.end()))
                if not _in_latin_word(text, m) and s not in reported:
                    reported.add(s)
                    out.append(make_finding("leftovers.placeholder", ctx.line(i), ctx.under[i], found=s))
    return out


def _in_latin_word(text: str, m: re.Match[str]) -> bool:
    # "xx" inside a latin word or a web address (xxgk) is not a placeholder.
    return m.group(0).isascii() and (
        (m.start() > 0 and bool(re.match(r"[A-Za-z0-9./_-]", text[m.start() - 1])))
        or (m.end() < len(text) and bool(re.match(r"[A-Za-z0-9./_-]", text[m.end()])))
    )


def _agency_mismatch_findings(ctx: Context) -> list[Finding]:
    """The 落款, title and opening naming different agencies."""
    out: list[Finding] = []
    cands = ctx.agency_candidates
    for a in range(len(cands)):
        for b in range(a + 1, len(cands)):
            ca, cb = _canonical(cands[a][1]), _canonical(cands[b][1])
            if not (ca.endswith(cb) or cb.endswith(ca)):
                out.append(make_finding("leftovers.agency_mismatch", cands[b][2], "",
                                        where_a=cands[a][0], a=cands[a][1], where_b=cands[b][0], b=cands[b][1]))
    return out


def _other_agency_findings(ctx: Context) -> list[Finding]:
    """Another place's agency of the same kind (沙坪坝区城市管理局 in 九龙坡区's report): text
    copied from a neighbour's report."""
    place, level, bodies = _split_agency(_canonical(ctx.agency)) if ctx.agency else ("", "", [])
    if not (place and bodies):
        return []
    out: list[Finding] = []
    not_places = re.compile(params()["not_places"])
    body_alt = "|".join(re.escape(x) for x in sorted(bodies, key=len, reverse=True))
    # A place name starts after punctuation or a one-character function word ("在沙坪坝区…",
    # "与沙坪坝区…") and has none of the characters that mark ordinary words ("整体划入市…").
    rx = re.compile(rf"(?:^|(?<=[{params()['place_boundary']}]))"
                    rf"([^{params()['not_place_chars']}\W\d]{{2,4}}?){level}(?:{body_alt})")
    # Every match ends in the level and a body (区城市管理局): a line without one is not searched.
    # In a line with one, the level stands 2 to 4 characters after a match's start (the place
    # name's length): only the places before each level are tried, not every character.
    names = [level + x for x in bodies]
    reported = set()
    for i, norm in enumerate(ctx.norms):
        if not any(name in norm for name in names):
            continue
        for m in finditer_near(rx, norm, level, 4, 2):
            other = m.group(1)
            if other.endswith(place) or place.endswith(other) or not_places.search(other):
                continue
            found = ctx.texts[i][m.start():m.end()]
            if found not in reported:
                reported.add(found)
                out.append(make_finding("leftovers.other_agency", ctx.line(i), ctx.under[i],
                                        found=found, agency=ctx.agency))
    return out


