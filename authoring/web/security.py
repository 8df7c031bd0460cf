"""What keeps the workbench a page for the clerk alone: it is a server on their PC.

- Every request carries the run's secret (as notebook servers do): in the URL the command prints
  and opens (`?token=…`), then in a cookie the page sets, or in the `X-Authoring-Token` header.
- A request whose `Host` is not this machine (a DNS-rebinding page) or whose `Origin` is another
  site is refused before anything else is looked at.
- Files are only read or written inside the folder of the report the page was opened on and the
  folders the user named on the command line (`Folders`).
"""
from __future__ import annotations

import html
import ipaddress
import os
import secrets
import socket
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterable, MutableMapping, Optional
from urllib.parse import parse_qs, urlsplit

from authoring.errors import AuthoringError

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_HEADER = "x-authoring-token"
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def new_token() -> str:
    """A fresh secret for one run of the server."""
    return secrets.token_urlsafe(24)


def cookie_name(port: int) -> str:
    """The cookie holding the secret; one per port, so that two workbenches do not mix."""
    return f"authoring_token_{port}"


class Guard:
    """ASGI middleware: refuse a foreign Host, a cross-site Origin, and a missing or wrong secret."""

    def __init__(self, app: App, *, token: str, port: int, host: str = "127.0.0.1") -> None:
        self.app = app
        self.token = token
        self.port = port
        self.hosts = allowed_hosts(host, port)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no websockets: nothing here uses them
            await _refuse(send, 403, "不支持的请求")
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if not self.host_allowed(host):
            await _refuse(send, 403, f"拒绝访问：请求的主机名“{host}”不是本机。工作台只接受本机地址"
                                     f"（http://127.0.0.1:{self.port}/），这样别的网站无法借用它读取您的文件。")
            return
        origin = headers.get("origin")
        if origin is not None and not self.origin_allowed(origin, host):
            await _refuse(send, 403, "拒绝访问：请求来自其他网站。工作台只接受它自己页面上的操作。")
            return
        if headers.get("sec-fetch-site") == "cross-site":
            await _refuse(send, 403, "拒绝访问：请求来自其他网站。工作台只接受它自己页面上的操作。")
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = (query.get("token") or [""])[0]
        if given and secrets.compare_digest(given, self.token):
            if scope["method"] == "GET":
                # Put the secret in a cookie and take it out of the address bar (and history), on
                # whichever page the address opens: a page served here without the cookie would
                # be refused its own styles and scripts.
                await _redirect_with_cookie(send, _without_token(scope), cookie_name(self.port), self.token)
                return
        elif not (self._header_ok(headers) or self._cookie_ok(headers)):
            await _refuse(send, 403, "拒绝访问：缺少或错误的访问口令。请用 authoring serve 打印的完整地址"
                                     "（含 ?token=…）打开工作台；每次启动口令都不同。")
            return
        await self.app(scope, receive, send)

    def host_allowed(self, host: str) -> bool:
        """Whether a Host header names this machine on our port."""
        if host in self.hosts:
            return True
        # An address literal cannot be re-pointed by DNS: with --host, the machine's own
        # addresses on our port are accepted (a rebinding attack needs a name).
        name, _, port = host.rpartition(":")
        if port != str(self.port) or self.hosts == set(f"{n}:{self.port}" for n in _LOOPBACK_NAMES):
            return False
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            return False
        return True

    def origin_allowed(self, origin: str, host: str) -> bool:
        """Whether an Origin header is this page itself."""
        parts = urlsplit(origin)
        return parts.scheme == "http" and parts.netloc == host and self.host_allowed(parts.netloc)

    def _header_ok(self, headers: dict[str, str]) -> bool:
        return secrets.compare_digest(headers.get(TOKEN_HEADER, ""), self.token)

    def _cookie_ok(self, headers: dict[str, str]) -> bool:
        wanted = cookie_name(self.port)
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == wanted and secrets.compare_digest(value, self.token):
                return True
        return False


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers that name this server: loopback names, and the --host given."""
    names = set(_LOOPBACK_NAMES)
    if host not in ("127.0.0.1", "localhost", "::1"):
        names.add(f"[{host}]" if ":" in host else host)
        try:
            names.add(socket.gethostname())
        except OSError:
            pass
    return {f"{n}:{port}" for n in names}


def _without_token(scope: Scope) -> str:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    query.pop("token", None)
    from urllib.parse import urlencode

    rest = urlencode(query, doseq=True)
    return scope["path"] + (f"?{rest}" if rest else "")


async def _redirect_with_cookie(send: Send, location: str, name: str, token: str) -> None:
    cookie = f"{name}={token}; Path=/; HttpOnly; SameSite=Strict"
    await send({"type": "http.response.start", "status": 303, "headers": [
        (b"location", location.encode("latin-1")), (b"set-cookie", cookie.encode("latin-1")),
        (b"cache-control", b"no-store"), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


async def _refuse(send: Send, status: int, message: str) -> None:
    body = (
        "<!doctype html><html lang=zh-CN><meta charset=utf-8><title>拒绝访问</title>"
        f"<body style='font-family:sans-serif;margin:3em'><h1>拒绝访问</h1><p>{html.escape(message)}</p></body></html>"
    ).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


class Folders:
    """The folders the workbench may read and write: the report's own, and those the user named."""

    def __init__(self, roots: Iterable[os.PathLike[str] | str]) -> None:
        self.roots: list[Path] = []
        for root in roots:
            resolved = Path(root).resolve()
            if resolved not in self.roots:
                self.roots.append(resolved)
        if not self.roots:
            raise ValueError("at least one folder is needed")

    @property
    def home(self) -> Path:
        """The first folder: where new files go and relative names are looked up."""
        return self.roots[0]

    def resolve(self, name: str, *, base: Optional[Path] = None) -> Path:
        """The path `name` (relative to `base` or the first folder), refused with a Chinese
        message when it lies outside every allowed folder (symbolic links followed)."""
        if not name or "\x00" in name:
            raise AuthoringError("没有给出文件名", file=name)
        candidate = Path(name)
        if not candidate.is_absolute():
            candidate = (base or self.home) / candidate
        resolved = candidate.resolve()
        if not any(resolved == root or resolved.is_relative_to(root) for root in self.roots):
            shown = "、".join(str(r) for r in self.roots)
            raise AuthoringError(
                f"工作台只能打开和保存这些文件夹中的文件：{shown}；要用其他文件夹，请在启动时加上 --folder 文件夹",
                file=name,
            )
        return resolved

    def contains(self, path: Path) -> bool:
        """Whether a path lies inside an allowed folder."""
        try:
            self.resolve(str(path))
        except AuthoringError:
            return False
        return True

    def reports(self) -> list[Path]:
        """The report YAML files directly in the allowed folders (for the start page's list)."""
        found: list[Path] = []
        for root in self.roots:
            try:
                entries = sorted(root.iterdir())
            except OSError:
                continue
            for p in entries:
                if p.suffix.lower() in (".yaml", ".yml") and p.is_file() and not p.name.startswith((".", "~$")):
                    found.append(p)
        return found
