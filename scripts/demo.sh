#!/usr/bin/env bash
# The demo: create (once) a database with the addon and its demo data, start the demo mail
# catcher and point the database's outgoing mail at it, then serve Odoo in the background.
#   scripts/demo.sh DB PORT SMTP_PORT MAIL_WEB_PORT      (see `make demo`; `make stop` ends it)
set -euo pipefail
cd "$(dirname "$0")/.."
db=$1 port=$2 smtp_port=$3 mail_web_port=$4
paths=(--addons-path="$PWD/.run/addons" --data-dir="$PWD/.run/data")
odoo_url="http://127.0.0.1:$port"
mail_url="http://127.0.0.1:$mail_web_port"
catcher_server_name="Demo mail catcher"

step() { echo "==> $*"; }

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_for URL PIDFILE LOG SECONDS: until URL answers; fail with the log's end if the process ends.
wait_for() {
    for _ in $(seq "$4"); do
        answers "$1" && return 0
        running "$2" || { echo "It stopped; the end of $3:" >&2; tail -n 30 "$3" >&2; exit 1; }
        sleep 1
    done
    echo "No answer from $1 after $4 s; see $3." >&2
    exit 1
}

answers() { curl -fs -o /dev/null "$1"; }
listens() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A process already running from an earlier `make demo` must serve the ports asked for now.
check_ports() {
    [ "$2" = ok ] && return 0
    echo "$1 is already running, but on other ports: run \`make stop\`, then \`make demo\` again." >&2
    exit 1
}

mkdir -p .run
if [ -n "${PGHOST:-}" ]; then
    step "PostgreSQL: using your server (PGHOST=$PGHOST)"
else
    step "PostgreSQL: starting this checkout's private cluster (port ${PEH_PGPORT:-54329}, in .run/pg)"
fi
eval "$(scripts/pg.sh start)"

step "Odoo 19: checking it is importable"
scripts/ensure_deps.sh odoo

update=()
if running .run/odoo.pid; then
    step "Database $db: already served by the running Odoo"
    check_ports "Odoo" "$(answers "$odoo_url/web/login" && echo ok)"
elif psql -Atqc "select 1 from ir_module_module where name = 'partner_email_history'
                and state = 'installed'" "$db" 2>/dev/null | grep -q 1; then
    step "Database $db: exists; the addon is updated from this checkout as Odoo starts"
    update=(-u partner_email_history)
else
    printf '==> Database %s: creating it with the addon and its demo data (a minute or two) ' "$db"
    # --http-port: the links of the emails sent from the new database lead to this server
    python3 -m odoo "${paths[@]}" -d "$db" -i partner_email_history --with-demo --stop-after-init \
        --http-port="$port" --log-level=warn --max-cron-threads=0 >.run/demo-install.log 2>&1 &
    install_pid=$! started=$SECONDS
    while kill -0 "$install_pid" 2>/dev/null; do
        printf .
        sleep 5
    done
    if ! wait "$install_pid"; then
        echo " failed; the end of .run/demo-install.log:" >&2
        tail -n 40 .run/demo-install.log >&2
        exit 1
    fi
    echo " done in $((SECONDS - started)) s"
fi

if running .run/mail_catcher.pid; then
    step "Mail catcher: already running"
    check_ports "The mail catcher" "$(answers "$mail_url/" && listens "$smtp_port" && echo ok)"
else
    step "Mail catcher: starting it (SMTP 127.0.0.1:$smtp_port, page $mail_url, emails in .run/mail)"
    nohup python3 scripts/mail_catcher.py --smtp-port="$smtp_port" --http-port="$mail_web_port" \
        --dir=.run/mail >.run/mail_catcher.log 2>&1 &
    echo $! >.run/mail_catcher.pid
    wait_for "$mail_url/" .run/mail_catcher.pid .run/mail_catcher.log 10
fi

# Odoo's outgoing mail goes to the catcher, and the tracking links of the emails lead to this
# server: set on first use, and again only when the ports change.
configured=$(psql -Atq -v name="$catcher_server_name" -v smtp_port="$smtp_port" -v port="$port" "$db" <<'SQL'
select count(*) from ir_mail_server
 where name = :'name' and active and smtp_host = '127.0.0.1' and smtp_port = :'smtp_port'::int
   and smtp_encryption = 'none'
   and exists (select 1 from ir_config_parameter
                where key = 'web.base.url' and value ~ (':' || :'port' || '/?$'))
SQL
)
if [ "$configured" = 0 ]; then
    step "Outgoing mail: pointing the database at the mail catcher"
    CATCHER_SERVER_NAME=$catcher_server_name SMTP_PORT=$smtp_port ODOO_URL=$odoo_url \
        python3 -m odoo shell "${paths[@]}" -d "$db" --no-http --log-level=warn \
        >.run/demo-configure.log 2>&1 <<'PYTHON' || { tail -n 30 .run/demo-configure.log >&2; exit 1; }
import os

values = {
    "smtp_host": "127.0.0.1",
    "smtp_port": int(os.environ["SMTP_PORT"]),
    "smtp_encryption": "none",
    "smtp_authentication": "login",
    "smtp_user": False,
    "smtp_pass": False,
    "from_filter": False,
    "sequence": 1,
    "active": True,
}
servers = env["ir.mail_server"].with_context(active_test=False)
server = servers.search([("name", "=", os.environ["CATCHER_SERVER_NAME"])], limit=1)
if server:
    server.write(values)
else:
    servers.create({"name": os.environ["CATCHER_SERVER_NAME"], **values})
env["ir.config_parameter"].set_param("web.base.url", os.environ["ODOO_URL"])
env.cr.commit()
env.registry.signal_changes()  # a running Odoo drops its cached settings
PYTHON
else
    step "Outgoing mail: goes to the mail catcher (SMTP 127.0.0.1:$smtp_port)"
fi

if running .run/odoo.pid; then
    step "Odoo: already running (pid $(cat .run/odoo.pid))"
else
    step "Odoo: starting the server on $odoo_url${update:+ (after updating the addon)}"
    nohup python3 -m odoo "${paths[@]}" -d "$db" "${update[@]}" --db-filter="^$db\$" \
        --http-interface=127.0.0.1 --http-port="$port" >.run/odoo.log 2>&1 &
    echo $! >.run/odoo.pid
    wait_for "$odoo_url/web/login" .run/odoo.pid .run/odoo.log 180
fi

cat <<EOF

Ready.
  Odoo          $odoo_url   database $db, login admin, password admin
  Caught emails $mail_url   every email Odoo sends ends here (SMTP 127.0.0.1:$smtp_port)
  Logs          .run/odoo.log, .run/mail_catcher.log; the emails: .run/mail/*.eml
  Stop          make stop
EOF
