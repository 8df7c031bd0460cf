"""Shared test options."""
from __future__ import annotations

import os
import tempfile

import pytest
from hypothesis import settings

# CI (.ci/run sets HYPOTHESIS_PROFILE=ci) draws the same examples on every run, so that a red CI
# is a change's doing and can be reproduced; a developer's run draws new ones (and keeps the
# failures it finds in .hypothesis/), which is how new cases are found.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

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
