"""What a request brings and what a refusal says, for every handler: a body read no further than
its limit, JSON, an upload's file name, and an AuthoringError as the JSON the page shows."""
from __future__ import annotations

import os
from typing import Any, Optional
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse

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
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise AuthoringError("请求内容不是有效的 JSON") from None


def file_name(header: Optional[str]) -> str:
    """An uploaded file's name from the X-Filename header (percent-encoded UTF-8), without folders."""
    name = unquote(header or "")
    return os.path.basename(name.replace("\\", "/")) or "上传的文件"


def problems_of(exc: AuthoringError) -> list[dict[str, Any]]:
    """An error's problems as the page lists them."""
    return [{"severity": p.severity, "message": p.message, "field": p.place.field, "line": p.place.line,
             "text": str(p)} for p in (exc.problems or [Problem(str(exc))])]


def refusal(exc: AuthoringError, status: int = 400, **extra: Any) -> JSONResponse:
    """The reply to a request that was refused: not ok, and why."""
    return JSONResponse({"ok": False, "problems": problems_of(exc), **extra}, status_code=status)
