"""One verdict (issue 12): validate on a report YAML and check on the Word, text and web-page
files rendered from it give the same content findings (the same rules, severities and
messages) for every example, for every corpus report imported and rendered, and (hypothesis)
for examples with a mistake of the kind reviewers look for put into any of their texts.

What only one side can see is left out of the comparison, by rule: the YAML's own facts (the
`yaml` category, figures.undefined/…/unused, the first-responsible facts) and the files' own
(read.*, layout.*, revisions.*). duties.missing is compared by the duty it names: validate adds
the YAML field to fill.

A short budget runs in CI (10 examples: each renders and reads back three files); a longer run:
AUTHORING_FUZZ_EXAMPLES=300 python -m pytest tests/test_verdict.py.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import variants as V
from authoring.cli import cli
from authoring.main import build_report, check_path, import_report, load_report
from authoring.rules import rule_spec
from authoring.validate import iter_strings, validate_report

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
FUZZ = settings(max_examples=int(os.environ.get("AUTHORING_FUZZ_EXAMPLES", "10")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Rules that see what only the YAML holds, or only a Word file.
_YAML_ONLY = {"figures.undefined", "figures.not_finite", "figures.empty", "figures.unused",
              "fact-empty", "fact-stated-twice", "fact-not-in-text", "first-responsible-language"}
_DOCX_ONLY = ("read", "layout", "revisions")


def _content(rule: str) -> bool:
    category = rule_spec(rule).get("category", "yaml")
    return category not in ("yaml", *_DOCX_ONLY) and rule not in _YAML_ONLY


def _said(rule: str, message: str) -> tuple[str, str]:
    if rule == "duties.missing":  # validate also names the field to fill: “…；请填写 first_responsible.court…”
        message = message.split("；")[0]
    return rule, message


def validate_says(path: Path) -> Counter[tuple[str, str, str]]:
    """validate's content findings on a report YAML: (rule, severity, message)."""
    problems = validate_report(load_report(path, strict=False))
    return Counter((*_said(p.rule, p.message), p.severity) for p in problems if _content(p.rule))


def check_says(path: Path) -> Counter[tuple[str, str, str]]:
    """check's content findings on a document."""
    return Counter((*_said(f.rule, f.message), f.severity) for f in check_path(path).findings if _content(f.rule))


# The forms a report reaches the 依法治市办 in, all made by `authoring render` from one YAML.
FORMS = ("docx", "txt", "html")


def assert_one_verdict(source: Path, folder: Path) -> Counter[tuple[str, str, str]]:
    """validate of `source` and check of the .docx, .txt and .html rendered from it find the
    same; and check of them finds nothing only a file can show (our own writer passes GB/T 9704,
    and no line of ours is taken for web-page chrome). Returns what validate found."""
    said = validate_says(source)
    for form in FORMS:
        out = folder / f"报告.{form}"
        build_report(source, out, draft=True, force=True)
        assert check_says(out) == said, form
        assert [f.message for f in check_path(out).findings if f.rule.split(".")[0] in _DOCX_ONLY] == [], form
    return said


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_validate_and_check_agree_on_every_example(example: Path, tmp_path: Path) -> None:
    assert_one_verdict(example, tmp_path)


@pytest.mark.parametrize("source", V.corpus_files(), ids=lambda p: p.stem)
def test_validate_and_check_agree_on_every_corpus_report_imported_and_rendered(source: Path, tmp_path: Path) -> None:
    imported = tmp_path / "imported.yaml"
    imported.write_text(import_report(source, output=str(imported)).yaml_text, encoding="utf-8")
    assert_one_verdict(imported, tmp_path)


# -- any example, with a mistake reviewers look for put into one of its texts ---------------------

# Each of these is a rule's case (docs/check.md): a placeholder, a rate over 100%, counts that do
# not add up, half-width punctuation, a mixed year, a date with 号, a stale year, another agency.
MISTAKES = [
    "还有XX项工作。", "【待补充】", "群众满意率达到120%。", "共受理20件，其中办结15件、转办8件。",
    "受理20件、办结18件，办结率100%。", "完善制度,规范管理。", "坚持依法行政:严格执法。", "(一)强化监督",
    "等工作...", "二0二四年", "于3月5号召开会议。", "2023年以来，", "完成年度目标的130%。",
    "一、", "（三）", "1.", "沙坪坝区城管局", "二十届历次全会",
]


@lru_cache(maxsize=None)
def _example_data(name: str) -> dict[str, Any]:
    """An example's data, or (name "corpus:<stem>") a corpus report's as import makes it."""
    if name.startswith("corpus:"):
        source = V.CORPUS / f"{name.split(':', 1)[1]}.txt"
        return yaml.safe_load(import_report(source, output="imported.yaml").yaml_text)
    return yaml.safe_load((ROOT / "examples" / name).read_text(encoding="utf-8"))


# The reports a mistake goes into: the examples, and the corpus reports imported.
SOURCES = [p.name for p in EXAMPLES] + [f"corpus:{p.stem}" for p in V.corpus_files()]


def _texts(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The paths of the prose a mistake can go into: texts, points and headings of every part (not
    a text with a figure reference, where the mistake could cut a {{ … }}, nor part two's facts)."""
    return [p for p, _ in iter_strings(data)
            if (p[0] in ("preamble", "achievements", "shortcomings", "plans")
                or p[:2] in (("first_responsible", "text"), ("first_responsible", "duties")))
            and "facts" not in p and "{{" not in _get(data, p)]


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _put(data: Any, path: tuple[Any, ...], value: str) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@FUZZ
@given(st.sampled_from(SOURCES), st.data())
def test_validate_and_check_agree_whatever_mistake_a_text_holds(name: str, draw: Any) -> None:
    import copy

    data = copy.deepcopy(_example_data(name))
    paths = _texts(data)
    for _ in range(draw.draw(st.integers(1, 3), label="mistakes")):
        path = draw.draw(st.sampled_from(paths), label="field")
        mistake = draw.draw(st.sampled_from(MISTAKES), label="mistake")
        text = _get(data, path)
        # at the start too: a number typed there makes the paragraph a numbered one to a reader
        at = draw.draw(st.one_of(st.just(0), st.integers(0, len(text))), label="at")
        _put(data, path, text[:at] + mistake + text[at:])
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.yaml"
        source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        assert_one_verdict(source, Path(folder))


# What each mistake, put after the first comma of chuxiong's opening paragraph, is found as: the
# same line from validate and from check of every form (so the property above compares findings,
# not two empty lists).
FOUND_AS = {
    "还有XX项工作。": ("leftovers.placeholder", "残留占位符“XX”", "error"),
    "【待补充】": ("leftovers.placeholder", "残留占位符“【待补充】”", "error"),
    "群众满意率达到120%。": ("figures.percent_over_100", "比率超过 100%：“群众满意率达到120%”", "error"),
    "共受理20件，其中办结15件、转办8件。": (
        "figures.parts_exceed_whole", "分项之和（23件）超过总数（20件）：“共受理20件，其中办结15件、转办8件”", "error"),
    "受理20件、办结18件，办结率100%。": (
        "figures.rate_contradicted", "“办结率100%”与同句中的数字不符：受理20件，办结18件", "error"),
    "完善制度,规范管理。": ("punctuation.half_width", "中文中用了半角的“,”（“完善制度,规范管理”），应为全角的“，”", "warning"),
    "等工作...": ("punctuation.ellipsis", "省略号应为“……”（两个“…”），实际是“...”（“等工作...在市委”）", "warning"),
    "二0二四年": ("numbers.mixed_year", "“二0二四年”混用了汉字和阿拉伯数字，应写作“2024年”", "warning"),
    "于3月5号召开会议。": ("numbers.hao", "日期“3月5号”应写作“3月5日”（用“日”，不用“号”）", "warning"),
    "2023年以来，": ("year.since", "“2023年以来”与报告年度 2024 年不符，可能沿用了往年的报告", "warning"),
    "完成年度目标的130%。": ("figures.percent_check", "百分比超过 100%：“完成年度目标的130%”，请核实", "info"),
}


@pytest.mark.parametrize("mistake", list(FOUND_AS))
def test_each_mistake_is_found_alike_in_every_form(mistake: str, tmp_path: Path) -> None:
    data = _example_data("chuxiong-zhzf-2024.yaml")
    clean = tmp_path / "clean.yaml"
    clean.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    text = data["preamble"]
    at = text.index("，") + 1
    source = tmp_path / "report.yaml"
    source.write_text(yaml.safe_dump({**data, "preamble": text[:at] + mistake + text[at:]}, allow_unicode=True,
                                     sort_keys=False), encoding="utf-8")
    assert list(assert_one_verdict(source, tmp_path) - validate_says(clean)) == [FOUND_AS[mistake]]


def test_a_mistake_is_found_at_its_yaml_field(tmp_path: Path) -> None:
    # The mapping back: validate names the YAML line and field the rendered block came from.
    text = (ROOT / "examples" / "chuxiong-zhzf-2024.yaml").read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.strip().startswith("preamble:"))
    path = tmp_path / "r.yaml"
    path.write_text(re.sub(r"(preamble: >-\n  2024年)", r"\1,在XX", text, count=1), encoding="utf-8")
    found = {p.rule: str(p) for p in validate_report(load_report(path)) if p.rule in ("leftovers.placeholder",
                                                                                       "punctuation.half_width")}
    assert found["leftovers.placeholder"] == f"{path}:{line}:1: 开头段（preamble）：残留占位符“XX”"
    assert found["punctuation.half_width"].startswith(f"{path}:{line}:1: 警告：开头段（preamble）：中文中用了半角的“,”")


# -- the cases issue 12 was found with, as the clerk and the 依法治市办 read them ----------------------


def test_validate_no_longer_passes_what_check_of_the_same_file_refuses(tmp_path: Path, monkeypatch: Any) -> None:
    # A contradicted 办结率 and a placeholder: validate said exit 0 with two warnings, check two errors.
    monkeypatch.chdir(tmp_path)
    data = _example_data("chuxiong-zhzf-2024.yaml")
    text = data["preamble"]
    at = text.index("，") + 1
    mistakes = "受理20件、办结18件，办结率100%。【待填】"
    Path("report.yaml").write_text(yaml.safe_dump({**data, "preamble": text[:at] + mistakes + text[at:]},
                                                  allow_unicode=True, sort_keys=False), encoding="utf-8")
    runner = CliRunner()
    validated = runner.invoke(cli, ["validate", "report.yaml", "--ignore", "coverage", "--ignore", "duties"])
    assert validated.exit_code == 1
    assert validated.output.splitlines() == [
        "report.yaml:5:1: 开头段（preamble）：“办结率100%”与同句中的数字不符：受理20件，办结18件",
        "report.yaml:5:1: 开头段（preamble）：残留占位符“【待填】”",
        "发现 2 个错误",
    ]
    assert runner.invoke(cli, ["render", "report.yaml", "-o", "报告.docx", "--draft"]).exit_code == 0
    checked = runner.invoke(cli, ["check", "报告.docx", "--format", "json", "--ignore", "coverage", "--ignore", "duties"])
    assert checked.exit_code == 1
    assert [(f["rule"], f["severity"], f["message"]) for f in json.loads(checked.output)[0]["findings"]] == [
        ("figures.rate_contradicted", "error", "“办结率100%”与同句中的数字不符：受理20件，办结18件"),
        ("leftovers.placeholder", "error", "残留占位符“【待填】”"),
    ]


def test_a_raw_next_year_draft_is_refused_until_filled(tmp_path: Path, monkeypatch: Any) -> None:
    # init --from's draft is full of 【待填】 and empty figures: it rendered with exit 0.
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--from", str(ROOT / "examples" / "chuxiong-zhzf-2024.yaml"),
                               "-o", "2025.yaml"]).exit_code == 0
    errors = sum(1 for p in validate_report(load_report(Path("2025.yaml"), strict=False)) if p.severity == "error")
    assert errors > 20  # every figure to fill, every 【待填】, no 成文日期
    refused = runner.invoke(cli, ["render", "2025.yaml", "-o", "报告.docx"])
    assert refused.exit_code == 1
    assert refused.output.splitlines()[-1] == (
        "报告还有错误，不能作为报送稿；请改正后再生成，或加 --draft 先生成草稿（草稿会列出尚待完成的内容）")
    assert not Path("报告.docx").exists()
    drafted = runner.invoke(cli, ["render", "2025.yaml", "-o", "报告.docx", "--draft"])
    assert drafted.exit_code == 0
    assert re.fullmatch(rf"已生成草稿 报告.docx（\d+ 字）；还有 {errors} 个错误，改正后才能报送", drafted.output.splitlines()[-1])


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_duplicate_key_hides_no_content_finding(example: Path, tmp_path: Path) -> None:
    # Every problem in one run: the report with a part written twice gets the content findings of
    # the report YAML keeps (the later one), placed at the later one's lines, beside the error.
    text = example.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    earlier = "shortcomings:\n" + "".join(f"  - {s}\n" for s in ["还有XX项工作未完成。", "完善制度,规范管理。"])
    twice = tmp_path / "twice.yaml"
    twice.write_text(earlier + text, encoding="utf-8")
    once = tmp_path / "once.yaml"
    once.write_text(text, encoding="utf-8")
    shift = earlier.count("\n")

    def content(path: Path, lines: int = 0) -> list[tuple[str, Any, str]]:
        return [(p.rule, (p.place.line or 0) - lines, p.message)
                for p in validate_report(load_report(path, strict=False)) if _content(p.rule)]

    assert content(twice, shift) == content(once)
    rules = [p.rule for p in validate_report(load_report(twice, strict=False))]
    assert rules.count("yaml.duplicate_key") == 1 and "yaml.partly_checked" in rules
    assert "shortcomings" in data  # the earlier, with its placeholder, is what YAML drops: not reported
