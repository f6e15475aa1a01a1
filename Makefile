# Two commands: `make run` (set up and start the app) and `make test` (set up and run every test).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.installed-app
TEST_STAMP := $(VENV)/.installed-test
PORT ?= 8501

.PHONY: run test test-fast bench index lint clean system-deps

$(BIN)/python:
	$(PY) -m venv $(VENV)

# What the app needs, and nothing more: a user's first `make run` installs no torch, browser driver or test model.
# Reinstalled only when the dependency list changes.
$(APP_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $(APP_STAMP)

# The tests also exercise the optional sentence-transformers embedder (torch, a test model) and a real browser.
$(TEST_STAMP): $(APP_STAMP)
	$(BIN)/pip install -q -e '.[st,test]'
	touch $(TEST_STAMP)

# Incremental: builds the index when missing, takes in files added to corpus/ by hand, updates an index
# of an older format, and costs about a second when nothing changed. In server mode (POLICY_CHROMA_HOST)
# it only fills an empty shared library: a colleague's `make run` never changes the team's.
index: $(APP_STAMP)
	$(BIN)/python -m ingest --startup

run: index
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Debian packages the tests use: a browser, CJK fonts, LibreOffice (DOCX -> PDF), poppler (PDF text).
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium fonts-noto-cjk libreoffice-writer-nogui poppler-utils >/dev/null; \
	fi

test: $(TEST_STAMP) system-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider

# The edit loop: every test but the browser ones.
test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not e2e"

bench: $(TEST_STAMP) system-deps
	$(BIN)/python -m bench

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf .index test-artifacts
