"""OpenAI media providers: gpt-image-1 scene stills and gpt-4o-mini-tts narration."""

from pixora.media.openai.images import OpenAIImageGenerator
from pixora.media.openai.speech import OpenAISpeech

__all__ = ["OpenAIImageGenerator", "OpenAISpeech"]
