# Everything a fresh machine needs goes through these targets: they create .venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint fmt install clean bench eval train-relevance train-stories train-topics

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
	$(BIN)/newsdigest eval topics --corpus ../shared/corpora/ant/pool.jsonl
	$(BIN)/newsdigest eval clusters

bench: $(STAMP)
	$(BIN)/python bench/summarize.py
	$(BIN)/python bench/cluster.py
	$(BIN)/python bench/classify.py

# Retrain the technology filter after editing config/topics.yaml (writes digest/data/).
train-relevance: $(STAMP)
	$(BIN)/python -m digest.relevance train --corpus ../shared/corpora/ant/pool.jsonl

# Refit the tag acceptance model (writes digest/data/topic_acceptance.json) on the blind
# verdicts in tests/fixtures/judged and the texts of the ANT pool; deterministic, ~15 s.
train-topics: $(STAMP)
	$(BIN)/python -m digest.eval.topic_levers --train --corpus ../shared/corpora/ant/pool.jsonl

# Rebuild the story clusterer's event signals from the ANT pool (issue #14; writes
# digest/data/story_*): df tables of stems and skeletons, LSA stem vectors (numpy, a few
# minutes), then the event model fitted on the judged tune pairs, threshold out of fold.
train-stories: $(STAMP)
	$(BIN)/python -m digest.eval.story_model --df --pool ../shared/corpora/ant/pool.jsonl
	$(BIN)/python -m digest.eval.story_lsa --pool ../shared/corpora/ant/pool.jsonl
	$(BIN)/python -m digest.eval.story_model --fit --pool ../shared/corpora/ant/pool.jsonl

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
