# ServiceHall. Quick start: `make demo` (serve the demo center), `make test` (the whole suite).
SHELL := /bin/bash
# Python 3.11 or 3.12 (pyproject.toml's requires-python): the first found, or PYTHON=/path/to/python.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Every dependency at the version CI passed with (docs/development.md, "Dependencies").
LOCK := requirements/lock.txt
PIP_INSTALL = $(BIN)/pip install -q --disable-pip-version-check -c $(LOCK)
APT_GET := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get
PORT ?= 8000
DEMO_CLOCK ?=
NAME ?=
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: demo test bench lint serve install dev-install system-test-deps messages migrate clean lock prod-smoke

# Debian's python3.X has no ensurepip, so `python3 -m venv` fails until python3.X-venv is installed.
$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "ServiceHall needs Python 3.11 or 3.12: apt-get install python3" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; assert (3, 11) <= v <= (3, 12), "ServiceHall needs Python 3.11 or 3.12, not %d.%d ($(PYTHON))" % v'
	@$(PYTHON) -m venv $(VENV) >/dev/null 2>&1 || { \
	  rm -rf $(VENV); pkg="python$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"; \
	  echo "python -m venv needs Debian's $$pkg: installing it"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq "$$pkg" >/dev/null && $(PYTHON) -m venv $(VENV); }
	@# A venv whose pip could not be set up is removed, so that the next `make` starts again.
	$(PIP_INSTALL) --upgrade pip || { rm -rf $(VENV); exit 1; }

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP_INSTALL) -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml $(LOCK) $(VENV)/.installed
	$(PIP_INSTALL) -e '.[dev]'
	@touch $@

# Move every dependency to the newest release pyproject.toml allows, on purpose: resolves a fresh
# install in a scratch venv and writes the result to requirements/lock.txt. Then `make test` and
# commit the lock with what the upgrade needed.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install -q --disable-pip-version-check --upgrade pip
	.venv-lock/bin/pip install -q --disable-pip-version-check '.[dev]'
	{ sed -n '/^#/p' $(LOCK); .venv-lock/bin/pip freeze --all | grep -viE '^(servicehall|setuptools|wheel)( @|==)'; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf .venv-lock build
	@git diff --stat -- $(LOCK) 2>/dev/null || true

install: $(VENV)/.installed
dev-install: $(VENV)/.dev-installed

# Debian packages: gettext compiles the English catalogue; chromium drives the browser tests
# (through Playwright, whose bundled node needs libatomic1, missing on a minimal Debian);
# poppler-utils reads back the PDF notices; a Chinese font lets the screenshots show the pages'
# text (a machine without one draws every character as a box).
system-test-deps:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	/sbin/ldconfig -p 2>/dev/null | grep -q 'libatomic\.so\.1' || missing="$$missing libatomic1"; \
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
	@$(MAKE) --no-print-directory prod-smoke

# The production configuration installed and served by gunicorn, one page of each part loaded
# (scripts/prod_smoke.py): on a scratch SQLite file, or beside DATABASE_URL's database.
prod-smoke: install
	$(BIN)/python scripts/prod_smoke.py

bench: dev-install
	$(BIN)/python -m bench $(NAME)

lint: dev-install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
