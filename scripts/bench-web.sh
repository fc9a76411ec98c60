#!/usr/bin/env bash
# Web benchmark on the demo city (SQLite or PostgreSQL): every list and overview page, and the API lists,
# for each working role (the city, a county, a zone, a branch secretary, an instructor),
# under 64 concurrent connections (wrk, from Debian), beside /healthz served by the same
# binary in the same run. Server and load generator share the machine's cores.
#   scripts/bench-web.sh [seconds per path] [role …]
# Prints one Markdown table row per role and path. Environment (both optional):
#   BENCH_DB=file.db       serve this demo city instead of building one (its key file beside
#                          it: file.db.key)
#   BENCH_PATHS="/a /b"    measure only these of each role's paths ({root} stands for the
#                          role's own party organization: "/party-orgs/{root}/stars")
#   BENCH_PG_URL=postgres://…/db   serve the demo city from this PostgreSQL database instead
#                          (built there when it has no tables yet; its key file is
#                          BENCH_KEY_FILE, default /tmp/liangxin-bench-pg.key, kept so the
#                          city can be reused)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
shift || true
roles=("$@")
[ ${#roles[@]} -gt 0 ] || roles=(city longyou hongmu secretary instructor)
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
command -v sqlite3 >/dev/null || apt-get install -y -qq sqlite3 >/dev/null
cargo build --release --locked -p liangxin >&2
bin=target/release/liangxin
work=$(mktemp -d)
port=18990
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
if [ -n "${BENCH_PG_URL:-}" ]; then
    command -v psql >/dev/null || apt-get install -y -qq postgresql-client >/dev/null
    db=$BENCH_PG_URL
    export LIANGXIN_KEY_FILE=${BENCH_KEY_FILE:-/tmp/liangxin-bench-pg.key}
    sql() { psql -q -X -tA "$db" -c "$1"; }
    if [ -z "$(sql "SELECT to_regclass('users')")" ]; then
        "$bin" --db "$db" demo --as-of 2026-11-27 | head -1 >&2
        sql "VACUUM ANALYZE" >&2
    fi
else
    db=${BENCH_DB:-$work/city.db}
    export LIANGXIN_KEY_FILE="$db.key"
    sql() { sqlite3 "$db" "$1"; }
    [ -n "${BENCH_DB:-}" ] && [ -s "$db" ] || "$bin" --db "$db" demo --as-of 2026-11-27 | head -1 >&2
fi
"$bin" --db "$db" serve --addr 127.0.0.1:$port --pool 8 > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -fsS http://127.0.0.1:$port/healthz >/dev/null 2>&1 && break; sleep 0.5; done

# One measurement: "| role | path | req/s | p50 | p99 | non-2xx |".
measure() {
    local role=$1 token=$2 path=$3 out
    # One request first, so a cold cache is not what is measured.
    curl -s -o /dev/null -H "Cookie: lx_session=$token" "http://127.0.0.1:$port$path"
    out=$(wrk -t2 -c64 -d"${secs}s" --timeout 10s --latency -H "Cookie: lx_session=$token" \
        "http://127.0.0.1:$port$path")
    local rps p50 p99 bad
    rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
    p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
    p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
    bad=$(echo "$out" | awk '/Non-2xx/ { print $4 }')
    echo "| $role | \`$path\` | $rps | $p50 | $p99 | ${bad:-0} |"
}

# The server's SQLite is the one bundled by libsqlite3-sys (not the sqlite3 command's), built
# with the flags in .cargo/config.toml.
bundled_sqlite() {
    local v h
    v=$(awk '/^name = "libsqlite3-sys"/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
    h=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/libsqlite3-sys-"$v"/sqlite3/sqlite3.h 2>/dev/null | head -1)
    echo "$( [ -n "$h" ] && awk '/#define SQLITE_VERSION / { gsub(/"/, "", $3); print $3 }' "$h") (bundled by libsqlite3-sys $v)"
}
if [ -n "${BENCH_PG_URL:-}" ]; then engine="PostgreSQL $(sql "SHOW server_version")"; else engine="SQLite $(bundled_sqlite)"; fi
echo "database: $engine; machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs); commit $(git rev-parse --short HEAD); ${secs} s per path" >&2
echo "| role | path | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
measure "-" "" /healthz
for role in "${roles[@]}"; do
    jar="$work/cookies-$role"
    csrf=$(curl -s -c "$jar" http://127.0.0.1:$port/login | grep -o 'name="_csrf" value="[^"]*"' | sed 's/.*value="//;s/"//')
    curl -s -o /dev/null -b "$jar" -c "$jar" --data "_csrf=$csrf&next=/&username=$role&password=lx-demo-2017" http://127.0.0.1:$port/login
    token=$(awk '$6 == "lx_session" { print $7 }' "$jar")
    [ -n "$token" ] || { echo "sign-in failed for $role" >&2; exit 1; }
    paths=(/ /organizations /api/v1/organizations)
    if [ "$role" != instructor ]; then
        root=$(sql "SELECT party_org_county || '/' || party_org_id FROM users WHERE username = '$role'")
        paths+=("/party-orgs/{root}" /members /api/v1/members /life /api/v1/life /dues
            "/dues/members?state=unpaid" /api/v1/dues /floating /transfers /audit /gaps
            /weak "/party-orgs/{root}/stars" "/party-orgs/{root}/vanguard"
            "/party-orgs/{root}/evaluation-tables" /api/v1/weak /stars /api/v1/stars
            /api/v1/rectifications "/party-orgs/{root}/checkups" "/party-orgs/{root}/funds"
            "/api/v1/party-orgs/{root}/funds" "/party-orgs/{root}/statistics"
            "/api/v1/party-orgs/{root}/statistics" /tasks /spot-checks /api/v1/spot-checks /charges /exemplars
            /api/v1/exemplars /reviews /api/v1/reviews /centers /api/v1/centers /workforce
            /api/v1/workforce /investors /api/v1/investors /projects /api/v1/projects
            "/bulletin?period=2026-10" "/effectiveness?period=2026-10"
            "/api/v1/bulletin?period=2026-10" "/bulletin.docx?period=2026-10"
            "/bulletin.xlsx?period=2026-10")
        # The newest 随机抽查 round the role sees (a committee's own or one below it).
        round=$(sql "SELECT r.county_code || '/' || r.id FROM spot_check_rounds r
            JOIN party_orgs o ON o.county_code = r.county_code AND o.id = r.owner_id
            JOIN party_orgs me ON me.county_code || '/' || me.id = '$root'
            WHERE substr(o.path, 1, length(me.path)) = me.path
            ORDER BY r.published_on DESC, r.id DESC LIMIT 1")
        [ -z "$round" ] || paths+=("/spot-checks/{round}" "/api/v1/spot-checks/{round}")
        # 考核清单: a city assesses its counties, a county its towns; the first one's sheet.
        region=$(sql "SELECT region FROM users WHERE username = '$role'")
        sheet=
        if [ -n "$region" ] && [ $((region % 100)) -eq 0 ]; then
            sheet="county/$(sql "SELECT code FROM regions WHERE parent_code = $region ORDER BY code LIMIT 1")"
        elif [ -n "$region" ]; then
            sheet="zone/$(sql "SELECT id FROM zones WHERE county_code = $region ORDER BY id LIMIT 1")"
        fi
        paths+=(/assessment /api/v1/assessment)
        [ -z "$sheet" ] || paths+=("/assessment/{sheet}")
    fi
    for path in "${paths[@]}"; do
        if [ -n "${BENCH_PATHS:-}" ] && [[ " $BENCH_PATHS " != *" $path "* ]]; then continue; fi
        path=${path//\{root\}/$root}
        path=${path//\{sheet\}/${sheet:-}}
        measure "$role" "$token" "${path//\{round\}/${round:-}}"
    done
done
