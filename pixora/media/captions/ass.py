"""Burned-in captions as ASS scripts for libass (ffmpeg's `ass` filter), in four styles:

- off: nothing burned in;
- subtitle: plain lines at the bottom (or the look's position);
- karaoke: the cue's lines, the word being spoken in the highlight colour;
- bold: big centred words, 1-3 at a time.

Layout keeps clear of the platform's UI: on a portrait (9:16) frame the top 12 %, the bottom
20 % and the right-hand action rail (`RAIL` of the width) are never drawn on; elsewhere a 6 %
margin. The font (DejaVu Sans Bold, shipped in `fonts/`) is sized from the frame and the look's
size, and each style breaks its lines for that size (never beyond `cues.MAX_LINE` columns), so
a line never needs libass to wrap it (`WrapStyle: 2`).

Events are in scene time (seconds from the scene's start); `piece_script` cuts the events of
one video piece out and shifts them to the piece's own time, so a piece's script (and so its
cache key) depends only on what is shown on it; `shown_frames` tells which frames of a scene
any caption may show on (the rest need no burning).

Scripts are drawn by libass onto a transparent caption layer, once per change of what they
show (`Script.change_frames`), and the layer is laid over the video (see
`pixora.media.composition.filters.burn`); `Layout.burn_band` bounds the rows it covers.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pixora.context.models import CaptionLook
from pixora.context.vocabulary import CAPTION_STYLES
from pixora.media.captions.cues import (
    MAX_LINE,
    MAX_LINES,
    SENTENCE_END,
    Cue,
    break_lines,
    display_tokens,
    join,
    line_groups,
)
from pixora.media.captions.words import Word

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_NAME = "DejaVu Sans"
EM_WIDTH = 0.66
"""A bold character's average advance in ems (DejaVu Sans Bold measures 0.61 on mixed text),
with room for the outline."""
TOP_BAND, BOTTOM_BAND, RAIL = 0.12, 0.20, 0.14
"""Portrait UI bands, as fractions of the height (top, bottom) and the width (right rail)."""
MARGIN = 0.06
LINE_HEIGHT = 1.4
"""A line's height in font sizes, with the outline and the highlight's border."""
PAD = 0.02
SHADOW_OPACITY = 0.5
"""How opaque the (black) shadow under the text is; the text and its outline are opaque."""
SIZE_SCALE = {"small": 0.8, "medium": 1.0, "large": 1.3}
STYLE_EM = {"subtitle": 0.05, "karaoke": 0.06, "bold": 0.1}
"""Font size per style, as a fraction of the frame's shorter side (before `SIZE_SCALE`)."""


class UnknownCaptionStyle(ValueError):
    """A caption style that does not exist; the message lists the valid ones."""


def check_style(style: str) -> str:
    """`style` if it is one of `CAPTION_STYLES`.

    Raises:
        UnknownCaptionStyle: it is not; the message lists the valid styles.
    """
    if style not in CAPTION_STYLES:
        raise UnknownCaptionStyle(
            f"caption style {style!r}: unknown (use one of {', '.join(CAPTION_STYLES)})")
    return style


@dataclass(frozen=True)
class Event:
    """One ASS Dialogue line: `text` (with override tags) shown from `start_s` to `end_s`."""

    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True)
class Layout:
    """Where and how big captions are drawn on a `width` x `height` frame: margins in pixels,
    ASS alignment (numpad), font size in pixels, and the columns a line may hold."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    alignment: int
    margin_v: int
    font_px: int
    columns: int

    def safe_box(self) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1): the region captions may be drawn in."""
        return self.left, self.top, self.width - self.right, self.height - self.bottom

    @property
    def outline(self) -> int:
        """The outline's width in pixels."""
        return max(2, round(self.font_px * 0.08))

    @property
    def shadow(self) -> int:
        """The shadow's offset in pixels."""
        return max(1, self.outline // 2)

    def text_band(self) -> tuple[int, int]:
        """(y0, y1): the rows, in pixels, that `MAX_LINES` lines of text (outline included)
        can cover at this layout's alignment."""
        tall = round(MAX_LINES * self.font_px * LINE_HEIGHT)
        if self.alignment == 2:
            y1 = self.height - self.margin_v
        elif self.alignment == 8:
            y1 = self.margin_v + tall
        else:
            y1 = (self.height + tall) // 2
        return max(0, y1 - tall), min(self.height, y1)

    def burn_band(self) -> tuple[int, int]:
        """(y0, y1): the rows, in pixels, libass may draw captions on: `text_band` widened by
        the outline, the shadow and a pixel either side, on even rows (for 4:2:0 chroma)."""
        y0, y1 = self.text_band()
        pad = self.outline + self.shadow + 1
        return max(0, (y0 - pad) // 2 * 2), min(self.height, (y1 + pad + 1) // 2 * 2)


def layout(size: tuple[int, int], style: str, look: CaptionLook) -> Layout:
    """The layout of `style` captions on a frame of `size` (width, height) pixels."""
    w, h = size
    if h > w:
        top, bottom = round(h * (TOP_BAND + PAD)), round(h * (BOTTOM_BAND + PAD))
        left, right = round(w * MARGIN), round(w * (RAIL + PAD))
    else:
        top = bottom = round(h * MARGIN)
        left = right = round(w * MARGIN)
    font = max(12, round(min(w, h) * STYLE_EM.get(style, 0.05) * SIZE_SCALE[look.size]))
    columns = max(6, min(MAX_LINE, int((w - left - right) / (font * EM_WIDTH))))
    alignment, margin_v = {"bottom": (2, bottom), "middle": (5, 0), "top": (8, top)}[
        look.position]
    return Layout(w, h, left, right, top, bottom, alignment, margin_v, font, columns)


def _colour(hex_rgb: str) -> str:
    """"#RRGGBB" as an ASS style colour, &HAABBGGRR (opaque)."""
    return f"&H00{_bgr(hex_rgb)}"


def _bgr(hex_rgb: str) -> str:
    """"#RRGGBB" as the BBGGRR of an ASS override tag (`\\1c&HBBGGRR&`)."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{b}{g}{r}".upper()


def header(size: tuple[int, int], style: str, look: CaptionLook) -> str:
    """The ASS script header ([Script Info], [V4+ Styles]) for `style` on frames of `size`.

    The shadow's colour (BackColour) is written for the caption layer it is drawn on: on a
    transparent layer, ffmpeg's `ass` filter weighs a colour's opacity into the layer's alpha
    twice, so the shadow is written at sqrt(SHADOW_OPACITY) to show at SHADOW_OPACITY (the
    shadow is black, which the layer's black background keeps as it is)."""
    lay = layout(size, style, look)
    shadow = 255 - round(255 * math.sqrt(SHADOW_OPACITY))
    return (
        "[Script Info]\nScriptType: v4.00+\n"
        f"PlayResX: {lay.width}\nPlayResY: {lay.height}\n"
        "WrapStyle: 2\nScaledBorderAndShadow: yes\n\n"
        "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
        "OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, "
        "Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, "
        "Encoding\n"
        f"Style: Main,{FONT_NAME},{lay.font_px},{_colour(look.color)},"
        f"{_colour(look.highlight)},&H00000000,&H{shadow:02X}000000,-1,0,0,0,100,100,0,0,1,"
        f"{lay.outline},{lay.shadow},{lay.alignment},{lay.left},{lay.right},"
        f"{lay.margin_v},1\n\n"
        "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, "
        "Text\n"
    )


def burnable(text: str) -> str:
    """`text` without what the caption font cannot draw and would show as a box: emoji and
    pictographs (U+1F000 and above, U+2600-U+27BF), private-use and unassigned code points,
    variation selectors and zero-width joiners. The SRT/VTT files keep them (players draw
    emoji with the system's fonts)."""
    return "".join(c for c in text
                   if ord(c) < 0x1F000 and not 0x2600 <= ord(c) <= 0x27BF
                   and unicodedata.category(c) not in ("Co", "Cn", "Cs")
                   and c not in "\ufe0e\ufe0f\u200d")


def _escape(text: str) -> str:
    return text.replace("\\", "/").replace("{", "(").replace("}", ")")


def _groups(words: Sequence[Word], columns: int) -> list[list[tuple[int, str]]]:
    """Each line of `words` as (word index, text) pieces (a word wider than a line is split)."""
    disp = display_tokens([w.text for w in words], columns)
    return [[disp[j] for j in g] for g in line_groups([t for _, t in disp], columns)]


def _split(words: Sequence[Word], columns: int, most: int) -> list[list[Word]]:
    """`words` in runs that each fit in `MAX_LINES` lines of `columns` and hold at most `most`
    words, ending a run after a sentence."""
    runs: list[list[Word]] = []
    cur: list[Word] = []
    for w in words:
        if cur and (len(cur) >= most or cur[-1].text.endswith(SENTENCE_END)
                    or len(break_lines([x.text for x in [*cur, w]], columns)) > MAX_LINES):
            runs.append(cur)
            cur = []
        cur.append(w)
    return [*runs, cur] if cur else runs


def events(cues: Sequence[Cue], style: str, size: tuple[int, int],
           look: CaptionLook) -> list[Event]:
    """The ASS events showing `cues` in `style` (times as the cues'; none for "off").

    Raises:
        UnknownCaptionStyle: `style` is not a caption style.
    """
    check_style(style)
    if style == "off":
        return []
    lay = layout(size, style, look)
    hi = "&H" + _bgr(look.highlight)
    base = "&H" + _bgr(look.color)
    out: list[Event] = []
    for shown in cues:
        words = tuple(Word(burnable(w.text).strip(), w.start_s, w.end_s) for w in shown.words)
        words = tuple(w for w in words if w.text)
        if not words:
            continue
        cue = Cue(shown.start_s, shown.end_s, shown.lines, words, shown.scene)
        if style == "bold":
            runs = _split(cue.words, lay.columns, 3)
            for i, run in enumerate(runs):
                start = cue.start_s if i == 0 else run[0].start_s
                end = runs[i + 1][0].start_s if i + 1 < len(runs) else cue.end_s
                text = r"\N".join(_escape(x) for x in break_lines([w.text for w in run],
                                                                    lay.columns))
                out.append(Event(start, max(end, start + 0.01), text))
            continue
        for run in _split(cue.words, lay.columns, 10**6):
            r0 = cue.start_s if run[0] is cue.words[0] else run[0].start_s
            after = cue.words.index(run[-1]) + 1
            r1 = cue.words[after].start_s if after < len(cue.words) else cue.end_s
            lines = _groups(run, lay.columns)
            if style == "subtitle":
                out.append(Event(r0, r1, r"\N".join(_escape(join([t for _, t in g]))
                                                      for g in lines)))
                continue
            for k, w in enumerate(run):
                start = r0 if k == 0 else w.start_s
                end = run[k + 1].start_s if k + 1 < len(run) else r1
                if end <= start:
                    continue
                text = [join([f"{{\\1c{hi}&}}{_escape(t)}{{\\1c{base}&}}" if i == k
                              else _escape(t) for i, t in g]) for g in lines]
                out.append(Event(start, end, r"\N".join(text)))
    return out


def _centis(seconds: float) -> int:
    """`seconds` in whole centiseconds, as ASS times are written."""
    return max(0, round(seconds * 100))


def _stamp(seconds: float) -> str:
    cs = _centis(seconds)
    h, rest = divmod(cs, 360000)
    m, rest = divmod(rest, 6000)
    s, cs = divmod(rest, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


STAMP_SLACK_S = 0.01
"""How far from its time (seconds) libass may show an event: stamps are written in whole
centiseconds (`_stamp`, up to 5 ms off) and libass reads each frame's time in whole ms."""


def shown_frames(events: Sequence[Event], first: int, end: int,
                 fps: int) -> tuple[int, int] | None:
    """The frames of [first, end) (frame f spans f / fps to (f + 1) / fps seconds of scene
    time) that some of `events` (scene time) may show on, as (first such frame, one past the
    last): every frame an event overlaps, `STAMP_SLACK_S` either side. None if none."""
    spans = [(max(first, math.floor((e.start_s - STAMP_SLACK_S) * fps)),
              min(end, math.ceil((e.end_s + STAMP_SLACK_S) * fps))) for e in events]
    spans = [(a, b) for a, b in spans if a < b]
    if not spans:
        return None
    return min(a for a, _ in spans), max(b for _, b in spans)


@dataclass(frozen=True)
class Script:
    """One video piece's ASS script: its `text`, and when each of its events starts and ends
    as written, (start, end) in ms of the piece's time. Events carry no animation, so what
    libass draws changes only at their edges."""

    text: str
    spans_ms: tuple[tuple[int, int], ...]

    def change_frames(self, frames: int, fps: int, clock: int = 0) -> tuple[int, ...]:
        """The frames, of `frames` at `fps` whose first is at `clock` / fps seconds of the
        script's time, on which what libass draws may change: the first, and the first at or
        after each event's start and end. ffmpeg hands libass a frame's time in whole ms,
        truncated or rounded depending on its version, so when an edge falls within 1 ms of a
        frame's time both frames it may land on are listed."""
        out = {0}
        for edge in {t for span in self.spans_ms for t in span}:
            for ms in (edge - 1, edge + 1):
                k = -(-ms * fps // 1000) - clock  # the first frame at or after ms
                if 0 < k < frames:
                    out.add(k)
        return tuple(sorted(out))


def piece_script(head: str, windows: Sequence[tuple[Sequence[Event], float]],
                 length_s: float) -> Script | None:
    """The ASS script of one video piece `length_s` seconds long: for each (events, shift),
    the events moved by -shift seconds and clipped to the piece; None if nothing shows."""
    lines, spans = [], []
    for evs, shift in windows:
        for e in evs:
            a, b = max(e.start_s - shift, 0.0), min(e.end_s - shift, length_s)
            if b - a >= 0.005:
                lines.append(f"Dialogue: 0,{_stamp(a)},{_stamp(b)},Main,,0,0,0,,{e.text}\n")
                spans.append((_centis(a) * 10, _centis(b) * 10))
    return Script(head + "".join(lines), tuple(spans)) if lines else None
