-- 党群服务中心: a town's or park's regional center, registered by the committees that see
-- the zone; party organizations of its county book it for a day, and the meeting the
-- booking organization records that day is an activity held there (its participants are
-- those the meeting's record shows present). 实体化运行 is judged from those activities.
CREATE TABLE service_centers (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    zone_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    area_m2 INTEGER NOT NULL,
    opening_hours TEXT NOT NULL,
    open_days_per_week INTEGER NOT NULL,
    staff_full_time INTEGER NOT NULL,
    staff_part_time INTEGER NOT NULL,
    opened_on DATE NOT NULL,
    closed_on DATE,
    registered_by TEXT NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (zone_id) REFERENCES zones (id)
);
CREATE INDEX service_centers_zone ON service_centers (zone_id);

CREATE TABLE center_bookings (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    center_id BIGINT NOT NULL,
    party_org_county INTEGER NOT NULL,
    party_org_id BIGINT NOT NULL,
    booked_for DATE NOT NULL,
    purpose TEXT NOT NULL,
    booked_on DATE NOT NULL,
    booked_by TEXT NOT NULL,
    cancelled_on DATE,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, center_id) REFERENCES service_centers (county_code, id),
    FOREIGN KEY (party_org_county, party_org_id) REFERENCES party_orgs (county_code, id)
);
CREATE INDEX center_bookings_center ON center_bookings (county_code, center_id, booked_for);
CREATE INDEX center_bookings_party_org ON center_bookings (party_org_county, party_org_id, booked_for);

INSERT INTO id_alloc (name, next_id) VALUES ('service_centers', 1);
INSERT INTO id_alloc (name, next_id) VALUES ('center_bookings', 1);
