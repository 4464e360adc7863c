"""Image-to-video clips from Kling 1.6 (standard) on fal."""

from __future__ import annotations

from pathlib import Path

from pixora.config import Settings
from pixora.context.vocabulary import camera_phrase
from pixora.media.cost import estimate_cost_usd, kling_clip_s
from pixora.media.fal.client import NAME, FalQueue
from pixora.media.ffmpeg import probe
from pixora.media.protocols import MediaFile, MotionRequest, ProviderError
from pixora.net.http import download

APP = "fal-ai/kling-video/v1.6/standard/image-to-video"
REPHRASE = "rephrase the visual prompt"
NEGATIVE = "blur, distortion, warped faces, low quality, text, watermark"


class KlingImageToVideo:
    """`ImageToVideo` on `fal-ai/kling-video/v1.6/standard/image-to-video`.

    The still is uploaded to fal storage and its URL sent as `image_url`; the clip is 5 s
    when `req.duration_s` <= 5, else 10 s (Kling's two lengths). The composer fits the clip
    to the scene later (trim, loop or speed), so `MediaFile.duration_s` is the clip's own
    length, probed from the downloaded MP4 at `out`.

    Raises:
        ContentPolicyError / TransientError / ProviderError: see `FalQueue`; a result
            without `video.url`; a download that is not readable video.
    """

    name = NAME

    def __init__(self, settings: Settings, queue: FalQueue | None = None) -> None:
        self._queue = queue or FalQueue(settings)

    def depends_on(self, req: MotionRequest) -> dict[str, object]:
        """Kling's clip length (5 or 10 s), prompt, move and frame: not the exact scene length
        nor keyframes, which Kling does not take."""
        return {"clip_s": kling_clip_s(req.duration_s), "prompt": req.prompt,
                "motion": req.motion, "size": [req.width, req.height]}

    async def animate(self, req: MotionRequest, out: Path) -> MediaFile:
        image_url = await self._queue.upload(req.image, REPHRASE)
        prompt = ", ".join(p for p in (req.prompt.strip(), camera_phrase(req.motion)) if p)
        result = await self._queue.run(APP, {
            "prompt": prompt,
            "image_url": image_url,
            "duration": str(kling_clip_s(req.duration_s)),
            "negative_prompt": NEGATIVE,
            "cfg_scale": 0.5,
        }, REPHRASE)
        video = result.get("video")
        url = video.get("url") if isinstance(video, dict) else None
        if not url:
            raise ProviderError(NAME, f"{APP} result has no video.url")
        out.write_bytes(await download(NAME, url, timeout_s=self._queue.timeout_s,
                                       secrets=[self._queue.key]))
        try:
            info = probe(out)
        except ValueError:
            raise ProviderError(NAME, f"{APP} returned a file that is not readable video") from None
        if info.video_codec is None:
            raise ProviderError(NAME, f"{APP} returned a file with no video stream")
        return MediaFile(path=out, provider=NAME, duration_s=info.duration_s, width=info.width,
                         height=info.height, cost_usd=estimate_cost_usd(NAME, "motion", req))
