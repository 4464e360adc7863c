"""The composer: scene clips, narration and music into one H.264/AAC MP4, with ffmpeg.

The video is made of pieces, each rendered once and cached under a content hash of its inputs
(`pixora.context.files.content_hash`):

- the *body* of each scene: its clip fitted to the scene length (trim / speed / loop, see
  `pixora.media.timeline.fit_clip`), without the transition overlaps at its edges;
- each *transition*: ffmpeg `xfade` between the last `transition_s` of a scene and the first
  `transition_s` of the next (none for `"cut"`).

Every piece is a whole number of frames, starts on a keyframe and uses the same fixed x264
settings (`pixora.media.encoding`), so the pieces join by stream copy (concat demuxer,
`-c copy`) and an edit re-encodes only the pieces whose inputs changed.

A body is rendered (decoded, fitted, encoded) unless its clip is already in the piece format:
H.264 with the same parameter sets (SPS/PPS) as a reference piece, at the output size and
frame rate, exactly the scene's frame count and a keyframe on the body's first frame. Such a
body is cut out of the clip by stream copy instead, so each of its frames is encoded once
(`pixora.offline.media.motion.KenBurnsAnimator` makes such clips when asked for the keyframes).
With burned-in captions, such a body is rendered only where captions may show (up to the
clip's next keyframe); its caption-free head and tail are still cut by stream copy.

The soundtrack (`pixora.media.soundtrack`: narration over ducked music, fade-out, two-pass
`loudnorm`) is cached the same way, so a clip edit does not remix it and a narration edit
renders no video. Timeline rules: `pixora.media.timeline`.

Modules, by job: `inputs` (the caller's scenes and cues, read from disk), `plan` (what to
render and what the cache already holds, without running ffmpeg), `filters` (the ffmpeg filter
chains of a piece), `runner` (`Composer`: runs the plan, joins the pieces), `together`
(awaiting several jobs at once, failing as in sequence).
"""

from pixora.media.composition.inputs import CompositionError, MusicInput, SceneInput
from pixora.media.composition.runner import Captions, Composer, ComposeResult

__all__ = ["Captions", "ComposeResult", "Composer", "CompositionError", "MusicInput",
           "SceneInput"]
