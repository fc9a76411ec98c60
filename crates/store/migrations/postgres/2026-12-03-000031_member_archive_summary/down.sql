ALTER TABLE member_activity DROP COLUMN archive_last_received_on;
ALTER TABLE member_activity DROP COLUMN archive_items;
