"""Attacks on the grader and the machine rather than on the score: a cell that never ends, a
process that exits or kills itself or its parent (under plain nbgrader, the grader), 200 MB of
output, a fork bomb, 20 GB of memory, a 1 GB file.

Each goes at the end of the ex_1_3 answer cell of an otherwise correct notebook; the control is
the same notebook without it. The hostile may score less than the control, never more, and the
exercises before it (1.1, 1.2) must still be graded; for attacks that leave the student process
alive under resource limits (memory, disk), the exercises after it too.

None of these can be shown in-process (naive_gain=False), and none may ever run outside the
grader's sandbox: they would take down the test run or the machine.
"""

from __future__ import annotations

from tests.threats import Kind, threat
from tests.threats.notebooks import answered, appended

CH01 = "ch01_softmax"
BEFORE = ("1.1", "1.2")
ALL_BUT_TARGET = ("1.1", "1.2", "1.4", "1.5")
TARGET = "ex_1_3_naive_trace"


def _attacked(code: str):
    control = answered(CH01)
    return appended(control, TARGET, code), control


@threat(CH01, Kind.RESOURCE, naive_gain=False, spared=BEFORE)
def infinite_loop():
    """`while True: pass`: under plain nbgrader the cell runs until the execution timeout
    (180 s in this course), for every such student."""
    return _attacked("while True:\n    pass")


@threat(CH01, Kind.RESOURCE, naive_gain=False, spared=BEFORE)
def process_exits():
    """os._exit(0) at the end of an answer cell: the kernel vanishes without an error. Plain
    nbgrader then fails the whole submission (0 points, the exercises before included); a
    grader that scores the cells it did not run by their (empty) outputs gives them full marks."""
    return _attacked("import os\n\nos._exit(0)")


@threat(CH01, Kind.RESOURCE, naive_gain=False, spared=BEFORE)
def process_kills_itself():
    """os.kill(os.getpid(), SIGKILL): the kernel dies mid-notebook."""
    return _attacked("import os\nimport signal\n\nos.kill(os.getpid(), signal.SIGKILL)")


@threat(CH01, Kind.RESOURCE, naive_gain=False, spared=BEFORE)
def process_kills_its_parent():
    """os.kill(os.getppid(), SIGKILL): under plain nbgrader the parent is the grader (or, as
    pid 1 of a new pid namespace, getppid() is 0 and the signal goes to the whole process
    group). The batch must survive and go on with the other students."""
    return _attacked("import os\nimport signal\n\nos.kill(os.getppid(), signal.SIGKILL)")


@threat(CH01, Kind.RESOURCE, naive_gain=False, spared=BEFORE)
def output_flood():
    """200 MB printed to stdout: under plain nbgrader it all goes into the graded notebook, the
    gradebook's feedback and the grader's memory."""
    return _attacked('_line = "x" * (1 << 20)\nfor _ in range(200):\n    print(_line)')


FORK_BOMB = """
import os
import time

for _ in range(10_000):
    try:
        _pid = os.fork()
    except OSError:
        break
    if _pid == 0:
        try:
            time.sleep(60)
        finally:
            os._exit(0)
"""


@threat(CH01, Kind.RESOURCE, naive_gain=False, spared=BEFORE)
def fork_bomb():
    """Forks up to 10,000 children that each sleep 60 s (bounded, so it ends by itself on a
    machine without limits): without a process limit it exhausts the machine's pids and memory;
    children that outlive the grading hold on to its resources."""
    return _attacked(FORK_BOMB)


@threat(CH01, Kind.RESOURCE, naive_gain=False, spared=ALL_BUT_TARGET)
def memory_exhaustion():
    """np.ones of 20 GB: without a memory limit the kernel (or a neighbour) is OOM-killed;
    under a limit it is a MemoryError in this cell only, and the rest is graded."""
    return _attacked("_hog = np.ones(20 * 2**30 // 8)")


FILL_DISK = """
with open("filler.bin", "wb") as _out:
    _block = bytes(1 << 20)
    for _ in range(1024):
        _out.write(_block)
"""


@threat(CH01, Kind.RESOURCE, naive_gain=False, spared=ALL_BUT_TARGET)
def disk_filling():
    """A 1 GB file written in the working directory (under plain nbgrader, inside the course's
    autograded/ folder): under a file-size limit the write fails in this cell only."""
    return _attacked(FILL_DISK)
