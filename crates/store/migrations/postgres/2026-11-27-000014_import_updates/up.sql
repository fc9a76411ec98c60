-- An import also updates members already registered (only what the file says); each
-- update keeps the values before and after, so the import can be undone while nobody has
-- changed the member since.
ALTER TABLE imports ADD COLUMN updated INTEGER NOT NULL DEFAULT 0;

CREATE TABLE import_updates (
    import_id BIGINT NOT NULL REFERENCES imports (id),
    county_code INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    old_values TEXT NOT NULL,
    new_values TEXT NOT NULL,
    PRIMARY KEY (import_id, county_code, member_id)
);
