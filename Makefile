# The inbox's commands. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run demo test bench clean-venv

# The first interpreter that is Python 3.12 or newer: python3.13, python3.12, python3,
# then pyenv's installed versions.
FIND_PYTHON = for p in python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; break; fi; \
	done

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@python=$$($(FIND_PYTHON)); \
	if [ -z "$$python" ]; then echo "error: Python 3.12 or newer is required and none was found (tried python3.13, python3.12, python3 and pyenv's versions)." >&2; exit 1; fi; \
	echo "Using $$python ($$($$python --version))"; \
	[ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m config.launch --port $(PORT)

demo: $(VENV)/.installed
	$(PY) -m config.launch --port $(PORT) --demo

test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed
	$(PY) -m bench $(BENCH_ARGS)

clean-venv:
	rm -rf $(VENV)
