# make demo — set up .venv and run a study of the default model
# make test — set up .venv with the dev extras, lint, type-check and run every test and notebook
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
MODEL ?= models/web-cluster.yaml
RUNS ?= 2000

.PHONY: demo test lint unit coverage benchmark mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# dependencies through uv (installed from PyPI into the venv first: 45 s for the dev extras on
# the 2-core machine, against 2 min for pip, the same packages and versions; with the bytecode
# compiled, as pip does, so that the test processes do not each compile it); pip if uv fails
UV = $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) uv && $(UV) -e . || $(PIP) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) uv && $(UV) -e '.[dev]' || $(PIP) -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/hasim run $(MODEL) --runs $(RUNS) --seed 1

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy hasim

unit: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 tests

# the numba kernel compiles (or loads from its cache) in the background while lint and the tests
# that need no kernel run; a test process that calls the kernel first waits for that compile
# (HASIM_KERNEL_LOCK) and then loads it from the cache, instead of compiling its own copy
LOCK := $(abspath $(VENV))/.kernel-lock
test: $(VENV)/.installed-dev
	rm -f $(LOCK)
	$(BIN)/python benchmarks/warm_up.py --lock $(LOCK) & warm=$$!; \
	while ! test -s $(LOCK) && kill -0 $$warm 2>/dev/null; do sleep 0.1; done; \
	$(BIN)/ruff check . && $(BIN)/mypy hasim && \
	HASIM_KERNEL_LOCK=$(LOCK) HASIM_NOTEBOOK_RUNS=60 $(BIN)/python -m pytest -n 2 tests \
		--nbmake notebooks; tested=$$?; \
	wait $$warm; warmed=$$?; test $$tested -eq 0 && test $$warmed -eq 0

# line coverage of the numba kernels, run as plain Python (not part of make test; ~2 min)
coverage: $(VENV)/.installed-dev
	NUMBA_DISABLE_JIT=1 $(BIN)/coverage run --source=hasim/kernels -m pytest -q -p no:xdist \
		-W ignore tests/test_engines.py tests/reference
	$(BIN)/coverage report -m

# the engines side by side with the previous kernel (not part of make test; ~4-5 min, ~8 with
# the million-run study)
benchmark: $(VENV)/.installed
	$(BIN)/python benchmarks/engines.py --million

# mutation spot-checks: each hand-picked bug of tools/mutations.yaml must make its tests fail
# (not part of make test; ~3 min on 2 cores, one mutation at a time)
mutate: $(VENV)/.installed-dev
	$(BIN)/python tools/mutate.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
