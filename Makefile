# Every target sets itself up: .venv is created and the pinned requirements installed when missing.
SHELL := /bin/bash
PYTHON_BASE ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
MATHJAX := _vendor/mathjax/tex-svg-full.js
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
# Two workers by default: the CI machine has 2 cores.
WORKERS ?= 2

.PHONY: setup book test ledger bench lab student notebooks mathjax clean

setup: $(STAMP) $(MATHJAX)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

mathjax: $(MATHJAX)
$(MATHJAX):
	bash tools/vendor_mathjax.sh _vendor/mathjax

ledger: setup
	$(PY) -m edl.core.ledger.report --json _build/ledger.json --pages book/_generated

book: ledger
	$(VENV)/bin/jupyter-book build . --warningiserror --keep-going
	@echo "The book is built: open _build/html/index.html"

notebooks: setup  ## re-execute the notebooks in place, refreshing their stored outputs
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace $(NOTEBOOKS)

test: setup
	$(PY) -m pytest lib tests -n $(WORKERS) --dist loadscope -m "not book"
	$(PY) -m pytest --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg -n $(WORKERS) --dist loadscope notebooks
	$(MAKE) book
	$(MAKE) student
	$(PY) -m pytest tests -m book -p no:xdist

bench: setup
	$(PY) benchmarks/run.py --json _build/bench.json

student: setup
	$(PY) -m edl.core.student notebooks _build/student

lab: setup
	$(VENV)/bin/jupyter lab notebooks

clean:
	rm -rf _build book/_generated
