"""nbgrader plug-ins the course configures in ``nbgrader_config.py``."""

from __future__ import annotations

import json
import shutil
import tempfile
import traceback
from pathlib import Path
from typing import ClassVar

from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.preprocessors import CheckCellMetadata, ClearHiddenTests, NbGraderPreprocessor
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
    """nbgrader's defaults with :class:`JudgeExecute` in place of ``Execute`` and
    :class:`CheckCellMetadataOnce` in place of ``CheckCellMetadata``: what the course autogrades
    with, from ``nbgrader autograde`` and from ``python -m course grade``."""
    return [_ours(p) for p in nbgrader_autograde_preprocessors()]


def sanitize_preprocessors() -> list:
    """nbgrader's default ``Autograde.sanitize_preprocessors`` with
    :class:`CheckCellMetadataOnce` in place of ``CheckCellMetadata``."""
    from nbgrader.converters import Autograde

    return [_ours(p) for p in Autograde.class_traits()["sanitize_preprocessors"].default()]


def _ours(preprocessor: type) -> type:
    from nbgrader.preprocessors import CheckCellMetadata, Execute

    return {Execute: JudgeExecute, CheckCellMetadata: CheckCellMetadataOnce}.get(
        preprocessor, preprocessor
    )


class _ValidatorOnce(MetadataValidator):
    """nbgrader's metadata validator, remembering the cells' metadata it has already found valid:
    a grading process validates every submission twice, and all of them carry the release's cell
    metadata (its JSON-schema check is most of nbgrader's per-notebook overhead). The rules are
    nbgrader's own; a cell whose metadata it has not seen goes through them in full."""

    valid: ClassVar[set[tuple[str, str]]] = set()

    def validate_cell(self, cell) -> None:
        meta = cell.get("metadata", {}).get("nbgrader")
        if not isinstance(meta, dict) or meta.get("cell_type", cell.cell_type) != cell.cell_type:
            super().validate_cell(cell)  # (nbgrader warns about a changed cell type: let it)
            return
        key = (cell.cell_type, json.dumps(meta, sort_keys=True, default=str))
        if key in self.valid:
            return
        super().validate_cell(cell)
        self.valid.add(key)


class CheckCellMetadataOnce(CheckCellMetadata):
    """nbgrader's ``CheckCellMetadata`` with :class:`_ValidatorOnce` (same rules, same errors)."""

    def preprocess(self, nb, resources):
        try:
            _ValidatorOnce().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from None
        return nb, resources


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
