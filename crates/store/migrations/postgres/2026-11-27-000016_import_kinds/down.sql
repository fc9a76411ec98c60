ALTER TABLE import_updates RENAME COLUMN record_id TO member_id;
ALTER TABLE imports RENAME COLUMN last_id TO last_member_id;
ALTER TABLE imports RENAME COLUMN first_id TO first_member_id;
