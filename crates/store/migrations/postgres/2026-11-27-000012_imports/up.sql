-- Imports kept in a history (who, when, which file, what came of it), each undoable as a
-- whole while nothing later depends on its rows.
CREATE TABLE imports (
    id BIGINT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    actor TEXT NOT NULL,
    scope_path TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    rows_read INTEGER NOT NULL,
    created INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    undone_at TIMESTAMP,
    undone_by TEXT
);

-- The records an import created (what an undo removes).
CREATE TABLE import_members (
    import_id BIGINT NOT NULL REFERENCES imports (id),
    county_code INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    PRIMARY KEY (import_id, county_code, member_id)
);
CREATE INDEX import_members_member ON import_members (county_code, member_id);

INSERT INTO id_alloc (name, next_id) VALUES ('imports', 1);
