"""Start the workbench: pick the port, print the address with its secret, open the browser."""
from __future__ import annotations

import socket
import threading
import time
import webbrowser
from pathlib import Path
from typing import Callable, Optional, Sequence

from authoring.errors import AuthoringError
from authoring.web.app import Config, build_app
from authoring.web.security import Folders, new_token

DEFAULT_PORT = 8765


def free_port(host: str = "127.0.0.1", start: int = DEFAULT_PORT) -> int:
    """The first port from `start` that nothing listens on (another workbench may have one)."""
    for port in range(start, start + 50):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return port
    raise AuthoringError(f"从 {start} 起的 50 个端口都被占用；请用 --port 指定一个空闲的端口")


def prepare(report: Optional[Path], *, folders: Sequence[Path] = (), host: str = "127.0.0.1",
            port: Optional[int] = None, templates: Optional[Path] = None,
            reference_doc: Optional[Path] = None, create: Optional[Callable[[Path], None]] = None) -> Config:
    """The server's configuration: the report (created by `create` when absent), the folders the
    page may use (the report's own first), the port and the run's secret."""
    roots: list[Path] = []
    if report is not None:
        report = report.resolve()
        if not report.exists():
            if create is None:
                raise AuthoringError("找不到这个文件", file=str(report))
            create(report)
        roots.append(report.parent)
    roots += [Path(f) for f in folders]
    if not roots:
        roots.append(Path.cwd())
    for root in roots:
        if not Path(root).is_dir():
            raise AuthoringError("文件夹不存在", file=str(root))
    if port:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            try:
                s.bind((host, port))
            except OSError:
                raise AuthoringError(f"端口 {port} 已被占用（可能已有一个工作台在运行）；"
                                     "请换一个端口，或不加 --port 让工作台自己选") from None
    chosen = port if port else free_port(host)
    return Config(Folders(roots), new_token(), chosen, host, report, templates, reference_doc)


def url_of(config: Config) -> str:
    """The address to open: this machine, the port, and the run's secret."""
    shown = "127.0.0.1" if config.host in ("127.0.0.1", "0.0.0.0", "::", "localhost") else config.host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{config.port}/?token={config.token}"


def run(config: Config, *, open_browser: bool = True, on_ready: Optional[Callable[[str], None]] = None) -> None:
    """Serve until Ctrl+C; unsaved changes are written to their recovery files on the way out."""
    import uvicorn

    app = build_app(config)
    settings = uvicorn.Config(app, host=config.host, port=config.port, log_level="warning",
                              access_log=False, lifespan="off", server_header=False)
    server = uvicorn.Server(settings)
    try:
        # Bound here, so that a port taken since `prepare` looked is said in Chinese.
        sock = settings.bind_socket()
    except (OSError, SystemExit):
        raise AuthoringError(f"端口 {config.port} 已被占用（可能已有一个工作台在运行）；"
                             "请换一个端口，或不加 --port 让工作台自己选") from None
    url = url_of(config)

    def announce() -> None:
        # Wait until the socket listens, then say where, and open the browser there.
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if server.started:
            if on_ready is not None:
                on_ready(url)
            if open_browser:
                try:
                    webbrowser.open(url)
                except Exception:  # noqa: BLE001 — a thread's traceback in the console; the address is printed
                    pass

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        app_state = getattr(app, "app", None)
        wb = getattr(getattr(app_state, "state", None), "workbench", None)
        if wb is not None:
            wb.workspace.flush()
            wb.close()


class Background:
    """The workbench served from a thread of this process on a port the system gives, bound
    here so that nothing else on the machine can take it in between: for the browser tests, the
    workbench benchmark and the docs' screenshots, which drive it as the page does."""

    def __init__(self, folder: Path, report: Optional[Path] = None, token: Optional[str] = None) -> None:
        import uvicorn

        self.folder = folder
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port: int = self.socket.getsockname()[1]
        self.config = Config(Folders([folder]), token or new_token(), self.port, "127.0.0.1", report)
        self.app = build_app(self.config)
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the workbench server did not start")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        """The start address with the run's secret, as `authoring serve` prints it."""
        return url_of(self.config)

    def stop(self) -> None:
        """Stop serving; unsaved changes go to their recovery files as on Ctrl+C."""
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()
        wb = self.app.app.state.workbench  # type: ignore[attr-defined]
        wb.workspace.flush()
        wb.close()
