"""The workbench's pages and the requests they make (Starlette): a thin skin over the library.

Pages are rendered on the server (Jinja2); the page's script sends each edit as a small JSON
request and puts back what comes: the preview, the validator's problems, and the form when its
shape changed. Every handler calls the library through pipeline.py, the form through form.py,
and the file through workspace.py. The handlers are grouped by page (routes_start, routes_editor,
routes_files, routes_check); this module is the table of addresses that reach them.
"""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from authoring.errors import AuthoringError
from authoring.web import routes_check as check
from authoring.web import routes_editor as editor
from authoring.web import routes_files as files
from authoring.web import routes_start as start
from authoring.web.messages import CatchAll, refusal
from authoring.web.security import Guard
from authoring.web.workbench import Config, Workbench

ROUTES = [
    Route("/", start.home),
    Route("/edit", editor.edit),
    Route("/static/{name:path}", files.static),
    Route("/download", files.download),
    Route("/api/edit", editor.api_edit, methods=["POST"]),
    Route("/api/yaml", editor.api_yaml, methods=["POST"]),
    Route("/api/state", editor.api_state),
    Route("/api/save", editor.api_save, methods=["POST"]),
    Route("/api/reload", editor.api_reload, methods=["POST"]),
    Route("/api/keep-both", editor.api_keep_both, methods=["POST"]),
    Route("/api/restore", editor.api_restore, methods=["POST"]),
    Route("/api/deliver", files.api_deliver, methods=["POST"]),
    Route("/api/new", start.api_new, methods=["POST"]),
    Route("/api/import", start.api_import, methods=["POST"]),
    Route("/api/next-year", start.api_next_year, methods=["POST"]),
    Route("/check", check.check_page),
    Route("/api/check", check.api_check, methods=["POST"]),
    Route("/api/check/summary", check.api_check_summary),
]


async def _refused(request: Request, exc: Exception) -> Response:
    """An AuthoringError no handler caught (a file outside the folders, a body too large)."""
    if isinstance(exc, AuthoringError):
        return refusal(exc, 400)
    raise exc


def build_app(config: Config) -> Guard:
    """The ASGI application, guarded by the run's secret and the Host/Origin checks; a failure no
    handler foresaw is answered in Chinese and told to config.on_error (CatchAll)."""
    app = Starlette(routes=ROUTES, exception_handlers={AuthoringError: _refused},
                    middleware=[Middleware(CatchAll, on_error=config.on_error)])
    app.state.workbench = Workbench(config)
    return Guard(app, token=config.token, port=config.port, host=config.host)
