# Two commands for a newcomer: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Test processes: one per core (pytest-xdist); each test file runs whole on one of them.
TEST_WORKERS ?= auto
HOST ?= 127.0.0.1
# Tests run with production settings, a throwaway key, and plain HTTP (the live
# server and the test browser speak HTTP on localhost).
KEY_ENV := SECRET_KEY=test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
TEST_ENV := $(KEY_ENV) SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false

.PHONY: run serve bench load test check fuzz-api fixtures format venv install install-dev clean requirements search-eval

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12 or newer is needed; pyenv picks the one in .python-version")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Every package is pinned with its hashes (pip-compile); pip refuses anything else.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: set up a SQLite database, load the fixtures and serve on http://127.0.0.1:$(PORT)
run: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_portal_data
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## serve: production serving: granian (portal/server.py), DEBUG off, a worker per core
## (WEB_CONCURRENCY), on http://$(HOST):$(PORT). Plain HTTP on loopback unless told otherwise:
## behind a TLS proxy set SECURE_SSL_REDIRECT etc. as README "Hosting" says.
SERVE_ENV := DEBUG=0 PORT=$(PORT) HOST=$(HOST) \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-localhost,127.0.0.1} \
	SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} \
	SESSION_COOKIE_SECURE=$${SESSION_COOKIE_SECURE:-false} \
	CSRF_COOKIE_SECURE=$${CSRF_COOKIE_SECURE:-false}
serve: $(VENV)/.installed
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py load_portal_data --if-empty
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) exec $(BIN)/python -m portal.server

## bench: the portal (make serve, cache on and off) against Datasette on one SQLite file,
## driven by wrk (Debian package); prints the table, writes test-artifacts/bench.json
.venv-bench/.installed: requirements-bench.txt
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet -r requirements-bench.txt
	@touch $@

bench: $(VENV)/.installed .venv-bench/.installed
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

## load: make serve (granian) under wrk on loopback, 64 connections x 60 s over pages, API and
## search, with a Publisher's edit half-way; prints p50/p99, req/s and statuses, writes
## test-artifacts/load.json, fails on any 5xx or error other than 429 (LOAD_ARGS, e.g.
## "--connections 32 --duration 30 --api-rate 100000/minute")
load: $(VENV)/.installed
	$(BIN)/python scripts/load.py $(LOAD_ARGS)

## test: install the test tools and run the whole suite (DATABASE_URL picks the database)
test: $(VENV)/.installed-dev
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## check: lint, formatting, migrations in step with the models, deployment settings
check: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(KEY_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(KEY_ENV) ALLOWED_HOSTS=portal.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

## fuzz-api: schemathesis against a live server with the fixtures (DATABASE_URL picks the database)
fuzz-api: $(VENV)/.installed-dev
	scripts/api_fuzz.sh

## search-eval: recall@10 and MRR of search over tests/search/questions.yaml, overall and per
## question type, on the database named by DATABASE_URL (load the fixtures first)
search-eval: $(VENV)/.installed-dev
	$(KEY_ENV) $(BIN)/python scripts/search_eval.py $(EVAL_ARGS)

## fixtures: migrate the database named by DATABASE_URL and load the fixtures into it
fixtures: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_portal_data

## requirements: recompile requirements*.txt (exact versions and hashes) from requirements*.in
requirements: $(VENV)/.installed-dev
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .venv-bench staticfiles db.sqlite3 test-artifacts
