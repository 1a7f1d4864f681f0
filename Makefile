# One command sets up the environment (if missing) and runs everything CI runs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test lint bench clean compare docs

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
	$(PY) -m ruff check sklweight tests benchmarks examples docs/conf.py

# The tests include the docs build with warnings as errors (tests/test_docs.py) and every
# script of examples/ (tests/test_examples.py).
test: lint
	$(PY) -m pytest -n auto

# The documentation, HTML in docs/_build/html (warnings are errors, as in the tests).
docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -b html docs docs/_build/html

# Speed benchmarks (fits on large and small data, predict_proba, peak memory, losses;
# the bars: docs/benchmarks.rst, "The bars") at a few-minutes size; writes
# benchmarks/results.md (BENCH_ARGS=--full: the documented sizes, tens of minutes).
bench: $(STAMP)
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache *.egg-info docs/_build docs/generated docs/auto_examples docs/_generated
