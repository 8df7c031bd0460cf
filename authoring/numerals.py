"""Chinese numerals both ways: 12 → 十二 (heading numbers, 一是), 十二 → 12 (reading them back),
and a date written in them read back (parse_date: the one reading of a 成文日期, for check and
import alike; writing one is domain.chinese_date)."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Optional

_CN_DIGITS = "零一二三四五六七八九"
_VALUES = {c: i for i, c in enumerate(_CN_DIGITS)} | {"〇": 0, "○": 0}


def counted_numeral(n: int, digits: str = _CN_DIGITS, units: str = "十百千", bare_ten: bool = True) -> str:
    """A number 0-9,999 in counted numerals (Word's chineseCounting and its kin, whose digits and
    units data/word_numbering.yaml gives): 一百零一, one 零 for any run of zeros between digits;
    `bare_ten` writes 10-19 as 十、十一 rather than 一十、一十一."""
    if not 0 <= n <= 9999:
        raise ValueError(f"n must be in range 0-9999, got {n}")
    if n == 0:
        return digits[0]
    out: list[str] = []
    zero = False
    s = str(n)
    for i, ch in enumerate(s):
        d, place = int(ch), len(s) - 1 - i
        if d == 0:
            zero = True
            continue
        if zero:
            out.append(digits[0])
        zero = False
        out.append(digits[d] + (units[place - 1] if place else ""))
    text = "".join(out)
    return text[1:] if bare_ten and 10 <= n <= 19 else text


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九: heading numbers and 一是; a number
    outside 1-99 stays Arabic (a template's `{{ year|cn_number }}` prints 2024)."""
    if n <= 0 or n >= 100:
        return str(n)
    return counted_numeral(n)


def chinese_value(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23, 九十九 → 99 (ValueError for anything else)."""
    if not text or any(c not in _VALUES and c != "十" for c in text) or text.count("十") > 1:
        raise ValueError(f"not a Chinese number below 100: {text!r}")
    if "十" not in text:
        if len(text) != 1:
            raise ValueError(f"not a Chinese number below 100: {text!r}")
        return _VALUES[text]
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        raise ValueError(f"not a Chinese number below 100: {text!r}")
    return (_VALUES[tens] if tens else 1) * 10 + (_VALUES[ones] if ones else 0)


def chinese_value_or_none(text: str) -> Optional[int]:
    """chinese_value, or None where the text is not such a number."""
    try:
        return chinese_value(text)
    except ValueError:
        return None


def digits_of(text: str) -> str:
    """二〇二四 / 二0二四 / 二O二四 → 2024: each character a digit, as a year is written."""
    table = _VALUES | {"O": 0, "o": 0, "Ｏ": 0} | {chr(0xFF10 + i): i for i in range(10)}
    return "".join(str(table[c]) if c in table else c for c in text)


# A written date: a four-digit year in Arabic or Chinese digits (mixed too: 二0二五), a month and
# a day each in Arabic (2, 02) or Chinese (二, 二十) numerals; white space anywhere is ignored.
_DATE = re.compile(r"([\d〇○零一二三四五六七八九]{4})年([\d一二三四五六七八九十]{1,3})月([\d一二三四五六七八九十]{1,3})日")


def parse_date(text: str) -> Optional[_dt.date]:
    """2025年2月20日 / 2025年02月20日 / 二〇二五年二月二十日 / 2025年二月二十日 → the date (None when
    it is not one, or names no day of the calendar). The checker's date rules and the importer's
    成文日期 read a date with this, so a date check accepts is the date import lifts; check words
    any form but 2025年2月20日 as one to rewrite (hygiene.date_rules)."""
    m = _DATE.fullmatch(re.sub(r"\s+", "", text))
    if not m:
        return None
    year = digits_of(m.group(1))
    month, day = (int(g) if g.isdigit() else chinese_value_or_none(g) for g in m.groups()[1:])
    if not year.isdigit() or month is None or day is None:
        return None
    try:
        return _dt.date(int(year), month, day)
    except ValueError:
        return None
