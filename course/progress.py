"""The student's local progress log: which exercises pass, since when, and the day streak."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from course.execute import ExerciseResult


def log_path() -> Path:
    env = os.environ.get("COURSE_PROGRESS_FILE")
    if env:
        return Path(env)
    return Path.home() / ".transformers-from-scratch" / "progress.json"


def load_log(path: Path | None = None) -> dict:
    path = path or log_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"passed": {}, "notebooks": {}}
    data.setdefault("passed", {})
    data.setdefault("notebooks", {})
    return data


def save_log(data: dict, path: Path | None = None) -> None:
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def notebook_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record(
    data: dict, notebook: Path, results: list[ExerciseResult], today: dt.date | None = None
) -> list[str]:
    """Store a notebook's results; returns the exercises that pass for the first time."""
    today = today or dt.date.today()
    statuses = {r.exercise: r.status for r in results}
    data["notebooks"][str(notebook.resolve())] = {
        "hash": notebook_hash(notebook),
        "results": statuses,
    }
    new = []
    for exercise, status in statuses.items():
        if status == "passed" and exercise not in data["passed"]:
            data["passed"][exercise] = today.isoformat()
            new.append(exercise)
    return new


def cached_results(data: dict, notebook: Path) -> dict[str, str] | None:
    entry = data["notebooks"].get(str(notebook.resolve()))
    if entry and entry.get("hash") == notebook_hash(notebook):
        return entry["results"]
    return None


def streak(data: dict, today: dt.date | None = None) -> int:
    """Consecutive days, ending today (or yesterday, if nothing passed yet today), with at least
    one newly passed exercise."""
    today = today or dt.date.today()
    days = {dt.date.fromisoformat(d) for d in data["passed"].values()}
    day = today if today in days else today - dt.timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= dt.timedelta(days=1)
    return count


def best_streak(data: dict) -> int:
    """The longest run of consecutive days, ever, with at least one newly passed exercise (never
    less than the current streak, which is one of those runs)."""
    days = sorted({dt.date.fromisoformat(d) for d in data["passed"].values()})
    best = run = 0
    previous: dt.date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == dt.timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    return best


def streak_line(data: dict, today: dt.date | None = None) -> str:
    """``Day streak 3, best 7``: the current streak and the longest one."""
    return f"Day streak {streak(data, today)}, best {best_streak(data)}"
