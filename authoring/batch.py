"""Many reports at once: every YAML given (or found in the folders given) rendered into one
folder, in one process or on several cores, each failure kept to its own report; and many files
checked on several cores (`check -j N`), each report back in the order given."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional, Sequence, Union

from .errors import AuthoringError, InputError
from . import main
from .main import build_report

if TYPE_CHECKING:
    from .check import CheckReport

__all__ = ["BatchItem", "BatchResult", "check_many", "collect_reports", "plan_outputs", "render_many", "FORMATS"]

FORMATS = ("docx", "pdf", "html", "txt")
PathLike = Union[str, Path]


@dataclass(frozen=True)
class BatchItem:
    """One report of a batch: what was rendered where, or why not."""

    source: str
    output: str = ""
    characters: int = 0
    warnings: int = 0
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """The report was rendered."""
        return not self.errors


@dataclass
class BatchResult:
    """Every report of a batch, in the order given."""

    items: list[BatchItem] = field(default_factory=list)

    @property
    def failed(self) -> list[BatchItem]:
        """The reports that were not rendered."""
        return [i for i in self.items if not i.ok]


def collect_reports(paths: Iterable[PathLike]) -> list[Path]:
    """The report YAMLs: files as given, folders expanded to the .yaml/.yml files inside them
    (sub-folders too; hidden files and editors' backups left out), each once."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file()
                              and f.suffix.lower() in (".yaml", ".yml")
                              and not f.name.startswith((".", "~$"))))
        else:
            out.append(p)
    seen: set[str] = set()
    unique = []
    for p in out:
        key = os.path.normcase(os.path.abspath(p))
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def plan_outputs(sources: Sequence[Path], folder: Path, fmt: str) -> list[Path]:
    """Where each report goes: <folder>/<name>.<fmt>; two reports of the same name (a/report.yaml,
    b/report.yaml) get their folder's name in front, so that neither overwrites the other."""
    stems = [s.stem for s in sources]
    out = []
    for s in sources:
        name = s.stem if stems.count(s.stem) == 1 else f"{s.parent.name or 'report'}-{s.stem}"
        out.append(folder / f"{name}.{fmt}")
    taken: dict[str, int] = {}
    final = []
    for p in out:  # still the same (a/x/r.yaml, b/x/r.yaml): number them
        key = os.path.normcase(str(p))
        n = taken.get(key, 0)
        taken[key] = n + 1
        final.append(p if n == 0 else p.with_name(f"{p.stem}-{n + 1}{p.suffix}"))
    return final


_Job = tuple[str, str, Optional[str], Optional[str], bool, bool, tuple[str, ...]]


def _render_one(job: _Job) -> BatchItem:
    """Render one report (in a worker process, or in this one): never raises for a bad report.
    A report with errors left is not made unless `draft` (the same decision as render's)."""
    source, target, templates, reference_doc, force, draft, ignore = job
    try:
        result = build_report(source, target, templates=templates, reference_doc=reference_doc,
                              force=force, draft=draft, ignore=ignore)
    except AuthoringError as exc:
        errors = tuple(str(p) for p in exc.problems if p.severity == "error") or (str(exc),)
        return BatchItem(source, errors=errors)
    except Exception as exc:  # noqa: BLE001 — one broken report must not stop the batch
        return BatchItem(source, errors=(f"{source}: 生成时出错（{type(exc).__name__}: {exc}），"
                                         "请把这个文件反馈给维护者",))
    return BatchItem(source, str(result.output), result.characters, len(result.warnings))


def render_many(sources: Sequence[PathLike], folder: PathLike, *, fmt: str = "docx",
                jobs: int = 1, templates: Optional[PathLike] = None,
                reference_doc: Optional[PathLike] = None, force: bool = False,
                on_item: Optional[Callable[[BatchItem], None]] = None, draft: bool = False,
                ignore: Sequence[str] = ()) -> BatchResult:
    """Render every report into `folder` as `fmt`, with `jobs` processes (0: one per core);
    on_item is called as each report is done (for a progress bar)."""
    if fmt not in FORMATS:
        raise AuthoringError(f"不支持的格式“{fmt}”；可选：{'、'.join(FORMATS)}")
    out_dir = Path(folder)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("-d 应为文件夹，这是一个文件", file=str(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [Path(s) for s in sources]
    targets = plan_outputs(paths, out_dir, fmt)
    work: list[_Job] = [(str(s), str(t), str(templates) if templates else None,
                         str(reference_doc) if reference_doc else None, force, draft, tuple(ignore))
                        for s, t in zip(paths, targets)]
    workers = (os.cpu_count() or 1) if jobs <= 0 else jobs
    workers = max(1, min(workers, len(work)))
    result = BatchResult()
    for item in _run(work, workers):
        result.items.append(item)
        if on_item is not None:
            on_item(item)
    return result


def _run(work: list[_Job], workers: int) -> Iterator[BatchItem]:
    if workers == 1:
        for job in work:
            yield _render_one(job)
        return
    # Chunks of a few reports per task: a process pool pays for each task it hands out, and a
    # report takes only ~15 ms; small enough chunks still keep the progress bar moving.
    chunk = max(1, min(16, len(work) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_render_one, work, chunksize=chunk)


def check_many(files: Sequence[PathLike], ignore: tuple[str, ...], workers: int) -> Iterator[CheckReport]:
    """Each file's report (main.check_path), in the order given, as soon as it is checked on one
    of `workers` processes."""
    # Chunks of a few files per task: a pool pays for each task it hands out (pickling the
    # report back is most of it), and a Word file takes only 5-15 ms to check.
    chunk = max(1, min(16, len(files) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_check_one, [(str(p), ignore) for p in files], chunksize=chunk)


def _check_one(job: tuple[str, tuple[str, ...]]) -> CheckReport:
    """check_path in a worker process (a module-level function, so that it pickles)."""
    return main.check_path(job[0], job[1])
