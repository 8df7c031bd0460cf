"""The files the page gets: a report delivered as Word, PDF, web page or text beside its YAML
(with the command line's guard against overwriting an edited file), a download of a file the
tool writes, and the page's own scripts, styles and fonts."""
from __future__ import annotations

from pathlib import Path
from typing import Optional
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from authoring.errors import AuthoringError
from authoring.fileio import OverwriteRefused
from authoring.web import pipeline
from authoring.web.messages import json_body, refusal
from authoring.web.workbench import free_name, workbench_of

_HERE = Path(__file__).resolve().parent

# The files the page may offer for download: what the tool writes, nothing else.
DOWNLOADABLE = {".docx", ".txt", ".html", ".pdf", ".csv", ".xlsx", ".yaml", ".yml"}
MEDIA = {
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


def attachment(name: str) -> dict[str, str]:
    """The headers of a download saved as `name`."""
    return {"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}", "cache-control": "no-store"}


async def static(request: Request) -> Response:
    """The page's own files (web/static)."""
    name = request.path_params["name"]
    root = _HERE / "static"
    target = (root / name).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return Response("找不到", status_code=404)
    return Response(target.read_bytes(), media_type=MEDIA.get(target.suffix, "application/octet-stream"),
                    headers={"cache-control": "no-cache"})


async def download(request: Request) -> Response:
    """A file the tool writes, from one of the allowed folders."""
    wb = workbench_of(request)
    name = request.query_params.get("file", "")
    try:
        path = wb.config.folders.resolve(name)
    except AuthoringError as exc:
        return refusal(exc, 403)
    if path.suffix.lower() not in DOWNLOADABLE or not path.is_file():
        return refusal(AuthoringError("没有这个文件", file=name), 404)
    return Response(path.read_bytes(), media_type=MEDIA.get(path.suffix.lower(), "application/octet-stream"),
                    headers=attachment(path.name))


def _opt(path: Optional[Path]) -> Optional[str]:
    return str(path) if path is not None else None


async def api_deliver(request: Request) -> Response:
    """The open report made into a deliverable beside it (or under a free name: keep both)."""
    wb = workbench_of(request)
    body = await json_body(request)
    report = wb.report_for(str(body.get("file", "")))
    kind = str(body.get("kind", "docx"))
    if kind not in pipeline.DELIVERABLES:
        return refusal(AuthoringError(f"不认识的输出格式：{kind}"))
    with report.lock:
        if report.doc is None:
            return refusal(report.load_error or AuthoringError("文件无法解析"), 400)
        loaded = report.doc.loaded(encoding=report.encoding)
        suffix = pipeline.DELIVERABLES[kind]
        target = report.path.with_suffix(suffix)
        if body.get("as_new"):  # keep both: the edited file stays, this one takes a free name
            target = free_name(report.path.parent, report.path.stem, suffix)
    try:
        data = pipeline.deliverable(loaded, kind, templates=_opt(wb.config.templates),
                                    reference_doc=_opt(wb.config.reference_doc))
    except AuthoringError as exc:
        return refusal(exc, 400)
    try:
        backup = pipeline.save_deliverable(target, data, kind, force=bool(body.get("force")))
    except OverwriteRefused as exc:
        return _guarded(target, suffix, exc)
    except AuthoringError as exc:
        return refusal(exc, 500)
    name = wb.display_name(target)
    message = f"已生成 {target.name}（保存在 {target.parent}）"
    if backup is not None:
        message += f"；原文件已备份为 {Path(backup).name}"
    return JSONResponse({"ok": True, "file": name, "message": message,
                         "backup": Path(backup).name if backup else None})


def _guarded(target: Path, suffix: str, exc: OverwriteRefused) -> Response:
    """The command line's guard, said as the page offers it: buttons, not -o and --force."""
    from authoring.fileio import backup_path

    other = free_name(target.parent, target.stem, suffix)
    message = (f"{target.name}：{exc.why}可以覆盖它（原文件先备份为 {backup_path(target).name}），"
               f"或把这次生成的另存为 {other.name}，两份都保留。")
    return JSONResponse({"ok": False, "guarded": True, "as_new": other.name,
                         "problems": [{"severity": "error", "message": message, "field": "",
                                       "line": None, "text": message}]}, status_code=409)
