"""The chapters' slider widgets in a real JupyterLab, driven in headless Chromium.

One JupyterLab server serves copies of the six release notebooks that have widgets, with the
reference answers typed in (a student who has done the exercises). For each notebook one page runs
all cells; then every widget must show its sliders and its figure, and moving each slider one step
with the keyboard must change the figure's image bytes. Screenshots of every widget before and
after go to ``$COURSE_ARTIFACTS/widgets`` (default ``artifacts/widgets/``, gitignored).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

from tests.browser import jupyter_lab, launch_chromium, require_browser, run_all_and_wait
from tests.conftest import ROOT, release_nb, source_nb
from tests.nbtools import fill_answers

# chapter -> the slider labels of its widgets, in notebook order
WIDGETS = {
    "ch01_softmax": [["temperature T"]],
    "ch03_attention": [["score of a match"]],
    "ch05_positions": [["position m"], ["positions", "d_model"]],
    "ch07_loss_and_backprop": [["p(target)"]],
    "ch08_optimizers": [["warm-up steps", "min_lr"]],
    "ch10_sampling": [["temperature T", "top-k", "top-p"]],
}
BOX = ".jp-OutputArea-output .widget-vbox:has(> .widget-image)"
# a digest of the bytes the <img> shows (the blob its src points to)
IMAGE_DIGEST = """async img => {
    const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    let h = 7;
    for (const b of bytes) h = (Math.imul(h, 31) + b) >>> 0;
    return `${bytes.length}:${h}`;
}"""

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def lab():
    require_browser()
    base = Path(tempfile.mkdtemp(prefix="tfs-widgets-"))
    work = base / "work"
    for chapter in WIDGETS:
        shutil.copytree(ROOT / "release" / chapter, work / chapter)
        filled = fill_answers(release_nb(chapter), source_nb(chapter))
        nbformat.write(filled, work / chapter / f"{chapter}.ipynb")
    try:
        with jupyter_lab(work) as url, launch_chromium() as browser:
            yield url, browser
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(os.environ.get("COURSE_ARTIFACTS") or ROOT / "artifacts") / "widgets"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"\nscreenshots: {folder}")
    return folder


def image_digest(box) -> str:
    image = box.locator("img.widget-image")
    image.wait_for()
    return image.evaluate(IMAGE_DIGEST)


def wait_for_new_image(box, old: str) -> str:
    """The image digest once it differs from ``old`` (the kernel redraws, then the img updates)."""
    page = box.page
    for _ in range(120):
        new = image_digest(box)
        if new != old:
            return new
        page.wait_for_timeout(250)
    return old


@pytest.mark.parametrize("chapter", list(WIDGETS))
def test_widgets_render_and_redraw(lab, shots, chapter):
    url, browser = lab
    page = browser.new_page(viewport={"width": 1300, "height": 950})
    page.set_default_timeout(60_000)
    try:
        # ?reset: a fresh workspace, so the notebooks of earlier tests do not reopen
        page.goto(f"{url}/lab/tree/{chapter}/{chapter}.ipynb?reset")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        wait_for_kernel(page, f"{chapter}/{chapter}.ipynb")
        run_all_and_wait(page)
        decline_news = page.get_by_role("button", name="No", exact=True)
        if decline_news.count():  # JupyterLab's "get notified about news?" covers the outputs
            decline_news.first.click()
        boxes = page.locator(BOX)
        expected = WIDGETS[chapter]
        page.wait_for_function(
            f"() => document.querySelectorAll({BOX!r}).length >= {len(expected)}", timeout=60_000
        )
        assert boxes.count() == len(expected), f"{chapter}: {boxes.count()} widgets"
        for index, labels in enumerate(expected):
            box = boxes.nth(index)
            box.scroll_into_view_if_needed()
            sliders = box.locator(".widget-slider")
            shown = [
                sliders.nth(i).locator("label").text_content().strip()
                for i in range(sliders.count())
            ]
            assert shown == labels, f"{chapter} widget {index}: sliders {shown}"
            before = image_digest(box)
            box.screenshot(path=str(shots / f"{chapter}-{index}-start.png"))
            for i in range(sliders.count()):
                slider = sliders.nth(i)
                readout = slider.locator(".widget-readout").text_content()
                handle = slider.locator(".noUi-handle")
                handle.focus()
                # down from the top of the range, up from anywhere else
                key = "ArrowLeft" if _at_max(slider) else "ArrowRight"
                page.keyboard.press(key)  # one step
                after = wait_for_new_image(box, before)
                moved = slider.locator(".widget-readout").text_content()
                assert moved != readout, f"{chapter} widget {index}: {labels[i]} did not move"
                assert after != before, (
                    f"{chapter} widget {index}: moving {labels[i]} from {readout} to {moved} "
                    "did not change the figure"
                )
                before = after
                error = box.locator(".widget-html").text_content()
                assert not error.strip(), f"{chapter} widget {index}: {error}"
            box.screenshot(path=str(shots / f"{chapter}-{index}-moved.png"))
    except Exception:
        page.screenshot(path=str(shots / f"{chapter}-failure.png"), full_page=True)
        raise
    finally:
        shut_down_kernels(page)
        page.close()


def wait_for_kernel(page, path: str) -> None:
    """Until the notebook's kernel has started and is idle (Run All before that runs nothing);
    accepts the kernel choice if JupyterLab asks for one."""
    choose_kernel = page.locator(".jp-Dialog:has-text('Select Kernel') .jp-mod-accept")
    for _ in range(240):
        if choose_kernel.count():
            choose_kernel.first.click()
        ready = page.evaluate(
            """async path => {
                const sessions = await (await fetch("/api/sessions")).json();
                return sessions.some(s => s.path === path && s.kernel
                                     && s.kernel.execution_state === "idle");
            }""",
            path,
        )
        if ready:
            page.wait_for_timeout(1000)
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"the kernel of {path} did not start within two minutes")


def shut_down_kernels(page) -> None:
    """End every kernel of the server (one notebook's kernel must not slow down the next)."""
    page.evaluate(
        """async () => {
            const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || "";
            const kernels = await (await fetch("/api/kernels")).json();
            for (const k of kernels) {
                await fetch(`/api/kernels/${k.id}`, {method: "DELETE",
                    headers: {"X-XSRFToken": decodeURIComponent(xsrf)}});
            }
        }"""
    )


def _at_max(slider) -> bool:
    handle = slider.locator(".noUi-handle")
    return handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
