#!/usr/bin/env bash
# Two `liangxin serve` on one PostgreSQL (reading through the replica on 5433 when
# DATABASE_READ_URL is set) behind HAProxy from Debian, then scripts/two-servers-check.py
# against the balancer. Everything started here is stopped at the end.
#
#   scripts/two-servers.sh BINARY DATABASE_URL
set -euo pipefail
bin=$1
db=$2
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for port in 18940 18941 18942; do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
        echo "port $port is taken: stop what serves there first" >&2
        exit 1
    fi
done
for port in 18941 18942; do
    DATABASE_URL=$db "$bin" serve --addr "127.0.0.1:$port" --pool 4 --insecure-cookies \
        --trusted-proxy 127.0.0.1/32 > "$work/serve-$port.log" 2>&1 &
    pids+=($!)
done
pid_a=${pids[0]}

cat > "$work/haproxy.cfg" <<'EOF'
global
    maxconn 256
defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    retries 3
    option redispatch
    retry-on conn-failure empty-response
frontend liangxin
    bind 127.0.0.1:18940
    option forwardfor
    default_backend servers
backend servers
    balance roundrobin
    option httpchk GET /healthz
    http-response set-header X-Served-By %s
    server a 127.0.0.1:18941 check inter 500ms fall 1 rise 1
    server b 127.0.0.1:18942 check inter 500ms fall 1 rise 1
EOF
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
pids+=($!)

for port in 18941 18942; do
    for _ in $(seq 1 120); do
        curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        sleep 1
    done
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/serve-$port.log"; exit 1; }
done
grep -h "只读副本" "$work"/serve-*.log || true
# Both servers marked up by the balancer's checks.
sleep 2
python3 "$(dirname "$0")/two-servers-check.py" http://127.0.0.1:18940 http://127.0.0.1:18941 "$pid_a" \
    || { tail -n 20 "$work"/serve-*.log "$work/haproxy.log"; exit 1; }
