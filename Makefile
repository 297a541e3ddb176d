# ParkOps. `make run` and `make test` need only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint demo serve install install-dev migrate clean messages

run: install migrate demo
	bash scripts/with_worker.sh $(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev
	bash scripts/test_all.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

demo: install migrate
	$(PY) manage.py load_demo

migrate: install
	$(PY) manage.py migrate --noinput

# Production-style: production settings (DEBUG off, checks on), static files
# collected, gunicorn (settings in gunicorn.conf.py). TLS is expected in front; for a plain-HTTP trial on this
# machine: make serve PARKOPS_SSL_REDIRECT=0 PARKOPS_SECURE_COOKIES=0
export PARKOPS_ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: install migrate
	PARKOPS_ENV=production $(PY) manage.py collectstatic --noinput -v0
	PARKOPS_ENV=production bash scripts/with_worker.sh \
		$(BIN)/gunicorn --config gunicorn.conf.py parkops.wsgi:application --bind $(HOST):$(PORT)

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "ParkOps needs Python 3.11 or newer ($(PYTHON) is older)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	touch $@

$(VENV)/.installed: $(VENV)/.python requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: $(VENV)/.python requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.installed

# Developers only (needs GNU gettext): refresh and compile the translations.
messages: install-dev
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/static
