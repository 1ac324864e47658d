# Make targets of scoring_lib. `make help` lists them; each public target carries a `## text`
# comment on its rule line, which is what `make help` prints.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
STAMP := $(VENV)/.installed
UV_VERSION ?= 0.13.9
BOOTSTRAP := build/bootstrap

DATA_RAW ?= data/raw
SYNTH_CLIENTS ?= 30000
SYNTH_TEST_CLIENTS ?= 5000
SYNTH_SEED ?= 0
DEMO_BUNDLE ?= artifacts/demo
DASHBOARD_PORT ?= 8866

# uv: the one on PATH if it works, otherwise a private copy installed with pip into
# build/bootstrap/ (a fresh machine has only python3.11 and pip). `make UV=/path/to/uv` also works.
ifeq ($(origin UV),undefined)
UV := $(shell uv --version >/dev/null 2>&1 && command -v uv)
endif
ifeq ($(strip $(UV)),)
UV := $(BOOTSTRAP)/bin/uv
UV_BOOTSTRAP := $(UV)
endif

.PHONY: help install test data demo dashboard bench lock clean clean-data

help: ## Show this list of targets
	@echo "Usage: make <target> [VARIABLE=value ...]"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(firstword $(MAKEFILE_LIST))
	@echo
	@echo "Variables: PYTEST_ARGS (test), LOCK_ARGS (lock, e.g. --upgrade), SYNTH_CLIENTS,"
	@echo "SYNTH_TEST_CLIENTS, SYNTH_SEED (data), DEMO_BUNDLE (demo), DASHBOARD_PORT (dashboard), PYTHON"
	@echo "(default python3.11), UV (default: uv on PATH)."

install: $(STAMP) ## Create .venv (python3.11, with uv) and install requirements.lock and the project

# uv is bootstrapped inside the recipes, not as a prerequisite, so that an up-to-date .venv
# never triggers it (after `make clean` has removed build/, for example).
$(STAMP): requirements.lock pyproject.toml
	$(if $(UV_BOOTSTRAP),@$(MAKE) --no-print-directory $(UV_BOOTSTRAP))
	@if ! $(VENV)/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
		echo "==> creating $(VENV) with $(PYTHON)"; \
		rm -rf $(VENV); \
		$(UV) venv --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')" $(VENV); \
	fi
	@echo "==> installing the pinned dependencies (requirements.lock)"
	$(UV) pip install --python $(VENV)/bin/python -r requirements.lock
	@echo "==> installing scoring_lib in editable mode"
	$(UV) pip install --python $(VENV)/bin/python --no-deps -e .
	@touch $@

$(BOOTSTRAP)/bin/uv:
	@echo "==> uv is not on PATH: installing uv $(UV_VERSION) into $(BOOTSTRAP)/ with pip"
	$(PYTHON) -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

test: install ## Run the test suite (pytest -q; more options with PYTEST_ARGS="...")
	$(VENV)/bin/python -m pytest -q $(PYTEST_ARGS)

data: install ## Generate synthetic demo data in data/raw/ unless an application_train file is there
	@found=$$(ls -1 $(addprefix $(DATA_RAW)/application_train.,csv csv.zip zip csv.gz parquet) 2>/dev/null | head -n 1); \
	if [ -n "$$found" ]; then \
		echo "==> $$found exists: keeping the data in $(DATA_RAW)/"; \
	else \
		echo "==> generating synthetic data in $(DATA_RAW)/"; \
		$(VENV)/bin/scoring synth --clients $(SYNTH_CLIENTS) --test-clients $(SYNTH_TEST_CLIENTS) \
			--seed $(SYNTH_SEED) --out $(DATA_RAW); \
	fi

demo: install data ## Build the demo bundle artifacts/demo from data/raw/ (skipped when up to date)
	$(VENV)/bin/scoring demo --data $(DATA_RAW) --out $(DEMO_BUNDLE)

dashboard: demo ## Build the demo bundle if needed and serve the advisor dashboard at http://127.0.0.1:8866
	$(VENV)/bin/scoring serve --bundle $(DEMO_BUNDLE) --port $(DASHBOARD_PORT)

bench: install ## Run every bench/bench_*.py script; each prints its timings (see bench/README.md)
	@shopt -s nullglob; scripts=(bench/bench_*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "No benchmark script yet (bench/bench_*.py)."; fi; \
	for script in "$${scripts[@]}"; do \
		echo "==> $$script"; \
		$(VENV)/bin/python "$$script" || exit 1; \
	done

lock: ## Re-resolve requirements.lock, then regenerate environment.yml and binder/requirements.txt
	$(if $(UV_BOOTSTRAP),@$(MAKE) --no-print-directory $(UV_BOOTSTRAP))
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock $(LOCK_ARGS)
	$(PYTHON) tools/sync_pins.py

clean: ## Remove build outputs (build/, bundles in artifacts/, data/processed/, caches); keeps data/raw/ and .venv
	rm -rf build test-artifacts data/processed bench/out catboost_info .pytest_cache
	find artifacts -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

clean-data: ## Remove data/raw/ (downloaded or synthetic input data)
	rm -rf $(DATA_RAW)
