"""The command line: a thin skin over the library. Each command calls one library function and
prints what it returns; every AuthoringError becomes its Chinese message and an exit code.

Heavy imports (rich, jinja2, python-docx) happen inside the commands, so that `--help` is fast.
A command whose run is longer than its definition has it in cli_<command>.py (cli_check,
cli_batch for render -d, cli_fonts, cli_serve), loaded only when it runs; every line printed
goes through cli_print.py, and click's words are cli_text.py's.
"""
from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional, TypeVar

import click

from authoring import __version__
from authoring.cli_print import (
    EXIT_ERRORS,
    EXIT_UNREADABLE,
    counts_text,
    echo,
    print_problems,
    say,
    say_backup,
)
from authoring.cli_text import (
    OPTIONS_METAVAR,
    SUBCOMMAND_METAVAR,
    chinese_metavars,
    fit_console,
    install_chinese_click,
    tidy_help,
    usage_message,
)

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
            print_problems(exc.problems)
            say(count_line(exc.problems, nothing_written=writes), "bold red", stderr=True)
            hint = getattr(exc, "hint", "")
            if hint:
                say(hint, "red", stderr=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            say("已中断，未写入任何文件", "red", stderr=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


class _Group(click.Group):
    """A click group whose usage errors are in Chinese and name the help to read."""

    def main(self, args: Any = None, prog_name: Optional[str] = None, complete_var: Optional[str] = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            value = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            message = usage_message(exc.format_message())
            command = exc.ctx.command_path if exc.ctx else "authoring"
            say(f"用法错误：{message}；运行 {command} --help 查看用法和示例", "red", stderr=True)
            sys.exit(EXIT_UNREADABLE)
        except click.Abort:
            say("已中断，未写入任何文件", "red", stderr=True)
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
            say(f"出错了：{exc.format_message()}", "red", stderr=True)
            sys.exit(exc.exit_code)
        except Exception as exc:  # noqa: BLE001 — the catch-all: no traceback ever reaches a clerk
            from authoring.crash import EXIT_INTERNAL, handle

            say(handle(exc, sys.argv[1:] if args is None else [str(a) for a in args]), "red", stderr=True)
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
    from authoring.main import validate_ignore

    try:
        return validate_ignore(ignore)
    except AuthoringError as exc:
        say(f"--ignore：{exc.problems[0].message}", "red", stderr=True)
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
    errors, warnings, infos = print_problems(problems)
    note = schema_line_note(yaml_file)
    if note:
        say(note, "yellow", stderr=True)
    if errors:
        say(count_line(problems), "bold red", stderr=True)
        sys.exit(EXIT_ERRORS)
    tail = f"（{counts_text(0, warnings, infos)}）" if warnings or infos else ""
    say(f"{yaml_file}：校验通过，没有错误{tail}", "green")


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
        from authoring.cli_batch import run_batch

        run_batch(yaml_files, output_dir, fmt, jobs, templates, reference_doc, force, draft,
                  tuple(_ignore_list(ignore)))
        return
    if len(yaml_files) > 1 or yaml_files[0].is_dir():
        raise AuthoringError("生成多个报告时请用 -d 指定输出文件夹，如：authoring render 各单位/ -d 输出/")
    from authoring.main import build_report

    result = build_report(yaml_files[0], output, templates=templates, reference_doc=reference_doc, force=force,
                          figures_page=figures_page, html_mode="pages" if pages else "publication",
                          draft=draft, ignore=_ignore_list(ignore))
    print_problems(result.problems)
    if result.backup:
        say(f"原文件已备份为 {result.backup}", "yellow")
    if result.left:
        say(f"已生成草稿 {result.output}（{result.characters} 字）；还有 {len(result.left)} 个错误，"
             "改正后才能报送", "yellow")
        return
    say(f"已生成 {result.output}（{result.characters} 字）", "green")


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
        say(f"已安装 JSON Schema：{install_schema()}", "green")
        for path in yaml_files:
            point_at_schema(path)
            say(f"已更新 {path} 第一行的 $schema", "green")
        if output is None:
            return
    text = schema_text()
    if output is None:
        echo(text, json=True, nl=False)
        return
    # Like every other output: `schema -o report.yaml` overwrote the report without a word.
    backup = save_output(output, text.encode("utf-8"), force=force, stamped=False)
    if backup:
        say(f"原文件已备份为 {backup}", "yellow")
    say(f"已写入 {output}", "green")


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
    from authoring.cli_fonts import run_fonts

    run_fonts(yaml_file, write_fontconfig)


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
        say_backup(written)
        for change in draft.changes:
            say(str(change), "yellow" if change.severity == "warning" else "")
        target = written.path
        say(f"已生成 {target}（{draft.data['year']} 年度草稿）；填写后运行 authoring validate {target}", "green")
        return
    if not agency or not year:
        raise AuthoringError("请给出 --agency 单位全称 和 --year 年度，或用 --from 上一年度的 YAML")
    written = init_file(agency, year, output, force=force)
    say_backup(written)
    say(f"已生成 {written.path}；填写后运行 authoring validate {written.path}", "green")


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
    say_backup(written)
    target = written.path
    for warning in result.warnings:
        say(str(warning), "yellow")
    numbers = f"，数据 {len(result.data.get('figures') or {})} 项" if figures else ""
    say(f"已导入 {target}：{result.summary()}{numbers}；核对后运行 authoring validate {target}", "green")


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

    echo(format_comparison(compare_reports(old, new)), nl=False)


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
    from authoring.cli_check import run_check

    run_check(paths, fmt, output, expect, ignore, force, jobs)


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
    from authoring.cli_serve import run_serve

    run_serve(yaml_file, port, host, no_browser, folders, templates, reference_doc)



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
