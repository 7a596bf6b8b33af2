# The platform's commands. `make run` and `make test` install what is missing by themselves.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell command -v $(PYTHON))

.PHONY: setup tools run test test-unit test-integration test-e2e web-test bench faults lint fmt infra-up infra-down infra-status clean

setup: ## Python environment from the lock file
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==0.13.8"
	@$(UV) sync --locked --quiet

tools: ## kustomize, helm and docker compose built from their Go modules (cached; the tests build them too)
	@deploy/local/tools.sh install

infra-up: ## Kafka, PostgreSQL and FerretDB as local processes
	@deploy/local/infra.sh up

infra-down:
	@deploy/local/infra.sh down

infra-status:
	@deploy/local/infra.sh status

run: setup ## The platform with a demo organisation; Ctrl-C stops everything
	@deploy/local/run.sh

FRONTEND := services/web/frontend

test: setup lint web-test ## Lint, the web app's unit tests, then the whole suite on the real infrastructure (started and stopped here; the browser tests in headless Chromium among them)
	@deploy/local/with-infra.sh .venv/bin/python -m pytest tests -q -p no:cacheprovider

web-test: ## The web app's unit tests (Vitest); npm ci first when node_modules is missing
	@test -f $(FRONTEND)/package.json || { echo "web-test: $(FRONTEND)/package.json is missing: the web front end is not in this checkout" >&2; exit 1; }
	@test -d $(FRONTEND)/node_modules || (cd $(FRONTEND) && npm ci --no-audit --no-fund)
	@cd $(FRONTEND) && npm test

test-unit: setup
	@.venv/bin/python -m pytest tests/unit -q

test-integration: setup
	@deploy/local/with-infra.sh .venv/bin/python -m pytest tests/integration -q

test-e2e: setup
	@deploy/local/with-infra.sh .venv/bin/python -m pytest tests/e2e -q

bench: setup ## Throughput and lag on the real stack; writes tests/bench/results/
	@deploy/local/with-infra.sh .venv/bin/python -m tests.bench.run

faults: setup ## Fault injection under load on a private cluster (about an hour); writes tests/faults/results/
	@OKR_ENV=development .venv/bin/python -m tests.faults.run

lint: setup ## ruff's rules and formatting, checked
	@.venv/bin/ruff check shared services tools tests deploy
	@.venv/bin/ruff format --check --quiet shared services tools tests deploy

fmt: setup
	@.venv/bin/ruff format shared services tools tests deploy

clean: infra-down
	@deploy/local/postgres.sh clean
	rm -rf .state
