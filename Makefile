# The two commands a fresh clone needs (Python 3.11+ only):
#   make run    materialise every asset on the sample data and write data/out/instructions.jsonl
#   make test   run the test suite
# Both create the environment from uv.lock first. Nothing is fetched at run time.

UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV_BIN := .venv/bin
PYTHON ?= python3

export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1

.PHONY: env run test lint ui bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

env: $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@mkdir -p "$(DAGSTER_HOME)"
	@cp data/config/dagster.yaml "$(DAGSTER_HOME)/dagster.yaml"

run: env
	$(VENV_BIN)/dagster job execute -m instruct_assets.definitions -j rebuild_dataset

test: env
	$(VENV_BIN)/pytest

lint: env
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/ruff format --check .

ui: env
	$(VENV_BIN)/dagster dev -w workspace.yaml

bench: env
	$(VENV_BIN)/python bench/ingest_shared_corpus.py
	$(VENV_BIN)/python bench/curation_stages.py

clean:
	rm -rf data/tables data/out
