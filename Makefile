VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
AUDIT := tests/http_audit
AXE := tests/web

.PHONY: setup serve test lint bench schema clean http-audit web-audit

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

serve: setup
	$(VENV)/bin/territoires db setup
	$(VENV)/bin/uvicorn server:create_app --factory --host $(HOST) --port $(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy simulation schema models data studies exports server.py settings.py apikeys.py cli

# The GraphQL-over-HTTP specification's server audit (graphql-http, pinned by the lock file);
# without npm, tests/schema/test_graphql_over_http.py skips it (and fails under CI=true).
$(AUDIT)/node_modules/.package-lock.json: $(AUDIT)/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix $(AUDIT) --no-audit --no-fund --silent; \
	else echo "npm not found: the GraphQL-over-HTTP audit will be skipped"; fi

http-audit: $(AUDIT)/node_modules/.package-lock.json

# axe-core (pinned by the lock file), which tests/web/test_accessibility.py injects into the
# page; without npm the accessibility check is skipped (and fails under CI=true).
$(AXE)/node_modules/.package-lock.json: $(AXE)/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix $(AXE) --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility check will be skipped"; fi

web-audit: $(AXE)/node_modules/.package-lock.json

test: lint http-audit web-audit
	$(VENV)/bin/pytest

schema: setup
	$(PY) -m schema

bench: setup
	$(PY) bench/engine.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
