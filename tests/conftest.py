"""Shared test options."""
from __future__ import annotations

import os
import tempfile

import pytest

# init and import install the JSON Schema in the user's folder (authoring/schemafile.py): in
# tests, a folder of their own, never the real home of whoever runs them.
os.environ.setdefault("AUTHORING_SCHEMA_HOME", tempfile.mkdtemp(prefix="authoring-schema-"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/*.txt from the current rendering instead of comparing",
    )


@pytest.fixture()
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
