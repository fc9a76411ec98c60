#!/usr/bin/env bash
# Web benchmark on the demo city (SQLite): the dashboard and organization list pages under
# 64 concurrent connections (wrk, from Debian), beside the stylesheet served by the same
# binary in the same run. Server and load generator share the machine's cores.
#   scripts/bench-web.sh [seconds per path]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
cargo build --release --locked -p liangxin >&2
bin=target/release/liangxin
work=$(mktemp -d)
port=18990
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
export LIANGXIN_KEY_FILE="$work/keys/liangxin.key"
"$bin" --db "$work/city.db" demo --as-of 2026-11-27 | head -1
"$bin" --db "$work/city.db" serve --addr 127.0.0.1:$port --pool 8 > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -fsS http://127.0.0.1:$port/healthz >/dev/null 2>&1 && break; sleep 0.5; done

# Sign in as the city account (the largest scope) and keep the session cookie.
jar="$work/cookies"
csrf=$(curl -s -c "$jar" http://127.0.0.1:$port/login | grep -o 'name="_csrf" value="[^"]*"' | sed 's/.*value="//;s/"//')
curl -s -o /dev/null -b "$jar" -c "$jar" --data "_csrf=$csrf&next=/&username=city&password=lx-demo-2017" http://127.0.0.1:$port/login
token=$(awk '$6 == "lx_session" { print $7 }' "$jar")
[ -n "$token" ] || { echo "sign-in failed"; exit 1; }

echo "machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs); commit $(git rev-parse --short HEAD)"
for path in /static/app.css / /organizations "/organizations?page=100&sort=-employees" "/gaps?county=330825"; do
    # One request first, so a cold cache is not what is measured.
    curl -s -o /dev/null -H "Cookie: lx_session=$token" "http://127.0.0.1:$port$path"
    out=$(wrk -t2 -c64 -d"${secs}s" --latency -H "Cookie: lx_session=$token" "http://127.0.0.1:$port$path")
    rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
    p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
    p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
    non2xx=$(echo "$out" | awk '/Non-2xx/ { print $4 }')
    echo "$path: ${rps} req/s, p50 ${p50}, p99 ${p99}, non-2xx ${non2xx:-0}"
done
