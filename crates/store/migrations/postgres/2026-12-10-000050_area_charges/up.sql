-- 划片包干: a committee assigns its cadres (by name and post) to organizations below it,
-- each from a day until the assignment ends; the cadre answers for the charge's open items.
CREATE TABLE area_charges (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    committee_id BIGINT NOT NULL,
    cadre TEXT NOT NULL,
    post TEXT NOT NULL,
    party_org_county INTEGER NOT NULL,
    party_org_id BIGINT NOT NULL,
    since DATE NOT NULL,
    until DATE,
    assigned_by TEXT NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, committee_id) REFERENCES party_orgs (county_code, id),
    FOREIGN KEY (party_org_county, party_org_id) REFERENCES party_orgs (county_code, id)
);
CREATE INDEX area_charges_committee ON area_charges (county_code, committee_id);

INSERT INTO id_alloc (name, next_id) VALUES ('area_charges', 1);
