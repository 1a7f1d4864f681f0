# One command sets up the environment (if missing) and runs everything CI runs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test lint bench clean compare

# The main job: which weighting helps? `sklweight compare` on the embedded long-tailed
# digits (about a minute on 2 cores), with the HTML report written to $(REPORT). Options
# go in ARGS, e.g. make compare ARGS="--data noisy-digits" or
# make compare ARGS="--csv data.csv --target label --weight-col confidence".
REPORT ?= build/compare-report.html
ARGS ?=
compare: $(STAMP)
	mkdir -p $(dir $(REPORT))
	$(PY) -m sklweight compare --report $(REPORT) $(ARGS)

$(STAMP): requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lint: $(STAMP)
	$(PY) -m ruff check sklweight tests benchmarks

test: lint
	$(PY) -m pytest -n auto

bench: $(STAMP)
	$(PY) benchmarks/bench_losses.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache *.egg-info
