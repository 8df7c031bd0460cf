"""What the workbench's page says, in the clerk's words: the fields its form labels (“成文日期”,
not signature.date) and what to do in the page (not a command-line option), while the command
line keeps its exact words (their tests are test_import.py, test_cli.py, test_fileio.py)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from authoring.main import import_document
from workbenchclient import TestClient, workbench_client  # test helper beside this file

ROOT = Path(__file__).resolve().parents[1]
PORT = 8797
TOKEN = "secret-token-for-wording-tests"

# What a clerk's page must not say: a YAML path or key, a command, an option of the command line.
CLI_WORDS = re.compile(r"[a-z_]+\.[a-z_]+|\b(?:in_text|other|year|text|validate|render|authoring)\b|--\w|(?<!\w)-o\b")

# Last year's report as a clerk might have it: no year, no part two or plans, a heading with no
# text, a 第一责任人 fact in the prose, a date no one can read.
LAST_YEAR = """关于法治政府建设情况的报告

一、主要举措和成效
（一）加强学法
（二）规范执法
全年行政机关负责人出庭应诉率100%。
二、存在的不足和原因
执法队伍力量不足。

某某市某某局
2025年二月三十五日
"""


def _client(folder: Path) -> TestClient:
    return workbench_client(folder, port=PORT, token=TOKEN)


class _Note(HTMLParser):
    """The items of the note the editor opens with (导入说明, 起草下一年度)."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self._depth = 0  # inside <details class="note">
        self._item: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "details" and ("class", "note") in attrs:
            self._depth = 1
        elif self._depth and tag == "li":
            self._item = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._item is not None:
            self.items.append("".join(self._item))
            self._item = None
        elif tag == "details":
            self._depth = 0

    def handle_data(self, data: str) -> None:
        if self._item is not None:
            self._item.append(data)


def _imported(client: TestClient, raw: bytes, name: str) -> tuple[dict[str, Any], list[str]]:
    out = client.post("/api/import", content=raw, headers={"x-filename": quote(name)}).json()
    parser = _Note()
    parser.feed(client.get(out["url"]).text)
    return out, parser.items


def test_the_import_note_names_the_forms_fields_and_the_yaml_keeps_the_command_lines_words(tmp_path: Path) -> None:
    raw = LAST_YEAR.encode("utf-8")
    out, items = _imported(_client(tmp_path), raw, "去年的报告.txt")
    assert items[1:-1] == [
        "未能从标题、正文或落款识别报告年度，请填写“年度”",
        "原文没有开头段；生成时会按年度和会议自动补写一段，请核对",
        "原文没有找到“第一责任人”部分，已填“【待补：原文没有这一部分】”；生成的是草稿，问题列表会提醒补写",
        "原文没有找到“下一年度主要安排”部分，已填“【待补：原文没有这一部分】”；生成的是草稿，问题列表会提醒补写",
        "未能从原文识别主要负责人的职务，已填“主要负责人”；请核对",
        "第 4 行起有 1 项只有一句标题、没有正文，已作为正文导入（生成时不带“（一）”这样的编号）；如需编号，请为各项补写“正文”",
        "从原文“出庭应诉率100%”识别出第一责任人履职事实“行政机关负责人出庭应诉”：负责人出庭应诉率（%）100；"
        "原句保留在正文中，并已列入“已在正文中写明的事实”，生成时不会重复；请核对",
        "落款日期“2025年二月三十五日”无法识别，已略去；请在“成文日期”按 2025-02-20 的形式填写",
    ]
    # The command line says the same with the YAML's keys, and the file the page wrote is the one
    # `authoring import` writes: its comments sit beside the keys they name.
    cli = import_document(raw, "text", "去年的报告.txt", output=str(tmp_path / out["file"]))
    assert [p.message for p in cli.warnings][0] == "未能从标题、正文或落款识别报告年度，请填写 year"
    assert [p.message for p in cli.warnings][-1] == \
        "落款日期“2025年二月三十五日”无法识别，已略去；请在 signature.date 按 2025-02-20 的形式填写"
    assert "first_responsible.court：负责人出庭应诉率（%）100；原句保留在正文中，并已列入 in_text，" in cli.warnings[-2].message
    assert (tmp_path / out["file"]).read_text(encoding="utf-8") == cli.yaml_text


def test_an_agency_not_found_and_a_part_two_in_one_sentence_are_named_as_the_form_labels_them(tmp_path: Path) -> None:
    raw = (ROOT / "tests" / "import_cases" / "inline-part-two.txt").read_bytes()
    _out, items = _imported(_client(tmp_path), raw, "inline-part-two.txt")
    inline = [i for i in items if i.startswith("第一责任人只在一句话中提到")]
    assert len(inline) == 1 and inline[0].endswith(
        "没有单列一部分；原文留在原处，“履职情况”已填“【待补：第一责任人履职情况】”，需要补写")
    _out, items = _imported(_client(tmp_path), "一、主要举措和成效\n（一）加强学法\n学法5次。\n".encode(), "无名.txt")
    assert "未能从标题、开头段或落款识别单位名称，请在“单位全称”填写单位全称" in items


@pytest.mark.parametrize("source", sorted((ROOT / "tests" / "import_cases").glob("*.txt")), ids=lambda p: p.name)
def test_no_import_note_names_a_yaml_key_or_a_command(tmp_path: Path, source: Path) -> None:
    _out, items = _imported(_client(tmp_path), source.read_bytes(), source.name)
    assert len(items) > 2
    assert [i for i in items[1:] if CLI_WORDS.search(i)] == []  # items[0] names the file imported


# -- a file not written: what to do in the page, not the command line's -o ---------------------------

def test_a_new_report_in_a_folder_that_does_not_exist_says_what_to_do_in_the_page(tmp_path: Path) -> None:
    out = _client(tmp_path).post("/api/new", json={"agency": "某某市某某局", "year": 2024, "name": "子文件夹/报告.yaml"})
    assert out.status_code == 400 and out.json()["ok"] is False
    said = [(p["severity"], p["message"]) for p in out.json()["problems"]]
    assert said == [
        ("error", f"文件夹“{tmp_path / '子文件夹'}”不存在。请先在资源管理器中创建该文件夹，再重试"),
        ("info", "文件名也可以只写名字（如 report-2024.yaml），报告就保存在工作台的文件夹中"),
    ]
    assert not (tmp_path / "子文件夹").exists()
    # The command line keeps its words for the same failure.
    from authoring.fileio import write_atomic
    from authoring.errors import OutputError

    with pytest.raises(OutputError) as cli:
        write_atomic(tmp_path / "子文件夹" / "报告.yaml", b"x")
    assert cli.value.problems[0].message == \
        f"文件夹“{tmp_path / '子文件夹'}”不存在。请先创建该文件夹，或用 -o 保存到已有的文件夹"


def test_a_save_word_holds_says_close_it_in_word_and_keeps_the_typing(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os
    import shutil

    shutil.copy(ROOT / "examples" / "chuxiong-zhzf-2024.yaml", tmp_path / "report.yaml")
    before = (tmp_path / "report.yaml").read_bytes()
    client = _client(tmp_path)
    from authoring.web.form import path_key

    client.post("/api/edit", json={"file": "report.yaml", "edits": [
        {"op": "set", "path": path_key(("agency", "short_name")), "value": "保存不了时输入的简称"}]})
    replace = os.replace

    def held(src: Any, dst: Any) -> None:  # Windows: replacing a file Word has open fails like this
        if str(dst).endswith("report.yaml"):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        replace(src, dst)

    monkeypatch.setattr(os, "replace", held)
    saved = client.post("/api/save", json={"file": "report.yaml"})
    assert saved.status_code == 500
    said = [p["message"] for p in saved.json()["problems"]]
    assert said[0] == "文件被占用或没有写权限，请先在 Word/WPS 中关闭该文件，再重试"
    assert said[1].startswith("本页的修改都还在工作台中，没有丢失")
    assert not [p for p in saved.json()["problems"] if CLI_WORDS.search(p["message"])]
    assert (tmp_path / "report.yaml").read_bytes() == before
    monkeypatch.setattr(os, "replace", replace)
    assert client.post("/api/save", json={"file": "report.yaml"}).json()["ok"]
    assert "保存不了时输入的简称" in (tmp_path / "report.yaml").read_text(encoding="utf-8")


def test_every_write_failure_has_the_pages_way_out_and_the_command_line_keeps_its_own() -> None:
    from authoring.fileio import WriteFailed
    from authoring.web.messages import PAGE_ADVICE, problems_of

    for kind, advice in PAGE_ADVICE.items():
        exc = WriteFailed("报告.docx", "没有写入。", "请用 -o 另存为其他文件名", kind)
        assert str(exc) == "报告.docx: 没有写入。请用 -o 另存为其他文件名"
        assert problems_of(exc)[0]["message"] == "没有写入。" + advice and not CLI_WORDS.search(advice)


# -- the pages and the refusals: no command, no YAML key ----------------------------------------

class _Shown(HTMLParser):
    """What a page shows a clerk: its text outside scripts and styles, and the tips of its controls."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style", "textarea")  # the YAML tab holds the file itself
        self.shown += [v for k, v in attrs if k in ("title", "placeholder", "aria-label") and v]

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style", "textarea")

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.shown.append(data.strip())


@pytest.mark.parametrize("address", ["/?start=1", "/edit?file=report.yaml", "/check"])
def test_no_page_tells_the_clerk_to_run_a_command(tmp_path: Path, address: str) -> None:
    import shutil

    shutil.copy(ROOT / "examples" / "chuxiong-zhzf-2024.yaml", tmp_path / "report.yaml")
    parser = _Shown()
    parser.feed(_client(tmp_path).get(address).text)
    assert len(parser.shown) > 5
    assert [s for s in parser.shown if re.search(r"authoring |(?<!\w)--?[a-z]", s)] == []


def test_a_refusal_names_the_year_as_the_form_does(tmp_path: Path) -> None:
    client = _client(tmp_path)
    texts = [[p["text"] for p in client.post("/api/new", json=body).json()["problems"]]
             for body in ({"agency": "某某局", "year": "二〇二四"}, {"agency": "某某局", "year": 24})]
    assert texts == [["请填写报告年度（四位数字）"], ["年度：年度应为四位数字的年份（2000—2100），实际是 24"]]
    (tmp_path / "无年度.yaml").write_text("agency:\n  name: 某某市某某局\n", encoding="utf-8")
    out = client.post("/api/next-year", json={"file": "无年度.yaml"})
    assert out.status_code == 400
    assert [p["text"] for p in out.json()["problems"]] == ["需要先在“年度”中填写四位数字的年份（如 2024），才能起草下一年度"]


def test_an_entry_with_only_a_heading_names_the_fields_to_fill_as_the_form_does(tmp_path: Path) -> None:
    import yaml

    from authoring.main import load_report, validate_report

    data = yaml.safe_load((ROOT / "examples" / "chuxiong-zhzf-2024.yaml").read_text(encoding="utf-8"))
    data["plans"].append({"heading": "只写了标题的安排"})
    data["first_responsible"]["duties"].append({"heading": "只写了标题的履职"})
    (tmp_path / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    client = _client(tmp_path)
    client.get("/edit", params={"file": "report.yaml"})
    problems = client.post("/api/edit", json={"file": "report.yaml", "edits": []}).json()["problems"]
    empty = [(p["where"], p["message"]) for p in problems if p["message"].startswith("这一项只有标题")]
    duty, plan = len(data["first_responsible"]["duties"]), len(data["plans"])
    assert empty == [(f"二、第一责任人 › 履职情况 › 第 {duty} 项", "这一项只有标题，没有内容；请填写“正文”"),
                     (f"四、下一年度主要安排 › 第 {plan} 项", "这一项只有标题，没有内容；请填写“正文”或“分项”")]
    # validate says it with the YAML's keys, beside the file's line
    said = [p.message for p in validate_report(load_report(tmp_path / "report.yaml")) if p.rule == "yaml.entry_empty"]
    assert said == ["这一项只有标题，没有内容；请填写 text（正文）", "这一项只有标题，没有内容；请填写 text（正文）或 items（分项）"]


def test_a_report_yaml_given_to_import_is_sent_to_open_not_to_validate(tmp_path: Path) -> None:
    import shutil

    shutil.copy(ROOT / "examples" / "chuxiong-zhzf-2024.yaml", tmp_path / "去年.yaml")
    client = _client(tmp_path)
    uploaded = client.post("/api/import", content=(tmp_path / "去年.yaml").read_bytes(),
                           headers={"x-filename": quote("去年.yaml")})
    named = client.post("/api/import", params={"path": "去年.yaml"}, json={})
    for out in (uploaded, named):
        assert out.status_code == 400
        assert [p["message"] for p in out.json()["problems"]] == [
            "这已经是 YAML 报告，不需要导入；把它放进工作台的文件夹，在“打开报告”中打开即可"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["去年.yaml"]
