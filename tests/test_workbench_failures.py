"""The workbench when something goes wrong under it: a failure no handler foresaw, a worker
process that dies, a full disk, a file removed while the page had it, a damaged upload. Each is
provoked for real (a damaged installation, a killed process, a full file system, a removed file,
the damaged files of tests/bad_inputs); what is checked is what the clerk gets: a Chinese message
that says what to do, the server still serving, and nothing typed lost."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pytest

from authoring.web.form import path_key
from workbenchclient import TOKEN, TestClient, workbench_client  # test helper beside this file

ROOT = Path(__file__).resolve().parents[1]
CHUXIONG = ROOT / "examples" / "chuxiong-zhzf-2024.yaml"


_client = workbench_client


def _workbench(client: TestClient) -> Any:
    return client.app.app.state.workbench  # type: ignore[attr-defined]


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(CHUXIONG, tmp_path / "report.yaml")
    monkeypatch.chdir(tmp_path)  # where `authoring serve` runs, and where a report of a failure goes
    return tmp_path


def _damage_the_installation(client: TestClient, tmp_path: Path) -> Any:
    """The page templates gone from the installation (a half-finished update, an antivirus that
    quarantined them): every answer that renders the form fails in a way no handler foresaw."""
    from jinja2 import FileSystemLoader

    wb = _workbench(client)
    kept = wb.env.loader
    (tmp_path / "empty").mkdir()
    wb.env.loader = FileSystemLoader(str(tmp_path / "empty"))
    wb.env.cache.clear()
    return kept


def test_a_failure_nobody_foresaw_is_said_in_chinese_and_the_server_goes_on(folder: Path, capfd: pytest.CaptureFixture[str]) -> None:
    told: list[str] = []
    client = _client(folder, folder / "report.yaml", on_error=told.append)
    kept = _damage_the_installation(client, folder)
    edit = {"op": "insert", "path": path_key(("plans",)), "kind": "entry"}
    for _ in range(2):  # the same failure twice: one report of it
        response = client.post("/api/edit", json={"file": "report.yaml", "edits": [edit], "form": True})
        assert response.status_code == 500 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["ok"] is False and body["internal"] is True
    message = body["problems"][0]["message"]
    reports = sorted(folder.glob("authoring-错误报告-*.txt"))
    assert len(reports) == 1
    assert message.startswith("工作台遇到了意外的内部错误（TemplateNotFound），这次操作没有完成；工作台仍在运行。")
    assert message.endswith(f"详细信息已写入 {reports[0]}；请把这个文件发送给维护者。")
    details = reports[0].read_text(encoding="utf-8")
    assert "Traceback" in details and "TemplateNotFound" in details and "/api/edit" in details
    assert TOKEN not in details
    assert told == [message, message]  # authoring serve prints it in its window
    # An address opened in the browser gets a page that says the same.
    page = client.get("/edit", params={"file": "report.yaml"})
    assert page.status_code == 500 and "打开这个页面时，工作台遇到了意外的内部错误（TemplateNotFound）；工作台仍在运行。" \
        "报告文件和暂存的修改都没有改动" in page.text and ">返回首页</a>" in page.text
    assert told[-1] in page.text.replace("</p><p>", "\n")
    assert "Traceback" not in capfd.readouterr().err
    # The server goes on, and what the clerk did is not lost: both entries are in the text it
    # holds, and in the recovery file a new run would offer back.
    _workbench(client).env.loader = kept
    state = client.get("/api/state", params={"file": "report.yaml", "text": "1"}).json()
    assert state["dirty"] is True and state["text"].count("【待填】") >= 2
    _workbench(client).workspace.flush()
    recovery = json.loads((folder / ".report.yaml.未保存").read_text(encoding="utf-8"))
    assert recovery["text"] == state["text"]
    assert client.post("/api/save", json={"file": "report.yaml"}).json()["ok"]


def test_a_checking_process_that_died_is_replaced(folder: Path) -> None:
    import multiprocessing

    client = _client(folder)
    raw = (folder / "report.yaml").read_bytes()
    first = client.post("/api/check?batch=b", content=raw, headers={"x-filename": "report.yaml"})
    assert first.json()["ok"]
    workers = multiprocessing.active_children()
    assert workers
    for worker in workers:  # as the system does to a process that took too much memory
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(10)
    again = client.post("/api/check?batch=b", content=raw, headers={"x-filename": quote("报告.yaml")})
    assert again.status_code == 200, again.text
    assert again.json()["report"]["findings"] == first.json()["report"]["findings"]
    _workbench(client).close()


# A file system of 512 KB of its own: filled, it fails every write as a full disk does (ENOSPC).
def _mount_small_disk(where: Path) -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(where)], capture_output=True)
    return done.returncode == 0


@pytest.fixture()
def small_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    disk = tmp_path / "disk"
    if not _mount_small_disk(disk):
        pytest.skip("a full disk is made with a small tmpfs: needs Linux and root (CI runs as root)")
    monkeypatch.chdir(tmp_path)
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def test_a_full_disk_loses_no_typing_and_says_what_to_do(small_disk: Path) -> None:
    shutil.copy(CHUXIONG, small_disk / "report.yaml")
    before = (small_disk / "report.yaml").read_bytes()
    client = _client(small_disk, small_disk / "report.yaml")
    filler = _fill(small_disk)
    out = client.post("/api/edit", json={"file": "report.yaml", "edits": [
        {"op": "set", "path": path_key(("agency", "short_name")), "value": "磁盘满时输入的简称"}]})
    assert out.status_code == 200 and out.json()["state"]["dirty"] is True
    _workbench(client).workspace.flush()  # the recovery file, as a moment after the edit
    state = client.get("/api/state", params={"file": "report.yaml"}).json()
    assert state["unkept"] == "磁盘空间不足"  # the page: 有未保存的修改（未能暂存：磁盘空间不足。…请先保存）
    saved = client.post("/api/save", json={"file": "report.yaml"})
    assert saved.status_code == 500 and saved.json()["ok"] is False
    said = [p["message"] for p in saved.json()["problems"]]
    assert said[0].startswith("磁盘空间不足，文件未写入（原有文件未改动）")
    assert said[1].startswith("本页的修改都还在工作台中，没有丢失：排除上面的问题后再点“保存”")
    assert saved.json()["problems"][1]["text"].startswith(f"{small_disk / 'report.yaml'}: 提示：本页的修改")
    assert (small_disk / "report.yaml").read_bytes() == before
    # The clerk makes room; the server has kept the typing all along.
    filler.unlink()
    assert client.post("/api/save", json={"file": "report.yaml"}).json()["ok"]
    assert "  short_name: 磁盘满时输入的简称" in (small_disk / "report.yaml").read_text(encoding="utf-8")
    assert client.get("/api/state", params={"file": "report.yaml"}).json()["unkept"] is None


def test_a_report_removed_after_the_list_was_shown_is_said_when_opened(folder: Path) -> None:
    client = _client(folder)
    assert "report.yaml" in client.get("/").text
    (folder / "report.yaml").unlink()
    page = client.get("/edit", params={"file": "report.yaml"})
    assert page.status_code == 200 and "无法打开" in page.text and "找不到这个文件；它可能已被移走或删除" in page.text
    state = client.get("/api/state", params={"file": "report.yaml"})
    assert state.status_code == 400 and "找不到这个文件" in state.json()["problems"][0]["message"]
    assert "report.yaml" not in client.get("/").text


def test_a_report_removed_while_open_keeps_the_pages_changes(folder: Path) -> None:
    client = _client(folder, folder / "report.yaml")
    client.post("/api/edit", json={"file": "report.yaml", "edits": [
        {"op": "set", "path": path_key(("agency", "short_name")), "value": "删除前输入"}]})
    (folder / "report.yaml").unlink()
    assert client.get("/api/state", params={"file": "report.yaml"}).json()["changed_on_disk"] is True
    saved = client.post("/api/save", json={"file": "report.yaml"})
    assert saved.status_code == 409 and saved.json()["conflict"] is True
    reloaded = client.post("/api/reload", json={"file": "report.yaml"})
    assert reloaded.status_code == 400 and "找不到这个文件" in reloaded.json()["problems"][0]["message"]
    both = client.post("/api/keep-both", json={"file": "report.yaml"}).json()
    assert both["ok"] and "  short_name: 删除前输入" in (folder / both["file"]).read_text(encoding="utf-8")


DAMAGED = sorted(p for p in (ROOT / "tests" / "bad_inputs").glob("doc_*") if p.suffix in (".docx", ".txt", ".pdf"))


@pytest.mark.parametrize("damaged", DAMAGED, ids=[p.name for p in DAMAGED])
def test_a_damaged_upload_is_refused_or_read_in_chinese(folder: Path, damaged: Path) -> None:
    client = _client(folder)
    headers = {"x-filename": quote(damaged.name)}
    imported = client.post("/api/import", content=damaged.read_bytes(), headers=headers)
    assert imported.status_code in (200, 400), imported.text
    if imported.status_code == 400:
        message = imported.json()["problems"][0]["message"]
        assert message and not message.isascii()
    checked = client.post("/api/check?batch=d", content=damaged.read_bytes(), headers=headers)
    assert checked.status_code == 200 and checked.json()["ok"], checked.text
    assert not list(folder.glob("authoring-错误报告-*"))
    _workbench(client).close()


def _sockets(pid: int | str, skip: tuple[str, ...] = ()) -> set[str]:
    """The sockets a process holds open (Linux: /proc/<pid>/fd)."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        if fd.name in skip:
            continue
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:"):
            found.add(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads the open files of a process from /proc (Linux)")
def test_the_checking_process_holds_none_of_the_servers_connections(tmp_path: Path) -> None:
    # A worker forked from the server held a copy of the connection of the upload that started
    # it: when the server closed that connection (idle for 5 s), it stayed open, and the
    # browser's next page, sent on it, never came back.
    import http.client
    import multiprocessing

    from authoring.web.server import Background

    shutil.copy(CHUXIONG, tmp_path / "report.yaml")
    served = Background(tmp_path)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60)
        connection.request("POST", "/api/check?batch=s", body=(tmp_path / "report.yaml").read_bytes(),
                           headers={"x-filename": "report.yaml", "x-authoring-token": served.config.token})
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["ok"]
        workers = multiprocessing.active_children()
        assert workers
        ours = _sockets("self")
        assert ours  # the server's listening socket and the connection above
        for worker in workers:
            assert _sockets(worker.pid, skip=("0", "1", "2")) & ours == set()
        connection.close()
    finally:
        served.stop()


def test_the_workbench_says_where_the_details_are_or_that_none_could_be_written(tmp_path: Path) -> None:
    from authoring.web.messages import internal_message

    report = tmp_path / "authoring-错误报告.txt"
    assert internal_message(MemoryError(), report, page=True).splitlines() == [
        "打开这个页面时，工作台遇到了意外的内部错误（MemoryError）；工作台仍在运行。"
        "报告文件和暂存的修改都没有改动：请点“重新打开本页”再试，或返回首页打开其他报告。",
        "内存不足：输入的文件可能过大，请关闭其他程序后再试，或把文件拆小。",
        f"详细信息已写入 {report}；请把这个文件发送给维护者。",
    ]
    assert internal_message(ValueError("x"), None).splitlines() == [
        "工作台遇到了意外的内部错误（ValueError），这次操作没有完成；工作台仍在运行。"
        "本页中输入的内容还在页面上，可以继续编辑后保存；不放心的话，先把刚输入的内容复制出来。",
        "详细信息无法写入文件（当前文件夹和临时文件夹都不可写）；请把本消息和刚才的操作告诉维护者。",
    ]
