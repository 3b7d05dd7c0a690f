"""Plots for the course: one seaborn theme, one module per topic.

Every plot function takes the data it draws and returns the matplotlib ``Figure`` (tests inspect
the figure's artists). Chapter notebooks import from the topic module, e.g.
``from course.plots.softmax import temperature_plot``.
"""

from course.plots.theme import PALETTE, new_figure, use_theme

__all__ = ["PALETTE", "new_figure", "use_theme"]
