"""A class on one JupyterHub: what ``./course.sh hub`` sets up (run as root on the server).

Layout under the hub prefix (default ``/opt/transformers-from-scratch``)::

    env/                     the course environment every single-user server runs in: Python,
                             JupyterLab, nbgrader, jupyterhub and the ``course`` package (installed
                             as a copy, so students never read the instructor's checkout)
    config/student/          on students' Jupyter config path: nbgrader's course id and exchange,
                             formgrader and Create Assignment switched off (lab and server side)
    config/instructor/       on instructors' path: the course id, the exchange and the course
                             directory, every nbgrader extension on
    state/                   the hub's own database, cookie secret and proxy pid
    hub.json                 what ``deploy/hub/jupyterhub_config.py`` reads

The exchange (default ``/srv/nbgrader/exchange``) is outside the course directory, writable by
everyone (nbgrader keeps submissions apart by user name and time stamp); the course directory
stays in the instructor's home, out of students' reach.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from course.paths import PACKAGE_DIR

DEFAULT_PREFIX = Path("/opt/transformers-from-scratch")
DEFAULT_EXCHANGE = Path("/srv/nbgrader/exchange")
COURSE_ID = "transformers-from-scratch"

# nbgrader's lab plugins and server extensions a student must not get
STUDENT_LAB_DISABLED = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"]
STUDENT_SERVER_DISABLED = ["nbgrader.server_extensions.formgrader"]


@dataclass
class HubSettings:
    """What ``deploy/hub/jupyterhub_config.py`` needs, written to ``<prefix>/hub.json``."""

    prefix: str
    exchange: str
    course_dir: str
    instructors: list[str]
    students: list[str]
    env: str = ""
    ip: str = "127.0.0.1"
    port: int = 8000
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, prefix: Path) -> HubSettings:
        return cls(**json.loads((Path(prefix) / "hub.json").read_text(encoding="utf-8")))

    def save(self) -> Path:
        path = Path(self.prefix) / "hub.json"
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        return path


def shared_python() -> str:
    """A Python 3.11+ every user can run (the venv links to it): the system's if it is recent
    enough, else this one's base interpreter."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.access(candidate, os.X_OK):
            version = subprocess.run(
                [
                    candidate,
                    "-c",
                    "import sys, venv, ensurepip; print(sys.version_info >= (3, 11))",
                ],
                capture_output=True,
                text=True,
            )
            if version.stdout.strip() == "True":
                return candidate
    return getattr(sys, "_base_executable", sys.executable)


def _digest(paths: list[Path], base: Path) -> str:
    digest = hashlib.sha1()
    for path in sorted(paths):
        digest.update(str(path.relative_to(base)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def build_env(env: Path, checkout: Path, log=print) -> Path:
    """``env``: a venv with the course installed from ``checkout`` (not editable) and the hub
    extra. Dependencies are installed again only when ``pyproject.toml`` changed, the course
    package when any of its files did."""
    deps = env / f".deps-{_digest([checkout / 'pyproject.toml'], checkout)}"
    package = env / f".course-{_digest(list((checkout / 'course').rglob('*.py')), checkout)}"
    if not (env / "bin" / "python").exists():
        log(f"creating the course environment in {env} ...")
        subprocess.run([shared_python(), "-m", "venv", str(env)], check=True)
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    if not deps.exists():
        log(f"installing the course's dependencies into {env} ...")
        subprocess.run([*pip, f"{checkout}[hub]"], check=True)
        for old in env.glob(".deps-*"):
            old.unlink()
        deps.touch()
    if not package.exists():
        # the course package itself changes more often than its version number
        subprocess.run([*pip, "--no-deps", "--force-reinstall", str(checkout)], check=True)
        for old in env.glob(".course-*"):
            old.unlink()
        package.touch()
    os.chmod(env, 0o755)
    return env


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def write_configs(prefix: Path, exchange: Path, course_dir: Path) -> None:
    """The Jupyter config folders the hub puts on each user's ``JUPYTER_CONFIG_PATH``."""
    student = prefix / "config" / "student"
    (student / "nbgrader_config.py").parent.mkdir(parents=True, exist_ok=True)
    (student / "nbgrader_config.py").write_text(
        "# Students: the course and the exchange (written by ./course.sh hub)\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n",
        encoding="utf-8",
    )
    _write_json(
        student / "jupyter_server_config.json",
        {"ServerApp": {"jpserver_extensions": {name: False for name in STUDENT_SERVER_DISABLED}}},
    )
    _write_json(
        student / "labconfig" / "page_config.json",
        {"disabledExtensions": {name: True for name in STUDENT_LAB_DISABLED}},
    )
    instructor = prefix / "config" / "instructor"
    instructor.mkdir(parents=True, exist_ok=True)
    (instructor / "nbgrader_config.py").write_text(
        "# Instructors: the course directory's own nbgrader_config.py (the judge, feedback\n"
        "# without hidden tests, ...), rooted there, and the exchange\n"
        "# (written by ./course.sh hub)\n"
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(course_dir / 'nbgrader_config.py')!r})  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.CourseDirectory.root = {str(course_dir)!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n",
        encoding="utf-8",
    )
    for folder in (prefix / "config", student, instructor, student / "labconfig"):
        os.chmod(folder, 0o755)


def setup_hub(
    prefix: Path,
    exchange: Path,
    course_dir: Path,
    instructors: list[str],
    students: list[str],
    port: int = 8000,
    ip: str = "127.0.0.1",
    checkout: Path | None = None,
    env: Path | None = None,
    log=print,
) -> HubSettings:
    """Everything the hub needs except the Unix accounts (``useradd``) and the course directory
    itself (a clone in the instructor's home)."""
    prefix, exchange = Path(prefix).resolve(), Path(exchange).resolve()
    prefix.mkdir(parents=True, exist_ok=True)
    os.chmod(prefix, 0o755)
    exchange.mkdir(parents=True, exist_ok=True)
    os.chmod(exchange, 0o777)
    (prefix / "state").mkdir(exist_ok=True)
    os.chmod(prefix / "state", 0o700)
    env = Path(env or prefix / "env").resolve()
    build_env(env, Path(checkout or PACKAGE_DIR.parent), log=log)
    write_configs(prefix, exchange, Path(course_dir).resolve())
    settings = HubSettings(
        str(prefix),
        str(exchange),
        str(Path(course_dir).resolve()),
        instructors,
        students,
        str(env),
        ip,
        port,
    )
    settings.save()
    return settings


def hub_command(prefix: Path) -> list[str]:
    """How to start the hub (as root): this environment's ``jupyterhub`` with the course's
    config file, which reads ``<prefix>/hub.json``."""
    config = PACKAGE_DIR.parent / "deploy" / "hub" / "jupyterhub_config.py"
    if not config.exists():
        raise FileNotFoundError(f"{config} is missing: run from a checkout of the course")
    exe = shutil.which("jupyterhub") or str(Path(sys.executable).parent / "jupyterhub")
    return [exe, "-f", str(config), "--Application.log_level=INFO"]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="./course.sh hub", description="set up and start the class JupyterHub (as root)"
    )
    parser.add_argument("--prefix", default=str(DEFAULT_PREFIX))
    parser.add_argument("--exchange", default=os.environ.get("COURSE_EXCHANGE", DEFAULT_EXCHANGE))
    parser.add_argument("--course-dir", required=True, help="the instructor's course directory")
    parser.add_argument("--instructors", required=True, help="comma-separated user names")
    parser.add_argument("--students", required=True, help="comma-separated user names")
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--setup-only", action="store_true", help="write everything, do not start")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("error: the hub runs as root (it starts each user's server as that user)")
        return 2
    names = lambda text: [n.strip() for n in text.split(",") if n.strip()]  # noqa: E731
    setup_hub(
        Path(args.prefix),
        Path(args.exchange),
        Path(args.course_dir),
        names(args.instructors),
        names(args.students),
        port=args.port,
        ip=args.ip,
    )
    if args.setup_only:
        return 0
    env = dict(os.environ, COURSE_HUB_PREFIX=str(Path(args.prefix).resolve()))
    os.chdir(Path(args.prefix) / "state")
    os.execvpe(hub_command(Path(args.prefix))[0], hub_command(Path(args.prefix)), env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
