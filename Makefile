# ParkOps. `make run` and `make test` need only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint demo serve bench install install-dev migrate clean messages

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

# Benchmarks (issue #16): each benchmark against its baseline, on scratch databases
# (never the configured one's data), into bench/RESULTS.md and bench/results.json.
# SQLite always; PostgreSQL too when DATABASE_URL names one (a database
# parkops_bench on that server, created and dropped). make bench BENCH_SCALE=1.0
BENCH_SCALE ?= 0.1
BENCH_PARKS ?= 50
BENCH_ROUNDS ?= 5
BENCH_ARGS = --scale $(BENCH_SCALE) --parks $(BENCH_PARKS) --rounds $(BENCH_ROUNDS)
bench: install-dev
	PARKOPS_DEBUG=0 DATABASE_URL=sqlite://:memory: $(PY) manage.py bench --fresh $(BENCH_ARGS)
	case "$$DATABASE_URL" in postgres*) PARKOPS_DEBUG=0 $(PY) manage.py bench $(BENCH_ARGS);; esac

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
