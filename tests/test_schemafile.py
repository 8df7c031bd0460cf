"""The `$schema` line stays valid when the YAML is moved, and is repaired in one command when
it was e-mailed from another PC (only that line changes)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from click.testing import CliRunner

from authoring.cli import cli
from authoring.schemafile import broken_schema_line, schema_target, user_schema_path, with_schema_line

ROOT = Path(__file__).resolve().parent.parent


def test_init_points_at_the_installed_schema_and_moving_the_yaml_keeps_it(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "用户 文件夹"
    monkeypatch.setenv("AUTHORING_SCHEMA_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init", "--agency", "某局", "--year", "2025", "-o", "report.yaml"])
    assert result.exit_code == 0, result.output
    first = (tmp_path / "report.yaml").read_text(encoding="utf-8").splitlines()[0]
    installed = home / "report.schema.json"
    assert first == f"# yaml-language-server: $schema={installed.resolve().as_uri()}"
    assert "%20" in first  # the space is encoded: the line is a valid URI
    assert json.loads(installed.read_text(encoding="utf-8")) == json.loads(
        (ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    moved = tmp_path / "别处" / "深一层"
    moved.mkdir(parents=True)
    (tmp_path / "report.yaml").rename(moved / "report.yaml")
    assert broken_schema_line((moved / "report.yaml").read_bytes(), moved / "report.yaml") is None


def test_an_emailed_yaml_is_pointed_at_this_pcs_schema_in_one_command(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("AUTHORING_SCHEMA_HOME", str(tmp_path / "mine"))
    theirs = "file:///C:/Users/%E5%BC%A0%E4%B8%89/AppData/Roaming/authoring/report.schema.json"
    body = "agency:\r\n  name: 某局\r\nyear: 2024\r\n# 张三的批注\r\n".encode("gbk")
    received = tmp_path / "收到的 report.yaml"
    received.write_bytes(f"# yaml-language-server: $schema={theirs}\r\n".encode("ascii") + body)
    runner = CliRunner()
    validated = runner.invoke(cli, ["validate", str(received)])
    assert (f"{received}:1: 提示：第一行的 $schema 指向的文件在本机不存在（{theirs}），编辑器无法按格式提示；"
            f"运行 authoring schema --install {received} 改为本机的位置") in validated.output.splitlines()
    fixed = runner.invoke(cli, ["schema", "--install", str(received)])
    assert fixed.exit_code == 0
    installed = (tmp_path / "mine" / "report.schema.json").resolve()
    assert fixed.output.splitlines() == [f"已安装 JSON Schema：{tmp_path / 'mine' / 'report.schema.json'}",
                                         f"已更新 {received} 第一行的 $schema"]
    raw = received.read_bytes()
    assert raw == f"# yaml-language-server: $schema={installed.as_uri()}\r\n".encode("ascii") + body
    assert "$schema" not in runner.invoke(cli, ["validate", str(received)]).output  # (its other notes are the content's)


def test_a_yaml_without_the_line_gets_one_and_keeps_its_bom_and_encoding() -> None:
    assert with_schema_line(b"\xef\xbb\xbfyear: 2024\n", "file:///s.json") == \
        b"\xef\xbb\xbf# yaml-language-server: $schema=file:///s.json\nyear: 2024\n"
    utf16 = "year: 2024\r\n# 注释\r\n".encode("utf-16")
    assert with_schema_line(utf16, "file:///s.json").decode("utf-16") == \
        "# yaml-language-server: $schema=file:///s.json\r\nyear: 2024\r\n# 注释\r\n"


def test_where_the_schema_lives_on_each_system(monkeypatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert user_schema_path({"APPDATA": r"C:\Users\张三\AppData\Roaming"}) == \
        Path(r"C:\Users\张三\AppData\Roaming") / "authoring" / "report.schema.json"
    monkeypatch.setattr(sys, "platform", "linux")
    assert user_schema_path({"HOME": "/home/z"}) == Path("/home/z/.local/share/authoring/report.schema.json")
    assert user_schema_path({"HOME": "/home/z", "XDG_DATA_HOME": "/x"}) == Path("/x/authoring/report.schema.json")


def test_schema_values_name_local_files(tmp_path: Path) -> None:
    here = tmp_path / "r.yaml"
    assert schema_target("file:///C:/Users/a/report.schema.json", here) == Path("C:/Users/a/report.schema.json")
    assert schema_target("../schemas/report.schema.json", here) == tmp_path / ".." / "schemas" / "report.schema.json"
    assert schema_target("https://example.org/s.json", here) is None
    assert os.path.isabs(str(schema_target("/abs/s.json", here)))
