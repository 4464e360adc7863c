"""Character consistency on offline renders: the `characters` metric's similarities.

Renders the 5-scene offline story "A 5-scene story about a girl named Mia, her friend Theo
and their dog Rex" at 640x360, as written and again at night, in a kitchen and in the snow
(the visual prompt with those words appended), and prints, per character, the lowest and
mean similarity between two of its crops, and per pair of characters the highest similarity
between their crops; the `characters` metric's threshold must sit between the two.

Run: .venv/bin/python bench/characters.py
"""

from __future__ import annotations

import dataclasses
from itertools import combinations

import numpy as np

from pixora.evals.metrics.characters import THRESHOLD, signature, similarity
from pixora.offline.media.image import draw_scene
from pixora.offline.writing import parse_request, write_breakdown
from pixora.pipeline.requests import image_request

STORY = "A 5-scene story about a girl named Mia, her friend Theo and their dog Rex"
VARIANTS = ("", " at night", " in a cozy kitchen", " in the snow")


def main() -> None:
    bd = write_breakdown(parse_request(STORY))
    sigs: dict[str, dict[str, list[np.ndarray]]] = {}
    for variant in VARIANTS:
        for scene in bd.scenes:
            req = image_request(bd, scene, ())
            req = dataclasses.replace(req, width=640, height=360, prompt=req.prompt + variant,
                                      lighting=req.lighting if not variant else "")
            img, boxes = draw_scene(req)
            for cid, box in boxes.items():
                sigs.setdefault(variant or "story", {}).setdefault(cid, []).append(
                    signature(img, box))
    print(f"threshold {THRESHOLD}")
    for label, pick in (("story as written", ["story"]), ("with lighting variants",
                                                          ["story", *VARIANTS[1:]])):
        merged: dict[str, list[np.ndarray]] = {}
        for v in pick:
            for cid, s in sigs[v].items():
                merged.setdefault(cid, []).extend(s)
        print(f"\n{label}")
        for cid, s in merged.items():
            vals = [similarity(a, b) for a, b in combinations(s, 2)]
            print(f"  same {cid:5s} crops {len(s):2d}  min {min(vals):.3f}  "
                  f"mean {np.mean(vals):.3f}")
        for a, b in combinations(merged, 2):
            vals = [similarity(x, y) for x in merged[a] for y in merged[b]]
            print(f"  apart {a}/{b}  max {max(vals):.3f}  mean {np.mean(vals):.3f}")


if __name__ == "__main__":
    main()
