-- 流动党员: a member away from the home branch (一方隶属) for a while. The home branch stays
-- responsible; a host party organization in the system (五双联动: both responsible, both see
-- the member) records their organizational life. members.flow mirrors the open record.
CREATE TABLE floating_members (
    -- Global ids (id_alloc): origin and host may lie in two counties.
    id BIGINT NOT NULL PRIMARY KEY,
    member_county INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    -- The host party organization in this system, if one is paired.
    host_county INTEGER,
    host_party_org_id BIGINT,
    -- Where the member is (流入地: place and workplace).
    destination TEXT NOT NULL,
    -- 流动党员活动证 number and validity.
    certificate_no TEXT,
    certificate_valid_until DATE,
    out_on DATE NOT NULL,
    -- The day the member came back (or the record ended); open while null.
    back_on DATE,
    note TEXT NOT NULL,
    -- The 党员证明信 the record came from, when it did (a holder needs no 活动证).
    transfer_id BIGINT REFERENCES transfers (id),
    FOREIGN KEY (member_county, member_id) REFERENCES members (county_code, id),
    FOREIGN KEY (host_county, host_party_org_id) REFERENCES party_orgs (county_code, id),
    CHECK (back_on IS NULL OR back_on >= out_on)
);
CREATE UNIQUE INDEX floating_open_per_member ON floating_members (member_county, member_id)
    WHERE back_on IS NULL;
CREATE INDEX floating_host ON floating_members (host_county, host_party_org_id, back_on);

INSERT INTO id_alloc (name, next_id) VALUES ('floating_members', 1);
