# Everything a fresh machine needs goes through these targets: they create .venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint fmt install clean bench eval

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/newsdigest --config config/settings.example.yaml demo

lint: $(STAMP)
	$(BIN)/ruff check digest bot tests bench
	$(BIN)/ruff format --check digest bot tests bench
	$(BIN)/mypy digest bot

fmt: $(STAMP)
	$(BIN)/ruff format digest bot tests bench
	$(BIN)/ruff check --fix digest bot tests bench

test: $(STAMP) lint
	$(BIN)/python -m pytest

eval: $(STAMP)
	$(BIN)/newsdigest eval summaries --corpus ../shared/corpora/easc/dev.jsonl
	$(BIN)/newsdigest eval topics --corpus ../shared/corpora/ant/dev.jsonl
	$(BIN)/newsdigest eval clusters

bench: $(STAMP)
	$(BIN)/python bench/summarize.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
