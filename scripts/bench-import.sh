#!/usr/bin/env bash
# Import benchmark: a generated member sheet of N rows previewed and committed into the demo
# city by `liangxin import members`, on SQLite and on PostgreSQL, beside the raw bulk insert
# of the same rows in the same run (the sqlite3 shell's .import, PostgreSQL's COPY, into a
# plain table: no validation, no encryption). Figures go to BENCHMARKS.md.
#   scripts/bench-import.sh [rows]      (PostgreSQL at $BENCH_PG_URL, default 127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
pg_base=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
cargo build --release --locked -p liangxin >&2
bin=$PWD/target/release/liangxin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LIANGXIN_KEY_FILE="$work/keys/liangxin.key"
as_of=2026-11-27

echo "machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs)"
echo "commit:  $(git rev-parse --short HEAD); rows: $rows"

"$bin" --db "$work/city.db" demo --as-of "$as_of" >/dev/null
sqlite3 "$work/city.db" "SELECT county_code || '-' || id FROM party_orgs WHERE org_type IN ('branch','joint_branch')" > "$work/codes.txt"
python3 scripts/gen-members-csv.py "$rows" "$work/codes.txt" "$work/members.csv"
ls -l "$work/members.csv" | awk '{print "file: " $5 " bytes"}'

echo "== SQLite"
cp "$work/city.db" "$work/before.db"
/usr/bin/time -f "preview: %e s wall, %M KB peak RSS" "$bin" --db "$work/city.db" import members "$work/members.csv" 2>&1 >/dev/null | tail -1
/usr/bin/time -f "preview+commit: %e s wall, %M KB peak RSS" "$bin" --db "$work/city.db" import members "$work/members.csv" --commit 2>&1 | tail -2
start=$(date +%s.%N)
sqlite3 "$work/before.db" "CREATE TABLE raw_members (name TEXT, rid TEXT, po TEXT, status TEXT, joined TEXT, confirmed TEXT, phone TEXT);" ".import --csv --skip 1 $work/members.csv raw_members"
echo "raw .import: $(echo "$(date +%s.%N) - $start" | bc) s"

echo "== PostgreSQL"
psql "$pg_base/postgres" -qc "DROP DATABASE IF EXISTS liangxin_bench" 2>/dev/null
psql "$pg_base/postgres" -qc "CREATE DATABASE liangxin_bench"
"$bin" --db "$pg_base/liangxin_bench" demo --as-of "$as_of" >/dev/null
/usr/bin/time -f "preview: %e s wall, %M KB peak RSS" "$bin" --db "$pg_base/liangxin_bench" import members "$work/members.csv" 2>&1 >/dev/null | tail -1
psql "$pg_base/liangxin_bench" -qc "CREATE TABLE raw_members (name TEXT, rid TEXT, po TEXT, status TEXT, joined TEXT, confirmed TEXT, phone TEXT)"
start=$(date +%s.%N)
psql "$pg_base/liangxin_bench" -qc "\\copy raw_members FROM '$work/members.csv' WITH (FORMAT csv, HEADER true)"
echo "raw COPY: $(echo "$(date +%s.%N) - $start" | bc) s"
/usr/bin/time -f "preview+commit: %e s wall, %M KB peak RSS" "$bin" --db "$pg_base/liangxin_bench" import members "$work/members.csv" --commit 2>&1 | tail -2
psql "$pg_base/postgres" -qc "DROP DATABASE liangxin_bench"
