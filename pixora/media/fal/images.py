"""Scene stills from FLUX.1 [dev] on fal (`fal-ai/flux/dev`)."""

from __future__ import annotations

from pathlib import Path

from pixora.config import Settings
from pixora.media.cost import estimate_cost_usd, flux_size
from pixora.media.fal.client import NAME, FalQueue
from pixora.media.openai.images import image_prompt
from pixora.media.protocols import ContentPolicyError, ImageRequest, MediaFile, ProviderError
from pixora.media.transfer import save_fitted_image
from pixora.net.http import download

APP = "fal-ai/flux/dev"
REPHRASE = "rephrase the visual prompt"


class FluxImageGenerator:
    """`ImageGenerator` on fal's FLUX.1 [dev] queue.

    Renders at the frame's aspect ratio near one megapixel (`flux_size`), with the request's
    seed, downloads `images[0].url`, and writes it to `out` fitted to exactly
    `req.width`x`req.height` pixels.

    Raises:
        ContentPolicyError: fal's safety checker flagged the image (`has_nsfw_concepts`).
        TransientError / ProviderError: see `FalQueue`; a result without `images[0].url`.
    """

    name = NAME

    def __init__(self, settings: Settings, queue: FalQueue | None = None) -> None:
        self._queue = queue or FalQueue(settings)

    async def generate_image(self, req: ImageRequest, out: Path) -> MediaFile:
        width, height = flux_size(req.width, req.height)
        result = await self._queue.run(APP, {
            "prompt": image_prompt(req),
            "image_size": {"width": width, "height": height},
            "num_images": 1,
            "seed": req.seed,
            "enable_safety_checker": True,
            "output_format": "png",
        }, REPHRASE)
        images = result.get("images")
        url = images[0].get("url") if isinstance(images, list) and images and isinstance(
            images[0], dict) else None
        if not url:
            raise ProviderError(NAME, f"{APP} result has no images[0].url")
        if any(result.get("has_nsfw_concepts") or []):
            raise ContentPolicyError(
                NAME, f"fal's safety checker flagged the generated image; {REPHRASE}"
            )
        data = await download(NAME, url, timeout_s=self._queue.timeout_s,
                              secrets=[self._queue.key])
        await save_fitted_image(NAME, data, out, req.width, req.height)
        return MediaFile(path=out, provider=NAME, width=req.width, height=req.height,
                         cost_usd=estimate_cost_usd(NAME, "image", req))
