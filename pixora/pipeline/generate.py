"""Generate a task's video from its approved breakdown.

Order: character reference images; then every scene in parallel (narration and image), whose
narration lengths set the scene durations; then every motion clip and the music in parallel;
then composition. Every finished asset is recorded in the TaskContext with a hash of its inputs,
so a re-run (after a crash, or after an edit) reuses everything whose inputs did not change.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from pixora.context.models import (
    Asset,
    AssetKind,
    Breakdown,
    Character,
    Cost,
    Scene,
    Stage,
    TaskContext,
    VideoVersion,
)
from pixora.context.vocabulary import FRAME_SIZES, ken_burns_move
from pixora.media.compose import Composer, MusicInput, SceneInput
from pixora.media.cost import estimate_cost_usd
from pixora.media.protocols import (
    ImageRequest,
    MediaFile,
    MotionRequest,
    MusicRequest,
    SpeechRequest,
)
from pixora.media.timeline import body_edges, overlaps, plan_scene_durations, scene_starts
from pixora.pipeline.progress import ProgressReporter
from pixora.services import Services
from pixora.storage.base import key_for


class GenerationRefused(ValueError):
    """Generation may not start: the current breakdown version is not the approved one."""


class GenerationCancelled(RuntimeError):
    """The user cancelled the task while it was generating."""


class BudgetExceeded(RuntimeError):
    """The next cloud call would take the task over its budget (`PIXORA_TASK_BUDGET_USD`)."""


def inputs_hash(inputs: dict[str, Any]) -> str:
    """A stable sha256 (hex, 16 chars) of JSON-able inputs."""
    blob = json.dumps(inputs, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def _seed(*parts: object) -> int:
    return int(inputs_hash({"seed": parts}), 16) % (2**31)


def _check_image(scene: Scene) -> Path:
    path = Path(scene.image or "")
    try:
        with Image.open(path) as im:
            im.verify()
    except (OSError, UnidentifiedImageError):
        raise ValueError(f"scene {scene.index} image {scene.image}: cannot be read") from None
    return path


class Generator:
    """One generation run of one task. Use `await Generator(svc, task_id).run()`."""

    def __init__(self, svc: Services, task_id: str) -> None:
        self.svc = svc
        self.task_id = task_id
        self.progress = ProgressReporter(svc.store, svc.events, task_id)
        self.jobs = asyncio.Semaphore(svc.settings.scene_jobs)
        self.ctx: TaskContext
        self.notes: list[str] = []
        self.committed_usd = 0.0
        """Estimated cost of the cloud calls started in this run, in US dollars."""

    # -- bookkeeping -------------------------------------------------------------------------

    async def _check_cancelled(self) -> None:
        if (await self.svc.store.load(self.task_id)).stage == Stage.CANCELLED:
            raise GenerationCancelled("cancelled by the user")

    def _reserve(self, name: str, usd: float) -> None:
        """Count `usd` against the task's budget before a call; raise if it would exceed it."""
        budget = self.svc.settings.task_budget_usd
        spent = self.ctx.total_cost_usd + self.committed_usd
        if usd and spent + usd > budget:
            raise BudgetExceeded(
                f"{name} would cost about ${usd:.2f}, taking this task over its ${budget:.2f} "
                f"budget (${spent:.2f} so far); raise PIXORA_TASK_BUDGET_USD or use local "
                "providers"
            )
        self.committed_usd += usd

    async def _asset(
        self,
        name: str,
        kind: AssetKind,
        key: str,
        inputs: dict[str, Any],
        make: Callable[[Path], Awaitable[MediaFile]],
        estimate: tuple[str, Any] | None = None,
    ) -> Asset:
        """Return the asset `name`, making it only if its inputs changed or its file is gone.

        `estimate` is (capability, request) for the cost check against the task's budget.
        """
        h = inputs_hash(inputs)
        path = self.svc.storage.local_path(key)
        known = self.ctx.assets.get(name)
        if known and known.inputs_hash == h and known.key == key and path.is_file():
            return known
        await self._check_cancelled()
        if estimate:
            capability, request = estimate
            provider = getattr(self.svc.providers, capability).name
            self._reserve(name, estimate_cost_usd(provider, capability, request))
        tmp = path.with_name(f".{h}.{path.name}")
        async with self.jobs:
            media = await make(tmp)
        os.replace(media.path, path)
        await self.svc.storage.publish(key)
        asset = Asset(
            key=key, kind=kind, inputs_hash=h, provider=media.provider,
            duration_s=media.duration_s, width=media.width, height=media.height,
            cost_usd=media.cost_usd, note=media.note,
        )
        if media.note:
            self.notes.append(media.note)
            await self.progress.note(kind, media.note)

        def record(ctx: TaskContext) -> None:
            ctx.assets[name] = asset
            if media.cost_usd:
                ctx.costs.append(Cost(provider=media.provider, what=name, usd=media.cost_usd))

        await self.svc.store.update(self.task_id, record)
        self.ctx.assets[name] = asset
        return asset

    # -- stages ------------------------------------------------------------------------------

    async def _character(self, bd: Breakdown, ch: Character) -> Asset:
        providers = self.svc.providers
        req = ImageRequest(
            prompt=f"character portrait of {ch.name}, {ch.role}. {ch.description}",
            width=768, height=768, style=bd.style, title=ch.name, seed=_seed(ch.id, ch.name),
        )
        return await self._asset(
            f"character/{ch.id}", "image", key_for(self.task_id, "character", name=ch.id),
            {"req": req.__dict__, "provider": providers.image.name},
            lambda out: providers.image.generate_image(req, out), ("image", req),
        )

    async def _narration(self, bd: Breakdown, scene: Scene) -> Asset:
        speech = self.svc.providers.speech
        req = SpeechRequest(text=scene.script, voice=bd.voice)
        return await self._asset(
            f"scene_{scene.index}/narration", "narration",
            key_for(self.task_id, "narration", scene=scene.index),
            {"text": scene.script, "voice": bd.voice.model_dump(), "provider": speech.name},
            lambda out: speech.synthesize(req, out), ("speech", req),
        )

    async def _image(self, bd: Breakdown, scene: Scene, refs: dict[str, Asset]) -> Asset:
        key = key_for(self.task_id, "image", scene=scene.index)
        if scene.image:
            src = _check_image(scene)
            digest = hashlib.sha256(src.read_bytes()).hexdigest()

            async def copy(out: Path) -> MediaFile:
                with Image.open(src) as im:
                    im.convert("RGB").save(out, format="PNG")
                    return MediaFile(out, "user", width=im.width, height=im.height)

            return await self._asset(
                f"scene_{scene.index}/image", "image", key, {"user_image": digest}, copy
            )
        width, height = FRAME_SIZES[bd.aspect_ratio]
        people = [c for c in bd.characters if c.id in scene.characters]
        req = ImageRequest(
            prompt=scene.visual_prompt, width=width, height=height, style=bd.style,
            mood=scene.mood, lighting=scene.lighting, title=scene.title,
            seed=_seed(scene.visual_prompt), subject=bd.prompt,
            characters=tuple(f"{c.name}: {c.description}" for c in people),
            references=tuple(
                self.svc.storage.local_path(refs[c.id].key) for c in people if c.id in refs
            ),
        )
        image = self.svc.providers.image
        return await self._asset(
            f"scene_{scene.index}/image", "image", key,
            {
                "req": {**req.__dict__, "references": [refs[c.id].inputs_hash for c in people]},
                "provider": image.name,
            },
            lambda out: image.generate_image(req, out), ("image", req),
        )

    async def _motion(self, bd: Breakdown, scene: Scene, image: Asset, duration: float) -> Asset:
        width, height = FRAME_SIZES[bd.aspect_ratio]
        motion = self.svc.providers.motion
        req = MotionRequest(
            image=self.svc.storage.local_path(image.key), duration_s=duration,
            motion=ken_burns_move(scene.camera), width=width, height=height,
            fps=self.svc.settings.fps, prompt=scene.visual_prompt, seed=_seed(scene.index),
            keyframes_s=body_edges(
                [s.transition for s in bd.scenes], scene.index - 1, duration,
                transition_s=self.svc.settings.transition_s, fps=self.svc.settings.fps,
            ),
        )
        return await self._asset(
            f"scene_{scene.index}/motion", "motion",
            key_for(self.task_id, "motion", scene=scene.index),
            {"image": image.inputs_hash, "provider": motion.name, **motion.depends_on(req)},
            lambda out: motion.animate(req, out), ("motion", req),
        )

    async def _music(self, bd: Breakdown, n: int, span: float) -> Asset:
        cue = bd.music[n]
        music = self.svc.providers.music
        req = MusicRequest(
            duration_s=round(span, 1), mood=cue.mood, genre=cue.genre, seed=_seed(cue.mood, n)
        )
        return await self._asset(
            f"music/{n + 1}", "music", key_for(self.task_id, "music", name=str(n + 1)),
            {"req": req.__dict__, "provider": music.name},
            lambda out: music.generate_music(req, out), ("music", req),
        )

    async def _staged(self, stage: str, label: str, coros: list[Awaitable[Asset]]) -> list[Asset]:
        """Run `coros` concurrently, reporting `stage` progress as each finishes."""
        total = max(len(coros), 1)
        finished = 0

        async def tracked(c: Awaitable[Asset]) -> Asset:
            nonlocal finished
            asset = await c
            finished += 1
            await self.progress.report(stage, finished / total, f"{label} {finished}/{total}")
            return asset

        return list(await asyncio.gather(*(tracked(c) for c in coros)))

    async def scene_asset(self, kind: str, index: int) -> Asset:
        """Make (or reuse) one asset of one scene of the approved breakdown, ahead of a full run:
        `kind` is "image", "narration" or "motion" (the motion clip needs image and narration,
        which are made first). The full run reuses it.

        Raises:
            GenerationRefused: the current breakdown version is not approved.
            IndexError: no such scene.
        """
        self.ctx = await self.svc.store.load(self.task_id)
        bd = self.ctx.breakdown
        if bd is None or not self.ctx.is_approved:
            raise GenerationRefused("the scene breakdown is not approved yet")
        scene = bd.scene(index)
        if kind == "narration":
            return await self._narration(bd, scene)
        refs = {c.id: await self._character(bd, c) for c in bd.characters
                if c.id in scene.characters}
        image = await self._image(bd, scene, refs)
        if kind == "image":
            return image
        narrations = [await self._narration(bd, s) for s in bd.scenes]
        return await self._motion(bd, scene, image, self._plan(bd, narrations)[index - 1])

    def _plan(self, bd: Breakdown, narrations: list[Asset]) -> list[float]:
        """Scene durations (s): narration drives length (see `plan_scene_durations`)."""
        return plan_scene_durations(
            [s.duration for s in bd.scenes],
            [a.duration_s for a in narrations],
            transition_s=self.svc.settings.transition_s,
            fps=self.svc.settings.fps,
            transitions=[s.transition for s in bd.scenes],
        )

    # -- the run -----------------------------------------------------------------------------

    async def run(self) -> VideoVersion:
        """Generate (or re-generate what changed) and compose a new video version.

        Raises:
            GenerationRefused: the current breakdown version is not approved.
            GenerationCancelled: the user cancelled meanwhile.
            ValueError: a scene's user-supplied image cannot be read (names the scene and file).
        """

        def start(ctx: TaskContext) -> None:
            if ctx.breakdown is None:
                raise GenerationRefused("there is no scene breakdown yet")
            if not ctx.is_approved:
                raise GenerationRefused(
                    f"scene breakdown version {ctx.breakdown.version} is not approved"
                )
            ctx.stage = Stage.GENERATING
            ctx.error = None

        self.ctx = await self.svc.store.update(self.task_id, start)
        try:
            return await self._run()
        except GenerationCancelled:
            raise
        except asyncio.CancelledError:
            raise
        except Exception as err:
            message = str(err) or type(err).__name__

            def failed(ctx: TaskContext) -> None:
                ctx.stage = Stage.FAILED
                ctx.error = message

            await self.svc.store.update(self.task_id, failed)
            await self.svc.events.append(
                self.task_id, "error", data={"code": "generation_failed", "message": message}
            )
            raise

    async def _run(self) -> VideoVersion:
        bd = self.ctx.breakdown
        assert bd is not None
        settings = self.svc.settings
        scenes = bd.scenes
        for scene in scenes:
            if scene.image:
                _check_image(scene)
        await self.progress.report("characters", 0.0, "Starting generation")
        refs = {}
        for ch, asset in zip(
            bd.characters,
            await self._staged("characters", "Character", [
                self._character(bd, c) for c in bd.characters
            ]),
            strict=True,
        ):
            refs[ch.id] = asset
        narrations, images = await asyncio.gather(
            self._staged("narration", "Narration", [self._narration(bd, s) for s in scenes]),
            self._staged("images", "Scene image", [self._image(bd, s, refs) for s in scenes]),
        )
        durations = self._plan(bd, narrations)
        starts = scene_starts(
            durations, overlaps([s.transition for s in scenes], settings.transition_s)
        )
        total = starts[-1] + durations[-1]
        spans = _music_spans(bd, starts, total)
        motions, music = await asyncio.gather(
            self._staged("motion", "Motion clip", [
                self._motion(bd, s, img, d)
                for s, img, d in zip(scenes, images, durations, strict=True)
            ]),
            self._staged("music", "Music", [
                self._music(bd, n, end - start) for n, (start, end) in enumerate(spans)
            ]),
        )
        await self._check_cancelled()
        return await self._compose(bd, scenes, durations, narrations, motions, music, spans)

    async def _compose(
        self,
        bd: Breakdown,
        scenes: list[Scene],
        durations: list[float],
        narrations: list[Asset],
        motions: list[Asset],
        music: list[Asset],
        spans: list[tuple[float, float]],
    ) -> VideoVersion:
        settings = self.svc.settings
        storage = self.svc.storage
        version = len(self.ctx.videos) + 1
        video_key = key_for(self.task_id, "video", name=str(version))
        thumb_key = key_for(self.task_id, "thumbnail", name=str(version))
        composer = Composer(
            settings.tasks_dir / self.task_id / "cache",
            fps=settings.fps, transition_s=settings.transition_s,
            loudness_lufs=settings.loudness_lufs, music_level_db=settings.music_level_db,
            jobs=settings.scene_jobs,
        )
        loop = asyncio.get_running_loop()
        reports: list[asyncio.Future[None]] = []

        def on_progress(fraction: float, message: str) -> None:
            reports.append(asyncio.ensure_future(
                self.progress.report("composition", fraction, message), loop=loop
            ))

        result = await composer.compose(
            [
                SceneInput(
                    clip=storage.local_path(m.key), duration_s=d,
                    narration=storage.local_path(n.key), transition=s.transition,
                )
                for s, d, n, m in zip(scenes, durations, narrations, motions, strict=True)
            ],
            [
                MusicInput(path=storage.local_path(a.key), start_s=start, end_s=end)
                for a, (start, end) in zip(music, spans, strict=True)
            ],
            FRAME_SIZES[bd.aspect_ratio],
            storage.local_path(video_key),
            storage.local_path(thumb_key),
            on_progress,
        )
        await asyncio.gather(*reports)
        await storage.publish(video_key)
        await storage.publish(thumb_key)
        video = VideoVersion(
            version=version, key=video_key, thumbnail_key=thumb_key,
            duration_s=round(result.duration_s, 3), breakdown_version=bd.version,
            scene_hashes=[m.inputs_hash + n.inputs_hash for m, n in zip(
                motions, narrations, strict=True)],
        )

        def done(ctx: TaskContext) -> None:
            ctx.videos.append(video)
            ctx.stage = Stage.COMPLETED

        self.ctx = await self.svc.store.update(self.task_id, done)
        await self.progress.finish(f"Video version {version} is ready")
        await self.svc.events.append(
            self.task_id, "completion",
            data={
                "version": version,
                "video_url": await storage.url(video_key),
                "thumbnail_url": await storage.url(thumb_key),
                "duration_s": video.duration_s,
                "reused_pieces": len(result.reused),
                "copied_bodies": len(result.copied),
                "rendered_pieces": len(result.pieces) - len(result.reused),
                "notes": self.notes,
                "scenes": [
                    {
                        "index": s.index, "title": s.title, "start_s": round(start, 3),
                        "duration_s": d, "image_url": await storage.url(self.ctx.assets[
                            f"scene_{s.index}/image"].key),
                    }
                    for s, d, start in zip(scenes, durations, result.scene_starts, strict=True)
                ],
            },
        )
        return video


def _music_spans(bd: Breakdown, starts: list[float], total: float) -> list[tuple[float, float]]:
    """Each music cue's (start, end) on the final timeline, in seconds: a cue plays from its
    first scene (the first cue from 0) until the next cue begins."""
    begins = [0.0] + [starts[min(c.first_scene, len(starts)) - 1] for c in bd.music[1:]]
    return list(zip(begins, [*begins[1:], total], strict=True))
