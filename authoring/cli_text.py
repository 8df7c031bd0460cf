"""The command line's words in Chinese, and a console that never crashes on a Chinese Windows
code page. CLI-side only (imports click); the library never imports this module.

click looks up its own messages (``Usage:``, ``Options``, ``Show this message and exit.``,
``'xlsx' is not one of …``) through ``gettext.gettext`` and ``gettext.ngettext``, imported into
each of its modules. gettext's own route needs a compiled catalogue and a language chosen from
LANG/LANGUAGE, which Windows does not set; so each click module's two names are pointed at a
lookup in the table below instead: Chinese whatever the locale, and nothing else in the
process changes. (A Python table, not YAML: `authoring --help` must not load PyYAML.)
"""
from __future__ import annotations

import codecs
import sys
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types",
                  "utils", "shell_completion")


# click's messages exactly (click 8.1-8.3; tests/test_cli_text.py fails when an upgrade drops
# one). Messages that the usage-error table below rewrites (缺少参数…) are left out so that its
# patterns still match.
_MESSAGES = {
    'Usage:': '用法：',
    'Options': '选项',
    'Commands': '命令',
    'Positional arguments': '参数',
    'Show this message and exit.': '显示本帮助并退出。',
    'Show the version and exit.': '显示版本号并退出。',
    'default: {default}': '默认：{default}',
    'required': '必填',
    'Error: {message}': '错误：{message}',
    "Try '{command} {option}' for help.": '运行“{command} {option}”查看帮助。',
    'Aborted!': '已中止！',
    'Choose from:\n\t{choices}': '可选：\n\t{choices}',
    '{value} is not in the range {range}.': '{value} 不在范围 {range} 内。',
    '{name} {filename!r} does not exist.': '{name}“{filename}”不存在。',
    '{name} {filename!r} is a file.': '{name}“{filename}”是文件，不是文件夹。',
    '{name} {filename!r} is a directory.': '{name}“{filename}”是文件夹，不是文件。',
    '{name} {filename!r} is not readable.': '{name}“{filename}”无法读取。',
    '{name} {filename!r} is not writable.': '{name}“{filename}”无法写入。',
    '{name} {filename!r} is not executable.': '{name}“{filename}”无法执行。',
    'Could not open file {filename!r}: {message}': '无法打开文件“{filename}”：{message}',
    'file': '文件',
    'directory': '文件夹',
    'path': '路径',
    'integer': '整数',
    'float': '数字',
    'Do you want to continue?': '是否继续？',
}
# ngettext: (singular, plural) → one Chinese form.
_PLURALS = {
    ('{value!r} is not {choice}.',
     '{value!r} is not one of {choices}.'): '“{value}”不是可选的值（可选：{choices}）',
}
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


def usage_message(message: str) -> str:
    """A usage error of click's (English) as a clerk reads it; unknown ones as they are."""
    import re

    for pattern, chinese in _USAGE:
        match = re.match(pattern, message)
        if match:
            return chinese.format(*[g or "" for g in match.groups()])
    return message


OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."


def translate(message: str) -> str:
    """click's message in Chinese (unchanged when the table has none)."""
    return _MESSAGES.get(message, message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    """click's singular/plural message in Chinese."""
    zh = _PLURALS.get((singular, plural))
    if zh is not None:
        return zh
    return singular if n == 1 else plural


def install_chinese_click() -> None:
    """Point click's gettext lookups at the Chinese table, and give help headings a full-width
    colon (选项：) (idempotent)."""
    import importlib

    import click

    class ChineseHelpFormatter(click.HelpFormatter):
        """click's help formatter with 选项： instead of 选项:."""

        def write_heading(self, heading: str) -> None:
            self.write(f"{'':>{self.current_indent}}{heading}：\n")

    click.Context.formatter_class = ChineseHelpFormatter

    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural  # type: ignore[attr-defined]


def chinese_metavars(command: object) -> None:
    """Options without a metavar of their own show 整数 / 文字 instead of click's INTEGER / TEXT."""
    import click

    names = {id(click.INT): "整数", id(click.STRING): "文字", id(click.FLOAT): "数字"}
    for param in getattr(command, "params", []):
        if isinstance(param, click.Option) and param.metavar is None and not param.is_flag \
                and id(param.type) in names:
            param.metavar = names[id(param.type)]


# The heading of the example block of every command's --help.
EXAMPLE_HEADING = "示例："


def tidy_help(text: str) -> str:
    """A command's docstring as click should show it in Chinese: the lines of the example block
    (headed 示例：) kept as written (click's \\b), and a Chinese paragraph's lines joined without
    the space that click puts where the source wraps (Chinese has no spaces between words)."""
    paragraphs = text.split("\n\n")
    out = []
    after_example = False
    for para in paragraphs:
        lines = para.split("\n")
        stripped = [line.strip() for line in lines]
        if after_example and stripped and stripped[0] != "\b":
            # As indented as the block: click dedents the docstring by its least indented line.
            indent = lines[0][:len(lines[0]) - len(lines[0].lstrip())]
            para = indent[:4] + "\b\n" + para
        elif len(lines) > 1 and "\b" not in stripped and any(ord(c) > 0x2E80 for c in para):
            para = lines[0] + "".join(line.strip() for line in lines[1:])
        after_example = stripped[-1:] == [EXAMPLE_HEADING]
        out.append(para)
    return "\n\n".join(out)


# --- the console ---------------------------------------------------------------------------------

# Characters a GBK (cp936) console cannot show, and what it shows instead.
_SUBSTITUTES = {"✓": "√", "✔": "√", "✗": "×", "✘": "×", "•": "·", "–": "-", "\u00a0": " ",
                "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": ""}
ERRORS = "authoring-console"


def _replace(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for ch in error.object[error.start:error.end]:
        sub = _SUBSTITUTES.get(ch, "?")
        try:
            sub.encode(error.encoding)
        except (UnicodeEncodeError, LookupError):
            sub = "?"
        out.append(sub)
    return "".join(out), error.end


codecs.register_error(ERRORS, _replace)


def fit_console() -> None:
    """Make stdout and stderr replace what their code page cannot encode (✓ → √ on GBK, any
    other character → ?) instead of raising UnicodeEncodeError: on a Chinese Windows console,
    or redirected to a file there, the output is then in GBK, readable, and never a traceback.
    UTF-8 streams are left alone."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if not encoding or encoding.startswith("utf") or not hasattr(stream, "reconfigure"):
            continue
        try:
            stream.reconfigure(errors=ERRORS)
        except (ValueError, OSError, AttributeError):
            pass


