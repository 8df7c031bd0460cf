"""Chinese numerals both ways: 12 → 十二 (heading numbers, 一是), 十二 → 12 (reading them back)."""
from __future__ import annotations

from typing import Optional

_CN_DIGITS = "零一二三四五六七八九"
_VALUES = {c: i for i, c in enumerate(_CN_DIGITS)} | {"〇": 0, "○": 0}


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def chinese_value(text: str) -> Optional[int]:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23 (1–99); None for anything else."""
    if not text or any(c not in _VALUES and c != "十" for c in text) or text.count("十") > 1:
        return None
    if "十" not in text:
        return _VALUES[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_VALUES[tens] if tens else 1) * 10 + (_VALUES[ones] if ones else 0)


def digits_of(text: str) -> str:
    """二〇二四 / 二0二四 / 二O二四 → 2024: each character a digit, as a year is written."""
    table = _VALUES | {"O": 0, "o": 0, "Ｏ": 0} | {chr(0xFF10 + i): i for i in range(10)}
    return "".join(str(table[c]) if c in table else c for c in text)
