"""The 检查 page: each uploaded report checked in a worker process as it comes, one row each,
and the batch's summary as a CSV or workbook, as `authoring check -o` writes it."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from authoring.errors import AuthoringError
from authoring.web import pipeline
from authoring.web.messages import file_name, read_limited, refusal
from authoring.web.routes_files import MEDIA, attachment
from authoring.web.workbench import workbench_of


async def check_page(request: Request) -> Response:
    """The page, with a column for each mandated part."""
    from authoring.check import part_columns

    columns = [(k, v) for k, v in part_columns().items() if k != "other"]
    return workbench_of(request).page("check.html", columns=columns)


async def api_check(request: Request) -> Response:
    """One uploaded file checked: its row, kept in its batch for the summary."""
    wb = workbench_of(request)
    name = file_name(request.headers.get("x-filename"))
    raw = await read_limited(request, pipeline.upload_limit(name))
    report = await wb.run_check(raw, name)
    batch = request.query_params.get("batch", "")
    wb.batches.setdefault(batch, []).append(report)
    while len(wb.batches) > 20:  # the oldest batches go; a page keeps its own rows
        wb.batches.pop(next(iter(wb.batches)))
    return JSONResponse({"ok": True, "report": pipeline.check_row(report)})


async def api_check_summary(request: Request) -> Response:
    """A batch's summary as 检查汇总.csv or .xlsx."""
    batch = workbench_of(request).batches.get(request.query_params.get("batch", ""), [])
    fmt = "xlsx" if request.query_params.get("format") == "xlsx" else "csv"
    if not batch:
        return refusal(AuthoringError("这一批还没有检查过任何文件"), 404)
    data = pipeline.summary_bytes(batch, fmt)
    return Response(data, media_type=MEDIA[f".{fmt}"], headers=attachment(f"检查汇总.{fmt}"))
