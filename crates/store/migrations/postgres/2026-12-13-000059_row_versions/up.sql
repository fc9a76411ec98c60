-- The registry's editable records carry a version, raised by the database on every change
-- whoever makes it (a form, an import, a transfer): a form saved over a version it did not
-- see is refused as a conflict instead of overwriting the change it never saw.
ALTER TABLE organizations ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE party_orgs ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION raise_row_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.row_version := OLD.row_version + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER organizations_row_version BEFORE UPDATE ON organizations
    FOR EACH ROW EXECUTE FUNCTION raise_row_version();
CREATE TRIGGER party_orgs_row_version BEFORE UPDATE ON party_orgs
    FOR EACH ROW EXECUTE FUNCTION raise_row_version();
CREATE TRIGGER members_row_version BEFORE UPDATE ON members
    FOR EACH ROW EXECUTE FUNCTION raise_row_version();
