"""What a request brings and what a refusal says, for every handler: a body read no further than
its limit, JSON, an upload's file name, an AuthoringError as the JSON the page shows, and what the
clerk is told of a failure nobody foresaw (CatchAll)."""
from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any, Awaitable, Callable, MutableMapping, Optional
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from authoring.errors import AuthoringError, Problem


async def read_limited(request: Request, limit: int) -> bytes:
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


async def json_body(request: Request, limit: int = 4 * 1024 * 1024) -> Any:
    """A request's JSON body (at most `limit` bytes)."""
    raw = await read_limited(request, limit)
    import json

    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise AuthoringError("请求内容不是有效的 JSON") from None
    if not isinstance(body, dict):  # every request the page sends is an object
        raise AuthoringError("请求内容不是有效的 JSON 对象")
    return body


def file_name(header: Optional[str]) -> str:
    """An uploaded file's name from the X-Filename header (percent-encoded UTF-8), without folders."""
    name = unquote(header or "")
    return os.path.basename(name.replace("\\", "/")) or "上传的文件"


# What to do in the page when a file was not written (fileio.WriteFailed's kind): the command
# line's way out (-o another name, another folder) is not the page's.
PAGE_ADVICE = {
    "no-space": "请清理磁盘空间后重试",
    "folder": "请换一个文件名",
    "no-folder": "请先在资源管理器中创建该文件夹，再重试",
    "busy": "请先在 Word/WPS 中关闭该文件，再重试",
    "no-permission": "请在资源管理器中检查该文件夹的权限（右键 › 属性 › 安全），或请管理员开通写权限后重试",
    "read-only": "请把报告复制到可写的文件夹（如“文档”或桌面），再从那里打开工作台",
    "other": "请检查该文件夹后重试",
    "backup": "请改为两份都保留（另存为新文件）",
}


def problems_of(exc: AuthoringError) -> list[dict[str, Any]]:
    """An error's problems as the page lists them; a file not written says what to do in the page."""
    out = []
    for p in exc.problems or [Problem(str(exc))]:
        p = _in_page_words(exc, p)
        out.append({"severity": p.severity, "message": p.message, "field": p.place.field, "line": p.place.line,
                    "text": page_line(p)})
    return out


def page_line(p: Problem) -> str:
    """A refusal's line as the page shows it: the file and line as the command line names them, the
    field by the form's label (not year, nor the command line's <输入> for no file at all)."""
    from authoring.web.form import field_label

    named = field_label(p.place.path) if p.place.path else p.place.label
    if named.isascii():  # a YAML key or an option: the form has no such name
        named = ""
    where = p.place.prefix() + ": " if p.place.file else ""
    label = {"warning": "警告：", "info": "提示："}.get(p.severity, "")
    return f"{where}{label}{named + '：' if named else ''}{p.message}"


def _in_page_words(exc: AuthoringError, p: Problem) -> Problem:
    """A file not written, said with the page's way out instead of the command line's (-o …)."""
    from authoring.fileio import WriteFailed

    if isinstance(exc, WriteFailed) and exc.problems and p is exc.problems[0] and exc.kind in PAGE_ADVICE:
        return Problem(exc.why + PAGE_ADVICE[exc.kind], p.place, p.severity, p.rule)
    return p


def refusal(exc: AuthoringError, status: int = 400, **extra: Any) -> JSONResponse:
    """The reply to a request that was refused: not ok, and why."""
    return JSONResponse({"ok": False, "problems": problems_of(exc), **extra}, status_code=status)


# -- what nobody expected --------------------------------------------------------------------------

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def internal_message(exc: BaseException, report: Optional[Path], *, page: bool = False) -> str:
    """What the clerk reads when a request failed in a way no handler foresaw: what happened, that
    the workbench still runs, that what was typed is kept (the page's request) or the files are
    as they were (a page opened), and where the details are."""
    from authoring.crash import advice_lines

    if page:
        lines = [f"打开这个页面时，工作台遇到了意外的内部错误（{type(exc).__name__}）；工作台仍在运行。"
                 "报告文件和暂存的修改都没有改动：请点“重新打开本页”再试，或返回首页打开其他报告。"]
    else:
        lines = [f"工作台遇到了意外的内部错误（{type(exc).__name__}），这次操作没有完成；工作台仍在运行。"
                 "本页中输入的内容还在页面上，可以继续编辑后保存；不放心的话，先把刚输入的内容复制出来。"]
    return "\n".join(lines + advice_lines(exc, report, "刚才的操作告诉"))


class CatchAll:
    """ASGI middleware inside Starlette's own: an exception no handler caught becomes a Chinese
    answer (JSON for the page's requests, a page for an address opened) instead of Starlette's
    "Internal Server Error" and a traceback in the clerk's console window. The details go to one
    report file per kind of failure (the same failure on every keystroke writes one file), and
    `on_error` (authoring serve: a line in the console) is told; the server goes on serving."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]],
                 on_error: Optional[Callable[[str], None]] = None) -> None:
        self.app = app
        self.on_error = on_error
        self.reports: dict[tuple[str, str], Optional[Path]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:  # noqa: BLE001 — the catch-all: no traceback ever reaches a clerk
            page = not str(scope.get("path", "")).startswith("/api/")
            text = internal_message(exc, self._report(exc, scope), page=page)
            if self.on_error is not None:
                self.on_error(text)
            if started:
                return  # the answer was already on its way: the page sees it cut short, and says so
            await self._answer(page, text)(scope, receive, send)

    def _report(self, exc: Exception, scope: Scope) -> Optional[Path]:
        import traceback

        from authoring.crash import write_report

        frames = traceback.extract_tb(exc.__traceback__)
        key = (type(exc).__name__, f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "")
        if key not in self.reports:
            # the address without its query: the run's secret may be in it
            self.reports[key] = write_report(exc, ["serve", f"（工作台的请求：{scope.get('method', '')} {scope.get('path', '')}）"])
        return self.reports[key]

    @staticmethod
    def _answer(page: bool, text: str) -> Response:
        if not page:
            return JSONResponse({"ok": False, "internal": True, "problems": [
                {"severity": "error", "message": text, "field": "", "line": None, "text": text}]}, status_code=500)
        lines = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
        body = ("<!doctype html><html lang=zh-CN><meta charset=utf-8><title>工作台出错</title>"
                "<body style='font-family:sans-serif;margin:3em;max-width:46em;line-height:1.6'>"
                f"<h1>工作台出错</h1>{lines}<p><a href=''>重新打开本页</a>　<a href='/?start=1'>返回首页</a></p></body></html>")
        return HTMLResponse(body, status_code=500, headers={"cache-control": "no-store"})
