#!/usr/bin/env bash
# Why a large SQLite import rebuilds its indexes: the same N members and identities (made by
# `liangxin import members` from a generated sheet) inserted by `INSERT … SELECT` in the
# sqlite3 shell into a copy of the demo city, once with the secondary indexes kept and once
# dropped and built again, each in one transaction with the server's pragmas.
#   scripts/bench-import-indexes.sh [rows]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
cargo build --release --locked -p liangxin >&2
bin=$PWD/target/release/liangxin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LIANGXIN_KEY_FILE="$work/keys/liangxin.key"
echo "machine: $(nproc) cores; commit: $(git rev-parse --short HEAD); rows: $rows"
"$bin" --db "$work/before.db" demo --as-of 2026-11-27 >/dev/null
sqlite3 "$work/before.db" "SELECT county_code || '-' || id FROM party_orgs WHERE org_type IN ('branch','joint_branch')" > "$work/codes.txt"
python3 scripts/gen-members-csv.py "$rows" "$work/codes.txt" "$work/members.csv"
cp "$work/before.db" "$work/after.db"
"$bin" --db "$work/after.db" import members "$work/members.csv" --commit >/dev/null
last=$(sqlite3 "$work/before.db" "SELECT max(id) FROM members")
sqlite3 "$work/rows.db" "ATTACH '$work/after.db' AS a;
  CREATE TABLE m AS SELECT * FROM a.members WHERE id > $last ORDER BY id;
  CREATE TABLE p AS SELECT * FROM a.member_profiles WHERE member_id > $last ORDER BY member_id;"
rm "$work/after.db"*
indexes=$(sqlite3 "$work/before.db" "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('members', 'member_profiles') AND sql IS NOT NULL")
drop=$(for i in $indexes; do printf 'DROP INDEX %s; ' "$i"; done)
create=$(sqlite3 "$work/before.db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('members', 'member_profiles') AND sql IS NOT NULL")
run() {
  cp "$work/before.db" "$work/try.db"
  sync
  local start
  start=$(date +%s.%N)
  sqlite3 "$work/try.db" "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;" \
    "ATTACH '$work/rows.db' AS r;" "BEGIN IMMEDIATE;" "$1" \
    "INSERT INTO members SELECT * FROM r.m; INSERT INTO member_profiles SELECT * FROM r.p;" \
    "$2" "COMMIT;" >/dev/null
  echo "$3: $(echo "$(date +%s.%N) - $start" | bc) s"
  rm "$work/try.db"*
}
run "" "" "indexes kept"
run "$drop" "$create" "indexes dropped and built again"
