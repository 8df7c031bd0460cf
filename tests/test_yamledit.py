"""Editing a report YAML in place (what the workbench's form does on every keystroke and save):
the data changes exactly as meant, and every other byte of the file stays — comments, the hints
`init --from` writes, blank lines, quoting, indentation."""
from __future__ import annotations

import copy
import datetime as _dt
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st



from authoring.main import import_report, init_from, load_report
from authoring.yamledit import EditError, YamlDocument

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
FUZZ_EXAMPLES = int(os.environ.get("AUTHORING_FUZZ_EXAMPLES", "60"))
CHUXIONG = ROOT / "examples" / "chuxiong-zhzf-2024.yaml"
ORDER = ["heading", "text", "points", "table", "items"]


def _comments(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip().startswith("#")]


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """Lines only in `before`, lines only in `after` (as multisets)."""
    import collections

    a, b = collections.Counter(before.splitlines()), collections.Counter(after.splitlines())
    return list((a - b).elements()), list((b - a).elements())


def _draft_text(tmp_path: Path) -> str:
    return init_from(CHUXIONG, output=str(tmp_path / "report-2025.yaml")).yaml_text


# -- one edit, exactly that change -----------------------------------------------------------


def test_a_figure_changes_on_its_line_and_its_comment_keeps_its_column() -> None:
    doc = YamlDocument(CHUXIONG.read_text(encoding="utf-8"))
    before = doc.text
    doc.set(("figures", "licenses"), 1000)
    gone, new = _changed_lines(before, doc.text)
    assert gone == ["  licenses: 917                      # 办理行政许可（件）"]
    assert new == ["  licenses: 1000                     # 办理行政许可（件）"]
    assert doc.data["figures"]["licenses"] == 1000
    assert doc.comment(("figures", "licenses")) == "办理行政许可（件）"


def test_a_figure_of_an_init_from_draft_is_filled_before_its_hint(tmp_path: Path) -> None:
    doc = YamlDocument(_draft_text(tmp_path))
    before = doc.text
    doc.set(("figures", "licenses"), 950)
    gone, new = _changed_lines(before, doc.text)
    assert [g.split("#")[0] for g in gone] == ["  licenses:  "]
    assert new == ["  licenses: 950  # 待填（2024年：917）：……1月，我局共办理行政许可□件……"]


def test_a_folded_paragraph_stays_folded_and_a_second_paragraph_makes_it_literal() -> None:
    doc = YamlDocument(CHUXIONG.read_text(encoding="utf-8"))
    before = doc.text
    doc.set(("achievements", 0, "points", 0), "新的一是内容。")
    gone, new = _changed_lines(before, doc.text)
    assert new == ["        新的一是内容。"] and len(gone) == 1
    doc.set(("achievements", 0, "points", 0), "第一段\n第二段")
    assert "      - |-\n        第一段\n        第二段\n      - >-" in doc.text
    assert doc.data["achievements"][0]["points"][0] == "第一段\n第二段"


@pytest.mark.parametrize("value", ["no", "yes", "2025-02-20", "123", "a: b", "# 不是注释", "“引号开头”", "{{ figures.x }}", "", " 前导空格"])
def test_text_that_yaml_would_read_as_something_else_is_quoted(value: str) -> None:
    doc = YamlDocument("agency:\n  name: 某局\nyear: 2024\n")
    doc.set(("agency", "name"), value)
    assert load_report("r.yaml", text=doc.text).data["agency"]["name"] == value


def test_quoting_the_clerk_chose_is_kept() -> None:
    doc = YamlDocument("agency:\n  name: '某局'\n  short_name: \"局\"\nyear: 2024\n")
    doc.set(("agency", "name"), "某市局")
    doc.set(("agency", "short_name"), "市局")
    assert doc.text == "agency:\n  name: '某市局'\n  short_name: \"市局\"\nyear: 2024\n"


def test_a_new_key_goes_where_the_schema_order_puts_it() -> None:
    doc = YamlDocument(CHUXIONG.read_text(encoding="utf-8"))
    doc.set(("title",), "新的标题", order=["agency", "year", "title", "preamble"])
    lines = doc.text.splitlines()
    at = lines.index("title: 新的标题")
    assert lines[at - 2] == "year: 2024" and lines[at + 2].startswith("# 开头段")


def test_a_heading_added_to_an_entry_takes_the_dash_line_and_removing_it_gives_it_back() -> None:
    doc = YamlDocument(CHUXIONG.read_text(encoding="utf-8"))
    before = doc.text
    doc.delete(("first_responsible", "duties", 0, "heading"))
    assert "    - text: >-\n        在市委全面依法治市委员会" in doc.text
    doc.set(("first_responsible", "duties", 0, "heading"), "强化组织领导", order=ORDER)
    assert doc.text == before


def test_moving_an_entry_moves_the_comment_above_it_and_moving_back_restores_the_file() -> None:
    doc = YamlDocument(CHUXIONG.read_text(encoding="utf-8"))
    before = doc.text
    doc.move(("achievements", 1), 0)
    lines = doc.text.splitlines()
    second = lines.index("  # （二）政府职能：执法体制改革、乡镇赋权、城市管理")
    assert lines[second + 1] == "  - heading: 依法履行城市管理工作职责，促进法治政府建设提质增效"
    assert lines[second - 1] == "achievements:"
    assert sorted(_comments(doc.text)) == sorted(_comments(before))
    doc.move(("achievements", 0), 1)
    assert doc.text == before


def test_deleting_an_entry_takes_its_comment_and_nothing_else(tmp_path: Path) -> None:
    doc = YamlDocument(CHUXIONG.read_text(encoding="utf-8"))
    before = doc.text
    doc.delete(("achievements", 5))
    gone, new = _changed_lines(before, doc.text)
    assert new == []
    assert gone[0] == "  # （六）突发事件应对：没有“一是、二是”的节，只写 text" and len(gone) == 4
    draft = YamlDocument(_draft_text(tmp_path))
    before = draft.text
    draft.delete(("achievements", 0, "items", 1))
    gone, new = _changed_lines(before, draft.text)
    assert new == [] and len(gone) == 3
    assert any(g.strip().startswith("# 2024年报告原文：认真贯彻落实习近平法治思想") for g in gone)


def test_inserting_an_entry_writes_it_in_the_files_own_style() -> None:
    text = "plans:\n- 安排一\n- 安排二\nshortcomings:\n    - 不足\n"
    doc = YamlDocument(text)
    doc.insert(("plans",), 1, {"heading": "新安排", "text": "内容"})
    doc.insert(("shortcomings",), 1, "又一条")
    assert doc.text == "plans:\n- 安排一\n- heading: 新安排\n  text: 内容\n- 安排二\nshortcomings:\n    - 不足\n    - 又一条\n"


def test_one_line_collections_are_rewritten_on_one_line() -> None:
    doc = YamlDocument(CHUXIONG.read_text(encoding="utf-8"))
    doc.set(("layout", "order"), ["first_responsible", "achievements", "shortcomings", "plans"])
    assert "  order: [first_responsible, achievements, shortcomings, plans]\n" in doc.text
    doc = YamlDocument("first_responsible: {leader: 局长, duties: [履职]}\n")
    doc.set(("first_responsible", "duties", 0), "履职改")
    assert doc.text == "first_responsible: {leader: 局长, duties: [履职改]}\n"


def test_the_last_entry_of_a_list_removed_leaves_an_empty_list() -> None:
    doc = YamlDocument("plans:\n  - 安排\nother:\n  - 其他\n")
    doc.delete(("plans", 0))
    assert doc.text == "plans: []\nother:\n  - 其他\n"
    doc.insert(("plans",), 0, "新的安排")
    assert doc.data["plans"] == ["新的安排"]


def test_dates_and_empty_values() -> None:
    doc = YamlDocument("signature:\n  date: 2024-11-26\n")
    doc.set(("signature", "date"), None)
    assert doc.text == "signature:\n  date:\n"
    doc.set(("signature", "date"), _dt.date(2025, 2, 20))
    assert doc.text == "signature:\n  date: 2025-02-20\n"


def test_an_eol_comment_can_be_written_changed_and_removed() -> None:
    doc = YamlDocument("figures:\n  a: 1\n  b: 2          # 旧说明\n")
    doc.set_comment(("figures", "a"), "新说明")
    doc.set_comment(("figures", "b"), "改过的说明")
    assert doc.text == "figures:\n  a: 1  # 新说明\n  b: 2          # 改过的说明\n"
    doc.set_comment(("figures", "b"), "")
    assert doc.text == "figures:\n  a: 1  # 新说明\n  b: 2\n"


def test_an_edit_that_would_not_read_back_is_refused_and_the_text_stays() -> None:
    doc = YamlDocument("agency:\n  name: 某局\n")
    with pytest.raises(EditError):
        doc.set(("agency", "name", "x"), "y")
    assert doc.text == "agency:\n  name: 某局\n"


def test_crlf_is_read_and_the_text_is_kept_with_newlines() -> None:
    doc = YamlDocument("agency:\r\n  name: 某局\r\n")
    doc.set(("agency", "name"), "某市局")
    assert doc.text == "agency:\n  name: 某市局\n"


# -- many edits on real files: the property ----------------------------------------------------


def _sources(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    tmp = tmp_path_factory.mktemp("sources")
    texts = [p.read_text(encoding="utf-8") for p in EXAMPLES]
    texts.append(init_from(CHUXIONG, output=str(tmp / "d.yaml")).yaml_text)
    corpus = Path("/work/shared/corpus/jiulongpo-cgj-2023.txt")
    if corpus.exists():
        texts.append(import_report(corpus, figures=True).yaml_text)
    return texts


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return _sources(tmp_path_factory)


_TEXTS = st.sampled_from(["新的文字。", "no", "第一段\n第二段", "含有: 冒号", "“引号”开头", "{{ figures.licenses }}件", "x" * 80])


def _lists(data: object, path: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _lists(v, path + (k,))
    elif isinstance(data, list):
        out.append(path)
        for i, v in enumerate(data):
            out += _lists(v, path + (i,))
    return out


def _strings(data: object, path: tuple = ()) -> list[tuple]:
    if isinstance(data, str):
        return [path]
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _strings(v, path + (k,))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _strings(v, path + (i,))]
    return []


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_edits_give_exactly_the_data_meant_and_keep_the_other_comments(sources: list[str], data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(sources))
    doc = YamlDocument(text)
    expected = copy.deepcopy(doc.data)
    for _ in range(data.draw(st.integers(1, 6))):
        kind = data.draw(st.sampled_from(["set", "move", "delete", "insert"]))
        lists = [p for p in _lists(doc.data) if doc.get(p)]
        if kind == "set":
            path = data.draw(st.sampled_from(_strings(doc.data)))
            value = data.draw(_TEXTS)
            doc.set(path, value)
            target = expected
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = value
        elif kind in ("move", "delete") and lists:
            path = data.draw(st.sampled_from(lists))
            items = doc.get(path)
            i = data.draw(st.integers(0, len(items) - 1))
            target = expected
            for part in path:
                target = target[part]
            if kind == "move":
                j = data.draw(st.integers(0, len(items) - 1))
                doc.move(path + (i,), j)
                target.insert(j, target.pop(i))
            else:
                doc.delete(path + (i,))
                del target[i]
        elif kind == "insert" and lists:
            path = data.draw(st.sampled_from(lists))
            i = data.draw(st.integers(0, len(doc.get(path))))
            value = data.draw(st.sampled_from(["新增一条。", {"heading": "新增", "text": "内容"}]))
            doc.insert(path, i, value)
            target = expected
            for part in path:
                target = target[part]
            target.insert(i, copy.deepcopy(value))
        assert doc.data == expected
        assert load_report("r.yaml", text=doc.text).data == expected
    # No comment appears that was not there, and the ones of entries not deleted stay.
    before, after = _comments(text), _comments(doc.text)
    assert set(after) <= set(before)


def test_every_example_and_draft_survives_a_no_op(sources: list[str]) -> None:
    for text in sources:
        doc = YamlDocument(text)
        for path in _strings(doc.data):
            doc.set(path, doc.get(path))
        assert doc.text == text.replace("\r\n", "\n")


def test_regex_of_eol_comment_is_not_fooled_by_a_hash_inside_text() -> None:
    doc = YamlDocument("a: 'x # y'\n")
    assert doc.comment(("a",)) == ""
    doc.set(("a",), "z # w")
    assert re.fullmatch(r"a: 'z # w'\n", doc.text)
