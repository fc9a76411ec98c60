-- Uploads are bounded: each account's staged files and bytes are counted (file_size), a
-- preview keeps the first problems and the full list lives apart (import_upload_problems,
-- JSON) so that listing uploads never reads it, and uploads per account and time are counted.
ALTER TABLE import_uploads ADD COLUMN file_size BIGINT NOT NULL DEFAULT 0;
CREATE INDEX import_uploads_actor ON import_uploads (actor, uploaded_at);
CREATE TABLE import_upload_problems (
    upload_id BIGINT PRIMARY KEY REFERENCES import_uploads (id),
    problems BLOB NOT NULL
);
