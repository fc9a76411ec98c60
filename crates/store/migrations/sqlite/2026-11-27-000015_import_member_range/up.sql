-- The members an import created are the ids it reserved in one block (first..=last), so
-- the history keeps the range instead of a row per member: a million-row import no longer
-- writes a million history rows.
ALTER TABLE imports ADD COLUMN first_member_id BIGINT;
ALTER TABLE imports ADD COLUMN last_member_id BIGINT;
UPDATE imports SET
    first_member_id = (SELECT min(member_id) FROM import_members WHERE import_id = imports.id),
    last_member_id = (SELECT max(member_id) FROM import_members WHERE import_id = imports.id);
DROP TABLE import_members;
