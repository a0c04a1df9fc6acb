# Developer commands. The embedded PostgreSQL cluster is used unless PGHOST is set
# (then PGHOST, PGPORT, PGUSER and PGPASSWORD point at your own server).
SHELL := /bin/bash
PYTHON ?= python3
DB ?= partner_email_history_demo
PORT ?= 8069
# The demo mail catcher: the SMTP port Odoo sends to, and the port of its page of caught emails.
SMTP_PORT ?= 1025
MAIL_WEB_PORT ?= 8025
PG_ENV = eval "$$(scripts/pg.sh start)"
ADDONS = $(CURDIR)/.run/addons

.PHONY: demo stop test lint pylint bench link dist pot test-odoo

# Odoo finds an addon by its folder name: link the checkout under its technical name.
link:
	mkdir -p $(ADDONS) && ln -sfn $(CURDIR) $(ADDONS)/partner_email_history

lint: link
	ruff check .
	ruff format --check .
	$(MAKE) --no-print-directory pylint

pylint: link
	cd $(ADDONS) && pylint --rcfile=$(CURDIR)/.pylintrc partner_email_history

test: link
	scripts/ensure_deps.sh test
	$(MAKE) --no-print-directory lint
	$(PYTHON) scripts/check_dist.py
	$(PG_ENV) && $(PYTHON) scripts/check_pot.py
	$(PG_ENV) && $(PYTHON) scripts/run_tests.py

# The wheel, in dist/: odoo_addon_partner_email_history-<manifest version>-py3-none-any.whl
dist:
	scripts/ensure_deps.sh dist
	$(PYTHON) scripts/build_dist.py dist

# Regenerate the translation template i18n/partner_email_history.pot with Odoo.
pot:
	scripts/ensure_deps.sh odoo
	$(PG_ENV) && $(PYTHON) scripts/export_pot.py

# Odoo's own mail, mass mailing and portal suites with and without the addon (about 25 minutes);
# SUITES=test_mail_full runs a subset.
SUITES ?= test_mail,test_mass_mailing,test_mail_full
test-odoo: link
	scripts/ensure_deps.sh odoo
	$(PG_ENV) && $(PYTHON) scripts/run_odoo_tests.py --suites=$(SUITES)

demo: link
	@scripts/demo.sh "$(DB)" "$(PORT)" "$(SMTP_PORT)" "$(MAIL_WEB_PORT)"

stop:
	@for process in odoo mail_catcher; do \
	    pid=$$(cat .run/$$process.pid 2>/dev/null) && kill "$$pid" 2>/dev/null && \
	        for _ in $$(seq 40); do kill -0 "$$pid" 2>/dev/null || break; sleep 0.25; done; \
	    rm -f .run/$$process.pid; \
	done
	scripts/pg.sh stop

bench: link
	scripts/ensure_deps.sh bench
	bench/run
