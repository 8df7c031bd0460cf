"""`authoring render -d`'s run and what it prints: a progress bar on a terminal, one line for each
report that could not be made (the others are made all the same), the count at the end. The
command itself (its options and help) is in cli.py."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

from authoring import batch
from authoring.cli_print import EXIT_ERRORS, EXIT_UNREADABLE, progress_bar, say, shown


def run_batch(inputs: tuple[Path, ...], folder: Path, fmt: str, jobs: int, templates: Optional[Path],
              reference_doc: Optional[Path], force: bool, draft: bool = False,
              ignore: tuple[str, ...] = ()) -> None:
    """render -d: one line per report that failed, a progress bar on a terminal, exit 1 if any failed."""
    sources = batch.collect_reports(inputs)
    if not sources:
        say("没有找到报告 YAML（.yaml .yml）", "red", stderr=True)
        sys.exit(EXIT_UNREADABLE)

    def failed(item: Any) -> None:
        if not item.ok:
            say(_line(item), "red", stderr=True)

    if sys.stderr.isatty():
        with progress_bar("生成中", "render", len(sources)) as (bar, task):

            def step(item: Any) -> None:
                bar.advance(task)
                if not item.ok:  # above the bar, which stays at the bottom
                    from rich.text import Text

                    bar.console.print(Text(shown(_line(item)), style="red"))

            result = batch.render_many(sources, folder, fmt=fmt, jobs=jobs, templates=templates,
                                       reference_doc=reference_doc, force=force, on_item=step, draft=draft, ignore=ignore)
    else:
        result = batch.render_many(sources, folder, fmt=fmt, jobs=jobs, templates=templates,
                                   reference_doc=reference_doc, force=force, on_item=failed, draft=draft, ignore=ignore)
    done = len(result.items) - len(result.failed)
    tail = f"，{len(result.failed)} 个有错误未生成" if result.failed else ""
    say(f"已生成 {done} 个报告到 {folder}{tail}", "bold red" if result.failed else "green")
    if result.failed:
        sys.exit(EXIT_ERRORS)


def _line(item: Any) -> str:
    """A report not made: its first error, and how many more there are."""
    more = f"（另有 {len(item.errors) - 1} 个错误，运行 authoring validate {item.source} 查看）" \
        if len(item.errors) > 1 else ""
    return f"未生成：{item.errors[0]}{more}"
