-- Files uploaded for import, from upload to commit. The file is kept (encrypted: it holds
-- resident IDs) only until it is committed or discarded, or for a day; the preview holds
-- counts and problems with IDs masked. Any server can show a check's progress: it is here,
-- not in one server's memory.
CREATE TABLE import_uploads (
    id BIGINT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    actor TEXT NOT NULL,
    scope_path TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    content BYTEA NOT NULL,
    -- checking, checked, failed, committing, committed, discarded, expired
    state TEXT NOT NULL,
    done_rows INTEGER NOT NULL DEFAULT 0,
    total_rows INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    preview TEXT,
    message TEXT,
    import_id BIGINT REFERENCES imports (id)
);
CREATE INDEX import_uploads_scope ON import_uploads (scope_path);

INSERT INTO id_alloc (name, next_id) VALUES ('import_uploads', 1);
