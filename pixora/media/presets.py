"""Video strategy presets: the mood matrix, camera moves, and platform presets.

The mood matrix (four categories on a 0-100 energy slider) and camera names come from
Pixora's phase-3 video strategy plan; each camera maps onto a Ken Burns motion the local
motion provider can render.
"""

from __future__ import annotations

from dataclasses import dataclass

from pixora.media.protocols import Motion


@dataclass(frozen=True)
class MoodPreset:
    name: str
    low: int
    high: int
    cameras: tuple[str, ...]
    lighting: tuple[str, ...]
    keywords: tuple[str, ...]
    tempo_bpm: int
    key: str
    progression: tuple[str, ...]
    """Chord degrees, e.g. ("i", "VI", "III", "VII")."""


MOOD_MATRIX: dict[str, MoodPreset] = {
    "high_energy": MoodPreset(
        "high_energy", 75, 100, ("fpv_drone", "crash_zoom_in", "whip_pan_right"),
        ("high_contrast", "neon_glow"), ("dynamic", "explosive", "intense"),
        128, "E minor", ("i", "VI", "III", "VII"),
    ),
    "luxury_reveal": MoodPreset(
        "luxury_reveal", 50, 75, ("dolly_slow", "crane_up", "pan_slow"),
        ("golden_hour", "soft_key"), ("elegant", "sophisticated", "premium"),
        92, "D major", ("I", "V", "vi", "IV"),
    ),
    "intimate_story": MoodPreset(
        "intimate_story", 25, 50, ("static_focus", "handheld_subtle", "dolly_zoom"),
        ("natural", "warm_ambient"), ("personal", "emotional", "authentic"),
        76, "G major", ("I", "vi", "IV", "V"),
    ),
    "surreal_trip": MoodPreset(
        "surreal_trip", 0, 25, ("bullet_time", "spiral_zoom", "through_object"),
        ("neon_noir", "volumetric"), ("dreamlike", "abstract", "otherworldly"),
        64, "A minor", ("i", "iv", "VI", "v"),
    ),
}

MOOD_ALIASES: dict[str, str] = {
    "energetic": "high_energy", "epic": "high_energy", "exciting": "high_energy",
    "action": "high_energy", "upbeat": "high_energy", "intense": "high_energy",
    "elegant": "luxury_reveal", "inspiring": "luxury_reveal", "uplifting": "luxury_reveal",
    "cinematic": "luxury_reveal", "majestic": "luxury_reveal", "hopeful": "luxury_reveal",
    "calm": "intimate_story", "warm": "intimate_story", "emotional": "intimate_story",
    "personal": "intimate_story", "gentle": "intimate_story", "peaceful": "intimate_story",
    "calmer": "intimate_story", "sad": "intimate_story", "nostalgic": "intimate_story",
    "dreamy": "surreal_trip", "mysterious": "surreal_trip", "surreal": "surreal_trip",
    "dark": "surreal_trip", "eerie": "surreal_trip", "abstract": "surreal_trip",
}


def mood_from_level(level: float) -> str:
    """The mood category for a 0-100 energy level (0 dreamlike, 100 intense)."""
    level = min(max(level, 0.0), 100.0)
    for preset in MOOD_MATRIX.values():
        if preset.low <= level < preset.high or (level == 100 and preset.high == 100):
            return preset.name
    return "luxury_reveal"


def resolve_mood(mood: str | float | None) -> str:
    """A mood category from a category name, an adjective, or a 0-100 level.

    Unknown words fall back to `luxury_reveal`.
    """
    if mood is None:
        return "luxury_reveal"
    if isinstance(mood, int | float):
        return mood_from_level(float(mood))
    word = mood.strip().lower().replace(" ", "_").replace("-", "_")
    if word.replace(".", "", 1).isdigit():
        return mood_from_level(float(word))
    return word if word in MOOD_MATRIX else MOOD_ALIASES.get(word, "luxury_reveal")


CAMERA_MOTION: dict[str, Motion] = {
    "fpv_drone": "zoom_in",
    "crash_zoom_in": "zoom_in",
    "whip_pan_right": "pan_right",
    "dolly_slow": "zoom_in",
    "crane_up": "gentle_pan",
    "pan_slow": "pan_left",
    "static_focus": "static",
    "handheld_subtle": "gentle_pan",
    "dolly_zoom": "zoom_out",
    "bullet_time": "gentle_pan",
    "spiral_zoom": "zoom_in",
    "through_object": "zoom_in",
    "zoom_in": "zoom_in",
    "zoom_out": "zoom_out",
    "pan_left": "pan_left",
    "pan_right": "pan_right",
    "gentle_pan": "gentle_pan",
    "static": "static",
    "ken_burns": "zoom_in",
}


def motion_for_camera(camera: str) -> Motion:
    """The Ken Burns motion that renders a named camera move (unknown names: gentle_pan)."""
    return CAMERA_MOTION.get(camera.strip().lower(), "gentle_pan")


@dataclass(frozen=True)
class PlatformPreset:
    name: str
    aspect_ratio: str
    max_duration_s: int


PLATFORMS: dict[str, PlatformPreset] = {
    "youtube": PlatformPreset("youtube", "16:9", 600),
    "tiktok": PlatformPreset("tiktok", "9:16", 180),
    "reels": PlatformPreset("reels", "9:16", 90),
    "shorts": PlatformPreset("shorts", "9:16", 60),
    "instagram": PlatformPreset("instagram", "4:5", 60),
}
