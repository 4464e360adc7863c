"""What a cloud media call costs, in US dollars, estimated before the call.

Prices are the providers' published list prices (checked 2025) for the models Pixora uses:

- OpenAI gpt-image-1, medium quality: $0.042 per 1024x1024 image, $0.063 per 1536x1024 or
  1024x1536 image.
- OpenAI gpt-4o-mini-tts: about $0.015 per minute of speech, taken as $0.015 per 1,000
  characters of narration (~1 minute).
- fal FLUX.1 [dev]: $0.025 per megapixel, billed per image at its pixel count.
- fal FLUX.1 Kontext [pro] (scenes made from character reference sheets): $0.04 per image.
- OpenAI image edits from reference sheets are priced as a generation of the same size (the
  sheets' input image tokens, about a cent for a few sheets, are not counted).
- fal Kling 1.6 standard image-to-video: $0.045 per second, in 5 s or 10 s clips.
- fal ElevenLabs multilingual v2: $0.10 per 1,000 characters.
- Replicate meta/musicgen: billed per GPU second; about $0.003 per second of music.

Local providers cost nothing. The pipeline compares estimates with
`settings.task_budget_usd` before calling, and providers put the figure in
`MediaFile.cost_usd`.
"""

from __future__ import annotations

import math
from typing import Literal

from pixora.media.protocols import ImageRequest, MotionRequest, MusicRequest, SpeechRequest

Capability = Literal["image", "motion", "speech", "music"]
Request = ImageRequest | MotionRequest | SpeechRequest | MusicRequest

OPENAI_IMAGE_SQUARE_USD = 0.042
OPENAI_IMAGE_WIDE_USD = 0.063
OPENAI_TTS_PER_1K_CHARS_USD = 0.015
FLUX_PER_MEGAPIXEL_USD = 0.025
KONTEXT_USD = 0.04
KONTEXT_RATIOS = ("21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21")
KLING_PER_SECOND_USD = 0.045
KLING_CLIPS_S = (5, 10)
ELEVENLABS_PER_1K_CHARS_USD = 0.10
MUSICGEN_PER_SECOND_USD = 0.003


def kontext_aspect_ratio(width: int, height: int) -> str:
    """The aspect ratio Kontext offers (`KONTEXT_RATIOS`) nearest to width / height."""
    def gap(ratio: str) -> float:
        w, h = (int(v) for v in ratio.split(":"))
        return abs(math.log(w / h) - math.log(width / height))
    return min(KONTEXT_RATIOS, key=gap)


def kling_clip_s(duration_s: float) -> int:
    """The Kling clip length (5 or 10 s) that covers `duration_s`, or 10 s for longer scenes."""
    return next((c for c in KLING_CLIPS_S if duration_s <= c), KLING_CLIPS_S[-1])


def openai_image_size(width: int, height: int) -> str:
    """The gpt-image-1 size for a frame's aspect ratio: square, landscape or portrait."""
    ratio = width / height
    if ratio > 1.2:
        return "1536x1024"
    if ratio < 1 / 1.2:
        return "1024x1536"
    return "1024x1024"


def flux_size(width: int, height: int) -> tuple[int, int]:
    """The FLUX render size: the frame's aspect ratio within one megapixel, multiples of 16."""
    scale = math.sqrt(1_000_000 / (width * height))
    return (max(16, int(width * scale) // 16 * 16), max(16, int(height * scale) // 16 * 16))


def estimate_cost_usd(provider: str, capability: Capability, req: Request) -> float:
    """The price in US dollars of one call to `provider` for `capability` with `req`.

    Raises:
        ValueError: the provider does not offer that capability.
    """
    if provider == "local":
        return 0.0
    match provider, capability, req:
        case "openai", "image", ImageRequest(width=w, height=h):
            wide = openai_image_size(w, h) != "1024x1024"
            usd = OPENAI_IMAGE_WIDE_USD if wide else OPENAI_IMAGE_SQUARE_USD
        case "openai", "speech", SpeechRequest(text=text):
            usd = len(text) / 1000 * OPENAI_TTS_PER_1K_CHARS_USD
        case "fal", "image", ImageRequest(references=refs) if refs:
            usd = KONTEXT_USD
        case "fal", "image", ImageRequest(width=w, height=h):
            fw, fh = flux_size(w, h)
            usd = math.ceil(fw * fh / 1_000_000) * FLUX_PER_MEGAPIXEL_USD
        case "fal", "motion", MotionRequest(duration_s=d):
            usd = kling_clip_s(d) * KLING_PER_SECOND_USD
        case "fal", "speech", SpeechRequest(text=text):
            usd = len(text) / 1000 * ELEVENLABS_PER_1K_CHARS_USD
        case "replicate", "music", MusicRequest(duration_s=d):
            usd = math.ceil(d) * MUSICGEN_PER_SECOND_USD
        case _:
            raise ValueError(f"{provider} has no price for {capability} with {type(req).__name__}")
    return round(usd, 4)
