# beskdash — the two commands of the README: `make run` and `make test`.
# Each sets up what it needs itself (venv, packages, Debian's chromium for the browser tests).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test build lint bench setup setup-test chromium axe clean haproxy loadtest

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

# Browser tests drive Debian's chromium (browser downloads do not work offline).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installerer Debians chromium til browsertestene …"; \
	  apt-get update -q && apt-get install -y -q chromium; }

# data/dst/ is not in the repository: `--fill-dst` copies ../shared/data/dst/ when it is beside the
# checkout, else fetches from StatBank when online, else the build says the plans' own figures are shown.
build: $(VENV)/.installed
	$(PY) -m beskdash build --fill-dst

run: build
	$(PY) -m beskdash serve --server.port $(PORT)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

# npm packages of the browser suite, pinned, installed into tests/browser/node_modules: axe-core for the
# accessibility check, and oidc-provider (OpenID-certified) as the identity provider of the login tests.
AXE_VERSION  := 4.14.1
OIDC_VERSION := 9.13.3
AXE_JS       := tests/browser/node_modules/.beskdash-$(AXE_VERSION)-$(OIDC_VERSION)

$(AXE_JS):
	@command -v npm >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q npm; }
	npm install --no-save --no-audit --no-fund --prefix tests/browser axe-core@$(AXE_VERSION) \
	  oidc-provider@$(OIDC_VERSION)
	touch $@

axe: $(AXE_JS)

test: $(VENV)/.installed-test chromium haproxy $(AXE_JS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q

bench: $(VENV)/.installed-test
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) data/beskdash.duckdb data/beskdash.duckdb.wal

# HAProxy from Debian for the replica tests (tests/fault/test_replica.py) and the load test.
haproxy:
	@command -v haproxy >/dev/null 2>&1 || { \
	  echo "Installerer Debians haproxy til replikatestene …"; \
	  apt-get update -q && apt-get install -y -q haproxy; }

# Scale-out under load on 127.0.0.1 (bench/loadtest.py): HAProxy, the writer, one then two replicas,
# 200 Streamlit sessions. Not part of `make test`; fails when a target is missed.
loadtest: $(VENV)/.installed-test haproxy
	$(PY) bench/loadtest.py --sessions 200
