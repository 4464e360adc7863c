"""The `characters` metric: does each character look the same in every scene it is in, and
different from the others? (Only with `--render`, on scene images whose provider reported
where it drew each character, `Asset.boxes`: the offline renderer does.)

A character's look in one scene is the colour signature of its box: the pixels of the box
that differ from the background beside it (see `foreground`), binned by hue
(`HUE_BINS` bins of 30 degrees for pixels with saturation and value above `GREY_SATURATION`,
`DARK_VALUE`; each pixel split between its two nearest bins, so a lighting tint that moves a
hue a little moves its weight a little) or, for greys, by value (dark, mid, light), and
normalised to sum 1. Two signatures compare
by histogram intersection (0: no colour in common, 1: the same colours in the same shares).

Per character: `consistency` is the lowest similarity between two of its scenes (1.0 with a
single scene). Per pair of characters: `distinctness` is the highest similarity between one's
and the other's crops. Checks: every scene image holds exactly the characters its scene lists
(`in_frame`), every character's consistency is at least `THRESHOLD` (`same.<id>`), every pair's
similarity is below it (`apart.<a>.<b>`).

THRESHOLD, measured with `bench/characters.py` (the 5-scene offline story "A 5-scene story
about a girl named Mia, her friend Theo and their dog Rex" at 640x360, as written and again at
night, in a kitchen and in the snow): the same character scores 0.72 to 0.95 across the story's
scenes and no lower than 0.56 with the lighting variants (night tints move hues); two different
characters score at most 0.28 (a shared skin tone or dark trousers is what they share). 0.45
sits in the gap: 0.17 above the closest different pair, 0.11 below the least consistent
character under changed light.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import numpy as np
from PIL import Image

from pixora.evals.metrics import CaseRun, Check, MetricResult

NAME = "characters"
THRESHOLD = 0.45
HUE_BINS = 12
GREY_SATURATION = 60
DARK_VALUE = 50
RING_PX = 6
BACKGROUND_DISTANCE = 28.0

Box = tuple[int, int, int, int]


def foreground(img: Image.Image, box: Box) -> np.ndarray:
    """The RGB pixels (n x 3) of `box` in `img` that stand out from the background: each row's
    background runs linearly from the median of the `RING_PX` pixels left of the box to the
    median of those right of it (one side alone at a frame edge; no subtraction with
    neither), and a pixel is background within `BACKGROUND_DISTANCE` of it (RGB)."""
    x0, y0, x1, y1 = box
    rgb = np.asarray(img.convert("RGB"), np.float32)
    crop = rgb[y0:y1, x0:x1]
    left = rgb[y0:y1, max(x0 - RING_PX, 0):x0]
    right = rgb[y0:y1, x1:x1 + RING_PX]
    sides = [np.median(side, axis=1) for side in (left, right) if side.shape[1]]
    if not sides:
        return crop.reshape(-1, 3)
    t = np.linspace(0, 1, crop.shape[1], dtype=np.float32)[None, :, None]
    back = sides[0][:, None, :] * (1 - t) + sides[-1][:, None, :] * t
    keep = np.linalg.norm(crop - back, axis=2) > BACKGROUND_DISTANCE
    return crop[keep]


def signature(img: Image.Image, box: Box) -> np.ndarray:
    """The colour signature of what is drawn in `box` ((left, top, right, bottom) px) of
    `img`: `HUE_BINS` + 3 shares summing to 1 (all zero when nothing stands out from the
    background).

    Raises:
        ValueError: an empty box.
    """
    if box[2] <= box[0] or box[3] <= box[1]:
        raise ValueError(f"empty box {box}")
    px = foreground(img, box)
    if not len(px):
        return np.zeros(HUE_BINS + 3)
    hsv = np.asarray(Image.fromarray(px.astype(np.uint8)[None]).convert("HSV"),
                     np.float32)[0]
    hue, sat, val = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    colourful = (sat > GREY_SATURATION) & (val > DARK_VALUE)
    pos = hue[colourful] * HUE_BINS / 256 - 0.5
    low = np.floor(pos)
    frac = pos - low
    hist = np.zeros(HUE_BINS + 3)
    np.add.at(hist, low.astype(int) % HUE_BINS, 1 - frac)
    np.add.at(hist, (low.astype(int) + 1) % HUE_BINS, frac)
    hist[HUE_BINS:] = np.bincount(np.digitize(val[~colourful], [80, 170]), minlength=3)
    return hist / hist.sum()


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Histogram intersection of two signatures, 0..1."""
    return float(np.minimum(a, b).sum())


def crops(run: CaseRun, path_of: Callable[[str], Path]) -> dict[str, list[np.ndarray]]:
    """Each character's signatures, one per scene image that reports its box."""
    out: dict[str, list[np.ndarray]] = {}
    for name, asset in sorted(run.task.assets.items()):
        if not name.endswith("/image") or not asset.boxes:
            continue
        with Image.open(path_of(asset.key)) as img:
            for cid, box in asset.boxes.items():
                out.setdefault(cid, []).append(signature(img, box))
    return out


def consistency(signatures: list[np.ndarray]) -> float:
    """The lowest similarity between two of one character's signatures (1.0 for one)."""
    return min((similarity(a, b) for a, b in combinations(signatures, 2)), default=1.0)


def distinctness(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    """The highest similarity between a signature of one character and one of another."""
    return max((similarity(x, y) for x in a for y in b), default=0.0)


def score(run: CaseRun, path_of: Callable[[str], Path]) -> MetricResult:
    """The `characters` metric of a rendered case; `path_of` maps a storage key to its file."""
    bd = run.task.breakdown
    if not run.rendered or bd is None or not bd.characters:
        return MetricResult.skipped(NAME, "no rendered characters")
    checks: list[Check] = []
    for scene in bd.scenes:
        asset = run.task.assets.get(f"scene_{scene.index}/image")
        if asset is None or (not asset.boxes and asset.provider != "local"):
            continue
        drawn, listed = sorted(asset.boxes), sorted(scene.characters)
        checks.append(Check(name=f"in_frame.{scene.index}", ok=drawn == listed,
                            detail=f"scene {scene.index} drew {drawn}, lists {listed}"))
    found = crops(run, path_of)
    if not found:
        return MetricResult.skipped(NAME, "the image provider reports no character boxes")
    same = {cid: round(consistency(sigs), 3) for cid, sigs in found.items()}
    for cid, value in same.items():
        checks.append(Check(name=f"same.{cid}", ok=value >= THRESHOLD,
                            detail=f"{cid} consistency {value} (threshold {THRESHOLD})"))
    apart = {f"{a}.{b}": round(distinctness(found[a], found[b]), 3)
             for a, b in combinations(sorted(found), 2)}
    for pair, value in apart.items():
        checks.append(Check(name=f"apart.{pair}", ok=value < THRESHOLD,
                            detail=f"{pair} similarity {value} (threshold {THRESHOLD})"))
    return MetricResult.from_checks(NAME, checks, consistency=same, similarity=apart,
                                    threshold=THRESHOLD)
