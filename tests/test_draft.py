"""init scaffold, init --from and the commented-YAML emitter: what a clerk opens must load back exactly."""
from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring.draft import init_scaffold, update_meetings
from authoring.duties import NAME_FIELDS, fact_leaves
from authoring.errors import AuthoringError
from authoring.main import init_from, load_report
from authoring.validate import validate_report
from authoring.yamlout import dump_report, line_map

ROOT = Path(__file__).resolve().parents[1]
# The property tests' budget; a long run: AUTHORING_FUZZ_EXAMPLES=5000 python -m pytest tests/test_draft.py
FUZZ_EXAMPLES = int(os.environ.get("AUTHORING_FUZZ_EXAMPLES", "200"))
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _validate_text(tmp_path: Path, text: str, name: str = "report.yaml") -> list:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return validate_report(load_report(path))


# -- the emitter ---------------------------------------------------------------------------------

TRICKY = [
    "", " 前导空格", "尾随空格 ", "yes", "no", "null", "~", "123", "1.5", "2025-02-20", "- 列表", "# 井号",
    "a: b", "引号\"和'单引号", "反斜杠\\n", "多行\n第二行", "以换行结尾\n", "两个换行\n\n", "\t制表符",
    "{{ figures.licenses }}件", "【待填】", "@开头", "%开头", "!标签", "&锚点", "*别名", "|竖线", ">大于",
    "很长的一段文字，" * 20, "长文第一行\n\n  缩进的第三行 # 不是注释", "\u2028行分隔符", "零宽\ufeff字符",
]


def test_every_tricky_string_loads_back_as_itself() -> None:
    data = {
        "agency": {"name": "某局", "short_name": "x"},
        "year": 2024,
        "figures": {"a": 1, "b": 2.5, "c": None},
        "achievements": [{"heading": s, "text": s, "points": [s, s]} for s in TRICKY]
        + [{"table": [["项目", "数量"], ["许可, 审批", 917], ["[x]", 1.5], ["", None], TRICKY]}],
        "shortcomings": list(TRICKY),
        "signature": {"name": "某局", "date": _dt.date(2025, 2, 20)},
    }
    text = dump_report(data, schema="schemas/report.schema.json")
    assert yaml.safe_load(text) == data


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=5), st.dictionaries(
    st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True),
    st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False)),
    max_size=4))
def test_any_text_and_figures_load_back(texts: list[str], figures: dict) -> None:
    data = {"figures": figures, "plans": texts, "achievements": [{"heading": t, "items": [{"text": t}]} for t in texts]}
    assert yaml.safe_load(dump_report(data, schema="x.json")) == data


def test_first_line_names_the_schema_and_fields_carry_chinese_comments() -> None:
    text = dump_report({"agency": {"name": "某局"}, "year": 2025}, schema="../schemas/report.schema.json")
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../schemas/report.schema.json"
    assert lines[lines.index("  name: 某局") - 1] == "  # 单位全称（必填），如：常州市城市管理局"


def test_long_prose_is_a_block_scalar() -> None:
    prose = "坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，在市委、市政府的正确领导下，扎实开展法治政府建设工作。"
    text = dump_report({"preamble": prose}, schema="x.json")
    assert f"preamble: |-\n  {prose}\n" in text


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_round_trip_through_the_emitter(example: Path, tmp_path: Path) -> None:
    data = load_report(example).data
    text = dump_report(data, schema="x.json")
    assert yaml.safe_load(text) == data
    # and what we write validates exactly as the original does
    before = [(p.severity, p.rule, p.place.field) for p in validate_report(load_report(example))]
    after = [(p.severity, p.rule, p.place.field) for p in _validate_text(tmp_path, text)]
    assert sorted(after) == sorted(before)


def test_line_map_finds_nested_fields() -> None:
    text = dump_report({"plans": [{"heading": "甲", "text": "乙"}]}, schema="x.json")
    lines = line_map(text)
    assert text.splitlines()[lines[("plans", 0, "text")] - 1].strip() == "text: 乙"


# -- init scaffold ------------------------------------------------------------------------------

def test_scaffold_loads_and_validation_lists_what_to_fill(tmp_path: Path) -> None:
    text = init_scaffold("某市城市管理局", 2025, output=str(tmp_path / "report.yaml"))
    assert text.startswith("# yaml-language-server: $schema=")
    data = yaml.safe_load(text)
    assert data["agency"] == {"name": "某市城市管理局"}
    assert data["year"] == 2025
    assert data["signature"] == {"name": "某市城市管理局", "date": None}
    problems = _validate_text(tmp_path, text)
    fields = {p.place.field for p in problems if p.severity == "error"}
    assert "第一责任人（first_responsible.leader）" in fields
    assert "主要举措和成效（achievements[1].heading）" in fields
    assert all("不能为空" in p.message or "只有标题" in p.message or p.rule == "fact-empty" for p in problems
               if p.rule != "yaml.unchecked")
    # the 第一责任人 facts are there to fill, each with its help comment
    assert data["first_responsible"]["court"] == {"cases": None, "attended": None, "rate": None, "in_person": None}
    assert "  # 履职事实（可选）：年终述法：" in text
    # optional keys are shown as commented examples, not as empty values that would be errors
    assert "# title: " in text and "\n# figures:\n" in text


def test_scaffold_refuses_a_bad_year() -> None:
    with pytest.raises(AuthoringError) as err:
        init_scaffold("某局", 20245)
    assert "year：年度应为四位数字的年份（2000—2100），实际是 20245" in str(err.value)


# -- init --from --------------------------------------------------------------------------------

@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_init_from_examples_validates_with_only_the_expected_warnings(example: Path, tmp_path: Path) -> None:
    old = load_report(example).data
    draft = init_from(example, output=str(tmp_path / "next.yaml"))
    assert yaml.safe_load(draft.yaml_text) == draft.data
    new = draft.data
    assert new["year"] == old["year"] + 1
    assert new["agency"] == old["agency"]
    assert new["first_responsible"]["leader"] == old["first_responsible"]["leader"]
    if "signature" in old:
        assert new["signature"].get("name") == old["signature"].get("name")
        assert new["signature"].get("date") is None
    assert set(new.get("figures") or {}) == set(old.get("figures") or {})
    assert all(v is None for v in (new.get("figures") or {}).values())
    checklist = new["achievements"][0]
    assert checklist["heading"] == f"落实{old['year']}年安排情况"
    assert all(i["heading"].startswith(f"落实{old['year']}年安排：") and i["text"] == "【待填】" for i in checklist["items"])
    # the 第一责任人 facts keep their keys; values are emptied, references to figures stay
    old_facts = {p: v for p, v in fact_leaves(old["first_responsible"])}
    new_facts = {p: v for p, v in fact_leaves(new["first_responsible"])}
    assert set(new_facts) == set(old_facts)
    for path, value in new_facts.items():
        kept = path[-1] in NAME_FIELDS or (isinstance(old_facts[path], str) and "{{" in old_facts[path])
        assert value == (old_facts[path] if kept else None), path
    assert new["first_responsible"].get("in_text") == old["first_responsible"].get("in_text")
    problems = _validate_text(tmp_path, draft.yaml_text, "next.yaml")
    # Issue 12: a draft is not ready to submit. What is left is an error (render refuses it
    # without --draft): the figures and checklist items to fill, and the cleared 成文日期.
    errors = {p.rule for p in problems if p.severity == "error"}
    assert errors <= {"figures.empty", "leftovers.placeholder", "date.missing"}
    assert "date.missing" in errors
    placed = {p.place.field for p in problems if p.rule == "leftovers.placeholder"}
    for i in range(len(checklist["items"])):
        assert f"主要举措和成效（achievements[1].items[{i + 1}].text）" in placed
    assert {p.rule for p in problems if p.severity != "error"} <= {"fact-empty", "duties.missing", "coverage.areas"}


def test_init_from_turns_each_plan_into_a_checklist_item(tmp_path: Path) -> None:
    draft = init_from(ROOT / "examples" / "changzhou-cgj-2024.yaml", output=str(tmp_path / "r.yaml"))
    headings = [i["heading"] for i in draft.data["achievements"][0]["items"]]
    assert headings == [
        "落实2024年安排：进一步提升法治业务素养",
        "落实2024年安排：进一步严格公正文明执法",
        "落实2024年安排：进一步加强法规普法宣传",
    ]
    # the promise itself is shown above each item, as a comment
    assert "# 2024年报告原文：严格落实行政执法“三项制度”" in draft.yaml_text


def test_init_from_updates_year_bound_phrases_and_flags_the_rest(tmp_path: Path) -> None:
    source = tmp_path / "r2024.yaml"
    source.write_text(
        """agency: {name: 某市城市管理局}
year: 2024
preamble: 2024年，我局全面贯彻党的二十大、二十届三中全会精神，现将有关情况报告如下：
figures: {licenses: 917}
achievements:
  - heading: 依法行政
    text: 2024年以来，共办理行政许可{{ figures.licenses }}件，印发《2024年工作要点》。
first_responsible:
  leader: 局长
  duties: [带头学法。]
shortcomings: [执法队伍有待加强。]
plans:
  - 2025年，我局将重点做好以下工作：
  - heading: 深化普法
    text: 落实2025年普法计划。
signature: {name: 某市城市管理局, date: 2025-02-20}
""",
        encoding="utf-8",
    )
    draft = init_from(source, output="r2025.yaml")
    data = draft.data
    assert data["preamble"] == "2025年，我局全面贯彻党的二十大、二十届三中、四中全会精神，现将有关情况报告如下："
    assert data["achievements"][1]["text"] == "2025年以来，共办理行政许可{{ figures.licenses }}件，印发《2024年工作要点》。"
    assert data["plans"][0] == "2026年，我局将重点做好以下工作："
    assert data["plans"][1]["text"] == "落实2026年普法计划。"
    # only real plans become checklist items, not the introduction
    assert [i["heading"] for i in data["achievements"][0]["items"]] == ["落实2024年安排：深化普法"]
    assert data["figures"] == {"licenses": None}
    assert data["signature"] == {"name": "某市城市管理局", "date": None}
    messages = [str(c) for c in draft.changes]
    assert "r2025.yaml:11: 年度（year）：已更新：年度 2024 → 2025" in messages
    flagged = [m for m in messages if "请核对" in m]
    assert any("achievements[2].text）：请核对：沿用的文字提到“2024年”1 处" in m for m in flagged), flagged
    assert "# 请核对：沿用的文字提到“2024年”1 处" in draft.yaml_text
    assert "licenses:  # 待填（2024年：917）" in draft.yaml_text


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("全面贯彻党的二十大、二十届三中全会精神", 2025, "全面贯彻党的二十大、二十届三中、四中全会精神"),
        ("全面贯彻党的二十大和二十届二中、三中全会精神", 2025, "全面贯彻党的二十大和二十届二中、三中、四中全会精神"),
        ("全面贯彻党的二十大精神", 2024, "全面贯彻党的二十大和二十届三中全会精神"),
        ("全面贯彻党的二十大、二十届三中全会精神", 2024, "全面贯彻党的二十大、二十届三中全会精神"),
    ],
)
def test_meetings_current_for_the_new_year(text: str, year: int, expected: str) -> None:
    assert update_meetings(text, year)[0] == expected


def test_init_from_a_file_without_a_year_says_so(tmp_path: Path) -> None:
    source = tmp_path / "r.yaml"
    source.write_text("agency: {name: 某局}\n", encoding="utf-8")
    with pytest.raises(AuthoringError) as err:
        init_from(source)
    assert str(err.value) == f"{source}:2: year：需要年度（year: 2024 这样的四位数字）才能生成下一年度的报告"


def test_init_from_last_years_word_or_text_report_imports_it_first(tmp_path: Path) -> None:
    import variants as V

    source = V.to_docx(V.corpus_text("chuxiong-zhzf-2024"), tmp_path / "2024年报告.docx")
    draft = init_from(source, output=str(tmp_path / "report-2025.yaml"))
    assert draft.data["year"] == 2025
    assert [i["heading"] for i in draft.data["achievements"][0]["items"]][:2] == [
        "落实2024年安排：坚持党建引领，大力推进法治政府建设",
        "落实2024年安排：加强队伍建设，提高执法水平",
    ]
    assert draft.data["figures"]["licenses_items"] is None
    problems = _validate_text(tmp_path, draft.yaml_text, "report-2025.yaml")
    # What is left to fill (errors: render refuses it without --draft), and what the 2024
    # report already lacked (part two does not mention every duty; a note on the 纲要's areas).
    assert {p.rule for p in problems if p.severity == "error"} <= {"figures.empty", "leftovers.placeholder", "date.missing"}
    assert {p.rule for p in problems if p.severity != "error"} <= {"duties.missing", "coverage.areas"}


_WORDS = st.lists(st.sampled_from([
    "2024年", "2025年", "2023年", "以来", "度", "，", "。", "：", "以下工作", "党的二十大", "二十届三中全会", "二中、三中全会",
    "{{ figures.a }}", "加强", "执法", "普法", "一是", "【待填】", " ", "#", ": ", "'", "\n",
]), min_size=1, max_size=10).map("".join)
_ENTRY = st.one_of(_WORDS, st.fixed_dictionaries({"heading": _WORDS}, optional={"text": _WORDS, "points": st.lists(_WORDS, min_size=1, max_size=3)}))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(preamble=_WORDS, achievements=st.lists(_ENTRY, min_size=1, max_size=3), plans=st.lists(_ENTRY, min_size=1, max_size=4),
       value=st.one_of(st.none(), st.integers(0, 10**6), st.floats(0, 1e6, allow_nan=False)))
def test_init_from_any_report_writes_what_it_means(preamble: str, achievements: list, plans: list, value: object,
                                                    tmp_path: Path) -> None:
    data = {
        "agency": {"name": "某局"}, "year": 2024, "preamble": preamble, "figures": {"a": value},
        "achievements": achievements, "first_responsible": {"leader": "局长", "duties": ["带头学法。"]},
        "shortcomings": ["不足。"], "plans": plans, "signature": {"date": _dt.date(2025, 2, 20)},
    }
    source = tmp_path / "old.yaml"
    source.write_text(dump_report(data, schema="x.json"), encoding="utf-8")
    draft = init_from(source)
    assert yaml.safe_load(draft.yaml_text) == draft.data
    assert draft.data["year"] == 2025 and draft.data["figures"] == {"a": None}
    assert draft.data["signature"] == {"date": None}
    # last year's achievements stay (years updated or flagged), the checklist comes first if any plan had a title
    assert len(draft.data["achievements"]) in (len(achievements), len(achievements) + 1)
    checklist = draft.data["achievements"][0]
    if len(draft.data["achievements"]) > len(achievements):
        assert checklist["heading"] == "落实2024年安排情况" and all(i["text"] == "【待填】" for i in checklist["items"])


def test_init_from_a_report_with_a_field_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "old.yaml"
    source.write_text(
        "agency: {name: 某局}\nyear: 2024\nachievements: [甲]\nfirst_responsible: {leader: 局长, duties: [乙]}\n"
        "shortcomings:\n  - - 执法队伍专业化水平有待提高。\n    - 基层执法力量不足。\nplans: [丙]\n",
        encoding="utf-8",
    )
    with pytest.raises(AuthoringError) as err:
        init_from(source)
    assert str(err.value).splitlines() == [
        f"{source}: 上一年度的报告有 1 处类型不对或含有无法保存的字符，无法据此起草；请先按下列提示改正",
        f"{source}:6:5: 存在的不足和原因（shortcomings[1]）：应为一段文字或字段集合（“名称: 内容”），实际是列表",
    ]


def test_the_emitter_writes_any_nesting_it_is_given() -> None:
    data = {"shortcomings": [[["a", "b"], "c"], [{"x": [1, None]}]], "plans": [{"table": [["a", [1]]]}]}
    assert yaml.safe_load(dump_report(data, schema="x.json")) == data


def test_comments_never_carry_characters_yaml_refuses() -> None:
    text = dump_report({"plans": ["甲"]}, schema="x.json", notes={("plans", 0): "原文：持续深化\x1b改革\x00。"})
    assert "  - 甲  # 原文：持续深化\\x1b改革\\x00。" in text.splitlines()
    assert yaml.safe_load(text) == {"plans": ["甲"]}
    assert line_map(text)[("plans", 0)] == len(text.splitlines())
