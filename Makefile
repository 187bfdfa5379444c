# Two commands matter on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: test lint unit demo bench soak clean e2e

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint unit

demo: $(STAMP)
	$(BIN)/deskwatch demo

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

# the slow tests (SIGKILL episodes), then the app headless through a simulated day with light
# faults (24 h at 144x: 10 minutes); JSON lines, exit 1 with a reason when a threshold is missed
soak: $(STAMP)
	$(BIN)/pytest -m slow -p no:xdist
	$(BIN)/python -m deskwatch.bench.soak_day --hours 24 --ratio 144 --faults light

bench: $(STAMP)
	$(BIN)/python -m deskwatch.bench
	$(BIN)/python -m deskwatch.bench.sim_scale
	$(BIN)/python -m deskwatch.bench.client_sync fast
	$(BIN)/python -m deskwatch.bench.drill
	$(BIN)/python -m deskwatch.bench.first_sync
	$(BIN)/python -m deskwatch.bench.viewers
	$(BIN)/python -m deskwatch.bench.edge

# deskwatch serve in headless Chromium (Debian's package): a screenshot of the served operations
# dashboard in e2e-out/, and two browser tabs adding no API requests. Not part of make test.
e2e: $(STAMP)
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	$(BIN)/python -m tests.e2e.serve_browser --out e2e-out
