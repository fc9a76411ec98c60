DROP TABLE import_updates;
ALTER TABLE imports DROP COLUMN updated;
