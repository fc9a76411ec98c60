DROP INDEX organizations_zone_name;
CREATE INDEX organizations_zone ON organizations (zone_id);
