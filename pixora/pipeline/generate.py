"""A generation run: a task's video from its approved breakdown, in steps.

Each asset is a step: a character's reference sheet (`character/{id}`); a scene's narration
(`scene_{i}/narration`) and image (`scene_{i}/image`, once the references of the characters
in it are made); its motion clip (`scene_{i}/motion`, once its image and every narration are
made: the narration lengths set the scene durations); each music cue (`music/{n}`, once every
narration is made). Then `compose`, once every asset is made.

`GenerationRun.survey` decides from the asset registry which steps are made and which are
ready, so any process may run any ready step, and a step run twice makes nothing twice.
`GenerationRun.run` runs every step in this process, each as soon as it is ready; the queue
(`pixora.pipeline.queue`) runs each step as its own job. Requests come from
`pixora.pipeline.requests`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from pixora.context import events
from pixora.context.files import file_hash
from pixora.context.models import (
    Asset,
    Breakdown,
    Character,
    Scene,
    Stage,
    TaskContext,
    VideoVersion,
)
from pixora.context.vocabulary import FRAME_SIZES
from pixora.media.captions.store import narration_words, write_captions
from pixora.media.composition import Captions, Composer, MusicInput, SceneInput
from pixora.media.protocols import MediaFile
from pixora.media.timeline import overlaps, plan_scene_durations, scene_starts
from pixora.pipeline import requests
from pixora.pipeline.assets import (
    AssetCache,
    AssetSpec,
    GenerationCancelled,
    RunLimits,
    check_cancelled,
)
from pixora.pipeline.progress import ASSETS_DONE, ProgressReporter
from pixora.services import Services
from pixora.storage.base import key_for

COMPOSE = "compose"
"""The last step: the video from every asset."""

LABELS = {"characters": "Character", "narration": "Narration", "images": "Scene image",
          "motion": "Motion clip", "music": "Music"}
"""How progress messages name each stage's assets."""


class GenerationRefused(ValueError):
    """Generation may not start: the current breakdown version is not the approved one."""


class StepNotReady(RuntimeError):
    """A step was asked for before everything it needs was made."""


def _check_image(scene: Scene) -> Path:
    path = Path(scene.image or "")
    try:
        with Image.open(path) as im:
            im.verify()
    except (OSError, UnidentifiedImageError):
        raise ValueError(f"scene {scene.index} image {scene.image}: cannot be read") from None
    return path


@dataclass(frozen=True)
class Timeline:
    """Where the scenes and music cues fall in the final video, in seconds: each scene's
    `durations` and `starts`, the `total` length, and each music cue's (start, end) `spans`."""

    durations: list[float]
    starts: list[float]
    total: float
    spans: list[tuple[float, float]]


@dataclass
class Survey:
    """What the asset registry shows for the task's current breakdown.

    `specs`: every asset whose needs are made (by name); `made`: those of them made from
    their current inputs; `totals`: how many assets each progress stage has; `refs`: the
    characters' made reference sheets, by character id; `timeline`: once every narration is
    made. `ctx`, `cache` and `progress` are the task as read and its views.
    """

    ctx: TaskContext
    cache: AssetCache
    progress: ProgressReporter
    totals: dict[str, int]
    specs: dict[str, AssetSpec] = field(default_factory=dict)
    made: dict[str, Asset] = field(default_factory=dict)
    refs: dict[str, Asset] = field(default_factory=dict)
    timeline: Timeline | None = None

    @property
    def breakdown(self) -> Breakdown:
        assert self.ctx.breakdown is not None
        return self.ctx.breakdown

    @property
    def complete(self) -> bool:
        """Every asset is made: composition may start."""
        return len(self.made) == sum(self.totals.values())

    @property
    def ready(self) -> list[str]:
        """The steps that can run now."""
        return [COMPOSE] if self.complete else [n for n in self.specs if n not in self.made]

    def add(self, spec: AssetSpec) -> Asset | None:
        self.specs[spec.name] = spec
        if asset := self.cache.fresh(spec):
            self.made[spec.name] = asset
        return asset

    def fractions(self) -> dict[str, float]:
        """Each stage's finished share (0-1)."""
        done = Counter(self.specs[n].stage for n in self.made)
        return {stage: done[stage] / total if total else 1.0
                for stage, total in self.totals.items()}

    def message(self, stage: str) -> str:
        done = sum(self.specs[n].stage == stage for n in self.made)
        return f"{LABELS[stage]} {done}/{self.totals[stage]}"


def _cast(ch: Character) -> dict[str, object]:
    """What of a character its pictures are made from (not where its reference is stored)."""
    return ch.model_dump(include={"id", "kind", "traits"})


def needs(bd: Breakdown, name: str) -> set[str]:
    """The steps that make asset `name`, itself included: a scene image needs the reference
    sheets of the characters in it; a motion clip, its image and every narration."""
    kind = name.rsplit("/", 1)[-1]
    if kind == "image":
        scene = bd.scene(int(name.split("/")[0].removeprefix("scene_")))
        return {name} | {f"character/{c.id}" for c in requests.scene_people(bd, scene)}
    if kind == "motion":
        image = name.replace("/motion", "/image")
        return {name} | needs(bd, image) | {f"scene_{s.index}/narration" for s in bd.scenes}
    return {name}


class GenerationRun:
    """The generation run of one task. In one process: `await GenerationRun(svc, id).run()`;
    step by step (any process): `start`, then `make` each ready step, then `compose`."""

    def __init__(self, svc: Services, task_id: str) -> None:
        self.svc = svc
        self.task_id = task_id
        self.limits = RunLimits(svc)

    # -- what to make ------------------------------------------------------------------------

    async def survey(self) -> Survey:
        """The task as the registry shows it: see `Survey`."""
        ctx = await self.svc.store.load(self.task_id)
        progress = ProgressReporter(self.svc.store, self.svc.events, self.task_id, ctx.progress)
        bd = ctx.breakdown
        if bd is None:
            raise GenerationRefused("there is no scene breakdown yet")
        n = len(bd.scenes)
        cache = AssetCache(self.svc, self.task_id, ctx, progress, self.limits)
        s = Survey(ctx, cache, progress, totals={
            "characters": len(bd.characters), "narration": n, "images": n, "motion": n,
            "music": len(bd.music),
        })
        for ch in bd.characters:
            if asset := s.add(self._character(bd, ch)):
                s.refs[ch.id] = asset
        narrations = [s.add(self._narration(bd, scene)) for scene in bd.scenes]
        images = [
            s.add(self._image(bd, scene, s.refs))
            if all(c.id in s.refs for c in requests.scene_people(bd, scene)) else None
            for scene in bd.scenes
        ]
        if all(narrations):
            s.timeline = self._timeline(bd, [a.duration_s for a in narrations if a])
            for scene, image, d in zip(bd.scenes, images, s.timeline.durations, strict=True):
                if image:
                    s.add(self._motion(bd, scene, image, d))
            for cue, span in enumerate(s.timeline.spans):
                s.add(self._music(bd, cue, span[1] - span[0]))
        return s

    def _timeline(self, bd: Breakdown, narration_s: list[float | None]) -> Timeline:
        settings = self.svc.settings
        durations = plan_scene_durations(
            [s.duration for s in bd.scenes], narration_s,
            transition_s=settings.transition_s, fps=settings.fps,
            transitions=[s.transition for s in bd.scenes],
        )
        starts = scene_starts(
            durations, overlaps([s.transition for s in bd.scenes], settings.transition_s)
        )
        total = starts[-1] + durations[-1]
        return Timeline(durations, starts, total, _music_spans(bd, starts, total))

    # -- the assets --------------------------------------------------------------------------

    def _character(self, bd: Breakdown, ch: Character) -> AssetSpec:
        image = self.svc.providers.image
        req = requests.character_request(bd, ch)
        return AssetSpec(
            f"character/{ch.id}", "image", key_for(self.task_id, "character", name=ch.id),
            {"req": {**req.__dict__, "cast": [_cast(ch)]}, "provider": image.name},
            lambda out: image.generate_image(req, out), "characters", ("image", req),
        )

    def _narration(self, bd: Breakdown, scene: Scene) -> AssetSpec:
        speech = self.svc.providers.speech
        req = requests.narration_request(bd, scene)
        return AssetSpec(
            f"scene_{scene.index}/narration", "narration",
            key_for(self.task_id, "narration", scene=scene.index),
            {"text": scene.script, "voice": bd.voice.model_dump(), "provider": speech.name},
            lambda out: speech.synthesize(req, out), "narration", ("speech", req),
        )

    def _image(self, bd: Breakdown, scene: Scene, refs: dict[str, Asset]) -> AssetSpec:
        name = f"scene_{scene.index}/image"
        key = key_for(self.task_id, "image", scene=scene.index)
        if scene.image:
            src = _check_image(scene)

            async def copy(out: Path) -> MediaFile:
                with Image.open(src) as im:
                    im.convert("RGB").save(out, format="PNG")
                    return MediaFile(out, "user", width=im.width, height=im.height)

            return AssetSpec(name, "image", key, {"user_image": file_hash(src)}, copy, "images")
        people = requests.scene_people(bd, scene)
        req = requests.image_request(bd, scene, tuple(
            self.svc.storage.local_path(refs[c.id].key) for c in people if c.id in refs
        ))
        image = self.svc.providers.image
        return AssetSpec(
            name, "image", key,
            {
                "req": {**req.__dict__, "references": [refs[c.id].inputs_hash for c in people],
                        "cast": [_cast(c) for c in people]},
                "provider": image.name,
            },
            lambda out: image.generate_image(req, out), "images", ("image", req),
        )

    def _motion(self, bd: Breakdown, scene: Scene, image: Asset, duration: float) -> AssetSpec:
        settings = self.svc.settings
        motion = self.svc.providers.motion
        req = requests.motion_request(
            bd, scene, self.svc.storage.local_path(image.key), duration,
            fps=settings.fps, transition_s=settings.transition_s,
        )
        return AssetSpec(
            f"scene_{scene.index}/motion", "motion",
            key_for(self.task_id, "motion", scene=scene.index),
            {"image": image.inputs_hash, "provider": motion.name, **motion.depends_on(req)},
            lambda out: motion.animate(req, out), "motion", ("motion", req),
        )

    def _music(self, bd: Breakdown, n: int, span: float) -> AssetSpec:
        music = self.svc.providers.music
        req = requests.music_request(bd, n, span)
        return AssetSpec(
            f"music/{n + 1}", "music", key_for(self.task_id, "music", name=str(n + 1)),
            {"req": req.__dict__, "provider": music.name},
            lambda out: music.generate_music(req, out), "music", ("music", req),
        )

    async def _references(self, s: Survey) -> None:
        """Record each made reference sheet as its character's `reference_image`, in the
        current breakdown version (a reference is not an edit), and show it (a
        `scene_breakdown` event)."""
        if all(c.reference_image == s.refs[c.id].key for c in s.breakdown.characters
               if c.id in s.refs):
            return

        def record(ctx: TaskContext) -> None:
            for c in ctx.breakdown.characters if ctx.breakdown else []:
                if c.id in s.refs:
                    c.reference_image = s.refs[c.id].key

        ctx = await self.svc.store.update(self.task_id, record)
        await self.svc.events.append(self.task_id, events.scene_breakdown(ctx))

    async def _step(self, s: Survey, name: str) -> Asset:
        """Make (or reuse) asset `name` of survey `s`.

        Raises:
            StepNotReady: what it needs is not made yet.
        """
        spec = s.specs.get(name)
        if spec is None:
            raise StepNotReady(f"{name}: what it needs is not made yet")
        if spec.kind == "image":
            await self._references(s)
        asset = await s.cache.get_or_make(spec)
        if spec.stage == "characters":
            s.refs[name.removeprefix("character/")] = asset
            await self._references(s)
        return asset

    # -- the run, step by step ---------------------------------------------------------------

    async def start(self) -> bool:
        """Mark the task generating. True when this began a run; False when it was generating
        already (a repeated start continues that run).

        Raises:
            GenerationRefused: no breakdown, or its current version is not approved.
            ValueError: a scene's user-supplied image cannot be read (names the scene and
                file; the task is marked failed).
        """
        began = False

        def fn(ctx: TaskContext) -> None:
            nonlocal began
            if ctx.breakdown is None:
                raise GenerationRefused("there is no scene breakdown yet")
            if not ctx.is_approved:
                raise GenerationRefused(
                    f"scene breakdown version {ctx.breakdown.version} is not approved"
                )
            began = ctx.stage != Stage.GENERATING
            ctx.stage = Stage.GENERATING
            ctx.error = None

        ctx = await self.svc.store.update(self.task_id, fn)
        async with self._failing():
            for scene in ctx.breakdown.scenes if ctx.breakdown else []:
                if scene.image:
                    _check_image(scene)
        if began:
            await ProgressReporter(self.svc.store, self.svc.events, self.task_id).begin(
                "Starting generation")
        return began

    async def _generating(self, version: int | None) -> Survey:
        """The survey, if the task is generating breakdown `version` (None: the approved one).

        Raises:
            GenerationCancelled: the user cancelled.
            GenerationRefused: it is not generating that version (anymore).
        """
        s = await self.survey()
        if s.ctx.stage == Stage.CANCELLED:
            raise GenerationCancelled("cancelled by the user")
        if s.ctx.stage != Stage.GENERATING or not s.ctx.is_approved or (
                version is not None and s.breakdown.version != version):
            raise GenerationRefused(
                f"task {self.task_id} is not generating breakdown version {version} "
                f"(it is {s.ctx.stage.value})")
        return s

    async def make(self, name: str, version: int | None = None) -> Survey:
        """Run step `name` of the run generating breakdown `version` (None: the approved one)
        and report progress. Returns the registry after it, whose `ready` steps come next.

        Raises:
            GenerationCancelled, GenerationRefused: see `_generating`.
            StepNotReady: what it needs is not made yet.
            BudgetExceeded: the step's cloud call would take the task over its budget (the
                task is marked failed, as for any other error).
        """
        async with self._failing():
            s = await self._generating(version)
            spec = s.specs.get(name)
            await self._step(s, name)
            after = await self.survey()
            if spec:
                await after.progress.report(after.fractions(), spec.stage,
                                            after.message(spec.stage))
            return after

    async def compose(self, version: int | None = None) -> VideoVersion:
        """The last step: compose the video from every asset and complete the task.

        Raises:
            GenerationCancelled, GenerationRefused: see `_generating`.
            StepNotReady: an asset is not made yet.
        """
        async with self._failing():
            s = await self._generating(version)
            if not s.complete or s.timeline is None:
                raise StepNotReady("compose: not every asset is made yet")
            await check_cancelled(self.svc, self.task_id)
            return await self._compose(s, s.timeline)

    async def run(self) -> VideoVersion:
        """Generate (or re-generate what changed) and compose a new video version, every step
        in this process, each as soon as what it needs is made.

        Raises:
            GenerationRefused: the current breakdown version is not approved.
            GenerationCancelled: the user cancelled meanwhile.
            ValueError: a scene's user-supplied image cannot be read (names the scene and file).
        """
        await self.start()
        running: dict[str, asyncio.Task[Survey]] = {}
        try:
            s = await self._generating(None)
            while not s.complete:
                for name in s.ready:
                    if name not in running:
                        running[name] = asyncio.create_task(self.make(name))
                done, _ = await asyncio.wait(running.values(),
                                             return_when=asyncio.FIRST_COMPLETED)
                for name, task in list(running.items()):
                    if task in done:
                        del running[name]
                        s = task.result()
        finally:
            for task in running.values():
                task.cancel()
            await asyncio.gather(*running.values(), return_exceptions=True)
        return await self.compose()

    async def scene_asset(self, kind: str, index: int) -> Asset:
        """Make (or reuse) one asset of one scene of the approved breakdown, ahead of a full
        run, with what it needs: `kind` is "image", "narration" or "motion". A full run reuses
        it.

        Raises:
            GenerationRefused: the current breakdown version is not approved.
            IndexError: no such scene.
        """
        s = await self.survey()
        if not s.ctx.is_approved:
            raise GenerationRefused("the scene breakdown is not approved yet")
        name = f"scene_{s.breakdown.scene(index).index}/{kind}"
        wanted = needs(s.breakdown, name)
        while name not in s.made:
            todo = [n for n in s.ready if n in wanted]
            if not todo:
                raise StepNotReady(f"{name}: nothing it needs can be made")
            await asyncio.gather(*(self._step(s, n) for n in todo))
            s = await self.survey()
        return s.made[name]

    @contextlib.asynccontextmanager
    async def _failing(self) -> AsyncIterator[None]:
        """Mark the task failed (once, with an `error` event) when the body raises anything
        but a cancel, a refusal or a step asked for too early."""
        try:
            yield
        except (GenerationCancelled, GenerationRefused, StepNotReady, asyncio.CancelledError):
            raise
        except Exception as err:
            await self.fail(str(err) or type(err).__name__)
            raise

    async def fail(self, message: str) -> None:
        """Mark the task failed with `message` and tell its watchers (an `error` event), unless
        it stopped generating already (cancelled, or failed by another step)."""
        failed = False

        def fn(ctx: TaskContext) -> None:
            nonlocal failed
            failed = ctx.stage == Stage.GENERATING
            if failed:
                ctx.stage = Stage.FAILED
                ctx.error = message

        await self.svc.store.update(self.task_id, fn)
        if failed:
            await self.svc.events.append(self.task_id, events.error("generation_failed", message))

    async def _compose(self, s: Survey, timeline: Timeline) -> VideoVersion:
        bd, scenes = s.breakdown, s.breakdown.scenes
        durations, spans = timeline.durations, timeline.spans
        narrations = [s.made[f"scene_{x.index}/narration"] for x in scenes]
        motions = [s.made[f"scene_{x.index}/motion"] for x in scenes]
        music = [s.made[f"music/{n + 1}"] for n in range(len(spans))]
        settings = self.svc.settings
        storage = self.svc.storage
        version = len(s.ctx.videos) + 1
        video_key = key_for(self.task_id, "video", name=str(version))
        thumb_key = key_for(self.task_id, "thumbnail", name=str(version))
        composer = Composer(
            settings.tasks_dir / self.task_id / "cache",
            fps=settings.fps, transition_s=settings.transition_s,
            loudness_lufs=settings.loudness_lufs, music_level_db=settings.music_level_db,
            workers=settings.scene_jobs,
        )
        loop = asyncio.get_running_loop()
        reports: list[asyncio.Future[None]] = []

        def on_progress(fraction: float, message: str) -> None:
            reports.append(asyncio.ensure_future(s.progress.report(
                {**ASSETS_DONE, "composition": fraction}, "composition", message), loop=loop))

        result = await composer.compose(
            [
                SceneInput(
                    clip=storage.local_path(m.key), duration_s=d,
                    narration=storage.local_path(n.key), transition=sc.transition,
                    words=await narration_words(n, sc.script, storage.local_path(n.key)),
                )
                for sc, d, n, m in zip(scenes, durations, narrations, motions, strict=True)
            ],
            [
                MusicInput(path=storage.local_path(a.key), start_s=start, end_s=end)
                for a, (start, end) in zip(music, spans, strict=True)
            ],
            FRAME_SIZES[bd.aspect_ratio],
            storage.local_path(video_key),
            storage.local_path(thumb_key),
            on_progress,
            Captions(bd.captions, bd.caption_look),
        )
        await asyncio.gather(*reports)
        await storage.publish(video_key)
        await storage.publish(thumb_key)
        srt_key, vtt_key = await write_captions(storage, self.task_id, version, result.cues)
        video = VideoVersion(
            version=version, key=video_key, thumbnail_key=thumb_key,
            duration_s=round(result.duration_s, 3), breakdown_version=bd.version,
            scene_hashes=[m.inputs_hash + n.inputs_hash for m, n in zip(
                motions, narrations, strict=True)],
            srt_key=srt_key, vtt_key=vtt_key,
        )

        def done(ctx: TaskContext) -> None:
            ctx.videos.append(video)
            ctx.stage = Stage.COMPLETED

        await self.svc.store.update(self.task_id, done)
        await s.progress.finish(f"Video version {version} is ready")
        await self.svc.events.append(self.task_id, events.completion(
            version=version,
            video_url=await storage.url(video_key),
            thumbnail_url=await storage.url(thumb_key),
            srt_url=await storage.url(srt_key) if srt_key else None,
            vtt_url=await storage.url(vtt_key) if vtt_key else None,
            duration_s=video.duration_s,
            reused_pieces=len(result.reused),
            copied_bodies=len(result.copied),
            rendered_pieces=len(result.pieces) - len(result.reused),
            notes=sorted({a.note for a in s.made.values() if a.note}),
            scenes=[
                {
                    "index": sc.index, "title": sc.title, "start_s": round(start, 3),
                    "duration_s": d,
                    "image_url": await storage.url(s.made[f"scene_{sc.index}/image"].key),
                }
                for sc, d, start in zip(scenes, durations, result.scene_starts, strict=True)
            ],
        ))
        return video


async def run_generation(svc: Services, task_id: str) -> VideoVersion:
    """The pipeline's generation run, in this process (see `GenerationRun.run`)."""
    return await GenerationRun(svc, task_id).run()


def _music_spans(bd: Breakdown, starts: list[float], total: float) -> list[tuple[float, float]]:
    """Each music cue's (start, end) on the final timeline, in seconds: a cue plays from its
    first scene (the first cue from 0) until the next cue begins."""
    begins = [0.0] + [starts[min(c.first_scene, len(starts)) - 1] for c in bd.music[1:]]
    return list(zip(begins, [*begins[1:], total], strict=True))
