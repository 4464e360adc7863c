"""Local HTTP servers speaking the cloud APIs' wire formats, for tests.

- `OpenAIWireServer`: the Responses API, replaying a script of model turns (streaming SSE).
- `OpenAIChatWireServer`: Chat Completions (OpenAI-compatible servers), the same scripts.
- `OpenAIMediaServer`: OpenAI Images and Speech.
- `FalServer`: fal's queue (submit, status with logs, result) and storage upload.
- `ReplicateServer`: Replicate models and predictions, with output file download.
- `SupabaseStorageServer`: Supabase Storage upload, download and signed URLs.

Each is a context manager on a free port of 127.0.0.1 that records requests (`received`,
`hits(route)`) and serves queued faults first (`fault(route, Reply(...))`).
"""

from .base import Reply, WireRequest, WireServer
from .fal import FalServer
from .openai_chat import OpenAIChatWireServer
from .openai_media import OpenAIMediaServer
from .openai_responses import FunctionCall, OpenAIWireServer, Turn
from .replicate import ReplicateServer
from .supabase import SupabaseStorageServer

__all__ = [
    "FalServer",
    "FunctionCall",
    "OpenAIChatWireServer",
    "OpenAIMediaServer",
    "OpenAIWireServer",
    "ReplicateServer",
    "Reply",
    "SupabaseStorageServer",
    "Turn",
    "WireRequest",
    "WireServer",
]
