"""The workbench's state and what every page does with it: how the server was started, the
reports open, the page templates, and what the page gets after each change (problems beside
their fields, the preview, the form). The handlers (web/routes_*.py) call these.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from authoring import __version__
from authoring.errors import AuthoringError
from authoring.web import form as forms
from authoring.web import pipeline
from authoring.web.security import Folders
from authoring.web.workspace import OpenReport, Workspace

_HERE = Path(__file__).resolve().parent


@dataclass
class Config:
    """How the server was started."""

    folders: Folders
    token: str
    port: int
    host: str = "127.0.0.1"
    report: Optional[Path] = None
    templates: Optional[Path] = None
    reference_doc: Optional[Path] = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Told the message of a request that failed in a way nobody foresaw (authoring serve: a line
    # in the console window); the page gets it too.
    on_error: Optional[Callable[[str], None]] = None


class Workbench:
    """The application: configuration, open reports and the page templates."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.workspace = Workspace()
        self.env = Environment(loader=FileSystemLoader(str(_HERE / "templates")),
                               autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
        from authoring.render import point_label

        self.env.globals.update(version=__version__, path_key=forms.path_key, point_label=point_label)
        self.env.filters["json_path"] = forms.path_key
        self.batches: dict[str, list[Any]] = {}
        self.notes: dict[Path, dict[str, Any]] = {}
        self._last_year: dict[Path, tuple[int, Any]] = {}
        self._places: dict[Path, dict[str, str]] = {}  # each open report's form: data-path → place
        self._pool: Any = None
        # The fonts this machine has, for the preview's note on the faces it is drawn in: read
        # once, beside the first page (on Windows the font files themselves are read).
        self.families: Optional[set[str]] = None
        import threading

        threading.Thread(target=self._read_families, daemon=True).start()

    def _read_families(self) -> None:
        from authoring.fonts import installed_families

        try:
            self.families = installed_families()
        except Exception:  # noqa: BLE001 - a thread's failure would print a traceback to the clerk
            self.families = None  # the preview then names no fonts; nothing else depends on them

    async def run_check(self, raw: bytes, name: str) -> Any:
        """Check one upload in a worker process: a batch of a hundred files keeps one core busy
        and leaves the other to the page the clerk is typing in. A worker that died (killed, out
        of memory) is replaced, and the file tried once more in the new one: otherwise every
        file after it would fail too. The worker is a fresh process (spawned, as on Windows),
        not a fork of the server: a fork holds a copy of every connection open at that moment,
        so a connection the server then closed stayed open, and the browser's next page sent on
        it never came (the page hung after 检查 until the browser gave up)."""
        import asyncio
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        loop = asyncio.get_running_loop()
        for _ in range(2):
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            pool = self._pool
            try:
                return await loop.run_in_executor(pool, pipeline.check_upload, raw, name)
            except BrokenProcessPool:
                if self._pool is pool:  # the other file checked at the same time may have replaced it
                    self._pool = None
                pool.shutdown(wait=False)
        raise AuthoringError("检查这个文件时，后台检查进程两次意外退出（可能是内存不足）；其他文件照常检查。"
                             "请关闭其他程序后再拖入这个文件，或用命令 authoring check 单独检查它", file=name)

    def close(self) -> None:
        """Stop the worker process."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    # -- helpers ----------------------------------------------------------------------------

    def page(self, name: str, **context: Any) -> HTMLResponse:
        """A rendered page, never cached (it shows the file's state now)."""
        body = self.env.get_template(name).render(**context)
        return HTMLResponse(body, headers={"cache-control": "no-store"})

    def report_for(self, name: str) -> OpenReport:
        """The open report a request names (refused outside the allowed folders)."""
        path = self.config.folders.resolve(name)
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise AuthoringError("只能打开报告 YAML 文件（.yaml）", file=name)
        return self.workspace.open(path)

    def display_name(self, path: Path) -> str:
        """A file as the page names it: relative to the first folder when inside it."""
        try:
            return path.relative_to(self.config.folders.home).as_posix()
        except ValueError:
            return str(path)

    def state(self, report: OpenReport) -> dict[str, Any]:
        """The file's state for the page's status line."""
        recovery = report.recovery() if not report.dirty else None
        return {
            "file": self.display_name(report.path),
            "dirty": report.dirty,
            "unkept": report.unkept if report.dirty else None,
            "changed_on_disk": report.changed_on_disk(),
            "recovery": {"saved_at": str(recovery["saved_at"]).replace("T", " "),
                         "disk_changed": recovery["disk_changed"]} if recovery else None,
        }

    def analysis(self, report: OpenReport) -> pipeline.Analysis:
        """Validate and render the page's text now."""
        loaded = report.doc.loaded(encoding=report.encoding) if report.doc is not None else None
        templates = str(self.config.templates) if self.config.templates else None
        try:
            return pipeline.analyze(loaded, report.load_error, templates=templates)
        except AuthoringError as exc:
            return pipeline.Analysis(list(exc.problems))

    def form(self, report: OpenReport) -> list[forms.Field]:
        """The form over the report's data."""
        if report.doc is None or not isinstance(report.doc.data, dict):
            return []
        from authoring.render import part_order
        return forms.build_form(report.doc.data, part_order(report.doc.data), self.part_labels(report))

    def part_labels(self, report: OpenReport) -> dict[str, str]:
        """The parts named as printed: 一、主要举措和成效 … in the report's order."""
        from authoring.render import chinese_number, part_order
        from authoring.validate import schema_document

        schema = schema_document()
        data = report.doc.data if report.doc is not None and isinstance(report.doc.data, dict) else {}
        out = {}
        for i, key in enumerate(part_order(data), 1):
            title = (schema.get(key, {}).get("meta") or {}).get("title", key)
            out[key] = f"{chinese_number(i)}、{title}"
        return out

    def part_label(self, key: str) -> str:
        """What a clerk calls a part (主要举措和成效)."""
        from authoring.check import part_labels

        return part_labels().get(key, key)

    def last_year(self, report: OpenReport) -> Optional[dict[str, Any]]:
        """Last year's report data, for a draft made by init --from whose source is beside it."""
        from authoring.draft import draft_source

        source = draft_source(report.text)
        if source is None:
            return None
        path = report.path.with_name(source[0])
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            return None
        cached = self._last_year.get(path)
        if cached is None or cached[0] != mtime:
            from authoring.main import load_report

            try:
                data = load_report(path).data
            except AuthoringError:
                return None
            cached = self._last_year[path] = (mtime, data)
        return cached[1] if isinstance(cached[1], dict) else None

    def problems_json(self, analysis: pipeline.Analysis, places: dict[str, str]) -> list[dict[str, Any]]:
        """The validator's problems for the page: message, severity, where, and the field each
        is shown beside (`places`: every field's data-path → its labels, forms.field_places)."""
        keys = places.keys()
        out = []
        for p in analysis.problems:
            path = forms.problem_path(p)
            at = forms.anchor(path, keys)
            out.append({
                "where": places.get(at, ""),
                "severity": p.severity,
                "message": pipeline.form_wording(p),
                "field": p.place.field,
                "line": p.place.line,
                "column": p.place.column,
                "anchor": at,
                "text": str(p),
            })
        return out

    def render_form(self, report: OpenReport, fields: list[forms.Field]) -> str:
        """The form's HTML (the editor page's left side)."""
        if report.doc is None or not isinstance(report.doc.data, dict):
            # The text does not parse (or is not a report's mapping): nothing to show as fields;
            # the problem above says where, and the YAML tab is where to mend it.
            return self.env.get_template("form_broken.html").render()
        data = report.doc.data
        figure_notes = self.figure_notes(report, data)
        return self.env.get_template("form.html").render(fields=fields, doc=report.doc, notes=figure_notes)

    def figure_notes(self, report: OpenReport, data: Any) -> dict[str, dict[str, Any]]:
        """For each figure: the comment beside it (its 说明) and last year's value where the
        file came from `init --from`."""
        from authoring.draft import figure_note

        out: dict[str, dict[str, Any]] = {}
        figures = data.get("figures") if isinstance(data, dict) else None
        if report.doc is None or not isinstance(figures, dict):
            return out
        for name in figures:
            try:
                comment = report.doc.comment(("figures", name))
            except AuthoringError:
                comment = ""
            out[str(name)] = {"comment": comment, "last_year": figure_note(comment)}
        return out

    def update(self, report: OpenReport, *, with_form: bool, same_shape: bool = False) -> dict[str, Any]:
        """What the page needs after a change: problems, preview, state, and the form if asked.
        same_shape: the change only set values (typing), so the form has the same fields as
        after the last update and their places are taken from then (a walk of the form less
        per keystroke)."""
        analysis = self.analysis(report)
        places = self._places.get(report.path) if same_shape and not with_form else None
        fields: list[forms.Field] = []
        if places is None:
            fields = self.form(report)
            places = self._places[report.path] = forms.field_places(fields)
        out: dict[str, Any] = {"ok": True, "problems": self.problems_json(analysis, places),
                               "errors": analysis.errors, "warnings": analysis.warnings, "notes": analysis.notes,
                               "state": self.state(report), "yaml_ok": report.doc is not None}
        if analysis.blocks is not None:
            layout = analysis.report.data.get("layout") if analysis.report else None
            out["preview"] = pipeline.preview_html(analysis.blocks, layout if isinstance(layout, dict) else None)
            if self.families is not None:
                out["fonts"] = pipeline.preview_fonts(layout if isinstance(layout, dict) else None, self.families)
        if with_form:
            out["form"] = self.render_form(report, fields or self.form(report))
        data = report.doc.data if report.doc is not None else None
        if isinstance(data, dict) and isinstance(data.get("figures"), dict):
            # for the "＝ 数据表中 … 的数值" beside the counts that name a figure
            out["figure_values"] = {str(k): ("待填" if v is None else str(v)) for k, v in data["figures"].items()}
        old = self.last_year(report)
        if old is not None and report.doc is not None and isinstance(report.doc.data, dict):
            keys = places.keys()
            checklist = pipeline.plans_checklist(old, report.doc.data)
            for item in checklist:
                source = item.pop("source")
                item["anchor"] = forms.anchor(source, keys) if source else ""
            out["checklist"] = checklist
        return out


def write_new(target: Path, text: str) -> None:
    """A new report YAML: never over an existing file (the clerk is told to pick another name)."""
    from authoring.fileio import write_atomic

    if target.exists():
        raise AuthoringError("已有同名的文件；请换一个文件名，或在“打开报告”中打开它", file=target.name)
    write_atomic(target, text.encode("utf-8"))


def free_name(folder: Path, stem: str, suffix: str) -> Path:
    """The first name not taken in a folder: 报告.yaml, 报告-2.yaml, 报告-3.yaml …"""
    candidate = folder / f"{stem}{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def workbench_of(request: Request) -> Workbench:
    """The workbench a request is served by (build_app keeps it in the application's state)."""
    wb: Workbench = request.app.state.workbench
    return wb
