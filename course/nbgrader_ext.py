"""nbgrader plug-ins the course configures in ``nbgrader_config.py``."""

from __future__ import annotations

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
