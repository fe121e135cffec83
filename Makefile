# The developer manual: `make help` lists what each target does.
PY ?= python3
BIN := .venv/bin
PYTEST_ARGS ?=
export CHROMIUM_PATH ?= $(shell command -v chromium 2>/dev/null || echo /usr/bin/chromium)

.DEFAULT_GOAL := help
.PHONY: help run serve test lint types fmt chromium oidc check pytest bench scale loadtest faults cluster haproxy backup restore clean

.venv/done: pyproject.toml  ## (re)create the virtualenv when the dependencies change
	$(PY) -m venv .venv
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

run: .venv/done  ## the app with demo data on SQLite at http://127.0.0.1:8000
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_catalogue
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=1 IMHCF_SIGNUP_OPEN=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

serve: .venv/done  ## gunicorn on 127.0.0.1:8000 with the production settings on the local database
	@test -n "$$DJANGO_SECRET_KEY" || test -s .secret-key || \
	  $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > .secret-key
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=0 $(BIN)/python manage.py load_catalogue --if-empty
	exec env DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret-key)}" \
	  $(BIN)/gunicorn -c gunicorn.conf.py imhcf.wsgi

backup: .venv/done  ## write the whole database to FILE (make backup FILE=site.backup)
	@test -n "$(FILE)" || { echo "Say where: make backup FILE=site.backup"; exit 2; }
	$(BIN)/python manage.py backup "$(FILE)"

restore: .venv/done  ## replace the whole database with FILE, all or nothing (make restore FILE=...)
	@test -n "$(FILE)" || { echo "Say which: make restore FILE=site.backup"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

test: .venv/done chromium oidc lint types check pytest  ## lint, type check, Django checks, then every test (browser tests too)

lint: .venv/done  ## ruff lint and format check; bandit: no medium or high finding
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r catalogue assessments imhcf -ll -x '*/migrations/*'

types: .venv/done  ## mypy with django-stubs: strict on security, services, plans, portfolio (config: pyproject.toml)
	$(BIN)/mypy

fmt: .venv/done  ## format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: .venv/done  ## Django system checks and no missing migrations
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

pytest: .venv/done oidc  ## the whole pytest suite (DATABASE_URL picks the database)
	$(BIN)/pytest $(PYTEST_ARGS)

bench: .venv/done  ## page timings as ratios to a bare view, on a full-size framework
	$(BIN)/python bench/run.py

scale: .venv/done  ## organisation pages at 10,000 and 105,000 practitioners on PostgreSQL (built once, kept)
	$(BIN)/python bench/scale.py

loadtest: .venv/done  ## 50 users for 60 s on gunicorn (2 workers) and PostgreSQL, then the bare view
	$(BIN)/python loadtest/run.py $(LOAD_ARGS)

faults: .venv/done  ## the same load, a worker killed and a PostgreSQL of its own restarted; checks every save
	$(BIN)/python loadtest/run.py --faults $(LOAD_ARGS)

cluster: .venv/done haproxy  ## two app servers behind HAProxy, a streaming standby, a worker: load, kills, a restart (~4 min)
	$(BIN)/python -m loadtest.cluster_run $(CLUSTER_ARGS)

haproxy:  ## install Debian's HAProxy for `make cluster` when it is missing (needs root)
	@if ! command -v haproxy >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's haproxy for make cluster"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; \
	  else \
	    echo "make cluster needs HAProxy: run 'sudo apt-get install haproxy'"; exit 1; \
	  fi; \
	fi

chromium:  ## install Debian's Chromium for the browser tests when it is missing (needs root)
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium: run 'sudo apt-get install chromium'"; exit 1; \
	  fi; \
	fi

oidc:  ## the test OpenID Connect provider's npm packages (tests/oidc), when Node.js is here
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  echo "No Node.js: the OpenID Connect tests will skip (sudo apt-get install nodejs npm)"; \
	elif [ ! -d tests/oidc/node_modules ] || [ tests/oidc/package-lock.json -nt tests/oidc/node_modules ]; then \
	  npm ci --prefix tests/oidc --no-audit --no-fund && touch tests/oidc/node_modules; \
	fi

clean:  ## remove the virtualenv, local database and collected static files
	rm -rf .venv db.sqlite3 db.sqlite3-* staticfiles .pytest_cache .mypy_cache .secret-key

help:  ## list the targets
	@grep -E '^[a-z.\/-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16
