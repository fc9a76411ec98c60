DROP TABLE import_upload_problems;
DROP INDEX import_uploads_actor;
ALTER TABLE import_uploads DROP COLUMN file_size;
