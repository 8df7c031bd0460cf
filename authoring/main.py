"""The library's entry points: each runs the pipeline load → validate → render → write."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from authoring.blocks import Block, Title, blocks_to_text
from authoring.errors import AuthoringError, Problem
from authoring.load import LoadedReport, load_report
from authoring.render import render_report
from authoring.validate import validate_report

PathLike = Union[str, Path]


@dataclass
class Result:
    """What a pipeline run made and noticed."""

    report: LoadedReport
    problems: list[Problem]
    blocks: list[Block] = field(default_factory=list)
    output: Optional[Path] = None
    backup: Optional[Path] = None

    @property
    def warnings(self) -> list[Problem]:
        """The warning-level problems (the run went ahead)."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def characters(self) -> int:
        """How many characters of text the rendered report holds (what a clerk would count)."""
        return sum(1 for ch in blocks_to_text(self.blocks) if not ch.isspace())


def check_report(path: PathLike) -> Result:
    """Load and validate a report YAML; raise AuthoringError with every problem if any is an error."""
    report = load_report(path)
    problems = validate_report(report)
    if any(p.severity == "error" for p in problems):
        raise AuthoringError(problems=problems)
    return Result(report, problems)


def build_blocks(path: PathLike, *, templates: Optional[PathLike] = None) -> Result:
    """Load, validate and render a report YAML to blocks."""
    result = check_report(path)
    result.blocks = render_report(result.report, templates=templates)
    return result


def build_report(
    path: PathLike,
    output: Optional[PathLike] = None,
    *,
    templates: Optional[PathLike] = None,
    reference_doc: Optional[PathLike] = None,
    force: bool = False,
) -> Result:
    """The whole job: report YAML → validated → rendered → a GB/T 9704 .docx (or .txt) file.

    Example::

        from authoring.main import build_report
        result = build_report("examples/changzhou-cgj-2024.yaml", "报告.docx")
    """
    from authoring.write import write_docx, write_text

    result = build_blocks(path, templates=templates)
    target = Path(output) if output else Path(path).with_suffix(".docx")
    data = result.report.data

    def keep_backup(backup: Path) -> None:
        result.backup = backup

    if target.suffix.lower() in (".txt", ".text"):
        result.output = write_text(result.blocks, target, force=force, on_backup=keep_backup)
        return result
    if target.suffix.lower() != ".docx":
        raise AuthoringError(
            f"不支持的输出格式“{target.suffix or '（无扩展名）'}”；请用 .docx（报送）或 .txt（公开文本）",
            file=str(target),
        )
    signature = data.get("signature") or {}
    title = next((b.text for b in result.blocks if isinstance(b, Title)), "")
    meta = {
        "title": title,
        "agency": data["agency"]["name"],
        "year": data["year"],
        "date": signature.get("date"),
    }
    result.output = write_docx(
        result.blocks,
        target,
        layout=data.get("layout"),
        reference_doc=reference_doc,
        meta=meta,
        force=force,
        on_backup=keep_backup,
    )
    return result
