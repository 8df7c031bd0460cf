"""One error type that names the place: file, line, column and field, in Chinese."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Place:
    """Where something is: a file, a 1-based line and column, and a field path or heading."""

    file: str = ""
    line: Optional[int] = None
    column: Optional[int] = None
    field: str = ""

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
        problems: Optional[list[Problem]] = None,
    ) -> None:
        self.problems: list[Problem] = list(problems or [])
        if message:
            self.problems.insert(
                0, Problem(message, Place(str(file), line, column, field), "error")
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
