"""Timeline rules: scene lengths from narration, start times, target length, clip fitting."""

from __future__ import annotations

import math

import pytest

from pixora.media import timeline as tl

FPS = 30


def test_narration_drives_length_and_short_narration_keeps_plan() -> None:
    d = tl.plan_scene_durations(
        [5.0, 5.0, 5.0], [6.05, 2.0, None], transition_s=0.5, fps=FPS
    )
    # Scene 1: 0.35 + 6.05 + 0.6 + 0.5 (outgoing overlap) = 7.5 s; the others keep 5 s.
    assert d == [7.5, 5.0, 5.0]
    # The last scene has no outgoing overlap.
    last = tl.plan_scene_durations([2.0, 2.0], [None, 3.05], transition_s=0.5, fps=FPS)
    assert last[1] == pytest.approx(0.35 + 3.05 + 0.6)


def test_durations_are_whole_frames_and_round_up_for_narration() -> None:
    d = tl.plan_scene_durations([4.01, 4.0], [3.1234, None], transition_s=0.5, fps=24)
    for x in d:
        assert x * 24 == pytest.approx(round(x * 24))
    # The narrated scene never rounds below what the narration needs.
    assert d[0] >= 0.35 + 3.1234 + 0.6 + 0.5


def test_narration_never_overlaps_the_next_narration() -> None:
    narr = [3.3, 4.1, 2.2, 5.0]
    d = tl.plan_scene_durations([3, 3, 3, 3], narr, transition_s=0.5, fps=FPS)
    starts = tl.scene_starts(d, tl.overlaps(["fade"] * 4, 0.5))
    for i in range(3):
        assert starts[i] + 0.35 + narr[i] + 0.6 <= starts[i + 1] + 1e-9


def test_scene_starts_subtract_overlaps_and_cut_has_none() -> None:
    o = tl.overlaps(["fade", "cut", "wipeleft", "fade"], 0.5)
    assert o == [0.5, 0.0, 0.5]
    starts = tl.scene_starts([4.0, 3.0, 5.0, 2.0], o)
    assert starts == [0.0, 3.5, 6.5, 11.0]
    assert tl.total_duration([4.0, 3.0, 5.0, 2.0], o) == 13.0
    with pytest.raises(ValueError, match="3 overlaps"):
        tl.scene_starts([1.0] * 4, [0.5])


def test_target_shrinks_slack_scenes_first() -> None:
    # Scenes 2 and 4 are silent with slack; 1 and 3 are fully used by narration.
    planned = [5.0, 10.0, 5.0, 10.0]
    narr = [4.05, None, 4.05, None]
    d = tl.plan_scene_durations(planned, narr, transition_s=0.5, fps=FPS, target_total_s=20.0)
    total = tl.total_duration(d, [0.5] * 3)
    assert total <= 22.0 + 1e-9
    assert total >= 18.0
    assert d[0] == d[2] == pytest.approx(0.35 + 4.05 + 0.6 + 0.5)
    assert d[1] < 10.0 and d[3] < 10.0


def test_target_then_speeds_narration_up_to_limit_and_never_further() -> None:
    narr = [8.0, 8.0]
    d = tl.plan_scene_durations([9.45, 8.95], narr, transition_s=0.5, fps=FPS, target_total_s=10)
    speeds = [
        tl.narration_speed_needed(narr[0], d[0], overlap_out_s=0.5),
        tl.narration_speed_needed(narr[1], d[1], overlap_out_s=0.0),
    ]
    assert all(1.0 < s <= tl.MAX_NARRATION_SPEED + 0.01 for s in speeds)
    # 16 s of narration cannot fit 11 s even at 1.25x: the video stays longer than asked.
    assert tl.total_duration(d, [0.5]) > 11.0


def test_target_within_band_is_left_alone_and_short_video_grows() -> None:
    planned = [5.0, 5.0]
    same = tl.plan_scene_durations(planned, [None, None], transition_s=0.5, fps=FPS,
                                   target_total_s=10.0)
    assert same == planned
    grown = tl.plan_scene_durations(planned, [None, None], transition_s=0.5, fps=FPS,
                                    target_total_s=15.0)
    assert tl.total_duration(grown, [0.5]) >= 13.5 - 1e-9


def test_plan_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="scene 2"):
        tl.plan_scene_durations([3.0, 0.0], [None, None], transition_s=0.5, fps=FPS)
    with pytest.raises(ValueError, match="narration"):
        tl.plan_scene_durations([3.0], [None, None], transition_s=0.5, fps=FPS)


def test_narration_speed_needed() -> None:
    assert tl.narration_speed_needed(2.0, 5.0, overlap_out_s=0.5) == 1.0
    # Window 5 - 0.5 - 0.35 - 0.6 = 3.55 s for 4.0 s of narration.
    assert tl.narration_speed_needed(4.0, 5.0, overlap_out_s=0.5) == pytest.approx(4.0 / 3.55)
    assert tl.narration_speed_needed(1.0, 1.0, overlap_out_s=0.5) == math.inf


@pytest.mark.parametrize(
    ("clip_s", "scene_s", "mode", "stretch"),
    [(6.0, 5.0, "trim", 1.0), (5.0, 5.0, "trim", 1.0), (4.0, 5.0, "speed", 1.25),
     (4.5, 5.0, "speed", 5 / 4.5), (3.9, 5.0, "loop", 1.0)],
)
def test_fit_clip(clip_s: float, scene_s: float, mode: str, stretch: float) -> None:
    fit = tl.fit_clip(clip_s, scene_s)
    assert fit.mode == mode
    assert fit.stretch == pytest.approx(stretch)


def test_fit_music() -> None:
    assert tl.fit_music(30.0, 20.0) == "trim"
    assert tl.fit_music(10.0, 20.0) == "loop"
