"""Grading that an instructor can trust, on top of nbgrader.

* :mod:`~course.grading.sanitize` rebuilds every submission from the release notebook plus the
  student's answer cells, so edited, deleted or duplicated cells and changed metadata count for
  nothing (and an unreadable file becomes a flagged, empty submission instead of a crash).
* :mod:`~course.grading.judge` runs the test cells in a trusted process that never executes
  student code; the student's code runs in a sandboxed worker (:mod:`~course.grading.student`,
  :mod:`~course.grading.sandbox`), reached through proxies (:mod:`~course.grading.proxy`), and
  only plain data crosses (:mod:`~course.grading.wire`).
* :mod:`~course.grading.batch` is ``python -m course grade``: nbgrader's autograde with the judge
  in place of its executor, in parallel, then feedback and exports (:mod:`~course.grading.report`).
"""
