"""The nbgrader workflow, driven through nbgrader's own Python API in one process.

Every step is real nbgrader (``NbGraderAPI`` and the default exchange classes), configured by the
course's ``nbgrader_config.py``; running it in-process avoids nbgrader's ~5 s start-up per command,
which matters when a class has hundreds of submissions or a test runs 23 chapters.

Instructor side: :meth:`Pipeline.generate`, :meth:`release`, :meth:`collect`, :meth:`autograde`,
:meth:`feedback`, :meth:`export_csv`, :meth:`scores`. Student side: :meth:`fetch`, :meth:`submit`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config, PyFileConfigLoader


class PipelineError(RuntimeError):
    """An nbgrader step failed; the message carries nbgrader's log."""


@dataclass
class Score:
    auto: float  # points from autograded test cells
    auto_max: float
    manual_max: float  # points of written answers that still await a manual grade
    needs_manual_grade: bool


def load_config(course_dir: Path, exchange_dir: Path | None = None) -> Config:
    """The course's ``nbgrader_config.py``, rooted at ``course_dir``; ``exchange_dir`` (if given)
    replaces the exchange it configures."""
    loader = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir))
    config = loader.load_config()
    config.CourseDirectory.root = str(course_dir)
    if exchange_dir is not None:
        config.Exchange.root = str(exchange_dir)
    config.NbGraderAPI.log_level = "ERROR"
    return config


def exchange_root(config: Config, course_dir: Path) -> Path:
    """The exchange ``config`` names (nbgrader's default if none), relative to ``course_dir``."""
    exchange = config.Exchange
    path = Path(exchange.root) if "root" in exchange else Path("/srv/nbgrader/exchange")
    return path if path.is_absolute() else Path(course_dir) / path


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


class Pipeline:
    """One course directory and its exchange."""

    def __init__(self, course_dir: Path, exchange_dir: Path, release_dir: Path | None = None):
        """``release_dir``: where :meth:`generate` writes the student version (default
        ``course_dir/release``), e.g. a scratch folder when only the gradebook is wanted."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        self.course_dir = Path(course_dir).resolve()
        self.exchange_dir = Path(exchange_dir).resolve()
        if not self.exchange_dir.exists():  # a shared exchange belongs to its admin: leave it
            self.exchange_dir.mkdir(parents=True)
            os.chmod(self.exchange_dir, 0o777)
        self.config = load_config(self.course_dir, self.exchange_dir)
        if release_dir is not None:
            self.config.CourseDirectory.release_directory = str(Path(release_dir).resolve())
        self.coursedir = CourseDirectory(config=self.config)
        with _cwd(self.course_dir):
            self.api = NbGraderAPI(coursedir=self.coursedir, config=self.config)
        self.course_id = self.coursedir.course_id

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    def _check(self, result: dict, what: str) -> dict:
        if not result.get("success"):
            log = (result.get("error") or "") + (result.get("log") or "")
            raise PipelineError(f"{what} failed:\n{log}")
        return result

    # ----------------------------------------------------------------- instructor

    def generate(self, assignment: str) -> None:
        with _cwd(self.course_dir):
            self._check(self.api.generate_assignment(assignment), f"generate {assignment}")

    def release(self, assignment: str) -> None:
        with _cwd(self.course_dir):
            self._check(self.api.release_assignment(assignment), f"release {assignment}")

    def collect(self, assignment: str) -> None:
        with _cwd(self.course_dir):
            self._check(self.api.collect(assignment), f"collect {assignment}")

    def autograde(self, assignment: str, student: str) -> None:
        with _cwd(self.course_dir):
            result = self.api.autograde(assignment, student)
        self._check(result, f"autograde {assignment}/{student}")

    def feedback(self, assignment: str, student: str) -> Path:
        with _cwd(self.course_dir):
            self._check(
                self.api.generate_feedback(assignment, student), f"feedback {assignment}/{student}"
            )
        return self.course_dir / "feedback" / student / assignment / f"{assignment}.html"

    def export_csv(self, path: Path) -> Path:
        from nbgrader.api import Gradebook
        from nbgrader.plugins import CsvExportPlugin

        plugin = CsvExportPlugin(config=self.config)
        plugin.to = str(Path(path).resolve())
        with Gradebook(self.db_url) as gradebook:
            plugin.export(gradebook)
        return Path(path)

    def scores(self, assignment: str) -> dict[str, Score]:
        """Autograded points per student, read from the gradebook."""
        from nbgrader.api import Gradebook

        result = {}
        with Gradebook(self.db_url) as gradebook:
            for submission in gradebook.assignment_submissions(assignment):
                auto = auto_max = manual_max = 0.0
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.cell.cell_type == "code":
                            auto += grade.score or 0.0
                            auto_max += grade.max_score
                        elif grade.score is None or grade.needs_manual_grade:
                            manual_max += grade.max_score  # nobody has scored it yet
                result[submission.student.id] = Score(
                    auto, auto_max, manual_max, submission.needs_manual_grade
                )
        return result

    # ----------------------------------------------------------------- student

    def _as_student(self, exchange_class, assignment: str, student: str, home: Path) -> None:
        """Run an nbgrader exchange app (fetch or submit) as ``student`` working in ``home``."""
        from nbgrader.auth import Authenticator
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.config)
        coursedir.root = str(home)
        coursedir.assignment_id = assignment
        coursedir.student_id = student
        with _cwd(home):
            app = exchange_class(
                coursedir=coursedir,
                authenticator=Authenticator(config=self.config),
                config=self.config,
            )
            app.assignment_dir = str(home)
            app.start()

    def fetch(self, assignment: str, student: str, home: Path) -> Path:
        from nbgrader.exchange.default import ExchangeFetchAssignment

        home = Path(home).resolve()
        home.mkdir(parents=True, exist_ok=True)
        self._as_student(ExchangeFetchAssignment, assignment, student, home)
        return home / assignment

    def submit(self, assignment: str, student: str, home: Path) -> None:
        from nbgrader.exchange.default import ExchangeSubmit

        self._as_student(ExchangeSubmit, assignment, student, Path(home).resolve())
