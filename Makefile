# Every target a developer or CI runs. `make help` lists them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
WAREHOUSE_DIR ?= data/warehouse
PORT ?= 8050
# What `make demo` says about the files its ingest rejects; fails when the summary names none.
DEMO_REJECTED := import json, sys; c = json.load(sys.stdin)["counts"]; r, p = c.get("rejected", 0), c.get("partially_loaded", 0); print(f"{r} files rejected and {p} partly loaded") if r + p else sys.exit(1)

.DEFAULT_GOAL := help
.PHONY: help setup setup-python setup-browser setup-haproxy setup-geo serve-cluster run demo accounts ingest serve test test-fast test-browser lint format bench plotly-bundle clean

help: ## List every target with what it does
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

setup: setup-python setup-browser setup-haproxy setup-geo ## Install everything (venv from the lock file, Chromium, haproxy, boundary files); safe to run twice

setup-python: ## Create .venv and install the locked Python packages
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(UV) --version 2>/dev/null | grep -q $(UV_VERSION) || $(VENV)/bin/pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	@$(UV) sync --frozen --inexact --python $(PY) -q

setup-browser: ## Install Debian's chromium and chromium-driver for the browser tests (needs root or sudo)
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then echo "chromium: already installed"; \
	else SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; fi

setup-haproxy: ## Install Debian's haproxy for the reference cluster and its tests (needs root or sudo)
	@if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then echo "haproxy: already installed"; \
	else SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq haproxy >/dev/null; fi

setup-geo: ## Copy the boundary GeoJSON from ../shared/reference/geo into data/geo when it exists
	@if [ -d ../shared/reference/geo ]; then mkdir -p data/geo && cp -u ../shared/reference/geo/*.geojson data/geo/ && echo "geo: copied boundaries to data/geo"; \
	else echo "geo: ../shared/reference/geo not found; the map falls back to points (see README)"; fi

run: setup demo accounts serve ## Set up, generate demo data, ingest it, create demo accounts, serve on http://127.0.0.1:8050

demo: ## Write the synthetic demo inbox (seed 42) and ingest it into a warehouse marked synthetic
	$(PY) -m pipelines demo --out data/inbox --seed 42
	@# The demo inbox holds malformed files on purpose, so ingest exits 1 (something rejected): that
	@# is expected and said in one line. Any other outcome (exit 2, a crash, 1 without a summary
	@# that names rejected files) fails the target.
	@out=$$($(PY) -m pipelines ingest --warehouse $(WAREHOUSE_DIR) --synthetic --json); rc=$$?; \
	if [ $$rc -eq 1 ] && bad=$$(printf '%s' "$$out" | $(PY) -c '$(DEMO_REJECTED)' 2>/dev/null); then \
	  echo "demo: $$bad on purpose (the demo's malformed examples); reasons in $(WAREHOUSE_DIR)/rejected/"; \
	elif [ $$rc -ne 0 ]; then echo "demo: ingest failed (exit $$rc)" >&2; exit $$rc; fi
	$(PY) -m pipelines status --warehouse $(WAREHOUSE_DIR)

accounts: ## (Re)create the demo accounts (coordinator, viewer, kommun 0180) with new passwords and print them
	$(PY) -m dashboard users demo

ingest: ## Ingest every file in data/inbox into the warehouse and publish a new version
	$(PY) -m pipelines ingest --warehouse $(WAREHOUSE_DIR)

serve: ## Serve the dashboard with gunicorn on 127.0.0.1:$(PORT)
	WAREHOUSE_DIR=$(WAREHOUSE_DIR) PORT=$(PORT) $(PY) -m dashboard

serve-cluster: setup-haproxy ## The reference deployment: haproxy on 127.0.0.1:$(PORT) in front of 2 app servers
	WAREHOUSE_DIR=$(WAREHOUSE_DIR) $(PY) -m dashboard.serving.cluster --servers 2 --port $(PORT)

test: setup ## Install everything and run lint plus the whole test suite
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

test-fast: ## Run the tests without the browser and slow end-to-end groups
	$(PY) -m pytest -m "not browser and not slow"

test-browser: ## Run only the browser tests
	$(PY) -m pytest -m browser

lint: ## Ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: ## Format and autofix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup-python setup-haproxy ## Print ingest and dashboard timings at 1x and 10x, then the load tests (one server; haproxy with 2)
	$(PY) -m bench.ingest
	$(PY) -m bench.loadtest --users 20 --api-clients 4 --seconds 60 --workers 2
	$(PY) -m bench.loadtest --cluster 2 --api-servers 1 --api-workers 2 --dashboard-nice 10 --users 50 --api-clients 30 --seconds 60 --publishes 2 --workers 1

plotly-bundle: ## Rebuild dashboard/vendor/plotly/plotly-partial.min.js (needs Node.js and the npm registry)
	cd dashboard/vendor/plotly && npm ci --no-audit --no-fund --ignore-scripts && npm run build

clean: ## Remove generated data (inbox, warehouse, geo) but keep the venv
	rm -rf data/inbox data/warehouse data/geo
