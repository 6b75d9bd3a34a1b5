# Every target sets itself up: .venv is created and the pinned requirements installed when missing.
SHELL := /bin/bash
PYTHON_BASE ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
MUTMUT_STAMP := $(VENV)/.mutmut-$(shell cat requirements-mutants.txt | cksum | cut -d' ' -f1)
MATHJAX := _vendor/mathjax/tex-svg-full.js
MATHJAX_NODE := _node/VERSION
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
EXECUTED := $(NOTEBOOKS:notebooks/%.ipynb=_build/executed/%.ipynb)
# What a notebook's outputs and the ledger depend on besides the notebook itself.
LIBRARY := $(shell find lib/edl -name '*.py' -o -name '*.tsv') $(STAMP)
BOOK_CACHE := _build/.jupyter_cache
# Two workers by default: the CI machine has 2 cores.
WORKERS ?= 2
TIME := python3 tools/timings.py run
NBVAL := -p nbval_executed --nbval-executed-dir _build/executed --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg

# A recipe that fails leaves no half-written target behind to look up to date.
.DELETE_ON_ERROR:
.PHONY: setup book test executed ledger errata bench mutants lab lab-check student classroom reference notebooks mathjax clean

setup: $(STAMP) $(MATHJAX) $(MATHJAX_NODE)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

mathjax: $(MATHJAX) $(MATHJAX_NODE)
$(MATHJAX) $(MATHJAX_NODE) &:
	bash tools/vendor_mathjax.sh _vendor/mathjax _node

# Each notebook is executed once, by nbval, which also compares the output-checked cells with the
# stored outputs; the executed copy in _build/executed/ is what the book shows. A notebook is run
# again only when it, the library or the environment changed.
executed: $(EXECUTED)
_build/executed/%.ipynb: notebooks/%.ipynb $(LIBRARY) tests/nbval_sanitize.cfg tools/nbval_executed.py
	PYTHONPATH=tools $(TIME) execute:$* -- $(PY) -m pytest -q $(NBVAL) $<
	@test -f $@ || { echo "nbval did not write $@"; exit 1; }

LEDGER := _build/ledger.json book/_generated/ledger.md
ledger: $(LEDGER)
$(LEDGER) &: $(LIBRARY)
	$(PY) -m edl.core.ledger.report --json _build/ledger.json --pages book/_generated --mutation _build/mutation.json

# The library reference: one page per part, for Sphinx's autodoc (edl.core.reference).
REFERENCE := book/_generated/reference/index.md
reference: $(REFERENCE)
$(REFERENCE): $(LIBRARY)
	$(PY) -m edl.core.reference book/_generated/reference

# The book takes every chapter's outputs from the execution cache, filled from _build/executed/.
$(BOOK_CACHE)/filled: $(EXECUTED)
	$(PY) tools/book_cache.py $(BOOK_CACHE) $?
	@touch $@

book: setup
	$(MAKE) -j$(WORKERS) executed
	$(MAKE) ledger reference $(BOOK_CACHE)/filled
	$(VENV)/bin/jupyter-book build . --warningiserror --keep-going
	node tools/typeset_math.mjs _node/node_modules _build/html
	@echo "The book is built: open _build/html/index.html"

# The errata appendix is generated from the registry; rewrite and execute it after registering an erratum.
errata: setup
	$(PY) -m edl.core.ledger.errata_notebook notebooks/appendix_errata.ipynb
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace notebooks/appendix_errata.ipynb

notebooks: setup  ## re-execute the notebooks in place, refreshing their stored outputs
	printf '%s\n' $(NOTEBOOKS) | xargs -P $(WORKERS) -I{} $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace {}

# Every stage is timed; the table and the projection to twelve parts end up in _build/timings.json.
test:
	@rm -rf _build/timings
	$(TIME) setup -- $(MAKE) setup
	$(TIME) unit-tests -- $(PY) -m pytest lib tests -n $(WORKERS) --dist loadscope -m "not book"
	$(TIME) notebooks -- $(MAKE) -j$(WORKERS) executed
	$(TIME) ledger -- $(MAKE) ledger
	$(TIME) book -- $(MAKE) book
	$(TIME) student -- $(MAKE) student
	$(TIME) classroom -- $(MAKE) classroom
	$(TIME) browser-test -- $(PY) -m pytest tests -m book -p no:xdist
	@python3 tools/timings.py report

bench: setup
	$(PY) benchmarks/run.py --json _build/bench.json
	$(MAKE) book
	$(PY) benchmarks/reading.py --json _build/reading.json

# Mutation testing of the formula modules (tools/mutants.py), a report like bench, not part of test:
# writes _build/mutation.json, then the ledger page again with the mutants made and killed per formula.
mutants: setup $(MUTMUT_STAMP)
	$(PY) tools/mutants.py --workers $(WORKERS) --json _build/mutation.json
	$(PY) -m edl.core.ledger.report --json _build/ledger.json --pages book/_generated --mutation _build/mutation.json --page-only

$(MUTMUT_STAMP): requirements-mutants.txt $(STAMP)
	$(PY) -m pip install -q -r requirements-mutants.txt
	@rm -f $(VENV)/.mutmut-* && touch $@

student: setup
	$(PY) -m edl.core.student notebooks _build/student

# The nbgrader course of the classroom edition (edl.core.classroom): source/ and release/ per part.
classroom: setup
	$(PY) -m edl.core.classroom notebooks _build/classroom

lab: setup
	$(VENV)/bin/jupyter lab notebooks

# Every explorer live in a headless JupyterLab: its widget renders and a slider move redraws it (a report).
lab-check: setup
	$(PY) tools/lab_check.py --json _build/lab_check.json --shots _build/lab_shots

clean:
	rm -rf _build book/_generated
