-- A scope is a range of materialized paths. With the default 100 histogram buckets, a
-- province's 90,000 party organizations put a county's few hundred inside one bucket, and
-- the planner, expecting 2 rows, sorted all of a county's members for one page of them
-- (26 ms instead of 0.6 ms: BENCHMARKS.md, "A province on PostgreSQL"). A finer histogram
-- gives a county's range its size.
ALTER TABLE party_orgs ALTER COLUMN path SET STATISTICS 1000;
-- Taken at once, not at the next ANALYZE.
ANALYZE party_orgs (path);
