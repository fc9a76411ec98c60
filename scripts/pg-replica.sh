#!/usr/bin/env bash
# A PostgreSQL streaming replica (hot standby) of the primary on 127.0.0.1:5432, on
# 127.0.0.1:5433 of the same machine: what `serve --read-db` (DATABASE_READ_URL) reads
# from, for trying a primary with a replica on one machine and for the tests.
#
#   scripts/pg-replica.sh start    copy the primary (pg_basebackup) if not copied, start
#   scripts/pg-replica.sh stop     stop it (the copy is kept; start resumes streaming)
#   scripts/pg-replica.sh remove   stop it, delete the copy and its replication slot
#
# Run as root (the server runs as the postgres user). The primary must accept replication
# connections from 127.0.0.1 as postgres without a password: a trust line for them is added
# to its pg_hba.conf if it has no replication line for 127.0.0.1 (one that asks a password
# makes pg_basebackup ask for it).
# docs/多机部署.md says how a real deployment sets this up on two machines.
set -euo pipefail

PRIMARY_PORT=${PRIMARY_PORT:-5432}
PORT=${REPLICA_PORT:-5433}
DIR=${REPLICA_DIR:-/var/lib/postgresql/liangxin-replica}
SLOT=liangxin_replica
# The cluster .ci/run starts (the first installed version).
VERSION=$(ls /etc/postgresql | head -n1)
BIN=/usr/lib/postgresql/$VERSION/bin
HBA=/etc/postgresql/$VERSION/main/pg_hba.conf

as_pg() { runuser -u postgres -- "$@"; }
primary() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -tAqc "$1"; }
running() { [ -f "$DIR/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; }

start() {
    if running; then
        echo "replica already running on 127.0.0.1:$PORT"
        return
    fi
    if [ ! -f "$DIR/standby.signal" ]; then
        copy
    fi
    as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 start >/dev/null
    for _ in $(seq 1 30); do
        [ "$(psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAqc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ] && break
        sleep 1
    done
    test "$(psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAqc 'SELECT pg_is_in_recovery()')" = t
    echo "replica of 127.0.0.1:$PRIMARY_PORT streaming on 127.0.0.1:$PORT ($DIR)"
}

# A fresh copy of the primary, streaming from a replication slot (the primary keeps the WAL
# the replica has not received, so a stopped replica catches up when started again).
copy() {
    if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32' "$HBA"; then
        echo "host replication postgres 127.0.0.1/32 trust" >> "$HBA"
        primary "SELECT pg_reload_conf()" >/dev/null
        echo "added a replication line for 127.0.0.1 to $HBA"
    fi
    if [ "$(primary "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '$SLOT'")" != 0 ]; then
        primary "SELECT pg_drop_replication_slot('$SLOT')" >/dev/null
    fi
    rm -rf "$DIR"
    install -d -o postgres -g postgres -m 700 "$DIR"
    as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DIR" \
        -R -X stream -C -S "$SLOT" -c fast
    # A standby must allow at least what its primary does.
    local settings
    settings=$(primary "SELECT string_agg(name || ' = ' || setting, E'\n') FROM pg_settings WHERE name IN
        ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions',
         'max_locks_per_transaction')")
    # Debian keeps the configuration outside the data directory: the copy gets its own.
    as_pg tee "$DIR/postgresql.conf" >/dev/null <<EOF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/var/run/postgresql'
hot_standby = on
# Long reports on the replica are not cancelled by the vacuum of rows they still read.
hot_standby_feedback = on
$settings
EOF
    as_pg tee "$DIR/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
}

stop() {
    if running; then
        as_pg "$BIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null
        echo "replica on 127.0.0.1:$PORT stopped"
    fi
}

remove() {
    stop
    rm -rf "$DIR"
    if [ "$(primary "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '$SLOT'")" != 0 ]; then
        primary "SELECT pg_drop_replication_slot('$SLOT')" >/dev/null
    fi
    echo "replica removed"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    remove) remove ;;
    *) echo "usage: $0 start|stop|remove" >&2; exit 2 ;;
esac
