"""The fork server (course.grading.forkserver): a forked worker is the fresh worker it replaces.

The sandbox's isolation properties are tested for forked workers in test_grading_sandbox.py
(every test there runs both ways). Here: what a notebook could observe of the interpreter is the
same as in a freshly started one, exit statuses come through, and nothing outlives the judge.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from course.grading import forkserver, sandbox
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.xdist_group("grading_sandbox"),
    pytest.mark.skipif(sys.platform != "linux", reason="the fork server is for Linux"),
]
SLOT = 151
PYTHONPATH = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)

OBSERVE = """\
import json, os, sys
import matplotlib, numpy
state = {
    "argv": sys.argv,
    "path0": sys.path[0],
    "name": __name__,
    "main_is_module": sys.modules["__main__"].__dict__ is globals(),
    "cwd": os.getcwd(),
    "env": dict(os.environ),
    "backend": matplotlib.rcParams["backend"],
    "rc": {k: repr(v) for k, v in matplotlib.rcParams.items() if k != "backend"},
    "random": float(numpy.random.rand()),
    "tempdir": __import__("tempfile").gettempdir(),
    "dont_write_bytecode": sys.dont_write_bytecode,
    "flags": repr(sys.flags),
}
with open("state.json", "w") as f:
    json.dump(state, f)
"""


@pytest.fixture
def batch():
    folder = Path(tempfile.mkdtemp(prefix="course-forkserver-test-"))
    folder.chmod(0o711)
    yield folder
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def run(batch: Path, code: str, *args: str, fork: bool, name: str = "work") -> tuple[int, Path]:
    argv = [sys.executable, "-c", textwrap.dedent(code), *args]
    box = forkserver.spawn(
        argv,
        workdir=batch / name,
        hide=(),
        slot=SLOT,
        env={"PYTHONPATH": PYTHONPATH, "MPLBACKEND": forkserver.WORKER_BACKEND},
        log_path=batch / f"{name}.log",
        fork=fork,
    )
    assert isinstance(box.proc, forkserver.ForkedProcess) == fork
    try:
        status = box.wait(timeout=120)
    finally:
        box.kill()
    return status, batch / name


def test_a_forked_worker_sees_what_a_fresh_interpreter_sees(batch: Path) -> None:
    status, fresh_dir = run(batch, OBSERVE, "one", "two", fork=False, name="fresh")
    assert status == 0, (batch / "fresh.log").read_text()
    fresh = json.loads((fresh_dir / "state.json").read_text())
    forked = []
    for n in range(2):
        status, folder = run(batch, OBSERVE, "one", "two", fork=True, name=f"forked{n}")
        assert status == 0, (batch / f"forked{n}.log").read_text()
        forked.append(json.loads((folder / "state.json").read_text()))
    for state in forked:
        assert state["argv"] == fresh["argv"] == ["-c", "one", "two"]
        assert state["path0"] == fresh["path0"] == ""
        assert state["name"] == "__main__" and state["main_is_module"]
        assert state["env"].keys() == fresh["env"].keys()
        assert state["env"]["HOME"] == state["cwd"] == state["tempdir"]
        assert state["backend"] == fresh["backend"] == forkserver.WORKER_BACKEND
        different = [k for k in fresh["rc"] if fresh["rc"][k] != state["rc"].get(k)]
        assert different == [], f"the server's imports changed matplotlib settings: {different}"
        assert state["dont_write_bytecode"] == fresh["dont_write_bytecode"]
        assert state["flags"] == fresh["flags"]
    # numpy's global generator is seeded afresh in each worker, as in a new interpreter
    assert forked[0]["random"] != forked[1]["random"]


def test_module_workers_run_as_python_dash_m(batch: Path) -> None:
    """``-m``: sys.argv[0] is the module's file and sys.path[0] the working directory."""
    module = batch / "probe_module.py"
    module.write_text(
        "import json, sys\n"
        "json.dump({'argv': sys.argv, 'path0': sys.path[0], 'name': __name__},"
        " open('state.json', 'w'))\n"
    )
    box = forkserver.spawn(
        [sys.executable, "-m", "probe_module", "--flag"],
        workdir=batch / "work",
        hide=(),
        slot=SLOT,
        env={"PYTHONPATH": os.pathsep.join([str(batch), PYTHONPATH])},
        fork=True,
    )
    try:
        assert box.wait(timeout=120) == 0
    finally:
        box.kill()
    state = json.loads((batch / "work" / "state.json").read_text())
    assert state == {
        "argv": [str(module), "--flag"],
        "path0": str(batch / "work"),
        "name": "__main__",
    }


@pytest.mark.parametrize(
    ("code", "status", "logged"),
    [
        ("raise SystemExit(3)", 3, ""),
        ("raise SystemExit('bye')", 1, "bye"),
        ("import sys; sys.exit()", 0, ""),
        ("1 / 0", 1, "ZeroDivisionError"),
        (
            "import atexit; atexit.register(print, 'at exit', file=__import__('sys').stderr)",
            0,
            "at exit",
        ),
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", None, ""),
    ],
)
def test_exit_status_and_stderr_are_those_of_python(
    batch: Path, code: str, status: int | None, logged: str
) -> None:
    got, _ = run(batch, code, fork=True)
    fresh, _ = run(batch, code, fork=False, name="fresh")
    assert got == fresh, f"forked worker ended with {got}, a fresh one with {fresh}"
    if status is not None:  # None: as a fresh worker (SIGKILL to itself does nothing to a
        assert got == status  # PID namespace's init, and kills a worker under "rlimits")
    assert logged in (batch / "work.log").read_text()


def test_the_server_goes_with_its_judge_and_leaves_nothing(batch: Path) -> None:
    """A judge killed with SIGKILL: its server notices, kills its workers, removes its folder."""
    judge_code = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from course.grading import forkserver
box = forkserver.spawn(
    [sys.executable, "-c", "import time; open('started', 'w').close(); time.sleep(600)"],
    workdir=Path({str(batch / "work")!r}), hide=(), slot={SLOT}, fork=True,
    env={{"PYTHONPATH": {PYTHONPATH!r}}},
)
server = next(iter(forkserver._servers.values()))
print(server.proc.pid, server.home, box.proc.pid, flush=True)
time.sleep(600)
"""
    judge = subprocess.Popen([sys.executable, "-c", judge_code], stdout=subprocess.PIPE, text=True)
    try:
        server_pid, home, worker_pid = judge.stdout.readline().split()
        deadline = time.monotonic() + 60
        while not (batch / "work" / "started").exists():
            assert time.monotonic() < deadline, "the worker never started"
            time.sleep(0.05)
        assert Path(home).is_dir()
    finally:
        judge.kill()
        judge.wait()
    deadline = time.monotonic() + 30
    while alive(int(server_pid)) or alive(int(worker_pid)) or Path(home).exists():
        assert time.monotonic() < deadline, (
            "the server, its worker or its folder outlived the judge"
        )
        time.sleep(0.05)


def test_close_all_stops_the_servers_and_removes_their_folders(batch: Path) -> None:
    status, _ = run(batch, "pass", fork=True)
    assert status == 0
    servers = [s for key, s in forkserver._servers.items() if key[0] == os.getpid()]
    assert servers
    homes = [s.home for s in servers]
    forkserver.close_all()
    assert not any(home.exists() for home in homes)
    assert all(s.proc.poll() is not None for s in servers)


def test_other_commands_and_the_switch_start_workers_the_plain_way(
    batch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = forkserver.spawn(["true"], workdir=batch / "work", hide=(), slot=SLOT)
    assert not isinstance(box.proc, forkserver.ForkedProcess)
    assert box.wait(timeout=60) == 0
    box.kill()
    monkeypatch.setenv("COURSE_FORK_SERVER", "0")
    assert not forkserver.enabled()
    status, _ = run(batch, "pass", fork=forkserver.enabled())
    assert status == 0


def alive(pid: int) -> bool:
    stat = sandbox._proc_stat(pid)
    return stat is not None and stat[0] not in "ZX"


def test_killed_signals_reach_the_outer_process(batch: Path) -> None:
    """kill() of a forked worker in a namespace level ends with SIGKILL's status."""
    argv = [sys.executable, "-c", "import time; time.sleep(600)"]
    box = forkserver.spawn(
        argv, workdir=batch / "work", hide=(), slot=SLOT, fork=True, env={"PYTHONPATH": PYTHONPATH}
    )
    time.sleep(0.5)
    box.kill()
    assert box.wait(timeout=10) == -signal.SIGKILL


def test_a_fork_server_that_cannot_start_workers_is_given_up_for_fresh_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where forking fails (an unusual kernel), grading goes on with fresh workers, the same
    scores, and the worker log says why."""
    from course.grading.judge import GradingLimits, Judge
    from tests.test_grading_judge import notebook

    def broken(*args: object, **kwargs: object) -> None:
        raise forkserver.ForkServerError("broken on purpose")

    monkeypatch.setattr(forkserver.ForkServer, "spawn", broken)
    monkeypatch.setattr(forkserver, "_given_up", "")
    nb = notebook(("code", "def f(x):\n    return 2 * x"), ("test", "check_true(f(2) == 4, 'f')"))
    log = tmp_path / "worker.log"
    judge = Judge(ROOT / "release" / "ch01_softmax", GradingLimits(), log_path=log)
    result = judge.run(nb, nb)
    assert [o.passed for o in result.outcomes] == [True]
    assert not forkserver.enabled()
    assert "fork server: not used any more in this process (broken on purpose)" in log.read_text()
