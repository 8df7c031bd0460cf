"""The README's first-screen commands do what the README says they do.

The install part is CI's job (it runs the test command on a fresh machine); here the `authoring`
part of each command runs as written, from a folder laid out like a fresh clone, so that a change
to the examples or to render's rules can never leave the README's main command failing.
"""
from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from authoring.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command(marker: str) -> str:
    """The shell line in the code block after `<!-- marker -->`."""
    found = re.search(rf"<!-- {marker} -->\s*```\s*\n(.+?)\n```", README, re.S)
    assert found, f"README.md has no code block after <!-- {marker} -->"
    return found.group(1).strip()


def _authoring_args(line: str) -> list[str]:
    """The arguments of the `authoring` command at the end of a `a && b && .venv/bin/authoring …` line."""
    last = line.split("&&")[-1].strip()
    words = shlex.split(last)
    assert Path(words[0]).name == "authoring", last
    return words[1:]


@pytest.fixture()
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with the shipped examples where a fresh clone has them."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_main_command_writes_the_word_report(clone: Path) -> None:
    args = _authoring_args(_command("readme-main-command"))
    assert args[0] == "render"
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    out = clone / args[args.index("-o") + 1]
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    # The four parts a clerk submits, and the 第一责任人 language the README promises.
    for heading in ("主要举措和成效", "第一责任人职责", "存在的不足和原因", "主要安排"):
        assert heading in text, heading
    assert "第一责任人" in text


def test_the_serve_command_opens_a_report_that_exists_and_validates(clone: Path) -> None:
    args = _authoring_args(_command("readme-serve-command"))
    assert args[0] == "serve"
    reports = [a for a in args[1:] if a.endswith(".yaml")]
    assert reports, args
    for report in reports:
        assert (clone / report).is_file(), report
        result = CliRunner().invoke(cli, ["validate", report])
        assert result.exit_code == 0, result.output


def test_the_test_command_installs_the_test_extra_and_runs_pytest() -> None:
    line = _command("readme-test-command")
    assert '".[test]"' in line and "pytest" in line, line
