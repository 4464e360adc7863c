"""Shared task state: the TaskContext model, its Redis store and the per-task event stream."""

from pixora.context.events import Event, EventStream
from pixora.context.models import (
    Asset,
    Breakdown,
    Character,
    MusicCue,
    Progress,
    Scene,
    Stage,
    TaskContext,
    VideoVersion,
    VoiceSpec,
)
from pixora.context.store import TaskNotFound, TaskStore

__all__ = [
    "Asset",
    "Breakdown",
    "Character",
    "Event",
    "EventStream",
    "MusicCue",
    "Progress",
    "Scene",
    "Stage",
    "TaskContext",
    "TaskNotFound",
    "TaskStore",
    "VideoVersion",
    "VoiceSpec",
]
