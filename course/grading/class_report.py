"""``python -m course report <chapter>``: one HTML page about a graded chapter, for the instructor.

Read after ``python -m course grade`` (any time later), from what grading left behind:

* nbgrader's gradebook (:func:`course.grading.report.read_gradebook`): every score, autograded or
  entered in formgrader, and formgrader's flags;
* the autograded notebooks (``autograded/<student>/<chapter>/<chapter>.ipynb``): the error output
  of each failing test cell, i.e. the first check that failed in it (its "what", the text before
  the first ``": "`` of the message) and, when the check recognised a known wrong answer, the
  ``Likely mistake: <words>`` line of the message;
* the grade command's run record (``exports/<chapter>-grading.json``,
  :func:`course.grading.report.write_run_record`): time per submission, the run's flags and errors;
* the answer cells of the autograded notebooks, for the similarity check
  (:mod:`course.grading.similarity`).

The page (``exports/<chapter>-report/index.html``, with its PNG figures next to it) shows the
score distribution, per question the mean score (difficulty) and the point-biserial correlation
of the question's score with the rest of the total (discrimination), the most frequent failing
checks and known mistakes with the share of submissions, the time per submission, every flag, and
the pairs of similar submissions. Nothing here writes to the gradebook.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import nbformat
import numpy as np

from course.grading.report import (
    FORMGRADER_FLAG,
    MISSING,
    Question,
    read_gradebook,
    read_run_record,
)
from course.grading.similarity import THRESHOLD, SimilarPair, similar_pairs

MISTAKE = re.compile(r"Likely mistake:\s*(.+?)\s*$", re.M)
NOT_IMPLEMENTED_CHECK = "not attempted (raise NotImplementedError() left in)"
TOP_CHECKS = 5  # failing checks listed per question
DETAILED_PAIRS = 25  # similar pairs shown side by side (all are in the summary table)


class ReportError(Exception):
    """The report cannot be made (nothing graded yet, ...): one line for the user."""


# --------------------------------------------------------------------------- parsing outputs


class Failure(NamedTuple):
    """The first failing check of a test cell, as the autograded notebook recorded it."""

    check: str  # what was checked (or the error, for an error that is not a failed check)
    mistake: str = ""  # the known mistake it matched ("Likely mistake: ..."), if any


def parse_failure(ename: str, evalue: str) -> Failure:
    """A test cell's error output as a :class:`Failure`. A failed check's message is
    ``what: detail -- hint`` (``course.checks``), possibly followed by a ``Likely mistake: ...``
    line; any other error is kept as ``Name: message`` (first line, shortened)."""
    text = str(evalue or "")
    found = MISTAKE.search(text)
    mistake = found.group(1).strip().rstrip(".") if found else ""
    rest = MISTAKE.sub("", text).strip()
    first = rest.splitlines()[0] if rest else ""
    if ename == "NotImplementedError":
        return Failure(NOT_IMPLEMENTED_CHECK, mistake)
    if ename in ("CheckFailed", "AssertionError") and ": " in first:
        return Failure(first.split(": ", 1)[0].strip(), mistake)
    line = f"{ename}: {first}" if first else ename
    line = line if len(line) <= 120 else line[:117] + "..."
    if ename == "NameError" and first.endswith("is not defined"):
        line += " (its answer cell was not attempted or failed before defining it)"
    return Failure(line, mistake)


def _grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def _is_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def _is_answer(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("solution"))


def failures_in(nb: nbformat.NotebookNode) -> dict[str, Failure]:
    """{grade_id: first failing check} of the test cells of an autograded notebook that failed."""
    found = {}
    for cell in nb.cells:
        if not _is_test(cell):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found[_grade_id(cell)] = parse_failure(
                    output.get("ename", ""), output.get("evalue")
                )
                break
    return found


def answers_in(nb: nbformat.NotebookNode) -> dict[str, str]:
    """{grade_id: source} of the code answer cells."""
    return {_grade_id(c): c.source for c in nb.cells if _is_answer(c)}


# --------------------------------------------------------------------------- the numbers


@dataclass
class QuestionStats:
    question: Question
    scored: int  # submissions with a score for it (pending manual grades excluded)
    pending: int
    mean: float | None  # mean points
    discrimination: float | None  # correlation with the rest of the total; None if undefined

    @property
    def difficulty(self) -> float | None:
        """Mean score as a share of the question's points (1 = everyone got it)."""
        if self.mean is None or not self.question.max_score:
            return None
        return self.mean / self.question.max_score


@dataclass
class CheckCount:
    question: str
    check: str
    count: int
    share: float  # of the graded submissions
    mistakes: list[tuple[str, int]] = field(default_factory=list)  # known mistake, count


@dataclass
class ClassReport:
    chapter: str
    questions: list[QuestionStats]
    totals: dict[str, float]  # student -> total (after late penalty), submissions only
    max_score: float
    missing: list[str]  # students in the gradebook without a submission
    checks: list[CheckCount]  # per question, most frequent first
    seconds: dict[str, float]  # student -> grading time, from the run record
    flags: list[tuple[str, str]]  # (student, reason), sorted by student
    pairs: list[SimilarPair]
    threshold: float
    pending_manual: int  # submissions with a written answer still to grade
    stubs: dict[str, str] = field(default_factory=dict)  # grade_id -> the release's answer cell


def point_biserial(item: list[float], rest: list[float]) -> float | None:
    """Pearson correlation of a question's scores with the rest of each student's total (for a
    question scored all-or-nothing, this is the point-biserial correlation); None when either
    side does not vary or fewer than three students have both."""
    if len(item) < 3:
        return None
    x, y = np.asarray(item, float), np.asarray(rest, float)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def _autograded_notebook(course_dir: Path, chapter: str, student: str) -> Path:
    return course_dir / "autograded" / student / chapter / f"{chapter}.ipynb"


def build_report(course_dir: Path, chapter: str, threshold: float = THRESHOLD) -> ClassReport:
    """Everything the page shows, computed from the gradebook, the autograded notebooks and the
    run record of ``chapter`` in ``course_dir``."""
    course_dir = Path(course_dir).resolve()
    db = course_dir / "gradebook.db"
    try:
        questions, rows = read_gradebook(f"sqlite:///{db}", chapter, {})
    except (FileNotFoundError, LookupError) as exc:
        raise ReportError(str(exc)) from None
    record = read_run_record(course_dir, chapter)
    submitted = [r for r in rows if not r["flags"].startswith(MISSING)]
    missing = [r["student_id"] for r in rows if r["flags"].startswith(MISSING)]
    if not submitted:
        raise ReportError(
            f"no graded submission of {chapter} in {db}: run `python -m course grade {chapter}` "
            "first"
        )

    stats = []
    for q in questions:
        have = [r for r in submitted if r[q.key] is not None]
        item = [r[q.key] for r in have]
        rest = [r["raw_score"] - r[q.key] for r in have]
        stats.append(
            QuestionStats(
                q,
                len(have),
                len(submitted) - len(have),
                float(np.mean(item)) if item else None,
                point_biserial(item, rest),
            )
        )

    checks: list[CheckCount] = []
    answers: dict[str, dict[str, str]] = {}
    per_question: dict[str, Counter] = {}
    mistakes: dict[tuple[str, str], Counter] = {}
    for row in submitted:
        path = _autograded_notebook(course_dir, chapter, row["student_id"])
        if not path.is_file():
            continue
        nb = nbformat.read(path, as_version=4)
        answers[row["student_id"]] = answers_in(nb)
        for grade_id, failure in failures_in(nb).items():
            per_question.setdefault(grade_id, Counter())[failure.check] += 1
            if failure.mistake:
                mistakes.setdefault((grade_id, failure.check), Counter())[failure.mistake] += 1
    for q in questions:
        for check, count in per_question.get(q.grade_id, Counter()).most_common(TOP_CHECKS):
            known = mistakes.get((q.grade_id, check), Counter()).most_common()
            checks.append(CheckCount(q.key, check, count, count / len(submitted), known))

    flags: list[tuple[str, str]] = []
    for row in submitted:
        student = row["student_id"]
        entry = record.get(student, {})
        reasons = ([f"error: {entry['error']}"] if entry.get("error") else []) + list(
            entry.get("flags", [])
        )
        if FORMGRADER_FLAG in row["flags"]:
            reasons.append(FORMGRADER_FLAG)
        flags += [(student, reason) for reason in reasons]

    release = nbformat.read(course_dir / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    stubs = answers_in(release)
    return ClassReport(
        chapter=chapter,
        questions=stats,
        totals={r["student_id"]: r["total"] for r in submitted},
        max_score=submitted[0]["max_score"],
        missing=missing,
        checks=checks,
        seconds={
            s: float(e["seconds"])
            for s, e in record.items()
            if s in {r["student_id"] for r in submitted} and "seconds" in e
        },
        flags=sorted(flags),
        pairs=similar_pairs(answers, stubs, threshold=threshold),
        threshold=threshold,
        pending_manual=sum(1 for r in submitted if r["needs_manual_grade"]),
        stubs=stubs,
    )


# --------------------------------------------------------------------------- figures


def _figures(report: ClassReport, out: Path) -> dict[str, str]:
    """The PNGs of the page, written to ``out``; {name: file name}."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    files = {}

    totals = np.array(list(report.totals.values()), float)
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    top = max(report.max_score, totals.max(initial=0))
    bins = np.arange(0, np.ceil(top) + 2) - 0.5
    sns.histplot(x=totals, bins=bins, ax=ax, color="#4c72b0")
    ax.axvline(np.mean(totals), color="#c44e52", ls="--", label=f"mean {np.mean(totals):.1f}")
    ax.axvline(
        np.median(totals), color="#55a868", ls=":", lw=2, label=f"median {np.median(totals):g}"
    )
    ax.set_xlim(-0.5, top + 0.5)
    ax.set_xlabel(f"total score (points, out of {report.max_score:g})")
    ax.set_ylabel("submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{report.chapter}: score distribution ({len(totals)} submissions)")
    ax.legend(loc="upper left", frameon=True)
    fig.tight_layout()
    fig.savefig(out / "scores.png", dpi=110)
    plt.close(fig)
    files["scores"] = "scores.png"

    labels = [q.question.key for q in report.questions]
    difficulty = [100 * (q.difficulty or 0) for q in report.questions]
    disc = [q.discrimination if q.discrimination is not None else 0 for q in report.questions]
    height = 0.9 + 0.32 * len(labels)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, height), sharey=True)
    sns.barplot(x=difficulty, y=labels, ax=left, color="#4c72b0", orient="h")
    left.set_xlim(0, 100)
    left.set_xlabel("mean score (% of the question's points)")
    left.set_title("Difficulty: low = hard")
    for i, value in enumerate(difficulty):
        inside = value > 85
        left.text(
            value - 1 if inside else value + 1,
            i,
            f"{value:.0f}%",
            va="center",
            ha="right" if inside else "left",
            color="white" if inside else "black",
            fontsize=9,
        )
    colors = ["#c44e52" if d < 0.2 else "#55a868" for d in disc]
    sns.barplot(x=disc, y=labels, ax=right, hue=labels, palette=colors, legend=False, orient="h")
    right.set_xlim(-1, 1)
    right.axvline(0.2, color="grey", ls=":", lw=1)
    right.set_xlabel("correlation with the rest of the total (dotted: 0.2)")
    right.set_title("Discrimination: low = does not separate")
    for i, q in enumerate(report.questions):
        text = "n/a" if q.discrimination is None else f"{q.discrimination:+.2f}"
        right.text(0.02 if disc[i] < 0 else disc[i] + 0.02, i, text, va="center", fontsize=9)
    left.set_ylabel("question (notebook order)")
    fig.tight_layout()
    fig.savefig(out / "questions.png", dpi=110)
    plt.close(fig)
    files["questions"] = "questions.png"

    if report.seconds:
        seconds = np.array(list(report.seconds.values()), float)
        fig, ax = plt.subplots(figsize=(7.5, 3.0))
        sns.histplot(x=seconds, bins=min(20, max(5, len(seconds))), ax=ax, color="#8172b3")
        ax.set_xlabel("grading time per submission (seconds)")
        ax.set_ylabel("submissions")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(
            f"Time per submission: median {np.median(seconds):.1f} s, slowest {seconds.max():.1f} s"
        )
        fig.tight_layout()
        fig.savefig(out / "times.png", dpi=110)
        plt.close(fig)
        files["times"] = "times.png"
    return files


# --------------------------------------------------------------------------- the page

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 1.5em auto; color: #222;
       padding: 0 1em; line-height: 1.4; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.lead { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.3em 0.7em; text-align: left;
         vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: 0.8em; background: #c44e52; vertical-align: middle;
       margin-right: 0.4em; }
.mistake { color: #8a1c1c; font-weight: 600; }
tr.first td { border-top: 2px solid #bbb; }
.note { color: #666; font-size: 0.9em; }
.empty { color: #2d6a2d; font-style: italic; }
pre { background: #f7f7f7; padding: 0.5em; font-size: 0.85em; white-space: pre-wrap;
      margin: 0.2em 0; max-width: 520px; }
mark { background: #ffe08a; } .stub { color: #999; }
img { max-width: 100%; }
.cards { display: flex; gap: 1em; flex-wrap: wrap; }
.card { background: #f4f6fa; border-radius: 6px; padding: 0.5em 1em; }
.card b { font-size: 1.3em; display: block; }
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _marked(source: str, spans: list[tuple[int, int]], stub: str = "") -> str:
    """``source`` as HTML with the matching ``spans`` highlighted, except on lines that are the
    release's own code (shown grey: they were subtracted, whatever copydetect's k-grams that
    overlap them say)."""
    given = {line.strip() for line in stub.splitlines() if line.strip()}
    parts, at = [], 0
    for line in source.splitlines(keepends=True):
        start, end = at, at + len(line)
        at = end
        if line.strip() and line.strip() in given:
            parts.append(f"<span class='stub'>{_e(line)}</span>")
            continue
        pos = start
        for a, b in sorted(spans):
            a, b = max(a, pos), min(b, end)
            if b <= a:
                continue
            parts.append(_e(source[pos:a]) + "<mark>" + _e(source[a:b]) + "</mark>")
            pos = b
        parts.append(_e(source[pos:end]))
    return "".join(parts)


def render_html(report: ClassReport, figures: dict[str, str]) -> str:
    n = len(report.totals)
    totals = list(report.totals.values())
    out = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Class report: {_e(report.chapter)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Class report: {_e(report.chapter)}</h1>",
        "<p class='lead'>From nbgrader's gradebook (scores, including grades entered in "
        "formgrader), the autograded notebooks (failing checks) and the grade command's run "
        "record (time, flags). Nothing on this page changes a grade.</p>",
        "<div class='cards'>",
        f"<div class='card'><b>{n}</b>submissions</div>",
        f"<div class='card'><b>{np.mean(totals):.1f} / {report.max_score:g}</b>mean score</div>",
        f"<div class='card'><b>{np.median(totals):g}</b>median</div>",
        f"<div class='card'><b>{len({s for s, _ in report.flags})}</b>flagged</div>",
        f"<div class='card'><b>{len(report.pairs)}</b>similar pairs</div>",
        f"<div class='card'><b>{len(report.missing)}</b>no submission</div>",
        "</div>",
    ]
    if report.pending_manual:
        out.append(
            f"<p class='note'>{report.pending_manual} submission(s) await a person in formgrader "
            "(a written answer to grade, or a flagged submission whose autograded cells are "
            "marked for review): their totals and the question statistics leave those cells out "
            "until they are graded.</p>"
        )
    if report.missing:
        out.append(
            "<p class='note'>In the gradebook without a submission (left out of every number "
            f"below): {_e(', '.join(report.missing))}.</p>"
        )

    out += ["<h2>Score distribution</h2>", f"<img src='{figures['scores']}' alt='scores'>"]

    out += [
        "<h2>Questions</h2>",
        f"<img src='{figures['questions']}' alt='questions'>",
        "<p class='note'><b>Difficulty</b> is the mean score as a share of the question's points "
        "(low = hard). <b>Discrimination</b> is the point-biserial correlation between the "
        "question's score and the rest of the total (the total without that question, so a "
        "question does not correlate with itself): near 0 or negative, the question does not "
        "separate students who did well from those who did not (check its test; red bars are "
        "below 0.2, the dotted line, a common rule of thumb); "
        "<i>n/a</i> when everyone scored the same on it. Written answers count once graded.</p>",
        "<table><tr><th>question</th><th>kind</th><th>points</th><th>mean</th>"
        "<th>difficulty</th><th>discrimination</th><th>scored (pending: awaiting formgrader)"
        "</th></tr>",
    ]
    for q in report.questions:
        kind = "autograded" if q.question.cell_type == "code" else "written (formgrader)"
        mean = "-" if q.mean is None else f"{q.mean:.2f}"
        diff = "-" if q.difficulty is None else _pct(q.difficulty)
        disc = "n/a" if q.discrimination is None else f"{q.discrimination:+.2f}"
        scored = f"{q.scored}" + (f" ({q.pending} pending)" if q.pending else "")
        out.append(
            f"<tr><td>{_e(q.question.key)}</td><td>{kind}</td>"
            f"<td class='num'>{q.question.max_score:g}</td><td class='num'>{mean}</td>"
            f"<td class='num'>{diff}</td><td class='num'>{disc}</td>"
            f"<td class='num'>{scored}</td></tr>"
        )
    out.append("</table>")

    out += [
        "<h2>Most frequent failing checks</h2>",
        "<p class='note'>Per test cell, the first check that failed in it, as the share of all "
        f"{n} submissions (a test cell stops at its first failing check). "
        "<span class='mistake'>Known mistakes</span> are the wrong answers a check recognised "
        "(<code>Likely mistake:</code> in the message the student read).</p>",
    ]
    mistakes = [(m, c, check) for check in report.checks for m, c in check.mistakes]
    out.append("<h3>Known mistakes, most frequent first</h3>")
    if mistakes:
        out.append(
            "<table><tr><th>share</th><th>known mistake</th><th>question</th><th>check</th></tr>"
        )
        for mistake, count, check in sorted(mistakes, key=lambda t: -t[1]):
            out.append(
                f"<tr><td class='num'><span class='bar' style='width:{100 * count / n:.0f}px'>"
                f"</span>{_pct(count / n)} ({count})</td><td class='mistake'>{_e(mistake)}</td>"
                f"<td>{_e(check.question)}</td><td>{_e(check.check)}</td></tr>"
            )
        out.append("</table>")
    else:
        out.append("<p class='empty'>No failing check matched a known mistake.</p>")
    out.append(f"<h3>First failing check of each test cell (at most {TOP_CHECKS} per cell)</h3>")
    if report.checks:
        out.append(
            "<table><tr><th>test cell</th><th>share of submissions</th>"
            "<th>failing check</th><th>known mistakes among them</th></tr>"
        )
        previous = None
        for check in report.checks:
            known = "; ".join(f"{_e(m)} ({c})" for m, c in check.mistakes)
            known = f"<span class='mistake'>{known}</span>" if known else ""
            first = check.question != previous
            previous = check.question
            out.append(
                f"<tr{' class=first' if first else ''}>"
                f"<td>{_e(check.question) if first else ''}</td><td class='num'>"
                f"<span class='bar' style='width:{100 * check.share:.0f}px'></span>"
                f"{_pct(check.share)} ({check.count})</td><td>{_e(check.check)}</td>"
                f"<td>{known}</td></tr>"
            )
        out.append("</table>")
    else:
        out.append("<p class='empty'>No test cell failed in any submission.</p>")

    out.append("<h2>Time per submission</h2>")
    if "times" in figures:
        slow = sorted(report.seconds.items(), key=lambda kv: -kv[1])[:5]
        out += [
            f"<img src='{figures['times']}' alt='times'>",
            "<p class='note'>Wall-clock time the grade command spent on each submission "
            "(running the student's code and the tests). Slowest: "
            + ", ".join(f"{_e(s)} {t:.1f} s" for s, t in slow)
            + ".</p>",
        ]
    else:
        out.append(
            "<p class='empty'>No times recorded: the chapter was not graded with "
            "<code>python -m course grade</code> (which writes "
            f"<code>exports/{_e(report.chapter)}-grading.json</code>).</p>"
        )

    out.append("<h2>Flags</h2>")
    if report.flags:
        out.append(
            "<p class='note'>Why a submission needs a person: what the grader refused or could "
            "not do, edited or missing cells, redefinitions of provided names, manual-review "
            "flags set in formgrader. Flagged autograded cells are marked for review in "
            "formgrader.</p><table><tr><th>student</th><th>reason</th></tr>"
        )
        out += [f"<tr><td>{_e(s)}</td><td>{_e(r)}</td></tr>" for s, r in report.flags]
        out.append("</table>")
    else:
        out.append("<p class='empty'>No submission was flagged.</p>")

    out += [
        "<h2>Similar submissions</h2>",
        "<p class='note'>Pairs whose code answer cells match (copydetect fingerprints: variable "
        "names, strings, numbers and comments are ignored, though a highlighted run may span a "
        "comment; the release's own code in the answer "
        f"cells is subtracted) on at least {_pct(report.threshold)} of their code. For review "
        "only: short answers to a precise exercise converge, and students who typed the same "
        "published text match. Highlighted: the matching parts; grey: the release's own code.</p>",
    ]
    if report.pairs:
        out.append("<table><tr><th>students</th><th>similarity</th><th>matching cells</th></tr>")
        for pair in report.pairs:
            cells = ", ".join(
                f"{_e(c.grade_id)} ({_pct(c.similarity)})"
                for c in sorted(pair.cells, key=lambda c: -c.similarity)
            )
            out.append(
                f"<tr><td>{_e(pair.student_a)} and {_e(pair.student_b)}</td>"
                f"<td class='num'>{_pct(pair.similarity)}</td><td>{cells}</td></tr>"
            )
        out.append("</table>")
        if len(report.pairs) > DETAILED_PAIRS:
            out.append(
                f"<p class='note'>Side by side below: the {DETAILED_PAIRS} most similar pairs; "
                "raise <code>--similarity</code> to list fewer.</p>"
            )
        for pair in report.pairs[:DETAILED_PAIRS]:
            out.append(
                f"<h3>{_e(pair.student_a)} and {_e(pair.student_b)}: "
                f"{_pct(pair.similarity)} similar</h3><table><tr><th>cell</th>"
                f"<th>{_e(pair.student_a)}</th><th>{_e(pair.student_b)}</th></tr>"
            )
            for cell in sorted(pair.cells, key=lambda c: -c.similarity):
                stub = report.stubs.get(cell.grade_id, "")
                out.append(
                    f"<tr><td>{_e(cell.grade_id)}<br><span class='note'>"
                    f"{_pct(cell.similarity)} match</span></td>"
                    f"<td><pre>{_marked(cell.source_a, cell.spans_a, stub)}</pre></td>"
                    f"<td><pre>{_marked(cell.source_b, cell.spans_b, stub)}</pre></td></tr>"
                )
            out.append("</table>")
    else:
        out.append("<p class='empty'>No pair of submissions is above the threshold.</p>")
    out.append("</body></html>")
    return "\n".join(out)


def write_report(
    course_dir: Path, chapter: str, out_dir: Path | None = None, threshold: float = THRESHOLD
) -> Path:
    """Write the page and its figures (default ``exports/<chapter>-report/``); the page's path."""
    report = build_report(course_dir, chapter, threshold)
    out = Path(out_dir) if out_dir else Path(course_dir) / "exports" / f"{chapter}-report"
    out.mkdir(parents=True, exist_ok=True)
    figures = _figures(report, out)
    page = out / "index.html"
    page.write_text(render_html(report, figures), encoding="utf-8")
    return page
