DROP TRIGGER members_row_version ON members;
DROP TRIGGER party_orgs_row_version ON party_orgs;
DROP TRIGGER organizations_row_version ON organizations;
DROP FUNCTION raise_row_version();
ALTER TABLE members DROP COLUMN row_version;
ALTER TABLE party_orgs DROP COLUMN row_version;
ALTER TABLE organizations DROP COLUMN row_version;
