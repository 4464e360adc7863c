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
  `pixora:task:{id}:jobs`        set, the queue job ids enqueued for the task
  `pixora:task:{id}:progress`     string, the latest Progress as JSON (ticks do not rewrite
                                  the whole TaskContext; `TaskStore.load` overlays it)
  `pixora:task:{id}:progress_lock`  lock held while one process reports progress (keeps the
                                  percent, and the events that carry it, from going back)
  `pixora:task:{id}:assets`       hash, asset name -> Asset JSON, one field written per asset
                                  (`TaskStore.record_asset`; reads overlay it)
  `pixora:task:{id}:costs`        list of Cost JSON, appended with the asset that cost it
Per user `{user}`:
  `pixora:user:{user}:tasks`      sorted set of task ids by creation time
Generation queue (`pixora.pipeline.queue`; arq's own keys are `arq:job:*`, `arq:in-progress:*`,
`arq:retry:*`, `arq:abort`):
  `pixora:queue`                  arq's queue, a sorted set of job ids
  `pixora:generating`             set of task ids that have (or had) a queued job
  `pixora:workers`                sorted set of worker ids by last heartbeat (unix s)
  `pixora:worker:{id}`            string, the worker's status JSON (expires)
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


def task_jobs(task_id: str) -> str:
    return f"{task(task_id)}:jobs"


def task_progress(task_id: str) -> str:
    return f"{task(task_id)}:progress"


def task_progress_lock(task_id: str) -> str:
    return f"{task(task_id)}:progress_lock"


def task_assets(task_id: str) -> str:
    return f"{task(task_id)}:assets"


def task_costs(task_id: str) -> str:
    return f"{task(task_id)}:costs"


QUEUE = "pixora:queue"
GENERATING = "pixora:generating"
WORKERS = "pixora:workers"


def worker(worker_id: str) -> str:
    return f"pixora:worker:{worker_id}"
