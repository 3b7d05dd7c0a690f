"""The student worker's IPython: a submission's cells run as they do in the student's own kernel.

An ``InteractiveShell`` runs every cell, so cell and line magics (``%%time``, ``%timeit``,
``%%capture``, ``%load_ext autoreload``), ``!`` shell escapes, ``?`` help, ``display``, the value
of a last expression (and ``_``, ``Out``), top-level ``await`` and ``get_ipython()`` behave as in
JupyterLab. What differs from a kernel is what the sandbox refuses; those cells fail (or, for a
shell command, print) with a reason that names the grader, and the reason travels to the judge as a
*grader note* so the submission is flagged for the instructor instead of silently losing points:

* ``%pip install`` / ``!pip install`` of a package the grading environment lacks (a package that is
  already installed is reported as satisfied, as pip would, and the notebook goes on);
* network access (the worker has no network);
* writing outside the working folder (the file system is read-only there);
* running out of the grader's memory limit.

Shell commands run through ``subprocess`` (a kernel uses a pty, which the sandbox has no device
for): stdout and stderr are merged into the cell's stdout, as a kernel shows them, and a failing
command sets ``_exit_code`` without raising, as in a kernel.

Nothing here is trusted by the judge: a note only ever asks for an instructor's review.
"""

from __future__ import annotations

import errno
import importlib.metadata
import os
import re
import shlex
import socket
import subprocess
import sys
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.text import LSString, SList
from traitlets import Type
from traitlets.config import Config

PIP_INSTALL = re.compile(r"(^|[\s/])(pip3?|python3?\s+-m\s+pip)\s+install\b(?P<args>.*)$")
OPTIONS_WITH_VALUE = {
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-t",
    "--target",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
}


class GraderRefusal(Exception):
    """Something a kernel would do that the grading sandbox refuses (e.g. installing a package)."""


def grader_reason(exc: BaseException | None) -> str:
    """Why ``exc`` belongs to the grader rather than to the student's code, or ''."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, GraderRefusal):
            return str(exc)
        if isinstance(exc, MemoryError):
            return "ran out of memory under the grader's memory limit"
        if isinstance(exc, socket.gaierror) or (
            isinstance(exc, OSError)
            and exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN)
        ):
            return "tried to use the network, which the grader does not have"
        if isinstance(exc, OSError) and exc.errno == errno.EROFS:
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            return (
                f"tried to write outside the notebook's folder{where}, which is read-only while "
                "grading"
            )
        reason = getattr(exc, "reason", None)  # urllib.error.URLError wraps the socket error
        if isinstance(reason, BaseException):
            found = grader_reason(reason)
            if found:
                return found
        exc = exc.__cause__ or exc.__context__
    return ""


def _requirement_names(args: list[str]) -> list[str]:
    names, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in OPTIONS_WITH_VALUE:
            skip = True
            if arg in ("-r", "--requirement", "-e", "--editable"):  # cannot be checked here
                names.append(f"{arg} ...")
            continue
        if arg.startswith("-"):
            continue
        names.append(arg)
    return names


def _missing(requirements: list[str]) -> list[str]:
    missing = []
    for requirement in requirements:
        name = re.split(r"[<>=!~\[;@\s]", requirement, maxsplit=1)[0]
        if not name or requirement.endswith("..."):
            missing.append(requirement)
            continue
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(requirement)
    return missing


class ResultHook(DisplayHook):
    """A last expression's value is shown as its repr (a kernel's ``Out``), without a prompt."""

    def write_output_prompt(self) -> None:
        pass


class GradingShell(InteractiveShell):
    """An ``InteractiveShell`` for the sandboxed worker (see the module docstring)."""

    displayhook_class = Type(ResultHook)

    def __init__(self, **kwargs: Any):
        config = Config()
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "nocolor"
        config.InteractiveShell.xmode = "Plain"
        super().__init__(config=config, **kwargs)
        self.notes: list[str] = []  # grader notes since the judge last asked
        self.code_name = "<cell>"  # the file name the next cell compiles under
        self.compiles = 0  # cells compiled since: a cell magic's (``%%capture``) is "name#1"
        self.last_error: BaseException | None = None
        self.compile.get_code_name = self._code_name
        # outputs reach the judge as text: a figure shown by the inline backend is not rendered
        self.display_formatter.active_types = ["text/plain"]
        self.register_magic_function(self._pip_magic, "line", "pip")

    # ----------------------------------------------------------- running a cell

    def _code_name(self, raw: str, transformed: str, number: int) -> str:
        self.compiles += 1
        return self.code_name if self.compiles == 1 else f"{self.code_name}#{self.compiles - 1}"

    def run_student_cell(self, source: str, name: str) -> None:
        """Run ``source`` as a kernel would (compiled under ``name``); raise what it raised."""
        self.code_name, self.compiles = name, 0
        self.last_error = None
        result = self.run_cell(source, store_history=True)
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            raise error

    def _showtraceback(self, etype, evalue, stb) -> None:  # noqa: ANN001 - IPython's signature
        """The judge reports errors itself (one line, as nbgrader's feedback shows them)."""

    def showtraceback(self, *args: Any, **kwargs: Any) -> None:
        self.last_error = sys.exc_info()[1]
        super().showtraceback(*args, **kwargs)

    def enable_gui(self, gui: str | None = None) -> None:
        """``%matplotlib inline`` (a kernel's default) needs no event loop; no GUI exists here."""

    # ----------------------------------------------------------- shell escapes

    def _run(self, cmd: str) -> tuple[str, int]:
        refused = self._refuse_install(cmd)
        if refused is not None:
            return refused, 1 if refused.startswith("ERROR") else 0
        try:
            done = subprocess.run(
                cmd,
                shell=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=os.getcwd(),
            )
        except OSError as exc:
            return f"{exc}\n", 127
        return done.stdout.decode("utf-8", "replace"), done.returncode

    def system(self, cmd: str) -> None:
        output, code = self._run(self.var_expand(cmd, depth=1))
        sys.stdout.write(output)
        sys.stdout.flush()
        self.user_ns["_exit_code"] = code

    system_piped = system_raw = system

    def getoutput(self, cmd: str, split: bool = True, depth: int = 0) -> Any:
        output, code = self._run(self.var_expand(cmd, depth=depth + 1))
        self.user_ns["_exit_code"] = code
        return SList(output.splitlines()) if split else LSString(output)

    # ----------------------------------------------------------- packages

    def _refuse_install(self, cmd: str) -> str | None:
        """A pip install in a shell command: '' when all is installed, else pip-like refusal."""
        match = PIP_INSTALL.search(cmd.strip())
        if not match:
            return None
        try:
            args = shlex.split(match.group("args"))
        except ValueError:
            args = match.group("args").split()
        missing = _missing(_requirement_names(args))
        if not missing:
            return "".join(
                f"Requirement already satisfied: {a}\n" for a in _requirement_names(args)
            )
        reason = self._install_reason(missing)
        self.notes.append(reason)
        return f"ERROR: {reason}\n"

    @staticmethod
    def _install_reason(missing: list[str]) -> str:
        return (
            f"pip install {' '.join(missing)}: installing packages is not possible while grading "
            "(no network, read-only environment); the grader has the course's packages only"
        )

    def _pip_magic(self, line: str) -> None:
        """``%pip``: ``install`` of what is already there is satisfied, else refused; other
        subcommands (``list``, ``show``, ``freeze``) run."""
        try:
            args = shlex.split(line)
        except ValueError:
            args = line.split()
        if args and args[0] == "install":
            requirements = _requirement_names(args[1:])
            missing = _missing(requirements)
            if missing:
                reason = self._install_reason(missing)
                self.notes.append(reason)
                raise GraderRefusal(reason)
            for requirement in requirements:
                print(f"Requirement already satisfied: {requirement}")
            print("Note: you may need to restart the kernel to use updated packages.")
            return
        self.system(f"{shlex.quote(sys.executable)} -m pip {line}")

    def take_notes(self) -> list[str]:
        notes, self.notes = self.notes, []
        return notes
