ALTER TABLE member_records DROP COLUMN withdrawn_reason;
ALTER TABLE member_records DROP COLUMN withdrawn_by;
ALTER TABLE member_records DROP COLUMN withdrawn_on;
