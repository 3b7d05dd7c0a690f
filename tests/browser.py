"""What the browser tests share: the system Chromium, free ports, and a plain JupyterLab server.

Playwright drives ``/usr/bin/chromium`` (``$COURSE_CHROMIUM``; Playwright's own browser download is
not used). Without it (or without the ``browser`` extra) the tests skip with the reason, unless
``COURSE_BROWSER_TESTS=required`` (CI), where a missing piece fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("COURSE_BROWSER_TESTS") == "required"


def missing_browser() -> str:
    """Why this machine cannot drive a browser ('' if it can)."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[browser]')"
    return ""


def require_browser() -> None:
    """Skip (or fail, under COURSE_BROWSER_TESTS=required) without a browser."""
    reason = missing_browser()
    if reason and REQUIRED:
        pytest.fail(f"COURSE_BROWSER_TESTS=required but {reason}")
    if reason:
        pytest.skip(reason)


@contextmanager
def launch_chromium() -> Iterator:
    """One headless Chromium (Playwright's sync API allows one per thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    """A loopback port with the two after it free too (hub API and proxy API)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port > 60000:
            continue
        ok = True
        for offset in (1, 2):
            with socket.socket() as other:
                try:
                    other.bind(("127.0.0.1", port + offset))
                except OSError:
                    ok = False
        if ok:
            return port
    raise RuntimeError("no free loopback port")


@contextmanager
def jupyter_lab(folder: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """A JupyterLab server on 127.0.0.1 serving ``folder`` (no token: loopback only, for a
    test's lifetime); yields its URL once it answers, and stops it (its whole process group)."""
    port = free_port()
    log = open(folder.parent / f"lab-{port}.log", "w")  # noqa: SIM115
    lab = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
            f"--notebook-dir={folder}", "--ip=127.0.0.1", f"--port={port}",
            "--IdentityProvider.token=", "--ServerApp.password=",
        ],
        cwd=ROOT, env=env or dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or lab.poll() is not None:
                    log.flush()
                    text = (folder.parent / f"lab-{port}.log").read_text()[-2000:]
                    raise RuntimeError(f"JupyterLab did not start:\n{text}") from None
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(lab.pid, 15)
        lab.wait(30)
        log.close()


def run_all_and_wait(page) -> None:
    """Run > Run All Cells, then wait until the run is over: it starts at the first code cell and
    ends when no cell is running or queued (JupyterLab stops at the first cell that fails)."""
    page.click("li.lm-MenuBar-item:has-text('Run')")
    page.click(".lm-Menu-item:has-text('Run All Cells')")
    prompts = "[...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]"
    page.wait_for_function(
        f"() => {{ const p = {prompts}; "
        "return p.length > 0 && /\\[\\d+\\]/.test(p[0].textContent); }",
        timeout=180_000,
    )
    page.wait_for_function(
        f"() => !{prompts}.some(x => x.textContent.includes('*'))", timeout=180_000
    )
    page.wait_for_timeout(1000)
