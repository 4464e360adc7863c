"""`pixora`: create | chat | render | serve | worker | status | providers | eval."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import shutil
import sys
from pathlib import Path

from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pixora.config import ConfigError, Settings, load_settings
from pixora.context.files import atomic_path
from pixora.context.models import Breakdown, TaskContext, VideoVersion
from pixora.context.vocabulary import ASPECT_RATIOS
from pixora.evals.cli import add_eval_parser, run_eval_command
from pixora.providers import MODELS, describe_providers
from pixora.services import Services
from pixora.storage.base import Storage
from pixora.terminal import EventPrinter

console = Console()


class CliError(Exception):
    """A one-line message for the user; exit code 2."""


def _validation_line(err: ValidationError, source: str) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return f"{source}: {where}: {first['msg']}"


def load_breakdown(path: Path) -> Breakdown:
    """Read a breakdown JSON file.

    Raises:
        CliError: unreadable file, bad JSON, or a field that fails validation (named).
    """
    try:
        data = json.loads(path.read_text())
    except OSError as err:
        raise CliError(f"{path}: cannot be read ({err.strerror})") from None
    except json.JSONDecodeError as err:
        raise CliError(f"{path}: not valid JSON (line {err.lineno}: {err.msg})") from None
    try:
        return Breakdown.model_validate(data)
    except ValidationError as err:
        raise CliError(_validation_line(err, str(path))) from None


def _publish(video: Path, out: Path) -> Path:
    """Copy the finished video to `out` atomically (no half-written file at `out`)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as part:
        shutil.copyfile(video, part)
    return out.resolve()


async def render(settings: Settings, breakdown_file: Path, out: Path) -> Path:
    """Render a hand-written breakdown; running this command is its approval.

    The task id is derived from the file's path, so rendering the same file again after an
    edit reuses every scene whose inputs did not change.
    """
    from pixora.pipeline.generate import GenerationRun

    breakdown = load_breakdown(breakdown_file)
    for scene in breakdown.scenes:
        if scene.image and not Path(scene.image).is_absolute():
            scene.image = str((breakdown_file.parent / scene.image).resolve())
    task_id = "r" + hashlib.sha1(str(breakdown_file.resolve()).encode()).hexdigest()[:11]
    svc = Services.open(settings)
    try:
        await _install_breakdown(svc, task_id, breakdown)
        console.print(f"Task [bold]{task_id}[/]: {len(breakdown.scenes)} scenes, "
                      f"{breakdown.total_duration:g} s planned, {breakdown.aspect_ratio}")
        printer = EventPrinter(svc.events, task_id, console)
        await printer.start()
        try:
            video = await GenerationRun(svc, task_id).run()
        except Exception as err:
            raise CliError(f"generation failed: {err}") from None
        finally:
            await printer.stop()
        _print_captions(svc.storage, video)
        _print_references(svc.storage, (await svc.store.load(task_id)).breakdown)
        return _publish(svc.storage.local_path(video.key), out)
    finally:
        await svc.close()


def _print_captions(storage: Storage, video: VideoVersion) -> None:
    """Print where the video version's caption files (SRT, WebVTT) are."""
    for key in (video.srt_key, video.vtt_key):
        if key:
            console.print(f"Captions: {storage.local_path(key).resolve()}", soft_wrap=True,
                          highlight=False)


def _print_references(storage: Storage, breakdown: Breakdown | None) -> None:
    """Print where each character's reference sheet is."""
    for ch in breakdown.characters if breakdown else []:
        if ch.reference_image:
            path = storage.local_path(ch.reference_image).resolve()
            console.print(f"Character {ch.name}: {path}", soft_wrap=True, highlight=False)


async def _install_breakdown(svc: Services, task_id: str, breakdown: Breakdown) -> None:
    """Create the render task, or make `breakdown` its next approved version."""
    if not await svc.store.exists(task_id):
        await svc.store.create(TaskContext(
            task_id=task_id, user_id="cli", title=breakdown.title, breakdown=breakdown,
            approved_version=breakdown.version,
        ))
        return

    def fn(task: TaskContext) -> None:
        current = task.breakdown
        same = {"version": True, "characters": {"__all__": {"reference_image"}}}
        if current is None or current.model_dump(exclude=same) != breakdown.model_dump(
                exclude=same):
            task.set_breakdown(breakdown)
        assert task.breakdown is not None
        task.approved_version = task.breakdown.version

    await svc.store.update(task_id, fn)


async def create(settings: Settings, args: argparse.Namespace) -> Path | None:
    """`pixora create`: the prompt is the user's message to the agents; the flags (duration,
    style, platform, aspect, scenes) are fixed values that win over the model's arguments to
    generate_scene_breakdown_tool."""
    from pixora.studio import Studio

    flags = {"duration": args.duration, "style": args.style, "platform": args.platform,
             "aspect_ratio": args.aspect, "scenes": args.scenes}
    fixed = {k: v for k, v in flags.items() if v is not None}
    studio = await Studio.open(settings)
    try:
        console.print(f"[dim]model: {studio.model_label}[/]")
        task = await studio.create_task(args.user)
        printer = EventPrinter(studio.events, task.task_id, console)
        await printer.start()
        try:
            await studio.chat(task.task_id, args.user, args.prompt, fixed)
            task = await studio.store.load(task.task_id)
            if task.breakdown is None:
                return None
            if not args.yes and not await _confirm("Approve this breakdown and generate?"):
                console.print(f"Not approved. Continue with: pixora chat --task {task.task_id}")
                return None
            await studio.approve(task.task_id, args.user)
            await studio.runs.wait(task.task_id)
        finally:
            await printer.stop()
        task = await studio.store.load(task.task_id)
        if not task.videos:
            raise CliError(task.error or "generation did not finish")
        path = studio.storage.local_path(task.videos[-1].key)
        _print_captions(studio.storage, task.videos[-1])
        _print_references(studio.storage, task.breakdown)
        return _publish(path, args.out) if args.out else path.resolve()
    finally:
        await studio.close()


async def _confirm(question: str) -> bool:
    """Ask a yes/no question without blocking the event loop (no terminal: no)."""
    if not sys.stdin.isatty():
        return False
    answer = await asyncio.to_thread(console.input, escape(f"{question} [y/N] "))
    return answer.strip().lower() in ("y", "yes")


async def chat(settings: Settings, args: argparse.Namespace) -> None:
    from pixora.studio import Studio

    studio = await Studio.open(settings)
    try:
        task = (await studio.get_task(args.task, args.user) if args.task
                else await studio.create_task(args.user))
        console.print(f"Task [bold]{task.task_id}[/] (model {studio.model_label}). "
                      "Type a message; /approve, /status, /quit.")
        printer = EventPrinter(studio.events, task.task_id, console)
        await printer.start()
        try:
            while True:
                line = (await asyncio.to_thread(console.input, "[bold cyan]you>[/] ")).strip()
                if line in ("/quit", "/exit"):
                    break
                if not line:
                    continue
                printer.approval.clear()
                if line == "/approve":
                    await studio.approve(task.task_id, args.user)
                elif line == "/status":
                    await studio.chat(task.task_id, args.user, "status")
                else:
                    await studio.chat(task.task_id, args.user, line)
                await asyncio.sleep(0.1)
                if printer.approval.is_set() and await _confirm("Approve and generate?"):
                    await studio.approve(task.task_id, args.user)
                if await studio.runs.is_running(task.task_id):
                    await studio.runs.wait(task.task_id)
                    done = await studio.store.load(task.task_id)
                    if done.videos:
                        video = studio.storage.local_path(done.videos[-1].key)
                        console.print(f"Video: {video}", soft_wrap=True, highlight=False)
        finally:
            await printer.stop()
    finally:
        await studio.close()


async def worker(settings: Settings, concurrency: int | None) -> None:
    """`pixora worker`: run generation jobs from the queue until SIGINT/SIGTERM (running jobs
    then go back on the queue for another worker)."""
    import logging

    from pixora.pipeline.queue import QueueWorker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    svc = Services.open(settings)
    try:
        w = QueueWorker(svc, concurrency=concurrency, handle_signals=True)
        console.print(f"worker {w.id}: {w.concurrency} jobs at once, "
                      f"a dead worker's job is re-run within {settings.job_recovery_s:g} s")
        await w.run()
    finally:
        await svc.close()


async def queue_status(settings: Settings) -> dict:
    """`pixora status`: queue depth, live workers, jobs in progress."""
    from pixora.pipeline.queue import JobQueue

    svc = Services.open(settings)
    queue = JobQueue(svc)
    try:
        return await queue.stats()
    finally:
        await queue.close()
        await svc.close()


def print_status(stats: dict, console: Console) -> None:
    console.print(f"queue depth: {stats['queue_depth']}   jobs in progress: "
                  f"{stats['jobs_in_progress']}   live workers: {stats['workers']}")
    if stats["worker_details"]:
        table = Table(title="Workers")
        for column in ("id", "concurrency", "running", "complete", "failed", "retried",
                       "steps (task v-version step)"):
            table.add_column(column)
        for w in stats["worker_details"]:
            steps = "\n".join(" ".join(j.split(":", 3)[1:]) for j in w.get("jobs", []))
            table.add_row(w["id"], str(w["concurrency"]), str(w["running"]),
                          str(w["complete"]), str(w["failed"]), str(w["retried"]), steps)
        console.print(table)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pixora", description="Conversational video studio.")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("create", help="make a video from a prompt")
    c.add_argument("prompt")
    c.add_argument("--duration", type=int, help="seconds")
    c.add_argument("--style")
    c.add_argument("--scenes", type=int, help="exact number of scenes")
    g = c.add_mutually_exclusive_group()
    g.add_argument("--platform", choices=["youtube", "tiktok", "reels", "shorts", "instagram"])
    g.add_argument("--aspect", choices=ASPECT_RATIOS)
    c.add_argument("--yes", action="store_true", help="approve the breakdown without asking")
    c.add_argument("-o", "--out", type=Path, help="copy the MP4 here")
    c.add_argument("--user", default="cli")

    ch = sub.add_parser("chat", help="an interactive conversation on a task")
    ch.add_argument("--task")
    ch.add_argument("--user", default="cli")

    r = sub.add_parser("render", help="render a breakdown JSON file to an MP4")
    r.add_argument("breakdown", type=Path)
    r.add_argument("-o", "--out", type=Path, required=True)

    s = sub.add_parser("serve", help="run the web server")
    s.add_argument("--host")
    s.add_argument("--port", type=int)

    w = sub.add_parser("worker", help="run generation jobs from the queue")
    w.add_argument("--concurrency", type=int, help="jobs at once (PIXORA_WORKER_CONCURRENCY)")

    st = sub.add_parser("status", help="queue depth, live workers, jobs in progress")
    st.add_argument("--json", action="store_true")

    sub.add_parser("providers", help="show which media provider serves each capability")
    add_eval_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "render":
            path = asyncio.run(render(settings, args.breakdown, args.out))
            console.print(str(path), soft_wrap=True, highlight=False)
        elif args.command == "create":
            made = asyncio.run(create(settings, args))
            if made:
                console.print(str(made), soft_wrap=True, highlight=False)
        elif args.command == "chat":
            asyncio.run(chat(settings, args))
        elif args.command == "serve":
            from pixora.server.app import run_server

            run_server(settings, args.host, args.port)
        elif args.command == "worker":
            asyncio.run(worker(settings, args.concurrency))
        elif args.command == "status":
            stats = asyncio.run(queue_status(settings))
            if args.json:
                print(json.dumps(stats))
            else:
                print_status(stats, console)
        elif args.command == "eval":
            return run_eval_command(settings, args, console)
        elif args.command == "providers":
            print_providers(settings, console)
    except (CliError, ConfigError) as err:
        console.print(f"[red]error:[/] {err}", highlight=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def print_providers(settings: Settings, console: Console) -> None:
    """Print the provider table (`pixora providers`): capability, provider, model, reason."""
    table = Table(title="Media providers")
    for column in ("capability", "provider", "model", "why"):
        table.add_column(column)
    for info in describe_providers(settings):
        model = MODELS.get((info.capability, info.provider), "")
        table.add_row(info.capability, info.provider, escape(model), escape(info.reason))
    console.print(table)


if __name__ == "__main__":
    sys.exit(main())
