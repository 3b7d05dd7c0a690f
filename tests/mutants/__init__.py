"""Per-chapter mutant lists: plausible wrong answers that must lose points.

``tests/mutants/<chapter>.py`` defines ``MUTANTS``: a dict from a description to a dict
``{grade_id of a solution cell: replacement source}``. ``tests/test_mutants.py`` swaps each
mutant into the chapter's source notebook, runs it, and requires that the test cells of the
exercises it touches score less than their maximum.
"""
