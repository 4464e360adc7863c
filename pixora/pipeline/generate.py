"""One generation run: a task's video from its approved breakdown.

Order: character reference images; then every scene in parallel (narration and image), whose
narration lengths set the scene durations; then every motion clip and the music in parallel;
then composition. Assets come from the task's `AssetCache`, so a re-run (after a crash, or after
an edit) makes only what changed; requests are built by `pixora.pipeline.requests`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
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
from pixora.pipeline.assets import AssetCache, GenerationCancelled, check_cancelled
from pixora.pipeline.progress import ProgressReporter
from pixora.services import Services
from pixora.storage.base import key_for


class GenerationRefused(ValueError):
    """Generation may not start: the current breakdown version is not the approved one."""


def _check_image(scene: Scene) -> Path:
    path = Path(scene.image or "")
    try:
        with Image.open(path) as im:
            im.verify()
    except (OSError, UnidentifiedImageError):
        raise ValueError(f"scene {scene.index} image {scene.image}: cannot be read") from None
    return path


class GenerationRun:
    """One generation run of one task. Use `await GenerationRun(svc, task_id).run()`."""

    def __init__(self, svc: Services, task_id: str) -> None:
        self.svc = svc
        self.task_id = task_id
        self.progress = ProgressReporter(svc.store, svc.events, task_id)
        self.ctx: TaskContext
        self.assets: AssetCache

    def _load(self, ctx: TaskContext) -> None:
        """Start working on `ctx`, the task as this run last read or wrote it."""
        self.ctx = ctx
        self.assets = AssetCache(self.svc, self.task_id, ctx, self.progress)

    # -- stages ------------------------------------------------------------------------------

    async def _character(self, bd: Breakdown, ch: Character) -> Asset:
        image = self.svc.providers.image
        req = requests.character_request(bd, ch)
        return await self.assets.get_or_make(
            f"character/{ch.id}", "image", key_for(self.task_id, "character", name=ch.id),
            {"req": req.__dict__, "provider": image.name},
            lambda out: image.generate_image(req, out), ("image", req),
        )

    async def _references(self, refs: dict[str, Asset]) -> None:
        """Record each character's reference sheet (`refs`, by id) as its `reference_image`,
        in the current breakdown version (a reference is not an edit), and show it (a
        `scene_breakdown` event)."""
        bd = self.ctx.breakdown
        if bd is None or all(c.reference_image == refs[c.id].key for c in bd.characters
                             if c.id in refs):
            return

        def record(ctx: TaskContext) -> None:
            for c in ctx.breakdown.characters if ctx.breakdown else []:
                if c.id in refs:
                    c.reference_image = refs[c.id].key

        self.ctx = await self.svc.store.update(self.task_id, record)
        self.assets.ctx = self.ctx
        await self.svc.events.append(self.task_id, events.scene_breakdown(self.ctx))

    async def _narration(self, bd: Breakdown, scene: Scene) -> Asset:
        speech = self.svc.providers.speech
        req = requests.narration_request(bd, scene)
        return await self.assets.get_or_make(
            f"scene_{scene.index}/narration", "narration",
            key_for(self.task_id, "narration", scene=scene.index),
            {"text": scene.script, "voice": bd.voice.model_dump(), "provider": speech.name},
            lambda out: speech.synthesize(req, out), ("speech", req),
        )

    async def _image(self, bd: Breakdown, scene: Scene, refs: dict[str, Asset]) -> Asset:
        key = key_for(self.task_id, "image", scene=scene.index)
        if scene.image:
            src = _check_image(scene)

            async def copy(out: Path) -> MediaFile:
                with Image.open(src) as im:
                    im.convert("RGB").save(out, format="PNG")
                    return MediaFile(out, "user", width=im.width, height=im.height)

            return await self.assets.get_or_make(
                f"scene_{scene.index}/image", "image", key, {"user_image": file_hash(src)}, copy
            )
        people = requests.scene_people(bd, scene)
        req = requests.image_request(bd, scene, tuple(
            self.svc.storage.local_path(refs[c.id].key) for c in people if c.id in refs
        ))
        image = self.svc.providers.image
        return await self.assets.get_or_make(
            f"scene_{scene.index}/image", "image", key,
            {
                "req": {**req.__dict__, "references": [refs[c.id].inputs_hash for c in people],
                        "cast": [c.model_dump(include={"id", "kind", "traits"}) for c in people]},
                "provider": image.name,
            },
            lambda out: image.generate_image(req, out), ("image", req),
        )

    async def _motion(self, bd: Breakdown, scene: Scene, image: Asset, duration: float) -> Asset:
        settings = self.svc.settings
        motion = self.svc.providers.motion
        req = requests.motion_request(
            bd, scene, self.svc.storage.local_path(image.key), duration,
            fps=settings.fps, transition_s=settings.transition_s,
        )
        return await self.assets.get_or_make(
            f"scene_{scene.index}/motion", "motion",
            key_for(self.task_id, "motion", scene=scene.index),
            {"image": image.inputs_hash, "provider": motion.name, **motion.depends_on(req)},
            lambda out: motion.animate(req, out), ("motion", req),
        )

    async def _music(self, bd: Breakdown, n: int, span: float) -> Asset:
        music = self.svc.providers.music
        req = requests.music_request(bd, n, span)
        return await self.assets.get_or_make(
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
        self._load(await self.svc.store.load(self.task_id))
        bd = self.ctx.breakdown
        if bd is None or not self.ctx.is_approved:
            raise GenerationRefused("the scene breakdown is not approved yet")
        scene = bd.scene(index)
        if kind == "narration":
            return await self._narration(bd, scene)
        refs = {c.id: await self._character(bd, c) for c in requests.scene_people(bd, scene)}
        await self._references(refs)
        image = await self._image(bd, scene, refs)
        if kind == "image":
            return image
        narrations = [await self._narration(bd, s) for s in bd.scenes]
        return await self._motion(bd, scene, image, self._durations(bd, narrations)[index - 1])

    def _durations(self, bd: Breakdown, narrations: list[Asset]) -> list[float]:
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

        self._load(await self.svc.store.update(self.task_id, start))
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
                self.task_id, events.error("generation_failed", message)
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
        await self._references(refs)
        narrations, images = await asyncio.gather(
            self._staged("narration", "Narration", [self._narration(bd, s) for s in scenes]),
            self._staged("images", "Scene image", [self._image(bd, s, refs) for s in scenes]),
        )
        durations = self._durations(bd, narrations)
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
        await check_cancelled(self.svc, self.task_id)
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
            workers=settings.scene_jobs,
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
                    words=await narration_words(n, s.script, storage.local_path(n.key)),
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

        self.ctx = await self.svc.store.update(self.task_id, done)
        await self.progress.finish(f"Video version {version} is ready")
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
            notes=self.assets.notes,
            scenes=[
                {
                    "index": s.index, "title": s.title, "start_s": round(start, 3),
                    "duration_s": d, "image_url": await storage.url(self.ctx.assets[
                        f"scene_{s.index}/image"].key),
                }
                for s, d, start in zip(scenes, durations, result.scene_starts, strict=True)
            ],
        ))
        return video


def _music_spans(bd: Breakdown, starts: list[float], total: float) -> list[tuple[float, float]]:
    """Each music cue's (start, end) on the final timeline, in seconds: a cue plays from its
    first scene (the first cue from 0) until the next cue begins."""
    begins = [0.0] + [starts[min(c.first_scene, len(starts)) - 1] for c in bd.music[1:]]
    return list(zip(begins, [*begins[1:], total], strict=True))
