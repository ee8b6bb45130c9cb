# Shanghai Infant Formula Trust — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
FLASK := $(BIN)/flask --app wsgi

.PHONY: help run setup venv install install-test translations data test test-sqlite test-pg lint bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools

venv: $(BIN)/activate

install: venv ## Install the site (editable) into .venv
	$(BIN)/pip install --quiet -e .

install-test: venv ## Install the site and the test tools
	$(BIN)/pip install --quiet -e '.[test]'

translations: ## Compile the message catalogues
	$(BIN)/pybabel compile -d translations --statistics

data: ## Migrate, load demo data if empty, rebuild the search index
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	-FORMULATRUST_DEMO_ACCOUNTS=true $(FLASK) demo-accounts  # local only; refused for a public SITE_HOST
	$(FLASK) search reindex

setup: install translations data ## Everything `run` needs, without serving

run: setup ## Set up and serve with gunicorn on 127.0.0.1:$(PORT)
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --threads 4 \
		--no-control-socket --access-logfile - wsgi:app

test: ## Install test needs, then run the whole suite on SQLite and PostgreSQL
	bash .ci/test.sh

bench: install ## Benchmarks: page throughput against /healthz, serial lookups 100k vs 10M, search at 100k per engine
	$(BIN)/python -m bench.run

lint: install-test ## Ruff
	$(BIN)/ruff check .

clean: ## Remove the virtual environment and build leftovers (keeps instance/)
	rm -rf $(VENV) node_modules build *.egg-info
