"""Replicate media providers: MusicGen background music."""

from pixora.media.replicate.music import MusicGenMusic

__all__ = ["MusicGenMusic"]
