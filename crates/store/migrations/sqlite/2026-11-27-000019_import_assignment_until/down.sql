ALTER TABLE import_assignments DROP COLUMN until;
