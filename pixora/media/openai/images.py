"""Scene stills from OpenAI's Images API (model gpt-image-1): generated from the prompt, or,
with character references, made by an image edit from the reference sheets."""

from __future__ import annotations

import asyncio
import base64
import binascii
from pathlib import Path
from typing import Any

import openai

from pixora.config import Settings
from pixora.media.cost import estimate_cost_usd, openai_image_size
from pixora.media.openai.client import NAME, make_client, map_error
from pixora.media.protocols import ImageRequest, MediaFile, ProviderError
from pixora.media.transfer import save_fitted_image

MODEL = "gpt-image-1"
REPHRASE = "rephrase the visual prompt"
REFERENCE_NOTE = ("The attached images are reference sheets of the characters in this scene "
                  "(front, three-quarter, profile and back views): draw each character exactly "
                  "as in its sheet (face, hair, clothes, colours, proportions), once, in the "
                  "scene below; do not copy the sheet layout or its labels.")


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

    Without references: `POST /v1/images/generations`. With `req.references` (the reference
    sheets of the characters in frame): `POST /v1/images/edits` with every sheet as an input
    image (`image=[...]`) and the prompt asking to keep each character as its sheet shows it;
    a failure there is a failure of the call (the pipeline's fallback renders the scene
    offline from the characters' traits and says so), never a silent text-only image.
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
        common: dict[str, Any] = {
            "model": MODEL, "size": openai_image_size(req.width, req.height),
            "quality": "medium", "output_format": "png", "n": 1,
        }
        try:
            if req.references:
                sheets = await asyncio.to_thread(
                    lambda: [(p.name, p.read_bytes(), "image/png") for p in req.references])
                response = await self._client.images.edit(
                    image=sheets, prompt=f"{REFERENCE_NOTE} {image_prompt(req)}", **common)
            else:
                response = await self._client.images.generate(prompt=image_prompt(req),
                                                               **common)
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
