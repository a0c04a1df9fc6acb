# Developer commands. The embedded PostgreSQL cluster is used unless PGHOST is set
# (then PGHOST, PGPORT, PGUSER and PGPASSWORD point at your own server).
SHELL := /bin/bash
PYTHON ?= python3
DB ?= partner_email_history_demo
PORT ?= 8069
PG_ENV = eval "$$(scripts/pg.sh start)"
ADDONS = $(CURDIR)/.run/addons

.PHONY: demo stop test lint bench link

# Odoo finds an addon by its folder name: link the checkout under its technical name.
link:
	mkdir -p $(ADDONS) && ln -sfn $(CURDIR) $(ADDONS)/partner_email_history

lint: link
	ruff check .
	cd $(ADDONS) && pylint --rcfile=$(CURDIR)/.pylintrc partner_email_history

test: link
	scripts/ensure_deps.sh test
	$(MAKE) --no-print-directory lint
	$(PG_ENV) && $(PYTHON) scripts/run_tests.py

demo: link
	scripts/ensure_deps.sh odoo
	$(PG_ENV) && scripts/demo.sh "$(DB)" "$(PORT)"

stop:
	-[ -f .run/odoo.pid ] && kill "$$(cat .run/odoo.pid)" 2>/dev/null; rm -f .run/odoo.pid
	scripts/pg.sh stop

bench: link
	scripts/ensure_deps.sh bench
	bench/run
