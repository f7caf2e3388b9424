# The two README commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app run.py
APT_PACKAGES := chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils

.PHONY: run prod test test-dates install system-deps translations migrate migration worker bench

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed translations

# Debian packages: Chromium for the browser tests, Pango and a Cyrillic font for PDFs, poppler's
# pdftoppm to print a PDF page to an image in tests.
system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -q $$missing >/dev/null || (apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null); \
		else sudo apt-get install -y -q $$missing >/dev/null; fi; \
	fi

translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile -f -d app/translations >/dev/null

migrate: install
	$(FLASK) db upgrade

run: install system-deps migrate
	@$(FLASK) demo load --if-empty
	@echo ""
	@echo "  Аренда: http://$${HOST:-127.0.0.1}:$${PORT:-5000}   login: owner   password: arenda-demo"
	@echo "  (other demo staff: manager, accountant, viewer, billing — same password)"
	@echo ""
	$(PY) run.py

# Production (docs/deployment.md): DATABASE_URL, REDIS_URL, SECRET_KEY from the environment; migrations,
# then gunicorn (WEB_WORKERS), RQ_WORKERS rq workers and the one rq cron (CRON=0 on other machines).
prod: install system-deps
	$(PY) deploy/supervise.py

test: install system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite again with the clock pinned to days that break date arithmetic: after a 30-day
# month, the last day of a year, a leap day (tests/conftest.py reads ARENDA_TEST_TODAY). Without
# the tests marked `processes` (make prod, workers, backups: minutes each, not date-sensitive).
TEST_DATES ?= 2027-03-01 2027-12-31 2028-02-29
test-dates: install system-deps
	@for day in $(TEST_DATES); do \
		echo "== the suite on $$day"; \
		ARENDA_TEST_TODAY=$$day $(PY) -m pytest -q -m "not processes" $(PYTEST_ARGS) || exit 1; \
	done

# With Redis (REDIS_URL set): the RQ worker and the one cron scheduler (nightly job at 00:00 UTC,
# outbox delivery every minute). Without Redis there is nothing to start: `make run` does both in-process.
worker: install migrate
	@test -n "$$REDIS_URL" || { echo "REDIS_URL is not set: without Redis, 'make run' runs the nightly job itself"; exit 1; }
	@TZ=UTC $(VENV)/bin/rq cron app.jobs.cron --url "$$REDIS_URL" & cron=$$!; \
	trap 'kill $$cron' EXIT INT TERM; \
	TZ=UTC $(VENV)/bin/rq worker -w app.jobs.worker.Worker --url "$$REDIS_URL" default

# Development helpers
migration: install
	$(FLASK) db migrate -m "$(m)"

# `make bench` runs every benchmark; `make bench BENCH=attention` only the named ones (PostgreSQL:
# ARENDA_BENCH_DATABASE_URL, default the local server). Benchmark-only packages come from benchmarks/requirements.txt.
bench: install
	$(VENV)/bin/pip install --quiet -r benchmarks/requirements.txt
	$(PY) -m benchmarks $(BENCH)
