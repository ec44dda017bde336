# solver: worked, verified answer sheet for the deep-learning exam.
# `make pdf` and `make test` do all set-up themselves on a fresh machine.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Everything the sheet is made from: code, templates, and the exam file's words and points.
SOURCES := $(shell find solver templates -type f \( -name '*.py' -o -name '*.j2' -o -name '*.css' -o -name '*.toml' \))

.PHONY: setup system-deps pdf test test-fast test-plain bench bench-deps lint clean

setup: $(STAMP)

# WeasyPrint needs the system Pango library; HarfBuzz-Subset makes font subsetting fast;
# bubblewrap (bwrap) gives `solver grade` its sandbox (optional: limits only without it);
# chromium and chromium-driver run the practice site's tests in a real browser.
system-deps:
	@missing=""; \
	for lib in libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
	           libharfbuzz-subset.so.0:libharfbuzz-subset0; do \
	  ldconfig -p | grep -q "$${lib%%:*}" || missing="$$missing $${lib##*:}"; \
	done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing system packages:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) \
	    >/dev/null || echo "apt-get could not install:$$missing"; \
	fi; \
	if ! ldconfig -p | grep -q libpangoft2-1.0.so.0 || ! ldconfig -p | grep -q libpango-1.0.so.0; then \
	  echo "WeasyPrint needs Pango: install the Debian packages libpango-1.0-0 libpangoft2-1.0-0"; \
	  exit 1; \
	fi; \
	ldconfig -p | grep -q libharfbuzz-subset.so.0 || \
	  echo "note: libharfbuzz-subset0 is missing; font subsetting falls back to fontTools (slower)"; \
	if ! command -v bwrap >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing system packages: bubblewrap"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap) \
	    >/dev/null || echo "apt-get could not install: bubblewrap"; \
	fi; \
	command -v bwrap >/dev/null || \
	  echo "note: bwrap (Debian package bubblewrap) is missing; solver grade sandboxes with limits only"; \
	if ! { command -v chromium && command -v chromedriver; } >/dev/null && [ "$$(id -u)" = 0 ] \
	    && command -v apt-get >/dev/null; then \
	  echo "installing system packages: chromium chromium-driver (the practice site's browser tests)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) \
	    >/dev/null || echo "apt-get could not install: chromium chromium-driver"; \
	fi; \
	{ command -v chromium && command -v chromedriver; } >/dev/null || \
	  echo "note: chromium and chromedriver (Debian chromium, chromium-driver) are missing; the practice site's browser tests skip"

# torch is pinned to the CPU build that lies on this machine's disk (PIP_FIND_LINKS);
# installing it first keeps pip from resolving a multi-GB CUDA build.
$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

pdf: build/answers.pdf

build/answers.pdf: $(STAMP) $(SOURCES)
	$(BIN)/solver pdf --output $@

# Everything (the README's test command, and CI's).
test: $(STAMP)
	$(BIN)/python -m pytest

# The unit and contract tests: no end-to-end sheet, bank, grading, variant PDF or wheel.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m 'not slow'

# The sheet's tests once more with every patch of third-party code switched off.
test-plain: $(STAMP)
	SOLVER_SPEEDUPS=0 $(BIN)/python -m pytest -m sheet

# Speed, as ratios to import floors measured in the same run (not part of make test);
# then the paper scan against its goals and against Auto Multiple Choice (tests/bench_scan.py).
bench: $(STAMP) bench-deps
	$(BIN)/python tests/bench.py
	PYTHONPATH=. $(BIN)/python tests/bench_scan.py

# Auto Multiple Choice, the paper scan's benchmark (its dependencies bring LaTeX): only for
# make bench; without it bench_scan.py reports our figures alone.
bench-deps:
	@if ! command -v auto-multiple-choice >/dev/null && [ "$$(id -u)" = 0 ] \
	    && command -v apt-get >/dev/null; then \
	  echo "installing system packages: auto-multiple-choice (the paper scan's benchmark)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends auto-multiple-choice) \
	    >/dev/null || echo "apt-get could not install: auto-multiple-choice"; \
	fi; \
	command -v auto-multiple-choice >/dev/null || \
	  echo "note: auto-multiple-choice (Debian package) is missing; bench_scan.py reports without AMC"

lint: $(STAMP)
	$(BIN)/ruff check solver tests
	$(BIN)/mypy

clean:
	rm -rf build/answers.pdf build/.mathcache
