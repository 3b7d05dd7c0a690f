"""The student worker's sandbox (course.grading.sandbox).

Every property is checked at each isolation level this machine provides (the others are skipped
with the probe's reason), by running a small Python snippet as the worker: it reports what it saw
through ``report.json`` in its workdir. Where a level is *expected* to leave a door open (the
network under ``"rlimits"``), the test asserts the door is open there, which proves it can tell.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from course.grading import forkserver, sandbox
from course.grading.sandbox import Limits
from tests.conftest import ROOT

# One worker at a time (fork bombs and 200 MB writes do not need company), and a slot of our own
# so RLIMIT_NPROC of the sandbox uid counts only this module's processes.
pytestmark = pytest.mark.xdist_group("grading_sandbox")
SLOT = 150
NAMESPACES = ("namespaces+uid", "namespaces")
HANG_GUARD = 120.0  # seconds; only ever reached if the sandbox is broken
needs_proc = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds the worker's processes through /proc"
)
PYTHONPATH = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)

PRELUDE = """\
import errno, json, os, sys

def report(**values):
    with open("report.json.part", "w") as f:
        json.dump(values, f)
    os.replace("report.json.part", "report.json")

def attempt(action):
    try:
        action()
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    return "ok"
"""


@pytest.fixture(params=["started", "forked"], autouse=True)
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every property holds for a worker started afresh (``sandbox.spawn``) and for one the fork
    server forks (``forkserver.spawn``), which builds the same sandbox by itself."""
    monkeypatch.setattr(sys.modules[__name__], "WAY", request.param)
    return request.param


WAY = "started"


@pytest.fixture(params=sandbox.LEVELS)
def level(request: pytest.FixtureRequest) -> str:
    why = sandbox.why_unavailable(request.param)
    if why is not None:
        pytest.skip(f"isolation level {request.param!r} is not available here: {why}")
    return request.param


@pytest.fixture
def batch() -> Iterator[Path]:
    """A batch directory the sandbox uids can walk into (pytest's tmp_path is private to us)."""
    folder = Path(tempfile.mkdtemp(prefix="course-sandbox-test-"))
    folder.chmod(0o711)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def start(level: str, batch: Path, code: str, *args: str, **options) -> sandbox.Sandbox:
    options.setdefault("hide", ())
    options["env"] = {"PYTHONPATH": PYTHONPATH, **options.get("env", {})}
    argv = [sys.executable, "-c", PRELUDE + textwrap.dedent(code), *args]
    box = forkserver.spawn(
        argv,
        workdir=batch / "work",
        slot=SLOT,
        log_path=batch / "worker.log",
        level=level,
        fork=WAY == "forked",
        **options,
    )
    assert box.isolation == level
    assert isinstance(box.proc, forkserver.ForkedProcess) == (WAY == "forked")
    return box


def log(batch: Path) -> str:
    path = batch / "worker.log"
    return path.read_text(errors="replace") if path.exists() else "(no log)"


def run(level: str, batch: Path, code: str, *args: str, **options) -> dict:
    """Run a worker to its end and return its report."""
    box = start(level, batch, code, *args, **options)
    try:
        status = box.wait(timeout=HANG_GUARD)
    finally:
        box.kill()
    assert status == 0, f"the worker exited with status {status}; its log:\n{log(batch)}"
    return json.loads((batch / "work" / "report.json").read_text())


def report_of_running(box: sandbox.Sandbox, batch: Path) -> dict:
    """The report of a worker that keeps running after it wrote it."""
    path = batch / "work" / "report.json"
    deadline = time.monotonic() + HANG_GUARD
    while not path.exists():
        status = box.wait(timeout=0.02)
        assert status is None, f"the worker exited with status {status}; its log:\n{log(batch)}"
        assert time.monotonic() < deadline, "the worker never reported"
    return json.loads(path.read_text())


def survivors(token: str, batch: Path) -> list[int]:
    """The processes of the worker still running, killed here so a failing test leaves none."""
    found = running_with(token, batch)
    for pid in found:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return found


def running_with(token: str, batch: Path) -> list[int]:
    """Live processes (zombies excluded) with ``token`` among their arguments or working in
    ``batch`` (a forked worker, and what it forks without exec, have the fork server's
    arguments)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        try:
            inside = Path(os.readlink(entry / "cwd")).is_relative_to(batch)
        except OSError:
            inside = False
        if (token.encode() in args or inside) and state not in "ZX":
            found.append(int(entry.name))
    return found


def test_worker_can_import_numpy_and_course(level: str, batch: Path) -> None:
    code = "import numpy, course\nreport(course=course.__file__, uid=os.getuid())"
    seen = run(level, batch, code)
    assert Path(seen["course"]).is_relative_to(ROOT), f"imported another course package: {seen}"
    if level == "namespaces+uid":
        assert seen["uid"] == sandbox.sandbox_uid(SLOT), f"the worker did not switch uid: {seen}"


def test_environment_is_minimal_and_secrets_stay_out(
    level: str, batch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COURSE_SECRET_TOKEN", "s3cret")
    code = "report(env=dict(os.environ), cwd=os.getcwd(), stdin=sys.stdin.read())"
    seen = run(level, batch, code)
    env, work = seen["env"], str(batch / "work")
    leaked = set(env) - {
        *("PATH", "LANG", "PYTHONPATH", "HOME", "TMPDIR", "MPLBACKEND", "PYTHONDONTWRITEBYTECODE"),
        *("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "LC_CTYPE"),
    }
    assert not leaked, f"the judge's environment leaked into the worker: {sorted(leaked)}"
    assert env["HOME"] == env["TMPDIR"] == seen["cwd"] == work, seen
    assert env["OMP_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == "1", env
    assert env["MPLBACKEND"] == "Agg", env
    assert seen["stdin"] == "", f"stdin is not /dev/null: {seen['stdin']!r}"


def test_stderr_goes_to_the_log_and_huge_stdout_is_harmless(level: str, batch: Path) -> None:
    code = """
    sys.stderr.write("a note from the worker\\n")
    sys.stderr.flush()
    chunk = b"x" * 2**20
    for _ in range(200):
        os.write(1, chunk)
    report(done=True)
    """
    assert run(level, batch, code) == {"done": True}
    text = log(batch)
    assert "a note from the worker" in text, f"stderr did not reach the log: {text!r}"
    assert "xxxx" not in text, "stdout ended up in the log instead of /dev/null"


def test_network_is_unreachable_in_namespaces(level: str, batch: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        addresses = [("127.0.0.1", port)] + ([("192.0.2.1", 80)] if level in NAMESPACES else [])
        code = """
        import socket
        def connect(host, port):
            with socket.create_connection((host, port), timeout=10):
                pass
        targets = json.loads(sys.argv[1])
        report(**{f"{h}:{p}": attempt(lambda: connect(h, p)) for h, p in targets})
        """
        seen = run(level, batch, code, json.dumps(addresses))
    if level in NAMESPACES:
        connected = [target for target, outcome in seen.items() if outcome == "ok"]
        assert not connected, f"the sandboxed worker reached {connected}: {seen}"
    else:
        assert seen[f"127.0.0.1:{port}"] == "ok", f"'rlimits' isolates no network: {seen}"


def test_hidden_paths_are_empty_and_only_the_workdir_is_writable(level: str, batch: Path) -> None:
    if level not in NAMESPACES:
        pytest.skip("'rlimits' hides nothing and leaves the filesystem writable")
    secret_dir, secret_file = batch / "hidden-tests", batch / "gradebook.db"
    secret_dir.mkdir()
    (secret_dir / "answers.txt").write_text("42")
    secret_file.write_text("grades")
    intruder = ROOT / f".sandbox-write-test-{uuid.uuid4().hex}"
    code = """
    secret_dir, secret_file, authoring, intruder = sys.argv[1:5]
    report(
        secret_dir=os.listdir(secret_dir),
        secret_file=open(secret_file).read(),
        authoring=os.listdir(authoring),
        write_secret_dir=attempt(lambda: open(os.path.join(secret_dir, "x"), "w").close()),
        write_secret_file=attempt(lambda: open(secret_file, "a").write("A+")),
        write_course=attempt(lambda: open(intruder, "w").close()),
        write_root=attempt(lambda: open("/sandbox-write-test", "w").close()),
        write_proc_sys=attempt(lambda: open("/proc/sys/kernel/hostname", "w").close()),
        write_workdir=attempt(lambda: open(os.path.join(os.environ["HOME"], "mine"), "w").close()),
        dev=sorted(os.listdir("/dev")),
    )
    """
    hide = [secret_dir, secret_file, ROOT / "authoring", batch / "not-there"]
    args = (str(secret_dir), str(secret_file), str(ROOT / "authoring"), str(intruder))
    try:
        seen = run(level, batch, code, *args, hide=hide)
    finally:
        created = intruder.exists()
        intruder.unlink(missing_ok=True)
    assert not created, "the worker created a file in the course root"
    assert seen["secret_dir"] == [] and seen["authoring"] == [], f"hidden folders listed: {seen}"
    assert seen["secret_file"] == "", f"a hidden file was readable: {seen}"
    for key in ("write_secret_dir", "write_course", "write_root", "write_proc_sys"):
        assert seen[key] != "ok", f"{key} succeeded inside the sandbox: {seen}"
    assert seen["write_workdir"] == "ok", f"the workdir is not writable: {seen}"
    expected_dev = {"null", "zero", "full", "random", "urandom", "shm", "fd", "stdin", "stdout"}
    assert set(seen["dev"]) <= expected_dev | {"stderr"}, f"/dev is not minimal: {seen['dev']}"
    assert (secret_dir / "answers.txt").read_text() == "42" and secret_file.read_text() == "grades"
    assert os.listdir(ROOT / "authoring"), "hiding leaked out of the sandbox's mount namespace"


def test_hiding_the_batch_directory_keeps_the_workdir(level: str, batch: Path) -> None:
    if level not in NAMESPACES:
        pytest.skip("'rlimits' hides nothing")
    (batch / "other-student").mkdir()
    (batch / "other-student" / "answer.py").write_text("the other student's work")
    code = """
    with open("mine.txt", "w") as f:
        f.write("written in the sandbox")
    report(batch=sorted(os.listdir(sys.argv[1])))
    """
    seen = run(level, batch, code, str(batch), hide=[batch])
    assert seen["batch"] == ["work"], f"the worker saw its batch directory's other entries: {seen}"
    assert (batch / "work" / "mine.txt").read_text() == "written in the sandbox"


def uncapped(box: sandbox.Sandbox) -> bool:
    """Root ignores RLIMIT_NPROC: a root judge under "rlimits" caps processes only by cgroup."""
    return box.isolation == "rlimits" and os.geteuid() == 0 and box.cgroup is None


@needs_proc
def test_fork_bomb_is_contained_and_killed(level: str, batch: Path) -> None:
    token = uuid.uuid4().hex
    code = """
    import time
    forked = 0
    for _ in range(200):
        try:
            if os.fork() == 0:
                time.sleep(600)
                os._exit(0)
        except OSError:
            break
        forked += 1
    report(forked=forked)
    time.sleep(600)
    """
    limits = Limits(processes=16)
    box = start(level, batch, code, token, limits=limits)
    try:
        if uncapped(box):
            pytest.skip("root under 'rlimits' without a pids cgroup: nothing caps a fork bomb")
        seen = report_of_running(box, batch)
    finally:
        box.kill()
        left = survivors(token, batch)
    assert left == [], "fork bomb processes survived kill()"
    assert 0 < seen["forked"] < limits.processes, f"the fork bomb was not capped: {seen}"


def test_memory_limit_turns_a_huge_allocation_into_memory_error(level: str, batch: Path) -> None:
    code = """
    import numpy as np
    try:
        np.empty(2**30)  # 8 GiB of float64
        big = "allocated"
    except MemoryError:
        big = "MemoryError"
    report(big=big, small=float(np.ones(10**7).sum()))
    """
    seen = run(level, batch, code)
    assert seen == {"big": "MemoryError", "small": 1e7}, f"8 GiB under a 4 GiB limit: {seen}"


def test_file_size_limit_gives_efbig(level: str, batch: Path) -> None:
    code = """
    chunk = b"x" * 2**20
    def write_200_mb():
        with open("big.bin", "wb") as f:
            for _ in range(200):
                f.write(chunk)
    report(error=attempt(write_200_mb), size=os.path.getsize("big.bin"))
    """
    seen = run(level, batch, code)
    assert seen["error"] == "EFBIG", f"writing 200 MB did not fail with EFBIG: {seen}"
    assert seen["size"] <= Limits().file_bytes, seen


@needs_proc
def test_kill_leaves_nothing_running(level: str, batch: Path) -> None:
    token = uuid.uuid4().hex
    code = """
    import signal, subprocess, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    token = sys.argv[1]
    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"
    argv = [sys.executable, "-c", stubborn, token]
    children = [subprocess.Popen(argv) for _ in range(2)]
    children.append(subprocess.Popen(argv, start_new_session=True))  # leaves the process group
    middle = os.fork()
    if middle == 0:  # a daemon: double fork, new session; only a namespace or cgroup holds it
        os.setsid()
        if os.fork() == 0:
            time.sleep(600)
        os._exit(0)
    os.waitpid(middle, 0)
    report(children=len(children))
    time.sleep(600)
    """
    box = start(level, batch, code, token)
    try:
        report_of_running(box, batch)
        # the worker, its three children and the daemon (not the outer process that unshared)
        outer = box.proc.pid if box.isolation != "rlimits" else None
        seen = [pid for pid in running_with(token, batch) if pid != outer]
        assert len(seen) == 5, "the worker's processes are not all running"
    finally:
        box.kill()
        left = survivors(token, batch)
    if box.isolation == "rlimits" and box.cgroup is None:
        assert len(left) <= 1, f"more than the daemon survived kill(): {left}"
    else:
        assert left == [], "processes of the worker survived kill()"
    box.kill()  # idempotent
    assert box.wait(timeout=0) is not None


def test_worker_cannot_signal_the_judge_or_its_parent(level: str, batch: Path) -> None:
    """Inside the PID namespace the judge's processes do not exist, and getppid() is 0, so
    "the parent" is the worker's process group, which holds ``unshare``: with its own uid the
    worker cannot signal it, so ``unshare`` lives to report the worker's exit status 0."""
    if level not in NAMESPACES:
        pytest.skip("'rlimits' runs the worker as the judge's user, in the judge's PID namespace")
    victim = subprocess.Popen(["sleep", "600"])
    code = """
    import signal
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    seen = {"victim": attempt(lambda: os.kill(int(sys.argv[1]), signal.SIGKILL))}
    if sys.argv[2] == "1":
        seen["parent"] = attempt(lambda: os.kill(os.getppid(), signal.SIGUSR1))
    report(ppid=os.getppid(), **seen)
    """
    try:
        seen = run(level, batch, code, str(victim.pid), "1" if level == "namespaces+uid" else "0")
        assert victim.poll() is None, f"the worker killed a process of the judge: {seen}"
    finally:
        victim.kill()
        victim.wait()
    assert seen["victim"] in ("ESRCH", "EPERM"), seen
    assert seen["ppid"] == 0, f"the worker sees its parent outside the namespace: {seen}"


def test_unknown_or_unavailable_levels_are_refused(batch: Path) -> None:
    with pytest.raises(ValueError, match="unknown isolation level"):
        sandbox.spawn(["true"], workdir=batch / "work", hide=(), slot=SLOT, level="chroot")
    for level in set(sandbox.LEVELS) - set(sandbox.available_levels()):
        with pytest.raises(RuntimeError, match=re.escape(f"'{level}' is not available")):
            sandbox.spawn(["true"], workdir=batch / "work", hide=(), slot=SLOT, level=level)


def test_hiding_inside_the_workdir_is_refused(batch: Path) -> None:
    level = sandbox.isolation()
    if level == "rlimits":
        pytest.skip("'rlimits' hides nothing")
    with pytest.raises(ValueError, match="inside it"):
        sandbox.spawn(
            ["true"], workdir=batch / "work", hide=[batch / "work" / "x"], slot=SLOT, level=level
        )


def test_namespaces_level_is_available_where_unshare_works() -> None:
    """A broken setup script would only make the namespace tests skip: where ``unshare`` itself
    can make the namespaces, the "namespaces" level must be available."""
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        pytest.skip("no unshare here")
    flags = ["--user", "--map-root-user", "--net", "--ipc", "--mount", "--pid", "--fork"]
    if subprocess.run([unshare, *flags, "true"], capture_output=True).returncode != 0:
        pytest.skip("this machine does not allow user namespaces")
    assert sandbox.why_unavailable("namespaces") is None
