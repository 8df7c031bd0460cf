"""`authoring check`'s run and what it prints: one report's parts and findings, a table of many
files, the summary file of -o, the CSV or JSON streamed a report at a time, and the departments of
--expect that sent nothing. The command itself (its options and help) is in cli.py."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NoReturn, Optional

from authoring.check import csv_chunks, exit_code, json_chunks, part_columns, part_labels, part_marks, totals_line
from authoring.cli_print import EXIT_ERRORS, EXIT_UNREADABLE, console, echo, progress_bar, say, shown
from authoring.errors import AuthoringError
from authoring.inputs import collect_paths
from authoring import main


def run_check(paths: Iterable[Path], fmt: str, output: Optional[Path], expect: Optional[Path],
              ignore: tuple[str, ...], force: bool, jobs: int) -> NoReturn:
    """Check the files and folders, print or write what was found, and exit with check's code."""
    expected: list[str] = main.read_expected(expect) if expect is not None else []
    files = collect_paths(paths)
    try:
        checked = main.iter_checked(files, ignore=ignore, jobs=jobs)
    except AuthoringError as exc:  # the only error iter_checked raises: an unknown --ignore
        say(f"--ignore：{exc.problems[0].message}", "red", stderr=True)
        sys.exit(EXIT_UNREADABLE)
    if not files:
        say("没有找到可检查的文件（.yaml .docx .txt .md .html）", "red", stderr=True)
        sys.exit(EXIT_UNREADABLE)
    streamed = output is None and fmt in ("json", "csv")
    if streamed:
        reports, code = _streamed(checked, fmt, len(files), keep=bool(expected))
    else:
        with _check_progress(len(files)) as step:
            reports = [step(r) for r in checked]
        code = exit_code(reports)
    if output is not None:
        _write_check_output(reports, output, expected, force)
    elif streamed:
        pass
    elif len(reports) == 1 and not expected:
        _print_check_report(reports[0])
    else:
        _print_check_summary(reports)
    if expected and output is None:
        _say_missing(reports, expected)
    sys.exit(code)


def _streamed(checked: Iterator[Any], fmt: str, total: int, keep: bool) -> tuple[list[Any], int]:
    """Each report's row written as soon as the file is checked and then let go: a province's
    thousands of files in the memory of one (the table and the files -o writes need every
    report; so does --expect, `keep`). Returns the reports kept and the exit code."""
    seen = _CheckTally(keep=keep)
    with _check_progress(total, show=not sys.stdout.isatty()) as step:
        for text in (json_chunks if fmt == "json" else csv_chunks)(seen.watch(checked, step)):
            echo(text, json=fmt == "json", nl=False)  # control characters shown, never obeyed
    return seen.kept, seen.exit_code


class _CheckTally:
    """What check's exit code needs of reports that are written and let go (and the reports
    themselves when `keep`)."""

    def __init__(self, keep: bool) -> None:
        self.kept: list[Any] = []
        self._keep = keep
        self._unreadable = self._errors = False

    def watch(self, reports: Any, step: Any) -> Any:
        """The reports, passed through as they come."""
        for r in reports:
            self._unreadable = self._unreadable or r.unreadable
            self._errors = self._errors or not r.ok
            if self._keep:
                self.kept.append(r)
            yield step(r)

    @property
    def exit_code(self) -> int:
        """As check.exit_code of every report seen."""
        return EXIT_UNREADABLE if self._unreadable else EXIT_ERRORS if self._errors else 0


@contextmanager
def _check_progress(total: int, show: bool = True) -> Iterator[Callable[[Any], Any]]:
    """A progress bar on a terminal's stderr while many files are checked (gone when done);
    yields the step to call with each report (it returns the report)."""
    if not (show and total > 1 and sys.stderr.isatty()):
        yield lambda report: report
        return
    with progress_bar("检查中", "check", total) as (bar, task):

        def step(report: Any) -> Any:
            bar.advance(task)
            return report

        yield step


def _write_check_output(reports: Any, output: Path, expected: list[str], force: bool) -> None:
    """-o: the summary as a file, always UTF-8, whatever the console's code page."""
    backup = main.save_summary(reports, output, expected=expected, force=force)
    if backup:
        say(f"原文件已备份为 {backup}", "yellow")
    say(f"已写入 {output}（{len(reports)} 个文件：{totals_line(reports)}）", "green")
    if expected:
        _say_missing(reports, expected)


def _say_missing(reports: Any, expected: list[str]) -> None:
    """--expect: how many departments of the list sent nothing, and which."""
    missing = main.missing_reports(reports, expected)
    say(f"名单中 {len(expected)} 个单位，未报送 {len(missing)} 个" + (f"：{'、'.join(missing)}" if missing else ""),
        "bold red" if missing else "bold green")


_SEVERITY_LABELS = {"error": ("错误", "red"), "warning": ("警告", "yellow"), "info": ("提示", "cyan")}
def _print_check_report(report: Any) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out = console()
    say(f"报告：{report.file}", "bold")
    if report.unreadable:
        for f in report.findings:
            say(f"  {f.message}", "red")
        say(f"结论：{totals_line([report])}", "bold red")
        return
    say(f"单位：{report.agency or '（未识别）'}　年度：{report.year or '（未识别）'}")
    labels = part_labels()
    forms = {"subsection": "（小节）", "inline": "（句中）", "preamble": "（开头段落）"}
    say("组成部分（按出现顺序）：")
    for span in sorted(report.parts.spans, key=lambda s: (s.start, s.key)):
        where = report.place_label(span.line)
        if span.start in report.empty:  # a heading alone: not a ✓ (parts.empty says so below)
            say(f"  ✗ {labels[span.key]}　{where}　{span.heading}（只有标题，没有内容）", "red")
            continue
        say(f"  ✓ {labels[span.key]}{forms.get(span.form, '')}　{where}　{span.heading}",
             "green" if span.form == "heading" else "yellow")
    for key in report.missing:
        say(f"  ✗ {labels[key]}　缺少", "red")
    if report.findings:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1), collapse_padding=True)
        for col in ("级别", "位置", "问题", "规则"):
            table.add_column(col, overflow="fold")
        for f in report.findings:
            label, style = _SEVERITY_LABELS[f.severity]
            # Text cells, not markup: a message may quote "[...]" from the report.
            table.add_row(Text(label, style=style), Text(report.place_label(f.line)), Text(shown(f.message)),
                          Text(shown(f.rule)))
        out.print(table)
    ok = report.ok
    say(f"结论：{totals_line([report])}", "bold green" if ok else "bold red")


def _print_check_summary(reports: Any) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    columns = part_columns()
    keys = [k for k in columns if k != "other"]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1), collapse_padding=True)
    # Everything but the agency name stays on one line; a long name wraps in its own column.
    table.add_column("文件", no_wrap=True)
    table.add_column("单位", overflow="fold", min_width=8)
    for col in ("年度", *(columns[k] for k in keys), "错误", "警告"):
        table.add_column(col, no_wrap=True, min_width=len(col) * 2)
    # Files named relative to the folder they share, so that two 报告.docx in different
    # sub-folders stay apart and the table stays narrow.
    base = os.path.commonpath([str(Path(r.file).resolve().parent) for r in reports])
    names = {r.file: os.path.relpath(Path(r.file).resolve(), base) for r in reports}
    for r in reports:
        marks = part_marks(r)
        table.add_row(Text(shown(names[r.file])), Text(shown(r.agency) if not r.unreadable else "无法读取"), str(r.year or ""),
                      *(marks[k] for k in keys), str(r.count("error")), str(r.count("warning")))
    console().print(table)
    for r in reports:
        for f in r.findings:
            if f.severity == "info":
                continue
            where = names[r.file] + (f"：{r.place_label(f.line)}" if f.line else "")
            label, style = _SEVERITY_LABELS[f.severity]
            say(f"{where}：{label}：{f.message}", style)
    say(f"共检查 {len(reports)} 个文件：{totals_line(reports)}", "bold")

