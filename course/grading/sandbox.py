"""Start the student worker in a sandbox: the only process that ever runs a student's code.

The judge (trusted) runs the test cells; the worker runs the student's cells. This module decides
how far the worker can be isolated on this machine and starts it that way. Three levels, strongest
first (:func:`isolation` probes once and returns the strongest that works):

``"namespaces+uid"``
    We are root. ``unshare`` gives the worker its own network (a loopback that is down, so no
    network at all), mount, IPC and PID namespaces, and it runs as a dedicated unprivileged user,
    uid = gid = ``61000 + slot``, with no capabilities and ``no_new_privs``. Other slots' workdirs
    (chowned to their own uid, mode 0700), the judge and every file that is not world-readable are
    out of reach, and ``RLIMIT_NPROC`` counts only that slot's processes. The workdir's parent
    folders must be traversable by that uid (HOME and TMPDIR are absolute paths).
``"namespaces"``
    The same namespaces and filesystem view, but no uid switch: either unprivileged user
    namespaces (the worker is "root" mapped onto the instructor's own account), or root whose
    sandbox uid cannot read the Python installation, the venv or the course package (for example
    a venv under ``/root``). The worker always runs inside a user namespace with every capability
    dropped, so it cannot undo the mounts below, and ``RLIMIT_NPROC`` counts the processes of that
    namespace only (a worker mapped onto root is exempt from it: the pids cgroup below caps it).
    It still owns what the account that started it owns: whatever is not hidden or read-only is
    readable.
``"rlimits"``
    Neither works (no ``unshare``, or a container that forbids it, or macOS): resource limits and
    a process group only. Nothing is hidden and the network is open; the caller warns the
    instructor, who should grade under a dedicated account or in a container.

In both namespace levels the worker sees the filesystem read-only (every mount is remounted
read-only in its mount namespace, the course root hard, the rest where the kernel allows it), a
minimal ``/dev`` (null, zero, full, random, urandom, a private ``/dev/shm``), ``/proc`` of its own
PID namespace with the host-wide knobs (``/proc/sys`` and friends) read-only or masked, and only
its workdir writable. Each path in ``hide`` is replaced by an empty read-only directory or an
empty file. A hidden directory may contain the workdir (hide the whole batch directory and the
worker sees only its own workdir inside it).

Resource limits (:class:`Limits`) are set in the child before ``exec`` and inherited by
everything the worker starts. When the judge runs as root and the machine has a pids cgroup
controller, each sandbox also gets a cgroup of its own whose ``pids.max`` caps its processes
(RLIMIT_NPROC does not bind root) and whose member list lets :meth:`Sandbox.kill` find them all.
``SIGXFSZ`` is ignored, so writing past ``file_bytes`` raises ``OSError(EFBIG)`` in the student's
code (an error the student can see in the feedback) instead of killing the worker without a word.
The module never writes to stderr: the setup's own diagnostics go, with the worker's stderr, to
``log_path``.
"""

from __future__ import annotations

import functools
import os
import pwd
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from course.paths import PACKAGE_DIR, course_root

LEVELS = ("namespaces+uid", "namespaces", "rlimits")  # strongest first
SANDBOX_UID_BASE = 61000
MAX_SLOTS = 184  # 61000 + 184 = 61184, where systemd's DynamicUser= range starts
PROBE_TIMEOUT = 60.0  # seconds for the probe worker to import numpy (a cold disk can be slow)
KILL_GRACE = 5.0  # seconds kill() waits for killed processes to disappear before giving up

_SEARCH_PATH = os.pathsep.join(
    [os.environ.get("PATH", os.defpath), "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
)
_TOOLS = ("unshare", "setpriv", "prlimit", "mount", "umount", "mkdir", "rmdir", "ln", "sh")
_DEVICES = ("null", "zero", "full", "random", "urandom")
# /proc entries that act on the whole machine: masked or read-only, as container runtimes do.
_PROC_MASKED_FILES = (
    "sysrq-trigger",
    "kcore",
    "keys",
    "timer_list",
    "sched_debug",
    "latency_stats",
)
_PROC_READ_ONLY_DIRS = ("sys", "irq", "bus", "fs")
_PROC_MASKED_DIRS = ("acpi", "scsi")


@dataclass(frozen=True)
class Limits:
    """Resource limits of every process in the sandbox (the worker and all it starts)."""

    memory_bytes: int = 4 * 2**30  # RLIMIT_AS of every sandboxed process
    cpu_seconds: int = 1800  # RLIMIT_CPU per process; the judge enforces wall-clock limits itself
    processes: int = 64  # RLIMIT_NPROC (fork bombs); per sandbox uid when uid switching works
    file_bytes: int = 64 * 2**20  # RLIMIT_FSIZE: no file bigger than this
    open_files: int = 256  # RLIMIT_NOFILE


class Sandbox:
    """One running student worker.

    ``proc`` is the process :func:`spawn` started: ``unshare`` in the namespace levels (its exit
    status is the worker's), the worker itself under ``"rlimits"``. It leads its own session, so
    the worker's ``kill(0, ...)`` cannot reach the judge. ``cgroup`` is the pids cgroup holding
    all of them (root only, where the machine has one), else None.
    """

    def __init__(self, proc: subprocess.Popen, isolation: str, cgroup: Path | None = None) -> None:
        self.proc = proc
        self.isolation = isolation
        self.cgroup = cgroup

    def kill(self) -> None:
        """Kill the worker and everything it started; idempotent, returns within a few seconds.

        In the namespace levels killing ``unshare`` is enough (``--kill-child`` kills the PID
        namespace's init, and the kernel then kills every process in the namespace); the process
        group and the descendants found in ``/proc`` are killed as well, which is what catches a
        child that left the group under ``"rlimits"``, and every member of the pids cgroup, which
        catches even a daemon that double-forked away. Processes are killed until none is left or
        :data:`KILL_GRACE` runs out; then the emptied cgroup is removed.
        """
        deadline = time.monotonic() + KILL_GRACE
        victims: set[int] = set()
        while True:
            victims = {pid for pid in victims if _is_running(pid)}
            victims.update(self._members())
            if self.proc.returncode is None:
                _signal_group(self.proc.pid)
            for pid in victims:
                _signal(pid)
            if self.proc.returncode is None:
                try:
                    self.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    return
            victims = {pid for pid in victims if _is_running(pid)}
            if not victims and not self._members():
                break
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)
        if self.cgroup is not None:
            _remove_cgroup(self.cgroup)

    def _members(self) -> set[int]:
        """The live processes kill() must end: descendants and process group while ``proc`` is
        not reaped (afterwards its pid may name another process), and the cgroup's members."""
        members = set(_descendants(self.proc.pid)) if self.proc.returncode is None else set()
        if self.cgroup is not None:
            members.update(pid for pid in _cgroup_members(self.cgroup) if _is_running(pid))
        return members

    def wait(self, timeout: float | None = None) -> int | None:
        """The worker's exit status (negative: killed by that signal), or None if still running
        after ``timeout`` seconds."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None


def sandbox_uid(slot: int) -> int:
    """The uid (and gid) the worker of ``slot`` runs as under ``"namespaces+uid"``."""
    if not 0 <= slot < MAX_SLOTS:
        raise ValueError(
            f"sandbox slot {slot} is out of range: slots are 0..{MAX_SLOTS - 1} "
            f"(uids {SANDBOX_UID_BASE}..{SANDBOX_UID_BASE + MAX_SLOTS - 1})"
        )
    return SANDBOX_UID_BASE + slot


@functools.cache
def _probe_results() -> dict[str, str | None]:
    """Each level mapped to None if it works here, else to why it does not (probed once)."""
    return {level: _probe(level) for level in LEVELS}


def available_levels() -> tuple[str, ...]:
    """The isolation levels this machine provides, strongest first (``"rlimits"`` always)."""
    return tuple(level for level, why in _probe_results().items() if why is None)


def why_unavailable(level: str) -> str | None:
    """Why ``level`` does not work on this machine, or None if it does (for warnings)."""
    _check_known(level)
    return _probe_results()[level]


def isolation() -> str:
    """The strongest isolation level this machine allows: one of :data:`LEVELS`."""
    return available_levels()[0]


def spawn(
    argv: list[str],
    *,
    workdir: Path,
    hide: Sequence[Path],
    slot: int,
    limits: Limits = Limits(),
    pass_fds: Sequence[int] = (),
    env: dict[str, str] | None = None,
    log_path: Path | None = None,
    level: str | None = None,
) -> Sandbox:
    """Start ``argv`` (e.g. ``[sys.executable, "-m", "course.grading.student", "--fd", "3"]``)
    as a sandboxed worker and return at once.

    The worker gets stdin and stdout from ``/dev/null``, stderr appended to ``log_path`` (capped by
    ``limits.file_bytes``) or discarded, the descriptors in ``pass_fds``, its ``workdir`` (created
    if missing) as current, home and temporary directory, and a minimal environment: the judge's
    ``PATH``, ``LANG`` and ``PYTHONPATH`` (if set), single-threaded BLAS, the Agg matplotlib
    backend, then ``env`` on top. Nothing else of the judge's environment (``COURSE_*`` settings,
    tokens) crosses, and the worker's current directory is its workdir, so it finds the ``course``
    package only if it is installed in the venv or ``PYTHONPATH`` names its folder. ``hide`` lists
    paths the worker must not see (missing ones are skipped; all are ignored under
    ``"rlimits"``). ``slot`` picks the sandbox uid; concurrent workers need different slots.
    ``level`` forces an isolation level (default: :func:`isolation`); a level this machine cannot
    provide raises RuntimeError saying why.
    """
    level = resolve_level(level)
    return _start(level, argv, workdir, hide, slot, limits, pass_fds, env, log_path)


def resolve_level(level: str | None) -> str:
    """``level`` checked (default: :func:`isolation`); one this machine cannot provide raises
    RuntimeError saying why."""
    if level is None:
        return isolation()
    _check_known(level)
    why = _probe_results()[level]
    if why is not None:
        raise RuntimeError(
            f"isolation level {level!r} is not available on this machine ({why}); "
            f"available: {', '.join(available_levels())}"
        )
    return level


# --------------------------------------------------------------------------- starting


@dataclass
class Preparation:
    """What the judge does before a worker starts, whichever way it starts: the workdir made (and
    given to the sandbox uid), the hidden paths resolved, the pids cgroup created."""

    level: str
    workdir: Path
    hidden: list[Path]
    uid: int | None  # the sandbox uid under "namespaces+uid", else None
    cgroup: Path | None

    def discard(self) -> None:
        """Undo what cannot outlive a worker that never started (the cgroup)."""
        if self.cgroup is not None:
            _remove_cgroup(self.cgroup)


def prepare(
    level: str, workdir: Path, hide: Sequence[Path], slot: int, limits: Limits
) -> Preparation:
    """Make ``workdir`` ready for a worker of ``slot`` at ``level`` (see :func:`spawn`)."""
    workdir = Path(workdir).resolve()
    workdir.mkdir(mode=0o700, parents=True, exist_ok=True)
    uid = None
    if level == "namespaces+uid":
        uid = sandbox_uid(slot)
        _check_uid_unused(uid)
        _check_reachable(workdir, uid)
        _chown_tree(workdir, uid)
        workdir.chmod(0o700)
    hidden = _hidden_paths(hide, workdir) if level != "rlimits" else []
    base = _pids_cgroup_base()
    # One more task in the namespace levels: the process that unshares stays outside the
    # namespace, and it is in the cgroup too.
    max_tasks = limits.processes + (level != "rlimits")
    cgroup = _new_cgroup(base, max_tasks) if base is not None else None
    return Preparation(level, workdir, hidden, uid, cgroup)


def _start(
    level: str,
    argv: list[str],
    workdir: Path,
    hide: Sequence[Path],
    slot: int,
    limits: Limits,
    pass_fds: Sequence[int],
    env: dict[str, str] | None,
    log_path: Path | None,
) -> Sandbox:
    ready = prepare(level, workdir, hide, slot, limits)
    workdir = ready.workdir
    if level == "rlimits":
        command, nproc = list(argv), nproc_for_rlimits(limits)
    else:
        command, nproc = _namespace_command(level, argv, workdir, ready.hidden, slot, limits), None
    stderr = open(log_path, "ab") if log_path is not None else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=workdir,
            env=environment(workdir, env),
            pass_fds=tuple(pass_fds),
            start_new_session=True,
            preexec_fn=_preexec(limits, nproc, ready.cgroup),
        )
    except BaseException:
        ready.discard()
        raise
    finally:
        if log_path is not None:
            stderr.close()
    return Sandbox(proc, level, ready.cgroup)


def environment(workdir: Path, extra: dict[str, str] | None) -> dict[str, str]:
    """The worker's whole environment: what Python and numpy need, nothing of the judge's."""
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    env.update(extra or {})
    return env


def _preexec(limits: Limits, nproc: int | None, cgroup: Path | None) -> Callable[[], None]:
    """The preexec_fn: into the pids cgroup if any, resource limits (lowered, never raised above
    the hard limit) and SIGXFSZ ignored. ``nproc`` is set here only under ``"rlimits"``: in the
    namespace levels RLIMIT_NPROC must be set *inside* the user namespace (by ``prlimit`` in the
    setup script), because a user namespace created under a low RLIMIT_NPROC caps every process
    of its creator's uid."""
    wanted = resource_limits(limits, nproc)
    join = cgroup_joiner(cgroup) if cgroup is not None else None

    def apply() -> None:
        if join is not None:
            join()
        apply_limits(wanted)

    return apply


def resource_limits(limits: Limits, nproc: int | None) -> list[tuple[int, int]]:
    """(RLIMIT_*, value) pairs for ``limits``; RLIMIT_NPROC only when ``nproc`` is given."""
    wanted = [
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_NOFILE, limits.open_files),
    ]
    if nproc is not None:
        wanted.append((resource.RLIMIT_NPROC, nproc))
    return wanted


def apply_limits(wanted: Sequence[tuple[int, int]]) -> None:
    """Set each limit (lowered, never raised above the hard limit) and ignore SIGXFSZ; safe
    between fork and exec."""
    for which, value in wanted:
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def nproc_for_rlimits(limits: Limits) -> int | None:
    """RLIMIT_NPROC under ``"rlimits"``: the worker shares its uid with the judge and everything
    else the instructor runs, all of which count, so allow that many more; None (no limit) where
    they cannot be counted (no /proc). Root ignores the limit altogether: only a pids cgroup
    caps a root judge's worker here."""
    if not Path("/proc/self/status").exists():
        return None
    return limits.processes + _tasks_of_uid(os.getuid())


def _tasks_of_uid(uid: int) -> int:
    """Tasks (threads included, as RLIMIT_NPROC counts them) whose real uid is ``uid``."""
    count = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if int(fields.get("Uid", "-1").split()[0]) == uid:
            count += int(fields.get("Threads", "1"))
    return count


# --------------------------------------------------------------------------- namespaces


def _namespace_command(
    level: str, argv: list[str], workdir: Path, hidden: list[Path], slot: int, limits: Limits
) -> list[str]:
    """``unshare ... sh -c SETUP``: the setup script mounts the worker's view of the filesystem,
    then replaces itself with the worker (which so becomes the PID namespace's init)."""
    tool = {name: _which(name) for name in _TOOLS}
    unshare = [tool["unshare"]]
    if level == "namespaces":
        unshare += ["--user", "--map-root-user"]
    unshare += ["--net", "--ipc", "--mount", "--propagation", "private"]
    unshare += ["--pid", "--fork", "--kill-child", "--mount-proc"]
    drop = [tool["setpriv"]]
    if level == "namespaces+uid":
        uid = sandbox_uid(slot)
        drop += [f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    drop += ["--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--"]
    final = [tool["prlimit"], f"--nproc={limits.processes}", "--", *drop, *argv]
    script = _setup_script(tool, workdir, hidden, limits, final)
    return [*unshare, "--", tool["sh"], "-c", script, "sandbox-setup"]


def forked_setup_command(workdir: Path, hidden: list[Path], limits: Limits) -> list[str]:
    """``sh -c SETUP`` for a worker forked into fresh namespaces by a running process (the fork
    server) rather than started by ``unshare``: the script first does what ``unshare
    --propagation private --mount-proc`` does (run it inside the new PID namespace), and ends
    with the filesystem view ready instead of starting the worker."""
    tool = {name: _which(name) for name in _TOOLS}
    script = _setup_script(tool, workdir, hidden, limits, None)
    return [tool["sh"], "-c", script, "sandbox-setup"]


def _setup_script(
    tool: dict[str, str],
    workdir: Path,
    hidden: list[Path],
    limits: Limits,
    final: list[str] | None,
) -> str:
    """The shell script run as root of the new namespaces, before the worker starts: it ends by
    replacing itself with ``final``, or (None) returns once the mounts are done."""
    q = shlex.quote
    mount, umount, mkdir, rmdir, ln = (
        q(tool[n]) for n in ("mount", "umount", "mkdir", "rmdir", "ln")
    )
    w = q(str(workdir))
    keep = "/dev/.workdir"
    lines = ["set -e"]
    if final is None:
        lines.append(f"{mount} -n --make-rprivate /")
        lines.append(f"{mount} -n --make-rprivate /proc")
        lines.append(f"{mount} -n -t proc -o nosuid,noexec,nodev proc /proc")

    def read_only(path: str, *, hard: bool = True) -> None:
        cmd = f"{mount} -n -o remount,bind,ro {q(path)}"
        lines.append(cmd if hard else f"{cmd} 2>/dev/null || :")

    # 1. Everything read-only: "/" and the course root must be; a mount under /sys that refuses
    #    is masked instead (host-wide knobs); other mounts are made read-only where the kernel
    #    allows (a mount with locked flags may refuse; it is still not the course).
    for point in _mount_points():
        if point == "/":
            read_only(point)
        elif _under(point, "/sys"):
            lines.append(
                f"{mount} -n -o remount,bind,ro {q(point)} 2>/dev/null || "
                f"{mount} -n -t tmpfs -o ro,size=4k tmpfs {q(point)}"
            )
        elif not (_under(point, "/proc") or _under(point, "/dev") or _under(point, workdir)):
            read_only(point, hard=False)
    root = course_root()
    if root.is_dir():
        lines.append(f"{mount} -n --rbind {q(str(root))} {q(str(root))}")
        read_only(str(root))
    # 2. A minimal /dev, assembled on the workdir as a staging mount point, then moved over /dev.
    lines.append(f"{mount} -n -t tmpfs -o mode=0755,size=64k,nosuid tmpfs {w}")
    for name in _DEVICES:
        dev, staged = q(f"/dev/{name}"), q(f"{workdir}/{name}")
        lines.append(f"if [ -e {dev} ]; then : > {staged}; {mount} -n --bind {dev} {staged}; fi")
    shm = q(f"{workdir}/shm")
    size = max(limits.file_bytes, 4096)
    lines.append(f"{mkdir} {shm}")
    lines.append(f"{mount} -n -t tmpfs -o mode=1777,nosuid,nodev,size={size} tmpfs {shm}")
    for name, target in (("fd", ""), ("stdin", "/0"), ("stdout", "/1"), ("stderr", "/2")):
        lines.append(f"{ln} -s /proc/self/fd{target} {q(f'{workdir}/{name}')}")
    lines.append(f"{mkdir} {q(f'{workdir}/.workdir')}")
    lines.append(f"{mount} -n --move {w} /dev")
    # 3. The workdir, kept writable at /dev/.workdir while hidden directories may cover its path.
    lines.append(f"{mount} -n --bind {w} {keep}")
    lines.append(f"{mount} -n -o remount,bind,rw {keep}")
    # 4. Host-wide knobs in /proc.
    for name in _PROC_MASKED_FILES:
        lines.append(f"[ ! -e /proc/{name} ] || {mount} -n --bind /dev/null /proc/{name}")
    for name in _PROC_READ_ONLY_DIRS:
        lines.append(f"[ ! -d /proc/{name} ] || {mount} -n --bind /proc/{name} /proc/{name}")
        lines.append(f"[ ! -d /proc/{name} ] || {mount} -n -o remount,bind,ro /proc/{name}")
    for name in _PROC_MASKED_DIRS:
        lines.append(
            f"[ ! -d /proc/{name} ] || {mount} -n -t tmpfs -o ro,size=4k tmpfs /proc/{name}"
        )
    # 5. Hidden paths, deepest first (a shallower one covers the deeper mounts).
    for path in hidden:
        p = q(str(path))
        if path.is_dir() and _under(workdir, path):
            lines.append(f"{mount} -n -t tmpfs -o mode=0755,size=64k tmpfs {p}")
            lines.append(f"{mkdir} -p {w}")
            lines.append(f"{mount} -n -o remount,ro {p}")
        elif path.is_dir():
            lines.append(f"{mount} -n -t tmpfs -o ro,mode=0755,size=4k tmpfs {p}")
        else:
            lines.append(f"{mount} -n --bind /dev/null {p}")
    # 6. The workdir back on top of its own path; /dev sealed; the worker starts in the workdir.
    lines.append(f"{mount} -n --bind {keep} {w}")
    lines.append(f"{umount} -n {keep}")
    lines.append(f"{rmdir} {keep}")
    lines.append(f"{mount} -n -o remount,ro /dev")
    if final is not None:
        lines.append(f"cd {w}")
        lines.append("unset PWD OLDPWD")  # set by cd; not the judge's to pass on
        lines.append("exec " + " ".join(q(arg) for arg in final))
    return "\n".join(lines) + "\n"


def _hidden_paths(hide: Sequence[Path], workdir: Path) -> list[Path]:
    """The existing paths of ``hide``, resolved, deepest first; the workdir itself and anything
    inside it cannot be hidden (the worker's own files are its to see)."""
    paths = set()
    for raw in hide:
        path = Path(raw).resolve()
        if _under(path, workdir):
            raise ValueError(
                f"cannot hide {raw}: it is the sandbox workdir {workdir} or inside it; "
                f"keep hidden files out of the workdir"
            )
        if path.exists():
            paths.add(path)
    return sorted(paths, key=lambda p: (-len(p.parts), str(p)))


def _mounts() -> list[tuple[str, str, str]]:
    """(mount point, filesystem type, superblock options) of every mount of this namespace."""
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return [("/", "", "")]
    mounts = []
    for line in lines:
        fields = line.split()
        tail = fields[fields.index("-") + 1 :]  # after the optional fields: type, source, options
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), fields[4])
        mounts.append((point, tail[0], tail[2] if len(tail) > 2 else ""))
    return mounts


def _mount_points() -> list[str]:
    """Every mount point of this mount namespace (the new one starts as a copy of it)."""
    return list(dict.fromkeys(point for point, _, _ in _mounts()))


def _under(path: Path | str, ancestor: Path | str) -> bool:
    """``path`` is ``ancestor`` or inside it (by name, both absolute)."""
    return Path(path).is_relative_to(ancestor)


def _which(name: str) -> str:
    found = shutil.which(name, path=_SEARCH_PATH)
    if found is None:
        raise RuntimeError(f"{name} not found (it comes with util-linux/coreutils)")
    return found


# --------------------------------------------------------------------------- uid switching


def _check_uid_unused(uid: int) -> None:
    """Refuse a sandbox uid that belongs to a real account: its files would be the student's."""
    try:
        account = pwd.getpwuid(uid).pw_name
    except KeyError:
        return
    raise RuntimeError(
        f"sandbox uid {uid} belongs to the account {account!r}; the sandbox needs uids "
        f"{SANDBOX_UID_BASE}..{SANDBOX_UID_BASE + MAX_SLOTS - 1} unused (use other slots)"
    )


def _check_reachable(workdir: Path, uid: int) -> None:
    """The sandbox uid must be able to walk to its workdir (HOME and TMPDIR are absolute)."""
    for folder in reversed(workdir.parents):
        st = folder.stat()
        mode = st.st_mode
        if (
            mode & 0o001
            or (st.st_uid == uid and mode & 0o100)
            or (st.st_gid == uid and mode & 0o010)
        ):
            continue
        raise ValueError(
            f"the sandbox user (uid {uid}) cannot reach its workdir {workdir}: {folder} has mode "
            f"{st.st_mode & 0o777:04o} and belongs to uid {st.st_uid}. Put workdirs under a "
            f"directory every user can traverse (e.g. chmod 0711 on a tempfile.mkdtemp())"
        )


def _chown_tree(top: Path, uid: int) -> None:
    """Give the workdir and what the judge put in it to the sandbox user."""
    os.lchown(top, uid, uid)
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            os.lchown(os.path.join(folder, name), uid, uid)


# --------------------------------------------------------------------------- pids cgroup


@functools.cache
def _pids_cgroup_base() -> Path | None:
    """A cgroup hierarchy with the pids controller where this process (root) can make a cgroup
    and move a child into it; None otherwise (not root, no such hierarchy, a container).

    Needed because RLIMIT_NPROC does not bind root: not the judge's uid 0 under ``"rlimits"``,
    and not a worker mapped onto uid 0 under ``"namespaces"`` either. A cgroup's ``pids.max``
    binds everyone, and its member list lets kill() find every process of the sandbox."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return None
    for point, fstype, options in _mounts():
        base = Path(point)
        v1 = fstype == "cgroup" and "pids" in options.split(",")
        v2 = fstype == "cgroup2" and "pids" in _read(base / "cgroup.subtree_control").split()
        if not (v1 or v2):
            continue
        try:
            group = _new_cgroup(base, 4)
        except OSError:
            continue
        try:
            subprocess.run([_which("sh"), "-c", ":"], preexec_fn=cgroup_joiner(group), check=True)
            return base
        except (OSError, RuntimeError, subprocess.SubprocessError):
            continue
        finally:
            _remove_cgroup(group)
    return None


def _new_cgroup(base: Path, max_tasks: int) -> Path:
    """A new cgroup under ``base`` allowing ``max_tasks`` tasks (threads count)."""
    group = Path(tempfile.mkdtemp(prefix=f"course-sandbox-{os.getpid()}-", dir=base))
    try:
        (group / "pids.max").write_text(f"{max_tasks}\n")
    except OSError:
        _remove_cgroup(group)
        raise
    return group


def cgroup_joiner(group: Path) -> Callable[[], None]:
    """A function that moves the calling process into ``group`` (safe in a preexec_fn)."""
    procs = str(group / "cgroup.procs")

    def join() -> None:
        fd = os.open(procs, os.O_WRONLY)
        try:
            os.write(fd, b"0")  # 0: the writing process itself
        finally:
            os.close(fd)

    return join


def _cgroup_members(group: Path) -> list[int]:
    return [int(pid) for pid in _read(group / "cgroup.procs").split()]


def _remove_cgroup(group: Path) -> None:
    """Remove an empty cgroup; one still busy (a process not yet reaped) is left behind."""
    try:
        group.rmdir()
    except OSError:
        pass


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


# --------------------------------------------------------------------------- probing


def _probe(level: str) -> str | None:
    """None if ``level`` works here, else why not. A level works when a worker started at that
    level can run this interpreter, with its own standard library, and import numpy and this
    course package."""
    if level == "rlimits":
        return None
    if not sys.platform.startswith("linux"):
        return f"needs Linux namespaces (this is {sys.platform})"
    if level == "namespaces+uid" and os.geteuid() != 0:
        return "switching to a sandbox uid needs root"
    try:
        for name in _TOOLS:
            _which(name)
        if level == "namespaces+uid":
            _check_uid_unused(sandbox_uid(0))
    except RuntimeError as exc:
        return str(exc)
    # A Python that cannot read its own installation may still start (exec needs no read access
    # to the path) and fall back to another stdlib: insist on the judge's, and on exec rights.
    code = (
        f"import os, sys\n"
        f"assert sys.base_prefix == {sys.base_prefix!r} and os.access(sys.executable, os.X_OK), "
        f"'cannot read this Python installation (its library came from ' + sys.base_prefix + ')'\n"
        f"import numpy, course\n"
    )
    who = f"uid {sandbox_uid(0)}" if level == "namespaces+uid" else "a sandboxed worker"
    with tempfile.TemporaryDirectory(prefix="course-sandbox-probe-") as tmp:
        Path(tmp).chmod(0o711)
        log = Path(tmp) / "log"
        # The course package's own folder first: the probe asks whether the sandbox can read it,
        # not whether the judge's PYTHONPATH finds it.
        inherited = [os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []
        env = {"PYTHONPATH": os.pathsep.join([str(PACKAGE_DIR.parent), *inherited])}
        argv = [sys.executable, "-c", code]
        try:
            box = _start(level, argv, Path(tmp) / "work", (), 0, Limits(), (), env, log)
        except (OSError, ValueError, RuntimeError, subprocess.SubprocessError) as exc:
            return f"cannot start {who}: {exc}"
        status = box.wait(timeout=PROBE_TIMEOUT)
        box.kill()
        if status == 0:
            return None
        said = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
        outcome = "did not finish" if status is None else f"exited with status {status}"
        detail = f" ({said[0]})" if said else ""
        return f"{who} could not import numpy and course with {sys.executable}: {outcome}{detail}"


def _check_known(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"unknown isolation level {level!r}; expected one of {', '.join(LEVELS)}")


# --------------------------------------------------------------------------- processes


def _proc_stat(pid: int | str) -> tuple[str, int, int] | None:
    """(state, ppid, pgrp) of a process from /proc, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1]), int(fields[2])


def _descendants(root: int) -> list[int]:
    """Live processes below ``root`` or in its process group (empty without /proc)."""
    children: dict[int, list[int]] = {}
    group = []
    for entry in Path("/proc").glob("[0-9]*"):
        stat = _proc_stat(entry.name)
        if stat is None or stat[0] in "ZX":
            continue
        pid = int(entry.name)
        children.setdefault(stat[1], []).append(pid)
        if stat[2] == root and pid != root:
            group.append(pid)
    found, todo = set(group), [root, *group]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return sorted(found)


def _is_running(pid: int) -> bool:
    stat = _proc_stat(pid)
    return stat is not None and stat[0] not in "ZX"


def _signal(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _signal_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
