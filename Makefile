# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8000
HOST   ?= 127.0.0.1
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app courier
PO     := $(wildcard courier/translations/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)
PYTEST_WORKERS ?= 2
# Citizen links printed by seed-demo point at the port actually served.
export PUBLIC_BASE_URL ?= http://localhost:$(PORT)

.PHONY: run test bench translations extract-messages clean help

help:
	@echo "make run    - install, create the demo database, serve on http://localhost:$(PORT) and run the worker"
	@echo "make test   - install what the tests need and run the whole suite (browser tests included)"
	@echo "make bench  - measure throughput and timings on this machine (prints a table)"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

translations: $(MO)

# A made-up account at a real bank's BIN, so the demo shows transfer QR codes; set your own.
run: export VIETQR_BANK_BIN ?= 970436
run: export VIETQR_ACCOUNT ?= 0011001234567
run: $(VENV)/.installed translations
	@$(FLASK) init-db
	@$(FLASK) seed-demo
	@echo "Mở / open http://localhost:$(PORT) · web (gunicorn) + worker (gửi webhook / sends webhooks)"
	@$(BIN)/python tools/run_all.py --bind $(HOST):$(PORT)

test: $(VENV)/.installed-dev translations
	@test -x /usr/bin/chromium -a -x /usr/bin/pdftoppm || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core poppler-utils >/dev/null; \
	  else echo "Browser tests need Debian's chromium and poppler-utils: sudo apt-get install chromium fonts-noto-core poppler-utils" >&2; exit 1; fi; }
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev translations
	$(BIN)/python bench/run.py

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o courier/translations/messages.pot .
	$(BIN)/pybabel update -i courier/translations/messages.pot -d courier/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance build .pytest_cache
