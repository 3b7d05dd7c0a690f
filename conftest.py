"""Root pytest configuration: shared by tests/ and the nbval run over source/."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

# Chapters with long-running cells (training) use their fast setting under test.
os.environ.setdefault("COURSE_FAST", "1")

# The suite's simulated students must never reach the real user's Jupyter data (nbgrader keeps
# its submission cache in $JUPYTER_DATA_DIR/nbgrader_cache, shown in every Assignments panel of
# that account) nor a real exchange: both live in a throw-away folder per test process. Tests that
# need their own exchange pass it explicitly.
_SCRATCH = tempfile.mkdtemp(prefix="course-tests-jupyter-")
atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)
os.environ["JUPYTER_DATA_DIR"] = os.path.join(_SCRATCH, "data")
os.environ["COURSE_EXCHANGE"] = os.path.join(_SCRATCH, "exchange")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """nbval runs a notebook's cells in order in one kernel: keep them on one xdist worker."""
    for item in items:
        if item.nodeid.split("::")[0].endswith(".ipynb"):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
