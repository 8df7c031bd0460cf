"""The workbench's application in a test client, past its secret (a test helper beside the tests)."""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Optional

with warnings.catch_warnings():  # Starlette 1.x would rather have httpx2; httpx is what Debian has
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from authoring.web.app import Config, build_app
from authoring.web.security import Folders, cookie_name

PORT = 8799
TOKEN = "secret-token-for-tests"

__all__ = ["PORT", "TOKEN", "TestClient", "workbench_client"]


def workbench_client(folder: Path, report: Optional[Path] = None, *, port: int = PORT, token: str = TOKEN,
                     **kw: Any) -> TestClient:
    """The workbench serving `folder` (and `report` opened), its secret cookie set."""
    config = Config(Folders([folder]), token, port, "127.0.0.1", report, **kw)
    client = TestClient(build_app(config), base_url=f"http://127.0.0.1:{port}")
    client.cookies.set(cookie_name(port), token)
    return client
