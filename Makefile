# deckgen: `make deck` builds the built-in deck, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: deck test bench clean lint typecheck

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

deck: $(STAMP)
	$(BIN)/deckgen build deck -o build

test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy src
	$(BIN)/python -m pytest -n 2

bench: $(STAMP)
	$(BIN)/python -m deckgen.bench

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache .hypothesis
