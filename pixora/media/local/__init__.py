"""Offline media providers: Pillow images, Ken Burns motion, Piper narration, numpy music."""

from pixora.media.local.image import LocalImageGenerator, generate_character_portrait
from pixora.media.local.motion import KenBurnsAnimator
from pixora.media.local.music import SynthMusic
from pixora.media.local.speech import PiperSpeech

__all__ = [
    "KenBurnsAnimator",
    "LocalImageGenerator",
    "PiperSpeech",
    "SynthMusic",
    "generate_character_portrait",
]
