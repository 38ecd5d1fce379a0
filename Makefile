PY ?= python3

.PHONY: install test lint fmt bench
install:
	$(PY) -m pip install -e '.[test]'
test:
	$(PY) -m pytest -q
lint:
	$(PY) -m ruff check kg tests
	$(PY) -m ruff format --check kg tests
	$(PY) -m mypy
fmt:
	$(PY) -m ruff format kg tests
	$(PY) -m ruff check --fix kg tests
bench:
	$(PY) benchmarks/run
