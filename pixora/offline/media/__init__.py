"""Offline media providers: Pillow images, Ken Burns motion, Piper narration, numpy music."""

from pixora.offline.media.image import LocalImageGenerator
from pixora.offline.media.motion import KenBurnsAnimator
from pixora.offline.media.music import SynthMusic
from pixora.offline.media.speech import PiperSpeech

__all__ = [
    "KenBurnsAnimator",
    "LocalImageGenerator",
    "PiperSpeech",
    "SynthMusic",
]
