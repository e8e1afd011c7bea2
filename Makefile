# Quick start: `make run` crawls and serves the portal on 127.0.0.1:8000 (`make run PORT=8080 HOST=0.0.0.0` elsewhere),
# starting an empty store on the starter sources (newsloom/sources/default.toml);
# `make test` runs every check (ruff, mypy, pytest);
# `make check` the quick ones (ruff, mypy, the fast tests). Both install newsloom with every extra ('.[dev]' includes
# nlp, translation and scale) and the English NER model.
PYTHON ?= python3
HOST   ?= 127.0.0.1
PORT   ?= 8000
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test check lint typecheck i18n bench-extract bench-crawl bench-web bench-stories bench-scale bench-translate bench-sections bench-tags clean

$(STAMP): pyproject.toml requirements-models.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-models.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newsloom init
	$(BIN)/newsloom run --starter-sources --host $(HOST) --port $(PORT)

# Three pytest workers (pytest-xdist) on two cores: a third of the suite's time is tests waiting on servers,
# processes and browsers, which a third worker fills. A file's tests stay on one worker, so its module-scoped
# fixtures (a corpus imported once, a portal over it) are built once. `make test PYTEST_WORKERS=0`: one process.
PYTEST_WORKERS ?= 3
PYTEST_PARALLEL = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)
# The fast tests: no browser, no server of their own, nothing that takes seconds (markers: tests/conftest.py).
FAST_TESTS := not browser and not services and not slow

test: $(STAMP)
	bash scripts/test-services.sh
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

# Before a commit: lint, format, types and the fast tests, in under two minutes on a 2-core machine.
# mypy runs beside the tests: they leave a core idle for part of the run (waits on servers, the last files).
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy & types=$$!; \
	$(BIN)/python -m pytest -q -m "$(FAST_TESTS)" $(PYTEST_PARALLEL); tests=$$?; \
	wait $$types && exit $$tests

lint: $(STAMP)
	$(BIN)/ruff check .

# Static types of the package (configuration: [tool.mypy] in pyproject.toml); `make test` runs it before pytest.
typecheck: $(STAMP)
	$(BIN)/mypy

# Refresh the interface catalogues after template changes (the portal compiles the .po files when it starts).
i18n: $(STAMP)
	$(BIN)/pybabel extract -F newsloom/web/locale/babel.cfg -k N_ --no-location --sort-output --no-wrap -o newsloom/web/locale/messages.pot .
	$(BIN)/pybabel update -i newsloom/web/locale/messages.pot -d newsloom/web/locale --no-fuzzy-matching --ignore-obsolete --no-wrap

bench-extract: $(STAMP)
	$(BIN)/python bench/extract_bench.py

bench-sections: $(STAMP)
	nice $(BIN)/python bench/sections_bench.py --tune

bench-tags: $(STAMP)
	nice $(BIN)/python bench/tags_bench.py
	nice $(BIN)/python bench/tags_vi_bench.py

bench-crawl: $(STAMP)
	$(BIN)/python bench/crawl_bench.py

bench-web: $(STAMP)
	@bash scripts/bench-tools.sh
	$(BIN)/python bench/web_bench.py

bench-translate: $(STAMP)
	nice $(BIN)/python bench/translate_bench.py

bench-stories: $(STAMP)
	$(BIN)/python bench/stories_bench.py
	$(BIN)/python bench/copies_bench.py

bench-scale: $(STAMP)
	$(BIN)/python bench/scale_bench.py

clean:
	rm -rf $(VENV) newsloom-data .pytest_cache tools/node_modules
