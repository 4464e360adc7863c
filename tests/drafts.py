"""A breakdown as a real model writes it (the `BreakdownDraft` structured output), for tests
that script a model on the local Responses API server."""

from __future__ import annotations

from typing import Any


def coral_reef_draft(hook_s: float, close_s: float) -> dict[str, Any]:
    """A two-scene draft about coral reefs; scene lengths in seconds."""
    return {
        "title": "Coral Reefs",
        "characters": [],
        "music_mood": "calm",
        "music_genre": "ambient",
        "scenes": [
            {"title": "Hook", "script": "Beneath the waves, a city of coral glows.",
             "visual_prompt": "A sunlit coral reef teeming with fish, wide underwater shot",
             "duration": hook_s, "mood": "luxury_reveal", "camera": "dolly_slow",
             "lighting": "soft_key", "transition": "fade", "characters": []},
            {"title": "Close", "script": "Protect it, and it will outlive us all.",
             "visual_prompt": "A diver hovering over a healthy reef at dusk",
             "duration": close_s, "mood": "intimate_story", "camera": "static_focus",
             "lighting": "warm_ambient", "transition": "fadeblack", "characters": []},
        ],
    }
