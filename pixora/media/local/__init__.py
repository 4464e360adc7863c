"""Offline media providers: Pillow images, Ken Burns motion, Piper narration, numpy music."""
