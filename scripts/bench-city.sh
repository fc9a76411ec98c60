#!/usr/bin/env bash
# City-scale benchmark: the demo city's build time and the coverage report against the
# raw-SQL baseline, on SQLite and on PostgreSQL, in one run. Figures go to BENCHMARKS.md.
#   scripts/bench-city.sh [runs]        (PostgreSQL at $BENCH_PG_URL, default 127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
pg_base=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
cargo build --release --locked -p liangxin >&2
bin=target/release/liangxin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LIANGXIN_KEY_FILE="$work/keys/liangxin.key"
as_of=2026-11-27

echo "machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs)"
echo "commit:  $(git rev-parse --short HEAD)"

echo "== SQLite"
for i in 1 2 3; do
    rm -f "$work"/city.db*
    /usr/bin/time -f "demo: %e s wall, %M KB peak RSS" "$bin" --db "$work/city.db" demo --as-of "$as_of" 2>&1 >/dev/null | tail -1
done
"$bin" --db "$work/city.db" bench --runs "$runs"

echo "== PostgreSQL"
for i in 1 2 3; do
    psql "$pg_base/postgres" -qc "DROP DATABASE IF EXISTS liangxin_bench" 2>/dev/null
    psql "$pg_base/postgres" -qc "CREATE DATABASE liangxin_bench"
    /usr/bin/time -f "demo: %e s wall, %M KB peak RSS" "$bin" --db "$pg_base/liangxin_bench" demo --as-of "$as_of" 2>&1 >/dev/null | tail -1
done
"$bin" --db "$pg_base/liangxin_bench" bench --runs "$runs"
psql "$pg_base/postgres" -qc "DROP DATABASE liangxin_bench"
