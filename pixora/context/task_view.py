"""What every agent is told about its task: the TaskContext as JSON, after `TASK_HEADING` at
the end of its instructions.

JSON, not prose, so that a model reads the breakdown's exact current values (it edits them
verbatim) and the offline director reads the same document with `json.loads`.
"""

from __future__ import annotations

import json
from typing import Any

from pixora.context.models import TaskContext

TASK_HEADING = "## Task now (JSON)"


def task_view(task: TaskContext) -> dict[str, Any]:
    """Stage, whether the current breakdown version is approved, the whole breakdown (null
    before one is written; durations in seconds, scene indices from 1), finished videos,
    progress while generating, and the last error."""
    return {
        "stage": task.stage.value,
        "approved": task.is_approved,
        "breakdown": task.breakdown.model_dump(mode="json") if task.breakdown else None,
        "videos": [{"version": v.version, "duration_s": v.duration_s} for v in task.videos],
        "progress": task.progress.model_dump(mode="json", include={"percent", "message"})
        if task.stage == "generating" else None,
        "error": task.error,
    }


def task_instructions(body: str, task: TaskContext) -> str:
    """An agent's instructions: its prompt `body`, then `TASK_HEADING` and the task's JSON."""
    return f"{body}\n\n{TASK_HEADING}\n{json.dumps(task_view(task), ensure_ascii=False)}"


def read_task_view(instructions: str | None) -> dict[str, Any]:
    """The task JSON that `task_instructions` put in `instructions` ({} without one)."""
    _, heading, text = (instructions or "").rpartition(f"{TASK_HEADING}\n")
    return json.loads(text) if heading else {}
