"""Captions: word timings of the narration (`words`), cues on the final timeline (`cues`),
SRT/WebVTT files (`files`) and burned-in ASS styles rendered with libass (`ass`)."""
