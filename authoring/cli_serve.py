"""`authoring serve`'s run and what it prints: the report to open (a blank one written when the
file named does not exist yet), the warning when the workbench listens beyond this machine, the
address with its secret, and the line when it stops. The command is in cli.py."""
from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Optional

from authoring.cli_print import say
from authoring.fileio import write_atomic
from authoring.web.form import blank_report
from authoring.web import server


def run_serve(yaml_file: Optional[Path], port: Optional[int], host: Optional[str], no_browser: bool,
              folders: tuple[Path, ...], templates: Optional[Path], reference_doc: Optional[Path]) -> None:
    """Serve the workbench until Ctrl+C."""
    bind = host or "127.0.0.1"
    if host and host not in ("127.0.0.1", "localhost", "::1"):
        say(f"警告：工作台监听 {host}，同一网络中的其他电脑也能连接（仍需要地址中的口令）。"
            "报告未公开前请只在本机使用（不加 --host）。", "bold yellow", stderr=True)
    config = server.prepare(yaml_file, folders=folders, host=bind, port=port, templates=templates,
                            reference_doc=reference_doc, create=_create)

    def ready(url: str) -> None:
        say(f"工作台已启动：{url}", "green")
        say("（如果浏览器没有自动打开，请复制上面的完整地址到浏览器；按 Ctrl+C 停止）")

    def failed(message: str) -> None:
        say(message, "red", stderr=True)

    config.on_error = failed
    server.run(config, open_browser=not no_browser, on_ready=ready)
    say("工作台已停止")


def _create(path: Path) -> None:
    """The blank report of a file named that does not exist yet."""
    # report-2025.yaml is the report on 2025; otherwise last year's, the one written now.
    named = re.search(r"(?<!\d)(20\d\d)(?!\d)", path.stem)
    year = int(named.group(1)) if named else datetime.date.today().year - 1
    write_atomic(path, blank_report("", year, str(path)).encode("utf-8"))
    say(f"已新建 {path}（{year} 年度的空白报告）", "green")
