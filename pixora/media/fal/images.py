"""Scene stills on fal: FLUX.1 [dev] (`fal-ai/flux/dev`) from the prompt, or FLUX.1 Kontext
[pro] from the characters' reference sheets (`fal-ai/flux-pro/kontext` with one sheet,
`fal-ai/flux-pro/kontext/multi` with two or more)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pixora.config import Settings
from pixora.media.cost import estimate_cost_usd, flux_size, kontext_aspect_ratio
from pixora.media.fal.client import NAME, FalQueue
from pixora.media.openai.images import REFERENCE_NOTE, image_prompt
from pixora.media.protocols import ContentPolicyError, ImageRequest, MediaFile, ProviderError
from pixora.media.transfer import save_fitted_image
from pixora.net.http import download

APP = "fal-ai/flux/dev"
KONTEXT = "fal-ai/flux-pro/kontext"
KONTEXT_MULTI = "fal-ai/flux-pro/kontext/multi"
REPHRASE = "rephrase the visual prompt"


class FluxImageGenerator:
    """`ImageGenerator` on fal's FLUX.1 [dev] queue.

    Renders at the frame's aspect ratio near one megapixel (`flux_size`), with the request's
    seed, downloads `images[0].url`, and writes it to `out` fitted to exactly
    `req.width`x`req.height` pixels. With `req.references` (the reference sheets of the
    characters in frame) each sheet is uploaded to fal storage and the scene is made by
    Kontext from them (`image_url`, or `image_urls` for several) at the nearest aspect ratio
    Kontext offers; a failure there fails the call (the pipeline's fallback renders the scene
    offline from the characters' traits, with a note), never a silent text-only image.

    Raises:
        ContentPolicyError: fal's safety checker flagged the image (`has_nsfw_concepts`).
        TransientError / ProviderError: see `FalQueue`; a result without `images[0].url`.
    """

    name = NAME

    def __init__(self, settings: Settings, queue: FalQueue | None = None) -> None:
        self._queue = queue or FalQueue(settings)

    async def _arguments(self, req: ImageRequest) -> tuple[str, dict[str, Any]]:
        """(app, arguments) for `req`: Kontext from uploaded sheets, else FLUX.1 [dev]."""
        common = {"num_images": 1, "seed": req.seed, "output_format": "png"}
        if not req.references:
            width, height = flux_size(req.width, req.height)
            return APP, {"prompt": image_prompt(req), **common,
                         "image_size": {"width": width, "height": height},
                         "enable_safety_checker": True}
        urls = [await self._queue.upload(p, REPHRASE) for p in req.references]
        refs: dict[str, Any] = {"image_url": urls[0]} if len(urls) == 1 else {"image_urls": urls}
        return (KONTEXT if len(urls) == 1 else KONTEXT_MULTI), {
            "prompt": f"{REFERENCE_NOTE} {image_prompt(req)}", **common, **refs,
            "aspect_ratio": kontext_aspect_ratio(req.width, req.height),
        }

    async def generate_image(self, req: ImageRequest, out: Path) -> MediaFile:
        app, arguments = await self._arguments(req)
        result = await self._queue.run(app, arguments, REPHRASE)
        images = result.get("images")
        url = images[0].get("url") if isinstance(images, list) and images and isinstance(
            images[0], dict) else None
        if not url:
            raise ProviderError(NAME, f"{app} result has no images[0].url")
        if any(result.get("has_nsfw_concepts") or []):
            raise ContentPolicyError(
                NAME, f"fal's safety checker flagged the generated image; {REPHRASE}"
            )
        data = await download(NAME, url, timeout_s=self._queue.timeout_s,
                              secrets=[self._queue.key])
        await save_fitted_image(NAME, data, out, req.width, req.height)
        return MediaFile(path=out, provider=NAME, width=req.width, height=req.height,
                         cost_usd=estimate_cost_usd(NAME, "image", req))
