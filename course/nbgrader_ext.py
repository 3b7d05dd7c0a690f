"""nbgrader plug-ins the course configures in ``nbgrader_config.py``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from nbgrader.utils import is_grade


class HideHiddenTests(NbGraderPreprocessor):
    """For generated feedback: drop hidden-test source and tracebacks, keep the failure message.

    nbgrader's autograde restores the instructor's test cells (hidden tests included) before
    running them, so without this the feedback HTML would show hidden-test code, and a traceback
    would quote the hidden line that failed. The student keeps ``AssertionError: <message>``.
    """

    def preprocess(self, nb, resources):
        clear = ClearHiddenTests(enforce_metadata=False)
        for cell in nb.cells:
            if cell.cell_type != "code" or not is_grade(cell):
                continue
            if "### BEGIN HIDDEN TESTS" in cell.source:
                clear._remove_hidden_test_region(cell)
                cell.source += "\n# (hidden tests ran here; their code is not shown)"
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    evalue = output.get("evalue", "")
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {evalue}"]
        return nb, resources


def nbgrader_autograde_preprocessors() -> list:
    """nbgrader's own default ``Autograde.autograde_preprocessors`` (its kernel ``Execute``)."""
    from nbgrader.converters import Autograde

    return list(Autograde.class_traits()["autograde_preprocessors"].default())


def autograde_preprocessors() -> list:
    """nbgrader's defaults with :class:`JudgeExecute` in place of ``Execute``: what the course
    autogrades with, from ``nbgrader autograde`` and from ``python -m course grade``."""
    from nbgrader.preprocessors import Execute

    return [JudgeExecute if p is Execute else p for p in nbgrader_autograde_preprocessors()]


class JudgeExecute(NbGraderPreprocessor):
    """Stands in for nbgrader's ``Execute`` in autograde: the test cells run in the course's judge
    and the student's code in a sandboxed worker (``course.grading``). It fills every code cell's
    outputs the way a kernel would, so nbgrader's ``SaveAutoGrades`` scores the test cells by its
    usual rule (an error or stderr output scores 0).

    ``python -m course grade`` sets up the context (limits, worker slot, what to hide) for each of
    its workers; a plain ``nbgrader autograde`` (or formgrader's autograde button) gets a default
    one, so student code never runs in the grader's process whichever way grading starts.
    """

    def preprocess(self, nb, resources):
        from course.grading import batch

        if batch.CONTEXT is not None and batch.CONTEXT.replay is not None:
            from course.grading.cluster import replay  # --cluster: the judge ran on a worker

            return replay(batch.CONTEXT, nb, resources)
        if batch.CONTEXT is not None:
            return self._judge(batch.CONTEXT, nb, resources)
        with batch.standalone_context(self.config, resources) as context:
            nb, resources = self._judge(context, nb, resources)
            for note in context.notes:  # no grade command around to flag it: say it in the log
                self.log.warning("needs review: %s", note)
            return nb, resources

    @staticmethod
    def _judge(context, nb, resources):
        from course.grading.judge import Judge

        release_dir, release, hide = context.chapter(resources["nbgrader"]["assignment"])
        workdir = Path(tempfile.mkdtemp(prefix="w", dir=context.scratch))
        judge = Judge(
            release_dir,
            context.limits,
            hide=hide,
            slot=context.slot,
            isolation=context.isolation,
            workdir=workdir,
            log_path=context.scratch / f"worker-{context.slot}.log",
        )
        try:
            result = judge.run(nb, release)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        context.notes.extend(result.notes)
        return result.nb, resources
