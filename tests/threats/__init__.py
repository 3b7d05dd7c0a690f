"""The threat model of issue #6, as submissions: each threat is a function that returns a hostile
notebook and its control, the same wrong (or blank) answers without the trick.

Under plain nbgrader (or the naive in-process executor, ``course.execute.run_in_process``) a
CHEAT scores more than its control; the grading command must give both the same score. An EDIT
tampers with the notebook file itself; it must score like its control *and* be flagged for the
instructor. A RESOURCE attack goes after the grader or the machine; it may score less than its
control, never more, and the exercises listed in ``spared`` must still be graded like the
control's.

Register a threat with :func:`threat`; :data:`THREATS` lists them all by name.
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable
from dataclasses import dataclass

import nbformat

Submission = nbformat.NotebookNode | str | bytes
Builder = Callable[[], tuple[Submission, nbformat.NotebookNode]]


class Kind(enum.Enum):
    CHEAT = "cheat"
    EDIT = "edit"
    RESOURCE = "resource"


@dataclass(frozen=True)
class Threat:
    name: str
    chapter: str
    kind: Kind
    build: Builder
    # True when the naive in-process executor scores the hostile notebook above its control:
    # the proof that the trick is real. False for tricks that need a Jupyter kernel, the
    # gradebook, or a process that dies, which exec() in one process cannot show.
    naive_gain: bool
    spared: frozenset[str] = frozenset()

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.build) or ""

    @property
    def hostile_student(self) -> str:
        return f"t_{self.name}"

    @property
    def control_student(self) -> str:
        return f"c_{self.name}"


THREATS: dict[str, Threat] = {}


def threat(
    chapter: str, kind: Kind, naive_gain: bool, spared: tuple[str, ...] = ()
) -> Callable[[Builder], Builder]:
    """Register the decorated builder as a threat named after the function."""

    def register(build: Builder) -> Builder:
        name = build.__name__
        if name in THREATS:
            raise ValueError(f"two threats named {name!r}")
        if not inspect.getdoc(build):
            raise ValueError(f"threat {name!r} needs a docstring saying what the trick does")
        THREATS[name] = Threat(name, chapter, kind, build, naive_gain, frozenset(spared))
        return build

    return register


# Each module registers its threats when imported.
from tests.threats import (  # noqa: E402, F401
    disk,
    edits,
    hooks,
    liars,
    patching,
    redefinitions,
    reference,
    resources,
)
