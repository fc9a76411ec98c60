CREATE TABLE import_members (
    import_id BIGINT NOT NULL REFERENCES imports (id),
    county_code INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    PRIMARY KEY (import_id, county_code, member_id)
);
CREATE INDEX import_members_member ON import_members (county_code, member_id);
INSERT INTO import_members (import_id, county_code, member_id)
    SELECT i.id, m.county_code, m.id FROM imports i
    JOIN members m ON m.id BETWEEN i.first_member_id AND i.last_member_id;
ALTER TABLE imports DROP COLUMN last_member_id;
ALTER TABLE imports DROP COLUMN first_member_id;
