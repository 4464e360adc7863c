# `make demo`: set up and run the main job. `make test`: set up and run every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo render-example test test-fast wheel-smoke bench install clean

$(STAMP): pyproject.toml scripts/no-deps.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps -r scripts/no-deps.txt  # arq: see the file
	touch $(STAMP)

install: $(STAMP)

# moviepy is only for the benchmark: the `bench` extra.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[dev,bench]'
	touch $(BENCH_STAMP)

demo: $(STAMP)
	$(BIN)/pixora create "Create a 30-second video about space exploration" --yes -o out/space_exploration.mp4

render-example: $(STAMP)
	$(BIN)/pixora render examples/space_exploration.json -o out/space_exploration_example.mp4

# Everything: lint, every test, then the wheel installed in a fresh venv makes a video.
test: $(STAMP)
	sh scripts/ensure-chromium.sh
	$(BIN)/ruff check pixora tests bench
	$(BIN)/pytest -q
	PY=$(abspath $(BIN)/python) bash scripts/wheel-smoke.sh

# The quick lane while working: no full renders, no browser (under a minute on 2 cores).
test-fast: $(STAMP)
	$(BIN)/ruff check pixora tests bench
	$(BIN)/pytest -q -m "not slow and not browser"

wheel-smoke: $(STAMP)
	PY=$(abspath $(BIN)/python) bash scripts/wheel-smoke.sh

bench: $(BENCH_STAMP)
	$(BIN)/python bench/compose.py

clean:
	rm -rf $(VENV) .pixora out
