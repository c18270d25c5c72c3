# microGPT, the book. `make book` renders it, `make test` checks every chapter.
# Every target installs what it needs: node_modules from package-lock.json, .venv from
# requirements.txt, and the tslab kernel registered inside .venv (nothing in your home folder).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VENV     := .venv
PY       := $(VENV)/bin/python
NPM_OK   := node_modules/.installed
VENV_OK  := $(VENV)/.installed
KERNEL   := $(VENV)/share/jupyter/kernels/tslab/kernel.json
PREREQS  := .make/prereqs
BUILT    := .make/lib.built .make/helpers.built
TSC      := node node_modules/typescript/bin/tsc
TSNODE   := TS_NODE_TRANSPILE_ONLY=1 node_modules/.bin/ts-node --project tsconfig.json
# The fast engine's WebAssembly (chapter 8): AssemblyScript, compiled into a third package.
KERNELS  := kernels/index.js kernels/index.d.ts
# The two workspace packages: the library (microgpt) and the book's helpers (microgpt-helpers).
LIB_SRC  := $(wildcard lib/*.ts lib/cli/*.ts) lib/tsconfig.json tsconfig.base.json $(KERNELS)
HELP_SRC := $(wildcard helpers/*.ts) helpers/tsconfig.json tsconfig.base.json
# Jupyter finds the kernel in .venv only; keep its other files out of the home folder too.
export JUPYTER_PLATFORM_DIRS := 1
export JUPYTER_CONFIG_DIR := $(CURDIR)/$(VENV)/etc/jupyter
export JUPYTER_DATA_DIR := $(CURDIR)/$(VENV)/share/jupyter
export IPYTHONDIR := $(CURDIR)/$(VENV)/etc/ipython

CHAPTER ?=
ifeq ($(CHAPTER),)
NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))
TESTS     :=
else
NOTEBOOKS := $(wildcard chapters/$(CHAPTER)-*.ipynb)
TESTS     := $(wildcard tests/$(CHAPTER)-*.test.ts)
endif

.PHONY: help setup lib build check format typecheck vitest notebooks runner test book test-book lab train bench clean

help:
	@echo "make book   render the book (HTML under book/_build/html)"
	@echo "make test   check every chapter (make test CHAPTER=03 checks one)"
	@echo "make test-book  build the book and test it in Chromium (pages, live page, JupyterLab)"
	@echo "make lab    open the chapters in JupyterLab with the TypeScript kernel"
	@echo "make train  train the default model from the command line"
	@echo "make lib    regenerate lib/ and helpers/ from the chapters' exported cells"
	@echo "make format format the chapters' code cells and the hand-written TypeScript"
	@echo "make bench  measure training speed"

$(PREREQS): scripts/check-prereqs.sh
	@bash scripts/check-prereqs.sh
	@mkdir -p $(@D) && touch $@

$(NPM_OK): package.json package-lock.json lib/package.json helpers/package.json $(PREREQS)
	npm ci --no-audit --no-fund
	@touch $@

$(VENV_OK): requirements.txt $(PREREQS)
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(KERNEL): $(VENV_OK) $(NPM_OK)
	node_modules/.bin/tslab install --python=$(PY) --sys-prefix --binary="$(CURDIR)/node_modules/.bin/tslab" >/dev/null
	@test -f $@ || { echo "the tslab kernel was not registered in $(VENV)" >&2; exit 1; }

setup: $(NPM_OK) $(KERNEL)

lib: $(NPM_OK)
	$(TSNODE) scripts/export-lib.ts
	node scripts/build-kernels.mjs
	@$(MAKE) --no-print-directory build

$(KERNELS) &: kernels/assembly/kernels.ts scripts/build-kernels.mjs | $(NPM_OK)
	node scripts/build-kernels.mjs

# Each build starts from an empty dist/, so a module no chapter exports any more is not shipped.
.make/lib.built: $(NPM_OK) $(LIB_SRC)
	@rm -rf lib/dist
	$(TSC) -p lib/tsconfig.json
	@mkdir -p $(@D) && touch $@

# The helpers read the library's types from lib/dist.
.make/helpers.built: .make/lib.built $(HELP_SRC)
	@rm -rf helpers/dist
	$(TSC) -p helpers/tsconfig.json
	@touch $@

build: $(BUILT)

# Hand-written TypeScript that Prettier keeps in shape (scripts/format.ts does the chapters' cells).
FORMATTED := "lib/cli/**/*.ts" "lib/bin/*.js" "scripts/**/*.{ts,mjs}" "tests/**/*.ts" "*.mts"

check: $(NPM_OK)
	$(TSNODE) scripts/export-lib.ts --check
	node scripts/build-kernels.mjs --check
	$(TSNODE) scripts/format.ts --check
	node_modules/.bin/prettier --check --log-level warn $(FORMATTED)

# Formats the chapters' code cells and the hand-written files, then regenerates lib/.
format: $(NPM_OK)
	$(TSNODE) scripts/format.ts
	node_modules/.bin/prettier --write --log-level warn $(FORMATTED)
	@$(MAKE) --no-print-directory lib

# lib/ is type-checked (strict) by its own build; this checks tests and scripts against it.
typecheck: $(BUILT)
	$(TSC) -p tsconfig.json

# .venv too: tests/10 reads a checkpoint from Python (safetensors, NumPy).
vitest: $(BUILT) $(VENV_OK)
	node_modules/.bin/vitest run $(TESTS)

# The executed copies (.make/executed) are what the in-page runner's test compares with.
notebooks: $(BUILT) $(KERNEL)
	$(PY) scripts/run-notebooks.py --save-to .make/executed $(NOTEBOOKS)

# Every chapter through the in-page runner (scripts/runner/), in Node, against the kernel's outputs.
runner: notebooks
	CHAPTER=$(CHAPTER) node_modules/.bin/vitest run --config vitest.runner.config.mts

test: check typecheck vitest notebooks runner
	@echo "make test: all checks passed"

book: $(BUILT) $(KERNEL)
	@rm -rf book/_build/html
	node scripts/live/build.mjs book/_build/live
	@# The in-page runner (scripts/runner/): its page script, its worker, and the files cells read.
	node scripts/runner/build.mjs book/_build/live book/_build/published
	@cp scripts/book.css book/_build/live/
	@# MathJax from npm, so formulas render offline too (no CDN).
	@mkdir -p book/_build/live/mathjax/output/chtml/fonts
	@cp node_modules/mathjax/es5/tex-chtml.js book/_build/live/mathjax/
	@cp -r node_modules/mathjax/es5/output/chtml/fonts/woff-v2 book/_build/live/mathjax/output/chtml/fonts/
	@# The map page's picture of the model, drawn from the code (chapter 5b's modelDiagram).
	node scripts/model-diagram.mjs chapters/generated/model.svg
	$(VENV)/bin/jupyter-book build . --all --path-output book --warningiserror --nitpick --keep-going
	@# The files the chapters read, for the runner's fs (not html_extra_path: it skips tests/).
	@cp -r book/_build/published/. book/_build/html/
	@echo "The book is at book/_build/html/index.html"

# The rendered book in Chromium (pages, figures, the live page against the CLI) and JupyterLab.
test-book: book
	node_modules/.bin/vitest run --config vitest.browser.config.mts

# Jupyter refuses to run as root unless told; containers often are root.
lab: $(BUILT) $(KERNEL)
	$(VENV)/bin/jupyter lab --notebook-dir=chapters $(if $(filter 0,$(shell id -u)),--allow-root)

train: $(BUILT)
	node lib/bin/microgpt.js train $(ARGS)

# The book's two engines and two peers (NumPy, always; PyTorch CPU when importable in .venv) on
# three configurations (default; n_embd 64 / 4 layers; n_embd 128 / 2 layers), then a sweep of
# n_embd (8 to 128) with FLOPs per step: ms/step, ratios, loss agreement; JSON in
# bench/engines.json (chapter 8 reads it). Then the Value engine alone as the CLI runs it
# (bench/results.json).
bench: $(BUILT) $(VENV_OK)
	$(TSNODE) scripts/bench-engines.ts $(ARGS)
	$(TSNODE) scripts/bench.ts

clean:
	rm -rf book/_build lib/dist helpers/dist .make
