ALTER TABLE audit_log DROP COLUMN key_id;
