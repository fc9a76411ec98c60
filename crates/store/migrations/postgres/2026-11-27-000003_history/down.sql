DROP TABLE coverage_ended;
ALTER TABLE organizations DROP COLUMN registered_on;
