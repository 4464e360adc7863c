import asyncio
import json
import random
import re

import pytest

from pixora.context import Breakdown, EventStream, Scene, Stage, TaskContext, TaskStore, keys
from pixora.context import events as ev
from pixora.context.events import MAX_DEPTH, Payload, UnsendableEvent
from pixora.context.models import Asset, Cost, Progress
from pixora.context.store import TaskNotFound


def _breakdown(n: int = 3) -> Breakdown:
    return Breakdown(
        title="Test",
        scenes=[
            Scene(index=i, script=f"Line {i}.", visual_prompt=f"Picture {i}", duration=4.0)
            for i in range(1, n + 1)
        ],
    )


async def test_round_trip_reads_back_from_redis(redis):
    store = TaskStore(redis)
    ctx = TaskContext(user_id="ada", breakdown=_breakdown())
    await store.create(ctx)
    raw = await redis.get(keys.task(ctx.task_id))
    assert keys.task(ctx.task_id) == f"pixora:task:{ctx.task_id}"
    assert '"user_id":"ada"' in raw
    loaded = await store.load(ctx.task_id)
    assert loaded == ctx
    assert await store.page_for_user("ada", 10) == ([ctx], None)
    assert await store.page_for_user("bob", 10) == ([], None)


async def test_fifty_concurrent_updates_all_land(redis):
    store = TaskStore(redis)
    ctx = await store.create(TaskContext(user_id="ada"))

    async def add(i: int) -> None:
        def fn(c: TaskContext) -> None:
            c.title += f"[{i}]"

        await store.update(ctx.task_id, fn)

    await asyncio.gather(*(add(i) for i in range(50)))
    final = await store.load(ctx.task_id)
    assert sorted(re.findall(r"\[(\d+)\]", final.title), key=int) == [str(i) for i in range(50)]
    assert final.revision == 50


@pytest.mark.parametrize("seed", range(5))
async def test_asset_records_never_conflict_and_costs_add_up(redis, seed):
    """Parallel steps record their assets and costs without touching the document: all land,
    the revision does not move, and a concurrent document update loses none of them."""
    rng = random.Random(seed)
    costs = [rng.choice([0.0, round(rng.uniform(0, 5), 3)]) for _ in range(rng.randint(1, 40))]
    store = TaskStore(redis)
    ctx = await store.create(TaskContext(user_id="ada"))

    async def made(i: int, usd: float) -> None:
        asset = Asset(key=f"k/{i}", kind="image", inputs_hash=str(i), cost_usd=usd)
        await store.record_asset(ctx.task_id, f"a{i}", asset,
                                 Cost(provider="p", what=f"a{i}", usd=usd) if usd else None)

    def rename(c: TaskContext) -> None:
        c.title = "renamed"

    await asyncio.gather(*(made(i, usd) for i, usd in enumerate(costs)),
                         store.update(ctx.task_id, rename))
    final = await store.load(ctx.task_id)
    assert sorted(final.assets) == sorted(f"a{i}" for i in range(len(costs)))
    assert final.total_cost_usd == round(sum(c for c in costs if c), 4)
    assert final.revision == 1 and final.title == "renamed"
    listed, _ = await store.page_for_user("ada", 1000)
    assert next(t for t in listed if t.task_id == ctx.task_id).assets == final.assets


async def test_a_document_from_before_the_split_keeps_its_assets_and_costs(redis):
    store = TaskStore(redis)
    old = TaskContext(user_id="ada", assets={"a": Asset(key="k", kind="music", inputs_hash="h")},
                      costs=[Cost(provider="p", what="a", usd=0.5)])
    await redis.set(keys.task(old.task_id), old.model_dump_json())

    def rename(c: TaskContext) -> None:
        c.title = "renamed"

    for _ in range(2):  # the first update moves them out of the document, once
        await store.update(old.task_id, rename)
    after = await store.load(old.task_id)
    assert after.assets == old.assets and after.costs == old.costs
    assert "assets" not in json.loads(await redis.get(keys.task(old.task_id)))


async def test_update_that_raises_writes_nothing(redis):
    store = TaskStore(redis)
    ctx = await store.create(TaskContext(user_id="ada"))

    def bad(c: TaskContext) -> None:
        c.stage = Stage.FAILED
        raise ValueError("nope")

    with pytest.raises(ValueError):
        await store.update(ctx.task_id, bad)
    assert (await store.load(ctx.task_id)).stage == Stage.DRAFTING


async def test_missing_task(redis):
    with pytest.raises(TaskNotFound, match="does not exist"):
        await TaskStore(redis).load("nope")


async def test_event_stream_replays_from_id(redis):
    events = EventStream(redis)
    for i in range(10):
        await events.append("t1", ev.progress_update(i * 10, "motion", f"step {i}"))
    assert await events.last_id("t1") == 10
    tail = await events.read("t1", after=6)
    assert [e.id for e in tail] == [7, 8, 9, 10]
    assert [e.data["progress"] for e in tail] == [60, 70, 80, 90]


async def test_event_ids_unique_under_concurrency(redis):
    events = EventStream(redis)
    got = await asyncio.gather(*(events.append("t2", ev.token(str(i))) for i in range(40)))
    assert sorted(e.id for e in got) == list(range(1, 41))
    assert [e.id for e in await events.read("t2")] == list(range(1, 41))


async def test_follow_yields_new_events(redis):
    events = EventStream(redis)
    await events.append("t3", ev.token("a"))

    async def first_two() -> list[str]:
        out = []
        async for e in events.follow("t3", after=0, block_ms=1000):
            out.append(e.content)
            if len(out) == 2:
                return out
        return out

    reader = asyncio.create_task(first_two())
    await asyncio.sleep(0.05)
    await events.append("t3", ev.token("b"))
    assert await asyncio.wait_for(reader, 5) == ["a", "b"]


def _nested(levels: int) -> dict:
    """A `data` dict that makes the whole event `levels` deep (the event itself is level 1)."""
    inner: dict = {}
    for _ in range(levels - 2):
        inner = {"x": inner}
    return inner


def _cycle() -> dict:
    data: dict = {}
    data["self"] = data
    return data


@pytest.mark.parametrize("data", [
    {"when": object()},
    {"progress": float("nan")},
    _cycle(),
    _nested(MAX_DEPTH + 1),
    _nested(5000),
], ids=["object", "nan", "cycle", "over_deep", "recursion"])
async def test_unsendable_event_raises_and_stores_nothing(redis, data):
    events = EventStream(redis)
    with pytest.raises(UnsendableEvent):
        await events.append("t4", Payload(type="error", data=data))
    assert await redis.exists(keys.task_events("t4"), keys.task_event_seq("t4")) == 0
    assert await events.read("t4") == []
    ok = await events.append("t4", Payload(type="error", data=_nested(MAX_DEPTH)))
    assert ok.id == 1 and (await events.read("t4")) == [ok]


def test_payload_type_is_checked():
    with pytest.raises(ValueError, match="type"):
        Payload(type="teleported")


def test_set_breakdown_versions_and_clears_approval():
    ctx = TaskContext(user_id="u")
    ctx.set_breakdown(_breakdown())
    ctx.approved_version = 1
    assert ctx.is_approved
    b2 = ctx.breakdown.model_copy(deep=True)
    b2.scenes[0].script = "Changed."
    ctx.set_breakdown(b2)
    assert ctx.breakdown.version == 2 and not ctx.is_approved
    assert ctx.history[0].scenes[0].script == "Line 1."


def test_breakdown_rejects_bad_scene_index():
    with pytest.raises(IndexError, match="1 to 3"):
        _breakdown().scene(99)


async def test_a_cancelled_command_ends_its_task(redis) -> None:
    """Every shutdown cancels tasks that are in the middle of a Redis command (heartbeats,
    relays, jobs); the client must let the cancellation through (redis-py 8.0-8.2 lost about
    a third of them, and a worker's close then waited forever)."""
    rng = random.Random(7)

    async def busy() -> None:
        while True:
            await redis.set("pixora:test:busy", "1", px=1000)
            await asyncio.sleep(0.001)

    lost = 0
    for _ in range(200):
        task = asyncio.create_task(busy())
        await asyncio.sleep(rng.random() * 0.004)
        task.cancel()
        _, pending = await asyncio.wait([task], timeout=0.5)
        lost += bool(pending)
        for t in pending:  # a second cancel lands at the next await
            t.cancel()
            await asyncio.wait([t], timeout=0.5)
    assert lost == 0, f"{lost} of 200 cancellations were lost"


async def test_progress_ticks_leave_the_document_alone(redis) -> None:
    """Progress has a key of its own: ticks do not bump the TaskContext's revision, so a writer
    that may not retry at all is never beaten by them; reads and updates see the latest tick."""
    ticking, steady = TaskStore(redis), TaskStore(redis, max_retries=1)
    task = await ticking.create(TaskContext(user_id="ada"))
    tid = task.task_id

    async def ticks() -> None:
        for n in range(200):
            await ticking.set_progress(tid, Progress(percent=n / 2, stage="motion", message=""))

    async def writes() -> None:
        for n in range(40):
            await steady.update(tid, lambda t, n=n: setattr(t, "title", f"take {n}"))

    await asyncio.gather(ticks(), writes())
    after = await ticking.load(tid)
    assert after.revision == task.revision + 40 and after.title == "take 39"
    assert after.progress.percent == 99.5
    assert (await ticking.page_for_user("ada", 10))[0][0].progress.percent == 99.5

    # An update that sets progress records it for reads; one that does not keeps the tick.
    await ticking.update(tid, lambda t: setattr(t, "progress", Progress(percent=0.0)))
    assert (await ticking.load(tid)).progress.percent == 0.0
    await ticking.set_progress(tid, Progress(percent=12.0, stage="images", message=""))
    await ticking.update(tid, lambda t: setattr(t, "title", "last"))
    assert (await ticking.load(tid)).progress.percent == 12.0
    with pytest.raises(TaskNotFound):
        await ticking.set_progress("nope", Progress())
