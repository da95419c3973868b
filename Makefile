# Docket: `make run` serves the app with demo data; `make test` runs the whole suite.
# Both install whatever is missing first (Debian packages, virtualenv, pinned Python packages).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DOCKET_DATA_DIR ?= $(CURDIR)/data
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?= -n 2

.PHONY: run test test-sqlite test-postgres lint bench setup lock clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --no-deps -r requirements.lock  # a full freeze: see pyproject.toml
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/docket migrate
	$(BIN)/docket createadmin --username admin --password docket-demo-2024 --if-missing
	$(BIN)/docket demo --if-empty --as-user admin
	@echo "Docket at http://127.0.0.1:8000  (log in as admin / docket-demo-2024)"
	$(BIN)/docket serve --with-worker --bind 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

test: $(STAMP) lint test-sqlite test-postgres

test-sqlite: $(STAMP)
	@echo "== test suite on SQLite =="
	DOCKET_DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(STAMP)
	@bash scripts/ensure-postgres.sh; rc=$$?; \
	if [ $$rc -eq 0 ]; then echo "== test suite on PostgreSQL =="; \
		DOCKET_DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS); \
	elif [ "$${CI:-}" = "true" ]; then exit 1; \
	else echo "PostgreSQL not reachable: PostgreSQL suite skipped (mandatory under CI=true)"; fi

bench: $(STAMP)
	bash scripts/ensure-postgres.sh || true
	$(BIN)/python -m benchmarks

# Re-pin requirements.lock from pyproject.toml's ranges and the dev tools.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install -q --upgrade pip
	.lockenv/bin/pip install -q -e . -r requirements-dev.txt
	.lockenv/bin/pip uninstall -q -y opencv-python  # rapidocr's pick; we ship the headless build
	.lockenv/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) data test-artifacts .bench
