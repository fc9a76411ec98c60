-- Imports of every kind share one history: the block of ids an import reserved is in the
-- table its kind writes (members, organizations …), and an update names the record it
-- changed there.
ALTER TABLE imports RENAME COLUMN first_member_id TO first_id;
ALTER TABLE imports RENAME COLUMN last_member_id TO last_id;
ALTER TABLE import_updates RENAME COLUMN member_id TO record_id;
