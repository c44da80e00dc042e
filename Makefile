VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup serve test lint bench schema clean

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
	$(VENV)/bin/mypy simulation schema models data server.py settings.py cli.py

test: lint
	$(VENV)/bin/pytest

schema: setup
	$(PY) -m schema

bench: setup
	$(PY) bench/engine.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
