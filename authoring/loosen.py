"""A regex loosened into a prefilter: its zero-width assertions made empty groups, so that it
matches wherever the pattern matches, in any window of a text (and perhaps elsewhere). The regex
engine then finds, in one scan, the few places worth trying the exact pattern (unflatten's
heading numbers: a couple of hundred places where a number could start in a line, seldom one
where it does)."""
from __future__ import annotations

import re
from typing import Optional


def may_match_at(start_class: str, patterns: list[str]) -> Optional[re.Pattern[str]]:
    """A scan that stops at each place (a character of the class `start_class`) where one of
    `patterns` may match a window of the text from there: the patterns with their assertions (^ $
    \\b, look-arounds) taken out, which match wherever the patterns match, window or not. None
    when a pattern has what makes that untrue (back-references, atomic groups, flags) or cannot
    be read so."""
    loose = [without_assertions(p) for p in patterns]
    if any(p is None for p in loose):
        return None
    try:
        # One character of the class, then, from that character, any loosened pattern: the
        # engine skips to the class's characters by itself (a look-ahead first is tried at every
        # character).
        return re.compile(start_class + "(?<=(?=" + "|".join(f"(?:{p})" for p in loose) + r")[\s\S])")
    except re.error:
        return None


_ASSERTIONS = ("(?=", "(?!", "(?<=", "(?<!")
_EMPTY = "(?:)"  # what an assertion becomes: matches where it stood, and takes a quantifier as it did


def without_assertions(pattern: str) -> Optional[str]:
    """`pattern` with each zero-width assertion made an empty group (so that a quantifier after
    one still has nothing to repeat: "x(?=a){2}" is "x(?:){2}", not "x{2}"), or None where that
    would not be a pattern matching at least wherever `pattern` matches (or it cannot be read here)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            nxt = pattern[i + 1:i + 2]
            if nxt.isdigit() or nxt in ("", "g"):
                return None  # a back-reference (or an octal escape: not worth telling apart)
            out.append(_EMPTY if nxt in ("b", "B", "A", "Z", "z") else pattern[i:i + 2])
            i += 2
        elif c == "[":
            end = _class_end(pattern, i)
            if end < 0:
                return None
            out.append(pattern[i:end])
            i = end
        elif c in "^$":
            out.append(_EMPTY)
            i += 1
        elif pattern.startswith(_ASSERTIONS, i):
            end = _group_end(pattern, i)
            if end < 0:
                return None
            out.append(_EMPTY)
            i = end
        elif pattern.startswith("(?", i) and not pattern.startswith(("(?:", "(?P<"), i):
            return None  # flags, an atomic group, a condition, a comment, (?P=name)
        elif c in "*+?}" and pattern[i + 1:i + 2] == "+":
            return None  # possessive
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _class_end(pattern: str, start: int) -> int:
    """The index after the character class opening at `start`, or -1."""
    i = start + 1
    if pattern[i:i + 1] == "^":
        i += 1
    if pattern[i:i + 1] == "]":
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
        elif pattern[i] == "[":
            return -1  # a nested set (a future syntax)
        elif pattern[i] == "]":
            return i + 1
        else:
            i += 1
    return -1


def _group_end(pattern: str, start: int) -> int:
    """The index after the group opening at `start`, or -1."""
    depth, i = 0, start
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(pattern, i)
            if i < 0:
                return -1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1
