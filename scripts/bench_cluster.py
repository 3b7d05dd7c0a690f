"""Benchmark: grade one synthetic class on a Dask ``LocalCluster`` of 1, 2 and 4 worker processes
(``grade_chapter(cluster=...)``, what ``python -m course grade --cluster`` runs) and, side by
side, with local ``--jobs`` 1, 2 and 4 (the alternative on one machine); print submissions/min.

    python scripts/bench_cluster.py [--chapter ch01_softmax] [--students 24] [--workers 1,2,4]
                                    [--client-jobs 1]

The class is scripts/bench_grading.py's (full, partial, blank, hostile in equal parts); every run
grades a fresh copy of the same course directory, feedback and exports included. With
``--cluster`` the judge runs on the workers and this process's ``--client-jobs`` processes write
the gradebook and feedback (nbgrader's part). The cluster is started before the clock starts; a
worker's first submission includes starting its grading process. On one machine the workers and
the local jobs share its cores, so ``--cluster`` cannot beat ``--jobs`` here: what the figures
show is the overhead of shipping the work and how it scales with workers. Not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_grading import make_class  # noqa: E402

from course.grading.batch import grade_chapter  # noqa: E402
from tests.grading_tools import make_course  # noqa: E402


def grade(template: Path, base: Path, name: str, **kwargs) -> tuple[float, int]:
    course = base / name / "course"
    shutil.copytree(template, course)
    start = time.monotonic()
    results = grade_chapter(
        course,
        kwargs.pop("chapter"),
        exchange_dir=base / "exchange",
        progress_stream=open(os.devnull, "w"),  # noqa: SIM115
        **kwargs,
    )
    seconds = time.monotonic() - start
    shutil.rmtree(course, ignore_errors=True)
    return seconds, sum(1 for r in results.values() if r.error)


def main() -> None:
    import logging

    from distributed import Client, LocalCluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="ch01_softmax")
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--client-jobs", type=int, default=1)
    options = parser.parse_args()
    chapter, n = options.chapter, options.students
    counts = [int(w) for w in options.workers.split(",")]
    logging.getLogger("distributed").setLevel(logging.ERROR)

    base = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    template = make_course(base, chapter)
    make_class(template, chapter, n)
    print(f"chapter {chapter}, {n} submissions, {os.cpu_count()} cores on this machine")
    print(f"{'workers/jobs':>12}  {'local --jobs':>22}  {'--cluster (LocalCluster)':>26}")
    for count in counts:
        local, local_errors = grade(template, base, f"local{count}", chapter=chapter, jobs=count)
        with (
            LocalCluster(
                n_workers=count,
                processes=True,
                threads_per_worker=1,
                dashboard_address=None,
                worker_dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            remote, remote_errors = grade(
                template,
                base,
                f"cluster{count}",
                chapter=chapter,
                jobs=options.client_jobs,
                cluster=client,
            )
        print(
            f"{count:>12}  {local:6.1f} s {60 * n / local:6.1f}/min"
            f"{f' ({local_errors} err)' if local_errors else '':>6}  "
            f"{remote:8.1f} s {60 * n / remote:6.1f}/min"
            f"{f' ({remote_errors} err)' if remote_errors else ''}",
            flush=True,
        )
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
