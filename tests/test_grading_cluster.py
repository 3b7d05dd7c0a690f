"""Issue #14: ``python -m course grade --cluster``, the judge on the workers of a Dask cluster.

One small class of ch01 (full, partial, untouched, a mutant, a cheat, a notebook edit, a
student process that kills itself, and two students whose grading kills the Dask worker that
runs it) is graded twice: here with ``--jobs 2``, and with ``--cluster`` on a real
``distributed.LocalCluster`` of separate worker processes. The gradebooks must agree cell by cell
(scores, needs-manual-grade marks, comments), and so must the flags, the autograded notebooks'
outputs, the feedback and the per-question export. A worker process killed while grading costs
only that submission: killed once, it is graded on another worker; killed every time, it is
reported as not graded, naming the cluster, and the rest of the batch is graded.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from course.grading.batch import grade_chapter
from course.grading.judge import GradingLimits
from course.grading.report import summary_table
from tests import grading_tools
from tests.conftest import ROOT, source_nb
from tests.grading_tools import mutant_students
from tests.nbtools import code_answer_ids, fill_answers, with_answers
from tests.threats import THREATS

distributed = pytest.importorskip("distributed")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("grading_cluster"),  # one LocalCluster and one class for the module
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.*not in session.*"),
]

CHAPTER = "ch01_softmax"
LIMITS = GradingLimits(cell_timeout=120, submission_timeout=600)
VICTIM = "kills_its_worker"  # grading it kills the Dask worker process that runs it


class KillWorkerGrading(distributed.WorkerPlugin):
    """Kills the worker process (SIGKILL, as the OOM killer or a lost node would) whenever it
    starts grading the victim's submission, leaving a file in ``kills`` each time."""

    def __init__(self, victim: str, kills: str):
        self.victim, self.kills = victim, kills

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing" and isinstance(key, tuple) and key[-1] == self.victim:
            Path(self.kills, str(os.getpid())).touch()  # keys are (batch, student)
            os.kill(os.getpid(), signal.SIGKILL)


def _class(course: Path) -> None:
    reference = source_nb(CHAPTER)
    release = nbformat.read(course / "release" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    answers = code_answer_ids(reference)
    notebooks = {
        "full": fill_answers(release, reference),
        "partial": fill_answers(release, reference, set(answers[:2])),
        "untouched": release,
        "mutant": with_answers(release, mutant_students(CHAPTER, 1)[0]),
        VICTIM: fill_answers(release, reference),
    }
    for name in ("numpy_comparisons_always_true", "test_cells_deleted", "process_kills_itself"):
        notebooks[name] = THREATS[name].build()[0]
    for student, nb in notebooks.items():
        grading_tools.submit(course, CHAPTER, student, nb)


def _gradebook(course: Path) -> dict:
    from nbgrader.api import Gradebook

    cells = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for submission in gradebook.find_assignment(CHAPTER).submissions:
            notebook = submission.notebooks[0]
            for grade in notebook.grades:
                cells[submission.student.id, grade.name] = (
                    grade.auto_score,
                    grade.manual_score,
                    grade.needs_manual_grade,
                )
            for comment in notebook.comments:
                cells[submission.student.id, comment.name, "comment"] = comment.auto_comment
    return cells


def _outputs(course: Path, student: str) -> list:
    path = course / "autograded" / student / CHAPTER / f"{CHAPTER}.ipynb"
    return [(c.source, c.get("outputs")) for c in nbformat.read(path, as_version=4).cells]


def _questions(course: Path) -> dict:
    path = course / "exports" / f"{CHAPTER}-questions.csv"
    return {row["student_id"]: row for row in csv.DictReader(path.open(encoding="utf-8"))}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded here and on a LocalCluster of 2 worker processes (one thread each)."""
    import dask
    from distributed import Client, LocalCluster

    tmp = tmp_path_factory.mktemp("cluster")
    logs_before = set(Path(tempfile.gettempdir()).glob("course-grading-*.log"))
    local = grading_tools.make_course(tmp / "local", CHAPTER)
    _class(local)
    remote = tmp / "remote" / "course"
    shutil.copytree(local, remote)
    devnull = open(os.devnull, "w")  # noqa: SIM115
    kwargs = dict(limits=LIMITS, progress_stream=devnull)
    here = grade_chapter(local, CHAPTER, jobs=2, exchange_dir=tmp / "local" / "x", **kwargs)
    kills = tmp / "kills"
    kills.mkdir()
    with (
        # a task dies with its worker once (not 3 times); one task per worker thread at a time
        dask.config.set(
            {
                "distributed.scheduler.allowed-failures": 1,
                "distributed.scheduler.worker-saturation": 1.0,
            }
        ),
        LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            worker_dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.register_plugin(KillWorkerGrading(VICTIM, str(kills)))
        there = grade_chapter(
            remote, CHAPTER, jobs=2, exchange_dir=tmp / "remote" / "x", cluster=client, **kwargs
        )
        address = cluster.scheduler_address
    left = set(Path(tempfile.gettempdir()).glob("course-grading-*.log")) - logs_before
    return local, here, remote, there, address, kills, left


def test_workers_killed_or_stopped_leave_nothing_in_the_temp_directory(graded):
    """The grading processes' logs have no name: a Dask worker killed mid-submission, and every
    worker LocalCluster stops at the end, leave no file behind (they used to leave one each)."""
    *_, left = graded
    assert left == set()


def test_cluster_grades_every_cell_as_local_grading(graded):
    local, here, remote, there, _, _, _ = graded
    assert set(here) == set(there)
    assert not any(r.error for r in here.values()), {s: r.error for s, r in here.items()}
    students = sorted(s for s in here if s != VICTIM)
    # the class covers what it should: full marks, zero, in between, flags
    assert here["full"].score == here["full"].max_score > 0 and here["untouched"].score == 0
    assert 0 < here["partial"].score < here["full"].score
    assert here["test_cells_deleted"].flags  # edited cells, flagged
    for student in students:
        ours, theirs = here[student], there[student]
        assert not theirs.error, (student, theirs.error)
        assert (theirs.cells, theirs.score, theirs.manual_max) == (
            ours.cells,
            ours.score,
            ours.manual_max,
        ), student
        assert theirs.flags == ours.flags, student
        assert _outputs(remote, student) == _outputs(local, student), student
        feedback = Path("feedback") / student / CHAPTER / f"{CHAPTER}.html"
        assert (remote / feedback).read_text() == (local / feedback).read_text(), student
    ours = {k: v for k, v in _gradebook(local).items() if k[0] != VICTIM}
    theirs = _gradebook(remote)
    assert ours and theirs == ours
    ours, theirs = _questions(local), _questions(remote)
    assert {s: ours[s] for s in students} == {s: theirs[s] for s in students}


def test_a_killed_worker_costs_only_its_submission(graded):
    """Its submission is tried on another worker (allowed-failures=1: twice in all), then
    reported as not graded, naming the cluster; every other submission is graded (the first
    test compares them with local grading)."""
    _, here, _, there, address, kills, _ = graded
    assert len(list(kills.iterdir())) == 2  # two worker processes died grading it
    assert here[VICTIM].score == here[VICTIM].max_score  # a full solution, graded here
    failed = there[VICTIM]
    assert failed.error == (
        f"not graded on the cluster {address}: every Dask worker that tried to grade it died"
    )
    assert failed.flagged and failed.reasons()[0].startswith("error: not graded on the cluster")
    # the summary the command prints names it and the reason (as for a local grading process
    # that dies, the per-question CSV has no row for a submission nbgrader never saw)
    table = summary_table(CHAPTER, list(there.values()), 60.0, flag_width=200)
    assert f"not graded on the cluster {address}" in table and VICTIM in table


def test_cli_reaches_a_scheduler_and_says_when_it_cannot(tmp_path):
    """The command line's --cluster: a scheduler that is not there is one clear line."""
    proc = subprocess.run(
        [sys.executable, "-m", "course", "grade", "ch01", "--cluster", "tcp://127.0.0.1:9"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode != 0
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in proc.stderr + proc.stdout


def test_a_cluster_without_workers_reports_instead_of_waiting(tmp_path, monkeypatch):
    """Workers that died and were never replaced (or a batch system that never starts them):
    after NO_WORKERS_WAIT seconds without a worker, what is still waiting is reported as not
    graded, naming the cluster and the reason, and the command ends."""
    from distributed import Client, LocalCluster

    from course.grading import cluster as cluster_module

    monkeypatch.setattr(cluster_module, "NO_WORKERS_WAIT", 2.0)
    course = grading_tools.make_course(tmp_path, CHAPTER)
    release = nbformat.read(course / "release" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    grading_tools.submit(course, CHAPTER, "ada", fill_answers(release, source_nb(CHAPTER)))
    with (
        LocalCluster(n_workers=0, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        results = grade_chapter(
            course,
            CHAPTER,
            jobs=1,
            exchange_dir=tmp_path / "x",
            cluster=client,
            limits=LIMITS,
            progress_stream=open(os.devnull, "w"),  # noqa: SIM115
        )
        address = cluster.scheduler_address
    assert results["ada"].error == (
        f"not graded on the cluster {address}: the cluster had no worker for 2 s"
    )
