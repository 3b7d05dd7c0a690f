"""Live progress of a training run: a progress bar (step, loss, time left) and the loss curve
redrawn in place while the run goes on.

Nothing here writes to stderr (nbgrader scores a test cell that writes to stderr 0, and tqdm's
default stream is stderr): the bar goes to stdout, or is a notebook widget. Where no notebook front
end can show widgets (a terminal, the grader's worker process, which captures stdout), it falls
back to a plain text bar on stdout that redraws at most every ``min_interval`` seconds, and no
plot.
"""

from __future__ import annotations

import sys
import time
import warnings
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from course.plots.training import loss_curves_plot


def in_notebook() -> bool:
    """True inside a Jupyter kernel whose front end can show widgets (ipywidgets installed)."""
    shell = sys.modules.get("IPython")
    try:
        ip = shell.get_ipython() if shell is not None else None
        if ip is None or "IPKernelApp" not in ip.config:
            return False
        import ipywidgets  # noqa: F401
    except Exception:
        return False
    return True


class LiveTraining:
    """Progress of ``total`` training steps.

    ``update(step, loss)`` after a step (or every few steps) moves the bar to ``step`` and shows
    the loss; ``val_loss`` adds a point to the live validation curve. ``close()`` ends it (also
    on ``with LiveTraining(...) as live:``). ``floor`` draws the entropy floor on the curve.
    """

    def __init__(
        self,
        total: int,
        floor: float | None = None,
        title: str = "Training",
        plot: bool | None = None,
        min_interval: float = 1.0,
        plot_interval: float = 2.0,
    ):
        if total < 1:
            raise ValueError(f"LiveTraining: total must be a positive number of steps, not {total}")
        self.total, self.floor, self.title = int(total), floor, title
        self.notebook = in_notebook()
        self.plot = self.notebook if plot is None else plot and self.notebook
        self.plot_interval = plot_interval
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.val_steps: list[int] = []
        self.val_losses: list[float] = []
        self.step = 0
        self._last_plot = 0.0
        self._handle: Any = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.notebook:
                from tqdm.notebook import tqdm
            else:
                from tqdm import tqdm
        options: dict[str, Any] = {"total": self.total, "desc": "training", "unit": "step"}
        if not self.notebook:
            options.update(file=sys.stdout, mininterval=min_interval, ascii=True, ncols=100)
        self.bar = tqdm(**options)

    def update(self, step: int, loss: float | None = None, val_loss: float | None = None) -> None:
        """Move to ``step`` (1-based count of steps done); record the losses given."""
        step = int(step)
        if loss is not None:
            self.steps.append(step)
            self.losses.append(float(loss))
        if val_loss is not None:
            self.val_steps.append(step)
            self.val_losses.append(float(val_loss))
        shown = {}
        if self.losses:
            shown["loss"] = f"{self.losses[-1]:.4f}"
        if self.val_losses:
            shown["val"] = f"{self.val_losses[-1]:.4f}"
        if shown:
            self.bar.set_postfix(shown, refresh=False)
        self.bar.update(max(0, step - self.step))
        self.step = max(self.step, step)
        now = time.perf_counter()
        if self.plot and (now - self._last_plot >= self.plot_interval or step >= self.total):
            self._draw()
            self._last_plot = now

    def figure(self) -> Figure:
        """The loss curve so far (a new figure, closed in pyplot so it is not shown twice)."""
        fig = loss_curves_plot(
            self.steps, self.losses, self.val_steps, self.val_losses, floor=self.floor,
            title=self.title,
        )  # fmt: skip
        plt.close(fig)
        return fig

    def _draw(self) -> None:
        from IPython.display import display

        fig = self.figure()
        if self._handle is None:
            self._handle = display(fig, display_id=True)
        else:
            self._handle.update(fig)

    def close(self) -> None:
        if self.plot and self.step:
            self._draw()
        self.bar.close()

    def __enter__(self) -> LiveTraining:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
