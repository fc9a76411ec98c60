DROP TABLE audit_findings;
DROP TABLE audit_runs;
DELETE FROM id_alloc WHERE name IN ('audit_runs', 'audit_findings', 'records_version');
