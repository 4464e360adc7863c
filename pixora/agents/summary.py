"""A short, model-facing summary of a TaskContext (put in front of every agent's instructions)."""

from __future__ import annotations

from pixora.context.models import TaskContext


def task_summary(task: TaskContext) -> str:
    """Stage, breakdown version and approval, scenes (one line each), videos and progress."""
    lines = [f"stage: {task.stage}"]
    bd = task.breakdown
    if bd is None:
        lines.append("breakdown: none yet")
    else:
        approval = "approved" if task.is_approved else "NOT approved"
        lines.append(
            f"breakdown: version {bd.version} ({approval}), {len(bd.scenes)} scenes, "
            f"{bd.total_duration:g} s, {bd.aspect_ratio}, style {bd.style}, "
            f"voice {bd.voice.tone} x{bd.voice.speed:g}, music "
            + ", ".join(f"{m.mood}/{m.genre}" for m in bd.music)
        )
        for s in bd.scenes:
            lines.append(f"  scene {s.index} ({s.duration:g} s): {s.script[:90]}")
        if bd.characters:
            lines.append("characters: " + ", ".join(f"{c.id} ({c.name})" for c in bd.characters))
    if task.videos:
        v = task.videos[-1]
        lines.append(f"videos: {len(task.videos)}; latest v{v.version}, {v.duration_s:g} s")
    if task.stage == "generating":
        lines.append(f"progress: {task.progress.percent:g}% {task.progress.message}")
    if task.error:
        lines.append(f"last error: {task.error}")
    return "\n".join(lines)
