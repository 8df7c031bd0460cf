"""The workbench's server (authoring serve) through its requests: what the page sends and gets,
what ends up in the files, and what it refuses. The page itself is driven in a real browser in
test_workbench_browser.py."""
from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from authoring.cli import cli
from authoring.resources import load_data
from authoring.web.app import Config, build_app
from authoring.web.form import path_key
from authoring.web.security import Folders, cookie_name
from workbenchclient import PORT, TOKEN, TestClient, workbench_client  # test helper beside this file

ROOT = Path(__file__).resolve().parents[1]
CHUXIONG = ROOT / "examples" / "chuxiong-zhzf-2024.yaml"


_client = workbench_client


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    shutil.copy(CHUXIONG, tmp_path / "report.yaml")
    return tmp_path


@pytest.fixture()
def client(folder: Path) -> TestClient:
    return _client(folder, folder / "report.yaml")


def _edit(client: TestClient, *edits: dict[str, Any], file: str = "report.yaml") -> dict[str, Any]:
    response = client.post("/api/edit", json={"file": file, "edits": list(edits)})
    assert response.status_code == 200, response.text
    return response.json()


# -- security ---------------------------------------------------------------------------------


def test_a_request_without_the_secret_is_refused_in_chinese(folder: Path) -> None:
    client = TestClient(build_app(Config(Folders([folder]), TOKEN, PORT)), base_url=f"http://127.0.0.1:{PORT}")
    response = client.get("/edit?file=report.yaml")
    assert response.status_code == 403
    assert "缺少或错误的访问口令" in response.text
    assert client.get("/?token=wrong").status_code == 403
    assert client.get("/static/app.js").status_code == 403


def test_the_secret_in_the_address_becomes_a_cookie_and_leaves_the_address(folder: Path) -> None:
    client = TestClient(build_app(Config(Folders([folder]), TOKEN, PORT)), base_url=f"http://127.0.0.1:{PORT}")
    response = client.get(f"/?token={TOKEN}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert f"{cookie_name(PORT)}={TOKEN}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/", headers={"x-authoring-token": TOKEN}).status_code == 200


def test_the_secret_in_the_address_of_any_page_becomes_a_cookie(folder: Path) -> None:
    # An address such as /check?token=… (a bookmark, a colleague's note) opened the page but
    # not its styles and scripts, which were refused without the cookie.
    client = TestClient(build_app(Config(Folders([folder]), TOKEN, PORT)), base_url=f"http://127.0.0.1:{PORT}")
    response = client.get(f"/check?token={TOKEN}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/check"
    assert client.get("/check").status_code == 200
    assert client.get("/static/app.css").status_code == 200


@pytest.mark.parametrize("host", ["evil.example:8799", "127.0.0.1:80", "localhost.evil.example:8799", "127.0.0.1"])
def test_another_host_is_refused_before_the_secret_is_looked_at(client: TestClient, host: str) -> None:
    response = client.get("/edit?file=report.yaml", headers={"host": host})
    assert response.status_code == 403
    assert "不是本机" in response.text


def test_a_cross_site_origin_is_refused(client: TestClient) -> None:
    for headers in ({"origin": "http://evil.example"}, {"origin": "null"}, {"sec-fetch-site": "cross-site"},
                    {"origin": f"http://127.0.0.1:{PORT + 1}"}):
        response = client.post("/api/save", json={"file": "report.yaml"}, headers=headers)
        assert response.status_code == 403, headers
        assert "其他网站" in response.text
    ok = client.post("/api/save", json={"file": "report.yaml"}, headers={"origin": f"http://127.0.0.1:{PORT}"})
    assert ok.status_code == 200


@pytest.mark.parametrize("name", ["../outside.yaml", "/etc/passwd", "sub/../../outside.yaml"])
def test_no_path_outside_the_folders_is_read_or_written(client: TestClient, folder: Path, name: str) -> None:
    (folder.parent / "outside.yaml").write_text("year: 2024\n", encoding="utf-8")
    page = client.get("/edit", params={"file": name})
    assert "工作台只能打开和保存这些文件夹中的文件" in page.text
    assert client.get("/download", params={"file": name}).status_code == 403
    response = client.post("/api/new", json={"agency": "某局", "year": 2024, "name": name})
    assert response.status_code == 400 and "只能打开和保存" in response.text


def test_a_symbolic_link_out_of_the_folder_is_refused(client: TestClient, folder: Path) -> None:
    outside = folder.parent / "secret.yaml"
    outside.write_text("year: 2024\n", encoding="utf-8")
    (folder / "link.yaml").symlink_to(outside)
    assert "只能打开和保存" in client.get("/edit", params={"file": "link.yaml"}).text


def test_only_what_the_tool_writes_can_be_downloaded(client: TestClient, folder: Path) -> None:
    (folder / "notes.py").write_text("x = 1\n", encoding="utf-8")
    assert client.get("/download", params={"file": "notes.py"}).status_code == 404
    assert client.get("/download", params={"file": "report.yaml"}).status_code == 200


def test_an_oversized_request_is_refused(client: TestClient) -> None:
    big = b"x" * (5 * 1024 * 1024)
    response = client.post("/api/edit", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "过大" in response.json()["problems"][0]["message"]


# -- editing ----------------------------------------------------------------------------------


def test_an_edit_changes_the_preview_and_the_file_only_on_save(client: TestClient, folder: Path) -> None:
    before = (folder / "report.yaml").read_text(encoding="utf-8")
    out = _edit(client, {"op": "set", "path": path_key(("agency", "name")), "value": "楚雄市某某局"})
    assert "楚雄市某某局" in out["preview"]
    assert out["state"]["dirty"] is True
    assert (folder / "report.yaml").read_text(encoding="utf-8") == before
    assert client.post("/api/save", json={"file": "report.yaml"}).json()["ok"]
    after = (folder / "report.yaml").read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [("  name: 楚雄市综合行政执法局", "  name: 楚雄市某某局")]


def test_an_error_is_placed_beside_its_field_with_the_validators_words(client: TestClient) -> None:
    out = _edit(client, {"op": "set", "path": path_key(("figures", "licenses")), "value": "九百"})
    errors = [p for p in out["problems"] if p["severity"] == "error"]
    assert errors and errors[0]["anchor"] == path_key(("figures", "licenses"))
    assert errors[0]["message"] == "应为整数或数字，实际是文字“九百”"
    assert "preview" not in out  # the preview stays as it last rendered without errors
    out = _edit(client, {"op": "set", "path": path_key(("figures", "licenses")), "value": "917"})
    assert out["errors"] == 0 and "preview" in out


def test_the_list_of_problems_names_each_place_as_the_form_does(client: TestClient) -> None:
    out = _edit(client, {"op": "set", "path": path_key(("achievements", 1, "points", 0)), "value": "【待填】"},
                {"op": "set", "path": path_key(("signature", "date")), "value": "2025-04-02"})
    where = {p["anchor"]: p["where"] for p in out["problems"]}
    assert where[path_key(("achievements", 1, "points", 0))] == "一、主要举措和成效 › 第 2 项 › 一是"
    assert where[path_key(("signature", "date"))] == "落款 › 成文日期"
    assert where[path_key(("first_responsible",))] == "二、第一责任人"
    out = _edit(client, {"op": "set", "path": path_key(("figures", "licenses")), "value": "九百"})
    assert [p["where"] for p in out["problems"] if p["severity"] == "error"] == ["数据 › licenses"]


def test_the_same_verdict_as_authoring_validate(client: TestClient, folder: Path) -> None:
    out = _edit(client, {"op": "set", "path": path_key(("achievements", 0, "points", 0)), "value": "共{{ figures.licence }}件"})
    assert client.post("/api/save", json={"file": "report.yaml"}).json()["ok"]
    result = CliRunner().invoke(cli, ["validate", str(folder / "report.yaml")])
    cli_lines = [ln.split(": ", 1)[1] for ln in result.output.splitlines() if ln.startswith(str(folder))]
    page_lines = [p["text"].split(": ", 1)[1] for p in out["problems"]]
    assert page_lines == cli_lines and any("figures.licence" in ln for ln in page_lines)


def test_the_duties_still_to_write_are_named_by_the_forms_labels_and_by_their_keys_on_the_command_line(
        client: TestClient, folder: Path) -> None:
    # One rule, two places: the page names the fields the clerk sees on the form; validate names
    # the YAML's keys beside the line of the file (and keeps its words exactly).
    duties = [p for p in _edit(client)["problems"] if p["message"].startswith("“第一责任人”部分未提及")]
    assert [(p["where"], p["message"]) for p in duties] == [
        ("二、第一责任人", "“第一责任人”部分未提及：述法（法治建设列入年终述职）；请填写“年终述法”，或在“履职情况”中写明"),
        ("二、第一责任人", "“第一责任人”部分未提及：行政机关负责人出庭应诉；请填写“行政机关负责人出庭应诉”，或在“履职情况”中写明"),
        ("二、第一责任人", "“第一责任人”部分未提及：重大行政决策合法性审核与集体讨论；请填写“重大行政决策”，或在“履职情况”中写明"),
    ]
    result = CliRunner().invoke(cli, ["validate", str(folder / "report.yaml")])
    assert f"{folder / 'report.yaml'}:139:1: 警告：第一责任人（first_responsible）：“第一责任人”部分未提及：" \
        "行政机关负责人出庭应诉；请填写 first_responsible.court，或在 duties 中写明" in result.output.splitlines()
    # the page's line for the list of problems still carries the command line's own
    assert duties[1]["text"].endswith("请填写 first_responsible.court，或在 duties 中写明")


def test_a_fact_listed_as_stated_but_not_in_the_text_is_named_as_the_form_shows_it(client: TestClient) -> None:
    out = _edit(client, {"op": "choices", "path": path_key(("first_responsible", "in_text")), "value": ["court"]})
    said = [p for p in out["problems"] if p["anchor"] == path_key(("first_responsible", "in_text"))]
    assert [p["message"] for p in said] == [
        "“第一责任人”部分未提及：行政机关负责人出庭应诉；“已在正文中写明的事实”列有“行政机关负责人出庭应诉”，"
        "报告中不会另写这一事实；请在正文中写明，或从“已在正文中写明的事实”中删去“行政机关负责人出庭应诉”"]


def test_a_fact_a_template_leaves_out_is_named_as_the_form_shows_it(tmp_path: Path) -> None:
    mine = tmp_path / "templates"
    mine.mkdir()
    shipped = (ROOT / "templates" / "duties.j2").read_text(encoding="utf-8")
    (mine / "duties.j2").write_text(shipped.replace('{"heading": "落实述法制度，压实法治责任", "facts": ["report_on_law"]},', ""),
                                    encoding="utf-8")
    shutil.copy(CHUXIONG, tmp_path / "report.yaml")
    client = _client(tmp_path, tmp_path / "report.yaml", templates=mine)
    out = _edit(client, {"op": "set", "path": path_key(("first_responsible", "report_on_law")), "value": True})
    said = [p["message"] for p in out["problems"] if p["anchor"] == path_key(("first_responsible", "report_on_law"))]
    assert said == ["“第一责任人”部分未提及：述法（法治建设列入年终述职）；已填写“年终述法”，但生成的报告“第一责任人”部分中没有这句话："
                    "自定的模板（--templates）没有写出它，或正文开头误写的编号把它分到了别处；请检查模板或正文"]


def test_every_message_of_the_duties_rule_has_the_forms_wording_without_a_yaml_key() -> None:
    from authoring.duties import duty_specs
    from authoring.web.pipeline import _duty_wordings

    wordings = _duty_wordings()
    # one for each case validate words (nothing given; a fact listed as stated; one not printed)
    assert len(wordings) == sum(1 + 2 * len(d.get("facts") or []) for d in duty_specs())
    for cli_words, page_words in wordings.items():
        assert re.findall(r"[A-Za-z_]+", page_words) in ([], ["templates"]), page_words
        assert page_words.split("；")[0] == cli_words.split("；")[0]  # the duty, as the rule names it


def test_adding_moving_and_deleting_entries_rebuilds_the_form(client: TestClient) -> None:
    out = _edit(client, {"op": "insert", "path": path_key(("plans",)), "kind": "entry", "index": 1})
    # the new entry's 【待填】 is what is left to write (an error, issue 12); the draft is previewed
    assert "form" in out and out["errors"] == 1 and "preview" in out
    assert any(p["anchor"] == path_key(("plans", 1, "heading")) and "待填" in p["message"] for p in out["problems"])
    out = _edit(client, {"op": "move", "path": path_key(("plans", 1)), "index": 0})
    assert "（一）【待填】" in out["preview"] or "【待填】" in out["preview"]
    out = _edit(client, {"op": "delete", "path": path_key(("plans", 0))})
    assert not any("待填" in p["message"] for p in out["problems"])


class _Choices(HTMLParser):
    """The ticked and unticked choices of each choice list of a form page, by its data-path."""

    def __init__(self) -> None:
        super().__init__()
        self.lists: dict[str, list[tuple[str, bool, str]]] = {}
        self._list: str | None = None
        self._item: list[Any] | None = None
        self._label = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and a.get("data-edit-choices"):
            self._list = str(a["data-edit-choices"])
            self.lists[self._list] = []
        elif tag == "li" and self._list and "data-value" in a:
            self._item = [a["data-value"], False, ""]
        elif tag == "input" and self._item is not None and a.get("type") == "checkbox":
            self._item[1] = "checked" in a
        self._label = self._label or (tag == "label" and self._item is not None)

    def handle_data(self, data: str) -> None:
        if self._item is not None and self._label:
            self._item[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label = False
        if tag == "li" and self._item is not None and self._list:
            self.lists[self._list].append((self._item[0], self._item[1], self._item[2].strip()))
            self._item = None
        elif tag == "ol":
            self._list = None


def test_a_dutys_facts_are_named_in_chinese_and_ticked_as_the_yaml_has_them(tmp_path: Path) -> None:
    # jiulongpo's first duty: facts: [leading_group, meetings]; the names are first_responsible's
    # fields' titles, not the YAML's keys.
    shutil.copy(ROOT / "examples" / "jiulongpo-cgj-2023.yaml", tmp_path / "report.yaml")
    page = _client(tmp_path, tmp_path / "report.yaml").get("/edit?file=report.yaml").text
    parser = _Choices()
    parser.feed(page)
    facts = parser.lists[path_key(("first_responsible", "duties", 0, "facts"))]
    assert [(name, ticked) for _, ticked, name in facts][:2] == [("法治建设领导小组", True), ("研究法治建设的会议", True)]
    assert {name for _, _, name in facts} == {"法治建设领导小组", "研究法治建设的会议", "亲自部署、过问、协调、督办",
                                              "理论学习中心组学法", "重大行政决策", "行政机关负责人出庭应诉", "年终述法"}
    assert not any(ticked for _, ticked, _ in facts[2:])


def test_a_box_left_out_shows_its_default_and_ticked_back_leaves_the_yaml_as_it_was(client: TestClient,
                                                                                    folder: Path) -> None:
    # first_responsible.default_opening is left out of chuxiong: the default opening paragraph is
    # rendered, so the box shows ticked; unticked it is written false, ticked back it goes again.
    key = path_key(("first_responsible", "default_opening"))
    page = client.get("/edit?file=report.yaml").text
    box = re.search(r'<input type="checkbox" data-edit="set" data-path="[^"]*default_opening[^"]*"([^>]*)>', page)
    assert box and "checked" in box.group(1)
    assert "勾选时，“开头段”不填也按规定的表述生成" in page  # the page's words, not 写 false
    before = (folder / "report.yaml").read_text(encoding="utf-8")
    opening = load_data("duties.yaml")["opening"].replace("\n", "").replace(" ", "").format(leader="局党组书记、局长")
    assert opening[:20] in _edit(client)["preview"]
    out = _edit(client, {"op": "set", "path": key, "value": False})
    assert opening[:20] not in out["preview"]
    state = client.get("/api/state", params={"file": "report.yaml", "text": "1"}).json()
    assert "  default_opening: false\n" in state["text"]
    out = _edit(client, {"op": "set", "path": key, "value": True})
    assert opening[:20] in out["preview"]
    state = client.get("/api/state", params={"file": "report.yaml", "text": "1"}).json()
    assert state["text"] == before


def test_the_preview_names_the_face_each_font_is_drawn_in_where_this_machine_lacks_it(folder: Path) -> None:
    import time

    from authoring.fonts import installed_families
    from authoring.html import font_stack
    from authoring.write import resolve_layout

    client = _client(folder, folder / "report.yaml")
    wb = client.app.app.state.workbench  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while wb.families is None:
        assert time.monotonic() < deadline, "the machine's fonts were never read"
        time.sleep(0.05)
    families = {f.casefold() for f in installed_families()}
    fonts = _edit(client, {"op": "set", "path": path_key(("agency", "short_name")), "value": "市执法局"})["fonts"]
    layout = resolve_layout(None)
    assert [f["font"] for f in fonts] == [str(v) for k, v in layout["fonts"].items() if k != "latin"]
    assert fonts[0]["role"] == "正文"
    for f, role in zip(fonts, [k for k in layout["fonts"] if k != "latin"]):
        assert f["installed"] == (f["font"].casefold() in families)
        stack = [n.strip().strip('"') for n in font_stack(layout, role).split(",")]
        # the first face of the preview's own font list that this machine has
        assert f["shown"] == next((n for n in stack if n.casefold() in families), f["shown"])
    # A font this machine has, named in the report's layout, is drawn as itself.
    have = sorted(installed_families())[0]
    fonts = _edit(client, {"op": "set", "path": path_key(("layout", "fonts", "body")), "value": have})["fonts"]
    assert fonts[0] == {"role": "正文", "font": have, "installed": True, "shown": have}


@pytest.mark.parametrize("example", ["chuxiong-zhzf-2024.yaml", "jiulongpo-cgj-2023.yaml", "changzhou-cgj-2024.yaml"])
def test_every_field_of_the_form_is_named_in_chinese(tmp_path: Path, example: str) -> None:
    shutil.copy(ROOT / "examples" / example, tmp_path / "report.yaml")
    page = _client(tmp_path, tmp_path / "report.yaml").get("/edit?file=report.yaml").text
    form = page[page.index('id="form-pane"'):page.index('id="yaml-pane"')]
    names = re.findall(r'<label class="label"[^>]*>([^<]*)<', form)
    names += re.findall(r'<span class="group-title">([^<]*)<', form)
    names += re.findall(r'<h3 class="entries-title">([^<]*)<', form)
    names += [n.strip() for n in re.findall(r'<li data-value="[^"]*"><label><input type="checkbox"[^>]*>([^<]*)<', form)]
    assert len(names) > 50
    assert [n for n in names if re.fullmatch(r"[A-Za-z0-9_ ]+", n.strip())] == []
    # A font or heading left out shows what it stands for.
    assert 'placeholder="仿宋_GB2312"' in form and "不填时为“仿宋_GB2312”" in form


def test_a_figure_is_added_with_its_note_and_last_years_value_is_shown_for_a_draft(tmp_path: Path) -> None:
    runner = CliRunner()
    shutil.copy(CHUXIONG, tmp_path / "report-2024.yaml")
    assert runner.invoke(cli, ["init", "--from", str(tmp_path / "report-2024.yaml")]).exit_code == 0
    client = _client(tmp_path, tmp_path / "report-2025.yaml")
    page = client.get("/edit", params={"file": "report-2025.yaml"}).text
    assert '<td class="fig-last"><span title="2024年的数值">917</span></td>' in page
    out = _edit(client, {"op": "figure", "path": path_key(("figures",)), "name": "new_cases", "value": "12",
                         "comment": "新增案件（件）"}, file="report-2025.yaml")
    assert "new_cases" in out["form"]
    assert client.post("/api/save", json={"file": "report-2025.yaml"}).json()["ok"]
    text = (tmp_path / "report-2025.yaml").read_text(encoding="utf-8")
    assert "  new_cases: 12  # 新增案件（件）\n" in text
    assert "  licenses:  # 待填（2024年：917）" in text



def test_a_figure_added_without_a_name_gets_one(client: TestClient, folder: Path) -> None:
    # A clerk need not make up an English name: the first free figure_N, its 说明 as given.
    for n in (1, 2):
        out = _edit(client, {"op": "figure", "path": path_key(("figures",)), "name": "", "value": str(10 * n),
                             "comment": f"第{n}项数据（件）"})
        assert out["ok"] and f"figure_{n}" in out["form"]
    assert client.post("/api/save", json={"file": "report.yaml"}).json()["ok"]
    text = (folder / "report.yaml").read_text(encoding="utf-8")
    assert "  figure_1: 10  # 第1项数据（件）\n" in text and "  figure_2: 20  # 第2项数据（件）\n" in text


def test_saving_keeps_every_comment_and_the_hints_of_init_from(tmp_path: Path) -> None:
    shutil.copy(CHUXIONG, tmp_path / "report-2024.yaml")
    assert CliRunner().invoke(cli, ["init", "--from", str(tmp_path / "report-2024.yaml")]).exit_code == 0
    before = (tmp_path / "report-2025.yaml").read_text(encoding="utf-8")
    client = _client(tmp_path, tmp_path / "report-2025.yaml")
    _edit(client, {"op": "set", "path": path_key(("figures", "licenses")), "value": "950"},
          {"op": "set", "path": path_key(("achievements", 0, "items", 0, "text")), "value": "已全部落实。"},
          {"op": "move", "path": path_key(("plans", 2)), "index": 1}, file="report-2025.yaml")
    assert client.post("/api/save", json={"file": "report-2025.yaml"}).json()["ok"]
    after = (tmp_path / "report-2025.yaml").read_text(encoding="utf-8")
    comments = lambda t: sorted(ln.strip() for ln in t.splitlines() if ln.strip().startswith("#"))  # noqa: E731
    assert comments(after) == comments(before)
    assert "  licenses: 950  # 待填（2024年：917）" in after


def test_a_file_changed_on_disk_is_never_overwritten(client: TestClient, folder: Path) -> None:
    _edit(client, {"op": "set", "path": path_key(("year",)), "value": "2025"})
    theirs = (folder / "report.yaml").read_text(encoding="utf-8").replace("楚雄市综合行政执法局", "别人改的局", 1)
    (folder / "report.yaml").write_text(theirs, encoding="utf-8")
    assert client.get("/api/state", params={"file": "report.yaml"}).json()["changed_on_disk"] is True
    response = client.post("/api/save", json={"file": "report.yaml"})
    assert response.status_code == 409 and response.json()["conflict"] is True
    assert "没有保存" in response.json()["problems"][0]["message"]
    assert (folder / "report.yaml").read_text(encoding="utf-8") == theirs
    both = client.post("/api/keep-both", json={"file": "report.yaml"}).json()
    assert both["file"] == "report.网页修改-1.yaml"
    assert "year: 2025" in (folder / "report.网页修改-1.yaml").read_text(encoding="utf-8")
    assert (folder / "report.yaml").read_text(encoding="utf-8") == theirs


def test_reload_takes_the_file_from_disk(client: TestClient, folder: Path) -> None:
    _edit(client, {"op": "set", "path": path_key(("year",)), "value": "2025"})
    out = client.post("/api/reload", json={"file": "report.yaml"}).json()
    assert out["state"]["dirty"] is False and "year: 2024" in out["text"]


def test_unsaved_typing_survives_a_new_page_and_a_new_server(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import authoring.web.workspace as workspace

    client = _client(folder, folder / "report.yaml")
    _edit(client, {"op": "set", "path": path_key(("agency", "short_name")), "value": "市执法局"})
    wb = client.app.app.state.workbench  # type: ignore[attr-defined]
    wb.workspace.flush()  # what the server does when it stops (and, a moment after each edit, anyway)
    recovery = folder / ".report.yaml.未保存"
    assert json.loads(recovery.read_text(encoding="utf-8"))["text"].count("short_name: 市执法局") == 1
    # This run does not offer its own recovery file back (it still holds the text)…
    assert _client(folder, folder / "report.yaml").get("/api/state", params={"file": "report.yaml"}).json()["recovery"] is None
    monkeypatch.setattr(workspace, "_SESSION", "a later run of the server")  # …a later run does
    fresh = _client(folder, folder / "report.yaml")
    state = fresh.get("/api/state", params={"file": "report.yaml"}).json()
    assert state["recovery"] is not None and state["dirty"] is False
    out = fresh.post("/api/restore", json={"file": "report.yaml"}).json()
    assert "short_name: 市执法局" in out["text"] and out["state"]["dirty"] is True
    assert fresh.post("/api/save", json={"file": "report.yaml"}).json()["ok"]
    assert not recovery.exists()


def test_the_yaml_tab_takes_text_and_names_the_line_of_a_mistake(client: TestClient) -> None:
    text = CHUXIONG.read_text(encoding="utf-8").replace("year: 2024", "year: 2024\nyear: 2025", 1)
    out = client.post("/api/yaml", json={"file": "report.yaml", "text": text}).json()
    assert out["yaml_ok"] is False
    assert out["problems"][0]["line"] == 15 and "重复出现" in out["problems"][0]["message"]
    # the 起草 tab says why it has no fields, and where to mend the file
    assert "报告文件现在无法按表单显示" in out["form"] and "data-edit=" not in out["form"]
    fixed = client.post("/api/yaml", json={"file": "report.yaml", "text": CHUXIONG.read_text(encoding="utf-8")}).json()
    assert fixed["yaml_ok"] is True and fixed["errors"] == 0
    assert "无法按表单显示" not in fixed["form"] and 'data-edit="set"' in fixed["form"]


@pytest.mark.parametrize("typed", ["order: [[achievements], plans]", "order:\n    - - achievements"])
def test_a_list_typed_inside_a_list_of_choices_is_shown_as_written(client: TestClient, typed: str) -> None:
    # A slip of indentation in the YAML tab puts a list where a choice goes: the form shows the
    # field as written, with the way to the YAML tab, and the validator says what is wrong.
    text = CHUXIONG.read_text(encoding="utf-8").replace(
        "  order: [achievements, first_responsible, shortcomings, plans]", "  " + typed, 1)
    response = client.post("/api/yaml", json={"file": "report.yaml", "text": text})
    assert response.status_code == 200, response.text
    out = response.json()
    from markupsafe import escape

    key = escape(path_key(("layout", "order")))
    assert f'<div class="field raw-field" data-path="{key}">' in out["form"]
    assert f'data-goto-yaml="{key}">在“YAML”页中修改</button>' in out["form"]
    assert [p["where"] for p in out["problems"] if p["severity"] == "error"][:1] == ["版式 › 部分顺序"]


# -- delivering --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind,suffix", [("docx", ".docx"), ("html", ".html")])
def test_the_files_are_the_same_bytes_authoring_render_writes(client: TestClient, folder: Path, kind: str, suffix: str,
                                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    out = client.post("/api/deliver", json={"file": "report.yaml", "kind": kind}).json()
    assert out["ok"] and out["file"] == "report" + suffix
    downloaded = client.get("/download", params={"file": "report" + suffix}).content
    elsewhere = tmp_path_factory.mktemp("cli")
    shutil.copy(folder / "report.yaml", elsewhere / "report.yaml")
    assert CliRunner().invoke(cli, ["render", str(elsewhere / "report.yaml"), "-o", str(elsewhere / ("report" + suffix))]).exit_code == 0
    assert downloaded == (elsewhere / ("report" + suffix)).read_bytes()
    text = client.post("/api/deliver", json={"file": "report.yaml", "kind": "txt"}).json()
    assert text["ok"] and (folder / "report.txt").read_text(encoding="utf-8").startswith("楚雄市综合行政执法局关于2024年度")


def test_the_overwrite_guard_applies_as_on_the_command_line(client: TestClient, folder: Path) -> None:
    (folder / "report.docx").write_bytes(b"a Word file the clerk edited")
    response = client.post("/api/deliver", json={"file": "report.yaml", "kind": "docx"})
    assert response.status_code == 409 and response.json()["guarded"] is True
    message = response.json()["problems"][0]["message"]
    # the command line's reason, with the page's choices instead of its -o and --force
    assert message == ("report.docx：该文件已存在且不是本工具生成的，为免丢失内容，没有覆盖。可以覆盖它（原文件先备份为 "
                       "report.bak-1.docx），或把这次生成的另存为 report-2.docx，两份都保留。")
    assert response.json()["as_new"] == "report-2.docx"
    assert (folder / "report.docx").read_bytes() == b"a Word file the clerk edited"
    kept = client.post("/api/deliver", json={"file": "report.yaml", "kind": "docx", "as_new": True}).json()
    assert kept["ok"] and kept["file"] == "report-2.docx"
    assert (folder / "report-2.docx").read_bytes()[:2] == b"PK"
    assert (folder / "report.docx").read_bytes() == b"a Word file the clerk edited"
    forced = client.post("/api/deliver", json={"file": "report.yaml", "kind": "docx", "force": True}).json()
    assert forced["ok"] and forced["backup"] == "report.bak-1.docx"
    assert (folder / "report.bak-1.docx").read_bytes() == b"a Word file the clerk edited"


def test_a_report_with_errors_is_not_delivered(client: TestClient, folder: Path) -> None:
    _edit(client, {"op": "set", "path": path_key(("year",)), "value": "二〇二四"})
    response = client.post("/api/deliver", json={"file": "report.yaml", "kind": "docx"})
    assert response.status_code == 400
    assert "年度" in response.json()["problems"][0]["text"]
    assert not (folder / "report.docx").exists()


# -- the start page ---------------------------------------------------------------------------


def test_a_new_report_is_created_and_never_over_an_existing_one(folder: Path) -> None:
    client = _client(folder)
    out = client.post("/api/new", json={"agency": "某市城市管理局", "year": 2025, "name": "report-2025.yaml"}).json()
    assert out["url"] == "/edit?file=report-2025.yaml"
    assert "name: 某市城市管理局" in (folder / "report-2025.yaml").read_text(encoding="utf-8")
    again = client.post("/api/new", json={"agency": "别的局", "year": 2025, "name": "report-2025.yaml"})
    assert again.status_code == 400 and "已有同名的文件" in again.text
    assert "report-2025.yaml" in client.get("/").text


# -- 检查, 导入, 下一年度 ---------------------------------------------------------------------

CORPUS = Path("/work/shared/corpus")


def _upload(client: TestClient, url: str, path: Path, name: str = "") -> Any:
    from urllib.parse import quote

    return client.post(url, content=path.read_bytes(), headers={"x-filename": quote(name or path.name)})


def test_a_dropped_report_gets_the_findings_of_authoring_check(client: TestClient, folder: Path) -> None:
    from authoring.main import check_path

    response = _upload(client, "/api/check?batch=b1", folder / "report.yaml")
    row = response.json()["report"]
    expected = check_path(folder / "report.yaml")
    assert [f["message"] for f in row["findings"]] == [f.message for f in expected.findings]
    assert row["marks"] == {"achievements": "✓", "first_responsible": "✓", "shortcomings": "✓", "plans": "✓"}
    assert [p["label"] for p in row["parts"]][:2] == ["主要举措和成效", "第一责任人"]
    text = CORPUS / "changzhou-cgj-2024.txt"
    if text.exists():  # a text report's parts and findings are placed by line, as the command places them
        row = _upload(client, "/api/check?batch=b1", text).json()["report"]
        assert all(p["place"].startswith("第 ") and p["place"].endswith(" 行") for p in row["parts"])


def test_many_reports_one_row_each_and_the_summary_is_the_command_lines(client: TestClient, folder: Path,
                                                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    import openpyxl

    tmp_path = tmp_path_factory.mktemp("cli")
    files = [folder / "report.yaml"] + sorted(CORPUS.glob("*.txt"))[:2]
    for f in files:
        assert _upload(client, "/api/check?batch=b2", f).status_code == 200
    csv = client.get("/api/check/summary", params={"batch": "b2", "format": "csv"})
    assert csv.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    # What `authoring check -o 汇总.csv` writes for the same files, named as they were uploaded.
    for f in files:
        shutil.copy(f, tmp_path / f.name)
    assert CliRunner().invoke(cli, ["check", *[str(tmp_path / f.name) for f in files], "-o", str(tmp_path / "汇总.csv")]).exit_code in (0, 1)
    expected = (tmp_path / "汇总.csv").read_bytes().decode("utf-8-sig")
    assert csv.content.decode("utf-8-sig") == expected.replace(str(tmp_path) + "/", "")
    xlsx = client.get("/api/check/summary", params={"batch": "b2", "format": "xlsx"})
    (tmp_path / "page.xlsx").write_bytes(xlsx.content)
    sheet = openpyxl.load_workbook(tmp_path / "page.xlsx").worksheets[0]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert len([r for r in rows if r and r[0] in {f.name for f in files}]) == len(files)


def test_a_file_no_reader_takes_is_a_row_that_says_why(client: TestClient, tmp_path: Path) -> None:
    (tmp_path / "旧报告.doc").write_bytes(b"\xd0\xcf\x11\xe0 old Word")
    row = _upload(client, "/api/check?batch=b3", tmp_path / "旧报告.doc").json()["report"]
    assert row["unreadable"] is True
    assert "另存为" in row["findings"][0]["message"]


def test_a_word_upload_has_the_command_lines_zip_bomb_limit(client: TestClient, tmp_path: Path) -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<" + b"a" * (5 * 1024 * 1024))
    (tmp_path / "bomb.docx").write_bytes(buf.getvalue())
    row = _upload(client, "/api/check?batch=b4", tmp_path / "bomb.docx").json()["report"]
    assert row["unreadable"] is True and "压缩炸弹" in row["findings"][0]["message"]


@pytest.mark.skipif(not (CORPUS / "jiulongpo-cgj-2023.txt").exists(), reason="the shared corpus is not here")
def test_last_years_report_is_imported_into_a_new_yaml(folder: Path) -> None:
    client = _client(folder)
    out = _upload(client, "/api/import?figures=1", CORPUS / "jiulongpo-cgj-2023.txt").json()
    assert out["file"] == "jiulongpo-cgj-2023.yaml"
    text = (folder / "jiulongpo-cgj-2023.yaml").read_text(encoding="utf-8")
    from authoring.main import import_report

    assert text == import_report(CORPUS / "jiulongpo-cgj-2023.txt", figures=True,
                                 output=str(folder / "jiulongpo-cgj-2023.yaml")).yaml_text
    page = client.get(out["url"]).text
    assert "导入说明" in page and "找到 主要举措和成效" in page
    again = _upload(client, "/api/import?figures=1", CORPUS / "jiulongpo-cgj-2023.txt").json()
    assert again["file"] == "jiulongpo-cgj-2023-2.yaml"


def test_next_years_draft_is_what_init_from_writes_and_shows_last_years_plans(client: TestClient, folder: Path) -> None:
    out = client.post("/api/next-year", json={"file": "report.yaml"}).json()
    assert out["file"] == "report-2025.yaml"
    shutil.copy(folder / "report.yaml", folder / "cli.yaml")
    from authoring.main import init_from

    expected = init_from(folder / "report.yaml", output=str(folder / "report-2025.yaml")).yaml_text
    assert (folder / "report-2025.yaml").read_text(encoding="utf-8") == expected
    page = client.get(out["url"]).text
    assert "起草下一年度" in page and "已更新：年度 2024 → 2025" in page
    update = _edit(client, {"op": "set", "path": path_key(("achievements", 0, "items", 0, "text")),
                            "value": "全面落实党建引领，法治建设列入党组重要议事日程，专题研究4次。"}, file="report-2025.yaml")
    plans = update["checklist"]
    assert len(plans) == 5 and plans[0]["plan"] == "坚持党建引领，大力推进法治政府建设"
    assert plans[0]["status"] == "matched" and plans[0]["anchor"] == path_key(("achievements", 0, "items", 0))
    assert all(p["status"] == "to_fill" for p in plans[1:])
    again = client.post("/api/next-year", json={"file": "report.yaml"})
    assert again.status_code == 409 and "已有 report-2025.yaml" in again.text


# -- the command ------------------------------------------------------------------------------


def _serve(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> tuple[Any, list[Any]]:
    import authoring.web.server as server

    started: list[Any] = []

    def fake_run(config: Any, *, open_browser: bool = True, on_ready: Any = None) -> None:
        started.append((config, open_browser))
        on_ready(server.url_of(config))

    monkeypatch.setattr(server, "run", fake_run)
    return CliRunner().invoke(cli, ["serve", *args]), started


def test_serve_prints_the_address_with_its_secret_and_binds_to_this_machine(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    result, started = _serve(monkeypatch, [str(folder / "report.yaml"), "--no-browser", "--port", "18999"])
    assert result.exit_code == 0, result.output
    config, open_browser = started[0]
    assert config.host == "127.0.0.1" and open_browser is False
    assert f"工作台已启动：http://127.0.0.1:18999/?token={config.token}\n" in result.output
    assert config.folders.roots == [folder.resolve()]
    assert "警告" not in result.output


def test_serve_on_another_address_only_with_the_flag_and_a_warning(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    result, started = _serve(monkeypatch, [str(folder / "report.yaml"), "--host", "0.0.0.0", "--port", "18999"])
    assert result.exit_code == 0, result.output
    assert started[0][0].host == "0.0.0.0"
    assert "警告：工作台监听 0.0.0.0，同一网络中的其他电脑也能连接（仍需要地址中的口令）。" in result.output


def test_serve_creates_the_report_when_it_is_absent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result, started = _serve(monkeypatch, [str(tmp_path / "report-2025.yaml"), "--no-browser", "--port", "18999"])
    assert result.exit_code == 0, result.output
    assert f"已新建 {(tmp_path / 'report-2025.yaml').resolve()}（2025 年度的空白报告）" in result.output
    text = (tmp_path / "report-2025.yaml").read_text(encoding="utf-8")
    assert "year: 2025" in text and "name: 【待填】" in text


def test_serve_without_a_report_opens_the_start_page_on_the_current_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    result, started = _serve(monkeypatch, ["--no-browser", "--port", "18999"])
    assert result.exit_code == 0
    assert started[0][0].report is None and started[0][0].folders.roots == [tmp_path.resolve()]


def test_serve_refuses_a_port_in_use(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result, started = _serve(monkeypatch, [str(folder / "report.yaml"), "--port", str(port)])
    assert result.exit_code == 1 and started == []
    assert f"端口 {port} 已被占用" in result.output


@pytest.mark.skipif(not (CORPUS / "changzhou-cgj-2024.txt").exists(), reason="the shared corpus is not here")
def test_a_report_named_by_its_path_in_the_folder_is_imported_and_one_outside_refused(folder: Path) -> None:
    shutil.copy(CORPUS / "changzhou-cgj-2024.txt", folder / "去年的报告.txt")
    client = _client(folder)
    out = client.post("/api/import", params={"path": "去年的报告.txt", "figures": "1"}, json={}).json()
    assert out["ok"] and out["file"] == "去年的报告.yaml"
    refused = client.post("/api/import", params={"path": str(CORPUS / "changzhou-cgj-2024.txt")}, json={})
    assert refused.status_code == 400 and "只能打开和保存" in refused.text


def test_a_blank_report_is_filled_in_the_form_until_authoring_validate_passes(tmp_path: Path) -> None:
    client = _client(tmp_path)
    assert client.post("/api/new", json={"agency": "某市城市管理局", "year": 2025, "name": "r.yaml"}).json()["ok"]
    blank = _edit(client, file="r.yaml")
    # The blank report is shown as pages at once: a draft, 【待填】 where text is due.
    assert "某市城市管理局关于2025年度法治政府建设情况的报告" in re.sub(r"<[^>]+>|\s", "", blank["preview"])
    assert "【待填】" in blank["preview"]
    first = _edit(client, {"op": "heading", "path": path_key(("shortcomings", 0))}, file="r.yaml")
    assert client.post("/api/save", json={"file": "r.yaml"}).json()["ok"]
    # Every field still to write, as validate lists them.
    now = CliRunner().invoke(cli, ["validate", str(tmp_path / "r.yaml")])
    errors = [ln for ln in now.output.splitlines() if ln.startswith(str(tmp_path)) and not ("警告：" in ln or "提示：" in ln)]
    assert first["errors"] == len(errors) > 5
    values = {("achievements", 0, "heading"): "标题一", ("achievements", 0, "items", 0, "heading"): "分项",
              ("achievements", 0, "items", 0, "text"): "正文", ("first_responsible", "leader"): "局长",
              ("first_responsible", "duties", 0, "heading"): "带头学法", ("first_responsible", "duties", 0, "text"): "内容",
              ("shortcomings", 0, "heading"): "不足", ("shortcomings", 0, "text"): "不足的内容",
              ("plans", 0, "heading"): "安排", ("plans", 0, "text"): "安排的内容", ("signature", "date"): "2026-02-20",
              ("title",): "不存在的路径之后的编辑照样生效"}
    edits = [{"op": "set", "path": path_key(p), "value": v} for p, v in values.items()]
    edits.insert(3, {"op": "set", "path": path_key(("shortcomings", 5, "text")), "value": "没有这一项"})
    out = client.post("/api/edit", json={"file": "r.yaml", "edits": edits}).json()
    assert out["ok"] is False and "没有这一项" in out["refused"][0]["message"]
    assert out["errors"] == 0
    assert client.post("/api/save", json={"file": "r.yaml"}).json()["ok"]
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "r.yaml")])
    assert result.exit_code == 0 and "校验通过，没有错误" in result.output
    # What is left are warnings (the 第一责任人 facts still to fill), the command line's own.
    assert [p["text"] for p in out["problems"]] == [ln for ln in result.output.splitlines()
                                                    if ln.startswith(str(tmp_path)) and ("警告：" in ln or "提示：" in ln)]


def test_the_pdf_where_libreoffice_is_installed(client: TestClient, folder: Path) -> None:
    import os
    import subprocess

    from authoring.pdf import find_soffice

    if find_soffice() is None:
        if os.environ.get("AUTHORING_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required (AUTHORING_REQUIRE_LIBREOFFICE) but not found")
        assert 'data-deliver="pdf" disabled' in client.get("/edit", params={"file": "report.yaml"}).text
        pytest.skip("LibreOffice is not installed: the PDF button is disabled, with the reason")
    out = client.post("/api/deliver", json={"file": "report.yaml", "kind": "pdf"}).json()
    assert out["ok"] and out["file"] == "report.pdf"
    text = subprocess.run(["pdftotext", str(folder / "report.pdf"), "-"], capture_output=True, text=True).stdout
    assert "楚雄市综合行政执法局关于" in text and "—2—" in text.replace(" ", "")
