"""Root pytest configuration: shared by tests/ and the nbval run over source/."""

from __future__ import annotations

import os

import pytest

# Chapters with long-running cells (training) use their fast setting under test.
os.environ.setdefault("COURSE_FAST", "1")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """nbval runs a notebook's cells in order in one kernel: keep them on one xdist worker."""
    for item in items:
        if item.nodeid.split("::")[0].endswith(".ipynb"):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
