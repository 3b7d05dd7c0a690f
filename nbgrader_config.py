"""nbgrader configuration for Transformers from Scratch (the repository root is the course root)."""

import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

from course.nbgrader_ext import HideHiddenTests, autograde_preprocessors, sanitize_preprocessors

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "transformers-from-scratch"

# Students get a stub that fails loudly until they write their answer.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A chapter notebook runs in seconds; training cells in the fast setting in well under a minute.
c.Execute.timeout = 180
c.Execute.interrupt_on_timeout = True

# Autograde never runs student code in the grader's process: the course's judge runs the tests and
# a sandboxed worker runs the student's code (course/grading/). This covers `nbgrader autograde`
# and formgrader's button too; `python -m course grade` adds the submission rebuild, parallel
# workers, limits and the exports. nbgrader's default list, with JudgeExecute for Execute:
c.Autograde.autograde_preprocessors = autograde_preprocessors()
c.Autograde.sanitize_preprocessors = sanitize_preprocessors()

# The fingerprints of known mistakes at hidden checks (course/diagnose.py) stay instructor-side:
# never copied into release/ (nbgrader's default list plus that file).
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "diagnoses-hidden.json",
]

# Small data files (the ch11 checkpoint) must reach students; nbgrader skips files over the limit.
c.CourseDirectory.max_file_size = 5_000_000

# The exchange (released assignments, submissions, feedback) lives outside the course directory,
# which students must not be able to read: nbgrader's usual /srv/nbgrader/exchange, writable by
# everyone (`sudo mkdir -p /srv/nbgrader/exchange && sudo chmod 777 /srv/nbgrader/exchange`), or
# $COURSE_EXCHANGE. Self-study (`./course.sh lab`) uses no exchange.
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")

# Feedback shows failure messages but never hidden-test source or tracebacks quoting it.
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
