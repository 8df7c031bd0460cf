"""One error type that names the place: file, line, column and field, in Chinese."""
from __future__ import annotations

import errno
from dataclasses import dataclass, field
from typing import Iterable, Optional

from authoring.domain import FieldPath, field_label


@dataclass(frozen=True)
class Place:
    """Where something is: a file, a 1-based line and column, and the field's path in the report
    YAML (named as a clerk reads it only when printed) or, where there is no field, a label (a
    heading of the document, an option such as --ignore)."""

    file: str = ""
    line: Optional[int] = None
    column: Optional[int] = None
    path: FieldPath = ()
    label: str = ""

    @property
    def field(self) -> str:
        """How a message names the place: the label, else the field's `第一责任人（first_responsible）`."""
        return self.label or field_label(self.path)

    def prefix(self) -> str:
        """`file:line:col` as far as it is known."""
        parts = [self.file or "<输入>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One problem found in a user's input: an error (stops the job), a warning (does not), a
    hint for the drafter's attention (info), or a note of what the tool itself changed (note)."""

    message: str
    place: Place = field(default_factory=Place)
    severity: str = "error"  # "error" | "warning" | "info" | "note"
    rule: str = ""

    def __str__(self) -> str:
        where = self.place.prefix()
        label = {"warning": "警告：", "info": "提示："}.get(self.severity, "")
        if self.place.field:
            return f"{where}: {label}{self.place.field}：{self.message}"
        return f"{where}: {label}{self.message}"


class AuthoringError(Exception):
    """The project's one error type: every user-facing failure is one of these.

    `str()` reads like ``report.yaml:14:3: achievements[2].heading：必填项``. When several problems
    were collected, they are all in `problems` and all printed, one a line.
    """

    exit_code = 1

    def __init__(
        self,
        message: str = "",
        *,
        file: str = "",
        line: Optional[int] = None,
        column: Optional[int] = None,
        field: str = "",
        path: FieldPath = (),
        problems: Optional[list[Problem]] = None,
    ) -> None:
        # field: a label for the place (an option, a path named as YAML syntax); path: the field's
        # path in the report, named with its label when printed.
        self.problems: list[Problem] = list(problems or [])
        if message:
            self.problems.insert(
                0, Problem(message, Place(str(file), line, column, path, field), "error")
            )
        super().__init__(str(self))

    @property
    def errors(self) -> list[Problem]:
        """The error-level problems."""
        return [p for p in self.problems if p.severity == "error"]

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class NotReadyError(AuthoringError):
    """A report that renders but is not ready to submit (errors are left): only a draft can be made."""

    exit_code = 1
    hint = "报告还有错误，不能作为报送稿；请改正后再生成，或加 --draft 先生成草稿（草稿会列出尚待完成的内容）"


class InputError(AuthoringError):
    """A file could not be read at all (missing, unreadable, not the format it claims)."""

    exit_code = 2


class OutputError(AuthoringError):
    """An output could not be written (no permission, held open by Word, disk full, edited since)."""

    exit_code = 1


def count_line(problems: Iterable[Problem], *, nothing_written: bool = False) -> str:
    """The line under a list of problems: `发现 2 个错误、1 个警告、3 条提示` (what there is none
    of left out), and `，未生成任何文件` when the job that found them stopped before writing."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for p in problems:
        counts[p.severity if p.severity in counts else "warning"] += 1
    parts = [f"{counts['error']} 个错误" if counts["error"] else "",
             f"{counts['warning']} 个警告" if counts["warning"] else "",
             f"{counts['info']} 条提示" if counts["info"] else ""]
    line = "发现 " + ("、".join(x for x in parts if x) or "0 个错误")
    return line + ("，未生成任何文件" if nothing_written else "")


# The system's reasons in Chinese: its own words (strerror) are English.
_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    getattr(errno, "EDQUOT", errno.ENOSPC): "磁盘空间不足（超出配额）",
    errno.EFBIG: "文件超出该磁盘或系统允许的大小",
    errno.EACCES: "没有权限",
    errno.EPERM: "系统不允许这项操作",
    errno.EROFS: "该位置是只读的",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EIO: "磁盘读写出错",
    errno.EBUSY: "文件正被占用",
    errno.EEXIST: "文件已存在",
    errno.ELOOP: "路径中的链接（快捷方式）过多或成环",
    errno.EMFILE: "同时打开的文件过多",
    errno.EXDEV: "不能跨磁盘移动",
    errno.EINVAL: "文件名或路径无效",
}


def reason(exc: OSError) -> str:
    """Why an operation on a file failed, in Chinese."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return f"系统错误 {exc.errno}" if exc.errno else "系统错误"
