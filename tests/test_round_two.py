"""Issue 16 ("Hold up, round two"): every finding reproduced through what a clerk runs.

Each test names its finding as 16.<class>.<n> (the classes of the issue; docs/guarantees.md maps
the numbers). A finding not fixed yet is a strict xfail: the day its fix lands the test passes,
strict turns that into a failure, and the marker is removed with the fix.

Commands that could hang or run for minutes before their fix run in a subprocess with a timeout,
so that an unfixed finding fails in seconds instead of stalling the suite.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any, Callable, Optional

import pytest
from click.testing import CliRunner

from authoring.cli import cli

CASES = Path(__file__).parent / "bad_inputs"
REPORT = (CASES / "encoding_utf8_bom.yaml").read_bytes()[3:].decode("utf-8")  # a valid report
ROOT = Path(__file__).resolve().parent.parent

# English prose in a message (two English words in a row), as in "Permission denied".
_ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}")


def xfail(finding: str) -> Any:
    """A finding not fixed yet."""
    return pytest.mark.xfail(strict=True, reason=f"issue 16, finding {finding}")


def run(args: list[str], **kwargs: Any) -> Any:
    """The CLI in-process, as a clerk would type it."""
    return CliRunner().invoke(cli, [str(a) for a in args], **kwargs)


def assert_clean(result: Any) -> None:
    """No traceback, no exception but the CLI's own exit, no English prose."""
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert not _ENGLISH.findall(re.sub(r"authoring \w+[^；\n]*", "", result.output)), result.output


def run_bounded(args: list[str], cwd: Path, timeout: float = 10.0, env: Optional[dict[str, str]] = None,
                prelude: str = "") -> tuple[int, str, float]:
    """`authoring ARGS` in a fresh process: exit code, output and seconds. A run past `timeout`
    is killed and fails the test (a command that hangs must not stall the suite)."""
    code = prelude + "\nimport sys\nsys.argv = ['authoring'] + sys.argv[1:]\nfrom authoring.__main__ import main\nmain()\n"
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=cwd, capture_output=True,
                              text=True, timeout=timeout, env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        pytest.fail(f"authoring {' '.join(map(str, args))} ran past {timeout} s")
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


@pytest.fixture()
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding a valid report r.yaml, made the current folder."""
    (tmp_path / "r.yaml").write_text(REPORT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def report_text(**replace: str) -> str:
    """The valid report with some of its lines replaced (old line → new text)."""
    text = REPORT
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def blocks_of(path: Path) -> list[Any]:
    """The blocks a report YAML renders to (after validation, as render does)."""
    from authoring.main import load_report
    from authoring.render import render_report
    from authoring.validate import validate_report

    report = load_report(path)
    errors = [p for p in validate_report(report) if p.severity == "error"]
    assert not errors, errors
    return list(render_report(report))


def rendered_docx(folder: Path, name: str = "made.docx", yaml_text: str = REPORT) -> Path:
    """A .docx rendered by the tool from a valid report."""
    source = folder / "made.yaml"
    source.write_text(yaml_text, encoding="utf-8")
    result = run(["render", source, "-o", folder / name])
    assert result.exit_code == 0, result.output
    return folder / name


def rezip(src: Path, dest: Path, changes: dict[str, Any], extra: Optional[dict[str, bytes]] = None,
          flag: Optional[tuple[str, int]] = None) -> Path:
    """Copy a .docx changing parts: name → new bytes, or a function of the old bytes; None drops it."""
    with zipfile.ZipFile(src) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    for name, change in changes.items():
        if change is None:
            parts.pop(name, None)
        elif callable(change):
            parts[name] = change(parts[name])
        else:
            parts[name] = change
    parts.update(extra or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    data = buf.getvalue()
    if flag is not None:  # set a general-purpose flag bit on one entry (local and central headers)
        member, bit = flag
        encoded = member.encode()
        for sig, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            pos = data.find(sig)
            while pos >= 0:
                name_len = int.from_bytes(data[pos + (26 if sig == b"PK\x03\x04" else 28):][:2], "little")
                start = pos + (30 if sig == b"PK\x03\x04" else 46)
                if data[start:start + name_len] == encoded:
                    value = int.from_bytes(data[pos + at:pos + at + 2], "little") | bit
                    data = data[:pos + at] + value.to_bytes(2, "little") + data[pos + at + 2:]
                pos = data.find(sig, pos + 4)
    dest.write_bytes(data)
    return dest


def sub(pattern: str, repl: str, count: int = 1) -> Callable[[bytes], bytes]:
    """A part change: a regex substitution on its text."""
    def change(data: bytes) -> bytes:
        text, n = re.subn(pattern, repl, data.decode("utf-8"), count=count)
        assert n, pattern
        return text.encode("utf-8")
    return change


# The smallest report a text check passes: the four parts and a 落款 (shared with benchmarks/bounds.py).
TEXT_REPORT = (Path(__file__).parent / "fixtures" / "minimal-report.txt").read_text(encoding="utf-8")


# == 1. schema -o overwrites anything =============================================================


def test_schema_o_does_not_overwrite_a_report(here: Path) -> None:
    result = run(["schema", "-o", "r.yaml"])

    assert_clean(result)
    assert result.exit_code == 1
    assert Path("r.yaml").read_text(encoding="utf-8") == REPORT


# == 2. a line break inside a value becomes document structure ====================================

FORGED = "伪造\n@h1 伪造的部分\n@sign 伪造单位\n@title 伪造标题"


def _structure(blocks: list[Any]) -> tuple[int, int, int]:
    from authoring.blocks import Heading, Signature, Title

    return (sum(isinstance(b, Heading) and b.level == 1 for b in blocks),
            sum(isinstance(b, Signature) for b in blocks), sum(isinstance(b, Title) for b in blocks))


@pytest.mark.parametrize("breaker", ["\\n", "\\x85", "\\u2028", "\\u2029", "\\r"], ids=["LF", "NEL", "LS", "PS", "CR"])
@pytest.mark.parametrize("field", ["heading", "point", "cell", "title", "signature", "agency", "layout-heading"])
def test_a_line_break_in_a_value_is_never_document_structure(field: str, breaker: str, here: Path) -> None:
    value = '"' + FORGED.replace("\n", breaker) + '"'
    lines = {
        "heading": {"  - heading: 强化法治学习\n": f"  - heading: {value}\n"},
        "point": {"    text: 共办理行政许可{{ figures.licenses }}件。\n":
                  f"    text: 共办理行政许可{{{{ figures.licenses }}}}件。\n    points: [{value}]\n"},
        "cell": {"    text: 共办理行政许可{{ figures.licenses }}件。\n":
                 f"    text: 共办理行政许可{{{{ figures.licenses }}}}件。\n    table: [[项目, 件数], [{value}, 1]]\n"},
        "title": {"year: 2024\n": f"year: 2024\ntitle: {value}\n"},
        "signature": {"  date: 2025-02-20\n": f"  date: 2025-02-20\n  name: {value}\n"},
        "agency": {"  name: 某市城市管理局\n": f"  name: {value}\n"},
        # (the heading still names part four: validate checks the parts on the rendered blocks)
        "layout-heading": {"  date: 2025-02-20\n": f"  date: 2025-02-20\nlayout:\n  headings:\n    plans: \"下一年度主要安排{value[1:]}\n"},
    }[field]
    Path("bad.yaml").write_text(report_text(**lines), encoding="utf-8")

    blocks = blocks_of(Path("bad.yaml"))

    # Four parts, one 落款, one title: whatever the value holds stays inside its own block.
    assert _structure(blocks) == (4, 1, 1), blocks
    assert any("@h1 伪造的部分" in str(b) for b in blocks)


def test_a_tab_in_a_table_cell_is_not_a_new_column(here: Path) -> None:
    from authoring.blocks import Table

    Path("bad.yaml").write_text(report_text(**{"    text: 共办理行政许可{{ figures.licenses }}件。\n":
                                               '    text: 共办理。\n    table: [[项目, 件数], ["许可\\t审批", 1]]\n'}),
                                encoding="utf-8")

    table = next(b for b in blocks_of(Path("bad.yaml")) if isinstance(b, Table))

    assert table.rows == (("项目", "件数"), ("许可\t审批", "1"))


# == 3. figures named like dict methods ============================================================


@pytest.mark.parametrize("name", ["items", "keys", "values", "get", "copy", "pop", "update"])
def test_a_figure_named_like_a_dict_method_prints_its_value(name: str, here: Path) -> None:
    from authoring.blocks import block_text

    Path("f.yaml").write_text(report_text(**{"  licenses: 917\n": f"  licenses: 917\n  {name}: 42\n",
                                             "件。\n": f"件，另有{{{{ figures.{name} }}}}件。\n"}), encoding="utf-8")

    text = "".join(block_text(b) for b in blocks_of(Path("f.yaml")))

    assert "另有42件" in text
    assert "built-in" not in text


# == 4. imported text reaches the template engine as code ==========================================


@pytest.mark.parametrize("payload", [
    "{% endraw %}{{ 7*7 }}{% raw %}", "{%- endraw -%}{{ 7*7 }}{%- raw -%}", "{% endraw %}{{ cycler.__init__ }}{% raw %}",
    "{{{ 7*7 }}}", '{{ "{" }}', "{%% if %%}",
    "{{ 7*7 }}", "{% if true %}49{% endif %}", "{# 注释 #}{{ 7*7 }}", "{% raw %}{{ 7*7 }}",
])
def test_imported_text_is_never_template_code(payload: str, here: Path) -> None:
    Path("old.txt").write_text(TEXT_REPORT.replace("共办理行政许可917件。", f"共办理{payload}件。"), encoding="utf-8")
    assert run(["import", "old.txt", "-o", "old.yaml"]).exit_code == 0

    result = run(["render", "old.yaml", "-o", "old.out.txt"])

    assert result.exit_code == 0, result.output
    assert f"共办理{payload}件。" in Path("old.out.txt").read_text(encoding="utf-8")


# == 5. YAML 1.1 number forms ======================================================================


@pytest.mark.parametrize("written", [
    "1:30", "010", "0x1F", "1_000", "0b11", "+0x1F", "1:30:00", "1_0.5", "0o17", "1e3", "九百",
])
def test_a_number_form_a_clerk_does_not_mean_is_refused(written: str, here: Path) -> None:
    Path("n.yaml").write_text(report_text(**{"  licenses: 917\n": f"  licenses: {written}\n"}), encoding="utf-8")

    result = run(["validate", "n.yaml"])

    assert_clean(result)
    assert result.exit_code == 1
    assert "n.yaml:6:3: 数据（figures.licenses）：" in result.output
    assert written in result.output


# == 6. the overwrite guard ignores docProps/custom.xml ============================================


def test_custom_properties_added_after_render_are_not_lost(here: Path) -> None:
    assert run(["render", "r.yaml", "-o", "a.docx"]).exit_code == 0
    # A document system stamps its 文号 and 密级 into the file's custom properties.
    prop = ('<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="9" name="文号">'
            '<vt:lpwstr>某城管〔2025〕1号</vt:lpwstr></property></Properties>')
    rezip(Path("a.docx"), Path("stamped.docx"), {"docProps/custom.xml": sub("</Properties>", prop)})
    shutil.move("stamped.docx", "a.docx")
    kept = Path("a.docx").read_bytes()

    result = run(["render", "r.yaml", "-o", "a.docx"])

    assert result.exit_code == 1
    assert Path("a.docx").read_bytes() == kept


# == 7. a reference document with a DTD ============================================================


def test_a_reference_doc_with_a_dtd_is_refused(here: Path) -> None:
    made = rendered_docx(here)
    rezip(made, Path("ref.docx"), {"word/styles.xml": sub(r"(<\?xml[^>]*\?>)", r'\1<!DOCTYPE x [<!ENTITY e "仿宋">]>')})
    rezip(Path("ref.docx"), Path("ref.docx"), {"word/styles.xml": sub(r'w:eastAsia="[^"]*"', 'w:eastAsia="&e;"')})

    result = run(["render", "r.yaml", "-o", "out.docx", "--reference-doc", "ref.docx"])

    assert_clean(result)
    assert result.exit_code in (1, 2)
    assert result.output.startswith("ref.docx: ")
    assert not Path("out.docx").exists()


# == 8. backups ====================================================================================


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE stands in for a full disk")
@pytest.mark.parametrize("command", ["init", "import"])
def test_a_backup_that_cannot_be_written_leaves_nothing_half_done(command: str, here: Path) -> None:
    Path("old.txt").write_text(TEXT_REPORT, encoding="utf-8")
    kept = REPORT + "# 科长手写的注释\n" * 200  # bigger than the file-size limit below
    Path("new.yaml").write_text(kept, encoding="utf-8")
    args = (["init", "--agency", "某局", "--year", "2025"] if command == "init" else ["import", "old.txt"])
    # Writes past 4 KB fail as on a full disk (EFBIG instead of ENOSPC, without SIGXFSZ).
    prelude = ("import resource, signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
               "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))")

    code, output, _ = run_bounded([*args, "-o", "new.yaml", "--force"], here, prelude=prelude)

    assert "Traceback" not in output
    assert not _ENGLISH.findall(output), output
    assert code == 1
    assert Path("new.yaml").read_text(encoding="utf-8") == kept
    assert sorted(p.name for p in here.iterdir()) == ["new.yaml", "old.txt", "r.yaml"]  # no half backup


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_a_backup_is_never_written_through_a_symlink(here: Path) -> None:
    Path("new.yaml").write_text(REPORT, encoding="utf-8")
    elsewhere = here / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere / "planted.yaml", "new.bak-1.yaml")  # dangling: points where nothing is yet

    code, output, _ = run_bounded(["init", "--agency", "某局", "--year", "2025", "-o", "new.yaml", "--force"], here)

    assert code == 0, output
    assert not (elsewhere / "planted.yaml").exists()
    backups = sorted(p.name for p in here.glob("new.bak-*"))
    assert backups == ["new.bak-1.yaml", "new.bak-2.yaml"]
    assert Path("new.bak-2.yaml").read_text(encoding="utf-8") == REPORT


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_render_force_beside_a_dangling_symlink_does_not_loop(here: Path) -> None:
    Path("a.txt").write_text("科长手写", encoding="utf-8")
    os.symlink(here / "nowhere" / "x.txt", "a.bak-1.txt")

    code, output, _ = run_bounded(["render", "r.yaml", "-o", "a.txt", "--force"], here, timeout=20)

    assert code == 0, output
    assert Path("a.bak-2.txt").read_text(encoding="utf-8") == "科长手写"


# == 9. symlinks in --templates ====================================================================


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
@pytest.mark.parametrize("how", ["file", "folder"])
def test_a_symlink_in_the_templates_folder_cannot_read_outside_it(how: str, here: Path) -> None:
    secret = here / "secret"
    secret.mkdir()
    (secret / "passwd.txt").write_text("SECRET-LINE", encoding="utf-8")
    mine = here / "mine"
    mine.mkdir()
    if how == "file":
        os.symlink(secret / "passwd.txt", mine / "leak.j2")
        include = "leak.j2"
    else:
        os.symlink(secret, mine / "root")
        include = "root/passwd.txt"
    (mine / "report.j2").write_text(f'@title 标题\n{{% include "{include}" %}}\n', encoding="utf-8")

    result = run(["render", "r.yaml", "--templates", "mine", "-o", "out.txt"])

    assert_clean(result)
    assert result.exit_code == 1
    assert "SECRET-LINE" not in result.output
    assert not Path("out.txt").exists()


# == 10. what a reference document brings along ====================================================

_EXTERNAL = ('<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/attachedTemplate" Target="http://198.51.100.7/t.dotx" TargetMode="External"/>')


def test_a_reference_doc_gives_styles_not_its_relationships_or_settings(here: Path) -> None:
    made = rendered_docx(here)
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            f'openxmlformats.org/package/2006/relationships">{_EXTERNAL}</Relationships>')
    rezip(made, Path("ref.docx"), {
        "word/settings.xml": sub("<w:zoom ", '<w:attachedTemplate r:id="rId99"/><w:trackRevisions/>'
                                 '<w:documentProtection w:edit="readOnly" w:enforcement="1"/><w:zoom '),
    }, extra={"word/_rels/settings.xml.rels": rels.encode()})

    result = run(["render", "r.yaml", "-o", "out.docx", "--reference-doc", "ref.docx"])

    assert result.exit_code == 0, result.output
    with zipfile.ZipFile("out.docx") as z:
        everything = b"".join(z.read(n) for n in z.namelist())
    assert b"198.51.100.7" not in everything
    assert b'TargetMode="External"' not in everything
    assert b"trackRevisions" not in everything
    assert b"documentProtection" not in everything


# == 11. terminal escape sequences =================================================================


def test_escape_sequences_in_a_checked_document_never_reach_the_terminal(here: Path) -> None:
    Path("esc.txt").write_text(
        TEXT_REPORT.replace("一、主要举措和成效", "一、主要举措和成效\x1b]0;窗口标题\x07\x1b[2J\x1b]52;c;ZWNobw==\x07")
        .replace("关于2024年度", "关于\x1b[8m2024年度"), encoding="utf-8")

    for args in (["check", "esc.txt"], ["check", "esc.txt", "r.yaml"], ["import", "esc.txt", "-o", "esc.yaml"]):
        result = run(args)
        assert "\x1b" not in result.output and "\x07" not in result.output, args


def test_escape_sequences_quoted_from_yaml_never_reach_the_terminal(here: Path) -> None:
    Path("esc.yaml").write_text(report_text(**{"year: 2024\n": 'year: "\\e[2J\\e]0;x\\a"\n'}), encoding="utf-8")

    result = run(["validate", "esc.yaml"])

    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output


# == 12. CSV cells Excel would read as formulas ====================================================


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t=", "\r="])
def test_check_csv_never_writes_a_live_formula(lead: str, here: Path) -> None:
    Path("f.txt").write_text(TEXT_REPORT.replace("某市城市管理局关于", f"{lead}HYPERLINK(\"http://x\")某市城市管理局关于")
                             .replace("某市城市管理局\n2025", f"{lead}1+1某市城市管理局\n2025"), encoding="utf-8")

    result = run(["check", "f.txt", "--format", "csv"])

    cells = [c for row in csv.reader(io.StringIO(result.output)) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells


# == 13. time budgets that do not bind =============================================================

SLOW = "{{ range(20000)|map('string')|map('center', 9)|join|length }}"


def test_prose_without_statements_has_a_time_budget(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("authoring.render.MAX_SECONDS", 1.0)
    plans = "".join(f"  - 第{i}项{SLOW}。\n" for i in range(40))
    Path("slow.yaml").write_text(report_text(**{"  - 持续深化综合行政执法改革。\n": plans}), encoding="utf-8")

    started = time.monotonic()
    result = run(["render", "slow.yaml", "-o", "out.txt"])

    assert time.monotonic() - started < 6.0
    assert result.exit_code == 1
    assert "超过 1 秒" in result.output
    assert not Path("out.txt").exists()


def test_a_user_template_reads_the_clock_often_enough(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("authoring.render.MAX_SECONDS", 1.0)
    Path("mine").mkdir()
    Path("mine/report.j2").write_text("@title 标题\n{% for i in range(60) %}" + SLOW + "{% endfor %}\n",
                                      encoding="utf-8")

    started = time.monotonic()
    result = run(["render", "r.yaml", "--templates", "mine", "-o", "out.txt"])

    assert time.monotonic() - started < 6.0
    assert result.exit_code == 1
    assert "超过 1 秒" in result.output


# == 14. memory that grows before any limit sees it ================================================


def traced(call: Callable[[], Any]) -> tuple[Any, int]:
    """The call's result and the peak of Python allocations while it ran."""
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_prose_fields_share_one_output_budget(here: Path) -> None:
    plans = "".join(f"  - 第{i}项{{{{ 'x' * 999999 }}}}。\n" for i in range(30))
    Path("big.yaml").write_text(report_text(**{"  - 持续深化综合行政执法改革。\n": plans}), encoding="utf-8")

    result, peak = traced(lambda: run(["render", "big.yaml", "-o", "out.txt"]))

    assert_clean(result)
    assert result.exit_code == 1
    assert result.output.startswith("big.yaml:"), result.output  # the YAML field, not report.j2
    assert peak < 40 * 1024 * 1024


def test_a_template_cannot_hold_many_big_strings(here: Path) -> None:
    Path("mine").mkdir()
    Path("mine/report.j2").write_text(
        "@title 标题\n{% set ns = namespace(l=[]) %}{% for i in range(150) %}"
        "{% set ns.l = ns.l + [('x' * 990000) ~ i] %}{% endfor %}{{ ns.l|length }}\n", encoding="utf-8")

    result, peak = traced(lambda: run(["render", "r.yaml", "--templates", "mine", "-o", "out.txt"]))

    assert_clean(result)
    assert result.exit_code == 1
    assert peak < 60 * 1024 * 1024


def test_a_wide_table_row_is_refused_before_the_writer_pads_it(here: Path) -> None:
    row = "[" + ",".join(["a"] * 20000) + "]"
    table = "    table: [" + row + "".join(", [b]" for _ in range(20)) + "]\n"
    Path("wide.yaml").write_text(report_text(**{"    text: 共办理行政许可{{ figures.licenses }}件。\n":
                                                "    text: 共办理。\n" + table}), encoding="utf-8")

    code, output, seconds = run_bounded(["render", "wide.yaml", "-o", "wide.docx"], here)

    assert code == 1, output
    assert "wide.yaml:" in output
    assert not Path("wide.docx").exists()


def _numbered_docx(folder: Path, fmt: str, start: str) -> Path:
    """Our own report with its headings numbered by Word's list numbering (numFmt, start)."""
    made = rendered_docx(folder)
    numbering = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="http://schemas.'
        'openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0">'
        f'<w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')
    rel = ('<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'numbering" Target="numbering.xml"/></Relationships>')
    ct = ('<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'wordprocessingml.numbering+xml"/></Types>')
    return rezip(made, folder / f"numbered-{fmt}.docx", {
        "word/document.xml": sub(r"<w:pPr>", '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>', 0),
        "word/_rels/document.xml.rels": sub("</Relationships>", rel),
        "[Content_Types].xml": sub("</Types>", ct),
    }, extra={"word/numbering.xml": numbering.encode()})


def test_a_list_number_of_a_billion_letters_is_not_drawn(here: Path) -> None:
    path = _numbered_docx(here, "upperLetter", "1000000000")

    code, output, _ = run_bounded(["check", path.name], here, prelude="import resource\n"
                                  "resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))")

    assert "Traceback" not in output and "MemoryError" not in output
    assert code in (0, 1), output


def _table_docx(folder: Path, span: str) -> Path:
    made = rendered_docx(folder)
    table = (f'<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="100"/></w:tblGrid><w:tr><w:tc><w:tcPr>'
             f'<w:gridSpan w:val="{span}"/></w:tcPr><w:p><w:r><w:t>合并</w:t></w:r></w:p></w:tc></w:tr></w:tbl>')
    return rezip(made, folder / "span.docx", {"word/document.xml": sub("<w:body>", "<w:body>" + table)})


def test_a_huge_grid_span_is_read_in_bounded_time(here: Path) -> None:
    _table_docx(here, "2000000")

    code, output, seconds = run_bounded(["check", "span.docx"], here, timeout=10)

    assert "Traceback" not in output
    assert code in (0, 1, 2), output


def test_a_document_xml_far_beyond_any_report_is_refused(here: Path) -> None:
    made = rendered_docx(here)
    # 60 MB of numbered paragraphs (a real report's document.xml is under 1 MB), deflated some
    # 12-fold: under the ratio and total limits of the zip checks.
    body = "".join(f"<w:p><w:r><w:t>第{i}条依法行政依法行政{i * 7919 % 10**6}依法行政。</w:t></w:r></w:p>"
                   for i in range(700000))
    rezip(made, Path("huge.docx"), {"word/document.xml": lambda xml: xml.replace(b"<w:body>", b"<w:body>" + body.encode())})

    code, output, seconds = run_bounded(["check", "huge.docx"], here, timeout=20)

    assert code == 2, output
    assert "huge.docx" in output


# == 15. superlinear hot spots under the input limits ==============================================
# Each hot spot is run on an input of size n and of size 4n, in a fresh process, and the CPU time
# the process used is compared (CPU time, not the clock: this machine is shared, and other
# processes slow the clock, not our CPU seconds). Linear work grows at most 4-fold (less, with
# the start-up every run pays); the quadratic code grew 10- to 16-fold at these sizes. The sizes
# stay far under the documented limits (a 2 MB YAML, a 20 MB text).


def _long_list(n: int, item: str) -> str:
    return "".join(f"  - {item.format(i=i)}\n" for i in range(n))


def _cpu_seconds(args: list[str], cwd: Path, timeout: float) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    code, output, _ = run_bounded(args, cwd, timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert "Traceback" not in output, output
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def assert_linear(make: Callable[[int], None], args: list[str], n: int, folder: Path, timeout: float = 60.0) -> None:
    """The command's CPU time on the input make(4n) is less than 7 times that on make(n)."""
    pytest.importorskip("resource")
    make(n)
    small = _cpu_seconds(args, folder, timeout)
    make(4 * n)
    large = _cpu_seconds(args, folder, timeout)
    assert large < 7 * small, f"n={n}: {small:.2f} s, 4n: {large:.2f} s of CPU"


def _write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size < 2 * 1024 * 1024 or name.endswith((".txt", ".html")), path.stat().st_size


def _text_with(body: str) -> str:
    return TEXT_REPORT.replace("执法队伍专业化水平有待提高。", body)


def test_hot_spot_layout_order(here: Path) -> None:
    def make(n: int) -> None:
        _write(here, "h.yaml", REPORT + "layout:\n  order:\n" + "".join(f"    - part{i}\n" for i in range(n)))
    assert_linear(make, ["validate", "h.yaml"], 10000, here)


def test_hot_spot_undefined_figures(here: Path) -> None:
    def make(n: int) -> None:
        figures = "".join(f"  figure_number_{i}: {i}\n" for i in range(n))
        plans = _long_list(n, "第{i}项{{{{ figures.figure_nmber_{i} }}}}件。")
        _write(here, "h.yaml", report_text(**{"  licenses: 917\n": "  licenses: 917\n" + figures,
                                              "  - 持续深化综合行政执法改革。\n": plans}))
    assert_linear(make, ["validate", "h.yaml"], 1000, here)


def test_hot_spot_many_schema_errors(here: Path) -> None:
    def make(n: int) -> None:
        agency = "agency:\n  name: 某市城市管理局\n" + "".join(f"  unknown_{i}: x\n" for i in range(n))
        _write(here, "h.yaml", report_text(**{"agency:\n  name: 某市城市管理局\n": agency}))
    assert_linear(make, ["validate", "h.yaml"], 8000, here)


def test_a_flood_of_schema_errors_is_cut_at_a_thousand(here: Path) -> None:
    # 100,000 unknown fields in a 2 MB YAML took 10 s of CPU, most of it cerberus's handling of
    # each error and a line printed for each: the first 1,000 are listed, and the clerk is told.
    from authoring.validate import MAX_SCHEMA_ERRORS

    agency = "agency:\n  name: 某市城市管理局\n" + "".join(f"  unknown_{i}: x\n" for i in range(3000))
    _write(here, "h.yaml", report_text(**{"agency:\n  name: 某市城市管理局\n": agency}))
    result = run(["validate", "h.yaml"])
    assert_clean(result)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (f"h.yaml: 文件结构的问题超过 {MAX_SCHEMA_ERRORS} 个，只列出前 {MAX_SCHEMA_ERRORS} 个，其余未再检查；"
                        "请先改正列出的问题（常见原因：缩进错了，或选错了文件）")
    listed = [line for line in lines if "不认识的字段" in line]
    assert len(listed) == MAX_SCHEMA_ERRORS  # the first ones of the file, in its order
    assert listed[0].startswith("h.yaml:3:3: 单位（agency.unknown_0）：不认识的字段“unknown_0”")
    assert listed[-1].startswith(f"h.yaml:{MAX_SCHEMA_ERRORS + 2}:3: 单位（agency.unknown_{MAX_SCHEMA_ERRORS - 1}）")


def test_hot_spot_percent_regex_on_a_run_of_digits(here: Path) -> None:
    assert_linear(lambda n: _write(here, "h.txt", _text_with("完成率" + "1" * n + "。")), ["check", "h.txt"], 20000, here)


def test_hot_spot_clause_regex_on_a_long_clause(here: Path) -> None:
    # The opening paragraph is searched for the 第一责任人 clause (only when no heading names
    # part two), one clause at a time.
    text = TEXT_REPORT.replace("二、党政主要负责人履行推进法治建设第一责任人职责情况\n局长认真履行推进法治建设第一责任人职责。\n", "")
    assert_linear(lambda n: _write(here, "h.txt", text.replace("\n一、", "\n" + "落实" * n + "。\n一、", 1)),
                  ["check", "h.txt"], 20000, here)


def test_hot_spot_bracket_regex_on_import(here: Path) -> None:
    assert_linear(lambda n: _write(here, "h.txt", _text_with("(" + "依法行政" * n + "。")),
                  ["import", "h.txt", "-o", "h.yaml", "--force"], 3000, here)


def test_hot_spot_comma_regex_on_import(here: Path) -> None:
    assert_linear(lambda n: _write(here, "h.txt", _text_with("依法" + " " * n + "行政。")),
                  ["import", "h.txt", "-o", "h.yaml", "--force"], 10000, here)


def test_hot_spot_html_end_tags(here: Path) -> None:
    def make(n: int) -> None:
        _write(here, "h.html", "<html><body>" + "<div>" * n + "</span>" * n + "<p>"
               + TEXT_REPORT.replace("\n", "</p><p>") + "</p>")
    assert_linear(make, ["check", "h.html"], 10000, here)


def test_hot_spot_parts_exceed_per_count(here: Path) -> None:
    assert_linear(lambda n: _write(here, "h.txt", _text_with("共办理案件1件，" * n + "其中1件。")), ["check", "h.txt"], 16000, here)


def test_hot_spot_import_figures_with_one_name(here: Path) -> None:
    assert_linear(lambda n: _write(here, "h.txt", _text_with("，".join(f"办理行政许可{i}件" for i in range(n)) + "。")),
                  ["import", "h.txt", "-o", "h.yaml", "--figures", "--force"], 2000, here)


def test_hot_spot_draft_with_many_figures(here: Path) -> None:
    def make(n: int) -> None:
        figures = "".join(f"  f{i}: {i}\n" for i in range(n))
        plans = _long_list(n, "第{i}项{{{{ figures.f{i} }}}}件。")
        _write(here, "h.yaml", report_text(**{"  licenses: 917\n": "  licenses: 917\n" + figures,
                                              "  - 持续深化综合行政执法改革。\n": plans}))
    # init --from writes and re-reads a commented YAML of every figure: linear but slow work
    # (about 2 ms of CPU per figure), hence the longer timeout for the clock of a shared machine.
    assert_linear(make, ["init", "--from", "h.yaml", "-o", "next.yaml", "--force"], 2000, here, timeout=180)


def test_hot_spot_compare_plans_against_passages(here: Path) -> None:
    def make(n: int) -> None:
        _write(here, "a.yaml", report_text(**{"  - 持续深化综合行政执法改革。\n":
                                              _long_list(n, "持续推进第{i}项综合行政执法改革工作。")}))
        achievements = _long_list(n, "heading: 第{i}项执法改革\n    text: 推进综合行政执法改革第{i}项工作。")
        _write(here, "b.yaml", report_text(**{"year: 2024\n": "year: 2025\n", "achievements:\n": "achievements:\n" + achievements}))
    assert_linear(make, ["compare", "a.yaml", "b.yaml"], 500, here)


def test_hot_spot_long_title_line_breaks(here: Path) -> None:
    assert_linear(lambda n: _write(here, "h.yaml", report_text(**{"year: 2024\n": f"year: 2024\ntitle: {'关于' * n}的报告\n"})),
                  ["render", "h.yaml", "-o", "h.docx", "--force"], 20000, here)


# == 16. tracebacks ================================================================================


def _ref_cases() -> list[Any]:
    custom = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.'
              'openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.'
              'openxmlformats.org/officeDocument/2006/docPropsVTypes">{}</Properties>')
    prop = '<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{}" name="x"><vt:lpwstr>y</vt:lpwstr></property>'
    return [
        pytest.param({"docProps/custom.xml": b"not xml at all"}, id="custom-not-xml"),
        pytest.param({"docProps/custom.xml": custom.format("&undefined;").encode()}, id="custom-entity"),
        pytest.param({"docProps/custom.xml": custom.format(prop.format("abc")).encode()}, id="custom-pid"),
        pytest.param({"word/fontTable.xml": b"<w:fonts"}, id="font-table-broken"),
        pytest.param({"word/document.xml": sub(r'(<w:footerReference [^>]*r:id=")[^"]*"', r'\1rId999"')},
                     id="footer-dangling"),
        pytest.param({"word/styles.xml": sub(r'(<w:style w:type=")paragraph(" [^>]*w:styleId="2"|'
                                             r'" [^>]*><w:name w:val="heading 1"/>)', r"\1character\2")},
                     id="character-heading-1"),
        pytest.param({"word/document.xml": sub(r'<w:pgSz w:w="\d+"', '<w:pgSz w:w="wide"')}, id="page-width-text"),
        pytest.param({"word/styles.xml": sub(r'w:type="paragraph"', 'w:type="true"')}, id="style-type-true"),
    ]


@pytest.mark.parametrize("changes", _ref_cases())
def test_a_damaged_reference_doc_is_refused_in_chinese(changes: dict[str, Any], here: Path) -> None:
    made = rendered_docx(here)
    if "docProps/custom.xml" in changes:
        pass  # rendered files carry one already: it is replaced
    rezip(made, Path("ref.docx"), changes)

    result = run(["render", "r.yaml", "-o", "out.docx", "--reference-doc", "ref.docx"])

    assert_clean(result)
    if result.exit_code == 0:  # a part taken from nowhere is fine when the output is sound
        import docx

        docx.Document("out.docx")
    else:
        assert result.output.startswith("ref.docx: "), result.output


@pytest.mark.parametrize("node", ["<!-- 注释 -->", "<?mso-application progid=\"Word.Document\"?>"])
@pytest.mark.parametrize("command", ["check", "import", "init", "compare"])
def test_a_comment_in_the_body_of_a_docx_is_read_past(node: str, command: str, here: Path) -> None:
    made = rendered_docx(here)
    rezip(made, Path("c.docx"), {"word/document.xml": sub("<w:body>", "<w:body>" + node)})
    args = {"check": ["check", "c.docx"], "import": ["import", "c.docx", "-o", "c.yaml"],
            "init": ["init", "--from", "c.docx", "-o", "c.yaml"], "compare": ["compare", "c.docx", "r.yaml"]}[command]

    result = run(args)

    assert_clean(result)
    assert "反馈给维护者" not in result.output
    assert result.exit_code in (0, 1), result.output


def test_an_encrypted_zip_entry_is_refused_in_chinese(here: Path) -> None:
    made = rendered_docx(here)
    rezip(made, Path("enc.docx"), {}, flag=("word/document.xml", 0x1))

    result = run(["check", "enc.docx"])

    assert_clean(result)
    assert result.exit_code == 2
    assert "密码" in result.output


def test_a_grid_span_that_is_not_a_number_is_read_past(here: Path) -> None:
    _table_docx(here, "abc")

    for args in (["check", "span.docx"], ["import", "span.docx", "-o", "span.yaml"]):
        result = run(args)
        assert_clean(result)
        assert "反馈给维护者" not in result.output
        assert result.exit_code in (0, 1), result.output


@pytest.mark.parametrize("change", [{"  - 持续深化综合行政执法改革。\n": "  5\n", "plans:\n": "plans:"},
                                    {"  licenses: 917\n": "  licenses: " + "9" * 401 + "\n", "year: 2024\n": "year: 2025\n"}],
                         ids=["plans-a-number", "401-digit-figure"])
def test_compare_refuses_a_report_that_does_not_validate(change: dict[str, str], here: Path) -> None:
    Path("bad.yaml").write_text(report_text(**change), encoding="utf-8")

    result = run(["compare", "r.yaml", "bad.yaml"])

    assert_clean(result)
    assert result.exit_code == 1
    assert result.output.startswith("bad.yaml")


@pytest.mark.parametrize("args", [["import", "."], ["import", "/"], ["import", "old.txt", "-o", "folder", "--force"]],
                         ids=["dot", "root", "output-folder"])
def test_import_of_a_folder_or_into_a_folder_is_refused(args: list[str], here: Path) -> None:
    Path("old.txt").write_text(TEXT_REPORT, encoding="utf-8")
    Path("folder").mkdir()

    result = run(args)

    assert_clean(result)
    assert result.exit_code in (1, 2)
    assert "文件夹" in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="the cache folder is found through XDG_CACHE_HOME here")
def test_a_template_cache_that_cannot_be_written_does_not_stop_render(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(here / "cache"))
    monkeypatch.delenv("AUTHORING_NO_CACHE", raising=False)
    monkeypatch.setattr("authoring.render._ENVIRONMENTS", {})

    def full_disk(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tempfile.NamedTemporaryFile", full_disk)  # how the cache writes its entries

    result = run(["render", "r.yaml", "-o", "out.txt"])

    assert result.exit_code == 0, result.output


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_during_start_up_is_not_a_traceback(here: Path) -> None:
    import signal

    # Interrupted while the modules are still being imported (the slowest part of a cold start).
    prelude = "import os, signal\nimport builtins\n_imp = builtins.__import__\n" \
              "def _slow(name, *a, **k):\n    if name == 'click':\n        os.kill(os.getpid(), signal.SIGINT)\n" \
              "    return _imp(name, *a, **k)\nbuiltins.__import__ = _slow\n"
    code, output, _ = run_bounded(["validate", "r.yaml"], here, prelude=prelude)

    assert "Traceback" not in output, output
    assert code == 130
    assert "已中断" in output
    del signal


# == 17. messages ==================================================================================


def test_an_unreadable_file_in_a_batch_is_one_report_among_others(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path("good.txt").write_text(TEXT_REPORT, encoding="utf-8")
    Path("locked.txt").write_text(TEXT_REPORT, encoding="utf-8")
    real_access, real_open = os.access, open

    def no_access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        return False if str(path).endswith("locked.txt") else real_access(path, mode, *args, **kwargs)

    def no_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "access", no_access)
    monkeypatch.setattr("builtins.open", no_open)
    monkeypatch.setattr(Path, "read_bytes", lambda self: no_open(self, "rb").read())

    result = run(["check", "good.txt", "locked.txt"])

    assert_clean(result)
    assert result.exit_code == 2
    assert "good.txt" in result.output and "locked.txt" in result.output
    assert "没有读取权限" in result.output


def test_an_unreadable_sub_folder_is_reported(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path("reports/locked").mkdir(parents=True)
    Path("reports/good.txt").write_text(TEXT_REPORT, encoding="utf-8")
    Path("reports/locked/x.txt").write_text(TEXT_REPORT, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if str(path).rstrip("/").endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)

    result = run(["check", "reports"])

    assert_clean(result)
    assert result.exit_code == 2
    assert "locked" in result.output


@pytest.mark.parametrize("cell", [".nan", "-.inf", ".inf"])
def test_a_table_cell_that_is_not_a_real_number_is_refused(cell: str, here: Path) -> None:
    Path("t.yaml").write_text(report_text(**{"    text: 共办理行政许可{{ figures.licenses }}件。\n":
                                             f"    text: 共办理。\n    table: [[项目, 件数], [许可, {cell}]]\n"}),
                              encoding="utf-8")

    result = run(["validate", "t.yaml"])

    assert_clean(result)
    assert result.exit_code == 1
    assert "achievements[1].table[2][2]" in result.output


@pytest.mark.parametrize("key", ["true", "null", "1", "0x1F", "2025-02-20"])
def test_a_key_that_yaml_reads_as_a_value_is_named_as_written(key: str, here: Path) -> None:
    Path("k.yaml").write_text(report_text(**{"  short_name: 市城管局\n": f"  short_name: 市城管局\n  {key}: x\n"}),
                              encoding="utf-8")

    result = run(["validate", "k.yaml"])

    assert_clean(result)
    assert result.exit_code == 1
    assert f"单位（agency.{key}）：不认识的字段“{key}”" in result.output


def test_a_size_error_names_the_yaml_field_not_a_shipped_template(here: Path) -> None:
    big = "".join("  - 深化{{ 'x' * 999999 }}。\n" for _ in range(6))
    Path("s.yaml").write_text(report_text(**{"  - 持续深化综合行政执法改革。\n": big}), encoding="utf-8")

    result = run(["render", "s.yaml", "-o", "out.txt"])

    assert_clean(result)
    assert result.exit_code == 1
    assert result.output.startswith("s.yaml:"), result.output
    assert "下一年度主要安排（plans[" in result.output
    assert "report.j2" not in result.output and "templates" not in result.output


def test_compare_of_a_file_with_itself_says_so(here: Path) -> None:
    result = run(["compare", "r.yaml", "r.yaml"])

    assert_clean(result)
    assert result.exit_code == 1
    assert "同一个文件" in result.output
    assert "调换" not in result.output


def test_temporary_files_left_by_a_killed_write_are_cleaned(here: Path) -> None:
    stale = here / ".out.txt.0badf00d.tmp"
    stale.write_bytes(b"half a report")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    fresh = here / ".out.txt.1234abcd.tmp"  # another render writing right now: left alone
    fresh.write_bytes(b"being written")

    assert run(["render", "r.yaml", "-o", "out.txt"]).exit_code == 0

    assert not stale.exists()
    assert fresh.exists()
