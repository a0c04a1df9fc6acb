#!/usr/bin/env bash
# Private PostgreSQL cluster for this checkout.
#   scripts/pg.sh start   create on first use, start, print "export PG..." lines
#   scripts/pg.sh stop    stop it
#   scripts/pg.sh crash   stop it as a crash would (immediate mode: no checkpoint; for make bench)
# Skipped entirely (prints nothing) when PGHOST is set: the user's own server is used.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$(pwd -P)

if [ -n "${PGHOST:-}" ]; then
    exit 0
fi

wanted_port=${PEH_PGPORT:-}
pgbin=$(dirname "$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl | tail -n1)")
if [ "$(id -u)" = 0 ]; then
    # initdb refuses root, and the postgres OS user cannot enter a home directory of mode 700:
    # keep the cluster in a per-checkout folder under /var/tmp, linked from .run/pg.
    root="/var/tmp/partner_email_history-$(printf %s "$checkout" | sha1sum | cut -c1-12)"
    as_owner=(runuser -u postgres --)
else
    root="$checkout/.run/pg"
    as_owner=()
fi
data="$root/data"
mkdir -p .run
[ "$root" = "$checkout/.run/pg" ] || ln -sfn "$root" .run/pg

case "${1:-}" in
start)
    if [ ! -s "$data/PG_VERSION" ]; then
        mkdir -p "$root"
        [ ${#as_owner[@]} -eq 0 ] || chown postgres: "$root"
        "${as_owner[@]}" "$pgbin/initdb" -D "$data" -U odoo --auth=trust -E UTF8 --locale=C >"$root/initdb.log"
        {
            echo "listen_addresses = ''"
            echo "unix_socket_directories = '$root'"
            echo "port = ${wanted_port:-54329}"
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        } >>"$data/postgresql.conf"
    fi
    # A cluster made earlier keeps its port, unless PEH_PGPORT asks for another one.
    port=$(sed -n 's/^port = \([0-9]*\).*/\1/p' "$data/postgresql.conf" | tail -n1)
    if [ -n "$wanted_port" ] && [ "$wanted_port" != "$port" ]; then
        echo "port = $wanted_port" >>"$data/postgresql.conf"
        port=$wanted_port
        "${as_owner[@]}" "$pgbin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
    fi
    if ! "${as_owner[@]}" "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        "${as_owner[@]}" "$pgbin/pg_ctl" -D "$data" -l "$root/server.log" -w -t 60 start >/dev/null
    fi
    echo "export PGHOST=$root PGPORT=$port PGUSER=odoo"
    ;;
stop)
    if [ -s "$data/PG_VERSION" ]; then
        "${as_owner[@]}" "$pgbin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
    fi
    ;;
crash)
    "${as_owner[@]}" "$pgbin/pg_ctl" -D "$data" -m immediate stop >/dev/null
    ;;
*)
    echo "usage: $0 start|stop|crash" >&2
    exit 2
    ;;
esac
