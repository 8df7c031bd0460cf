"""The command line: a thin skin over the library. Each command calls one library function and
prints what it returns; every AuthoringError becomes its Chinese message and an exit code.

Heavy imports (rich, jinja2, python-docx) happen inside the commands, so that `--help` is fast.
"""
from __future__ import annotations

import datetime
import functools
import re
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional, TypeVar

import click

from authoring import __version__
from authoring.cli_text import OPTIONS_METAVAR, SUBCOMMAND_METAVAR, chinese_metavars, fit_console, install_chinese_click, tidy_help

# click's own words (Usage:, Options, Show this message and exit., choice errors) in Chinese.
install_chinese_click()

if TYPE_CHECKING:
    from pathlib import Path

F = TypeVar("F", bound=Callable[..., Any])


class _PathArg(click.Path):
    """click.Path whose values are pathlib.Path, importing pathlib only when a path is given:
    pathlib (with urllib.parse, ipaddress and fnmatch) is a tenth of `authoring --help`."""

    def __init__(self, **kwargs: Any) -> None:
        # click's own check of readability stopped a whole batch with its English ("File 'x' is
        # not readable"): the library reads each file and says why in Chinese.
        kwargs.setdefault("readable", False)
        super().__init__(**kwargs)

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> Any:
        from os import fsdecode
        from pathlib import Path

        return Path(fsdecode(super().convert(value, param, ctx)))

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def _console(stderr: bool = False) -> Any:
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
    output of the command line goes through here (_say, _echo, tables)."""
    return _TERMINAL_CONTROLS.sub(_shown_char, str(text))


def _shown_json(text: str) -> str:
    # JSON keeps the data exact: the same characters as \u escapes (they occur only in strings).
    return _TERMINAL_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _echo(text: str, *, json: bool = False, **kwargs: Any) -> None:
    click.echo(_shown_json(text) if json else shown(text), **kwargs)


def _say(text: str, style: str = "", stderr: bool = False) -> None:
    """One message line. Plain lines go through click (already imported): importing rich for
    them cost ~20 ms of every cold run (docs/performance.md)."""
    words = style.split()
    colour = next((w for w in words if w != "bold"), None)
    click.secho(shown(text), fg=colour, bold="bold" in words, err=stderr)


_STYLES = {"error": "red", "warning": "yellow", "info": "cyan"}


def _print_problems(problems: Iterable[Any]) -> tuple[int, int, int]:
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


def _counts(errors: int, warnings: int, infos: int) -> str:
    """“2 个错误、1 个警告、3 条提示”, leaving out what there is none of."""
    parts = [f"{errors} 个错误" if errors else "", f"{warnings} 个警告" if warnings else "",
             f"{infos} 条提示" if infos else ""]
    return "、".join(p for p in parts if p)


def _handle_errors(func: F) -> F:
    """Turn the library's AuthoringError into its messages and exit code: never a traceback."""
    return _handled(func, writes=True)


def _handle_errors_writing_nothing(func: F) -> F:
    """_handle_errors for a command that writes nothing: its last line does not say so."""
    return _handled(func, writes=False)


def _handled(func: F, *, writes: bool) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from authoring.errors import AuthoringError, count_line

        try:
            return func(*args, **kwargs)
        except AuthoringError as exc:
            _print_problems(exc.problems)
            _say(count_line(exc.problems, nothing_written=writes), "bold red", stderr=True)
            hint = getattr(exc, "hint", "")
            if hint:
                _say(hint, "red", stderr=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            _say("已中断，未写入任何文件", "red", stderr=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


_USAGE = [
    # click's own messages (English) → what a clerk reads.
    (r"Missing argument '(.+?)(?:\.\.\.)?'\.", "缺少参数 {0}"),
    (r"Missing option '(.+)'\.", "缺少选项 {0}"),
    (r"No such option:? '?(--?[\w-]+)'?\.? Did you mean '?(--?[\w-]+)'?\?", "没有选项 {0}，是否想写 {1}？"),
    (r"No such option:? '?(--?[\w-]+)'?\.? \(Did you mean one of: (.+)\?\)", "没有选项 {0}，是否想写 {1}？"),
    (r"No such option:? '?(--?[\w-]+)'?", "没有选项 {0}"),
    (r"No such command '(.+)'\.", "没有命令“{0}”"),
    # An option with a short and a long name is named "'-j' / '--processes'": the first is kept.
    (r"Invalid value for '([^']+)'(?: / '[^']+')?: '(.*)' is not a valid integer(?: range)?\.", "{0} 应为整数，实际是“{1}”"),
    (r"Invalid value for '([^']+)'(?: / '[^']+')?: (-?\d+) 不在范围 x>=(\d+) 内。", "{0} 应为不小于 {2} 的整数，实际是 {1}"),
    (r"Invalid value for '([^']+)'(?: / '[^']+')?: (.+)", "{0} 的值无效：{1}"),
    (r"Option '(.+)' requires an argument\.", "选项 {0} 后面需要给出值"),
    (r"Got unexpected extra arguments? \((.+)\)", "多余的参数：{0}"),
]


class _Group(click.Group):
    """A click group whose usage errors are in Chinese and name the help to read."""

    def main(self, args: Any = None, prog_name: Optional[str] = None, complete_var: Optional[str] = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        import re

        try:
            value = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            message = exc.format_message()
            for pattern, chinese in _USAGE:
                match = re.match(pattern, message)
                if match:
                    message = chinese.format(*[g or "" for g in match.groups()])
                    break
            command = exc.ctx.command_path if exc.ctx else "authoring"
            _say(f"用法错误：{message}；运行 {command} --help 查看用法和示例", "red", stderr=True)
            sys.exit(EXIT_UNREADABLE)
        except click.Abort:
            _say("已中断，未写入任何文件", "red", stderr=True)
            sys.exit(130)
        except BrokenPipeError:
            # `authoring check … | more` closed early: the reader has what it wanted. Python
            # would report the pipe again while flushing at exit.
            import os

            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError, AttributeError):  # no file behind stdout (a test's)
                pass
            sys.exit(EXIT_ERRORS)
        except click.ClickException as exc:  # click's other errors (a file it could not open)
            _say(f"出错了：{exc.format_message()}", "red", stderr=True)
            sys.exit(exc.exit_code)
        except Exception as exc:  # noqa: BLE001 — the catch-all: no traceback ever reaches a clerk
            from authoring.crash import EXIT_INTERNAL, handle

            _say(handle(exc, sys.argv[1:] if args is None else [str(a) for a in args]), "red", stderr=True)
            sys.exit(EXIT_INTERNAL)
        if standalone_mode:
            sys.exit(value if isinstance(value, int) else 0)
        return value


@click.group(name="authoring", cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             options_metavar=OPTIONS_METAVAR, subcommand_metavar=SUBCOMMAND_METAVAR)
@click.version_option(__version__, "-V", "--version", prog_name="authoring", message="%(prog)s %(version)s",
                      help="显示版本号并退出。")
def cli() -> None:
    """起草、检查、排版法治政府建设年度报告。

    一个 YAML 文件记录一年的事实和数字；authoring 校验它，按《法治政府建设与责任落实督察工作规定》的四个部分生成报告，并输出符合 GB/T 9704-2012 的 Word 文件。

    示例：

    \b
        authoring init --agency 某市城市管理局 --year 2025 -o report.yaml
        authoring validate report.yaml
        authoring render report.yaml -o 报告.docx
    """


def _ignore_list(ignore: Iterable[str]) -> list[str]:
    """The --ignore values, or the reason they are refused (exit 2), as check words it."""
    from authoring.errors import AuthoringError
    from authoring.rules import validate_ignore

    try:
        return validate_ignore(ignore)
    except AuthoringError as exc:
        _say(f"--ignore：{exc.problems[0].message}", "red", stderr=True)
        sys.exit(EXIT_UNREADABLE)


_IGNORE_HELP = "不检查某条规则或某类规则（如 year.stale_meeting、punctuation），可重复；规则见 docs/check.md"


@cli.command("validate")
@click.argument("yaml_file", type=_PathArg())
@click.option("--ignore", "ignore", multiple=True, metavar="RULE", help=_IGNORE_HELP)
@_handle_errors_writing_nothing
def validate_cmd(yaml_file: Path, ignore: tuple[str, ...]) -> None:
    """校验报告 YAML：一次列出所有错误、警告和提示，每条注明 文件:行:列。

    先查 YAML 本身（字段、类型、数据），再按生成的报告跑 authoring check 的全部规则，所以
    validate 与 check 对同一份报告（YAML 或由它生成的 Word）结论相同。
    有错误时退出码为 1，文件无法读取时为 2，没有错误时为 0（警告、提示不影响）。

    示例：

    \b
        authoring validate report.yaml
        authoring validate report.yaml --ignore coverage
    """
    from authoring.errors import count_line
    from authoring.main import schema_line_note, validate_file

    problems = validate_file(yaml_file, ignore=_ignore_list(ignore))
    errors, warnings, infos = _print_problems(problems)
    note = schema_line_note(yaml_file)
    if note:
        _say(note, "yellow", stderr=True)
    if errors:
        _say(count_line(problems), "bold red", stderr=True)
        sys.exit(EXIT_ERRORS)
    tail = f"（{_counts(0, warnings, infos)}）" if warnings or infos else ""
    _say(f"{yaml_file}：校验通过，没有错误{tail}", "green")


@cli.command("render")
@click.argument("yaml_files", nargs=-1, required=True, type=_PathArg(), metavar="YAML_FILE")
@click.option("-o", "--output", type=_PathArg(),
              help="输出文件：.docx（报送用 Word 文件）、.pdf、.html（网站公开用网页）或 .txt（公开用文本）；"
                   "默认与 YAML 同名的 .docx")
@click.option("-d", "--output-dir", type=_PathArg(),
              help="批量生成：把每个 YAML（或文件夹中的每个 YAML）生成到这个文件夹，文件名与 YAML 相同")
@click.option("--as", "fmt", type=click.Choice(["docx", "pdf", "html", "txt"]), default="docx", show_default=True,
              help="批量生成（-d）时的格式")
@click.option("-j", "--processes", "jobs", type=int, default=1, show_default=True, metavar="N",
              help="批量生成时同时使用的进程数；0 表示每个 CPU 核一个")
@click.option("--templates", type=_PathArg(),
              help="自定义模板文件夹：其中的同名文件覆盖自带模板")
@click.option("--reference-doc", type=_PathArg(),
              help="参考 Word 文件：沿用其中的样式（字体、字号等），如 pandoc")
@click.option("--figures-page", is_flag=True, help="网页（.html）末尾加“图解”：年度数据的表格和条形图")
@click.option("--pages", is_flag=True, help="网页（.html）按 A4 纸分页显示，与打印效果一致（预览用）")
@click.option("--draft", is_flag=True,
              help="报告还有错误（占位符、待填数据、缺成文日期……）时仍生成草稿，并列出尚待完成的内容")
@click.option("--ignore", "ignore", multiple=True, metavar="RULE", help=_IGNORE_HELP)
@click.option("--force", is_flag=True, help="目标文件已被修改过时仍然覆盖（旧文件先备份）")
@_handle_errors
def render_cmd(yaml_files: tuple[Path, ...], output: Optional[Path], output_dir: Optional[Path], fmt: str,
               jobs: int, templates: Optional[Path], reference_doc: Optional[Path], figures_page: bool,
               pages: bool, draft: bool, ignore: tuple[str, ...], force: bool) -> None:
    """校验并生成报告：Word 文件（GB/T 9704-2012 版式）、PDF、网站公开用的网页或纯文本。

    先校验（与 validate 相同）。报告还有错误（占位符、待填数据、缺成文日期……）时不生成，列出要改的地方；
    加 --draft 则照样生成草稿，并列出尚待完成的内容。目标文件若在 Word 中修改过，默认拒绝覆盖。PDF 由 LibreOffice 转换（需要安装 LibreOffice），版式与 Word 文件相同。

    批量生成（-d 文件夹）：给多个 YAML 或文件夹，每个报告生成到 -d 指定的文件夹；某个报告有错误时只列出它（每个一行），其余照常生成。退出码：全部生成为 0，有报告未生成为 1，用法错误为 2。

    示例：

    \b
        authoring render report.yaml -o 报告.docx
        authoring render report.yaml -o 报告.pdf
        authoring render report.yaml -o 报告.html --figures-page
        authoring render report.yaml -o 报告.txt
        authoring render 各单位/ -d 输出/ -j 0
        authoring render report-2025.yaml -o 草稿.docx --draft
    """
    from authoring.errors import AuthoringError

    if output_dir is not None:
        if output is not None:
            raise AuthoringError("-o 与 -d 不能同时使用：-o 生成一个文件，-d 把多个报告生成到一个文件夹")
        _render_batch(yaml_files, output_dir, fmt, jobs, templates, reference_doc, force, draft,
                      tuple(_ignore_list(ignore)))
        return
    if len(yaml_files) > 1 or yaml_files[0].is_dir():
        raise AuthoringError("生成多个报告时请用 -d 指定输出文件夹，如：authoring render 各单位/ -d 输出/")
    from authoring.main import build_report

    result = build_report(yaml_files[0], output, templates=templates, reference_doc=reference_doc, force=force,
                          figures_page=figures_page, html_mode="pages" if pages else "publication",
                          draft=draft, ignore=_ignore_list(ignore))
    _print_problems(result.problems)
    if result.backup:
        _say(f"原文件已备份为 {result.backup}", "yellow")
    if result.left:
        _say(f"已生成草稿 {result.output}（{result.characters} 字）；还有 {len(result.left)} 个错误，"
             "改正后才能报送", "yellow")
        return
    _say(f"已生成 {result.output}（{result.characters} 字）", "green")


def _render_batch(inputs: tuple[Path, ...], folder: Path, fmt: str, jobs: int, templates: Optional[Path],
                  reference_doc: Optional[Path], force: bool, draft: bool = False,
                  ignore: tuple[str, ...] = ()) -> None:
    """render -d: one line per report that failed, a progress bar on a terminal, exit 1 if any failed."""
    from authoring.batch import collect_reports, render_many

    sources = collect_reports(inputs)
    if not sources:
        _say("没有找到报告 YAML（.yaml .yml）", "red", stderr=True)
        sys.exit(EXIT_UNREADABLE)

    def line(item: Any) -> str:
        more = f"（另有 {len(item.errors) - 1} 个错误，运行 authoring validate {item.source} 查看）" \
            if len(item.errors) > 1 else ""
        return f"未生成：{item.errors[0]}{more}"

    def failed(item: Any) -> None:
        if not item.ok:
            _say(line(item), "red", stderr=True)

    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("生成中"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=_console(stderr=True), transient=True) as bar:
            task = bar.add_task("render", total=len(sources))

            def step(item: Any) -> None:
                bar.advance(task)
                if not item.ok:  # above the bar, which stays at the bottom
                    from rich.text import Text

                    bar.console.print(Text(shown(line(item)), style="red"))

            result = render_many(sources, folder, fmt=fmt, jobs=jobs, templates=templates,
                                 reference_doc=reference_doc, force=force, on_item=step, draft=draft, ignore=ignore)
    else:
        result = render_many(sources, folder, fmt=fmt, jobs=jobs, templates=templates,
                             reference_doc=reference_doc, force=force, on_item=failed, draft=draft, ignore=ignore)
    done = len(result.items) - len(result.failed)
    tail = f"，{len(result.failed)} 个有错误未生成" if result.failed else ""
    _say(f"已生成 {done} 个报告到 {folder}{tail}", "bold red" if result.failed else "green")
    if result.failed:
        sys.exit(EXIT_ERRORS)


@cli.command("schema")
@click.argument("yaml_files", nargs=-1, type=_PathArg(), metavar="[YAML_FILE]...")
@click.option("-o", "--output", type=_PathArg(),
              help="写入文件；不给则打印到屏幕")
@click.option("--install", is_flag=True,
              help="安装到本机用户文件夹（新建的 YAML 第一行指向这里）；给出 YAML 时，把它们第一行的 $schema 改为指向这里")
@click.option("--force", is_flag=True, help="-o 的目标文件已存在且内容不同时仍然覆盖（旧文件先备份）")
@_handle_errors
def schema_cmd(yaml_files: tuple[Path, ...], output: Optional[Path], install: bool, force: bool) -> None:
    """导出报告 YAML 的 JSON Schema，供编辑器（如 VS Code 的 YAML 扩展）提示和检查。

    authoring 新建的 YAML 第一行（# yaml-language-server: $schema=…）指向安装在本机用户文件夹中的 schema，YAML 移到别处仍然有效；从别的电脑收到的 YAML，用 --install 加文件名改为指向本机（只改这一行）。

    -o 的目标文件已存在时，只在内容相同时才覆盖（如上次导出的 schema）；否则需加 --force，旧文件先备份。

    示例：

    \b
        authoring schema -o report.schema.json
        authoring schema --install
        authoring schema --install 收到的report.yaml
    """
    from authoring.errors import AuthoringError
    from authoring.main import install_schema, point_at_schema, save_output, schema_text

    if yaml_files and not install:
        raise AuthoringError("给出 YAML 文件时请加 --install：authoring schema --install report.yaml")
    if install:
        _say(f"已安装 JSON Schema：{install_schema()}", "green")
        for path in yaml_files:
            point_at_schema(path)
            _say(f"已更新 {path} 第一行的 $schema", "green")
        if output is None:
            return
    text = schema_text()
    if output is None:
        _echo(text, json=True, nl=False)
        return
    # Like every other output: `schema -o report.yaml` overwrote the report without a word.
    backup = save_output(output, text.encode("utf-8"), force=force, stamped=False)
    if backup:
        _say(f"原文件已备份为 {backup}", "yellow")
    _say(f"已写入 {output}", "green")


@cli.command("fonts")
@click.argument("yaml_file", required=False, type=_PathArg())
@click.option("--fontconfig", "write_fontconfig", is_flag=True,
              help="（Linux）写入 fontconfig 代替规则，让 LibreOffice、WPS 按表中顺序代替缺少的字体")
@_handle_errors
def fonts_cmd(yaml_file: Optional[Path], write_fontconfig: bool) -> None:
    """查看本机缺少报告所需的哪些字体，以及 Word、WPS、LibreOffice 会用什么字体代替。

    给出报告 YAML 时按其 layout.fonts 检查，否则按默认字体（仿宋_GB2312、方正小标宋简体……）。
    缺少字体时退出码为 1。

    示例：

        authoring fonts report.yaml
        authoring fonts --fontconfig
    """
    from authoring.fonts import font_report
    from authoring.main import report_layout, save_fontconfig

    layout = report_layout(yaml_file)
    statuses = font_report(layout)
    missing = [s for s in statuses if not s.installed]
    for st in statuses:
        if st.installed:
            _say(f"  {st.role_name}：{st.font}　已安装", "green")
            continue
        word = ""
        if st.word:
            word = f"Word/WPS 改用“{st.word}”" + ("" if st.word_installed else "（本机也没有）")
        lo = f"LibreOffice 用“{st.libreoffice}”" if st.libreoffice else ""
        told = "；".join(x for x in (word, lo) if x)
        _say(f"  {st.role_name}：{st.font}　未安装" + (f"，{told}" if told else ""), "yellow")
    if not missing:
        _say("报告所需的字体本机都有。", "green")
        return
    names = "、".join(dict.fromkeys(s.font for s in missing))
    _say(f"本机缺少 {names}。可以：", "bold")
    _say("  1. 安装这些字体（正版字体请向本单位信息化部门索取）；")
    suggest = [(s.role, s.suggestion) for s in missing if s.suggestion and s.role != "latin"]
    if suggest:
        _say("  2. 或在报告 YAML 中改用本机已有的字体（生成的 Word 文件将写明这些字体）：")
        _say("       layout:\n         fonts:")
        for role, font in suggest:
            _say(f"           {role}: {font}")
    no_serif = [s for s in missing if s.role in ("body", "title", "heading3") and not s.suggestion]
    if no_serif:
        _say("  本机没有任何宋体、仿宋类中文字体，正文只能用黑体类字体显示；"
             "请安装仿宋（FangSong）或 Noto Serif CJK SC（思源宋体）。", "yellow")
    if write_fontconfig:
        target = save_fontconfig(layout)
        _say(f"已写入 {target}：LibreOffice、WPS 重新启动后按上面的顺序代替缺少的字体。", "green")
    elif sys.platform.startswith("linux"):
        _say("  3. Linux 上让 LibreOffice、WPS 用相近的字体代替：authoring fonts --fontconfig")
    sys.exit(EXIT_ERRORS)


def _say_backup(written: Any) -> None:
    if written.backup is not None:
        _say(f"原文件已备份为 {written.backup}", "yellow")


@cli.command("init")
@click.option("--agency", metavar="单位全称", help="单位全称，例如：某市城市管理局")
@click.option("--year", type=int, metavar="年度", help="报告所述年度，例如：2025")
@click.option("--from", "from_", type=_PathArg(),
              help="上一年度的报告 YAML：据此起草下一年度")
@click.option("-o", "--output", type=_PathArg(),
              help="新 YAML 文件；默认 report.yaml（--from 时为 report-<新年度>.yaml）")
@click.option("--force", is_flag=True, help="目标文件已存在时覆盖（原文件先备份）")
@_handle_errors
def init_cmd(agency: Optional[str], year: Optional[int], from_: Optional[Path],
             output: Optional[Path], force: bool) -> None:
    """新建报告 YAML：带中文注释的空白模板，或由上一年度的 YAML 起草下一年度。

    --from 时：年度加一，单位、负责人、署名保留，日期清空；上一年的“下一年度安排”变为今年逐项落实的核对清单；数字保留名称、清空数值；与年份有关的表述更新或标出请核对。

    示例：

    \b
        authoring init --agency 某市城市管理局 --year 2025 -o report.yaml
        authoring init --from report-2024.yaml -o report-2025.yaml
    """
    from authoring.errors import AuthoringError
    from authoring.main import init_file, init_from_file

    if from_ is not None:
        if agency or year:
            raise AuthoringError("--from 与 --agency/--year 不能同时使用：单位和年度取自上一年度的文件")
        draft, written = init_from_file(from_, output, force=force)
        _say_backup(written)
        for change in draft.changes:
            _say(str(change), "yellow" if change.severity == "warning" else "")
        target = written.path
        _say(f"已生成 {target}（{draft.data['year']} 年度草稿）；填写后运行 authoring validate {target}", "green")
        return
    if not agency or not year:
        raise AuthoringError("请给出 --agency 单位全称 和 --year 年度，或用 --from 上一年度的 YAML")
    written = init_file(agency, year, output, force=force)
    _say_backup(written)
    _say(f"已生成 {written.path}；填写后运行 authoring validate {written.path}", "green")


@cli.command("import")
@click.argument("document", type=_PathArg())
@click.option("-o", "--output", type=_PathArg(),
              help="写入的 YAML 文件；默认与原文件同名，扩展名为 .yaml")
@click.option("--figures", is_flag=True,
              help="把正文中的数字（件、次、人、%、万元……）提到 figures: 中，正文留下 {{ figures.名称 }}")
@click.option("--force", is_flag=True, help="目标文件已存在时覆盖（原文件先备份）")
@_handle_errors
def import_cmd(document: Path, output: Optional[Path], figures: bool, force: bool) -> None:
    """把已有的报告（Word、从网站复制的文本、.md、.html）导入为报告 YAML。

    各部分按与 authoring check 相同的识别放入对应字段；无法归类的内容放在 other 中并给出警告，网页导航等非正文内容不导入、在警告中列出；缺少的部分留空并标出。

    示例：

    \b
        authoring import 2024年报告.docx -o report-2024.yaml --figures
    """
    from authoring.main import import_file

    result, written = import_file(document, output, figures=figures, force=force)
    _say_backup(written)
    target = written.path
    for warning in result.warnings:
        _say(str(warning), "yellow")
    numbers = f"，数据 {len(result.data.get('figures') or {})} 项" if figures else ""
    _say(f"已导入 {target}：{result.summary()}{numbers}；核对后运行 authoring validate {target}", "green")


@cli.command("compare")
@click.argument("old", type=_PathArg())
@click.argument("new", type=_PathArg())
@_handle_errors
def compare_cmd(old: Path, new: Path) -> None:
    """对比同一单位两个年度的报告：两年都有的数据及变化幅度，上一年度的安排在下一年度是否有对应内容。

    先给较早年度的文件。Word、文本报告先按 import --figures 导入再对比。

    示例：

    \b
        authoring compare report-2024.yaml report-2025.yaml
    """
    from authoring.compare import format_comparison
    from authoring.main import compare_reports

    _echo(format_comparison(compare_reports(old, new)), nl=False)


@cli.command("check")
@click.argument("paths", nargs=-1, required=True, type=_PathArg())
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="输出格式：table（表格，给人看）、json 或 csv（给程序用）")
@click.option("-o", "--output", type=_PathArg(),
              help="把汇总写入文件：.xlsx（Excel：汇总、问题明细、报送情况三张表）、.csv 或 .json，都是 UTF-8")
@click.option("--expect", type=_PathArg(), metavar="名单",
              help="应报送单位名单（.xlsx 第一列，或每行一个单位的 .txt）：汇总中列出未报送的单位")
@click.option("--ignore", "ignore", multiple=True, metavar="RULE", help=_IGNORE_HELP)
@click.option("--force", is_flag=True, help="汇总文件已被修改过（如在 Excel 中加了批注）时仍然覆盖（旧文件先备份）")
@click.option("-j", "--processes", "jobs", type=click.IntRange(min=0), default=1, show_default=True, metavar="N",
              help="同时使用的进程数（文件多时更快）；0 表示每个 CPU 核一个")
@_handle_errors
def check_cmd(paths: tuple[Path, ...], fmt: str, output: Optional[Path], expect: Optional[Path],
              ignore: tuple[str, ...], force: bool, jobs: int) -> None:
    """检查报告（YAML、Word、文本、Markdown、网页）：法定部分是否齐全、第一责任人职责、年度、数据、遗留内容、版式。

    可以给多个文件或文件夹；文件夹中的 .yaml .docx .txt .md .html 都会检查，每个文件一行汇总。退出码：没有错误为 0，有错误为 1，有文件无法读取为 2（其他文件照常检查）。

    示例：

    \b
        authoring check 报告.docx
        authoring check reports/ -o 汇总.xlsx --expect 名单.xlsx
        authoring check reports/ -o 汇总.csv
        authoring check 各单位/ --format csv -j 0 > 汇总.csv
        authoring check report.yaml --ignore coverage
    """
    from authoring.check import csv_chunks, exit_code, json_chunks
    from authoring.errors import AuthoringError
    from authoring.inputs import collect_paths
    from authoring.main import iter_checked

    expected: list[str] = []
    if expect is not None:
        from authoring.main import read_expected

        expected = read_expected(expect)
    files = collect_paths(paths)
    try:
        checked = iter_checked(files, ignore=ignore, jobs=jobs)
    except AuthoringError as exc:  # the only error iter_checked raises: an unknown --ignore
        _say(f"--ignore：{exc.problems[0].message}", "red", stderr=True)
        sys.exit(EXIT_UNREADABLE)
    if not files:
        _say("没有找到可检查的文件（.yaml .docx .txt .md .html）", "red", stderr=True)
        sys.exit(EXIT_UNREADABLE)
    streamed = output is None and fmt in ("json", "csv")
    if streamed:
        # Each report's row is written as soon as the file is checked and then let go: a
        # province's thousands of files in the memory of one (the table and the files -o
        # writes need every report; so does --expect).
        seen = _CheckTally(keep=bool(expected))
        with _check_progress(len(files), show=not sys.stdout.isatty()) as step:
            for text in (json_chunks if fmt == "json" else csv_chunks)(seen.watch(checked, step)):
                _echo(text, json=fmt == "json", nl=False)  # control characters shown, never obeyed
        reports: Any = seen.kept
        code = seen.exit_code
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
        from authoring.summary import summarize

        missing = summarize(reports, expected).missing
        _say(f"名单中 {len(expected)} 个单位，未报送 {len(missing)} 个" + (f"：{'、'.join(missing)}" if missing else ""),
             "bold red" if missing else "bold green")
    sys.exit(code)


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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("检查中"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task("check", total=total)

        def step(report: Any) -> Any:
            bar.advance(task)
            return report

        yield step


def _write_check_output(reports: Any, output: Path, expected: list[str], force: bool) -> None:
    """-o: the summary as a file, always UTF-8, whatever the console's code page."""
    from authoring.check import totals_line
    from authoring.main import save_summary

    backup = save_summary(reports, output, expected=expected, force=force)
    if backup:
        _say(f"原文件已备份为 {backup}", "yellow")
    _say(f"已写入 {output}（{len(reports)} 个文件：{totals_line(reports)}）", "green")
    if expected:
        from authoring.summary import summarize

        missing = summarize(reports, expected).missing
        _say(f"名单中 {len(expected)} 个单位，未报送 {len(missing)} 个" + (f"：{'、'.join(missing)}" if missing else ""),
             "bold red" if missing else "bold green")


_SEVERITY_LABELS = {"error": ("错误", "red"), "warning": ("警告", "yellow"), "info": ("提示", "cyan")}


def _print_check_report(report: Any) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from authoring.check import part_labels, totals_line

    console = _console()
    _say(f"报告：{report.file}", "bold")
    if report.unreadable:
        for f in report.findings:
            _say(f"  {f.message}", "red")
        _say(f"结论：{totals_line([report])}", "bold red")
        return
    _say(f"单位：{report.agency or '（未识别）'}　年度：{report.year or '（未识别）'}")
    labels = part_labels()
    forms = {"subsection": "（小节）", "inline": "（句中）", "preamble": "（开头段落）"}
    _say("组成部分（按出现顺序）：")
    for span in sorted(report.parts.spans, key=lambda s: (s.start, s.key)):
        where = report.place_label(span.line)
        if span.start in report.empty:  # a heading alone: not a ✓ (parts.empty says so below)
            _say(f"  ✗ {labels[span.key]}　{where}　{span.heading}（只有标题，没有内容）", "red")
            continue
        _say(f"  ✓ {labels[span.key]}{forms.get(span.form, '')}　{where}　{span.heading}",
             "green" if span.form == "heading" else "yellow")
    for key in report.missing:
        _say(f"  ✗ {labels[key]}　缺少", "red")
    if report.findings:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1), collapse_padding=True)
        for col in ("级别", "位置", "问题", "规则"):
            table.add_column(col, overflow="fold")
        for f in report.findings:
            label, style = _SEVERITY_LABELS[f.severity]
            # Text cells, not markup: a message may quote "[...]" from the report.
            table.add_row(Text(label, style=style), Text(report.place_label(f.line)), Text(shown(f.message)),
                          Text(shown(f.rule)))
        console.print(table)
    ok = report.ok
    _say(f"结论：{totals_line([report])}", "bold green" if ok else "bold red")


def _print_check_summary(reports: Any) -> None:
    import os

    from rich import box
    from rich.table import Table
    from rich.text import Text

    from authoring.check import part_columns, part_marks, totals_line

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
    from pathlib import Path

    base = os.path.commonpath([str(Path(r.file).resolve().parent) for r in reports])
    names = {r.file: os.path.relpath(Path(r.file).resolve(), base) for r in reports}
    for r in reports:
        marks = part_marks(r)
        table.add_row(Text(shown(names[r.file])), Text(shown(r.agency) if not r.unreadable else "无法读取"), str(r.year or ""),
                      *(marks[k] for k in keys), str(r.count("error")), str(r.count("warning")))
    _console().print(table)
    for r in reports:
        for f in r.findings:
            if f.severity == "info":
                continue
            where = names[r.file] + (f"：{r.place_label(f.line)}" if f.line else "")
            label, style = _SEVERITY_LABELS[f.severity]
            _say(f"{where}：{label}：{f.message}", style)
    _say(f"共检查 {len(reports)} 个文件：{totals_line(reports)}", "bold")


@cli.command("serve")
@click.argument("yaml_file", required=False, type=_PathArg())
@click.option("--port", type=int, help="端口；默认从 8765 起第一个空闲的")
@click.option("--host", help="监听的地址；默认只有本机（127.0.0.1）能访问。给出其他地址时局域网内的电脑也能访问，会有警告")
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器（打印地址，自己打开）")
@click.option("--folder", "folders", multiple=True, type=_PathArg(),
              help="工作台还可以打开、保存的文件夹（可重复）；默认只有报告所在的文件夹")
@click.option("--templates", type=_PathArg(), help="自定义模板文件夹（同 render --templates）")
@click.option("--reference-doc", type=_PathArg(), help="参考 Word 文件（同 render --reference-doc）")
@_handle_errors
def serve_cmd(yaml_file: Optional[Path], port: Optional[int], host: Optional[str], no_browser: bool,
              folders: tuple[Path, ...], templates: Optional[Path], reference_doc: Optional[Path]) -> None:
    """在浏览器中打开工作台：用表单起草报告、看排好的页面、按提示改正、生成 Word 文件，不需要命令行和 YAML。

    给出报告文件时直接打开它（文件不存在则新建）；不给时打开首页：新建、打开、导入去年的 Word 文件。
    只在本机使用；每次启动的地址都带一个口令，请用打印出的完整地址。按 Ctrl+C 停止（未保存的修改会暂存）。

    示例：

        authoring serve report-2025.yaml
        authoring serve
    """
    from authoring.web.server import prepare, run

    def create(path: Path) -> None:
        from authoring.fileio import write_atomic
        from authoring.web.form import blank_report

        # report-2025.yaml is the report on 2025; otherwise last year's, the one written now.
        named = re.search(r"(?<!\d)(20\d\d)(?!\d)", path.stem)
        year = int(named.group(1)) if named else datetime.date.today().year - 1
        write_atomic(path, blank_report("", year, str(path)).encode("utf-8"))
        _say(f"已新建 {path}（{year} 年度的空白报告）", "green")

    bind = host or "127.0.0.1"
    if host and host not in ("127.0.0.1", "localhost", "::1"):
        _say(f"警告：工作台监听 {host}，同一网络中的其他电脑也能连接（仍需要地址中的口令）。"
             "报告未公开前请只在本机使用（不加 --host）。", "bold yellow", stderr=True)
    config = prepare(yaml_file, folders=folders, host=bind, port=port, templates=templates,
                     reference_doc=reference_doc, create=create)

    def ready(url: str) -> None:
        _say(f"工作台已启动：{url}", "green")
        _say("（如果浏览器没有自动打开，请复制上面的完整地址到浏览器；按 Ctrl+C 停止）")

    run(config, open_browser=not no_browser, on_ready=ready)
    _say("工作台已停止")


# -- more commands above --


# Every command's usage line says [选项], not [OPTIONS]; its example block (示例：) keeps its lines and
# its Chinese paragraphs are not broken up by spaces (cli_text.tidy_help), whoever wrote it.
for _command in [cli, *cli.commands.values()]:
    _command.options_metavar = OPTIONS_METAVAR
    chinese_metavars(_command)
    if _command.help:
        _command.help = tidy_help(_command.help)


def main() -> None:
    """Run the command line (the installed `authoring` command enters through
    authoring.__main__.main, which tunes the start-up of the process first)."""
    fit_console()  # a GBK console or a redirect to a file there: √ for ✓, never a traceback
    cli(prog_name="authoring")
