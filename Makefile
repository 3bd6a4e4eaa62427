# InoLink: `make demo` serves the demo, `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint format install install-dev frontend migrate bench clean messages mutants

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when requirements change. Production and the demo get what the application needs to run
# (requirements.txt); tests, lint, the benchmark and translations add the tools (requirements-dev.txt).
$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP) $(DEV_STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

frontend: node_modules/.package-lock.json

install: $(STAMP) frontend

install-dev: $(DEV_STAMP) frontend

# Emails the demo sends link to the demo itself, on whatever PORT it serves (unless SITE_URL says otherwise).
demo: export DJANGO_DEBUG = 1
demo: export SITE_URL ?= http://127.0.0.1:$(PORT)
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-dev
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles

# Translations: extract new strings into <app>/locale/lt and locale/lt (then translate them), and compile.
messages: install-dev
	cd . && DJANGO_DEBUG=1 $(BIN)/python manage.py update_translations

# Benchmark: a large programme in bench/bench.sqlite3, or in DATABASE_URL (a scratch database named *bench*).
bench: install-dev
	$(BIN)/python bench/run.py

# Mutation testing (README, "Mutation testing"): mutmut over the rule-bearing modules, one module at a time, with
# MUTANTS_JOBS workers; then retests the survivors against today's tests and prints the score per module. Results
# stay in mutants/: a second run retests only changed functions and survivors (rm -rf mutants for a run from
# scratch). Needs no PostgreSQL: SQLite, migrated once into MUTANTS_TMP.
MUTANTS_JOBS ?= 1
MUTANTS_TMP ?= /tmp/inolink-mutants
MUTANTS_MODULES ?= consultations.services consultations.models consultations.permissions consultations.selectors \
	events.services events.models events.permissions events.selectors \
	agreements.models agreements.permissions agreements.selectors notifications.services notifications.models
mutants: export MUTANTS_DB_TEMPLATE = $(MUTANTS_TMP)/template.sqlite3
mutants: install-dev
	mkdir -p $(MUTANTS_TMP) && rm -f $(MUTANTS_DB_TEMPLATE)
	$(BIN)/python mutation/refresh.py
	env -u DATABASE_URL DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(MUTANTS_DB_TEMPLATE) \
		$(BIN)/python manage.py migrate --noinput > /dev/null
	for module in $(MUTANTS_MODULES); do \
		env -u DATABASE_URL $(BIN)/mutmut run --max-children $(MUTANTS_JOBS) "$$module.*" || exit 1; \
	done
	survivors=$$($(BIN)/python mutation/score.py --survivors); \
		[ -z "$$survivors" ] || env -u DATABASE_URL $(BIN)/mutmut run --max-children $(MUTANTS_JOBS) $$survivors
	$(BIN)/python mutation/score.py
