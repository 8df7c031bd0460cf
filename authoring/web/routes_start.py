"""The start page and the reports a clerk starts from it or from the editor: a new blank report,
last year's Word file imported, next year's draft. Each is written as a new file (never over one)
and opened in the editor with a note of what was done."""
from __future__ import annotations

import datetime as _dt
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from authoring.errors import AuthoringError, Place, Problem
from authoring.fileio import WriteFailed
from authoring.web import form as forms
from authoring.web import pipeline
from authoring.web.messages import file_name, json_body, read_limited, refusal
from authoring.web.workbench import free_name, workbench_of, write_new


async def home(request: Request) -> Response:
    """The start page (the report the server was started with, if any, opens at once)."""
    wb = workbench_of(request)
    config = wb.config
    if config.report is not None and "start" not in request.query_params:
        return RedirectResponse(f"/edit?file={quote(wb.display_name(config.report))}", status_code=303)
    files = []
    for p in config.folders.reports():
        st = p.stat()
        files.append({"name": wb.display_name(p),
                      "modified": _dt.datetime.fromtimestamp(st.st_mtime).strftime("%Y-%m-%d %H:%M")})
    return wb.page("start.html", files=files, folders=[str(r) for r in config.folders.roots],
                   year=_dt.date.today().year - 1)


async def api_new(request: Request) -> Response:
    """A new blank report of an agency and year."""
    wb = workbench_of(request)
    body = await json_body(request)
    agency, year = str(body.get("agency") or "").strip(), body.get("year")
    name = str(body.get("name") or f"report-{year}.yaml").strip()
    if not name.lower().endswith((".yaml", ".yml")):
        name += ".yaml"
    target = wb.config.folders.resolve(name)
    if not isinstance(year, int) or isinstance(year, bool):
        return refusal(AuthoringError("请填写报告年度（四位数字）", field="year"))
    text = forms.blank_report(agency, year, str(target))
    try:
        write_new(target, text)
    except WriteFailed as exc:
        if exc.kind == "no-folder":  # a folder typed into the name: the name alone will do
            exc.problems.append(Problem("文件名也可以只写名字（如 report-2024.yaml），报告就保存在工作台的文件夹中",
                                        Place(str(target)), "info"))
        raise
    shown = wb.display_name(target)
    return JSONResponse({"ok": True, "file": shown, "url": f"/edit?file={quote(shown)}"})


async def api_import(request: Request) -> Response:
    """A report document (uploaded, or named in one of the folders) imported into a new YAML."""
    wb = workbench_of(request)
    config = wb.config
    given = request.query_params.get("path")
    source = config.folders.resolve(given) if given else None  # a file already in one of the folders
    name = source.name if source else file_name(request.headers.get("x-filename"))
    if name.lower().endswith((".yaml", ".yml")):  # the command line's refusal says validate / render
        return refusal(AuthoringError("这已经是 YAML 报告，不需要导入；把它放进工作台的文件夹，在“打开报告”中打开即可",
                                      file=name))
    if source:
        from authoring.inputs import read_document_file

        raw, _kind = read_document_file(source)
    else:
        raw = await read_limited(request, pipeline.upload_limit(name))
    stem = name.rsplit(".", 1)[0] or "导入的报告"
    target = free_name(config.folders.home, stem, ".yaml")
    result = pipeline.import_upload(raw, name, figures=bool(request.query_params.get("figures")),
                                    output=str(target))
    write_new(target, result.yaml_text)
    # the parts as the YAML has them, in its order (what the command line says too)
    items = [f"已导入 {name}：{result.summary()}。请逐项核对（标有“请核对”的是导入时拿不准的地方）。"]
    items += [p.message for p in result.warnings]
    items.append("要以这份报告为基础起草下一年度的报告，点上方的“起草下一年度”。")
    wb.notes[target] = {"title": "导入说明", "items": items}
    shown = wb.display_name(target)
    return JSONResponse({"ok": True, "file": shown, "url": f"/edit?file={quote(shown)}"})


async def api_next_year(request: Request) -> Response:
    """Next year's draft of the open report, beside it as report-<year + 1>.yaml."""
    wb = workbench_of(request)
    body = await json_body(request)
    report = wb.report_for(str(body.get("file", "")))
    with report.lock:
        if report.doc is None:
            return refusal(report.load_error or AuthoringError("文件无法解析"))
        loaded = report.doc.loaded(encoding=report.encoding)
        year = loaded.data.get("year")
        target = report.path.with_name(f"report-{year + 1}.yaml") if isinstance(year, int) else None
    if target is None or not isinstance(year, int):
        return refusal(AuthoringError("需要先在“年度”中填写四位数字的年份（如 2024），才能起草下一年度"))
    if target.exists():
        return refusal(AuthoringError(f"已有 {target.name}；请直接打开它，或先把它改名", file=target.name), 409)
    draft = pipeline.next_year(loaded, str(target))
    write_new(target, draft.yaml_text)
    items = [f"已由 {report.path.name} 起草 {target.name}（{year + 1} 年度）。"]
    items += [p.message for p in draft.changes]
    wb.notes[target] = {"title": "起草下一年度", "items": items}
    shown = wb.display_name(target)
    return JSONResponse({"ok": True, "file": shown, "url": f"/edit?file={quote(shown)}"})
