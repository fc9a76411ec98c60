-- A town's or park's profile items entered by its committee or above, with their evidence:
-- the 五个一 the records cannot answer (`five.center`, `five.team`, `five.brand`), the 五个同步
-- (`sync.*`) and its class's checklist (`class.*`). One row an item, changed in place; every
-- change is in the audit log with what it was before.
CREATE TABLE zone_items (
    zone_id BIGINT NOT NULL REFERENCES zones (id),
    item TEXT NOT NULL,
    state TEXT NOT NULL,
    evidence TEXT NOT NULL,
    updated_on DATE NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (zone_id, item)
);
