"""Which provider serves each media capability, and why: the one place that picks between the
cloud providers (`pixora.media`) and the offline ones (`pixora.offline.media`).

Per capability the setting (`PIXORA_IMAGE_PROVIDER`, `..._MOTION_...`, `..._SPEECH_...`,
`..._MUSIC_...`, `PIXORA_STORAGE_PROVIDER`) is `auto`, `local` or a cloud provider.
`auto` takes the first cloud provider whose key is set, else local:

    image   openai (OPENAI_API_KEY), fal FLUX (FAL_KEY)
    motion  fal Kling 1.6 (FAL_KEY)
    speech  openai (OPENAI_API_KEY), fal ElevenLabs (FAL_KEY)
    music   replicate MusicGen (REPLICATE_API_TOKEN)
    storage supabase (SUPABASE_URL + SUPABASE_KEY)

Cloud providers are wrapped in `ResilientProvider` (retries, limits, local fallback); one
`Gate` per cloud provider is shared by all its capabilities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pixora.config import ConfigError, Settings
from pixora.media.protocols import ImageGenerator, ImageToVideo, MusicGenerator, SpeechSynthesizer
from pixora.media.resilience import ResilientProvider
from pixora.net.retry import Gate, RetryPolicy

CLOUD: dict[str, tuple[str, ...]] = {
    "image": ("openai", "fal"),
    "motion": ("fal",),
    "speech": ("openai", "fal"),
    "music": ("replicate",),
}
"""Cloud providers per capability, in `auto` preference order."""

KEY_VARS = {
    "openai": "OPENAI_API_KEY",
    "fal": "FAL_KEY",
    "replicate": "REPLICATE_API_TOKEN",
    "supabase": "SUPABASE_URL and SUPABASE_KEY",
}

MODELS = {
    ("image", "openai"): "gpt-image-1",
    ("image", "fal"): "FLUX.1 [dev]",
    ("motion", "fal"): "Kling 1.6 image-to-video",
    ("speech", "openai"): "gpt-4o-mini-tts",
    ("speech", "fal"): "ElevenLabs multilingual v2",
    ("music", "replicate"): "MusicGen",
    ("image", "local"): "Pillow scene renderer",
    ("motion", "local"): "Ken Burns (ffmpeg)",
    ("speech", "local"): "Piper TTS",
    ("music", "local"): "numpy synthesizer",
    ("storage", "local"): "local files",
    ("storage", "supabase"): "Supabase Storage",
}


@dataclass
class Providers:
    image: ImageGenerator
    motion: ImageToVideo
    speech: SpeechSynthesizer
    music: MusicGenerator


@dataclass(frozen=True)
class ProviderChoiceInfo:
    """The provider chosen for a capability, e.g. ("motion", "fal", "auto: FAL_KEY is set")."""

    capability: str
    provider: str
    reason: str


def has_key(settings: Settings, provider: str) -> bool:
    match provider:
        case "openai":
            return settings.openai_api_key is not None
        case "fal":
            return settings.fal_key is not None
        case "replicate":
            return settings.replicate_api_token is not None
        case "supabase":
            return bool(settings.supabase_url) and settings.supabase_key is not None
    return False


def _choose(settings: Settings, capability: str) -> ProviderChoiceInfo:
    var = f"PIXORA_{capability.upper()}_PROVIDER"
    choice: str = getattr(settings, f"{capability}_provider")
    options = ("supabase",) if capability == "storage" else CLOUD[capability]
    if choice == "local":
        return ProviderChoiceInfo(capability, "local", f"{var}=local")
    if choice == "auto":
        for provider in options:
            if has_key(settings, provider):
                return ProviderChoiceInfo(
                    capability, provider, f"auto: {KEY_VARS[provider]} "
                    f"{'are' if provider == 'supabase' else 'is'} set",
                )
        needs = " or ".join(KEY_VARS[p] for p in options)
        return ProviderChoiceInfo(capability, "local", f"auto: {needs} not set")
    if choice not in options:
        raise ConfigError(
            f"{var}={choice}: {choice} has no {capability} provider "
            f"(choose auto, local or {', '.join(options)})"
        )
    if not has_key(settings, choice):
        raise ConfigError(f"{var}={choice} needs {KEY_VARS[choice]}")
    return ProviderChoiceInfo(capability, choice, f"{var}={choice}")


def describe_providers(settings: Settings) -> list[ProviderChoiceInfo]:
    """The provider for each capability (image, motion, speech, music, storage) and why.

    Raises:
        ConfigError: a setting names a provider without that capability or without its key.
    """
    return [_choose(settings, c) for c in ("image", "motion", "speech", "music", "storage")]


def _local(capability: str, settings: Settings | None = None) -> Any:
    if capability == "image":
        from pixora.offline.media.image import LocalImageGenerator
        return LocalImageGenerator()
    if capability == "motion":
        from pixora.offline.media.motion import KenBurnsAnimator
        return KenBurnsAnimator()
    if capability == "speech":
        from pixora.offline.media.speech import PiperSpeech
        return PiperSpeech(settings.data_dir if settings else None)
    from pixora.offline.media.music import SynthMusic
    return SynthMusic()


def _cloud(capability: str, provider: str, settings: Settings) -> Any:
    if provider == "openai":
        from pixora.media import openai as oa
        return oa.OpenAIImageGenerator(settings) if capability == "image" else oa.OpenAISpeech(
            settings)
    if provider == "fal":
        from pixora.media import fal
        cls = {"image": fal.FluxImageGenerator, "motion": fal.KlingImageToVideo,
               "speech": fal.ElevenLabsSpeech}[capability]
        return cls(settings)
    from pixora.media.replicate import MusicGenMusic
    return MusicGenMusic(settings)


def select_providers(settings: Settings) -> Providers:
    """Build the media providers `describe_providers` chose; cloud ones wrapped for resilience
    (storage is built by `pixora.services.select_storage`).

    Raises:
        ConfigError: see `describe_providers`.
    """
    policy = RetryPolicy.from_settings(settings)
    gates: dict[str, Gate] = {}
    chosen: dict[str, Any] = {}
    for info in describe_providers(settings):
        if info.capability == "storage":
            continue
        if info.provider == "local":
            chosen[info.capability] = _local(info.capability, settings)
        else:
            gate = gates.setdefault(info.provider, Gate.from_settings(settings))
            chosen[info.capability] = ResilientProvider(
                _cloud(info.capability, info.provider, settings), _local(info.capability, settings),
                policy=policy, gate=gate,
            )
    return Providers(**chosen)
