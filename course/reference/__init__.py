"""Reference forward pieces that later chapters build on (ch12 trains a GPT with them).

These are *building blocks*, not graded answers: the chapter that asks a student to write one of
them (ch11) rejects a graded function that merely calls into this package
(``course.checks.check_own_work``), and its mutant list includes such a delegation.
"""
