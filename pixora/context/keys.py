"""Every Redis key Pixora uses, in one place. The strings are stored data: changing one
orphans what is stored under the old one.

Per task `{id}`:
  `pixora:task:{id}`              string, the TaskContext as JSON
  `pixora:task:{id}:events`       stream, the task's events (entry ids `N-0`)
  `pixora:task:{id}:event_seq`    string, the last event id given out
  `pixora:task:{id}:turn`         lock held while an agent turn runs
  `pixora:task:{id}:pending_run`  string, a run paused at the approval gate (SDK RunState)
  `pixora:session:{id}:...`       the SDK's RedisSession (conversation items), under
                                  `SESSION_PREFIX`
Per user `{user}`:
  `pixora:user:{user}:tasks`      sorted set of task ids by creation time
"""

from __future__ import annotations

SESSION_PREFIX = "pixora:session"
"""`key_prefix` of the SDK's RedisSession; it adds `:{task_id}:messages` and the like."""


def task(task_id: str) -> str:
    return f"pixora:task:{task_id}"


def task_events(task_id: str) -> str:
    return f"{task(task_id)}:events"


def task_event_seq(task_id: str) -> str:
    return f"{task(task_id)}:event_seq"


def task_turn(task_id: str) -> str:
    return f"{task(task_id)}:turn"


def task_pending_run(task_id: str) -> str:
    return f"{task(task_id)}:pending_run"


def user_tasks(user_id: str) -> str:
    return f"pixora:user:{user_id}:tasks"
