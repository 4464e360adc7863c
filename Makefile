# `make demo`: set up and run the main job. `make test`: set up and run every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo render-example test bench install clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps 'arq==0.28.0'  # see pyproject.toml: its redis pin is too old
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/pixora create "Create a 30-second video about space exploration" --yes -o out/space_exploration.mp4

render-example: $(STAMP)
	$(BIN)/pixora render examples/space_exploration.json -o out/space_exploration_example.mp4

test: $(STAMP)
	sh scripts/ensure-chromium.sh
	$(BIN)/ruff check pixora tests bench
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/compose.py

clean:
	rm -rf $(VENV) .pixora out
