"""A figure with sliders: drag a slider and the figure is drawn again with the new value.

``interactive_figure(draw, name=Slider(...), ...)`` calls ``draw(name=value, ...)`` (a function
that returns a matplotlib ``Figure``, normally one of ``course.plots``) with each slider's value,
and shows the sliders above the figure's image. A notebook cell ends with the call::

    interactive_figure(
        lambda temperature: softmax_bars_plot(...),
        temperature=Slider(0.05, 20, value=1.0, log=True, label="temperature T"),
    )

Where it can run, and what each place shows:

* in a Jupyter kernel (JupyterLab, nbval, ``jupyter nbconvert --execute``) it returns an
  ipywidgets box whose display bundle carries the live widget *and* a PNG of the figure at the
  sliders' starting values. A front end that renders widgets (JupyterLab) shows the sliders; one
  that cannot (exported HTML without widget state, nbval's comparison, GitHub) shows the PNG, never
  the ``VBox(...)`` text;
* anywhere else (a plain Python process, such as the grading worker that runs a submission's cells
  while it is graded) nothing is drawn and ``None`` is returned: no test uses these figures, so the
  cell costs nothing there, writes nothing to stderr and cannot fail on a student's unfinished
  function.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from course.plots.live import in_notebook


@dataclass(frozen=True)
class Slider:
    """One slider: its range ``[min, max]``, ``step`` and starting ``value``.

    Integer ``min``, ``max``, ``step`` and ``value`` make an integer slider. ``log=True`` moves on a
    logarithmic scale (for temperatures, learning rates): ``step`` is then a step of log10 of the
    value, e.g. 0.05 is about 12% per step. ``label`` is the text before the slider (default: the
    keyword's name); ``readout`` the format of the number shown beside it (default ``.3g``; e.g.
    ``.1e`` for small learning rates).
    """

    min: float
    max: float
    value: float
    step: float | None = None
    log: bool = False
    label: str | None = None
    readout: str = ".3g"

    def __post_init__(self) -> None:
        if not self.min < self.max:
            raise ValueError(f"Slider: min ({self.min}) must be below max ({self.max})")
        if not self.min <= self.value <= self.max:
            raise ValueError(
                f"Slider: the starting value {self.value} lies outside [{self.min}, {self.max}]"
            )
        if self.log and self.min <= 0:
            raise ValueError(f"Slider: a log slider needs min > 0, got {self.min}")
        if self.step is not None and self.step <= 0:
            raise ValueError(f"Slider: step must be positive, got {self.step}")

    @property
    def integer(self) -> bool:
        numbers = (self.min, self.max, self.value, 1 if self.step is None else self.step)
        return not self.log and all(isinstance(n, int) for n in numbers)

    def widget(self, name: str) -> Any:
        """The ipywidgets slider (imported here: a process without a kernel never needs it)."""
        import ipywidgets as widgets

        common: dict[str, Any] = {
            "description": self.label or name,
            "continuous_update": False,  # draw when the slider is let go (a draw takes ~0.2 s)
            "style": {"description_width": "initial"},
            "layout": widgets.Layout(width="460px"),
        }
        if self.integer:
            step = 1 if self.step is None else int(self.step)
            return widgets.IntSlider(self.value, self.min, self.max, step, **common)
        if self.log:
            lo, hi = math.log10(self.min), math.log10(self.max)
            step = (hi - lo) / 100 if self.step is None else self.step
            return widgets.FloatLogSlider(
                value=self.value,
                base=10,
                min=lo,
                max=hi,
                step=step,
                readout_format=self.readout,
                **common,
            )
        step = (self.max - self.min) / 100 if self.step is None else self.step
        return widgets.FloatSlider(
            value=self.value,
            min=self.min,
            max=self.max,
            step=step,
            readout_format=self.readout,
            **common,
        )


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes; the figure is closed (so a notebook does not show it again)."""
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", bbox_inches="tight")
    finally:
        plt.close(fig)
    return buffer.getvalue()


def interactive_figure(
    draw: Callable[..., Figure], *, widget: bool | None = None, **sliders: Slider
) -> Any:
    """Sliders that redraw ``draw(**values)``; see the module docstring for where it shows what.

    ``widget`` forces the choice (``None``: a widget exactly when running in a Jupyter kernel).
    Returns the widget (display it, or end the cell with it), or ``None`` without one.
    """
    if not sliders:
        raise ValueError("interactive_figure needs at least one slider, e.g. T=Slider(0.1, 10, 1)")
    for name, slider in sliders.items():
        if not isinstance(slider, Slider):
            raise TypeError(f"{name}= must be a course.plots.interactive.Slider, got {slider!r}")
    if not (in_notebook() if widget is None else widget):
        return None
    return _widget_class()(draw, sliders)


@functools.cache
def _widget_class() -> type:
    import ipywidgets as widgets

    class InteractiveFigure(widgets.VBox):
        """Sliders, the figure's image, and a line for an error raised while redrawing."""

        def __init__(self, draw: Callable[..., Figure], sliders: dict[str, Slider]):
            self.draw = draw
            self.sliders = {name: spec.widget(name) for name, spec in sliders.items()}
            self.image = widgets.Image(value=figure_png(draw(**self.values())), format="png")
            self.error = widgets.HTML("")
            super().__init__([*self.sliders.values(), self.image, self.error])
            for slider in self.sliders.values():
                slider.observe(self.redraw, names="value")

        def values(self) -> dict[str, Any]:
            return {name: slider.value for name, slider in self.sliders.items()}

        def redraw(self, change: Any = None) -> None:
            """Draw the figure for the sliders' current values (an error is shown under it)."""
            try:
                self.image.value = figure_png(self.draw(**self.values()))
                self.error.value = ""
            except Exception as exc:  # noqa: BLE001 - shown to the student instead of lost
                message = f"{type(exc).__name__}: {exc}"
                self.error.value = (
                    f"<pre style='color: #b00'>Could not redraw: {html.escape(message)}</pre>"
                )

        def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
            data = super()._repr_mimebundle_(**kwargs) or {}
            names = ", ".join(self.sliders)
            data["text/plain"] = f"<interactive figure with sliders: {names}>"
            data["image/png"] = base64.b64encode(self.image.value).decode("ascii")
            return data

    return InteractiveFigure
