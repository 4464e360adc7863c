"""Scene stills from OpenAI's Images API (model gpt-image-1)."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

import openai

from pixora.config import Settings
from pixora.media.cost import estimate_cost_usd, openai_image_size
from pixora.media.openai.client import NAME, make_client, map_error
from pixora.media.protocols import ImageRequest, MediaFile, ProviderError
from pixora.media.transfer import save_fitted_image

MODEL = "gpt-image-1"
REPHRASE = "rephrase the visual prompt"


def image_prompt(req: ImageRequest) -> str:
    """The text prompt: the scene's visual prompt, the characters in frame, and style,
    lighting and mood words."""
    parts = [req.prompt.strip()]
    if req.characters:
        parts.append("Featuring " + "; ".join(req.characters) + ".")
    parts.append(f"Style: {req.style}.")
    if req.lighting:
        parts.append(f"Lighting: {req.lighting.replace('_', ' ')}.")
    parts.append(f"Mood: {req.mood.replace('_', ' ')}. No text or lettering in the image.")
    return " ".join(parts)


class OpenAIImageGenerator:
    """`ImageGenerator` on `POST /v1/images/generations` with gpt-image-1.

    The size is chosen by aspect ratio (1024x1024, 1536x1024 or 1024x1536, see
    `openai_image_size`); the PNG is then scaled and centre-cropped to exactly
    `req.width`x`req.height` pixels and written to `out`.

    Raises:
        ContentPolicyError: the prompt was refused (code `moderation_blocked` or
            `content_policy_violation`).
        TransientError: HTTP 429/5xx, timeout or network error.
        ProviderError: any other failure, including a response without image data.
    """

    name = NAME

    def __init__(self, settings: Settings) -> None:
        self._client, self._key = make_client(settings)

    async def generate_image(self, req: ImageRequest, out: Path) -> MediaFile:
        try:
            response = await self._client.images.generate(
                model=MODEL,
                prompt=image_prompt(req),
                size=openai_image_size(req.width, req.height),
                quality="medium",
                output_format="png",
                n=1,
            )
        except openai.OpenAIError as err:
            raise map_error(err, self._key, REPHRASE) from None
        data = response.data[0].b64_json if response.data else None
        if not data:
            raise ProviderError(NAME, "images response has no data[0].b64_json")
        try:
            png = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ProviderError(NAME, "images response data[0].b64_json is not base64") from None
        await save_fitted_image(NAME, png, out, req.width, req.height)
        return MediaFile(
            path=out, provider=NAME, width=req.width, height=req.height,
            cost_usd=estimate_cost_usd(NAME, "image", req),
        )
