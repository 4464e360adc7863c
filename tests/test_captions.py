"""Captions without rendering: words from Piper alignments, the estimate for cloud audio, cue
building (line and time limits, scene windows, CJK), SRT/VTT parsed by real parsers, ASS
styles and layout, and bad input."""

from __future__ import annotations

import html
import itertools

import numpy as np
import pytest
import srt
import webvtt

from pixora.context.models import Breakdown, CaptionLook
from pixora.media.captions import ass
from pixora.media.captions.cues import (
    MAX_CUE_S,
    MAX_LINE,
    MIN_CUE_S,
    SceneWords,
    break_lines,
    build_cues,
    shift,
    width,
)
from pixora.media.captions.files import to_srt, to_vtt
from pixora.media.captions.words import (
    Word,
    estimate_words,
    phoneme_words,
    piper_words,
    retime,
    tokens,
)

RATE = 1000  # samples per second in the synthetic alignments below


def _words(text: str, start: float = 0.4, step: float = 0.3) -> tuple[Word, ...]:
    return tuple(Word(t, start + i * step, start + i * step + step * 0.8)
                 for i, t in enumerate(tokens(text)))


def test_phoneme_words_split_on_spaces_and_punctuation() -> None:
    chunk = [("^", 100), ("h", 50), ("i", 50), (",", 200), (" ", 100), ("j", 40), ("o", 60),
             ("$", 30)]
    assert phoneme_words([chunk, [("^", 10), ("a", 90), ("$", 5)]]) == [
        (100, 200, 2), (500, 600, 2), (640, 730, 1)]


def test_piper_words_map_tokens_that_speak_as_several_words() -> None:
    # "42 ok": espeak says "forty two ok" -> 3 spoken words; "🎉" says nothing here.
    chunk = [("^", 100), ("f", 100), (" ", 50), ("t", 100), (" ", 50), ("o", 200), ("$", 10)]
    said = {"42": ["f", " ", "t"], "🎉": [], "ok": ["o"]}
    words = piper_words("42 🎉 ok", [chunk], RATE, lambda t: said[t])
    assert [(w.text, w.start_s, w.end_s) for w in words] == [
        ("42", 0.1, 0.35), ("🎉", 0.35, 0.35), ("ok", 0.4, 0.6)]


def test_piper_words_fall_back_to_proportional_when_counts_disagree() -> None:
    chunk = [("^", 100), ("a", 100), ("b", 100), (" ", 50), ("c", 100), ("$", 10)]
    words = piper_words("ab c d", [chunk], RATE, lambda t: list(t))  # 3 tokens, 2 spoken
    assert len(words) == 3
    assert words[0].start_s == pytest.approx(0.1)
    assert all(a.end_s <= b.start_s + 1e-9 for a, b in itertools.pairwise(words))
    assert words[-1].end_s == pytest.approx(0.45)


def test_tokens_split_cjk_by_character_and_keep_latin_words() -> None:
    assert tokens("你好，世界。 AI很好") == ["你", "好，", "世", "界。", "AI", "很", "好"]
    assert tokens("  hello   world ") == ["hello", "world"]


def test_estimate_words_follow_voiced_spans() -> None:
    rate = 8000
    t = np.arange(int(rate * 2.0)) / rate
    audio = np.where(((t > 0.2) & (t < 0.8)) | ((t > 1.2) & (t < 1.8)),
                     np.sin(2 * np.pi * 220 * t), 0.0)
    words = estimate_words("one two. three four", audio, rate)
    assert [w.text for w in words] == ["one", "two.", "three", "four"]
    assert words[0].start_s == pytest.approx(0.2, abs=0.02)
    assert words[1].end_s == pytest.approx(0.8, abs=0.02)  # the pause falls between words
    assert words[2].start_s == pytest.approx(1.2, abs=0.02)
    assert words[3].end_s == pytest.approx(1.8, abs=0.02)


def test_retime_applies_speed_offset_and_clamps() -> None:
    w = retime([Word("a", 1.0, 2.0), Word("b", 2.0, 9.0)], offset_s=0.35, speed=1.25,
               limit_s=5.0)
    assert w[0] == Word("a", 0.35 + 0.8, 0.35 + 1.6)
    assert w[1].end_s == pytest.approx(0.35 + 4.0)


def test_lines_fit_and_balance() -> None:
    text = "Meet the new Aurora watch, crafted for explorers who never stop moving"
    lines = break_lines(text.split())
    assert len(lines) == 2 and all(width(x) <= MAX_LINE for x in lines)
    assert abs(len(lines[0]) - len(lines[1])) < 15
    long = "x" * 50
    assert [width(x) for x in break_lines([long])] == [42, 8]
    assert break_lines(["a" * 40]) == ["a" * 40]
    cjk = break_lines(tokens("今天我们一起去看看这座非常美丽的城市和它的历史建筑还有博物馆"))
    assert len(cjk) == 2 and all(width(x) <= MAX_LINE for x in cjk)
    assert " " not in "".join(cjk)


def test_cues_obey_limits_and_stay_in_their_scene() -> None:
    script = ("Every video gets captions. They follow the narration word by word, and they "
              "never cross a scene cut, even when the sentence runs on and on and on for a "
              "long time without stopping at all.")
    s1 = SceneWords(1, _words(script), (0.35, 0.35 + 0.3 * 40))
    s2 = SceneWords(2, _words("Short one.", 0.35), (0.35, 2.0))
    cues = build_cues([s1, s2])
    for c in cues:
        assert len(c.lines) <= 2 and all(width(x) <= MAX_LINE for x in c.lines)
        assert c.end_s - c.start_s <= MAX_CUE_S + 1e-9
        lo, hi = (s1 if c.scene == 1 else s2).window
        assert lo <= c.start_s < c.end_s <= hi
    scene1 = [c for c in cues if c.scene == 1]
    assert all(c.end_s - c.start_s >= MIN_CUE_S for c in scene1)
    assert all(a.end_s <= b.start_s for a, b in itertools.pairwise(scene1))
    assert scene1[0].lines == ("Every video gets captions.",)  # a sentence ends a cue
    placed = shift(cues, [10.0, 30.0])
    assert placed[0].start_s == pytest.approx(cues[0].start_s + 10.0)
    assert placed[-1].words[0].start_s == pytest.approx(cues[-1].words[0].start_s + 30.0)


def test_srt_and_vtt_parse_with_real_parsers(tmp_path) -> None:
    text = ("It's 42 degrees at https://pixora.dev today! 🎉 A <bold> & --> test with "
            "Supercalifragilisticexpialidociousnessxx works.")
    cues = shift(build_cues([SceneWords(1, _words(text), (0.35, 30.0))]), [5.0])
    subs = list(srt.parse(to_srt(cues)))
    assert len(subs) == len(cues)
    assert subs[0].start.total_seconds() == pytest.approx(cues[0].start_s, abs=0.001)
    assert "🎉" in " ".join(s.content for s in subs)
    path = tmp_path / "c.vtt"
    path.write_text(to_vtt(cues), encoding="utf-8")
    vtt = webvtt.read(str(path))
    assert len(vtt.captions) == len(cues)
    h, m, sec = vtt.captions[-1].end.split(":")
    assert int(h) * 3600 + int(m) * 60 + float(sec) == pytest.approx(cues[-1].end_s, abs=0.001)
    joined = html.unescape(" ".join(c.text for c in vtt.captions))  # webvtt-py keeps entities
    assert "<bold> &" in joined and "https://pixora.dev" in joined and "-->" not in joined


def test_unknown_caption_style_lists_the_valid_ones() -> None:
    with pytest.raises(ass.UnknownCaptionStyle, match="off, subtitle, karaoke, bold"):
        ass.check_style("neon")
    with pytest.raises(ValueError, match="'off', 'subtitle', 'karaoke' or 'bold'"):
        Breakdown(scenes=[{"script": "x", "visual_prompt": "y", "duration": 3}],
                  caption_style="neon")
    with pytest.raises(ValueError, match="#RRGGBB"):
        CaptionLook(color="yellow")


def test_platform_default_caption_style() -> None:
    bd = Breakdown(scenes=[{"script": "x", "visual_prompt": "y", "duration": 3}])
    assert bd.captions == "off"
    assert bd.model_copy(update={"aspect_ratio": "9:16"}).captions == "karaoke"
    assert bd.model_copy(update={"aspect_ratio": "9:16", "caption_style": "bold"}).captions \
        == "bold"


def test_portrait_layout_keeps_out_of_the_ui_bands() -> None:
    for position in ("bottom", "middle", "top"):
        for size in ("small", "medium", "large"):
            lay = ass.layout((1080, 1920), "karaoke", CaptionLook(position=position, size=size))
            x0, y0, x1, y1 = lay.safe_box()
            assert y0 >= 0.12 * 1920 and y1 <= 0.80 * 1920 and x1 <= (1 - ass.RAIL) * 1080
            assert lay.columns * lay.font_px * ass.EM_WIDTH <= x1 - x0


def test_karaoke_highlights_one_word_per_event_and_bold_shows_up_to_three() -> None:
    cues = build_cues([SceneWords(1, _words("one two three four five six."), (0.35, 9.0))])
    look = CaptionLook(highlight="#FF0000")
    events = ass.events(cues, "karaoke", (1080, 1920), look)
    assert len(events) == 6
    assert all(e.text.count(r"{\1c&H0000FF&}") == 1 for e in events)
    assert r"{\1c&H0000FF&}three" in events[2].text
    bold = ass.events(cues, "bold", (1080, 1920), look)
    assert [len(e.text.replace(r"\N", " ").split()) for e in bold] == [3, 3]
    assert ass.events(cues, "off", (1080, 1920), look) == []
    script = ass.piece_script(ass.header((1080, 1920), "subtitle", look),
                              [(ass.events(cues, "subtitle", (1080, 1920), look), 1.0)], 0.5)
    assert script is not None and "Dialogue: 0,0:00:00.00,0:00:00.50" in script.text
    assert script.spans_ms == ((0, 500),)


def test_shown_frames_cover_every_frame_an_event_may_show_on() -> None:
    events = [ass.Event(0.5, 1.0, "a"), ass.Event(1.0, 1.5, "b"), ass.Event(3.0, 3.2, "c")]
    # 30 fps: 0.5 s is frame 15, but a stamp up to 5 ms early may show on frame 14; 1.5 s
    # ends frame 44, and a stamp up to 5 ms late shows on frame 45.
    assert ass.shown_frames(events[:2], 0, 90, 30) == (14, 46)
    assert ass.shown_frames(events, 0, 120, 30) == (14, 97)  # the gap between is included
    assert ass.shown_frames(events, 20, 60, 30) == (20, 46)  # clipped to the window
    assert ass.shown_frames(events[:2], 60, 90, 30) is None
    assert ass.shown_frames([], 0, 90, 30) is None


def test_change_frames_are_where_libass_may_switch() -> None:
    script = ass.Script("", ((350, 1000), (1000, 1532), (2000, 2100)))
    # 30 fps: 350 ms is frame 10.5 (frame 11); 1000 ms is frame 30 exactly, and a frame's
    # time is handed to libass truncated or rounded to whole ms, so 30 or 31; 1532 is frame
    # 45.96 (46); 2000 and 2100 are frames 60 and 63, past a 50-frame piece.
    assert script.change_frames(50, 30) == (0, 11, 30, 31, 46)
    # The piece's first frame at 20 frames of the script's time.
    assert script.change_frames(30, 30, clock=20) == (0, 10, 11, 26)


def test_emoji_stay_with_their_sentence_and_are_not_burned() -> None:
    cues = build_cues([SceneWords(1, _words("Tested at sea for forty days. 🌊 Order now."),
                                  (0.35, 9.0))])
    assert cues[0].lines[-1].endswith("days. 🌊")
    events = ass.events(cues, "subtitle", (1280, 720), CaptionLook())
    assert "🌊" not in "".join(e.text for e in events) and "days." in events[0].text
    assert ass.burnable("ok 👍🏽 ❤️ 你好 €5 ©") == "ok   你好 €5 ©"


@pytest.mark.parametrize(("message", "params"), [
    ("turn captions off", {"style": "off"}),
    ("karaoke captions please", {"style": "karaoke"}),
    ("bigger, yellow captions", {"size": "large", "color": "yellow"}),
    ("move captions up", {"move": "up"}),
    ("put the subtitles at the top", {"style": "subtitle", "position": "top"}),
])
def test_offline_director_reads_caption_requests(message: str, params: dict) -> None:
    from pixora.offline.director import TOOL_FOR, caption_arguments
    from pixora.offline.intent import classify

    intent = classify(message, has_breakdown=True)
    assert intent.kind == "captions" and TOOL_FOR["captions"] == "update_captions_tool"
    assert intent.params == params
    bd = Breakdown(scenes=[{"script": "x", "visual_prompt": "y", "duration": 3}])
    args = caption_arguments(intent.params, bd)
    assert args is not None and "move" not in args
    if "move" in params:
        assert args["position"] == "middle"
