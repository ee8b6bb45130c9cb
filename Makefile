# Shanghai Infant Formula Trust — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
FLASK := $(BIN)/flask --app wsgi
PIP := $(BIN)/pip --disable-pip-version-check -qq
# QR codes, tickets and feeds name the address actually served.
export FORMULATRUST_SITE_HOST ?= 127.0.0.1:$(PORT)

.PHONY: help run setup venv install install-test translations data test lint bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/activate:
	@echo "Creating the virtual environment in $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip setuptools

venv: $(BIN)/activate

install: venv ## Install the site (editable) into .venv
	@echo "Installing the site and its dependencies"
	@$(PIP) install -e .

install-test: venv ## Install the site and the test tools
	@echo "Installing the site and the test tools"
	@$(PIP) install -e '.[test]'

translations: ## Compile the message catalogues
	@$(BIN)/pybabel -q compile -d translations

data: ## Migrate, load demo data if empty, import the articles, rebuild the search index and the data files
	@$(FLASK) db upgrade
	@$(FLASK) demo --if-empty
	@$(FLASK) learn import
	@# Local only: refused for a public SITE_HOST.
	@-FORMULATRUST_DEMO_ACCOUNTS=true $(FLASK) demo-accounts
	@$(FLASK) search reindex
	@$(FLASK) data build

setup: install translations data ## Everything `run` needs, without serving

run: export FORMULATRUST_PREFERRED_URL_SCHEME ?= http
run: setup ## Set up and serve with gunicorn on 127.0.0.1:$(PORT)
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops); mail goes to instance/outbox-mail/"
	@$(BIN)/flask --app wsgi outbox work >/dev/null & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --threads 4 \
		--no-control-socket --access-logfile - \
		--logger-class formulatrust.core.access_log.PrivateAccessLog \
		--access-logformat '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms' wsgi:app

test: ## Install test needs, then run the whole suite on SQLite and PostgreSQL
	bash .ci/test.sh

bench: install ## Benchmarks: page throughput against a bare Flask hello route and /healthz, serial lookups 100k vs 10M, search at 100k per engine, /results at 100k imported results, the can page beside downloads
	$(BIN)/python -m bench.run

lint: install-test ## Ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/mypy

clean: ## Remove the virtual environment and build leftovers (keeps instance/)
	rm -rf $(VENV) node_modules build *.egg-info .mypy_cache .ruff_cache
