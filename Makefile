# pufa: the two commands are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The field app (field-app/): npm packages pinned in its package-lock.json, built into dist/.
APP := field-app
APP_MODULES := $(APP)/node_modules/.package-lock.json
APP_BUILT := $(APP)/dist/index.html
APP_SOURCES := $(wildcard $(APP)/src/* $(APP)/public/*) $(APP)/index.html $(APP)/vite.config.js
# The console (console/): the leadership dashboard and the admin console, built the same way.
CONSOLE := console
CONSOLE_MODULES := $(CONSOLE)/node_modules/.package-lock.json
CONSOLE_BUILT := $(CONSOLE)/dist/index.html
CONSOLE_SOURCES := $(shell find $(CONSOLE)/src $(CONSOLE)/public -type f) $(CONSOLE)/index.html $(CONSOLE)/vite.config.js
BUILT := $(APP_BUILT) $(CONSOLE_BUILT)

.PHONY: install run test test-production lint format bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

$(APP_MODULES): $(APP)/package.json $(APP)/package-lock.json
	cd $(APP) && npm ci --no-audit --no-fund --loglevel=error

$(APP_BUILT): $(APP_MODULES) $(APP_SOURCES)
	cd $(APP) && npm run --silent build -- --logLevel warn

$(CONSOLE_MODULES): $(CONSOLE)/package.json $(CONSOLE)/package-lock.json
	cd $(CONSOLE) && npm ci --no-audit --no-fund --loglevel=error

$(CONSOLE_BUILT): $(CONSOLE_MODULES) $(CONSOLE_SOURCES)
	cd $(CONSOLE) && npm run --silent build -- --logLevel warn

install: $(STAMP) $(BUILT) ## create .venv and install the pinned dependencies, build the field app and the console

run: $(STAMP) $(BUILT) ## start the whole system on embedded defaults
	$(BIN)/python -m deploy.stack

test: $(STAMP) $(BUILT) ## the whole suite, starting the real Redis, PostgreSQL and processes it needs
	bash deploy/ensure-packages.sh suite
	$(BIN)/python -m pytest

test-production: $(STAMP) $(BUILT) ## the production topology under a market day's burst and faults
	bash deploy/ensure-packages.sh production
	PUFA_TEST_PRODUCTION=1 $(BIN)/python -m pytest tests/production

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var .pytest_cache .ruff_cache

bench: $(STAMP) $(BUILT) ## benchmarks against a bare baseline in the same run, printed as ratios
	bash deploy/ensure-packages.sh suite production
	$(BIN)/python -m tests.bench
