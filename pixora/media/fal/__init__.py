"""fal.ai media providers: FLUX stills, Kling 1.6 image-to-video, ElevenLabs narration."""

from pixora.media.fal.client import FalQueue
from pixora.media.fal.images import FluxImageGenerator
from pixora.media.fal.motion import KlingImageToVideo
from pixora.media.fal.speech import ElevenLabsSpeech

__all__ = ["ElevenLabsSpeech", "FalQueue", "FluxImageGenerator", "KlingImageToVideo"]
