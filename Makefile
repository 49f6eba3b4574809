PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --require-hashes

# Hashed locks by role, compiled from requirements/*.in by `make lock` (pip-tools).
WEB_LOCK := requirements/web.txt
WORKER_LOCK := requirements/worker.txt
DEV_LOCK := requirements/dev.txt

STAMP := $(VENV)/.installed-dev
WEB_STAMP := $(VENV)/.installed-web
WORKER_STAMP := $(VENV)/.installed-worker

# pip-compile for `make lock`: hashes, pins for pip/setuptools too, no extras (the locks are used as
# constraints), and no index or find-links lines (pip's own configuration supplies those).
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(abspath $(VENV))/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

.PHONY: run test install install-web install-worker lint lock worker clean messages

## The translations Django reads: each locale/*/LC_MESSAGES/*.mo compiled from its .po (Debian's gettext: msgfmt)
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
%.mo: %.po
	msgfmt --check -o $@ $<
messages: $(MO_FILES)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

## Development and CI: the render worker's packages plus tests and linters
$(STAMP): $(DEV_LOCK) $(WORKER_LOCK) $(WEB_LOCK) | $(VENV)/bin/python
	$(PIP) -r $(DEV_LOCK)
	touch $@

## The web tier only (site, API, housekeeping worker, beat): no torch, diffusers or PyAV
$(WEB_STAMP): $(WEB_LOCK) | $(VENV)/bin/python
	$(PIP) -r $(WEB_LOCK)
	touch $@

## A render worker: the web tier plus torch, diffusers, transformers, PyAV
$(WORKER_STAMP): $(WORKER_LOCK) $(WEB_LOCK) | $(VENV)/bin/python
	$(PIP) -r $(WORKER_LOCK)
	touch $@

install: $(STAMP)
install-web: $(WEB_STAMP)
install-worker: $(WORKER_STAMP)

## Recompile the locks after editing requirements/*.in (LOCK_ARGS="--upgrade-package X" to move one)
lock: $(STAMP)
	cd requirements && $(PIP_COMPILE) --output-file web.txt web.in
	cd requirements && $(PIP_COMPILE) --output-file worker.txt worker.in
	cd requirements && $(PIP_COMPILE) --output-file dev.txt dev.in

## Start the site, a render worker, the housekeeping worker and Celery beat on http://127.0.0.1:$${PORT:-8000}:
## deploy/Procfile, started by honcho (bin/run --supervise: under bin/supervise.py, restarting what exits)
run: $(WORKER_STAMP) messages
	bin/run

## Install and run the whole test suite
test: $(STAMP) messages
	$(PY) -m pytest $(PYTEST_ARGS)

## Every check, each run even when an earlier one fails; fails if any failed
lint: $(STAMP)
	@failed=""; \
	for check in "$(VENV)/bin/ruff check --output-format concise ." \
	             "$(VENV)/bin/ruff format --check --output-format concise ." "$(VENV)/bin/mypy" \
	             "$(VENV)/bin/lint-imports --no-logo" "$(PY) manage.py makemigrations --check --dry-run" \
	             "$(PY) manage.py check_i18n" \
	             "$(PY) -m pip check"; do \
	  echo "--- $$check"; \
	  $$check || failed="$$failed\n  $$check"; \
	done; \
	if [ -n "$$failed" ]; then printf "lint failed:$$failed\n"; exit 1; fi

## One render worker (set CUDA_VISIBLE_DEVICES to pin it to a GPU)
worker: $(WORKER_STAMP)
	$(VENV)/bin/celery -A config worker -Q render -P solo -c 1 -n "render-$${CUDA_VISIBLE_DEVICES:-cpu}@%h" --loglevel INFO

clean:
	rm -rf var media staticfiles
