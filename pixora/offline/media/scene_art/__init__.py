"""Offline scene art: flat illustrations drawn with Pillow and numpy from a visual prompt.

`prompt` reads the prompt (setting, landscape, subjects, shot size, season), `palette` holds
the colours and the grade, `landscape` the backdrops, `motifs_*` and `abstract` the
foreground subjects, `layout` frames and draws a scene, `typography` sets the title and
reference portraits, `portrait` draws character references.
"""
