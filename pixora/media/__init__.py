"""Media: provider protocols, presets, local providers and the ffmpeg composer."""
