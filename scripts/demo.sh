#!/usr/bin/env bash
# Create (once) a database with the addon and its demo data, then serve it in the background.
set -euo pipefail
cd "$(dirname "$0")/.."
db=$1 port=$2
odoo=(python3 -m odoo --addons-path="$PWD/.run/addons" --data-dir="$PWD/.run/data")

if [ -f .run/odoo.pid ] && kill -0 "$(cat .run/odoo.pid)" 2>/dev/null; then
    echo "Odoo is already running (pid $(cat .run/odoo.pid))."
else
    if psql -Atqc "select 1 from ir_module_module where name = 'partner_email_history' and state = 'installed'" "$db" 2>/dev/null | grep -q 1; then
        update=(-u partner_email_history)  # the checkout may have changed since the last run
    else
        echo "Creating database $db with partner_email_history and its demo data..."
        "${odoo[@]}" -d "$db" -i partner_email_history --with-demo --stop-after-init \
            --log-level=warn --max-cron-threads=0 >.run/demo-install.log 2>&1 \
            || { tail -n 40 .run/demo-install.log; exit 1; }
        update=()
    fi
    nohup "${odoo[@]}" -d "$db" "${update[@]}" --db-filter="^$db\$" --http-interface=127.0.0.1 \
        --http-port="$port" >.run/odoo.log 2>&1 &
    echo $! >.run/odoo.pid
    for _ in $(seq 60); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/web/login" && break
        sleep 1
    done
fi
echo "Odoo is serving $db on http://127.0.0.1:$port  (login: admin, password: admin)"
echo "Logs: .run/odoo.log.  Stop with: make stop"
