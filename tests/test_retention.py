"""The round-trip measure itself (tests/retention.py): pinned on known cases and against a plain
dynamic program, so that a faster implementation cannot drift from the definition."""
from __future__ import annotations

import random

import pytest

from authoring.blocks import Heading, Paragraph, Signature, Table, Title
from retention import han_text, lcs_length, retention


def _lcs_dp(a: str, b: str) -> int:
    row = [0] * (len(b) + 1)
    for ch in a:
        prev = 0
        for j, other in enumerate(b, 1):
            prev, row[j] = row[j], prev + 1 if ch == other else max(row[j], row[j - 1])
    return row[-1]


@pytest.mark.parametrize(("a", "b", "n"), [
    ("", "法治", 0), ("法治", "", 0), ("法治政府", "法治政府", 4), ("法治政府", "政府法治", 2),
    ("依法行政", "依法科学行政", 4), ("甲乙丙丁戊", "戊丁丙乙甲", 1), ("甲甲乙", "甲乙甲", 2),
])
def test_lcs_on_known_cases(a: str, b: str, n: int) -> None:
    assert lcs_length(a, b) == n == _lcs_dp(a, b)


def test_lcs_agrees_with_the_dynamic_program() -> None:
    rng = random.Random(13)
    for _ in range(300):
        a = "".join(rng.choice("法治政府建设年度报告") for _ in range(rng.randrange(0, 70)))
        b = "".join(rng.choice("法治政府建设年度报告") for _ in range(rng.randrange(0, 70)))
        assert lcs_length(a, b) == _lcs_dp(a, b), (a, b)


def test_han_text_leaves_numbers_and_punctuation_out() -> None:
    blocks = [Title("某局关于2024年度法治政府建设情况的报告"), Heading(1, "主要举措和成效", "一、"),
              Paragraph("全年办理案件12件。", "强化执法。", "（一）", 2), Table((("项目", "数量"), ("许可", "9"))),
              Signature("某局", "2025年2月1日")]
    assert han_text(blocks) == "某局关于年度法治政府建设情况的报告主要举措和成效强化执法全年办理案件件项目数量许可某局年月日"


def test_moved_text_counts_once_in_order_and_fully_as_a_multiset() -> None:
    source = [Paragraph("甲乙丙丁"), Paragraph("戊己庚辛")]
    moved = [Paragraph("戊己庚辛"), Paragraph("甲乙丙丁")]
    assert retention(source, moved) == (1.0, 0.5)
    assert retention(source, source + [Paragraph("多出来的字")]) == (1.0, 1.0)
    assert retention(source, [Paragraph("甲乙丙丁戊己")]) == (0.75, 0.75)
