#!/usr/bin/env bash
# Wheel smoke run: build the wheel, install it in a fresh venv, and make a video from an empty
# directory (no source tree, no .env), offline. Proves the wheel declares its dependencies and
# ships its data (roster, prompts, web page).
#
#   PY=python3.11 bash scripts/wheel-smoke.sh    # PY: the interpreter to build and install with
#
# Dependencies come from pip's usual indexes and cache (~/.cache/pip), so repeated runs are
# quicker. KEEP=1 keeps the temp directory.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pixora-wheel-smoke.XXXXXX")
if [ -z "${KEEP:-}" ]; then
    trap 'rm -rf "$WORK"' EXIT
fi
start=$(date +%s)
step() { echo "wheel-smoke [$(( $(date +%s) - start ))s] $*"; }

# Build from a copy of the tracked and untracked-but-not-ignored files, so no stale build/ or
# egg-info in the checkout can slip into the wheel (and none is left behind).
step "copying the source tree"
mkdir -p "$WORK/src"
git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
    | (cd "$ROOT" && tar --null --ignore-failed-read -T - -cf -) \
    | tar -xf - -C "$WORK/src"

step "building the wheel"
"$PY" -m pip wheel -q --no-deps -w "$WORK/dist" "$WORK/src"
WHEEL=$(ls "$WORK"/dist/pixora-*.whl)

step "installing $(basename "$WHEEL") in a fresh venv"
"$PY" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q "$WHEEL"
"$WORK/venv/bin/python" -m pip install -q --no-deps -r "$ROOT/scripts/no-deps.txt"

step "making a video in an empty directory"
mkdir -p "$WORK/run"
cd "$WORK/run"
# Offline and local whatever keys the environment holds; embedded Redis under the data dir.
unset PYTHONPATH REDIS_URL PIXORA_REDIS_URL PIXORA_ROSTER
export PIXORA_DATA_DIR="$WORK/run/data" PIXORA_MODEL=offline PIXORA_STORAGE_PROVIDER=local \
    PIXORA_IMAGE_PROVIDER=local PIXORA_MOTION_PROVIDER=local PIXORA_SPEECH_PROVIDER=local \
    PIXORA_MUSIC_PROVIDER=local
"$WORK/venv/bin/python" -c '
import sys
from importlib.resources import files

import pixora

assert pixora.__file__.startswith(sys.prefix), f"pixora imported from {pixora.__file__}"
for data in ("agents/agents.yaml", "agents/prompts/video.md", "server/static/index.html"):
    assert files("pixora").joinpath(data).is_file(), f"the wheel lacks pixora/{data}"
'
"$WORK/venv/bin/pixora" create "Create a 15-second video about tide pools" --yes -o out.mp4

step "checking out.mp4"
"$WORK/venv/bin/python" - out.mp4 <<'EOF'
import sys
from pathlib import Path

import av

path = Path(sys.argv[1])
assert path.is_file() and path.stat().st_size > 0, f"{path} missing or empty"
with av.open(str(path)) as c:
    kinds = {s.type for s in c.streams}
    seconds = c.duration / av.time_base
assert {"video", "audio"} <= kinds, f"{path}: streams {kinds}"
assert 10 <= seconds <= 20, f"{path}: {seconds:.1f} s, asked for 15"
print(f"{path}: {path.stat().st_size} bytes, {seconds:.1f} s, streams {sorted(kinds)}")
EOF
step "passed"
