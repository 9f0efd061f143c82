# The two set-up commands are `make run` and `make test`; see README.md.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export WEB_ADDR = $(HOST):$(PORT)

.PHONY: run test install install-test lint bench messages clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate pyproject.toml node_modules/.package-lock.json
	$(PIP) install --quiet -e .
	touch $@

# Apache ECharts' release files (the dashboard's charts) from the npm registry: package.json
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --omit=dev --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the dashboard's charts (Apache ECharts) stay missing until it is installed"; fi

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# The embedded demo runs with DEBUG on (the development key, demo users); `make run DEBUG=false`
# behaves like production (then SECRET_KEY and ALLOWED_HOSTS are required).
run: export DEBUG ?= true
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_schedules
	$(PY) manage.py load_demo
	@echo
	@echo "  Service center: http://$(HOST):$(PORT)/   (demo users: see README.md, password demo12345)"
	@$(PY) manage.py load_demo --list-users
	@echo
	$(VENV)/bin/honcho start -f Procfile

lint: install-test
	$(VENV)/bin/ruff check .

test: install-test lint
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# make bench [BENCH_SCALE=tiny|small|full] [ARGS='--only sweep --keep']  (see docs/bench.md)
bench: install-test
	$(PY) -m bench $(if $(BENCH_SCALE),--scale $(BENCH_SCALE)) $(BENCH_ARGS) $(ARGS)

APPS := core customers complaints workorders tickets outages grading reports
# Each app owns its catalog (<app>/locale/); the root catalog (locale/) covers servicecenter/ and
# the project-wide templates/ only.
messages: install
	for app in $(APPS); do (cd $$app && ../$(VENV)/bin/django-admin makemessages -l zh_Hans -l en && ../$(VENV)/bin/django-admin compilemessages); done
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --ignore=bench --ignore=tests $(foreach a,$(APPS),--ignore=$(a))
	$(PY) manage.py compilemessages --ignore=.venv $(foreach a,$(APPS),--ignore=$(a))

clean:
	rm -rf var/test_* var/broker
