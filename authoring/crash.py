"""What the command line does with an exception nobody expected: a report file for the
maintainers and one Chinese message for the clerk, never a traceback on the screen.

Standard library only, imported only when something has already gone wrong: it must work when
the failure is a module that cannot be imported (a damaged installation), or before the command
line itself is loaded (authoring.__main__).
"""
from __future__ import annotations

import datetime as _dt
import os
import platform
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Optional, Sequence

# The exit code of an internal error (0-2 are the commands' own: docs/check.md).
EXIT_INTERNAL = 3
REPORT_PREFIX = "authoring-错误报告-"


def report_text(exc: BaseException, argv: Sequence[str]) -> str:
    """The report the maintainers need: versions, the command as typed, the traceback."""
    try:
        from authoring import __version__ as version
    except Exception:  # noqa: BLE001 — the package itself may be what is broken
        version = "?"
    lines = [
        "authoring 错误报告（请把这个文件发送给维护者）",
        f"时间：{_dt.datetime.now(_dt.timezone.utc).isoformat(timespec='seconds')}",
        f"authoring {version}; Python {platform.python_version()} ({sys.executable}); {platform.platform()}",
        f"命令：{' '.join(['authoring', *argv])}",
        f"当前文件夹：{os.getcwd()}",
        "",
        "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    ]
    return "\n".join(lines)


def _folders() -> list[Path]:
    # The folder the clerk is working in first: the file is seen beside the report, in the
    # Explorer window already open, and can be attached to an e-mail from there. Then the
    # temporary folder, when the working folder cannot be written (a read-only share).
    return [Path.cwd(), Path(tempfile.gettempdir())]


def write_report(exc: BaseException, argv: Sequence[str]) -> Optional[Path]:
    """Write the report into a new file (never over an existing one); None when no folder
    could take it."""
    text = report_text(exc, argv).encode("utf-8")
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for folder in _folders():
        for n in range(1, 100):
            path = folder / f"{REPORT_PREFIX}{stamp}{'' if n == 1 else f'-{n}'}.txt"
            try:
                with open(path, "xb") as f:  # x: a file of that name is never overwritten
                    f.write(text)
                return path
            except FileExistsError:
                continue
            except OSError:
                break  # this folder cannot be written: the next one
    return None


def hint(exc: BaseException) -> str:
    """What the clerk can do meanwhile, for the failures with a known cause (the workbench says it too)."""
    if isinstance(exc, ModuleNotFoundError):
        part = f"组件 {exc.name}" if exc.name else "一个组件"
        return f"程序缺少{part}，安装可能不完整：请重新安装 authoring（pip install --force-reinstall authoring）后再试。"
    if isinstance(exc, MemoryError):
        return "内存不足：输入的文件可能过大，请关闭其他程序后再试，或把文件拆小。"
    return ""


def message(exc: BaseException, report: Optional[Path]) -> str:
    """The lines the clerk reads: what happened, where the details are, whom to send them to."""
    first = f"出错了：authoring 遇到了意外的内部错误（{type(exc).__name__}），命令没有完成；未完成的输出文件不会写出。"
    return "\n".join([first, *advice_lines(exc, report, "所运行的命令发送给")])


def advice_lines(exc: BaseException, report: Optional[Path], without_report: str) -> list[str]:
    """After what happened (the command's words, or the workbench's): what to do about `exc`
    where it is known, and where its details are — or, when no report could be written, to pass
    on this message and `without_report` (“所运行的命令发送给”, “刚才的操作告诉”) the maintainer."""
    advice = hint(exc)
    lines = [advice] if advice else []
    if report is not None:
        lines.append(f"详细信息已写入 {report}；请把这个文件发送给维护者。")
    else:
        lines.append(f"详细信息无法写入文件（当前文件夹和临时文件夹都不可写）；请把本消息和{without_report}维护者。")
    return lines


def handle(exc: BaseException, argv: Optional[Sequence[str]] = None) -> str:
    """Write the report of `exc` and return the message to show (the caller shows it and exits
    with EXIT_INTERNAL)."""
    return message(exc, write_report(exc, sys.argv[1:] if argv is None else argv))
