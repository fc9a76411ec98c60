#!/usr/bin/env bash
# The API against its own document: schemathesis (PyPI) generates requests from
# /api/v1/openapi.json, valid and invalid, and checks every answer (no server error,
# documented status codes, content types and bodies, invalid input refused, valid input
# accepted). Runs a small demo city on a fresh SQLite file with a token of the city.
#
#   scripts/api-conformance.sh target/release/liangxin [max-examples]
set -euo pipefail
bin=${1:?usage: $0 path/to/liangxin [max-examples]}
examples=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
port=${LIANGXIN_CONFORMANCE_PORT:-18977}
cleanup() {
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
python3 -c 'import schemathesis' 2>/dev/null \
    || python3 -m pip install -q --disable-pip-version-check "schemathesis==4.32.5"
export LIANGXIN_KEY_FILE="$work/keys/liangxin.key"
"$bin" --db "$work/api.db" demo --organizations 600 > /dev/null
token=$("$bin" --db "$work/api.db" tokens create --user city --name 接口一致性检查 2> /dev/null)
"$bin" --db "$work/api.db" serve --addr "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
    sleep 1
done
python3 -m schemathesis.cli --config-file "$here/schemathesis.toml" --no-color run \
    "http://127.0.0.1:$port/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --max-examples "$examples" --workers 2 --seed 20171101
