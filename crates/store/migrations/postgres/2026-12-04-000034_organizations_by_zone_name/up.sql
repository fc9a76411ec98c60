-- A park's or town's units in the list's order (by name): the zone's list reads its page
-- instead of sorting the zone. The old index's column comes first, so lookups by zone stay.
DROP INDEX organizations_zone;
CREATE INDEX organizations_zone_name ON organizations (zone_id, name, id);
