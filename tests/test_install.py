"""The install the README promises: the same packages for pip and conda, nbgrader's JupyterLab
extension enabled, and a well-formed entry script."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    listed = {
        _name(line.strip()[2:])
        for line in (ROOT / "environment.yml").read_text().splitlines()
        if line.strip().startswith("- ") and not line.strip().startswith("- -e")
    }
    missing = wanted - listed
    assert not missing, f"environment.yml lacks {sorted(missing)}"


def test_entry_scripts_are_valid_bash():
    for script in ("course.sh", ".ci/run"):
        proc = subprocess.run(["bash", "-n", str(ROOT / script)], capture_output=True, text=True)
        assert proc.returncode == 0, f"{script}: {proc.stderr}"
    assert "course.sh test" in (ROOT / ".ci" / "run").read_text()
    assert "./course.sh test" in (ROOT / "README.md").read_text()


def test_nbgrader_lab_extension_enabled():
    jupyter = Path(sys.executable).parent / "jupyter"
    if not jupyter.exists():
        pytest.skip("jupyter is not installed beside this Python")
    proc = subprocess.run([str(jupyter), "labextension", "list"], capture_output=True, text=True)
    text = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)
    assert re.search(r"@jupyter/nbgrader v0\.9\.\d+ enabled", text), text
