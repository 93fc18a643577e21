# The two set-up commands of the README: `make demo` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

PIP := $(BIN)/python -m pip --disable-pip-version-check
LOCK := requirements.lock

.PHONY: install lock demo test test-es lint format clean bench bench-classifier bench-web model

# Exact versions from the lock (runtime and dev), then the project itself without touching them.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -r $(LOCK)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# Re-resolve pyproject.toml's dependencies (and the dev extra) into $(LOCK); review the diff, commit it.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet 'pip-tools>=7.4,<8'
	$(BIN)/pip-compile --quiet --extra dev --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file $(LOCK) pyproject.toml

demo: $(STAMP)
	$(BIN)/cchc demo

# On every core (pytest-xdist). --dist loadscope sends each module (each test class) to one worker, so a module-scoped
# fixture (a crawl, a trained model, a browser) is built once; loadgroup's xdist_group marks are ignored on pytest 9.2.
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadscope

# Every engine test against a real OpenSearch node started on loopback from engines/ (Maven + JDK 17,
# no Docker); the node is stopped and its data removed afterwards, also on failure or Ctrl-C.
test-es: $(STAMP)
	$(BIN)/python engines/run_engine.py -- $(BIN)/python -m pytest -m engine

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache

# Every benchmark (about an hour on 2 cores); each prints its figures and the core count.
bench: $(STAMP)
	$(BIN)/python -m bench.bench_startup
	$(BIN)/python -m bench.bench_foundation
	$(BIN)/python -m bench.bench_ingest
	$(BIN)/python -m bench.bench_search
	$(BIN)/python -m bench.bench_web
	$(BIN)/python -m bench.bench_engine
	$(BIN)/python -m bench.bench_classifier
	$(BIN)/python -m bench.bench_daily

# Rebuild the committed default model from classifier/data (and ../shared/data when present).
model: $(STAMP)
	$(BIN)/cchc train --output classifier/models/default

# Classifier quality (leave-one-corpus-out, then the usual split), speed and the VNTC benchmark (needs
# ../shared/data; about an hour on 2 cores).
bench-classifier: $(STAMP)
	$(BIN)/python -m bench.bench_classifier
	$(BIN)/python -m bench.bench_daily

# Web app latency on a generated 100,000-article archive (p50/p95 per page).
bench-web: $(STAMP)
	$(BIN)/python -m bench.bench_web
