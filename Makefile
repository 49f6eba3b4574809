PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install worker clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

## Start the site, a render worker and Celery beat on http://127.0.0.1:$${PORT:-8000}
run: $(STAMP)
	bin/run

## Install and run the whole test suite
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## One render worker (set CUDA_VISIBLE_DEVICES to pin it to a GPU)
worker: $(STAMP)
	$(VENV)/bin/celery -A config worker -Q render -P solo -c 1 -n "render-$${CUDA_VISIBLE_DEVICES:-cpu}@%h" --loglevel INFO

clean:
	rm -rf var media staticfiles
