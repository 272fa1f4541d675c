# Physics of Language Models in Python: the course's commands. Run `make help`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP     := $(VENV)/.dev-installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
PORT ?= 8888

# One BLAS thread: sums come out in the same order on every machine (portable recorded outputs),
# and two notebooks running side by side on a small CI machine do not fight over the cores.
export OPENBLAS_NUM_THREADS = 1
export OMP_NUM_THREADS = 1
export MKL_NUM_THREADS = 1

.PHONY: help setup lab test test-lmcore test-notebooks test-browser execute lint bench slides html clean

help:
	@echo "make lab       start JupyterLab on notebooks/ (creates .venv on first run)"
	@echo "make test      all tests: pytest over tests/ and nbval (strict) over every notebook"
	@echo "make execute   re-execute every notebook in place (re-record outputs after a change)"
	@echo "make lint      ruff over lmcore, tests, scripts, benchmarks and notebooks"
	@echo "make test-browser  every notebook run and every widget moved in JupyterLab (Chromium)"
	@echo "make slides    one reveal.js deck per notebook in build/slides"
	@echo "make html      the static course (recorded outputs, an index page) in build/html"
	@echo "make bench     speed benchmarks (not part of make test)"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.txt pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(RUNTIME_STAMP) $@

setup: $(DEV_STAMP)

# The token goes to the server in the environment (JUPYTER_TOKEN), never on its command line:
# /proc/PID/cmdline is readable by every local user, /proc/PID/environ only by its owner.
lab: $(RUNTIME_STAMP)
	@token=$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(24))'); \
	echo ""; echo "  Open the course at: http://127.0.0.1:$(PORT)/lab?token=$$token"; echo ""; \
	JUPYTER_TOKEN=$$token exec $(BIN)/jupyter lab --notebook-dir=notebooks --ip=127.0.0.1 \
		--port=$(PORT) --no-browser $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# pytest first, then nbval: a drifted notebook is reported after the unit test that explains it.
test: test-lmcore test-notebooks

test-browser: $(DEV_STAMP)
	scripts/ensure_chromium.sh
	$(BIN)/python -m pytest -m browser tests/browser -v

# Both folders are self-contained (MathJax, and reveal.js for the decks, copied into _static/) and
# sit side by side: the index in build/html links each deck in ../slides. reveal.js comes once
# from the npm registry at a pinned version and sha512 (cached in build/.cache/, needs npm).
slides: $(DEV_STAMP)
	$(BIN)/python scripts/build_site.py slides --out build/slides

html: $(DEV_STAMP)
	$(BIN)/python scripts/build_site.py html --out build/html

test-lmcore: $(DEV_STAMP)
	$(BIN)/python -m pytest tests

test-notebooks: $(DEV_STAMP)
	$(BIN)/python -m pytest --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg $(NOTEBOOKS)

execute: $(DEV_STAMP)
	$(BIN)/python scripts/execute_notebooks.py $(NOTEBOOKS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check lmcore tests scripts benchmarks notebooks

bench: $(DEV_STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf build .pytest_cache .ruff_cache .hypothesis
