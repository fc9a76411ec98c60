-- Coverage over time is computed from dated records (DESIGN: every report from the records).
-- 成立日期 of a two-new organization; unknown: counted on every day.
ALTER TABLE organizations ADD COLUMN registered_on DATE;

-- A party organization that stopped covering a unit: the link leaves party_org_coverage
-- (which holds the links in force, as every current query wants) and is kept here.
CREATE TABLE coverage_ended (
    county_code INTEGER NOT NULL,
    organization_id BIGINT NOT NULL,
    party_org_county INTEGER NOT NULL,
    party_org_id BIGINT NOT NULL,
    since DATE NOT NULL,
    -- The last day the link held.
    until DATE NOT NULL,
    PRIMARY KEY (county_code, organization_id, party_org_county, party_org_id, since),
    FOREIGN KEY (county_code, organization_id) REFERENCES organizations (county_code, id),
    FOREIGN KEY (party_org_county, party_org_id) REFERENCES party_orgs (county_code, id),
    CHECK (until >= since)
);
CREATE INDEX coverage_ended_party_org ON coverage_ended (party_org_county, party_org_id);
