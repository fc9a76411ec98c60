-- 先进典型: organizations, members, party-affairs workers and practices held up as examples,
-- each with its deeds and the evidence (the commendation, the report); a committee publishes
-- one (it then shows on its town's page and in the bulletin) or withdraws it.
CREATE TABLE exemplars (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    -- The party organization it is, or belongs to.
    party_org_id BIGINT NOT NULL,
    member_county INTEGER,
    member_id BIGINT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    evidence TEXT NOT NULL,
    recognized_by TEXT NOT NULL,
    year INTEGER NOT NULL,
    recorded_on DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    published_on DATE,
    published_by TEXT,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id),
    FOREIGN KEY (member_county, member_id) REFERENCES members (county_code, id)
);
CREATE INDEX exemplars_party_org ON exemplars (county_code, party_org_id);

INSERT INTO id_alloc (name, next_id) VALUES ('exemplars', 1);
