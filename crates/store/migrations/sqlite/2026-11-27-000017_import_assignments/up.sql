-- The instructor assignments an import made (工作覆盖): they have no id of their own, so
-- the history keeps their keys, and an undo removes exactly these while they stand.
CREATE TABLE import_assignments (
    import_id BIGINT NOT NULL REFERENCES imports (id),
    seq INTEGER NOT NULL,
    county_code INTEGER NOT NULL,
    organization_id BIGINT NOT NULL,
    instructor_county INTEGER NOT NULL,
    instructor_id BIGINT NOT NULL,
    since DATE NOT NULL,
    PRIMARY KEY (import_id, seq)
);
