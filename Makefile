# Siwei: the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Tools that need settings but no database of their own.
TOOL_ENV := DJANGO_SETTINGS_MODULE=siwei.config.settings_test
PG_URL := $(or $(TEST_DATABASE_URL),$(DATABASE_URL))

.PHONY: demo test install lint messages messages-update clean pdf-font bench browser

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	@$(MAKE) --no-print-directory pdf-font
	$(MAKE) messages
	touch $(STAMP)

# PDFs embed a Chinese TrueType font from Debian's packages when it can be installed;
# otherwise they fall back to the viewer's built-in STSong-Light (see docs/operations.md).
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
pdf-font:
	@test -e $(CJK_FONT) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get install -y -q fonts-wqy-microhei >/dev/null 2>&1 || \
		  { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q fonts-wqy-microhei >/dev/null 2>&1; }; }; } || \
		echo "note: fonts-wqy-microhei is not installed; PDFs use the built-in STSong-Light font"

# The browser tests (e2e/) drive Debian's Chromium through Playwright; it is installed here
# when it can be (root with apt-get), otherwise `make test` skips them with a note.
CHROMIUM := /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get install -y -q chromium >/dev/null 2>&1 || \
		  { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }; }; } || \
		echo "note: chromium is not installed; the browser tests (e2e/) cannot run"

install: $(STAMP)

messages:
	cd src/siwei && $(TOOL_ENV) ../../$(BIN)/siwei compilemessages --ignore '.venv' --ignore 'node_modules' -v0

# After changing user-facing text: refresh every app's catalogue, then translate the new entries.
messages-update:
	cd src/siwei && $(TOOL_ENV) ../../$(BIN)/siwei makemessages -l zh_Hans --no-location --ignore 'static/*'

demo: install
	mkdir -p var
	DEBUG=1 $(BIN)/siwei migrate --noinput -v0
	DEBUG=1 $(BIN)/siwei demo --reset
	@echo "Serving the demo at http://127.0.0.1:8000 (Ctrl+C stops it)"
	DEBUG=1 $(BIN)/siwei runserver --noreload 127.0.0.1:8000

test: install
	env -u DATABASE_URL -u TEST_DATABASE_URL $(BIN)/pytest -q -n auto
	@$(MAKE) --no-print-directory browser
	@if [ -x $(CHROMIUM) ]; then \
		echo "== the browser tests (e2e/, screenshots in e2e/artifacts/) =="; \
		env -u DATABASE_URL -u TEST_DATABASE_URL $(BIN)/pytest -q e2e; \
	else echo "note: $(CHROMIUM) is missing: the browser tests (e2e/) are skipped"; fi
	@if [ -n "$(PG_URL)" ]; then \
		echo "== the same suite on PostgreSQL =="; \
		DATABASE_URL="$(PG_URL)" $(BIN)/pytest -q -n auto; \
	fi

lint: install
	$(BIN)/ruff check src tests e2e bench
	$(TOOL_ENV) $(BIN)/siwei makemigrations --check --dry-run

# quality.md "Speed": generate (once) and benchmark a dealer group at scale S or L on the
# local PostgreSQL (BENCH_DATABASE_URL; BENCH_REQUESTS requests per scenario).
SCALE ?= S
bench: install
	$(BIN)/python -m bench.run --scale $(SCALE)

clean:
	rm -rf $(VENV) node_modules var src/siwei/locale/*/LC_MESSAGES/*.mo
