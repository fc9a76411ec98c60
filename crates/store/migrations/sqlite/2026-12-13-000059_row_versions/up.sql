-- The registry's editable records carry a version, raised by the database on every change
-- whoever makes it (a form, an import, a transfer): a form saved over a version it did not
-- see is refused as a conflict instead of overwriting the change it never saw.
ALTER TABLE organizations ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE party_orgs ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;

-- SQLite has no BEFORE UPDATE assignment to NEW: the row is raised after the change (the
-- trigger's own update does not fire it again: recursive triggers are off).
CREATE TRIGGER organizations_row_version AFTER UPDATE ON organizations
    FOR EACH ROW WHEN NEW.row_version = OLD.row_version
BEGIN
    UPDATE organizations SET row_version = OLD.row_version + 1
    WHERE county_code = NEW.county_code AND id = NEW.id;
END;
CREATE TRIGGER party_orgs_row_version AFTER UPDATE ON party_orgs
    FOR EACH ROW WHEN NEW.row_version = OLD.row_version
BEGIN
    UPDATE party_orgs SET row_version = OLD.row_version + 1
    WHERE county_code = NEW.county_code AND id = NEW.id;
END;
CREATE TRIGGER members_row_version AFTER UPDATE ON members
    FOR EACH ROW WHEN NEW.row_version = OLD.row_version
BEGIN
    UPDATE members SET row_version = OLD.row_version + 1
    WHERE county_code = NEW.county_code AND id = NEW.id;
END;
