"""Tricks that hook the machinery running the cells: IPython's input transformers, events and
exception handlers, sys.excepthook, a tracer or profiler that edits the checks' frames, and a
signal handler that re-installs such a tracer.

The IPython tricks need ``get_ipython()``, which exists only in a Jupyter kernel (what nbgrader
runs); written defensively, they do nothing in the naive in-process executor, so they cannot be
shown to gain there (naive_gain=False): they matter under nbgrader's kernel.
"""

from __future__ import annotations

from tests.threats import Kind, threat
from tests.threats.notebooks import CH01_WRONG, answered, appended

CH01 = "ch01_softmax"

GET_IPYTHON = """
try:
    _ip = get_ipython()
except NameError:  # not in a Jupyter kernel: nothing to hook
    _ip = None
"""

BLANK_TEST_CELLS = (
    GET_IPYTHON
    + """

def _blank_tests(lines):
    return ["pass\\n"] if any("check_" in line for line in lines) else lines


if _ip is not None:
    _ip.input_transformers_post.append(_blank_tests)
"""
)


@threat(CH01, Kind.CHEAT, naive_gain=False)
def ipython_input_transformer_blanks_tests():
    """Appends an IPython input transformer (input_transformers_post) that turns every later
    cell mentioning check_ into `pass` before it runs: under nbgrader's kernel no test cell
    runs a check, so all of them pass."""
    control = answered(CH01, *CH01_WRONG)
    return appended(control, "ex_1_1_softmax", BLANK_TEST_CELLS), control


SWALLOW_ERRORS = (
    GET_IPYTHON
    + """

def _hide(*args, **kwargs):
    return None


def _before(info):
    _ip.showtraceback = _hide  # re-armed before every cell, in case a grader restores it


def _after(result):
    result.error_in_exec = None


if _ip is not None:
    _ip.events.register("pre_run_cell", _before)
    _ip.events.register("post_run_cell", _after)
"""
)


@threat(CH01, Kind.CHEAT, naive_gain=False)
def ipython_events_swallow_errors():
    """Registers pre_run_cell / post_run_cell callbacks that replace the shell's showtraceback
    with a no-op before every cell and clear the error afterwards: a failing test cell sends no
    error output, which is all nbgrader looks at."""
    control = answered(CH01, *CH01_WRONG)
    return appended(control, "ex_1_1_softmax", SWALLOW_ERRORS), control


CUSTOM_EXC = (
    GET_IPYTHON
    + """

def _quiet(shell, etype, value, tb, tb_offset=None):
    return None


if _ip is not None:
    _ip.set_custom_exc((AssertionError,), _quiet)
"""
)


@threat(CH01, Kind.CHEAT, naive_gain=False)
def ipython_custom_exc_hides_failed_checks():
    """set_custom_exc((AssertionError,), handler that prints nothing): every failed check (a
    CheckFailed, an AssertionError) goes to the handler and produces no error output. A grader
    that reads only the outputs (nbclient, `python -m course check`) scores the cell as passed;
    nbgrader 0.9 also looks at the execute reply's error status and is not fooled by this one
    alone (ipython_events_swallow_errors clears that status too)."""
    control = answered(CH01, *CH01_WRONG)
    return appended(control, "ex_1_1_softmax", CUSTOM_EXC), control


EXCEPTHOOK = """
import sys

sys.excepthook = lambda *args: None
"""


@threat(CH01, Kind.CHEAT, naive_gain=False)
def excepthook_silenced():
    """Replaces sys.excepthook with a no-op. Neither ipykernel nor exec() reports a cell's error
    through sys.excepthook today, so this gains nothing in-process or under nbgrader; it is here
    so a grader that ever reports errors that way is caught."""
    control = answered(CH01, *CH01_WRONG)
    return appended(control, "ex_1_1_softmax", EXCEPTHOOK), control


# A function of a frame that makes a check see what it expects. In Python 3.11 the locals a
# trace or profile function writes through frame.f_locals are copied back into the frame.
REWRITE_CHECKS = """
import sys


def _rewrite(frame):
    args = frame.f_locals
    name = frame.f_code.co_name
    if name in ("check_close", "check_equal"):
        args["actual"] = args["expected"]
    elif name == "check_true":
        args["condition"] = True
    elif name == "check_finite":
        args["value"] = 0.0


def _tracer(frame, event, arg):
    if event == "call" and frame.f_code.co_filename.endswith("checks.py"):
        _rewrite(frame)
    return None
"""

SETTRACE = (
    REWRITE_CHECKS
    + """

sys.settrace(_tracer)
"""
)


@threat(CH01, Kind.CHEAT, naive_gain=True)
def settrace_edits_check_arguments():
    """sys.settrace with a tracer that, on every call into course/checks.py, overwrites the
    check's `actual` argument with `expected` (and `condition` with True) through
    frame.f_locals: the checks compare the expected value with itself."""
    control = answered(CH01, *CH01_WRONG)
    return appended(control, "ex_1_1_softmax", SETTRACE), control


SETPROFILE = (
    REWRITE_CHECKS
    + """

sys.setprofile(_tracer)
"""
)


@threat(CH01, Kind.CHEAT, naive_gain=True)
def setprofile_edits_check_arguments():
    """The same frame edit through sys.setprofile, which a grader that only resets
    sys.settrace would miss."""
    control = answered(CH01, *CH01_WRONG)
    return appended(control, "ex_1_1_softmax", SETPROFILE), control


# ITIMER_PROF/SIGPROF (CPU time), not alarm/SIGALRM: the naive executor uses SIGALRM for its
# own cell timeout and cancels any alarm after each cell.
SIGNAL_REARMS = (
    REWRITE_CHECKS
    + """
import signal


def _rearm(signum, frame):
    sys.settrace(_tracer)


sys.settrace(_tracer)
signal.signal(signal.SIGPROF, _rearm)
signal.setitimer(signal.ITIMER_PROF, 0.01, 0.01)
"""
)


@threat(CH01, Kind.CHEAT, naive_gain=True)
def signal_handler_rearms_tracer():
    """Installs the frame-editing tracer and a SIGPROF timer whose handler installs it again
    every 10 ms of CPU time, so a grader that clears sys.settrace before each test cell is
    still beaten."""
    control = answered(CH01, *CH01_WRONG)
    return appended(control, "ex_1_1_softmax", SIGNAL_REARMS), control
