# The two commands of the README: `make demo` and `make test`.
# Both create (or reuse) the virtual environment in .venv and install the project into it.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_OUT ?= demo-out
# The two labs of the engine; `make demo DEMO_LABS=` (empty) grades all five (about 30 min on 2 cores).
DEMO_LABS ?= bptt_numpy,char_rnn

.PHONY: demo test lint venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/autograder demo --out $(DEMO_OUT) $(if $(DEMO_LABS),--labs $(DEMO_LABS))

test: $(STAMP)
	$(PY) -m pytest -q tests

lint: $(STAMP)
	$(VENV)/bin/ruff check autograder assignments reference tests benchmarks

clean:
	rm -rf $(DEMO_OUT) .pytest_cache
