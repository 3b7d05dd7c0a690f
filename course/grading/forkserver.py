"""Start student workers from a fork server: Python and the notebooks' libraries imported once.

A fresh worker pays for a new interpreter, numpy and IPython (about 0.4 s of CPU) and, in every
notebook that draws, for matplotlib, seaborn and pandas (about 1 s more): most of what grading a
small submission costs. The fork server is a process of the judge's own (trusted: it never runs
student code, never reads a submission, and only forks) that has imported all of that once. For
each submission it forks a child, and the child makes itself exactly the sandbox that
:func:`course.grading.sandbox.spawn` builds with ``unshare``, ``setpriv`` and ``prlimit``:

- it leads a session of its own and joins the sandbox's pids cgroup;
- (namespace levels) it unshares network, IPC, mount and PID namespaces (and, under
  ``"namespaces"``, a user namespace mapping root onto the judge's uid) and forks the PID
  namespace's init, which runs the same setup script as ``spawn`` (everything read-only, a
  minimal ``/dev``, its own ``/proc``, hidden paths covered, only the workdir writable) while the
  first child stays outside and exits as that init does (``unshare --fork``);
- it sets the same resource limits and ends with no capability in any set and
  ``no_new_privs``, under ``"namespaces+uid"`` as the slot's uid without groups (what ``setpriv``
  and then ``exec`` leave); its parent-death signal kills the namespace with its outer process;
- it takes the worker's environment, descriptors and working directory, reseeds what a fresh
  interpreter seeds (numpy's global generator; :mod:`random` reseeds itself at fork), and runs
  ``python -m MODULE ARGS`` or ``python -c CODE ARGS`` as a new interpreter would: a fresh
  ``__main__``, ``sys.argv`` and ``sys.path[0]`` as Python sets them, ``atexit`` handlers at the
  end, the exit status of ``SystemExit`` or 1 after a traceback on stderr.

Isolation between students is that of ``spawn``: every child is a new process with its own
namespaces and uid, and the server it came from is out of its reach (another PID namespace,
another uid). What the server has imported is the same in every child and is the state a fresh
worker reaches after the same imports (they change no setting: the test suite checks matplotlib's
``rcParams`` and backend). :func:`spawn` starts a worker the plain way when ``COURSE_FORK_SERVER=0``
is set, and for any command that is not this interpreter with ``-m`` or ``-c``.

The server's own scratch folder (its ``HOME``, matplotlib's font cache) is removed when it stops;
it stops, killing the workers it still has, when the judge closes its end of the control socket,
which the kernel does when the judge exits in any way.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import ctypes
import fcntl
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
import types
from collections.abc import Sequence
from pathlib import Path

from course.grading import sandbox
from course.grading.sandbox import Limits, Sandbox

# Imported once in the server: what every worker needs, and what most notebooks import.
PRELOAD = (
    "numpy",
    "IPython",
    "course.grading.shell",
    "course.grading.student",
    "matplotlib",
    "matplotlib.pyplot",
    "pandas",
    "seaborn",
    "course.checks",
    "course.plots",
)
# The backend the worker selects (course.grading.student.main) before anything imports matplotlib.
WORKER_BACKEND = "module://matplotlib_inline.backend_inline"
START_TIMEOUT = 120.0  # seconds for the server to import PRELOAD (a cold disk is slow)
REPLY_TIMEOUT = 60.0  # seconds for an answer to a spawn request
MAX_MESSAGE = 1 << 20
DEFAULT_LIMITS = Limits()

_CLONE_NEWNS = 0x00020000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWIPC = 0x08000000
_CLONE_NEWNET = 0x40000000
_CLONE_NEWPID = 0x20000000
_PR_SET_PDEATHSIG = 1
_PR_CAPBSET_DROP = 24
_PR_SET_NO_NEW_PRIVS = 38
_CAP_VERSION_3 = 0x20080522


class ForkServerError(RuntimeError):
    """The fork server could not start a worker (the message says why)."""


_given_up: str = ""  # why this process stopped forking workers ("" while it forks)


def enabled() -> bool:
    """Whether :func:`spawn` forks workers (default) or always starts them afresh
    (``COURSE_FORK_SERVER=0``, or after :func:`give_up` in this process)."""
    if _given_up:
        return False
    return os.environ.get("COURSE_FORK_SERVER", "1").strip() not in ("0", "no", "false", "off")


def give_up(reason: str, log_path: Path | None = None) -> None:
    """Stop forking workers in this process (a forked worker could not start here: the
    reason goes to ``log_path``, the worker log, never to stderr); stop its servers."""
    global _given_up
    _given_up = reason or "a forked worker did not start"
    if log_path is not None:
        with contextlib.suppress(OSError), open(log_path, "a") as log:
            log.write(f"fork server: not used any more in this process ({_given_up})\n")
    close_all()


def spawn(
    argv: list[str],
    *,
    workdir: Path,
    hide: Sequence[Path],
    slot: int,
    limits: Limits = DEFAULT_LIMITS,
    pass_fds: Sequence[int] = (),
    env: dict[str, str] | None = None,
    log_path: Path | None = None,
    level: str | None = None,
    fork: bool | None = None,
) -> Sandbox:
    """:func:`course.grading.sandbox.spawn`, through the fork server where it applies: ``argv``
    runs this interpreter with ``-m`` or ``-c`` on Linux, and ``fork`` (default
    :func:`enabled`) allows it. Otherwise the worker starts the plain way."""
    level = sandbox.resolve_level(level)
    if fork is None:
        fork = enabled()
    if not (fork and forkable(argv) and sys.platform == "linux"):
        return sandbox.spawn(
            argv,
            workdir=workdir,
            hide=hide,
            slot=slot,
            limits=limits,
            pass_fds=pass_fds,
            env=env,
            log_path=log_path,
            level=level,
        )
    server = _server(_pythonpath(env))
    return server.spawn(argv, workdir, hide, slot, limits, pass_fds, env, log_path, level)


def forkable(argv: Sequence[str]) -> bool:
    """``argv`` is ``[this interpreter, "-m", MODULE, ...]`` or ``[..., "-c", CODE, ...]``."""
    return len(argv) >= 3 and argv[0] == sys.executable and argv[1] in ("-m", "-c")


def _pythonpath(env: dict[str, str] | None) -> str:
    return sandbox.environment(Path("/"), env).get("PYTHONPATH", "")


# --------------------------------------------------------------------------- judge's side

_servers: dict[tuple[int, str], ForkServer] = {}
_servers_lock = threading.Lock()


def _server(pythonpath: str) -> ForkServer:
    """This process's running server for ``pythonpath`` (started, or restarted, on demand)."""
    key = (os.getpid(), pythonpath)
    with _servers_lock:
        server = _servers.get(key)
        if server is None or not server.alive():
            if server is not None:
                server.close()
            server = _servers[key] = ForkServer(pythonpath)
        return server


@atexit.register
def close_all() -> None:
    """Stop this process's fork servers (they also stop by themselves when it exits)."""
    with _servers_lock:
        mine = [key for key in _servers if key[0] == os.getpid()]
        for key in mine:
            _servers.pop(key).close()


class ForkServer:
    """One running fork server and the control socket to it (requests one at a time)."""

    def __init__(self, pythonpath: str) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="course-forkserver-"))
        self.lock = threading.Lock()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = sandbox.environment(self.home, {"MPLBACKEND": WORKER_BACKEND})
        env.pop("PYTHONPATH", None)
        if pythonpath:
            env["PYTHONPATH"] = pythonpath
        server_log = open(self.home / "server.log", "ab")  # noqa: SIM115 - closed below
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "course.grading.forkserver"]
                + ["--fd", str(theirs.fileno()), "--home", str(self.home)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=server_log,
                cwd=self.home,
                env=env,
                pass_fds=[theirs.fileno()],
                start_new_session=True,
            )
        except BaseException:
            shutil.rmtree(self.home, ignore_errors=True)
            raise
        finally:
            theirs.close()
            server_log.close()
        self.sock = ours
        try:
            hello = self._receive(START_TIMEOUT)
        except ForkServerError:
            hello = {}
        if hello.get("ready") != 1:
            said = (self.home / "server.log").read_text(errors="replace").strip()
            self.close()
            raise ForkServerError(f"the fork server did not start: {said[-2000:] or hello}")

    def alive(self) -> bool:
        return self.proc.poll() is None and self.sock.fileno() >= 0

    def spawn(
        self,
        argv: list[str],
        workdir: Path,
        hide: Sequence[Path],
        slot: int,
        limits: Limits,
        pass_fds: Sequence[int],
        env: dict[str, str] | None,
        log_path: Path | None,
        level: str,
    ) -> Sandbox:
        ready = sandbox.prepare(level, workdir, hide, slot, limits)
        try:
            if level == "rlimits":
                script, nproc = None, sandbox.nproc_for_rlimits(limits)
            else:
                script = sandbox.forked_setup_command(ready.workdir, ready.hidden, limits)
                nproc = limits.processes
            spec = {
                "argv": list(argv),
                "level": level,
                "uid": ready.uid,
                "script": script,
                "limits": sandbox.resource_limits(limits, nproc),
                "cgroup": str(ready.cgroup) if ready.cgroup is not None else None,
                "env": sandbox.environment(ready.workdir, env),
                "workdir": str(ready.workdir),
                "targets": list(pass_fds),
                "log": log_path is not None,
            }
            fds = list(pass_fds)  # the worker's, then the log's (spec["log"] says if there is one)
            log = (
                os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                if log_path
                else None
            )
            try:
                if log is not None:
                    fds.append(log)
                reply = self.request({"op": "spawn", "spec": spec}, fds)
            finally:
                if log is not None:
                    os.close(log)
            if "pid" not in reply:
                raise ForkServerError(
                    f"the fork server could not start the worker: {reply.get('error')}"
                )
        except BaseException:
            ready.discard()
            raise
        return Sandbox(ForkedProcess(self, int(reply["pid"])), level, ready.cgroup)

    def request(
        self, message: dict, fds: Sequence[int] = (), timeout: float = REPLY_TIMEOUT
    ) -> dict:
        with self.lock:
            data = json.dumps(message).encode()
            try:
                socket.send_fds(self.sock, [data], list(fds))
            except OSError as exc:
                raise ForkServerError(f"the fork server is gone ({exc})") from None
            return self._receive(timeout)

    def _receive(self, timeout: float) -> dict:
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            raise ForkServerError(f"the fork server did not answer within {timeout:.0f} s")
        try:
            data = self.sock.recv(MAX_MESSAGE)
        except OSError as exc:
            raise ForkServerError(f"the fork server is gone ({exc})") from None
        if not data:
            raise ForkServerError("the fork server is gone")
        return json.loads(data)

    def close(self) -> None:
        """Stop the server (it kills the workers it still has) and remove its folder."""
        with contextlib.suppress(OSError):
            self.sock.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        shutil.rmtree(self.home, ignore_errors=True)


class ForkedProcess:
    """A worker the fork server started, with the part of ``subprocess.Popen`` that
    :class:`~course.grading.sandbox.Sandbox` uses (``pid``, ``returncode``, ``wait``). The
    server is its parent, so the server reaps it, when asked, and reports how it ended."""

    def __init__(self, server: ForkServer, pid: int) -> None:
        self.server, self.pid = server, pid
        self.returncode: int | None = None

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is not None:
            return self.returncode
        limit = 0.0 if timeout is None else max(0.0, timeout)
        while True:
            step = 30.0 if timeout is None else min(limit, 30.0)
            try:
                reply = self.server.request(
                    {"op": "wait", "pid": self.pid, "timeout": step}, timeout=step + REPLY_TIMEOUT
                )
            except ForkServerError:  # the server died, and its children with it
                self.returncode = -signal.SIGKILL
                return self.returncode
            status = reply.get("status")
            if status is not None:
                self.returncode = int(status)
                return self.returncode
            limit -= step
            if timeout is not None and limit <= 0:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)


# --------------------------------------------------------------------------- server's side


def serve(sock: socket.socket, home: Path) -> None:
    """Answer requests until the judge closes its end; then kill what is left, remove ``home``
    (the scratch folder the judge made for this server) and go."""
    children: set[int] = set()
    try:
        sock.send(json.dumps({"ready": 1}).encode())
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(sock, MAX_MESSAGE, 16)
            except OSError:
                break
            if not data:
                break
            message = json.loads(data)
            if message.get("op") == "spawn":
                reply = _fork(message["spec"], fds, sock, children)
            elif message.get("op") == "wait":
                reply = {"status": _wait(int(message["pid"]), float(message["timeout"]), children)}
            else:
                reply = {"error": f"unknown request {message.get('op')!r}"}
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps(reply).encode())
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        shutil.rmtree(home, ignore_errors=True)


def _fork(spec: dict, fds: list[int], sock: socket.socket, children: set[int]) -> dict:
    try:
        pid = os.fork()
    except OSError as exc:
        return {"error": f"fork failed: {exc}"}
    if pid == 0:  # the child never returns
        try:
            sock.close()
            _become_worker(spec, fds)
        except BaseException:  # noqa: BLE001 - reported on the worker's stderr (its log)
            with contextlib.suppress(Exception):
                os.write(2, f"sandbox-setup: {traceback.format_exc()}".encode())
        finally:
            os._exit(1)
    children.add(pid)
    return {"pid": pid}


def _wait(pid: int, timeout: float, children: set[int]) -> int | None:
    """``pid``'s exit status as ``Popen.returncode`` has it, or None if still running after
    ``timeout`` seconds."""
    if pid not in children:
        return None
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        pidfd = None
    try:
        if pidfd is not None:
            select.select([pidfd], [], [], timeout)
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        children.discard(pid)
        return -signal.SIGKILL
    finally:
        if pidfd is not None:
            os.close(pidfd)
    if done == 0:
        return None
    children.discard(pid)
    return os.waitstatus_to_exitcode(status)


# --------------------------------------------------------------------------- the child


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _become_worker(spec: dict, fds: list[int]) -> None:
    """In the forked child: build the sandbox as ``sandbox.spawn`` does, then run the worker."""
    libc = _libc()
    os.setsid()
    if spec["cgroup"]:
        sandbox.cgroup_joiner(Path(spec["cgroup"]))()
    targets: list[int] = spec["targets"]
    log = fds[len(targets)] if spec["log"] else None
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(log if log is not None else null, 2)
    # The worker's descriptors at the numbers its argv names, and nothing else open.
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 1000) for fd in fds[: len(targets)]]  # out of the way
    _close_all_but(set(high))
    for fd, target in zip(high, targets, strict=True):
        os.dup2(fd, target, inheritable=True)
    _close_all_but(set(targets))
    if spec["level"] != "rlimits":
        flags = _CLONE_NEWNET | _CLONE_NEWIPC | _CLONE_NEWNS | _CLONE_NEWPID
        if spec["level"] == "namespaces":  # unshare --user --map-root-user
            uid, gid = os.getuid(), os.getgid()
            _check(libc.unshare(flags | _CLONE_NEWUSER), "unshare")
            Path("/proc/self/setgroups").write_text("deny")
            Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
            Path("/proc/self/gid_map").write_text(f"0 {gid} 1")
        else:
            _check(libc.unshare(flags), "unshare")
        init = os.fork()
        if init:
            _relay(init)
        setup = subprocess.run(
            spec["script"],
            stdin=subprocess.DEVNULL,
            stdout=2,
            stderr=2,
            close_fds=True,
        )
        if setup.returncode != 0:
            raise RuntimeError(f"the sandbox setup script failed with status {setup.returncode}")
    os.chdir(spec["workdir"])
    sandbox.apply_limits([tuple(pair) for pair in spec["limits"]])
    if spec["level"] != "rlimits":
        _drop_privileges(libc, spec["uid"])
        # After a uid switch (which clears it): the namespace dies with its outer process.
        _check(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")
    os.environ.clear()
    os.environ.update(spec["env"])
    _run_python(spec["argv"], spec["workdir"])


def _close_all_but(keep: set[int]) -> None:
    lowest = 3
    for fd in sorted(keep | {1 << 20}):
        if fd >= lowest:
            os.closerange(lowest, fd)
            lowest = fd + 1


def _relay(init: int) -> None:
    """The outer process: wait for the PID namespace's init and end as it did (never returns)."""
    _close_all_but(set())
    while True:
        try:
            _, status = os.waitpid(init, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(1)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _drop_privileges(libc: ctypes.CDLL, uid: int | None) -> None:
    """What ``setpriv [--reuid=U --regid=U --clear-groups] --no-new-privs --bounding-set=-all
    --inh-caps=-all`` and then ``exec`` do: no capability left in any set (without the uid
    switch, the process is root of its own user namespace, and ``exec`` would have emptied its
    capabilities through the empty bounding set; without an ``exec`` they are cleared here)."""
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    for cap in range(last + 1):
        _check(libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0), f"prctl(CAPBSET_DROP, {cap})")
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    header, data = _CapHeader(_CAP_VERSION_3, 0), (_CapData * 2)()
    _check(libc.capset(ctypes.byref(header), data), "capset")
    _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")


def _run_python(argv: list[str], workdir: str) -> None:
    """Run ``python -m MODULE ...`` or ``python -c CODE ...`` as a new interpreter would, then
    exit (never returns)."""
    import runpy

    option, target, rest = argv[1], argv[2], list(argv[3:])
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = __builtins__
    sys.modules["__main__"] = main
    sys.path[0] = workdir if option == "-m" else ""
    sys.argv = [option, *rest] if option == "-c" else [target, *rest]
    tempfile.tempdir = None  # TMPDIR is the workdir now
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()  # a fresh interpreter seeds the global generator from the OS
    code = 0
    try:
        if option == "-c":
            exec(compile(target, "<string>", "exec"), main.__dict__)  # noqa: S102 - as python -c
        else:
            runpy._run_module_as_main(target, alter_argv=True)  # what python -m runs
    except SystemExit as exc:
        code = _exit_status(exc)
    except BaseException:  # noqa: BLE001 - as the interpreter: traceback, status 1
        traceback.print_exc()
        code = 1
    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    os._exit(code)


def _exit_status(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    with contextlib.suppress(BaseException):
        print(exc.code, file=sys.stderr)
    return 1


def _preload() -> None:
    import importlib

    for name in PRELOAD:
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--home", type=Path, required=True, help="removed when the server stops")
    options = parser.parse_args()
    sock = socket.socket(fileno=options.fd)
    _preload()
    serve(sock, options.home)


if __name__ == "__main__":
    main()
