"""The editor page and its requests: the form's edits, the YAML tab, and the file behind them
(save, reload, keep both, restore after a crash). Each edit comes back with the problems and the
preview (Workbench.update)."""
from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from authoring.errors import AuthoringError, Place, Problem
from authoring.web import pipeline
from authoring.web.edits import apply_edit
from authoring.web.messages import json_body, problems_of, refusal
from authoring.web.workbench import workbench_of
from authoring.web.workspace import Conflict


async def edit(request: Request) -> Response:
    """The editor page of one report: the form, the preview and the problems."""
    wb = workbench_of(request)
    name = request.query_params.get("file", "")
    try:
        report = wb.report_for(name)
    except AuthoringError as exc:
        return wb.page("error.html", problems=problems_of(exc))
    with report.lock:
        update = wb.update(report, with_form=True)
    form_html = update.pop("form")
    return wb.page("edit.html", file=wb.display_name(report.path), update=update, form_html=form_html,
                   pdf=pipeline.pdf_available(),
                   text=report.text, folder=str(report.path.parent), note=wb.notes.pop(report.path, None))


async def api_edit(request: Request) -> Response:
    """The form's edits, timed: the server's own time for the edit (wall and CPU), for the page's
    developer tools and for benchmarks/workbench.py."""
    started, cpu = time.perf_counter(), time.thread_time()
    response = await _apply_edits(request)
    response.headers["server-timing"] = (f"edit;dur={(time.perf_counter() - started) * 1000:.1f}, "
                                         f"cpu;dur={(time.thread_time() - cpu) * 1000:.1f}")
    return response


async def _apply_edits(request: Request) -> Response:
    wb = workbench_of(request)
    body = await json_body(request)
    try:
        report = wb.report_for(str(body.get("file", "")))
    except AuthoringError as exc:
        return refusal(exc, 404)
    edits = body.get("edits") or []
    if not isinstance(edits, list) or not all(isinstance(e, dict) for e in edits):
        return refusal(AuthoringError("请求中的修改（edits）无效"))
    structural = False
    with report.lock:
        if report.doc is None:
            return refusal(AuthoringError("文件现在无法解析，请先在“YAML”页中改正"), 409)
        refused: list[dict[str, Any]] = []
        try:
            for e in edits:
                if e.get("op") not in ("set", "comment"):
                    structural = True
                try:
                    apply_edit(report.doc, e)
                except AuthoringError as exc:
                    # This edit was refused (the others still count); the page gets the form
                    # back as the file is, and says so.
                    refused += problems_of(exc)
        finally:
            report.changed()  # kept in the recovery file, even as far as an edit that failed unforeseen
        out = wb.update(report, with_form=structural or bool(refused) or bool(body.get("form")),
                        same_shape=not structural and not refused)
        if refused:
            out.update(ok=False, refused=refused)
        return JSONResponse(out)


async def api_yaml(request: Request) -> Response:
    """The whole text from the YAML tab."""
    wb = workbench_of(request)
    body = await json_body(request)
    report = wb.report_for(str(body.get("file", "")))
    text = body.get("text")
    if not isinstance(text, str):
        return refusal(AuthoringError("缺少 YAML 文字"))
    with report.lock:
        report.set_text(text)
        report.changed()
        return JSONResponse(wb.update(report, with_form=True))


async def api_state(request: Request) -> Response:
    """The file's state for the status line (and its text, when asked)."""
    wb = workbench_of(request)
    report = wb.report_for(request.query_params.get("file", ""))
    with report.lock:
        out = wb.state(report)
        if request.query_params.get("text"):
            out["text"] = report.text
        return JSONResponse(out)


async def api_save(request: Request) -> Response:
    """Save the page's text to the file (refused when someone else changed it since)."""
    wb = workbench_of(request)
    body = await json_body(request)
    report = wb.report_for(str(body.get("file", "")))
    with report.lock:
        try:
            report.save()
        except Conflict as exc:
            return refusal(exc, 409, conflict=True)
        except AuthoringError as exc:
            # what to do here, where the writer's message says it for the command line (-o)
            exc.problems.append(Problem("本页的修改都还在工作台中，没有丢失：排除上面的问题后再点“保存”；"
                                        "也可以先把修改另存到别处：在“YAML”页中全选、复制，粘贴到记事本保存",
                                        Place(str(report.path)), "info"))
            return refusal(exc, 500)
        return JSONResponse({"ok": True, "state": wb.state(report)})


async def api_reload(request: Request) -> Response:
    """The file as it is on disk now, the page's changes dropped."""
    wb = workbench_of(request)
    body = await json_body(request)
    report = wb.report_for(str(body.get("file", "")))
    with report.lock:
        report.reload()
        return JSONResponse({**wb.update(report, with_form=True), "text": report.text})


async def api_keep_both(request: Request) -> Response:
    """The page's text saved under a new name; the file keeps the other changes."""
    wb = workbench_of(request)
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
    """The changes kept from before a crash taken back, or dropped."""
    wb = workbench_of(request)
    body = await json_body(request)
    report = wb.report_for(str(body.get("file", "")))
    with report.lock:
        if body.get("discard"):
            report.drop_recovery()
        else:
            report.restore()
        return JSONResponse({**wb.update(report, with_form=True), "text": report.text})
