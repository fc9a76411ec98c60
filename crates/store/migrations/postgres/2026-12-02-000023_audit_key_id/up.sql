-- Which key of the ring chained each row (hex of its 4-byte id); '' for rows from before
-- key ids, which any key of the ring may have chained.
ALTER TABLE audit_log ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
