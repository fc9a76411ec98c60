DROP TRIGGER members_row_version;
DROP TRIGGER party_orgs_row_version;
DROP TRIGGER organizations_row_version;
ALTER TABLE members DROP COLUMN row_version;
ALTER TABLE party_orgs DROP COLUMN row_version;
ALTER TABLE organizations DROP COLUMN row_version;
