"""The class as students and the instructor meet it: a real JupyterHub (PAM login, local Unix
accounts, configurable-http-proxy, one JupyterLab per user, the course environment and configs of
``./course.sh hub``) driven in headless Chromium through Playwright.

The instructor releases ch01; two students log in, fetch it in the Assignments panel, answer (one
correctly, one with a wrong softmax), run the notebook and Validate, and submit; the instructor
runs ``python -m course grade ch01``, grades a written answer in formgrader, and generates and
releases feedback there; each student fetches the feedback and reads their scores and failure
messages, with no hidden-test code. Screenshots of every step go to ``$COURSE_ARTIFACTS`` (default
``artifacts/hub-browser/`` in the checkout, gitignored); the path is printed.

Needs root (it creates Unix accounts and the hub spawns servers as them), ``/usr/bin/chromium``
(``apt-get install chromium``), ``configurable-http-proxy`` (``npm install -g``) and the
``hub``/``browser`` extras; otherwise it skips with the reason, unless
``COURSE_BROWSER_TESTS=required`` (CI), where a missing piece fails. Everything listens on
127.0.0.1 and every server and account it starts is gone when it ends.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests.browser import (
    CHROMIUM,
    REQUIRED,
    free_port,
    jupyter_lab,
    launch_chromium,
    require_browser,
    run_all_and_wait,
)
from tests.conftest import ROOT, release_nb, source_nb
from tests.mutants.ch01_softmax import MUTANTS
from tests.nbtools import HIDDEN, fill_answers, secret_lines, with_answers

CHAPTER = "ch01_softmax"
VALIDATE = ".jp-Toolbar-item:has-text('Validate'), [data-command='nbgrader:validate']"

# one xdist worker for both tests: they share the screenshot folder
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


def missing() -> str:
    """Why this machine cannot run the hub test ('' if it can)."""
    if os.geteuid() != 0:
        return "needs root (creates Unix accounts; the hub spawns servers as them)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not shutil.which("configurable-http-proxy"):
        return "no configurable-http-proxy (npm install -g configurable-http-proxy)"
    if not shutil.which("useradd"):
        return "no useradd"
    for module in ("jupyterhub", "playwright"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install -e '.[hub,browser]')"
    return ""


def require_machine() -> None:
    reason = missing()
    if reason and REQUIRED:
        pytest.fail(f"COURSE_BROWSER_TESTS=required but {reason}")
    if reason:
        pytest.skip(reason)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)


class Hub:
    """Unix accounts, the course directory, the hub prefix, and the running hub."""

    def __init__(self, base: Path):
        tag = secrets.token_hex(2)
        self.base = base
        self.instructor = f"tfs-teach-{tag}"
        self.students = [f"tfs-ada-{tag}", f"tfs-bob-{tag}"]
        self.password = secrets.token_urlsafe(12)
        self.prefix = base / "hub"
        self.exchange = base / "exchange"
        self.created: list[str] = []
        self.process: subprocess.Popen | None = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def home(self, user: str) -> Path:
        return self.base / "home" / user

    @property
    def course_dir(self) -> Path:
        return self.home(self.instructor) / "course"

    def add_users(self) -> None:
        (self.base / "home").mkdir()
        os.chmod(self.base / "home", 0o755)
        for user in [self.instructor, *self.students]:
            run(["useradd", "-m", "-d", str(self.home(user)), "-s", "/bin/bash", user])
            self.created.append(user)
            os.chmod(self.home(user), 0o700)
            run(["chpasswd"], input=f"{user}:{self.password}\n")

    def make_course(self) -> None:
        """The instructor's clone: config, source and release of ch01 (no gradebook yet)."""
        self.course_dir.mkdir()
        shutil.copy(ROOT / "nbgrader_config.py", self.course_dir)
        for part in ("source", "release"):
            shutil.copytree(ROOT / part / CHAPTER, self.course_dir / part / CHAPTER)
        run(["chown", "-R", f"{self.instructor}:", str(self.course_dir)])

    def as_user(self, user: str, *cmd: str, role: str = "student", cwd: Path | None = None):
        env = [
            f"HOME={self.home(user)}",
            f"PATH={self.env / 'bin'}:/usr/bin:/bin",
            f"JUPYTER_CONFIG_PATH={self.prefix / 'config' / role}",
            f"COURSE_EXCHANGE={self.exchange}",
        ]
        return subprocess.run(
            ["runuser", "-u", user, "--", "env", "-i", *env, *cmd],
            capture_output=True,
            text=True,
            cwd=cwd or self.home(user),
        )

    def start(self) -> None:
        from course.hub import setup_hub

        self.env = Path(os.environ.get("COURSE_HUB_TEST_ENV") or self.base / "env")
        setup_hub(
            self.prefix,
            self.exchange,
            self.course_dir,
            [self.instructor],
            self.students,
            port=self.port,
            checkout=ROOT,
            env=self.env,
            log=lambda message: None,
        )
        venv_bin = Path(os.sys.executable).parent
        env = dict(
            os.environ,
            COURSE_HUB_PREFIX=str(self.prefix),
            PATH=f"{venv_bin}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        )
        self.log = open(self.base / "hub.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(venv_bin / "jupyterhub"),
                "-f",
                str(ROOT / "deploy" / "hub" / "jupyterhub_config.py"),
            ],
            cwd=self.prefix / "state",
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the hub exited:\n" + (self.base / "hub.log").read_text())
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the hub did not answer:\n" + (self.base / "hub.log").read_text())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # the hub stops the users' servers and the proxy itself
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(10)
        for user in self.created:  # anything the accounts still run (started by this test)
            pids = subprocess.run(["pgrep", "-u", user], capture_output=True, text=True).stdout
            for pid in pids.split():
                try:
                    os.kill(int(pid), 9)
                except ProcessLookupError:
                    pass
            subprocess.run(["userdel", user], capture_output=True)
        if getattr(self, "log", None):
            self.log.close()


@pytest.fixture(scope="module")
def hub():
    require_machine()
    base = Path(tempfile.mkdtemp(prefix="tfs-hub-", dir="/tmp"))
    os.chmod(base, 0o755)
    hub = Hub(base)
    try:
        hub.add_users()
        hub.make_course()
        hub.start()
        yield hub
    finally:
        hub.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def shots(chromium):
    folder = Path(os.environ.get("COURSE_ARTIFACTS") or ROOT / "artifacts") / "hub-browser"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def chromium_browser(chromium):
    """One headless Chromium for the module."""
    with launch_chromium() as browser:
        yield browser


class Browser:
    def __init__(self, hub: Hub, shots: Path, browser):
        self.hub, self.shots, self.count, self.browser = hub, shots, 0, browser

    def shot(self, page, name: str) -> Path:
        self.count += 1
        path = self.shots / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path))
        return path

    def login(self, user: str):
        context = self.browser.new_context(viewport={"width": 1400, "height": 900})
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.goto(f"{self.hub.url}/hub/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", self.hub.password)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(f"**/user/{user}/lab**", timeout=120_000)
        page.wait_for_selector(".jp-LabShell", timeout=120_000)
        page.wait_for_selector(".jp-DirListing", timeout=60_000)
        return page


@pytest.fixture(scope="module")
def browser(hub, shots, chromium_browser):
    return Browser(hub, shots, chromium_browser)


def plain(text: str) -> str:
    return " ".join(text.split())


def open_assignments(page) -> None:
    page.click("text=Nbgrader")
    page.click("text=Assignment List")
    page.wait_for_selector("#fetched_assignments_list, .list_container", timeout=30_000)


def gradebook_scores(course: Path, student: str) -> dict[str, float | None]:
    con = sqlite3.connect(f"file:{course / 'gradebook.db'}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "select base_cell.name, grade.auto_score, grade.manual_score from grade "
            "join base_cell on grade.cell_id = base_cell.id "
            "join submitted_notebook on grade.notebook_id = submitted_notebook.id "
            "join submitted_assignment on submitted_notebook.assignment_id = "
            "submitted_assignment.id where submitted_assignment.student_id = ?",
            (student,),
        ).fetchall()
    finally:
        con.close()
    return {name: manual if manual is not None else auto for name, auto, manual in rows}


def answers_for(student_index: int) -> nbformat.NotebookNode:
    release, source = release_nb(CHAPTER), source_nb(CHAPTER)
    full = fill_answers(release, source)
    if student_index == 0:
        return full
    # the second student: a softmax that overflows on large logits, everything else right
    wrong = MUTANTS["softmax without max subtraction"]
    return with_answers(full, wrong)


def test_a_class_on_jupyterhub(hub, browser, shots):
    # ---------------------------------------------------------------- instructor releases ch01
    release = hub.as_user(
        hub.instructor,
        str(hub.env / "bin" / "nbgrader"),
        "release_assignment",
        CHAPTER,
        role="instructor",
        cwd=hub.course_dir,
    )
    assert release.returncode == 0, release.stdout + release.stderr
    assert (hub.exchange / "transformers-from-scratch" / "outbound" / CHAPTER).is_dir()

    # ---------------------------------------------------------------- students
    for index, student in enumerate(hub.students):
        page = browser.login(student)
        body = page.inner_text("body")
        browser.shot(page, f"{student}-lab")
        open_assignments(page)
        page.wait_for_selector(f"text={CHAPTER}", timeout=30_000)
        browser.shot(page, f"{student}-assignments-released")
        page.click("#released_assignments_list button:has-text('Fetch')")
        page.wait_for_selector(f"#fetched_assignments_list >> text={CHAPTER}", timeout=30_000)
        browser.shot(page, f"{student}-fetched")
        notebook = hub.home(student) / CHAPTER / f"{CHAPTER}.ipynb"
        assert notebook.exists(), "Fetch puts the notebook under the student's Jupyter root"
        # no instructor tools for a student
        page.click("text=Nbgrader")
        menu = plain(page.inner_text(".lm-Menu"))
        page.keyboard.press("Escape")
        assert "Formgrader" not in menu and "Assignment List" in menu, menu
        assert "Create Assignment" not in body

        # the student's answers (typed in a real class; written to the file here)
        nbformat.write(answers_for(index), notebook)
        run(["chown", f"{student}:", str(notebook)])
        page.goto(f"{hub.url}/user/{student}/lab/tree/{CHAPTER}/{CHAPTER}.ipynb")
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_timeout(2000)
        run_all_and_wait(page)
        text = outputs(page)
        assert "✓ passed" in text
        if index == 1:
            failure = page.locator(".jp-OutputArea-output:has-text('Check failed')").first
            failure.scroll_into_view_if_needed()
            browser.shot(page, f"{student}-failure-in-notebook")
            block = failure.text_content()
            assert "expected:" in block and "got:" in block and "hint:" in block, block
            assert "Traceback" not in block and "checks.py" not in block, block
        else:
            assert "Check failed" not in text and "Traceback" not in text
            browser.shot(page, f"{student}-notebook-run")
        page.keyboard.press("Control+s")
        page.wait_for_timeout(1500)
        page.click(VALIDATE)
        dialog = page.wait_for_selector(".jp-Dialog-content", timeout=180_000)
        page.wait_for_timeout(500)
        browser.shot(page, f"{student}-validate")
        verdict = plain(dialog.inner_text())
        if index == 0:
            assert "Success" in verdict or "passed" in verdict.lower(), verdict
        else:
            assert "failed" in verdict.lower() or "Check failed" in verdict, verdict
        page.click(".jp-Dialog button:has-text('OK'), .jp-Dialog .jp-mod-accept")
        open_assignments(page)
        page.click("#fetched_assignments_list button:has-text('Submit')")
        page.wait_for_selector("#submitted_assignments_list >> text=" + CHAPTER, timeout=60_000)
        browser.shot(page, f"{student}-submitted")
        page.context.close()

    # ---------------------------------------------------------------- instructor grades
    grade = hub.as_user(
        hub.instructor,
        str(hub.env / "bin" / "python"),
        "-m",
        "course",
        "grade",
        "ch01",
        "--course-dir",
        str(hub.course_dir),
        "--jobs",
        "2",
        role="instructor",
        cwd=hub.course_dir,
    )
    print(grade.stdout)
    assert grade.returncode == 0, grade.stdout + grade.stderr
    ada, bob = hub.students
    scores = {s: gradebook_scores(hub.course_dir, s) for s in hub.students}
    auto = {s: sum(v or 0 for k, v in scores[s].items() if k.startswith("test_")) for s in scores}
    for student in hub.students:  # what plain execution of the same answers scores
        assert auto[student] == expected_score(answers_for(hub.students.index(student))), student
    assert auto[ada] == 10 and 0 < auto[bob] < 10, scores

    page = browser.login(hub.instructor)
    formgrader = f"{hub.url}/user/{hub.instructor}/formgrader"
    page.goto(f"{formgrader}/gradebook/{CHAPTER}/{CHAPTER}")
    page.wait_for_selector("a[href*='/formgrader/submissions/']", timeout=60_000)
    browser.shot(page, "formgrader-submissions")
    listing = plain(page.inner_text("body"))
    assert listing.count("Submission #") == 2 or ada in listing, listing[:500]
    page.goto(f"{formgrader}/submissions/{submission_id(hub.course_dir, ada)}")
    score = page.locator("input.score#written_1_3_naive_trace")
    score.wait_for(timeout=60_000)
    score.scroll_into_view_if_needed()
    score.fill("1")
    page.locator("textarea#written_1_3_naive_trace-comment").fill("Right: exp(1000) overflows.")
    page.keyboard.press("Tab")
    page.wait_for_timeout(2000)
    score.scroll_into_view_if_needed()
    page.mouse.wheel(0, 250)
    page.wait_for_timeout(500)
    browser.shot(page, "formgrader-written-answer-graded")
    for _ in range(60):  # formgrader saves the score asynchronously: wait for the gradebook
        if gradebook_scores(hub.course_dir, ada)["written_1_3_naive_trace"] == 1:
            break
        score.press("Tab")
        page.wait_for_timeout(1000)
    assert gradebook_scores(hub.course_dir, ada)["written_1_3_naive_trace"] == 1

    page.goto(f"{formgrader}/manage_assignments")
    row = page.locator(f"tr:has-text('{CHAPTER}')")
    row.wait_for(timeout=60_000)
    row.locator(".generate-feedback a").click()
    page.wait_for_selector(".modal-dialog:has-text('Successfully generated')", timeout=180_000)
    browser.shot(page, "formgrader-feedback-generated")
    page.click(".modal-footer button")
    page.wait_for_timeout(1000)
    page.locator(f"tr:has-text('{CHAPTER}') .release-feedback a").click()
    page.wait_for_selector(".modal-dialog:has-text('Successfully released')", timeout=120_000)
    browser.shot(page, "formgrader-feedback-released")
    page.context.close()

    # ---------------------------------------------------------------- students read feedback
    secrets_ = secret_lines(source_nb(CHAPTER).cells, (HIDDEN,), 20)
    assert secrets_
    for student in hub.students:
        page = browser.login(student)
        open_assignments(page)
        page.click("#submitted_assignments_list button:has-text('Fetch Feedback')")
        page.wait_for_selector("#submitted_assignments_list >> text=view feedback", timeout=60_000)
        browser.shot(page, f"{student}-feedback-fetched")
        feedback = sorted((hub.home(student) / CHAPTER / "feedback").rglob(f"{CHAPTER}.html"))
        assert feedback, "the feedback reached the student's folder"
        relative = feedback[-1].relative_to(hub.home(student))
        page.goto(f"{hub.url}/user/{student}/files/{relative}")
        page.wait_for_selector("text=Score", timeout=30_000)
        browser.shot(page, f"{student}-feedback")
        text = page.inner_text("body")
        html = feedback[-1].read_text(encoding="utf-8")
        for line in secrets_:
            assert line not in html, f"hidden test code in {student}'s feedback: {line}"
        assert "BEGIN HIDDEN" not in html
        assert "Traceback (most recent call last)" not in html
        total = auto[student] + (1 if student == ada else 0)  # ada's written answer: 1 point
        assert f"{CHAPTER} (Score: {total:.1f} / 11.0)" in plain(text), plain(text)[:300]
        if student == bob:
            assert "softmax([1000, 1001, 999]): expected only finite numbers" in html
            assert "did you subtract the max before exp?" in html
        page.context.close()


def expected_score(submitted: nbformat.NotebookNode) -> float:
    """The autograded points of ``submitted``'s answers run in-process with the hidden tests."""
    from course.execute import run_in_process
    from tests.nbtools import answer_cells

    answers = {g: c.source for g, c in answer_cells(submitted).items() if c.cell_type == "code"}
    outcomes = run_in_process(source_nb(CHAPTER), ROOT / "source" / CHAPTER, replacements=answers)
    return sum(o.score for o in outcomes)


def submission_id(course: Path, student: str) -> str:
    con = sqlite3.connect(f"file:{course / 'gradebook.db'}?mode=ro", uri=True)
    try:
        (row,) = con.execute(
            "select submitted_notebook.id from submitted_notebook join submitted_assignment on "
            "submitted_notebook.assignment_id = submitted_assignment.id "
            "where submitted_assignment.student_id = ?",
            (student,),
        ).fetchall()
    finally:
        con.close()
    return row[0]


def outputs(page) -> str:
    """Every cell output's text (textContent: cells scrolled out of view have no innerText)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.jp-OutputArea')].map(o => o.textContent).join('\\n')"
    )


@pytest.fixture(scope="module")
def chromium() -> None:
    require_browser()


def test_self_study_lab(chromium_browser, shots):
    """``./course.sh lab``'s JupyterLab (the config folder it puts on JUPYTER_CONFIG_PATH): no
    Assignments panel, Formgrader or Create Assignment, a chapter notebook from my-work/ runs, its
    failing check reads as a short block, and Validate works on it."""
    base = Path(tempfile.mkdtemp(prefix="tfs-lab-"))
    work = base / "my-work"
    shutil.copytree(ROOT / "release" / CHAPTER, work / CHAPTER)
    nbformat.write(answers_for(1), work / CHAPTER / f"{CHAPTER}.ipynb")
    env = dict(os.environ, JUPYTER_CONFIG_PATH=str(ROOT / "deploy" / "self-study"))
    try:
        with jupyter_lab(work, env) as url:
            _self_study_checks(url, chromium_browser, shots)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _self_study_checks(url: str, chromium_browser, shots: Path) -> None:
    """The checks of test_self_study_lab against its running server at ``url``."""
    page = chromium_browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(f"{url}/lab/tree/{CHAPTER}/{CHAPTER}.ipynb")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.wait_for_timeout(2000)
    page.screenshot(path=str(shots / "self-study-notebook.png"))
    menubar = plain(page.inner_text(".lm-MenuBar"))
    assert "Nbgrader" not in menubar, menubar
    assert page.locator(VALIDATE).count() == 1
    run_all_and_wait(page)
    text = outputs(page)
    assert "✓ passed" in text
    failure = page.locator(".jp-OutputArea-output:has-text('Check failed')").first
    failure.scroll_into_view_if_needed()
    path = shots / "self-study-failure-in-notebook.png"
    page.screenshot(path=str(path))
    block = failure.text_content()
    assert "expected:" in block and "got:" in block and "hint:" in block, block
    assert "Traceback" not in block and "checks.py" not in block, block
    page.keyboard.press("Control+s")
    page.wait_for_timeout(1000)
    page.click(VALIDATE)
    dialog = page.wait_for_selector(".jp-Dialog-content", timeout=180_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "self-study-validate.png"))
    verdict = plain(dialog.inner_text())
    assert "403" not in verdict and "Check failed" in verdict, verdict
    page.close()
    for route in ("formgrader", "assignments?course_id=transformers-from-scratch"):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"{url}/{route}", timeout=10)
        assert info.value.code == 404, route  # the server extension is off too
