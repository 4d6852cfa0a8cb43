# ServiceHall. Quick start: `make demo` (serve the demo center), `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_CLOCK ?=
NAME ?=
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: demo test bench lint serve install dev-install system-test-deps messages migrate clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "ServiceHall needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
dev-install: $(VENV)/.dev-installed

# Debian packages: gettext compiles the English catalogue; chromium drives the browser tests;
# poppler-utils reads back the PDF notices; a Chinese font lets the screenshots show the pages'
# text (a machine without one draws every character as a box).
system-test-deps:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	[ -n "$$(fc-list :lang=zh 2>/dev/null)" ] || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  echo "installing from Debian:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

messages:
	@if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages -v 0 --ignore='.venv/*'; \
	else echo "gettext not installed: the UI stays in Chinese only (apt-get install gettext for English)"; fi

migrate: install
	$(BIN)/python manage.py migrate --noinput -v 0

demo: install
	@command -v msgfmt >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null) || true
	@$(MAKE) --no-print-directory messages
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "ServiceHall: http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	@# DEBUG off: a visitor sees the product's own 400/403/404/500 pages, never Django's debug pages.
	DJANGO_DEBUG=0 $(BIN)/gunicorn --config config/gunicorn.py config.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile - --log-level warning

# The whole suite: first everything but the browser tests, then those in processes of their own
# (Playwright's sync API needs a thread with no event loop). Load tests marked `slow` run when
# SLOW=1 (CI runs them once, on PostgreSQL).
test: dev-install system-test-deps
	@$(MAKE) --no-print-directory messages
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run -v 0
	$(BIN)/python -m pytest -n $${TEST_WORKERS:-2} --dist loadfile -m "not browser $(if $(SLOW),,and not slow)" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -n $${TEST_WORKERS:-2} --dist loadfile -m "browser $(if $(SLOW),,and not slow)" $(PYTEST_ARGS)

bench: dev-install
	$(BIN)/python -m bench $(NAME)

lint: dev-install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
