"""What the command line prints: every line goes through `shown` (a control character in a report
is shown, never obeyed), problems in their colours, the progress bar of a long run, and the exit
codes. CLI-side only (imports click; rich only when a table or a bar is drawn); it loads no module
of the library, so that `--help` stays fast."""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import click

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def console(stderr: bool = False) -> Any:
    """A rich console, for tables; imported only by the commands that print one."""
    from rich.console import Console

    # soft_wrap: a message is one line however narrow the terminal, so it can be copied and grepped.
    return Console(stderr=stderr, soft_wrap=True, highlight=False)


# Characters a terminal obeys instead of showing: C0 controls but tab and line feed, DEL, C1
# controls (ESC's 8-bit forms), the bidirectional overrides and the Unicode line breaks. A
# document's title, a heading or a YAML value holding "\x1b]52;c;…\x07" wrote the clipboard,
# cleared the screen or set the window's title when a message quoted it.
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _shown_char(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the control picture: ␛ for ESC, ␇ for BEL
    return "␡" if code == 0x7F else f"<U+{code:04X}>"


def shown(text: Any) -> str:
    """Text as it may reach a terminal: every control character shown, never obeyed. All
    output of the command line goes through here (say, echo, tables)."""
    return _TERMINAL_CONTROLS.sub(_shown_char, str(text))


def _shown_json(text: str) -> str:
    # JSON keeps the data exact: the same characters as \u escapes (they occur only in strings).
    return _TERMINAL_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo(text: str, *, json: bool = False, **kwargs: Any) -> None:
    """Text as it is (a table, JSON, CSV) on stdout, control characters shown."""
    click.echo(_shown_json(text) if json else shown(text), **kwargs)


def say(text: str, style: str = "", stderr: bool = False) -> None:
    """One message line. Plain lines go through click (already imported): importing rich for
    them cost ~20 ms of every cold run (docs/performance.md)."""
    words = style.split()
    colour = next((w for w in words if w != "bold"), None)
    click.secho(shown(text), fg=colour, bold="bold" in words, err=stderr)


def say_backup(written: Any) -> None:
    """The backup a job made of the file it replaced (with --force), if any."""
    if written.backup is not None:
        say(f"原文件已备份为 {written.backup}", "yellow")


_STYLES = {"error": "red", "warning": "yellow", "info": "cyan"}


def print_problems(problems: Iterable[Any]) -> tuple[int, int, int]:
    """Print each problem on its line; return how many errors, warnings and notes."""
    counts = {"error": 0, "warning": 0, "info": 0}
    lines: list[str] = []
    for problem in problems:
        severity = problem.severity if problem.severity in counts else "warning"
        counts[severity] += 1
        lines.append(click.style(shown(str(problem)), fg=_STYLES[severity]))
        if len(lines) == 1000:  # written in blocks: a line each, 100,000 errors took seconds to print
            click.echo("\n".join(lines), err=True)
            lines.clear()
    if lines:
        click.echo("\n".join(lines), err=True)
    return counts["error"], counts["warning"], counts["info"]


def counts_text(errors: int, warnings: int, infos: int) -> str:
    """“2 个错误、1 个警告、3 条提示”, leaving out what there is none of."""
    parts = [f"{errors} 个错误" if errors else "", f"{warnings} 个警告" if warnings else "",
             f"{infos} 条提示" if infos else ""]
    return "、".join(p for p in parts if p)


@contextmanager
def progress_bar(label: str, task: str, total: int) -> Iterator[tuple[Any, Any]]:
    """A progress bar on stderr while a long run goes on (gone when done): yields the bar and
    its task, to advance (`bar.advance(task)`) and to print above (`bar.console`)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console(stderr=True), transient=True) as bar:
        yield bar, bar.add_task(task, total=total)
