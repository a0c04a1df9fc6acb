#!/usr/bin/env bash
# Make sure what a make target needs is on this machine; install what is missing.
#   scripts/ensure_deps.sh odoo    Odoo 19 importable by python3 (else: official 19.0 source)
#   scripts/ensure_deps.sh test    + linters, Chromium and websocket-client for browser tests, whool
#   scripts/ensure_deps.sh dist    + whool, the wheel's build backend
#   scripts/ensure_deps.sh bench   + wrk
set -euo pipefail
PYTHON=${PYTHON:-python3}
ODOO_SRC=${ODOO_SRC:-$HOME/odoo-19.0}

apt_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "Missing Debian packages: $*. Install them (sudo apt-get install $*) and retry." >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_odoo() {
    if "$PYTHON" -c "import odoo.release as r; assert r.serie == '19.0'" 2>/dev/null; then
        return
    fi
    echo "Odoo 19 is not importable: installing the official 19.0 source into $ODOO_SRC" >&2
    command -v pg_config >/dev/null && dpkg -s libldap2-dev libsasl2-dev >/dev/null 2>&1 \
        || apt_install libpq-dev libldap2-dev libsasl2-dev
    [ -d "$ODOO_SRC/.git" ] || git clone --depth 1 --branch 19.0 https://github.com/odoo/odoo.git "$ODOO_SRC"
    "$PYTHON" -m pip install -q -r "$ODOO_SRC/requirements.txt"
    "$PYTHON" -m pip install -q --no-deps -e "$ODOO_SRC" --config-settings editable_mode=compat
}

ensure_whool() {
    "$PYTHON" -c "import whool" 2>/dev/null || "$PYTHON" -m pip install -q whool
}

ensure_test_tools() {
    "$PYTHON" -c "import websocket, pylint_odoo" 2>/dev/null && command -v ruff >/dev/null \
        || "$PYTHON" -m pip install -q websocket-client ruff pylint-odoo
    ensure_whool
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null || apt_install chromium
}

ensure_odoo
case "${1:-odoo}" in
odoo) ;;
test) ensure_test_tools ;;
dist) ensure_whool ;;
bench) command -v wrk >/dev/null || apt_install wrk ;;
*) echo "usage: $0 odoo|test|dist|bench" >&2; exit 2 ;;
esac
