-- 出资人: the investors of a two-new organization (法定代表人, 实际控制人, 股东, 合伙人,
-- 举办者) with their year of birth (新生代 follows from it by a rule) and 政治面貌, and
-- the contact and education events (走访谈心, 教育培训, 座谈交流) party organizations held
-- with them, one event reaching one investor or many.
CREATE TABLE unit_investors (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    organization_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    birth_year INTEGER NOT NULL,
    role TEXT NOT NULL,
    political_status TEXT NOT NULL,
    registered_on DATE NOT NULL,
    registered_by TEXT NOT NULL,
    -- The day they ceased to be an investor of the unit.
    ended_on DATE,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, organization_id) REFERENCES organizations (county_code, id)
);
CREATE INDEX unit_investors_organization ON unit_investors (county_code, organization_id);
CREATE INDEX unit_investors_organization_id ON unit_investors (organization_id);

CREATE TABLE investor_events (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    party_org_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    held_on DATE NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    recorded_on DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id)
);
CREATE INDEX investor_events_party_org ON investor_events (county_code, party_org_id, held_on);
CREATE INDEX investor_events_held ON investor_events (held_on);

CREATE TABLE investor_event_attendance (
    county_code INTEGER NOT NULL,
    event_id BIGINT NOT NULL,
    investor_county INTEGER NOT NULL,
    investor_id BIGINT NOT NULL,
    PRIMARY KEY (county_code, event_id, investor_county, investor_id),
    FOREIGN KEY (county_code, event_id) REFERENCES investor_events (county_code, id),
    FOREIGN KEY (investor_county, investor_id) REFERENCES unit_investors (county_code, id)
);
CREATE INDEX investor_event_attendance_investor ON investor_event_attendance (investor_county, investor_id);

INSERT INTO id_alloc (name, next_id) VALUES ('unit_investors', 1);
INSERT INTO id_alloc (name, next_id) VALUES ('investor_events', 1);
