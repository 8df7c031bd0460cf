"""The workbench's pages and the requests they make (Starlette): a thin skin over the library.

Pages are rendered on the server (Jinja2); the page's script sends each edit as a small JSON
request and puts back what comes: the preview, the validator's problems, and the form when its
shape changed. Every handler calls the library through pipeline.py, the form through form.py,
and the file through workspace.py.
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote, unquote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from authoring import __version__
from authoring.errors import AuthoringError, Problem
from authoring.fileio import OverwriteRefused
from authoring.web import form as forms
from authoring.web import pipeline
from authoring.web.security import Folders, Guard
from authoring.web.workspace import Conflict, OpenReport, Workspace

_HERE = Path(__file__).resolve().parent

# The files the page may offer for download: what the tool writes, nothing else.
DOWNLOADABLE = {".docx", ".txt", ".html", ".pdf", ".csv", ".xlsx", ".yaml", ".yml"}
_MEDIA = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".yaml": "text/yaml; charset=utf-8",
    ".yml": "text/yaml; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


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
        and leaves the other to the page the clerk is typing in."""
        import asyncio
        from concurrent.futures import ProcessPoolExecutor

        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, pipeline.check_upload, raw, name)

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
                "message": p.message,
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


def _write_new(target: Path, text: str) -> None:
    """A new report YAML: never over an existing file (the clerk is told to pick another name)."""
    from authoring.fileio import write_atomic

    if target.exists():
        raise AuthoringError("已有同名的文件；请换一个文件名，或在“打开报告”中打开它", file=target.name)
    write_atomic(target, text.encode("utf-8"))


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    """The first name not taken in a folder: 报告.yaml, 报告-2.yaml, 报告-3.yaml …"""
    candidate = folder / f"{stem}{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def _opt(path: Optional[Path]) -> Optional[str]:
    return str(path) if path is not None else None


def _problems(exc: AuthoringError) -> list[dict[str, Any]]:
    return [{"severity": p.severity, "message": p.message, "field": p.place.field, "line": p.place.line,
             "text": str(p)} for p in (exc.problems or [Problem(str(exc))])]


def _error(exc: AuthoringError, status: int = 400, **extra: Any) -> JSONResponse:
    return JSONResponse({"ok": False, "problems": _problems(exc), **extra}, status_code=status)


def build_app(config: Config) -> Guard:  # noqa: C901 — the workbench's routes: issue 10 splits them
    """The ASGI application, guarded by the run's secret and the Host/Origin checks."""
    wb = Workbench(config)

    async def json_body(request: Request, limit: int = 4 * 1024 * 1024) -> Any:
        raw = await _read_limited(request, limit)
        import json

        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise AuthoringError("请求内容不是有效的 JSON") from None

    async def home(request: Request) -> Response:
        if config.report is not None and "start" not in request.query_params:
            return RedirectResponse(f"/edit?file={quote(wb.display_name(config.report))}", status_code=303)
        files = []
        for p in config.folders.reports():
            st = p.stat()
            files.append({"name": wb.display_name(p),
                          "modified": _dt.datetime.fromtimestamp(st.st_mtime).strftime("%Y-%m-%d %H:%M")})
        return wb.page("start.html", files=files, folders=[str(r) for r in config.folders.roots],
                       year=_dt.date.today().year - 1)

    async def edit(request: Request) -> Response:
        name = request.query_params.get("file", "")
        try:
            report = wb.report_for(name)
        except AuthoringError as exc:
            return wb.page("error.html", problems=_problems(exc))
        with report.lock:
            update = wb.update(report, with_form=True)
        form_html = update.pop("form")
        return wb.page("edit.html", file=wb.display_name(report.path), update=update, form_html=form_html,
                       pdf=pipeline.pdf_available(),
                       text=report.text, folder=str(report.path.parent), note=wb.notes.pop(report.path, None))

    async def api_edit(request: Request) -> Response:
        import time

        started, cpu = time.perf_counter(), time.thread_time()
        response = await _api_edit(request)
        # The server's own time for the edit (wall and CPU), for the page's developer tools and
        # for benchmarks/workbench.py.
        response.headers["server-timing"] = (f"edit;dur={(time.perf_counter() - started) * 1000:.1f}, "
                                             f"cpu;dur={(time.thread_time() - cpu) * 1000:.1f}")
        return response

    async def _api_edit(request: Request) -> Response:
        body = await json_body(request)
        try:
            report = wb.report_for(str(body.get("file", "")))
        except AuthoringError as exc:
            return _error(exc, 404)
        edits = body.get("edits") or []
        structural = False
        with report.lock:
            if report.doc is None:
                return _error(AuthoringError("文件现在无法解析，请先在“YAML”页中改正"), 409)
            refused: list[dict[str, Any]] = []
            for e in edits:
                if e.get("op") not in ("set", "comment"):
                    structural = True
                try:
                    forms.apply_edit(report.doc, e)
                except AuthoringError as exc:
                    # This edit was refused (the others still count); the page gets the form
                    # back as the file is, and says so.
                    refused += _problems(exc)
            report.changed()
            out = wb.update(report, with_form=structural or bool(refused) or bool(body.get("form")),
                            same_shape=not structural and not refused)
            if refused:
                out.update(ok=False, refused=refused)
            return JSONResponse(out)

    async def api_yaml(request: Request) -> Response:
        body = await json_body(request)
        report = wb.report_for(str(body.get("file", "")))
        text = body.get("text")
        if not isinstance(text, str):
            return _error(AuthoringError("缺少 YAML 文字"))
        with report.lock:
            report.set_text(text)
            report.changed()
            return JSONResponse(wb.update(report, with_form=True))

    async def api_state(request: Request) -> Response:
        report = wb.report_for(request.query_params.get("file", ""))
        with report.lock:
            out = wb.state(report)
            if request.query_params.get("text"):
                out["text"] = report.text
            return JSONResponse(out)

    async def api_save(request: Request) -> Response:
        body = await json_body(request)
        report = wb.report_for(str(body.get("file", "")))
        with report.lock:
            try:
                report.save()
            except Conflict as exc:
                return _error(exc, 409, conflict=True)
            except AuthoringError as exc:
                return _error(exc, 500)
            return JSONResponse({"ok": True, "state": wb.state(report)})

    async def api_reload(request: Request) -> Response:
        body = await json_body(request)
        report = wb.report_for(str(body.get("file", "")))
        with report.lock:
            report.reload()
            return JSONResponse({**wb.update(report, with_form=True), "text": report.text})

    async def api_keep_both(request: Request) -> Response:
        body = await json_body(request)
        report = wb.report_for(str(body.get("file", "")))
        with report.lock:
            old = report.path
            target = report.save_copy()
            wb.workspace.rename(report, old)
            name = wb.display_name(target)
            return JSONResponse({"ok": True, "file": name, "url": f"/edit?file={quote(name)}",
                                 "message": f"本页的修改已另存为 {target.name}；{old.name} 保留了其他人的修改"})

    async def api_restore(request: Request) -> Response:
        body = await json_body(request)
        report = wb.report_for(str(body.get("file", "")))
        with report.lock:
            if body.get("discard"):
                report.drop_recovery()
            else:
                report.restore()
            return JSONResponse({**wb.update(report, with_form=True), "text": report.text})

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        root = _HERE / "static"
        target = (root / name).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return Response("找不到", status_code=404)
        return Response(target.read_bytes(), media_type=_MEDIA.get(target.suffix, "application/octet-stream"),
                        headers={"cache-control": "no-cache"})

    async def download(request: Request) -> Response:
        name = request.query_params.get("file", "")
        try:
            path = config.folders.resolve(name)
        except AuthoringError as exc:
            return _error(exc, 403)
        if path.suffix.lower() not in DOWNLOADABLE or not path.is_file():
            return _error(AuthoringError("没有这个文件", file=name), 404)
        return Response(path.read_bytes(), media_type=_MEDIA.get(path.suffix.lower(), "application/octet-stream"),
                        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(path.name)}",
                                 "cache-control": "no-store"})

    async def api_deliver(request: Request) -> Response:
        body = await json_body(request)
        report = wb.report_for(str(body.get("file", "")))
        kind = str(body.get("kind", "docx"))
        if kind not in pipeline.DELIVERABLES:
            return _error(AuthoringError(f"不认识的输出格式：{kind}"))
        with report.lock:
            if report.doc is None:
                return _error(report.load_error or AuthoringError("文件无法解析"), 400)
            loaded = report.doc.loaded(encoding=report.encoding)
            suffix = pipeline.DELIVERABLES[kind]
            target = report.path.with_suffix(suffix)
            if body.get("as_new"):  # keep both: the edited file stays, this one takes a free name
                target = _free_name(report.path.parent, report.path.stem, suffix)
        try:
            data = pipeline.deliverable(loaded, kind, templates=_opt(config.templates),
                                        reference_doc=_opt(config.reference_doc))
        except AuthoringError as exc:
            return _error(exc, 400)
        try:
            backup = pipeline.save_deliverable(target, data, kind, force=bool(body.get("force")))
        except OverwriteRefused as exc:
            # The command line's guard, said as the page offers it: buttons, not -o and --force.
            from authoring.fileio import backup_path

            other = _free_name(target.parent, target.stem, suffix)
            message = (f"{target.name}：{exc.why}可以覆盖它（原文件先备份为 {backup_path(target).name}），"
                       f"或把这次生成的另存为 {other.name}，两份都保留。")
            return JSONResponse({"ok": False, "guarded": True, "as_new": other.name,
                                 "problems": [{"severity": "error", "message": message, "field": "",
                                               "line": None, "text": message}]}, status_code=409)
        except AuthoringError as exc:
            return _error(exc, 500)
        name = wb.display_name(target)
        message = f"已生成 {target.name}（保存在 {target.parent}）"
        if backup is not None:
            message += f"；原文件已备份为 {Path(backup).name}"
        return JSONResponse({"ok": True, "file": name, "message": message,
                             "backup": Path(backup).name if backup else None})

    async def api_new(request: Request) -> Response:
        body = await json_body(request)
        agency, year = str(body.get("agency") or "").strip(), body.get("year")
        name = str(body.get("name") or f"report-{year}.yaml").strip()
        if not name.lower().endswith((".yaml", ".yml")):
            name += ".yaml"
        target = config.folders.resolve(name)
        if not isinstance(year, int) or isinstance(year, bool):
            return _error(AuthoringError("请填写报告年度（四位数字）", field="year"))
        text = forms.blank_report(agency, year, str(target))
        _write_new(target, text)
        shown = wb.display_name(target)
        return JSONResponse({"ok": True, "file": shown, "url": f"/edit?file={quote(shown)}"})

    async def check_page(request: Request) -> Response:
        from authoring.check import part_columns

        columns = [(k, v) for k, v in part_columns().items() if k != "other"]
        return wb.page("check.html", columns=columns)

    async def api_check(request: Request) -> Response:
        name = file_name(request.headers.get("x-filename"))
        raw = await _read_limited(request, pipeline.upload_limit(name))
        report = await wb.run_check(raw, name)
        batch = request.query_params.get("batch", "")
        wb.batches.setdefault(batch, []).append(report)
        while len(wb.batches) > 20:  # the oldest batches go; a page keeps its own rows
            wb.batches.pop(next(iter(wb.batches)))
        return JSONResponse({"ok": True, "report": pipeline.check_row(report)})

    async def api_check_summary(request: Request) -> Response:
        batch = wb.batches.get(request.query_params.get("batch", ""), [])
        fmt = "xlsx" if request.query_params.get("format") == "xlsx" else "csv"
        if not batch:
            return _error(AuthoringError("这一批还没有检查过任何文件"), 404)
        data = pipeline.summary_bytes(batch, fmt)
        name = f"检查汇总.{fmt}"
        return Response(data, media_type=_MEDIA[f".{fmt}"], headers={
            "content-disposition": f"attachment; filename*=UTF-8''{quote(name)}", "cache-control": "no-store"})

    async def api_import(request: Request) -> Response:
        given = request.query_params.get("path")
        if given:
            # A file already in one of the folders, named instead of uploaded.
            from authoring.inputs import read_document_file

            source = config.folders.resolve(given)
            raw, _kind = read_document_file(source)
            name = source.name
        else:
            name = file_name(request.headers.get("x-filename"))
            raw = await _read_limited(request, pipeline.upload_limit(name))
        stem = name.rsplit(".", 1)[0] or "导入的报告"
        target = _free_name(config.folders.home, stem, ".yaml")
        result = pipeline.import_upload(raw, name, figures=bool(request.query_params.get("figures")),
                                        output=str(target))
        _write_new(target, result.yaml_text)
        # the parts as the YAML has them, in its order (what the command line says too)
        items = [f"已导入 {name}：{result.summary()}。请逐项核对（标有“请核对”的是导入时拿不准的地方）。"]
        items += [p.message for p in result.warnings]
        items.append("要以这份报告为基础起草下一年度的报告，点上方的“起草下一年度”。")
        wb.notes[target] = {"title": "导入说明", "items": items}
        shown = wb.display_name(target)
        return JSONResponse({"ok": True, "file": shown, "url": f"/edit?file={quote(shown)}"})

    async def api_next_year(request: Request) -> Response:
        body = await json_body(request)
        report = wb.report_for(str(body.get("file", "")))
        with report.lock:
            if report.doc is None:
                return _error(report.load_error or AuthoringError("文件无法解析"))
            loaded = report.doc.loaded(encoding=report.encoding)
            year = loaded.data.get("year")
            target = report.path.with_name(f"report-{year + 1}.yaml") if isinstance(year, int) else None
        if target is None or not isinstance(year, int):
            return _error(AuthoringError("需要年度（year: 2024 这样的四位数字）才能起草下一年度", field="year"))
        if target.exists():
            return _error(AuthoringError(f"已有 {target.name}；请直接打开它，或先把它改名", file=target.name), 409)
        draft = pipeline.next_year(loaded, str(target))
        _write_new(target, draft.yaml_text)
        items = [f"已由 {report.path.name} 起草 {target.name}（{year + 1} 年度）。"]
        items += [p.message for p in draft.changes]
        wb.notes[target] = {"title": "起草下一年度", "items": items}
        shown = wb.display_name(target)
        return JSONResponse({"ok": True, "file": shown, "url": f"/edit?file={quote(shown)}"})

    routes = [
        Route("/", home),
        Route("/edit", edit),
        Route("/static/{name:path}", static),
        Route("/download", download),
        Route("/api/edit", api_edit, methods=["POST"]),
        Route("/api/yaml", api_yaml, methods=["POST"]),
        Route("/api/state", api_state),
        Route("/api/save", api_save, methods=["POST"]),
        Route("/api/reload", api_reload, methods=["POST"]),
        Route("/api/keep-both", api_keep_both, methods=["POST"]),
        Route("/api/restore", api_restore, methods=["POST"]),
        Route("/api/deliver", api_deliver, methods=["POST"]),
        Route("/api/new", api_new, methods=["POST"]),
        Route("/api/import", api_import, methods=["POST"]),
        Route("/api/next-year", api_next_year, methods=["POST"]),
        Route("/check", check_page),
        Route("/api/check", api_check, methods=["POST"]),
        Route("/api/check/summary", api_check_summary),
    ]

    async def on_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, AuthoringError):
            return _error(exc, 400)
        raise exc

    app = Starlette(routes=routes, exception_handlers={AuthoringError: on_error})
    app.state.workbench = wb
    return Guard(app, token=config.token, port=config.port, host=config.host)


async def _read_limited(request: Request, limit: int) -> bytes:
    """A request's body, refused past `limit` bytes (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise AuthoringError(f"上传的内容过大（{int(declared) / 1024 / 1024:.1f} MB），上限为 {limit // 1024 // 1024} MB")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise AuthoringError(f"上传的内容过大，上限为 {limit // 1024 // 1024} MB")
        chunks.append(chunk)
    return b"".join(chunks)


def file_name(header: Optional[str]) -> str:
    """An uploaded file's name from the X-Filename header (percent-encoded UTF-8), without folders."""
    name = unquote(header or "")
    return os.path.basename(name.replace("\\", "/")) or "上传的文件"
